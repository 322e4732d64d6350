#pragma once
// One logger for a daemon: the shell decides where lines go (stderr in the foreground, syslog
// when detached or under systemd, or both as ISC dhcpd -d does); cores never log.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace snowboot::log {

// Ordered like syslog priorities so filters keep their meaning.
enum class Level { Debug, Info, Notice, Warning, Error };

int syslogPriority(Level level);
std::string_view toString(Level level);

// "daemon", "local7", ...: the names dhcpd.conf's log-facility and syslog.conf use.
std::optional<int> parseSyslogFacility(std::string_view name);

using Sink = std::function<void(Level, std::string_view)>;

// Plain lines on stderr, as ISC dhcpd prints them in the foreground.
Sink stderrSink();
// openlog(ident, LOG_PID | LOG_NDELAY, facility); syslog keeps the ident string's address, so
// the sink owns it.
Sink syslogSink(std::string ident, int facility);

class Logger {
 public:
  explicit Logger(Level threshold = Level::Info) : threshold_(threshold) {}

  void addSink(Sink sink) { sinks_.push_back(std::move(sink)); }
  void setThreshold(Level threshold) { threshold_ = threshold; }
  bool enabled(Level level) const { return level >= threshold_; }

  void write(Level level, std::string_view line) const;

  template <class... Args>
  void log(Level level, fmt::format_string<Args...> format, Args&&... args) const {
    if (enabled(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    log(Level::Debug, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    log(Level::Info, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void notice(fmt::format_string<Args...> format, Args&&... args) const {
    log(Level::Notice, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warning(fmt::format_string<Args...> format, Args&&... args) const {
    log(Level::Warning, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    log(Level::Error, format, std::forward<Args>(args)...);
  }

 private:
  Level threshold_;
  std::vector<Sink> sinks_;
};

}  // namespace snowboot::log
