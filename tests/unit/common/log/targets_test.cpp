#include "common/log/targets.hpp"

#include <cstdio>
#include <cstdlib>

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

using namespace snowboot::log;

TEST_CASE("a detached daemon logs to syslog only", "[log]") {
  CHECK(chooseTargets(false, false, false) == Targets{false, true});
  CHECK(chooseTargets(false, true, false) == Targets{false, true});
}

TEST_CASE("a foreground daemon on a terminal logs to stderr, and syslog when the original did",
          "[log]") {
  CHECK(chooseTargets(true, false, false) == Targets{true, false});
  CHECK(chooseTargets(true, true, false) == Targets{true, true});
}

TEST_CASE("under systemd stderr would only duplicate the journal", "[log]") {
  CHECK(chooseTargets(true, true, true) == Targets{false, true});
  CHECK(chooseTargets(true, false, true) == Targets{false, true});
}

TEST_CASE("stderrIsJournal compares JOURNAL_STREAM with stderr's device and inode", "[log]") {
  struct stat status {};
  REQUIRE(::fstat(STDERR_FILENO, &status) == 0);
  char matching[64];
  std::snprintf(matching, sizeof matching, "%llu:%llu",
                static_cast<unsigned long long>(status.st_dev),
                static_cast<unsigned long long>(status.st_ino));
  const char* saved = std::getenv("JOURNAL_STREAM");
  const std::string restore = saved ? saved : "";

  ::setenv("JOURNAL_STREAM", matching, 1);
  CHECK(stderrIsJournal());
  ::setenv("JOURNAL_STREAM", "1:2", 1);
  CHECK_FALSE(stderrIsJournal());
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  CHECK_FALSE(stderrIsJournal());
  ::unsetenv("JOURNAL_STREAM");
  CHECK_FALSE(stderrIsJournal());

  if (saved) ::setenv("JOURNAL_STREAM", restore.c_str(), 1);
}
