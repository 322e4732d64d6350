#include "common/log/logger.hpp"

#include <syslog.h>

#include <array>
#include <cstdio>
#include <memory>

namespace snowboot::log {

int syslogPriority(Level level) {
  switch (level) {
    case Level::Debug: return LOG_DEBUG;
    case Level::Info: return LOG_INFO;
    case Level::Notice: return LOG_NOTICE;
    case Level::Warning: return LOG_WARNING;
    case Level::Error: return LOG_ERR;
  }
  return LOG_ERR;
}

std::string_view toString(Level level) {
  switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Notice: return "notice";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
  }
  return "error";
}

std::optional<int> parseSyslogFacility(std::string_view name) {
  struct Facility {
    std::string_view name;
    int value;
  };
  static constexpr std::array kFacilities{
      Facility{"kern", LOG_KERN},     Facility{"user", LOG_USER},     Facility{"mail", LOG_MAIL},
      Facility{"daemon", LOG_DAEMON}, Facility{"auth", LOG_AUTH},     Facility{"syslog", LOG_SYSLOG},
      Facility{"lpr", LOG_LPR},       Facility{"news", LOG_NEWS},     Facility{"uucp", LOG_UUCP},
      Facility{"cron", LOG_CRON},     Facility{"authpriv", LOG_AUTHPRIV},
      Facility{"ftp", LOG_FTP},       Facility{"local0", LOG_LOCAL0}, Facility{"local1", LOG_LOCAL1},
      Facility{"local2", LOG_LOCAL2}, Facility{"local3", LOG_LOCAL3}, Facility{"local4", LOG_LOCAL4},
      Facility{"local5", LOG_LOCAL5}, Facility{"local6", LOG_LOCAL6}, Facility{"local7", LOG_LOCAL7},
  };
  for (const auto& facility : kFacilities) {
    if (facility.name == name) return facility.value;
  }
  return std::nullopt;
}

Sink stderrSink() {
  return [](Level, std::string_view line) {
    fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
  };
}

Sink syslogSink(std::string ident, int facility) {
  auto owned = std::make_shared<const std::string>(std::move(ident));
  ::openlog(owned->c_str(), LOG_PID | LOG_NDELAY, facility);
  return [owned, facility](Level level, std::string_view line) {
    ::syslog(facility | syslogPriority(level), "%.*s", static_cast<int>(line.size()), line.data());
  };
}

void Logger::write(Level level, std::string_view line) const {
  if (!enabled(level)) return;
  for (const auto& sink : sinks_) sink(level, line);
}

}  // namespace snowboot::log
