// A process that commits leases as fast as it can, for the crash test: opens the store at
// argv[1], keeps argv[2] commits in flight (concurrent requesters), and after each commit is
// reported durable prints "ADDRESS SEQUENCE" on stdout. It rewrites the file every argv[3]
// commits. It never exits by itself: the test kills it with SIGKILL.

#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "dhcpd/leases/file_store.hpp"

using namespace snowboot::dhcpd::leases;
using snowboot::net::Ipv4Address;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s LEASES-FILE IN-FLIGHT REWRITE-EVERY\n", argv[0]);
    return 2;
  }
  const int inFlight = std::atoi(argv[2]);
  const int rewriteEvery = std::atoi(argv[3]);
  const Time now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  FileLeaseStore::Options options;
  options.path = argv[1];
  options.ranges = {{Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 255, 255)}};
  FileStoreLoad load;
  auto store = FileLeaseStore::open(options, now, &load);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message().c_str());
    return 1;
  }
  // The sequence number continues from what the file holds, so a reload can tell old from new.
  std::uint64_t sequence = 0;
  (*store)->memory().forEachLease([&sequence](const Lease& lease) {
    sequence = std::max<std::uint64_t>(sequence, std::strtoull(lease.uid.c_str() + 1, nullptr, 10));
  });

  std::mutex mutex;
  std::condition_variable finished;
  int outstanding = 0;
  std::string printed;
  for (std::uint64_t i = 0;; ++i) {
    {
      std::unique_lock lock(mutex);
      finished.wait(lock, [&] { return outstanding < inFlight; });
      ++outstanding;
    }
    ++sequence;
    Lease lease;
    lease.address = Ipv4Address(0x0a010000u + static_cast<std::uint32_t>(sequence % 512));
    lease.starts = now;
    lease.ends = now + std::chrono::hours{1};
    lease.cltt = now;
    lease.state = BindingState::Active;
    lease.nextState = BindingState::Free;
    lease.hardware = HardwareAddress{1,
                                     {0x52, 0x54, 0, 0, static_cast<std::uint8_t>(sequence >> 8),
                                      static_cast<std::uint8_t>(sequence)}};
    lease.uid = fmt::format("s{}", sequence);
    lease.clientHostname = fmt::format("host-{}", sequence);
    const std::string line = fmt::format("{} {}\n", lease.address.toString(), sequence);
    (*store)->commit(lease, [&, line](const CommitResult& result) {
      if (result) {
        // One write() per line: the pipe never sees half a line.
        if (::write(STDOUT_FILENO, line.data(), line.size()) < 0) std::_Exit(3);
      }
      std::unique_lock lock(mutex);
      --outstanding;
      finished.notify_one();
    });
    if (rewriteEvery > 0 && i % static_cast<std::uint64_t>(rewriteEvery) == 0) {
      (*store)->compact(nullptr);
    }
  }
}
