#include "common/daemon/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace snowboot::daemon {

std::optional<pid_t> readPidFile(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc{} || pid <= 0) return std::nullopt;
  return pid;
}

SystemResult<PidFile> PidFile::acquire(std::string path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return lastSystemError(fmt::format("open pid file {}", path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      auto holder = readPidFile(path);
      return std::unexpected(SystemError{
          fmt::format("pid file {}", path), 0,
          holder ? fmt::format("another instance is running (pid {})", *holder)
                 : std::string("another instance is running")});
    }
    errno = error;
    return lastSystemError(fmt::format("lock pid file {}", path));
  }
  return PidFile(std::move(path), fd);
}

PidFile::~PidFile() {
  if (fd_) ::unlink(path_.c_str());
}

SystemResult<void> PidFile::write(pid_t pid) {
  auto text = fmt::format("{}\n", pid);
  if (::ftruncate(fd_.get(), 0) != 0) return lastSystemError(fmt::format("truncate pid file {}", path_));
  if (::pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return lastSystemError(fmt::format("write pid file {}", path_));
  }
  if (::fsync(fd_.get()) != 0) return lastSystemError(fmt::format("sync pid file {}", path_));
  return {};
}

void PidFile::release() {
  fd_.reset();
}

}  // namespace snowboot::daemon
