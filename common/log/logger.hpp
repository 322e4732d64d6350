#pragma once
// One logger for a daemon: the shell decides where lines go (stderr in the foreground, syslog
// when detached or under systemd, or both as ISC dhcpd -d does); cores never log.

#include <functional>
#include <iterator>
#include <optional>
#include <span>
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

struct Line {
  Level level;
  std::string_view text;
};

// Sinks take lines in batches: one line at a time, or every line held while a Logger::Hold
// lived, so a syslog sink can send a burst's lines in one system call.
using Sink = std::function<void(std::span<const Line>)>;

// Plain lines on stderr, as ISC dhcpd prints them in the foreground.
Sink stderrSink();
// Lines to the local syslog daemon (/dev/log), formatted as syslog(3) formats them with
// LOG_PID: "<30>Nov 26 12:00:00 dhcpd[1234]: DHCPACK on ...". See syslog_sink.hpp.
Sink syslogSink(std::string ident, int facility);

class Logger {
 public:
  // While a Hold lives, lines wait in the logger; they go to the sinks together when the last
  // Hold ends. A server holds around each burst of packets it handles.
  class Hold {
   public:
    explicit Hold(const Logger& logger) : logger_(&logger) { ++logger.holds_; }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() {
      if (--logger_->holds_ == 0) logger_->flush();
    }

   private:
    const Logger* logger_;
  };

  explicit Logger(Level threshold = Level::Info) : threshold_(threshold) {}

  void addSink(Sink sink) { sinks_.push_back(std::move(sink)); }
  void setThreshold(Level threshold) { threshold_ = threshold; }
  bool enabled(Level level) const { return level >= threshold_; }

  // Not thread-safe: one thread writes and holds (the daemon's event loop).
  void write(Level level, std::string_view line) const;

  template <class... Args>
  void log(Level level, fmt::format_string<Args...> format, Args&&... args) const {
    if (!enabled(level)) return;
    if (holds_ > 0) {
      // Straight into the held text: no string per line.
      const auto start = held_.text.size();
      fmt::format_to(std::back_inserter(held_.text), format, std::forward<Args>(args)...);
      held_.lines.push_back({level, start, held_.text.size()});
      return;
    }
    write(level, fmt::format(format, std::forward<Args>(args)...));
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
  struct HeldLine {
    Level level;
    std::size_t start;
    std::size_t end;
  };
  struct Held {  // cleared after each flush, never shrunk: a busy server stops allocating
    std::string text;
    std::vector<HeldLine> lines;
    std::vector<Line> views;  // of `text`, for the sinks
  };
  void flush() const;

  Level threshold_;
  std::vector<Sink> sinks_;
  // Holding is bookkeeping, not a change of what the logger is: const users may hold.
  mutable int holds_ = 0;
  mutable Held held_;
};

}  // namespace snowboot::log
