// The TFTP decoder must accept or reject any datagram without reading past it, and whatever
// it accepts must re-emit to bytes that parse to the same value (parse(emit(x)) == x).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common/tftp/netascii.hpp"
#include "common/tftp/packet.hpp"

using namespace snowboot::tftp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  auto view = PacketView::check(input);
  auto parsed = parse(input);
  if (view.has_value() != parsed.has_value() && parsed) std::abort();
  if (parsed) {
    std::vector<std::uint8_t> out(bufferLength(*parsed));
    auto emitted = emit(*parsed, out);
    if (!emitted || emitted->size() != out.size()) std::abort();
    auto again = parse(*emitted);
    if (!again || !(*again == *parsed)) std::abort();
  }
  // The netascii transforms, on the same bytes: decoding the encoding gives them back.
  NetasciiEncoder encoder;
  std::vector<std::uint8_t> wire;
  std::vector<std::uint8_t> block(7);
  std::span<const std::uint8_t> rest = input;
  while (!rest.empty() || encoder.hasPending()) {
    auto progress = encoder.encode(rest, block);
    rest = rest.subspan(progress.consumed);
    wire.insert(wire.end(), block.begin(), block.begin() + progress.produced);
  }
  NetasciiDecoder decoder;
  std::vector<std::uint8_t> back;
  decoder.decode(wire, back);
  decoder.finish(back);
  if (back.size() != size || !std::equal(back.begin(), back.end(), data)) std::abort();
  return 0;
}
