#pragma once
// A client of the local syslog daemon that sends a batch of lines in one sendmmsg(2).
//
// syslog(3) formats each line through vfprintf into a memory stream, calls strftime and
// getpid, and sends it alone: at thousands of DHCP packets a second that was a tenth of the
// server's CPU, plus a wake-up of the syslog daemon per line. This writes the same bytes
// ("<PRI>Mmm dd hh:mm:ss ident[pid]: text", glibc's format with LOG_PID) and keeps glibc's
// behaviour where it matters: a blocking socket (a slow syslog daemon slows the server rather
// than losing lines), a reconnect and one retry when the daemon went away, SOCK_STREAM with NUL
// terminators when /dev/log is a stream socket, and lines dropped while no daemon listens (with
// a reconnect attempt at most once a second instead of one per line).

#include <array>
#include <chrono>
#include <ctime>
#include <span>
#include <string>

#include "common/daemon/unique_fd.hpp"
#include "common/log/logger.hpp"

namespace snowboot::log {

class SyslogWriter {
 public:
  static constexpr const char* kDefaultPath = "/dev/log";

  SyslogWriter(std::string ident, int facility, std::string path = kDefaultPath);

  // Sends every line, each as its own message, stamped with the current local time.
  void write(std::span<const Line> lines);

  // The header syslog(3) puts before a message, without the priority: "Nov  6 12:00:00 ident[1]: ".
  static std::string header(std::tm local, std::string_view ident, int pid);

 private:
  bool connect();
  // Consumes `lines` as they are sent; false when the socket failed.
  bool send(std::span<const Line>& lines);
  std::string_view currentHeader();

  std::string ident_;
  std::array<std::string, 5> priorities_;  // "<30>" for each level, in this facility
  std::string path_;
  daemon::UniqueFd fd_;
  bool stream_ = false;
  std::chrono::steady_clock::time_point nextAttempt_{};
  std::time_t headerSecond_ = -1;
  int headerPid_ = 0;
  unsigned headerForks_ = 0;  // forks seen when headerPid_ was read
  std::string header_;
};

}  // namespace snowboot::log
