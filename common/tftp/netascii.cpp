#include "common/tftp/netascii.hpp"

namespace snowboot::tftp {

namespace {
constexpr std::uint8_t kCr = '\r';
constexpr std::uint8_t kLf = '\n';
}  // namespace

NetasciiEncoder::Progress NetasciiEncoder::encode(std::span<const std::uint8_t> in,
                                                  std::span<std::uint8_t> out) {
  Progress progress;
  if (pending_ && progress.produced < out.size()) {
    out[progress.produced++] = *pending_;
    pending_.reset();
  }
  while (!pending_ && progress.consumed < in.size() && progress.produced < out.size()) {
    const std::uint8_t byte = in[progress.consumed++];
    if (byte == kLf || byte == kCr) {
      out[progress.produced++] = kCr;
      const std::uint8_t second = byte == kLf ? kLf : 0;
      if (progress.produced < out.size()) {
        out[progress.produced++] = second;
      } else {
        pending_ = second;
      }
    } else {
      out[progress.produced++] = byte;
    }
  }
  return progress;
}

void NetasciiDecoder::decode(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  for (const std::uint8_t byte : in) {
    if (pendingCr_) {
      pendingCr_ = false;
      if (byte == kLf) {
        out.push_back(kLf);
        continue;
      }
      out.push_back(kCr);
      if (byte == 0) continue;
    }
    if (byte == kCr) {
      pendingCr_ = true;
    } else {
      out.push_back(byte);
    }
  }
}

void NetasciiDecoder::finish(std::vector<std::uint8_t>& out) {
  if (pendingCr_) out.push_back(kCr);
  pendingCr_ = false;
}

}  // namespace snowboot::tftp
