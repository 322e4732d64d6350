#include "dhcpd/server/read_pacer.hpp"

namespace snowboot::dhcpd::server {

std::optional<ReadPacer::Clock::time_point> ReadPacer::afterRead(Clock::time_point start,
                                                                  std::size_t frames) {
  if (paced_) {
    // A paced read covers the whole spacing before it.
    if (frames >= kLoadFrames) return start + kSpacing;
    paced_ = false;
    windowStart_ = start;
    windowFrames_ = frames;
    return std::nullopt;
  }
  if (start - windowStart_ >= kSpacing) {
    windowStart_ = start;
    windowFrames_ = 0;
  }
  windowFrames_ += frames;
  if (windowFrames_ < kLoadFrames) return std::nullopt;
  paced_ = true;
  return windowStart_ + kSpacing;
}

}  // namespace snowboot::dhcpd::server
