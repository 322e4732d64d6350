#pragma once
// A pid file that is also a lock: while a daemon runs it holds an exclusive flock on the file,
// so a second instance is refused with the first one's pid even if the file was left behind by
// a crash (a stale file is simply taken over). The lock survives fork, so acquire it before
// detaching and write the final pid after.

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/daemon/system_error.hpp"
#include "common/daemon/unique_fd.hpp"

namespace snowboot::daemon {

class PidFile {
 public:
  static SystemResult<PidFile> acquire(std::string path);

  PidFile(PidFile&&) noexcept = default;
  PidFile& operator=(PidFile&&) noexcept = default;
  // Removes the file and drops the lock.
  ~PidFile();

  // Replaces the file's content with "<pid>\n" and syncs it.
  SystemResult<void> write(pid_t pid);
  // Forget the file without removing it: for a parent process that hands it to its child.
  void release();
  const std::string& path() const { return path_; }

 private:
  PidFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  UniqueFd fd_;
};

// The pid written in a pid file, if the file holds one.
std::optional<pid_t> readPidFile(const std::string& path);

}  // namespace snowboot::daemon
