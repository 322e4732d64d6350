// dhcp::decode must accept or reject any bytes without reading past them; whatever it accepts
// must encode (with the most room) and decode back to the same message, options in any order
// (overloaded fields come back after the options field), unless encode left options out.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common/dhcp/message.hpp"

using namespace snowboot::dhcp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode({data, size});
  if (!decoded) return 0;
  std::vector<std::uint8_t> out(70000);
  // A file or sname that was overloaded decodes as empty, and empty fields are what encode may
  // overload again, so the law holds at any size the options fit in.
  EncodeLimits limits;
  limits.optionsField = optionsFieldFor(65535);
  std::vector<std::uint8_t> dropped;
  auto encoded = encode(*decoded, limits, out, &dropped);
  if (!encoded) std::abort();
  if (!dropped.empty()) return 0;
  auto again = decode(*encoded);
  if (!again) std::abort();
  auto sorted = [](Message message) {
    auto entries = message.options.entries();
    std::vector<Option> byCode(entries.begin(), entries.end());
    std::ranges::sort(byCode, {}, &Option::code);
    OptionList list;
    for (const auto& entry : byCode) list.set(entry.code, entry.data);
    message.options = std::move(list);
    return message;
  };
  if (!(sorted(*again) == sorted(*decoded))) std::abort();
  return 0;
}
