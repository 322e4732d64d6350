#pragma once
// Request name -> open file, with tftpd-hpa's access rules.
//
// --secure: the one directory is the root. Names are resolved with openat2(RESOLVE_IN_ROOT), so
// `..`, absolute names and absolute symlinks all stay inside the root exactly as they would
// under chroot(2), relative symlinks inside the root work, and a symlink swapped during the
// request cannot lead out. This holds with or without root privileges and with or without a real
// chroot. Without --secure: tftpd-hpa 5.2's rules (absolute names only, no "/../", and the name
// must start with one of the listed directories).
//
// Only regular files are served. Without --permissive, reads need o+r and writes need o+w.
// Like tftpd-hpa, a read takes a shared lock and a write an exclusive one on the open file
// (open file description locks, so they also hold between transfers of this one process).

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/tftp/packet.hpp"

namespace snowboot::tftpd {

// An owned file descriptor.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  FileHandle(FileHandle&& other) noexcept : fd_(other.release()) {}
  FileHandle& operator=(FileHandle&& other) noexcept;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  ~FileHandle();

  int get() const { return fd_; }
  int release();
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct PathPolicy {
  bool secure = false;
  std::vector<std::string> directories;  // without --secure: allowed prefixes
  bool permissive = false;               // -p: no o+r / o+w checks
  bool create = false;                   // -c: WRQ may create files
  mode_t createMode = 0666;              // exact mode of created files (umask already applied)
};

// Why a request was refused: what goes into the ERROR packet and the log.
struct AccessError {
  tftp::ErrorCode code = tftp::ErrorCode::Undefined;
  std::string message;
  int errorNumber = 0;  // the errno behind it, 0 for a policy refusal
  // Drop the request without an answer: the file is locked by another transfer (tftpd-hpa
  // assumes a duplicate request and stays silent too).
  bool silent = false;

  friend bool operator==(const AccessError&, const AccessError&) = default;
};

struct OpenedFile {
  FileHandle file;
  std::uint64_t size = 0;
  std::string name;          // the name that was opened (after dropping junk bytes)
  bool droppedJunk = false;  // the request ended in non-printable bytes that were dropped
};

enum class Access { Read, Write };

class PathResolver {
 public:
  // `rootFd` is the --secure root (an O_PATH or O_DIRECTORY descriptor, kept open); without
  // --secure it is AT_FDCWD. The resolver does not own it.
  PathResolver(PathPolicy policy, int rootFd) : policy_(std::move(policy)), rootFd_(rootFd) {}

  std::expected<OpenedFile, AccessError> open(std::string_view name, Access access) const;

  const PathPolicy& policy() const { return policy_; }

 private:
  std::expected<OpenedFile, AccessError> openExact(const std::string& name, Access access) const;

  PathPolicy policy_;
  int rootFd_;
};

// tftpd-hpa's mapping of errno to a TFTP error: ENOENT, ENOTDIR, EPERM -> 1 "File not found";
// ENOSPC -> 3; EEXIST -> 6; anything else -> 0 with strerror's text.
AccessError errorFromErrno(int errorNumber);

// The PXE ROM quirk: a name ending in bytes below 0x20 or from 0x7f up, without them; nothing
// if the name has no such tail (or is nothing but it).
std::optional<std::string> withoutJunkTail(std::string_view name);

}  // namespace snowboot::tftpd
