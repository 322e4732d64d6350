#include "dhcpd/leases/file_store.hpp"

#include <cerrno>

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "dhcpd/leases/lease_format.hpp"
#include "snowboot/version.hpp"

namespace snowboot::dhcpd::leases {
namespace {

daemon::SystemResult<std::string> readWholeFile(const std::string& path, bool createIfMissing) {
  const int flags = O_RDONLY | O_CLOEXEC | (createIfMissing ? O_CREAT : 0);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return daemon::lastSystemError("open lease file " + path);
  // One buffer of the file's size: no growth copies on a 30 MB file.
  struct stat status {};
  std::string text;
  if (::fstat(fd, &status) == 0) text.reserve(static_cast<std::size_t>(status.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto error = daemon::lastSystemError("read lease file " + path);
      ::close(fd);
      return error;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

std::string defaultWriter() { return fmt::format("snowboot-dhcpd-{}", kVersion); }

bool worthKeeping(const Lease& lease) {
  return !lease.hardware.empty() || !lease.uid.empty() || lease.state != BindingState::Free;
}

std::string formatFileHead(std::string_view writer, std::string_view serverDuid,
                           std::span<const HostRecord> hosts) {
  std::string out = formatHeader(writer);
  if (!serverDuid.empty()) {
    out += serverDuid;
    out += "\n\n";
  }
  for (const HostRecord& host : hosts) {
    out += host.text;
    out += '\n';
  }
  return out;
}

std::string formatLeaseFile(std::string_view writer, std::string_view serverDuid,
                            std::span<const HostRecord> hosts, const MemoryLeaseStore& leases) {
  std::string out = formatFileHead(writer, serverDuid, hosts);
  leases.forEachLease([&out](const Lease& lease) {
    if (worthKeeping(lease)) out += formatLease(lease);
  });
  return out;
}

daemon::SystemResult<std::unique_ptr<FileLeaseStore>> FileLeaseStore::open(const Options& options,
                                                                           Time now,
                                                                           FileStoreLoad* load) {
  auto text = options.contents ? daemon::SystemResult<std::string>(std::string(*options.contents))
                               : readWholeFile(options.path, true);
  if (!text) return std::unexpected(text.error());
  std::unique_ptr<FileLeaseStore> store(new FileLeaseStore());
  store->writer_ = options.writer;
  FileStoreLoad report;
  {
    for (const AddressRange& range : options.ranges) {
      if (auto added = store->memory_.addRange(range); !added) {
        return std::unexpected(daemon::SystemError{
            "add range", 0,
            fmt::format("{}: {}", toString(added.error().code), added.error().detail)});
      }
    }
    MemoryLeaseStore& memory = store->memory_;
    memory.reserve(text->size() / 300);  // ISC's records are 250-400 bytes
    LeaseFileContents contents = readLeaseFile(
        *text, options.path, [&memory](Lease&& lease) { memory.apply(std::move(lease)); });
    text->clear();
    text->shrink_to_fit();  // the leases are in memory: the file's bytes are no longer needed
    store->hosts_ = std::move(contents.hosts);
    store->serverDuid_ = std::move(contents.serverDuid);
    report.errors = std::move(contents.errors);
    report.notes = std::move(contents.notes);
    report.leaseRecords = contents.leaseRecords;
    report.leases = memory.leaseCount();
    report.tornTail = contents.tornTail;
  }
  if (options.dropOutsideRanges) {
    for (const Lease& lease : store->memory_.dropLeasesOutsideRanges()) {
      report.notes.push_back(fmt::format("lease {}: no subnet.", lease.address.toString()));
    }
    report.leases = store->memory_.leaseCount();
  }
  // ISC queues its free addresses while the leases that ended during the stop are still active;
  // expiry then frees them behind the never-used ones.
  store->memory_.orderNeverUsed();
  store->memory_.expire(now);
  store->lastRewrite_ = now;
  if (!report.errors.empty() && options.rewriteAtStart && !options.contents) {
    // Never rewrite away what we could not read: the original bytes stay under another name.
    report.damagedCopy = fmt::format("{}.damaged-{}", options.path, now.time_since_epoch().count());
    if (::link(options.path.c_str(), report.damagedCopy.c_str()) != 0 && errno != EEXIST) {
      return daemon::lastSystemError("keep damaged lease file as " + report.damagedCopy);
    }
  }
  auto journal = Journal::open(options.path);
  if (!journal) return std::unexpected(journal.error());
  store->journal_ = std::move(*journal);
  if (options.rewriteAtStart) {
    CommitResult rewritten;
    store->journal_->compact(store->snapshotSource(),
                             [&rewritten](const CommitResult& result) { rewritten = result; });
    store->journal_->drain();
    if (!rewritten) {
      return std::unexpected(
          daemon::SystemError{"rewrite lease file", 0, rewritten.error().detail});
    }
  }
  // Reading and rewriting a large file leaves tens of MiB of freed heap behind (the file text,
  // the snapshot, parser temporaries); give it back so the daemon's RSS is its leases.
  ::malloc_trim(0);
  if (load != nullptr) *load = std::move(report);
  return store;
}

FileLeaseStore::~FileLeaseStore() = default;

Journal::SnapshotSource FileLeaseStore::snapshotSource() const {
  // hosts_, serverDuid_ and writer_ never change after open(); the leases are read in chunks.
  return [this, head = formatFileHead(writer_, serverDuid_, hosts_),
          next = std::optional<std::uint64_t>(0)](std::string& out) mutable {
    if (!head.empty()) {
      out += head;
      head.clear();
      head.shrink_to_fit();
      return true;
    }
    if (!next) return false;
    std::unique_lock lock(mutex_);
    next = memory_.forEachLeaseFrom(*next, kSnapshotChunk, [&out](const Lease& lease) {
      if (worthKeeping(lease)) out += formatLease(lease);
    });
    return next.has_value();
  };
}

std::expected<void, StoreError> FileLeaseStore::addRange(const AddressRange& range) {
  std::lock_guard lock(mutex_);
  return memory_.addRange(range);
}

bool FileLeaseStore::removeRange(const AddressRange& range) {
  std::lock_guard lock(mutex_);
  return memory_.removeRange(range);
}

std::vector<Lease> FileLeaseStore::dropLeasesOutsideRanges() {
  std::lock_guard lock(mutex_);
  return memory_.dropLeasesOutsideRanges();
}

std::optional<Lease> FileLeaseStore::findByAddress(net::Ipv4Address address) const {
  std::unique_lock lock(mutex_);
  return memory_.findByAddress(address);
}

std::vector<Lease> FileLeaseStore::findByClientId(std::string_view uid) const {
  std::unique_lock lock(mutex_);
  return memory_.findByClientId(uid);
}

std::vector<Lease> FileLeaseStore::findByHardware(const HardwareAddress& hardware) const {
  std::unique_lock lock(mutex_);
  return memory_.findByHardware(hardware);
}

std::optional<net::Ipv4Address> FileLeaseStore::allocate(const AllocationRequest& request) {
  std::unique_lock lock(mutex_);
  return memory_.allocate(request);  // a hold is not a lease: ISC does not write offers either
}

void FileLeaseStore::commit(const Lease& lease, CommitDone done) {
  std::string record = formatLease(lease);
  {
    std::unique_lock lock(mutex_);
    memory_.apply(lease);
  }
  journal_->append(std::move(record), std::move(done));
}

void FileLeaseStore::release(net::Ipv4Address address, Time now, CommitDone done) {
  std::optional<Lease> lease;
  {
    std::unique_lock lock(mutex_);
    lease = memory_.releasedLease(address, now);
  }
  if (!lease) {
    if (done) done(std::unexpected(StoreError{StoreErrorCode::NotFound, address.toString()}));
    return;
  }
  commit(*lease, std::move(done));
}

std::vector<Lease> FileLeaseStore::expire(Time now) {
  std::vector<Lease> changed;
  {
    std::unique_lock lock(mutex_);
    changed = memory_.expire(now);
  }
  // Nobody waits for these: losing one in a crash only means it expires again at start.
  for (const Lease& lease : changed) journal_->append(formatLease(lease), nullptr);
  if (now - lastRewrite_ >= kRewriteInterval) {
    lastRewrite_ = now;
    compact(nullptr);  // a failure is retried at the next interval; the journal still works
  }
  return changed;
}

void FileLeaseStore::compact(CommitDone done) {
  journal_->compact(snapshotSource(), std::move(done));
}

LeaseFileCheck checkLeaseFile(const std::string& path) {
  LeaseFileCheck check;
  auto text = readWholeFile(path, false);
  if (!text) {
    check.report = fmt::format("Can't open lease database {}: {}\n", path, text.error().message());
    return check;
  }
  check.readable = true;
  const LeaseFileContents contents = readLeaseFile(*text, path);
  for (const LeaseFileProblem& problem : contents.errors)
    check.report += formatProblem(path, problem);
  for (const std::string& note : contents.notes) check.report += fmt::format("{} {}\n", path, note);
  check.errors = contents.errors.size();
  check.report += fmt::format("{}: {} lease records, {} leases, {} host records, {} errors{}\n",
                              path, contents.leaseRecords, contents.leases.size(),
                              contents.hosts.size(), contents.errors.size(),
                              contents.tornTail ? " (the last record is cut short)" : "");
  return check;
}

}  // namespace snowboot::dhcpd::leases
