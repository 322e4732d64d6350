#include "common/daemon/detach.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace snowboot::daemon {

namespace {

constexpr char kReady = '0';
constexpr char kFailed = '1';

[[noreturn]] void waitForChildAndExit(int readFd) {
  std::string report;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(readFd, buffer, sizeof buffer);
    if (n > 0) {
      report.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  if (!report.empty() && report[0] == kReady) std::_Exit(0);
  if (report.size() > 1) {
    std::fprintf(stderr, "%s\n", report.c_str() + 1);
  } else {
    std::fprintf(stderr, "daemon exited during start-up\n");
  }
  std::_Exit(1);
}

}  // namespace

void StartupReport::ready() { send(kReady, {}); }

void StartupReport::failed(std::string_view message) { send(kFailed, message); }

void StartupReport::send(char status, std::string_view message) {
  if (!fd_) return;
  std::string report(1, status);
  report.append(message);
  // The parent only reads; a short or failed write leaves it reporting a failed start-up.
  [[maybe_unused]] auto written = ::write(fd_.get(), report.data(), report.size());
  fd_.reset();
}

SystemResult<StartupReport> detach() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return lastSystemError("create start-up pipe");
  pid_t pid = ::fork();
  if (pid < 0) return lastSystemError("fork");
  if (pid > 0) {
    ::close(fds[1]);
    waitForChildAndExit(fds[0]);
  }
  ::close(fds[0]);
  if (::setsid() < 0) return lastSystemError("setsid");
  if (::chdir("/") != 0) return lastSystemError("chdir /");
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0) return lastSystemError("open /dev/null");
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, fd);
  if (null > STDERR_FILENO) ::close(null);
  return StartupReport(fds[1]);
}

}  // namespace snowboot::daemon
