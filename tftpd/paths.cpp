#include "tftpd/paths.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace snowboot::tftpd {

namespace {

// glibc 2.36 has no wrapper for openat2.
int openat2Call(int dirFd, const char* path, std::uint64_t flags, std::uint64_t mode,
                std::uint64_t resolve) {
  open_how how{};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, dirFd, path, &how, sizeof how);
    // EAGAIN: a rename raced the lookup (RESOLVE_IN_ROOT refuses to guess); just retry.
    if (fd < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    return static_cast<int>(fd);
  }
}

AccessError refuse(tftp::ErrorCode code, std::string message) {
  return AccessError{code, std::move(message), 0};
}

bool isJunk(unsigned char c) { return c < 0x20 || c >= 0x7f; }

}  // namespace

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

int FileHandle::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

AccessError errorFromErrno(int errorNumber) {
  switch (errorNumber) {
    case ENOENT:
    case ENOTDIR:
    case EPERM:
      return AccessError{tftp::ErrorCode::FileNotFound,
                         std::string(tftp::defaultMessage(tftp::ErrorCode::FileNotFound)),
                         errorNumber};
    case ENOSPC:
      return AccessError{tftp::ErrorCode::DiskFull,
                         std::string(tftp::defaultMessage(tftp::ErrorCode::DiskFull)), errorNumber};
    case EEXIST:
      return AccessError{tftp::ErrorCode::FileExists,
                         std::string(tftp::defaultMessage(tftp::ErrorCode::FileExists)),
                         errorNumber};
    default: return AccessError{tftp::ErrorCode::Undefined, std::strerror(errorNumber), errorNumber};
  }
}

std::optional<std::string> withoutJunkTail(std::string_view name) {
  std::size_t end = name.size();
  while (end > 0 && isJunk(static_cast<unsigned char>(name[end - 1]))) --end;
  if (end == name.size() || end == 0) return std::nullopt;
  return std::string(name.substr(0, end));
}

std::expected<OpenedFile, AccessError> PathResolver::open(std::string_view name,
                                                           Access access) const {
  std::string path(name);
  if (path.find('\0') != std::string::npos) {
    return std::unexpected(refuse(tftp::ErrorCode::AccessViolation, "Invalid pathname specified"));
  }
  if (!policy_.secure) {
    // tftpd-hpa 5.2's rules for a server that is not confined to one root.
    if (path.empty() || path.front() != '/') {
      return std::unexpected(
          refuse(tftp::ErrorCode::AccessViolation, "Only absolute filenames allowed"));
    }
    if (path.find("/../") != std::string::npos || path.ends_with("/..")) {
      return std::unexpected(refuse(tftp::ErrorCode::AccessViolation, "Forbidden directory"));
    }
    if (!policy_.directories.empty()) {
      bool allowed = false;
      for (const auto& directory : policy_.directories) {
        if (path.starts_with(directory)) allowed = true;
      }
      if (!allowed) {
        return std::unexpected(refuse(tftp::ErrorCode::AccessViolation, "Forbidden directory"));
      }
    }
  }
  auto opened = openExact(path, access);
  if (opened || access != Access::Read || opened.error().errorNumber != ENOENT) return opened;
  // Old PXE ROMs send option 67 with its trailing junk byte (often 0xFF).
  auto trimmed = withoutJunkTail(path);
  if (!trimmed) return opened;
  auto retried = openExact(*trimmed, access);
  if (!retried) return opened;
  retried->droppedJunk = true;
  return retried;
}

std::expected<OpenedFile, AccessError> PathResolver::openExact(const std::string& name,
                                                                Access access) const {
  // O_NONBLOCK: opening a FIFO must not hang the server; it is refused below as not regular.
  const std::uint64_t base = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  const std::uint64_t flags = base | (access == Access::Read ? O_RDONLY : O_WRONLY);
  // With RESOLVE_IN_ROOT an absolute name, an absolute symlink and ".." at the top all stay
  // at rootFd, as under chroot(2).
  const std::uint64_t resolve =
      RESOLVE_NO_MAGICLINKS | (policy_.secure ? RESOLVE_IN_ROOT : 0);
  int fd = openat2Call(rootFd_, name.c_str(), flags, 0, resolve);
  bool created = false;
  if (fd < 0 && errno == ENOENT && access == Access::Write && policy_.create) {
    // Created with exactly the configured mode, whatever the process umask is.
    fd = openat2Call(rootFd_, name.c_str(), flags | O_CREAT | O_EXCL, 0, resolve);
    if (fd >= 0) {
      created = true;
      ::fchmod(fd, policy_.createMode);
    }
  }
  // ENXIO: a FIFO opened for writing without a reader; still not a regular file.
  if (fd < 0 && errno == ENXIO) {
    return std::unexpected(
        refuse(tftp::ErrorCode::AccessViolation, "Only regular files can be transferred"));
  }
  if (fd < 0) return std::unexpected(errorFromErrno(errno));
  FileHandle handle(fd);
  struct stat status {};
  if (::fstat(fd, &status) != 0) return std::unexpected(errorFromErrno(errno));
  if (!S_ISREG(status.st_mode)) {
    return std::unexpected(
        refuse(tftp::ErrorCode::AccessViolation, "Only regular files can be transferred"));
  }
  if (access == Access::Read) {
    if (!policy_.permissive && (status.st_mode & S_IROTH) == 0) {
      return std::unexpected(
          refuse(tftp::ErrorCode::AccessViolation, "File must have global read permissions"));
    }
  } else {
    if (!created && !policy_.permissive && (status.st_mode & S_IWOTH) == 0) {
      return std::unexpected(
          refuse(tftp::ErrorCode::AccessViolation, "File must have global write permissions"));
    }
    if (::ftruncate(fd, 0) != 0) {
      return std::unexpected(refuse(tftp::ErrorCode::AccessViolation, "Cannot reset file size"));
    }
  }
  struct flock lock {};
  lock.l_type = access == Access::Read ? F_RDLCK : F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
    AccessError busy = refuse(tftp::ErrorCode::AccessViolation, "File is busy");
    busy.silent = true;
    return std::unexpected(busy);
  }
  // Reads and writes of regular files never block; clear the flag anyway for clarity of intent.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  OpenedFile opened;
  opened.size = static_cast<std::uint64_t>(status.st_size);
  opened.name = name;
  opened.file = std::move(handle);
  return opened;
}

}  // namespace snowboot::tftpd
