#pragma once
// Going to the background the way a careful daemon does: the parent waits until the child says
// start-up succeeded (exit 0) or failed (its message on the parent's stderr, exit 1), so
// `dhcpd` run from a shell or a Type=forking unit reports configuration and bind errors.

#include <string_view>

#include "common/daemon/system_error.hpp"
#include "common/daemon/unique_fd.hpp"

namespace snowboot::daemon {

// Held by the detached child; report start-up exactly once.
class StartupReport {
 public:
  // Destroyed unreported, the pipe closes and the parent treats that as a failure.
  explicit StartupReport(int fd) : fd_(fd) {}

  void ready();
  void failed(std::string_view message);

 private:
  void send(char status, std::string_view message);
  UniqueFd fd_;
};

// Forks; the parent never returns (it exits with the child's start-up status). The child
// becomes a session leader, moves to "/" and points stdin, stdout and stderr at /dev/null.
// Call it before creating threads or an io_context.
SystemResult<StartupReport> detach();

}  // namespace snowboot::daemon
