// Measures the lease store as dhcpd uses it (bench/leases/run.sh drives it next to ISC dhcpd):
//   lease_bench commit FILE REQUESTERS SECONDS   commits/s with fsync, REQUESTERS in flight
//   lease_bench generate FILE COUNT              a dhcpd.leases with COUNT active leases in 10/8
//   lease_bench startup FILE FIRST LAST          open FILE with one range: time and memory
//   lease_bench rewrite-latency FILE REQUESTERS  commit latency while the file is rewritten

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "dhcpd/leases/file_store.hpp"
#include "dhcpd/leases/lease_format.hpp"

using namespace snowboot::dhcpd::leases;
using snowboot::net::Ipv4Address;
using Clock = std::chrono::steady_clock;

namespace {

Time wallNow() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Lease benchLease(std::uint32_t n, Time now) {
  Lease lease;
  lease.address = Ipv4Address(0x0a000000u + 1 + n % 0xfffffd);
  lease.starts = now;
  lease.ends = now + std::chrono::hours{12};
  lease.cltt = now;
  lease.state = BindingState::Active;
  lease.nextState = BindingState::Free;
  lease.rewindState = BindingState::Free;
  lease.hardware = HardwareAddress{
      1,
      {0x52, 0x54, static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
       static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
  lease.uid = std::string(1, '\x01') +
              std::string(lease.hardware.address.begin(), lease.hardware.address.end());
  lease.clientHostname = fmt::format("node-{}", n);
  return lease;
}

// VmRSS from /proc/self/status: what the process holds now, after the peaks of start-up.
long currentRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return -1;
}

// User + system CPU seconds so far: steadier than wall time on a shared machine.
double cpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long peakRssKiB() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int commitBench(const std::string& path, int requesters, double seconds) {
  FileLeaseStore::Options options;
  options.path = path;
  auto store = FileLeaseStore::open(options, wallNow(), nullptr);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message().c_str());
    return 1;
  }
  std::mutex mutex;
  std::condition_variable finished;
  int outstanding = 0;
  std::uint64_t done = 0;
  const Time now = wallNow();
  const JournalStats before = (*store)->stats();
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  // The engine's thread: it commits whenever a requester is free, as replies wait on the sync.
  for (std::uint32_t n = 0; Clock::now() < end; ++n) {
    {
      std::unique_lock lock(mutex);
      finished.wait(lock, [&] { return outstanding < requesters; });
      ++outstanding;
    }
    (*store)->commit(benchLease(n, now), [&](const CommitResult& result) {
      if (!result) std::abort();
      std::unique_lock lock(mutex);
      --outstanding;
      ++done;
      finished.notify_one();
    });
  }
  (*store)->drain();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const JournalStats after = (*store)->stats();
  std::printf("requesters %d: %.0f commits/s (%llu commits, %llu fsyncs, %.1f records per fsync)\n",
              requesters, static_cast<double>(done) / elapsed,
              static_cast<unsigned long long>(done),
              static_cast<unsigned long long>(after.syncs - before.syncs),
              static_cast<double>(after.records - before.records) /
                  static_cast<double>(std::max<std::uint64_t>(1, after.syncs - before.syncs)));
  return 0;
}

// Commits with REQUESTERS in flight for 3 s; a rewrite of the whole file starts at 1 s. Prints
// the worst commit latency before the rewrite and while it runs: the rewrite must not hold
// replies much longer than one fsync.
int rewriteLatency(const std::string& path, int requesters) {
  FileLeaseStore::Options options;
  options.path = path;
  auto opened = FileLeaseStore::open(options, wallNow(), nullptr);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message().c_str());
    return 1;
  }
  FileLeaseStore& store = **opened;
  std::mutex mutex;
  std::condition_variable finished;
  int outstanding = 0;
  double worstBefore = 0;
  double worstDuring = 0;
  std::atomic<bool> rewriting = false;
  std::atomic<bool> rewritten = false;
  double rewriteSeconds = 0;
  double snapshotSeconds = 0;  // the part on the caller's thread
  std::size_t leasesAtRewrite = 0;
  const Time now = wallNow();
  const auto start = Clock::now();
  for (std::uint32_t n = 0; Clock::now() < start + std::chrono::seconds{3}; ++n) {
    {
      std::unique_lock lock(mutex);
      finished.wait(lock, [&] { return outstanding < requesters; });
      ++outstanding;
    }
    if (!rewriting && Clock::now() > start + std::chrono::seconds{1}) {
      rewriting = true;
      leasesAtRewrite = store.memory().leaseCount();
      const auto rewriteStart = Clock::now();
      store.compact([&, rewriteStart](const CommitResult& result) {
        if (!result) std::abort();
        rewriteSeconds = std::chrono::duration<double>(Clock::now() - rewriteStart).count();
        rewritten = true;
      });
      snapshotSeconds = std::chrono::duration<double>(Clock::now() - rewriteStart).count();
    }
    const auto committed = Clock::now();
    const bool during = rewriting && !rewritten;
    store.commit(benchLease(n * 7919u, now), [&, committed, during](const CommitResult& result) {
      if (!result) std::abort();
      const double latency = std::chrono::duration<double>(Clock::now() - committed).count();
      std::unique_lock lock(mutex);
      double& worst = during ? worstDuring : worstBefore;
      worst = std::max(worst, latency);
      --outstanding;
      finished.notify_one();
    });
  }
  store.drain();
  std::printf(
      "rewrite of %zu leases took %.3f s (%.3f s of it formatting on the caller's "
      "thread); worst commit latency %.2f ms before it, %.2f ms during it (%d requesters)\n",
      leasesAtRewrite, rewriteSeconds, snapshotSeconds, worstBefore * 1e3,
      worstDuring * 1e3, requesters);
  return 0;
}

int generate(const std::string& path, std::uint32_t count) {
  const Time now = wallNow();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << formatHeader("snowboot-bench");
  for (std::uint32_t n = 0; n < count; ++n) out << formatLease(benchLease(n, now));
  return out ? 0 : 1;
}

int startup(const std::string& path, const std::string& first, const std::string& last) {
  FileLeaseStore::Options options;
  options.path = path;
  auto firstAddress = Ipv4Address::parse(first);
  auto lastAddress = Ipv4Address::parse(last);
  if (!firstAddress || !lastAddress) return 2;
  options.ranges = {{*firstAddress, *lastAddress}};
  const long rssBefore = peakRssKiB();
  const double cpuBefore = cpuSeconds();
  const auto start = Clock::now();
  FileStoreLoad load;
  auto store = FileLeaseStore::open(options, wallNow(), &load);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message().c_str());
    return 1;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const long rssAfter = currentRssKiB();
  const double cpu = cpuSeconds() - cpuBefore;
  std::printf(
      "start-up: %.3f s (%.3f s CPU), %zu leases, %llu never-used addresses, peak RSS %ld KiB, "
      "RSS after start %ld KiB (%ld KiB before opening), sizeof(Lease) %zu\n",
      elapsed, cpu, load.leases, static_cast<unsigned long long>((*store)->memory().untouchedCount()),
      peakRssKiB(), rssAfter, rssBefore, sizeof(Lease));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "commit" && argc == 5)
    return commitBench(argv[2], std::atoi(argv[3]), std::atof(argv[4]));
  if (mode == "generate" && argc == 4) {
    return generate(argv[2], static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10)));
  }
  if (mode == "startup" && argc == 5) return startup(argv[2], argv[3], argv[4]);
  if (mode == "rewrite-latency" && argc == 4) return rewriteLatency(argv[2], std::atoi(argv[3]));
  std::fprintf(stderr,
               "usage: lease_bench commit FILE REQUESTERS SECONDS\n"
               "       lease_bench generate FILE COUNT\n"
               "       lease_bench startup FILE FIRST LAST\n"
               "       lease_bench rewrite-latency FILE REQUESTERS\n");
  return 2;
}
