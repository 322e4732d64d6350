// The built in.tftpd against real clients on loopback: tftp-hpa's tftp, curl, busybox tftp and
// atftp. Files are compared byte for byte. Each test starts its own server on a free high port
// and stops it by PID.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/tftp/packet.hpp"

extern char** environ;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace snowboot::tftp;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const fs::path& path, const std::string& content, mode_t mode = 0644) {
  std::ofstream(path, std::ios::binary) << content;
  ::chmod(path.c_str(), mode);
}

std::string randomBytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(generator());
  return bytes;
}

struct Result {
  int status = -1;
  std::string output;
};

// A shell command, bounded by timeout(1); stdout and stderr together.
Result run(const std::string& command, int seconds = 120) {
  const std::string bounded = "timeout " + std::to_string(seconds) + " " + command + " 2>&1";
  Result result;
  FILE* pipe = ::popen(bounded.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::uint16_t freeUdpPort() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A UDP client speaking through the codec, for what command-line clients cannot show.
class RawClient {
 public:
  RawClient() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~RawClient() { ::close(fd_); }

  void send(const Packet& packet, std::uint16_t port) {
    std::vector<std::uint8_t> bytes(bufferLength(packet));
    REQUIRE(emit(packet, bytes));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port);
    REQUIRE(::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to) == static_cast<ssize_t>(bytes.size()));
  }

  struct Received {
    Packet packet;
    std::uint16_t port;
  };
  std::optional<Received> receive(std::chrono::milliseconds timeout) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const auto n = ::recvfrom(fd_, buffer_.data(), buffer_.size(), 0,
                              reinterpret_cast<sockaddr*>(&from), &length);
    if (n < 0) return std::nullopt;
    auto parsed = parse(std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(n)));
    if (!parsed) return std::nullopt;
    return Received{*parsed, ntohs(from.sin_port)};
  }

 private:
  int fd_ = -1;
  std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(70000);
};

// A served tree in a temporary directory and an in.tftpd serving it.
class Served {
 public:
  explicit Served(std::vector<std::string> extra = {}, std::string mapRules = {}) {
    const bool secure = true;
    std::string pattern = (fs::temp_directory_path() / "snowboot-tftpd-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    base = pattern;
    root = base / "root";
    fs::create_directories(root / "configs");
    fs::create_directories(root / "pxelinux.cfg");
    fs::create_directories(root / "sub");
    for (const auto& dir : {base, root, root / "configs", root / "pxelinux.cfg", root / "sub"}) {
      ::chmod(dir.c_str(), 0755);  // reachable by nobody when the server runs as root
    }
    writeFile(base / "outside.txt", "OUTSIDE");
    writeFile(root / "configs" / "lab.cfg", "DEFAULT lab\n");
    fs::create_symlink("../configs/lab.cfg", root / "pxelinux.cfg" / "C0A800");
    fs::create_symlink("/configs/lab.cfg", root / "pxelinux.cfg" / "absolute");
    fs::create_symlink("../../outside.txt", root / "pxelinux.cfg" / "climb");
    writeFile(root / "private", "P", 0600);
    writeFile(root / "pxelinux.0", "PXELINUX");
    if (!mapRules.empty()) {
      writeFile(base / "map", mapRules);
      extra.push_back("-m");
      extra.push_back((base / "map").string());
    }
    port = freeUdpPort();
    log = base / "server.log";
    std::vector<std::string> arguments{IN_TFTPD, "-L", "-a", "127.0.0.1:" + std::to_string(port),
                                       "-vv"};
    if (secure) arguments.push_back("-s");
    if (::geteuid() == 0) {
      arguments.push_back("-u");
      arguments.push_back("nobody");
    }
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    arguments.push_back(secure ? root.string() : "/");
    start(arguments);
  }
  ~Served() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      for (int i = 0; i < 50 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(20ms);
      }
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
    std::error_code ignored;
    fs::remove_all(base, ignored);
  }

  std::string url(const std::string& name) const {
    return "tftp://127.0.0.1:" + std::to_string(port) + "/" + name;
  }
  std::string hostPort() const { return "127.0.0.1 " + std::to_string(port); }

  fs::path base;
  fs::path root;
  fs::path log;
  std::uint16_t port = 0;
  pid_t pid = -1;

 private:
  void start(const std::vector<std::string>& arguments) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    REQUIRE(::posix_spawn(&pid, IN_TFTPD, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    // Ready when it answers a request (File not found is an answer).
    RawClient probe;
    for (int attempt = 0; attempt < 50; ++attempt) {
      probe.send(Request{Opcode::Rrq, "probe-not-there", "octet", {}}, port);
      if (probe.receive(100ms)) return;
    }
    FAIL("in.tftpd did not answer: " << readFile(log));
  }
};

}  // namespace

TEST_CASE("tftp-hpa's client gets files of many sizes, octet and netascii", "[tftpd][tftp-hpa]") {
  Served served;
  for (std::size_t size : {0u, 1u, 511u, 512u, 513u, 1024u, 1468u, 100000u}) {
    INFO("size " << size);
    const auto name = "file" + std::to_string(size);
    const auto content = randomBytes(size, static_cast<unsigned>(size));
    writeFile(served.root / name, content);
    const auto out = served.base / ("got-" + name);
    auto result = run("tftp " + served.hostPort() + " -m octet -c get " + name + " " + out.string());
    CHECK(result.status == 0);
    CHECK((readFile(out) == content));
  }
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + (i % 5 ? "\n" : "\r\n");
  writeFile(served.root / "text.cfg", text);
  const auto out = served.base / "got-text";
  auto result = run("tftp " + served.hostPort() + " -m netascii -c get text.cfg " + out.string());
  CHECK(result.status == 0);
  CHECK((readFile(out) == text));  // converted on the wire and back by the client
}

TEST_CASE("a 33 MiB file at blksize 512 rolls the block number over (tftp-hpa, curl)",
          "[tftpd][rollover]") {
  Served served;
  const auto content = randomBytes(33 * 1024 * 1024 + 123, 7);
  writeFile(served.root / "big.img", content);
  const auto out = served.base / "big-hpa";
  auto result = run("tftp " + served.hostPort() + " -m octet -c get big.img " + out.string());
  CHECK(result.status == 0);
  CHECK((readFile(out) == content));
  const auto curlOut = served.base / "big-curl";
  result = run("curl -sS --tftp-blksize 1468 -o " + curlOut.string() + " " + served.url("big.img"));
  CHECK(result.status == 0);
  CHECK((readFile(curlOut) == content));
}

TEST_CASE("curl with --tftp-blksize and busybox tftp", "[tftpd][curl][busybox]") {
  Served served;
  const auto content = randomBytes(3 * 1024 * 1024 + 5, 11);
  writeFile(served.root / "kernel", content);
  for (const char* blksize : {"512", "1468", "8192", "65464"}) {
    INFO("curl blksize " << blksize);
    const auto out = served.base / (std::string("curl-") + blksize);
    auto result = run(std::string("curl -sS --tftp-blksize ") + blksize + " -o " + out.string() +
                      " " + served.url("kernel"));
    CHECK(result.status == 0);
    CHECK((readFile(out) == content));
  }
  for (const char* blksize : {"512", "1468"}) {
    INFO("busybox blksize " << blksize);
    const auto out = served.base / (std::string("busybox-") + blksize);
    auto result = run(std::string("busybox tftp -b ") + blksize + " -g -r kernel -l " +
                      out.string() + " " + served.hostPort());
    CHECK(result.status == 0);
    CHECK((readFile(out) == content));
  }
}

TEST_CASE("atftp negotiates windowsize 16 and gets the file intact", "[tftpd][atftp]") {
  Served served;
  const auto content = randomBytes(5 * 1024 * 1024 + 77, 13);
  writeFile(served.root / "initrd", content);
  for (const char* blksize : {"512", "1468"}) {
    INFO("blksize " << blksize);
    const auto out = served.base / (std::string("atftp-") + blksize);
    auto result = run(std::string("atftp --option \"windowsize 16\" --option \"blksize ") +
                      blksize + "\" -g -r initrd -l " + out.string() + " " + served.hostPort());
    CHECK(result.status == 0);
    CHECK(result.output.find("windowsize = 16") != std::string::npos);
    CHECK((readFile(out) == content));
  }
}

TEST_CASE("secure mode: relative and absolute symlinks inside the root, no way out",
          "[tftpd][secure]") {
  Served served;
  auto get = [&](const std::string& name) {
    const auto out = served.base / "got";
    fs::remove(out);
    auto result = run("tftp " + served.hostPort() + " -m octet -c get '" + name + "' " +
                      out.string());
    return std::pair(result.output, fs::exists(out) ? readFile(out) : std::string());
  };
  CHECK(get("pxelinux.cfg/C0A800").second == "DEFAULT lab\n");
  CHECK(get("/pxelinux.cfg/C0A800").second == "DEFAULT lab\n");
  CHECK(get("pxelinux.cfg/absolute").second == "DEFAULT lab\n");
  for (const char* escape : {"../outside.txt", "pxelinux.cfg/climb", "../../outside.txt",
                             "/../outside.txt", "configs/../../outside.txt"}) {
    INFO(escape);
    auto [output, content] = get(escape);
    CHECK(output.find("Error code 1: File not found") != std::string::npos);
    CHECK(content.find("OUTSIDE") == std::string::npos);
  }
  CHECK(readFile(served.log).find("RRQ from 127.0.0.1 filename pxelinux.cfg/C0A800") !=
        std::string::npos);
}

TEST_CASE("error codes and texts", "[tftpd][errors]") {
  Served served;
  auto get = [&](const std::string& name) {
    return run("tftp " + served.hostPort() + " -m octet -c get " + name + " " +
               (served.base / "got").string()).output;
  };
  CHECK(get("nothere").find("Error code 1: File not found") != std::string::npos);
  CHECK(get("sub").find("Error code 2: Only regular files can be transferred") !=
        std::string::npos);
  // As root the server runs as nobody and the kernel refuses (tftpd-hpa: code 0, strerror);
  // otherwise our o+r rule refuses first.
  const auto denied = get("private");
  if (::geteuid() == 0) {
    CHECK(denied.find("Error code 0: Permission denied") != std::string::npos);
  } else {
    CHECK(denied.find("Error code 2: File must have global read permissions") !=
          std::string::npos);
  }
  CHECK(readFile(served.log).find("sending NAK (1, File not found) to 127.0.0.1") !=
        std::string::npos);

  RawClient client;
  client.send(Request{Opcode::Rrq, "a", "mail", {}}, served.port);
  auto reply = client.receive(2s);
  REQUIRE(reply);
  CHECK(std::get<ErrorPacket>(reply->packet) == ErrorPacket{4, "Unknown mode"});
}

TEST_CASE("WRQ: uploads to world-writable files, new files only with --create",
          "[tftpd][wrq]") {
  Served served({"-c"});
  ::chmod(served.root.c_str(), 0777);  // the server runs as nobody when the test runs as root
  const auto content = randomBytes(200000, 17);
  const auto local = served.base / "upload.src";
  writeFile(local, content);
  auto result = run("tftp " + served.hostPort() + " -m octet -c put " + local.string() +
                    " uploaded.bin");
  CHECK(result.status == 0);
  CHECK((readFile(served.root / "uploaded.bin") == content));
  result = run("curl -sS -T " + local.string() + " " + served.url("curl-upload.bin"));
  CHECK(result.status == 0);
  CHECK((readFile(served.root / "curl-upload.bin") == content));

  Served plain;
  result = run("tftp " + plain.hostPort() + " -m octet -c put " + local.string() + " new.bin");
  CHECK(result.output.find("Error code 1: File not found") != std::string::npos);
  CHECK_FALSE(fs::exists(plain.root / "new.bin"));
}

TEST_CASE("each transfer answers from its own port inside --port-range", "[tftpd][tid]") {
  const std::uint16_t low = static_cast<std::uint16_t>(40000 + ::getpid() % 20000);
  Served served({"-R", std::to_string(low) + ":" + std::to_string(low + 9)});
  writeFile(served.root / "f", "x");
  for (int i = 0; i < 5; ++i) {
    RawClient client;
    client.send(Request{Opcode::Rrq, "f", "octet", {}}, served.port);
    auto reply = client.receive(2s);
    REQUIRE(reply);
    CHECK(std::holds_alternative<Data>(reply->packet));
    CHECK(reply->port >= low);
    CHECK(reply->port <= low + 9);
    client.send(Ack{1}, reply->port);
  }
}

TEST_CASE("a client's ERROR 8 after the OACK ends the transfer quietly", "[tftpd][oack]") {
  Served served;
  writeFile(served.root / "probe.efi", std::string(4000, 'e'));
  RawClient client;
  client.send(Request{Opcode::Rrq, "probe.efi", "octet", {{"tsize", "0"}, {"BlkSize", "1468"}}},
              served.port);
  auto reply = client.receive(2s);
  REQUIRE(reply);
  CHECK(std::get<OptionAck>(reply->packet).options ==
        std::vector<Option>{{"tsize", "4000"}, {"BlkSize", "1468"}});
  client.send(ErrorPacket{8, "User aborted the transfer"}, reply->port);
  // No DATA, no retransmitted OACK: the retransmission would come after one second.
  CHECK_FALSE(client.receive(1500ms));
}

TEST_CASE("map file rules rewrite and refuse requests", "[tftpd][remap]") {
  Served served({}, "# admin's rules\nri ^LAB\\.CFG$ configs/lab.cfg\nr ^boot/ \na ^forbidden\n"
                    "a ^secret(.*) no\\ \\1\\ for\\ \\i\n");
  auto get = [&](const std::string& name) {
    const auto out = served.base / "got";
    fs::remove(out);
    auto result = run("tftp " + served.hostPort() + " -m octet -c get " + name + " " +
                      out.string());
    return std::pair(result.output, fs::exists(out) ? readFile(out) : std::string());
  };
  CHECK(get("lab.cfg").second == "DEFAULT lab\n");
  CHECK(get("boot/pxelinux.0").second == "PXELINUX");
  CHECK(get("forbidden.bin").first.find("Error code 2: Access denied") != std::string::npos);
  CHECK(get("secret-x").first.find("Error code 2: no -x for 127.0.0.1") != std::string::npos);
  CHECK(readFile(served.log).find(
            "RRQ from 127.0.0.1 filename lab.cfg remapped to configs/lab.cfg") != std::string::npos);
}

TEST_CASE("a PXE ROM's trailing junk byte is dropped, and logged once per client",
          "[tftpd][junk]") {
  Served served;
  for (int i = 0; i < 2; ++i) {
    RawClient client;
    client.send(Request{Opcode::Rrq, std::string("pxelinux.0\xff"), "octet", {}}, served.port);
    auto reply = client.receive(2s);
    REQUIRE(reply);
    const auto& data = std::get<Data>(reply->packet);
    CHECK(std::string(data.payload.begin(), data.payload.end()) == "PXELINUX");
    client.send(Ack{1}, reply->port);
  }
  std::this_thread::sleep_for(100ms);
  const auto log = readFile(served.log);
  const auto first = log.find("junk bytes at the end of the name dropped");
  CHECK(first != std::string::npos);
  CHECK(log.find("junk bytes at the end of the name dropped", first + 1) == std::string::npos);
}

TEST_CASE("a bad map file stops the start with file, line and column", "[tftpd][remap]") {
  const auto path = fs::temp_directory_path() / ("snowboot-bad-map-" + std::to_string(::getpid()));
  writeFile(path, "r a b\nrz x y\n");
  auto result = run(std::string(IN_TFTPD) + " -L -a 127.0.0.1:1 -m " + path.string() + " /tmp");
  fs::remove(path);
  CHECK(result.status == 78);
  CHECK(result.output.find(path.string() + " line 2, column 2: invalid operation flag \"z\"") !=
        std::string::npos);
}

TEST_CASE("IPv6: -a [::1]:port serves curl over IPv6", "[tftpd][ipv6]") {
  Served served;
  writeFile(served.root / "v6.txt", "over IPv6");
  // A second server, IPv6 only, over the same tree.
  const auto port = freeUdpPort();
  std::vector<std::string> arguments{IN_TFTPD, "-L", "-6", "-a", "[::1]:" + std::to_string(port),
                                     "-s", "-v"};
  if (::geteuid() == 0) arguments.insert(arguments.end(), {"-u", "nobody"});
  arguments.push_back(served.root.string());
  std::vector<char*> argv;
  for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(::posix_spawn(&pid, IN_TFTPD, nullptr, nullptr, argv.data(), environ) == 0);
  Result result;
  for (int attempt = 0; attempt < 20; ++attempt) {
    result = run("curl -sS -g tftp://[::1]:" + std::to_string(port) + "/v6.txt", 5);
    if (result.status == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  CHECK(result.status == 0);
  CHECK(result.output == "over IPv6");
}

TEST_CASE("inetd mode: the socket on stdin, exit after -t seconds idle", "[tftpd][inetd]") {
  Served tree;  // only for its directory tree
  writeFile(tree.root / "inetd.txt", "from inetd");
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const auto port = ntohs(address.sin_port);
  std::vector<std::string> arguments{IN_TFTPD, "-t", "2", "-s"};
  if (::geteuid() == 0) arguments.insert(arguments.end(), {"-u", "nobody"});
  arguments.push_back(tree.root.string());
  std::vector<char*> argv;
  for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fd, 0);
  pid_t pid = -1;
  REQUIRE(::posix_spawn(&pid, IN_TFTPD, &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fd);
  auto result = run("curl -sS tftp://127.0.0.1:" + std::to_string(port) + "/inetd.txt", 10);
  CHECK(result.output == "from inetd");
  // Idle for two seconds after the last request: it exits with status 0 on its own.
  int status = -1;
  const auto start = std::chrono::steady_clock::now();
  while (::waitpid(pid, &status, WNOHANG) == 0 && std::chrono::steady_clock::now() - start < 6s) {
    std::this_thread::sleep_for(50ms);
  }
  const bool exited = WIFEXITED(status);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  CHECK(exited);
  CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
}

TEST_CASE("/etc/default/tftpd-hpa drives the wrapper, and it wins over the old tftp-hpa name",
          "[tftpd][defaults]") {
  Served tree;  // for its directory tree; the wrapper starts a second server over it
  writeFile(tree.root / "from-defaults.txt", "defaults work");
  const auto defaults = tree.base / "default";
  fs::create_directories(defaults);
  const auto port = freeUdpPort();
  const std::string user = ::geteuid() == 0 ? "nobody" : std::to_string(::geteuid());
  // The old file names another directory and user; the new file overrides both but not
  // TFTP_OPTIONS, which only the old file sets (a -v that makes the RRQ line appear).
  writeFile(defaults / "tftp-hpa", "TFTP_DIRECTORY=\"/nonexistent\"\nTFTP_USERNAME=\"root\"\n"
                                   "TFTP_OPTIONS=\"--secure -v\"\n");
  writeFile(defaults / "tftpd-hpa", "TFTP_USERNAME=\"" + user + "\"\nTFTP_DIRECTORY=\"" +
                                        tree.root.string() + "\"\nTFTP_ADDRESS=\"127.0.0.1:" +
                                        std::to_string(port) + "\"\n");
  const auto log = tree.base / "wrapper.log";
  // The wrapper execs in.tftpd, so the spawned pid is the server's.
  std::vector<std::string> environment{"SNOWBOOT_DEFAULTS_DIR=" + defaults.string(),
                                       std::string("IN_TFTPD=") + IN_TFTPD, "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string wrapper = DEFAULTS_WRAPPER;
  std::string foreground = "--foreground";
  char* argv[] = {wrapper.data(), foreground.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  REQUIRE(::posix_spawn(&pid, DEFAULTS_WRAPPER, &actions, nullptr, argv, envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);
  Result result;
  RawClient probe;
  for (int attempt = 0; attempt < 50; ++attempt) {
    probe.send(Request{Opcode::Rrq, "from-defaults.txt", "octet", {}}, port);
    if (auto reply = probe.receive(100ms)) {
      if (std::holds_alternative<Data>(reply->packet)) {
        const auto& data = std::get<Data>(reply->packet);
        result.output.assign(data.payload.begin(), data.payload.end());
        probe.send(Ack{1}, reply->port);
      }
      break;
    }
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  CHECK(result.output == "defaults work");
  CHECK(readFile(log).find("RRQ from 127.0.0.1 filename from-defaults.txt") != std::string::npos);
}
