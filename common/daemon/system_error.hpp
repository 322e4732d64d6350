#pragma once
// What went wrong in a system call made by a daemon's shell: the operation, its object, errno.

#include <expected>
#include <string>

namespace snowboot::daemon {

struct SystemError {
  std::string operation;  // "open pid file /run/dhcpd.pid"
  int errorNumber = 0;    // 0 when the failure is not an errno (e.g. "held by pid 42")
  std::string detail;     // extra words when errorNumber is 0

  std::string message() const;
};

template <class T>
using SystemResult = std::expected<T, SystemError>;

// The current errno, captured with the operation that set it.
std::unexpected<SystemError> lastSystemError(std::string operation);

}  // namespace snowboot::daemon
