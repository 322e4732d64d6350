#include "common/log/rate_limiter.hpp"

#include <algorithm>
#include <utility>

namespace snowboot::log {

std::optional<std::uint64_t> RateLimiter::admit(const std::string& key, Clock::time_point now) {
  auto found = buckets_.find(key);
  if (found == buckets_.end()) {
    if (buckets_.size() >= limits_.maxKeys && !recency_.empty()) {
      buckets_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(key);
    found = buckets_.emplace(key, Bucket{limits_.burst, now, 0, recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, found->second.recency);
  }

  auto& bucket = found->second;
  if (now > bucket.updated) {
    std::chrono::duration<double> elapsed = now - bucket.updated;
    bucket.tokens = std::min(limits_.burst, bucket.tokens + elapsed.count() * limits_.perSecond);
    bucket.updated = now;
  }
  if (bucket.tokens < 1) {
    ++bucket.suppressed;
    return std::nullopt;
  }
  bucket.tokens -= 1;
  return std::exchange(bucket.suppressed, 0);
}

}  // namespace snowboot::log
