#pragma once
// When the server next reads its packet socket. Reading on each readiness answers a lone
// client at once, but under load it costs a wake-up of the loop per frame, and each frame's log
// lines leave in their own syslog batch, waking the syslog daemon each time: at 12,000 DORA/s
// that was most of the frames. So once frames come at kLoadFrames or more within kSpacing,
// reads happen on a clock instead, kSpacing apart, each taking everything that came meanwhile
// (the capture ring holds about a second of such load); a paced read that finds fewer than
// kLoadFrames goes back to readiness. A frame under load waits at most kSpacing more, as a
// lease waits for the journal's spaced syncs. Pure: the caller passes the clock's readings.

#include <chrono>
#include <cstddef>
#include <optional>

namespace snowboot::dhcpd::server {

class ReadPacer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::microseconds kSpacing{1000};
  static constexpr std::size_t kLoadFrames = 4;

  // Records a read that started at `start` and took `frames`. Returns when the next read
  // should start, or nothing when it should wait for the socket to be readable.
  std::optional<Clock::time_point> afterRead(Clock::time_point start, std::size_t frames);

 private:
  bool paced_ = false;
  Clock::time_point windowStart_{};
  std::size_t windowFrames_ = 0;  // frames read since windowStart_, while not paced
};

}  // namespace snowboot::dhcpd::server
