#include "common/daemon/system_error.hpp"

#include <cerrno>
#include <cstring>

namespace snowboot::daemon {

std::string SystemError::message() const {
  if (errorNumber != 0) return operation + ": " + std::strerror(errorNumber);
  if (!detail.empty()) return operation + ": " + detail;
  return operation;
}

std::unexpected<SystemError> lastSystemError(std::string operation) {
  return std::unexpected(SystemError{std::move(operation), errno, {}});
}

}  // namespace snowboot::daemon
