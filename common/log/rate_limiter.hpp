#pragma once
// Per-key token buckets for log lines caused by the network (malformed packets, unknown
// clients): a flood costs a bounded number of lines, and the next line that gets through says
// how many were held back. Time is a parameter.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace snowboot::log {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    double burst = 5;            // lines allowed at once per key
    double perSecond = 1;        // lines regained per second per key
    std::size_t maxKeys = 1024;  // keys remembered; the least recently used is forgotten
  };

  RateLimiter() : RateLimiter(Limits{}) {}
  explicit RateLimiter(Limits limits) : limits_(limits) {}

  // If a line for `key` may be written now: how many lines for that key were suppressed since
  // the last one written (usually 0). Nothing if this line must be suppressed.
  std::optional<std::uint64_t> admit(const std::string& key, Clock::time_point now);

  std::size_t trackedKeys() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::uint64_t suppressed = 0;
    std::list<std::string>::iterator recency;
  };

  Limits limits_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> recency_;  // front = most recently used
};

}  // namespace snowboot::log
