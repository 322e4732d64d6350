#include "common/log/rate_limiter.hpp"

#include <catch2/catch.hpp>

using snowboot::log::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("RateLimiter allows a burst, then one line per refill", "[log]") {
  RateLimiter limiter(RateLimiter::Limits{3, 1, 16});
  const RateLimiter::Clock::time_point start{};
  for (int i = 0; i < 3; ++i) CHECK(limiter.admit("bad packet from 10.0.0.9", start) == 0u);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(limiter.admit("bad packet from 10.0.0.9", start));
  // Half a token is not enough.
  CHECK_FALSE(limiter.admit("bad packet from 10.0.0.9", start + 500ms));
  // A whole one is, and the line learns how many were held back.
  CHECK(limiter.admit("bad packet from 10.0.0.9", start + 1s) == 11u);
  CHECK_FALSE(limiter.admit("bad packet from 10.0.0.9", start + 1s));
  CHECK(limiter.admit("bad packet from 10.0.0.9", start + 2s) == 1u);
}

TEST_CASE("RateLimiter keys are independent", "[log]") {
  RateLimiter limiter(RateLimiter::Limits{1, 1, 16});
  const RateLimiter::Clock::time_point start{};
  CHECK(limiter.admit("a", start));
  CHECK_FALSE(limiter.admit("a", start));
  CHECK(limiter.admit("b", start));
}

TEST_CASE("RateLimiter refills no further than the burst", "[log]") {
  RateLimiter limiter(RateLimiter::Limits{2, 1, 16});
  const RateLimiter::Clock::time_point start{};
  CHECK(limiter.admit("k", start));
  CHECK(limiter.admit("k", start + 1h));
  CHECK(limiter.admit("k", start + 1h));
  CHECK_FALSE(limiter.admit("k", start + 1h));
}

TEST_CASE("RateLimiter forgets the least recently used key beyond its bound", "[log]") {
  RateLimiter limiter(RateLimiter::Limits{1, 0.001, 2});
  const RateLimiter::Clock::time_point start{};
  CHECK(limiter.admit("a", start));
  CHECK(limiter.admit("b", start));
  CHECK_FALSE(limiter.admit("a", start));  // touches "a": now "b" is the oldest
  CHECK(limiter.admit("c", start));        // forgets "b"
  CHECK(limiter.trackedKeys() == 2);
  CHECK(limiter.admit("b", start));        // a fresh bucket
  CHECK_FALSE(limiter.admit("c", start));
}
