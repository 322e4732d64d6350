// dhcp::decode must accept or reject any bytes without reading past them; whatever it accepts
// must encode (with room enough) and decode back to the same message.
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
  auto encoded = encode(*decoded, EncodeLimits{65535, 300}, out);
  if (!encoded) {
    if (encoded.error() == EncodeErrorCode::DoesNotFit) return 0;
    std::abort();
  }
  auto again = decode(*encoded);
  if (!again || !(*again == *decoded)) std::abort();
  return 0;
}
