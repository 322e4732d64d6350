#include "dhcpd/server/read_pacer.hpp"

#include <catch2/catch.hpp>

using snowboot::dhcpd::server::ReadPacer;
using namespace std::chrono_literals;

namespace {
const ReadPacer::Clock::time_point kStart = ReadPacer::Clock::time_point{} + 1h;
}

TEST_CASE("ReadPacer reads a lone client's frames on readiness", "[server]") {
  ReadPacer pacer;
  // A DORA at a time, each packet alone, well apart: never paced.
  for (int i = 0; i < 100; ++i) {
    CHECK_FALSE(pacer.afterRead(kStart + i * 5ms, 1));
    CHECK_FALSE(pacer.afterRead(kStart + i * 5ms + 200us, 1));
  }
  // Three frames in one spacing stay below the load mark.
  CHECK_FALSE(pacer.afterRead(kStart + 1s, 3));
}

TEST_CASE("ReadPacer paces reads once frames come at its load mark", "[server]") {
  ReadPacer pacer;
  CHECK_FALSE(pacer.afterRead(kStart, 1));
  CHECK_FALSE(pacer.afterRead(kStart + 100us, 1));
  CHECK_FALSE(pacer.afterRead(kStart + 200us, 1));
  // The fourth frame within one spacing: the next read waits for the window's end.
  CHECK(pacer.afterRead(kStart + 300us, 1) == kStart + ReadPacer::kSpacing);
  // Paced reads follow one spacing apart while each finds enough frames.
  CHECK(pacer.afterRead(kStart + 1ms, 12) == kStart + 2ms);
  CHECK(pacer.afterRead(kStart + 2ms, ReadPacer::kLoadFrames) == kStart + 3ms);
  // A paced read that finds fewer goes back to readiness.
  CHECK_FALSE(pacer.afterRead(kStart + 3ms, ReadPacer::kLoadFrames - 1));
  CHECK_FALSE(pacer.afterRead(kStart + 10ms, 0));
}

TEST_CASE("ReadPacer counts frames per window, not since it started", "[server]") {
  ReadPacer pacer;
  // Two frames per spacing, for a long time: 2,000 frames a second stays on readiness.
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(pacer.afterRead(kStart + i * 1ms, 1));
    CHECK_FALSE(pacer.afterRead(kStart + i * 1ms + 500us, 1));
  }
  // One read with a burst is load at once.
  CHECK(pacer.afterRead(kStart + 2s, 8) == kStart + 2s + ReadPacer::kSpacing);
}

TEST_CASE("ReadPacer behind its clock asks for the next read at once", "[server]") {
  ReadPacer pacer;
  CHECK(pacer.afterRead(kStart, 10) == kStart + 1ms);
  // The paced read started late (the last took longer than the spacing): its successor is due
  // one spacing after it, and the caller's timer fires at once when that has passed.
  CHECK(pacer.afterRead(kStart + 3ms, 50) == kStart + 4ms);
}
