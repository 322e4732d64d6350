#pragma once
// The durable edge of the lease store: an append-only dhcpd.leases with group commit, and ISC's
// rewrite (dhcpd.leases.new -> fsync -> old kept as dhcpd.leases~ -> rename -> fsync directory).
//
// One writer thread owns the file. Records appended while it is in write()+fdatasync() wait and
// all go out in the next write()+fdatasync(), so throughput grows with load instead of being
// capped at one record per sync. Under load, syncs start at least kSyncSpacing apart: a sync on
// this kind of disk takes ~0.2 ms, so without spacing a server at 6,000 leases/s synced once
// per lease and spent a fifth of its CPU in fdatasync; with it, a busy second costs at most
// 1/kSyncSpacing syncs whatever the rate. "Under load" means that within kLoadMemory a sync
// took more than one record or records arrived while one ran: a lone requester that waits for
// each commit before the next is never delayed (it would be held to 1/kSyncSpacing commits a
// second), and no record waits more than kSyncSpacing beyond its own sync. Each record's
// callback runs on the writer thread after the sync that covers it (or with the error that
// prevented it).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/daemon/system_error.hpp"
#include "dhcpd/leases/lease_store.hpp"

namespace snowboot::dhcpd::leases {

struct JournalStats {
  std::uint64_t records = 0;
  std::uint64_t syncs = 0;
  std::uint64_t compactions = 0;
};

class Journal {
 public:
  static constexpr std::chrono::microseconds kSyncSpacing{1000};
  static constexpr std::chrono::milliseconds kLoadMemory{100};

  // Opens (creating if absent) `path` for appending. A file that does not end in a newline (a
  // torn last record) gets one before our first record, so that record starts on its own line.
  static daemon::SystemResult<std::unique_ptr<Journal>> open(std::string path);
  ~Journal();  // writes and syncs what was appended, then stops
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Thread-safe. `done` runs once the record is on disk (after fdatasync) or failed.
  void append(std::string record, CommitDone done);
  // Appends the next part of a rewrite to `out`; returns false after the last part. Called on
  // the compactor thread.
  using SnapshotSource = std::function<bool(std::string& out)>;
  // Replaces the file by the text `source` yields: a whole file holding at least the state of
  // every lease as of this call. It is written and synced beside the file while appends continue
  // to the old one; the records appended since this call are copied to the new file at the
  // switch (one batch pays two syncs). Because those records follow the snapshot, `source` may
  // read the live store piece by piece: a lease changed meanwhile is fixed by its later record.
  // `done` runs when the new file is in place.
  void compact(SnapshotSource source, CommitDone done);
  // Blocks until everything appended so far is durable (or failed) and no compaction runs.
  void drain();

  JournalStats stats() const;
  const std::string& path() const { return path_; }

 private:
  explicit Journal(std::string path, int fd, bool needsNewline);
  void writerLoop();
  void compactorRun(SnapshotSource source);
  CommitResult writeAndSync(int fd, const std::string& data);
  CommitResult switchToNew();

  const std::string path_;
  int fd_ = -1;

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // writer: work arrived or the new file is ready
  std::condition_variable drained_;  // drain(): writer idle
  std::string pending_;
  std::vector<CommitDone> pendingDone_;
  std::string spareBatch_;             // the writer's last batch, emptied, for reuse
  std::vector<CommitDone> spareDone_;  // likewise
  bool writing_ = false;
  bool idle_ = false;  // the writer waits for records, not for a sync to be due
  bool appendedWhileWriting_ = false;  // records came during the last write and sync
  std::chrono::steady_clock::time_point loadedUntil_{};  // syncs are spaced until then
  std::chrono::steady_clock::time_point lastSyncStart_{};
  bool stop_ = false;
  bool needsNewline_ = false;  // the file's last byte is not '\n' (torn tail or failed write)
  // Compaction: the new file is being written by compactor_; tail_ collects the records appended
  // since the snapshot, for the new file.
  bool compacting_ = false;
  bool newReady_ = false;
  int newFd_ = -1;
  CommitResult newResult_;
  std::string tail_;
  CommitDone compactDone_;
  JournalStats stats_;
  std::thread compactor_;
  std::thread writer_;
};

// fsync of the directory holding `path`, so a rename or a new file survives power loss.
daemon::SystemResult<void> syncParentDirectory(const std::string& path);

}  // namespace snowboot::dhcpd::leases
