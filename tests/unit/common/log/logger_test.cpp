#include "common/log/logger.hpp"

#include <syslog.h>

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::log;

TEST_CASE("Logger sends lines at or above its threshold to every sink", "[log]") {
  std::vector<std::pair<Level, std::string>> first, second;
  Logger logger(Level::Info);
  logger.addSink([&](Level level, std::string_view line) { first.emplace_back(level, line); });
  logger.addSink([&](Level level, std::string_view line) { second.emplace_back(level, line); });

  logger.debug("hidden {}", 1);
  logger.info("DHCPDISCOVER from {} via {}", "52:54:00:12:34:56", "eth0");
  logger.error("bad {}", "thing");

  REQUIRE(first.size() == 2);
  CHECK(first[0] == std::pair{Level::Info, std::string("DHCPDISCOVER from 52:54:00:12:34:56 via eth0")});
  CHECK(first[1] == std::pair{Level::Error, std::string("bad thing")});
  CHECK(second == first);

  logger.setThreshold(Level::Debug);
  logger.debug("shown");
  CHECK(first.back().second == "shown");
}

TEST_CASE("levels map to syslog priorities", "[log]") {
  CHECK(syslogPriority(Level::Debug) == LOG_DEBUG);
  CHECK(syslogPriority(Level::Info) == LOG_INFO);
  CHECK(syslogPriority(Level::Notice) == LOG_NOTICE);
  CHECK(syslogPriority(Level::Warning) == LOG_WARNING);
  CHECK(syslogPriority(Level::Error) == LOG_ERR);
}

TEST_CASE("syslog facility names", "[log]") {
  CHECK(parseSyslogFacility("daemon") == LOG_DAEMON);
  CHECK(parseSyslogFacility("local7") == LOG_LOCAL7);
  CHECK(parseSyslogFacility("local0") == LOG_LOCAL0);
  CHECK_FALSE(parseSyslogFacility("local8"));
  CHECK_FALSE(parseSyslogFacility("Daemon"));
  CHECK_FALSE(parseSyslogFacility(""));
}
