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
  logger.addSink([&](std::span<const Line> lines) {
    for (const auto& line : lines) first.emplace_back(line.level, line.text);
  });
  logger.addSink([&](std::span<const Line> lines) {
    for (const auto& line : lines) second.emplace_back(line.level, line.text);
  });

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

TEST_CASE("a Hold passes its lines to the sinks in one batch when the last Hold ends", "[log]") {
  std::vector<std::vector<std::pair<Level, std::string>>> batches;
  Logger logger(Level::Info);
  logger.addSink([&](std::span<const Line> lines) {
    auto& batch = batches.emplace_back();
    for (const auto& line : lines) batch.emplace_back(line.level, line.text);
  });

  {
    Logger::Hold outer(logger);
    logger.info("DHCPREQUEST for {} from {}", "10.0.0.5", "52:54:00:12:34:56");
    {
      Logger::Hold inner(logger);
      logger.write(Level::Warning, "written");
      logger.debug("below the threshold");
    }
    CHECK(batches.empty());  // the outer Hold still keeps them
    logger.error("{}", std::string(300, 'x'));
  }
  REQUIRE(batches.size() == 1);
  CHECK(batches[0] == std::vector<std::pair<Level, std::string>>{
                          {Level::Info, "DHCPREQUEST for 10.0.0.5 from 52:54:00:12:34:56"},
                          {Level::Warning, "written"},
                          {Level::Error, std::string(300, 'x')}});

  logger.info("alone");
  REQUIRE(batches.size() == 2);
  CHECK(batches[1] == std::vector<std::pair<Level, std::string>>{{Level::Info, "alone"}});
  { Logger::Hold empty(logger); }
  CHECK(batches.size() == 2);  // nothing held: no call
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
