// parseUdpFrame must accept or reject any bytes without reading past them, and whatever it
// accepts must re-emit to a frame that parses to the same header and payload.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common/net/udp_frame.hpp"

using namespace snowboot::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = parseUdpFrame({data, size});
  if (!parsed) return 0;
  std::vector<std::uint8_t> out(kUdpFrameOverhead + parsed->payload.size());
  auto emitted = emitUdpFrame(parsed->header, parsed->payload, out);
  if (!emitted) std::abort();
  auto again = parseUdpFrame(*emitted);
  if (!again || !(again->header == parsed->header) ||
      !std::equal(again->payload.begin(), again->payload.end(), parsed->payload.begin(),
                  parsed->payload.end())) {
    std::abort();
  }
  return 0;
}
