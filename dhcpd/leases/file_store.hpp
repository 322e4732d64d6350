#pragma once
// The lease store an ISC-compatible dhcpd runs on: the in-memory store, with every change
// appended to dhcpd.leases and reported done only once it is fsynced (group commit), and the
// file rewritten at start and on demand (hourly, by the shell's timer).

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/daemon/system_error.hpp"
#include "dhcpd/leases/journal.hpp"
#include "dhcpd/leases/lease_reader.hpp"
#include "dhcpd/leases/memory_store.hpp"

namespace snowboot::dhcpd::leases {

struct FileStoreLoad {
  std::vector<LeaseFileProblem> errors;  // records skipped (each also in the file's damaged copy)
  std::vector<std::string> notes;
  std::size_t leaseRecords = 0;
  std::size_t leases = 0;
  bool tornTail = false;
  // The file could not be read cleanly: its bytes were kept under this name before the rewrite.
  std::string damagedCopy;
};

// "snowboot-dhcpd-0.1.0", as ISC writes "isc-dhcp-4.4.3-P1".
std::string defaultWriter();

// Calls come from one thread, the engine's; commit callbacks run on the journal's thread.
class FileLeaseStore final : public LeaseStore {
 public:
  struct Options {
    std::string path;                      // dhcpd.leases
    std::vector<AddressRange> ranges;      // the pools' ranges from dhcpd.conf
    std::string writer = defaultWriter();  // named in the header comment
    bool rewriteAtStart = true;            // as ISC does
    // Leases in none of `ranges` are dropped (each named in the notes), as ISC drops them
    // ("lease X: no subnet."), so the rewrite leaves them out.
    bool dropOutsideRanges = false;
    // The leases to start from instead of the file's (a trace replay's, recorded elsewhere):
    // the file is then rewritten with them.
    std::optional<std::string_view> contents;
  };

  // Reads the file (created empty if absent), applies expiry at `now`, rewrites it (after keeping
  // a damaged original as PATH.damaged-EPOCH) and opens it for appending.
  static daemon::SystemResult<std::unique_ptr<FileLeaseStore>> open(const Options& options,
                                                                    Time now, FileStoreLoad* load);
  ~FileLeaseStore() override;

  std::optional<Lease> findByAddress(net::Ipv4Address address) const override;
  std::vector<Lease> findByClientId(std::string_view uid) const override;
  std::vector<Lease> findByHardware(const HardwareAddress& hardware) const override;
  std::optional<net::Ipv4Address> allocate(const AllocationRequest& request) override;
  void commit(const Lease& lease, CommitDone done) override;
  void release(net::Ipv4Address address, Time now, CommitDone done) override;
  // Also rewrites the file when the last rewrite is kRewriteInterval old (ISC: hourly).
  std::vector<Lease> expire(Time now) override;

  static constexpr std::chrono::seconds kRewriteInterval{3600};

  // Rewrites the file with one record per lease worth keeping; appends go on meanwhile. The
  // leases are formatted on the journal's compactor thread, kSnapshotChunk at a time under the
  // store's lock, so the engine waits at most for one chunk, never for the whole file.
  void compact(CommitDone done);
  static constexpr std::size_t kSnapshotChunk = 64;
  // Ranges the configuration gained or lost on reload (SIGHUP). After removals, the leases in no
  // range are dropped, as ISC drops them when it starts; compact() takes them out of the file.
  std::expected<void, StoreError> addRange(const AddressRange& range);
  bool removeRange(const AddressRange& range);
  std::vector<Lease> dropLeasesOutsideRanges();
  // Waits until every change so far is durable.
  void drain() { journal_->drain(); }
  JournalStats stats() const { return journal_->stats(); }
  const MemoryLeaseStore& memory() const { return memory_; }

 private:
  FileLeaseStore() = default;
  Journal::SnapshotSource snapshotSource() const;

  // Held by every call and by the compactor while it formats a chunk: the compactor reads the
  // live store from its own thread. Declared before journal_, which joins that thread.
  mutable std::mutex mutex_;
  MemoryLeaseStore memory_;
  std::vector<HostRecord> hosts_;
  std::string serverDuid_;
  std::string writer_;
  std::unique_ptr<Journal> journal_;
  Time lastRewrite_{};
};

// A whole file: header, server-duid, host records, then the leases ISC would keep on rewrite
// (those with a client, and every one not free).
std::string formatLeaseFile(std::string_view writer, std::string_view serverDuid,
                            std::span<const HostRecord> hosts, const MemoryLeaseStore& leases);
// Everything before the leases: header, server-duid, host records.
std::string formatFileHead(std::string_view writer, std::string_view serverDuid,
                           std::span<const HostRecord> hosts);
bool worthKeeping(const Lease& lease);

// `dhcpd -T -lf FILE`: reads FILE and reports each problem as ISC does
// ("FILE line N: expecting ...", the line, a caret), then a summary line.
struct LeaseFileCheck {
  bool readable = false;  // the file could be opened and read
  std::size_t errors = 0;
  std::string report;
};
LeaseFileCheck checkLeaseFile(const std::string& path);

}  // namespace snowboot::dhcpd::leases
