// The file-backed lease store on real files: durability, group commit, rewrite, damaged files,
// ISC's own dhcpd and Debian's dhcp-lease-list reading what we wrote, and SIGKILL at random.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "dhcpd/leases/file_store.hpp"
#include "dhcpd/leases/lease_format.hpp"

extern char** environ;
namespace fs = std::filesystem;
using namespace snowboot::dhcpd::leases;
using snowboot::net::Ipv4Address;
using namespace std::chrono_literals;

namespace {

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "snowboot-leases-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

Ipv4Address lab(int host) { return Ipv4Address(0x0a4d0000u + static_cast<std::uint32_t>(host)); }

const Time kNow = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
const AddressRange kLabRange{Ipv4Address(10, 77, 0, 100), Ipv4Address(10, 77, 0, 250)};

Lease clientLease(Ipv4Address address, int n) {
  Lease lease;
  lease.address = address;
  lease.starts = kNow;
  lease.ends = kNow + 1h;
  lease.cltt = kNow;
  lease.state = BindingState::Active;
  lease.nextState = BindingState::Free;
  lease.rewindState = BindingState::Free;
  lease.hardware = HardwareAddress{
      1, {0x52, 0x54, 0x00, 0x99, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
  lease.uid =
      std::string("\x01\x52\x54\x00\x99", 5) + static_cast<char>(n >> 8) + static_cast<char>(n);
  lease.clientHostname = "client-" + std::to_string(n);
  lease.variables.push_back(
      {"vendor-class-identifier", Variable::Kind::Data, "PXEClient:Arch:00007:UNDI:003016", 0});
  return lease;
}

std::unique_ptr<FileLeaseStore> openStore(const fs::path& path, FileStoreLoad* load = nullptr) {
  FileLeaseStore::Options options;
  options.path = path.string();
  options.ranges = {kLabRange};
  auto store = FileLeaseStore::open(options, kNow, load);
  REQUIRE(store);
  return std::move(*store);
}

// Commits and waits until the store says it is durable.
CommitResult commitAndWait(LeaseStore& store, const Lease& lease) {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<CommitResult> result;
  store.commit(lease, [&](const CommitResult& r) {
    std::unique_lock lock(mutex);
    result = r;
    done.notify_one();
  });
  std::unique_lock lock(mutex);
  done.wait(lock, [&] { return result.has_value(); });
  return *result;
}

// Runs a program, returns its exit status and what it printed on stdout and stderr.
std::pair<int, std::string> run(std::vector<std::string> argv) {
  int pipeFds[2];
  REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 2);
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeFds[1]);
  std::string output;
  char buffer[4096];
  ssize_t n = 0;
  while (spawned == 0 && (n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0)
    output.append(buffer, n);
  ::close(pipeFds[0]);
  int status = 0;
  if (spawned != 0) return {-1, "spawn failed"};
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

bool haveProgram(const char* path) { return ::access(path, X_OK) == 0; }

}  // namespace

TEST_CASE("opening ISC's file rewrites it like ISC and keeps the old one as ~", "[leases]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  const std::string original = readFile(fs::path(LEASES_FIXTURES) / "isc-omapi.leases");
  writeFile(path, original + readFile(fs::path(LEASES_FIXTURES) / "isc-dhclient.leases"));
  FileStoreLoad load;
  auto store = openStore(path, &load);
  CHECK(load.errors.empty());
  CHECK(load.leases == 4);
  CHECK(load.damagedCopy.empty());
  CHECK(readFile(dir.path / "dhcpd.leases~").starts_with(original));
  CHECK_FALSE(fs::exists(dir.path / "dhcpd.leases.new"));

  const std::string rewritten = readFile(path);
  CHECK(rewritten.find("host pxe-node1 {") != std::string::npos);
  CHECK(rewritten.find("\n# This lease file was written by snowboot-dhcpd-0.") !=
        std::string::npos);
  CHECK(rewritten.find("server-duid \"") != std::string::npos);
  const LeaseFileContents contents = readLeaseFile(rewritten, "rewritten");
  CHECK(contents.errors.empty());
  CHECK(contents.leases.size() == 4);
  CHECK(contents.leaseRecords == 4);  // one record per lease
  CHECK(contents.hosts.size() == 2);
  // ISC's release record survives the rewrite unchanged (a free lease with a client).
  CHECK(store->findByAddress(Ipv4Address(10, 77, 0, 102))->state == BindingState::Free);
}

TEST_CASE("a committed lease is in the file when its callback runs", "[leases]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  auto store = openStore(path);
  const std::array ranges{kLabRange};
  auto address = store->allocate(AllocationRequest{ranges, kNow, kNow + 30s});
  REQUIRE(address == Ipv4Address(10, 77, 0, 100));
  const Lease lease = clientLease(*address, 1);
  REQUIRE(commitAndWait(*store, lease));
  // Before anything else happens, the bytes are there (a fresh reader, not our memory).
  const LeaseFileContents contents = readLeaseFile(readFile(path), "now");
  REQUIRE(contents.leases.size() == 1);
  CHECK(contents.leases[0] == lease);

  bool released = false;
  store->release(*address, kNow + 10s, [&](const CommitResult& r) { released = r.has_value(); });
  store->drain();
  CHECK(released);
  store.reset();
  auto reopened = openStore(path);
  CHECK(reopened->findByAddress(*address)->state == BindingState::Free);
  CHECK(reopened->findByClientId(lease.uid).size() == 1);
}

TEST_CASE("group commit: concurrent commits share fsyncs and all reach the file", "[leases]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  auto store = openStore(path);
  const JournalStats before = store->stats();
  std::atomic<int> durable = 0;
  for (int i = 0; i < 150; ++i) {
    store->commit(clientLease(lab(100 + i), i),
                  [&](const CommitResult& r) { durable += r ? 1 : 0; });
  }
  store->drain();
  CHECK(durable == 150);
  const JournalStats after = store->stats();
  CHECK(after.records - before.records == 150);
  CHECK(readLeaseFile(readFile(path), "f").leases.size() == 150);

  // Records that arrive while a sync runs share the next one. (Formatted beforehand, so that
  // even a slow build appends faster than the disk syncs.)
  std::vector<std::string> records;
  for (int i = 0; i < 500; ++i) records.push_back(formatLease(clientLease(lab(100 + i % 150), i)));
  auto journal = Journal::open((dir.path / "journal.leases").string());
  REQUIRE(journal);
  for (auto& record : records) (*journal)->append(std::move(record), nullptr);
  (*journal)->drain();
  CHECK((*journal)->stats().records == 500);
  CHECK((*journal)->stats().syncs < 100);
}

TEST_CASE("a rewrite while commits go on loses none of them", "[leases]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  auto store = openStore(path);
  for (int round = 0; round < 5; ++round) {
    bool compacted = false;
    for (int i = 0; i < 150; ++i) {
      store->commit(clientLease(lab(100 + i), round * 1000 + i), nullptr);
      if (i == 20) store->compact([&](const CommitResult& r) { compacted = r.has_value(); });
    }
    store->drain();
    CHECK(compacted);
  }
  CHECK(store->stats().compactions >= 6);  // the one at start, one per round
  const LeaseFileContents contents = readLeaseFile(readFile(path), "f");
  REQUIRE(contents.leases.size() == 150);
  for (const Lease& lease : contents.leases) {
    CHECK(store->findByAddress(lease.address) == lease);
  }
  CHECK(fs::exists(dir.path / "dhcpd.leases~"));
}

TEST_CASE("expire() ends leases in the file and rewrites it once an hour", "[leases]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  auto store = openStore(path);
  REQUIRE(commitAndWait(*store, clientLease(lab(100), 1)));
  store->expire(kNow + 30min);
  store->drain();
  CHECK(store->stats().compactions == 1);  // the one at start
  const auto changed = store->expire(kNow + 1h);
  store->drain();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].state == BindingState::Free);
  CHECK(store->stats().compactions == 2);
  const LeaseFileContents contents = readLeaseFile(readFile(path), "f");
  CHECK(contents.leaseRecords == 1);  // rewritten: one record per lease
  REQUIRE(contents.leases.size() == 1);
  CHECK(contents.leases[0].state == BindingState::Free);
}

TEST_CASE("a write the disk refuses is reported to the committer, never as done", "[leases]") {
  auto journal = Journal::open("/dev/full");  // every write fails with ENOSPC
  REQUIRE(journal);
  std::optional<CommitResult> result;
  (*journal)->append(formatLease(clientLease(lab(100), 1)),
                     [&](const CommitResult& r) { result = r; });
  (*journal)->drain();
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->has_value());
  CHECK(result->error().code == StoreErrorCode::Io);
  CHECK(result->error().detail.find("/dev/full") != std::string::npos);
  CHECK((*journal)->stats().records == 0);
}

TEST_CASE("a damaged file is kept byte for byte and the good records are served", "[leases]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  std::string damaged = readFile(fs::path(LEASES_FIXTURES) / "isc-dhclient.leases");
  damaged.resize(damaged.find("  cltt", damaged.find("lease 10.77.0.103")) + 9);  // torn tail
  writeFile(path, damaged);
  FileStoreLoad load;
  auto store = openStore(path, &load);
  REQUIRE(load.errors.size() == 1);
  CHECK(load.tornTail);
  REQUIRE_FALSE(load.damagedCopy.empty());
  CHECK(readFile(load.damagedCopy) == damaged);
  CHECK(store->findByAddress(Ipv4Address(10, 77, 0, 100)));
  CHECK_FALSE(store->findByAddress(Ipv4Address(10, 77, 0, 103)));
  REQUIRE(commitAndWait(*store, clientLease(Ipv4Address(10, 77, 0, 103), 3)));
  const LeaseFileContents contents = readLeaseFile(readFile(path), "f");
  CHECK(contents.errors.empty());
  CHECK(contents.leases.size() == 4);

  const LeaseFileCheck check = checkLeaseFile(load.damagedCopy);
  CHECK(check.readable);
  CHECK(check.errors == 1);
  INFO(check.report);
  CHECK(check.report.find(": unexpected end of file\n  cltt 4 \n         ^\n") !=
        std::string::npos);
  CHECK(check.report.find("(the last record is cut short)") != std::string::npos);
  CHECK_FALSE(checkLeaseFile((dir.path / "absent").string()).readable);
}

TEST_CASE("ISC dhcpd -T reads a file we wrote without a complaint", "[leases][isc]") {
  if (!haveProgram("/usr/sbin/dhcpd")) {
    WARN("SKIPPED: /usr/sbin/dhcpd (isc-dhcp-server) is not installed");
    return;
  }
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  writeFile(path, readFile(fs::path(LEASES_FIXTURES) / "isc-omapi.leases"));
  {
    auto store = openStore(path);
    for (int i = 0; i < 40; ++i) {
      Lease lease = clientLease(lab(110 + i), i);
      if (i % 5 == 0) lease.extraStatements.push_back("on expiry {\n    set gone = true;\n  }");
      if (i % 7 == 0) lease.uid += std::string("\"\\ \n\xff", 5);
      store->commit(lease, nullptr);
    }
    store->release(Ipv4Address(10, 77, 0, 111), kNow, nullptr);
    store->drain();
    store->compact(nullptr);
    store->commit(clientLease(Ipv4Address(10, 77, 0, 200), 200), nullptr);
    store->drain();
  }
  writeFile(dir.path / "dhcpd.conf",
            "subnet 10.77.0.0 netmask 255.255.255.0 { range 10.77.0.100 10.77.0.250; }\n");
  auto [status, output] = run({"/usr/sbin/dhcpd", "-4", "-T", "-cf",
                               (dir.path / "dhcpd.conf").string(), "-lf", path.string()});
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("expect") == std::string::npos);
  // (ISC -T counts no host decls even on its own OMAPI file, so only the leases are compared.)
  CHECK(output.find("Wrote 42 leases to leases file.") != std::string::npos);
}

TEST_CASE("Debian's dhcp-lease-list lists the leases in a file we wrote", "[leases][isc]") {
  if (!haveProgram("/usr/sbin/dhcp-lease-list")) {
    WARN("SKIPPED: /usr/sbin/dhcp-lease-list (isc-dhcp-server) is not installed");
    return;
  }
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  {
    auto store = openStore(path);
    for (int i = 0; i < 3; ++i) store->commit(clientLease(lab(120 + i), i), nullptr);
    store->drain();
  }
  auto [status, output] =
      run({"/usr/sbin/dhcp-lease-list", "--parsable", "--lease", path.string()});
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("MAC 52:54:00:99:00:01 IP 10.77.0.121 HOSTNAME client-1") != std::string::npos);
  CHECK(output.find("IP 10.77.0.122") != std::string::npos);
}

TEST_CASE("SIGKILL at random points never loses a lease reported committed", "[leases][crash]") {
  TempDir dir;
  const fs::path path = dir.path / "dhcpd.leases";
  std::mt19937 random(std::random_device{}());
  std::map<std::string, std::uint64_t> committed;  // address -> last sequence reported durable
  int tornTails = 0;
  for (int iteration = 0; iteration < 100; ++iteration) {
    int pipeFds[2];
    REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    std::string child = LEASE_WRITER_CHILD;
    std::string file = path.string();
    std::string inFlight = std::to_string(1 + random() % 64);
    std::string rewriteEvery = std::to_string(50 + random() % 400);
    char* argv[] = {child.data(), file.data(), inFlight.data(), rewriteEvery.data(), nullptr};
    pid_t pid = 0;
    REQUIRE(::posix_spawn(&pid, argv[0], &actions, nullptr, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipeFds[1]);

    // Read what it reports for a random while, then kill it without warning.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(5 + random() % 60);
    std::string output;
    char buffer[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd waiting{pipeFds[0], POLLIN, 0};
      if (::poll(&waiting, 1, 5) == 1) {
        const ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        output.append(buffer, n);
      }
    }
    ::kill(pid, SIGKILL);
    for (ssize_t n; (n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0;) output.append(buffer, n);
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));

    std::istringstream lines(output);
    std::string address;
    std::uint64_t sequence = 0;
    while (lines >> address >> sequence)
      committed[address] = std::max(committed[address], sequence);

    const std::string text = readFile(path);
    const LeaseFileContents contents = readLeaseFile(text, path.string());
    INFO("iteration " << iteration);
    // Linux stops a large write() between pages when SIGKILL arrives, so a killed writer can
    // leave its last record cut short. Only that one, and never a record it reported durable.
    REQUIRE(contents.errors.size() == (contents.tornTail ? 1u : 0u));
    std::map<std::string, std::uint64_t> onDisk;
    for (const Lease& lease : contents.leases) {
      onDisk[lease.address.toString()] = std::stoull(lease.uid.substr(1));
    }
    for (const auto& [reported, last] : committed) {
      INFO(reported << " reported at sequence " << last);
      REQUIRE(onDisk.contains(reported));
      REQUIRE(onDisk[reported] >= last);
    }

    // Power loss cuts the file inside its last record: the reader must notice, and say where.
    if (iteration % 10 == 0 && text.size() > 200) {
      const auto lastRecord = text.rfind("lease ");
      const std::size_t cut = lastRecord + 1 + random() % (text.size() - lastRecord - 3);
      const LeaseFileContents torn = readLeaseFile(text.substr(0, cut), "torn");
      REQUIRE(torn.tornTail);
      REQUIRE(torn.errors.size() == 1);
      CHECK(torn.leases.size() + 1 >= contents.leases.size());
      ++tornTails;
    }
  }
  CHECK(committed.size() > 10);
  CHECK(tornTails >= 5);
}
