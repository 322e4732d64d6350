#include "common/log/logger.hpp"

#include <syslog.h>

#include <array>
#include <cstdio>

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
  return [](std::span<const Line> lines) {
    std::string text;
    for (const auto& line : lines) {
      text += line.text;
      text += '\n';
    }
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  };
}

void Logger::write(Level level, std::string_view line) const {
  if (!enabled(level)) return;
  if (holds_ > 0) {
    const auto start = held_.text.size();
    held_.text += line;
    held_.lines.push_back({level, start, held_.text.size()});
    return;
  }
  const Line one{level, line};
  for (const auto& sink : sinks_) sink(std::span(&one, 1));
}

void Logger::flush() const {
  if (held_.lines.empty()) return;
  auto& lines = held_.views;
  lines.clear();
  const std::string_view text = held_.text;
  for (const auto& line : held_.lines) {
    lines.push_back({line.level, text.substr(line.start, line.end - line.start)});
  }
  for (const auto& sink : sinks_) sink(lines);
  held_.text.clear();
  held_.lines.clear();
}

}  // namespace snowboot::log
