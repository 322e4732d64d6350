#include "dhcpd/leases/journal.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace snowboot::dhcpd::leases {
namespace {

StoreError ioError(std::string_view what, const std::string& path, int error) {
  return StoreError{StoreErrorCode::Io, fmt::format("{} {}: {}", what, path, std::strerror(error))};
}

CommitResult writeAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(ioError("write", path, errno));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

}  // namespace

daemon::SystemResult<void> syncParentDirectory(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return daemon::lastSystemError("open directory " + directory);
  if (::fsync(fd) != 0) {
    auto error = daemon::lastSystemError("fsync directory " + directory);
    ::close(fd);
    return error;
  }
  ::close(fd);
  return {};
}

daemon::SystemResult<std::unique_ptr<Journal>> Journal::open(std::string path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return daemon::lastSystemError("open lease file " + path);
  bool needsNewline = false;
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    auto error = daemon::lastSystemError("stat lease file " + path);
    ::close(fd);
    return error;
  }
  if (status.st_size > 0) {
    char last = 0;
    if (::pread(fd, &last, 1, status.st_size - 1) != 1) {
      auto error = daemon::lastSystemError("read lease file " + path);
      ::close(fd);
      return error;
    }
    needsNewline = last != '\n';
  }
  return std::unique_ptr<Journal>(new Journal(std::move(path), fd, needsNewline));
}

Journal::Journal(std::string path, int fd, bool needsNewline)
    : path_(std::move(path)), fd_(fd), needsNewline_(needsNewline) {
  writer_ = std::thread([this] { writerLoop(); });
}

Journal::~Journal() {
  {
    std::unique_lock lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  writer_.join();
  if (compactor_.joinable()) compactor_.join();
  if (newFd_ >= 0) ::close(newFd_);
  ::close(fd_);
}

void Journal::append(std::string record, CommitDone done) {
  bool wake = false;
  {
    std::unique_lock lock(mutex_);
    if (stop_) {
      lock.unlock();
      if (done) done(std::unexpected(StoreError{StoreErrorCode::Stopped, path_}));
      return;
    }
    if (compacting_) tail_ += record;
    pending_ += record;
    pendingDone_.push_back(std::move(done));
    // A writer busy or spacing its syncs takes this record with its next batch unprompted: only
    // one waiting for work needs the (futex and context switch) wake-up.
    wake = idle_;
    if (writing_) appendedWhileWriting_ = true;
  }
  if (wake) wake_.notify_one();
}

void Journal::compact(SnapshotSource source, CommitDone done) {
  {
    std::unique_lock lock(mutex_);
    if (stop_ || compacting_) {
      lock.unlock();
      const auto code = stop_ ? StoreErrorCode::Stopped : StoreErrorCode::Io;
      if (done) done(std::unexpected(StoreError{code, "a rewrite of " + path_ + " is running"}));
      return;
    }
    if (compactor_.joinable()) compactor_.join();  // the previous one has finished
    compacting_ = true;
    newReady_ = false;
    // Records queued before this call describe changes the store had already made, so the
    // snapshot, read from the store afterwards, holds them: only later records form the tail.
    tail_.clear();
    compactDone_ = std::move(done);
  }
  compactor_ = std::thread(
      [this, source = std::move(source)]() mutable { compactorRun(std::move(source)); });
}

void Journal::compactorRun(SnapshotSource source) {
  const std::string newPath = path_ + ".new";
  CommitResult result;
  const int fd = ::open(newPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    result = std::unexpected(ioError("create", newPath, errno));
  } else {
    std::string buffer;
    bool more = true;
    while (result && more) {
      // Write in pieces of about 1 MiB: the source is called often, the disk sees few writes.
      while (more && buffer.size() < (1u << 20)) more = source(buffer);
      result = writeAll(fd, buffer, newPath);
      buffer.clear();
    }
    if (result && ::fdatasync(fd) != 0) result = std::unexpected(ioError("fsync", newPath, errno));
  }
  std::unique_lock lock(mutex_);
  newFd_ = fd;
  newResult_ = result;
  newReady_ = true;
  lock.unlock();
  wake_.notify_all();
}

CommitResult Journal::writeAndSync(int fd, const std::string& data) {
  if (auto written = writeAll(fd, data, path_); !written) return written;
  if (::fdatasync(fd) != 0) return std::unexpected(ioError("fsync", path_, errno));
  return {};
}

// On the writer thread, with tail_ holding every record since the snapshot.
CommitResult Journal::switchToNew() {
  const std::string newPath = path_ + ".new";
  const std::string backupPath = path_ + "~";
  std::string tail;
  {
    std::unique_lock lock(mutex_);
    tail = std::move(tail_);
    tail_.clear();
  }
  if (auto synced = writeAndSync(newFd_, tail); !synced) return synced;
  // ISC's order: the old file stays reachable as dhcpd.leases~ before the new one replaces it.
  if (::unlink(backupPath.c_str()) != 0 && errno != ENOENT) {
    return std::unexpected(ioError("unlink", backupPath, errno));
  }
  if (::link(path_.c_str(), backupPath.c_str()) != 0 && errno != ENOENT) {
    return std::unexpected(ioError("link", backupPath, errno));
  }
  if (::rename(newPath.c_str(), path_.c_str()) != 0) {
    return std::unexpected(ioError("rename", newPath, errno));
  }
  if (auto synced = syncParentDirectory(path_); !synced) {
    return std::unexpected(StoreError{StoreErrorCode::Io, synced.error().message()});
  }
  ::close(fd_);
  fd_ = newFd_;
  newFd_ = -1;
  return {};
}

void Journal::writerLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    idle_ = true;
    wake_.wait(lock, [this] { return stop_ || !pending_.empty() || newReady_; });
    idle_ = false;
    // Under load, records that arrive while this waits join the batch (see kSyncSpacing).
    if (std::chrono::steady_clock::now() < loadedUntil_) {
      wake_.wait_until(lock, lastSyncStart_ + kSyncSpacing, [this] { return stop_ || newReady_; });
    }
    lastSyncStart_ = std::chrono::steady_clock::now();
    // Load: more than one record per sync, or records that came while the last one ran.
    if (appendedWhileWriting_ || pendingDone_.size() > 1) {
      loadedUntil_ = lastSyncStart_ + kLoadMemory;
    }
    appendedWhileWriting_ = false;
    const bool finishCompaction = newReady_;
    if (!finishCompaction && pending_.empty()) {
      if (stop_ && !compacting_) break;
      if (stop_) {
        wake_.wait(lock, [this] { return newReady_; });
        continue;
      }
    }
    // Swapped, not moved: each buffer keeps its capacity, so a busy journal stops allocating.
    std::string batch;
    batch.swap(spareBatch_);
    batch.clear();
    batch.swap(pending_);
    std::vector<CommitDone> done;
    done.swap(spareDone_);
    done.clear();
    done.swap(pendingDone_);
    if (needsNewline_) batch.insert(batch.begin(), '\n');
    writing_ = true;
    CommitDone compactDone;
    CommitResult newResult;
    if (finishCompaction) {
      newReady_ = false;
      newResult = newResult_;
      compactDone = std::move(compactDone_);
    }
    lock.unlock();

    CommitResult result;
    CommitResult compactResult;
    if (finishCompaction && newResult) {
      // The batch is already in the tail, which goes to the new file.
      compactResult = switchToNew();
      result = compactResult;
      if (!result) result = writeAndSync(fd_, batch);  // the old file still works
    } else {
      if (finishCompaction) {
        compactResult = newResult;
        ::unlink((path_ + ".new").c_str());
      }
      result = batch.empty() ? CommitResult{} : writeAndSync(fd_, batch);
    }

    lock.lock();
    if (finishCompaction) {
      if (newFd_ >= 0) ::close(newFd_);
      newFd_ = -1;
      compacting_ = false;
      tail_.clear();
      if (compactResult) ++stats_.compactions;
    }
    if (!batch.empty()) {
      // After a failed write the file may end mid-record: start the next one on a new line.
      needsNewline_ = !result;
      if (result) {
        ++stats_.syncs;
        stats_.records += done.size();
      }
    }
    lock.unlock();
    for (auto& callback : done) {
      if (callback) callback(result);
    }
    if (compactDone) compactDone(compactResult);
    done.clear();
    lock.lock();
    spareBatch_.swap(batch);
    spareDone_.swap(done);
    writing_ = false;
    drained_.notify_all();
  }
  // Stopping: nothing pending remains (the loop only exits when pending_ is empty).
}

void Journal::drain() {
  std::unique_lock lock(mutex_);
  wake_.notify_all();
  drained_.wait(lock, [this] { return pending_.empty() && !writing_ && !compacting_; });
}

JournalStats Journal::stats() const {
  std::unique_lock lock(mutex_);
  return stats_;
}

}  // namespace snowboot::dhcpd::leases
