// The daemon plumbing, from outside: daemon_probe is started as an administrator or systemd
// would start dhcpd, and observed through its pid file, /proc, its exit status, its stderr and
// the sd_notify datagrams it sends.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/daemon/pid_file.hpp"
#include "common/daemon/privileges.hpp"

extern char** environ;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "snowboot-daemon-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
    ::chmod(path.c_str(), 0755);  // a daemon that dropped to nobody must reach the socket
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    ::chmod(path.c_str(), 0666);
  }
  ~NotifySocket() { ::close(fd_); }

  std::optional<std::string> receive(std::chrono::milliseconds timeout = 5s) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    char buffer[4096];
    auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

struct Finished {
  int exitStatus = -1;
  std::string standardError;
};

// Runs the probe to completion (for --detach: until the foreground parent exits), bounded.
Finished runProbe(std::vector<std::string> arguments, const std::string& notifySocket = {}) {
  arguments.insert(arguments.begin(), DAEMON_PROBE);
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    if (std::strncmp(*entry, "NOTIFY_SOCKET=", 14) != 0) environment.emplace_back(*entry);
  }
  if (!notifySocket.empty()) environment.push_back("NOTIFY_SOCKET=" + notifySocket);
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  int pipeFds[2];
  REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeFds[1]);

  Finished finished;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  char buffer[1024];
  for (;;) {
    pollfd waiting{pipeFds[0], POLLIN, 0};
    if (::poll(&waiting, 1, 100) == 1) {
      auto n = ::read(pipeFds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      finished.standardError.append(buffer, static_cast<std::size_t>(n));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      break;
    }
  }
  ::close(pipeFds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  finished.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return finished;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

bool waitUntilGone(pid_t pid) {
  for (int i = 0; i < 100 && alive(pid); ++i) std::this_thread::sleep_for(50ms);
  return !alive(pid);
}

// Kills a daemon the test started if the test ends early.
struct DaemonGuard {
  pid_t pid = 0;
  ~DaemonGuard() {
    if (pid > 0 && alive(pid)) ::kill(pid, SIGKILL);
  }
};

std::string procField(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return line.substr(key.size() + 1);
  }
  return {};
}

}  // namespace

TEST_CASE("a detached daemon holds its pid file, reports to systemd, reloads and stops",
          "[daemon]") {
  TempDir dir;
  NotifySocket notify(dir.path / "notify");
  const auto pidPath = (dir.path / "probe.pid").string();
  const bool asRoot = ::geteuid() == 0;
  std::vector<std::string> arguments{"--detach", "--pid-file", pidPath};
  const auto root = dir.path / "root";
  if (asRoot) {
    fs::create_directory(root);
    arguments.insert(arguments.end(), {"--chroot", root.string(), "--user", "nobody"});
  }

  auto started = runProbe(arguments, (dir.path / "notify").string());
  INFO(started.standardError);
  REQUIRE(started.exitStatus == 0);
  CHECK(notify.receive() == "READY=1\nSTATUS=probe running");

  auto pid = snowboot::daemon::readPidFile(pidPath);
  REQUIRE(pid);
  DaemonGuard guard{*pid};
  REQUIRE(alive(*pid));
  // Detached: its own session, no controlling terminal inherited from us.
  CHECK(::getsid(*pid) == *pid);
  if (asRoot) {
    auto nobody = snowboot::daemon::lookupCredentials("nobody");
    REQUIRE(nobody);
    const auto uid = std::to_string(nobody->uid);
    CHECK(procField(*pid, "Uid") == "\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid);
    CHECK(fs::read_symlink("/proc/" + std::to_string(*pid) + "/root") == root);
  }

  SECTION("a second instance is refused and names the first") {
    auto second = runProbe({"--pid-file", pidPath});
    CHECK(second.exitStatus == 1);
    CHECK(second.standardError.find("another instance is running (pid " + std::to_string(*pid) +
                                    ")") != std::string::npos);
    CHECK(alive(*pid));
  }

  SECTION("HUP reloads inside the event loop, TERM stops cleanly") {
    REQUIRE(::kill(*pid, SIGHUP) == 0);
    auto reloading = notify.receive();
    REQUIRE(reloading);
    CHECK(reloading->rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);
    CHECK(notify.receive() == "READY=1\nSTATUS=reloaded");
    CHECK(alive(*pid));

    REQUIRE(::kill(*pid, SIGTERM) == 0);
    CHECK(notify.receive() == "STOPPING=1");
    CHECK(waitUntilGone(*pid));
    // The lock died with the process: the next start takes the pid file over.
    CHECK(snowboot::daemon::PidFile::acquire(pidPath));
  }
}

TEST_CASE("a start-up failure in the background reaches the caller", "[daemon]") {
  TempDir dir;
  const auto pidPath = (dir.path / "probe.pid").string();
  auto failed = runProbe({"--detach", "--pid-file", pidPath, "--fail", "dhcpd.conf line 3: boom"});
  CHECK(failed.exitStatus == 1);
  CHECK(failed.standardError == "dhcpd.conf line 3: boom\n");
}

TEST_CASE("an unknown user is refused before serving", "[daemon]") {
  TempDir dir;
  const auto pidPath = (dir.path / "probe.pid").string();
  auto failed = runProbe({"--detach", "--pid-file", pidPath, "--user", "no-such-user-snowboot"});
  CHECK(failed.exitStatus == 1);
  CHECK(failed.standardError == "user no-such-user-snowboot: no such user or group\n");
}

TEST_CASE("dropping privileges is verified and cannot be undone", "[daemon]") {
  if (::geteuid() != 0) {
    WARN("skipped: needs root to change user");
    return;
  }
  auto nobody = snowboot::daemon::lookupCredentials("nobody", "nogroup");
  REQUIRE(nobody);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto dropped = snowboot::daemon::dropPrivileges(*nobody);
    bool ok = dropped && ::getuid() == nobody->uid && ::getegid() == nobody->gid &&
              ::setuid(0) != 0 && ::getgroups(0, nullptr) >= 0;
    // Only nobody's own groups remain: none of root's.
    std::vector<gid_t> groups(static_cast<std::size_t>(::getgroups(0, nullptr)));
    ::getgroups(static_cast<int>(groups.size()), groups.data());
    for (gid_t group : groups) ok = ok && group != 0;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
