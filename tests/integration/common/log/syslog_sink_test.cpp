#include "common/log/syslog_sink.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/daemon/unique_fd.hpp"

using namespace snowboot::log;
using snowboot::daemon::UniqueFd;

namespace {

// A stand-in for the syslog daemon's /dev/log, in a directory of its own.
struct LogSocket {
  std::filesystem::path directory;
  std::string path;
  UniqueFd fd;

  explicit LogSocket(int type) {
    char pattern[] = "/tmp/snowboot-syslog-XXXXXX";
    directory = ::mkdtemp(pattern);
    path = (directory / "log").string();
    bind(type);
  }
  ~LogSocket() { std::filesystem::remove_all(directory); }

  void bind(int type) {
    fd.reset();
    std::filesystem::remove(path);
    fd.reset(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path.c_str());
    REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    if (type == SOCK_STREAM) REQUIRE(::listen(fd.get(), 1) == 0);
  }

  std::string receive() const {
    std::array<char, 4096> buffer{};
    const ssize_t size = ::recv(fd.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    return size < 0 ? std::string("(nothing)") : std::string(buffer.data(), size);
  }
};

// glibc's form with LOG_PID: "<PRI>Mmm dd hh:mm:ss ident[pid]: text".
std::regex messagePattern(int priority, const std::string& text) {
  return std::regex("<" + std::to_string(priority) +
                    R"(>[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d dhcpd\[)" +
                    std::to_string(::getpid()) + R"(\]: )" + text);
}

}  // namespace

TEST_CASE("the syslog header is syslog(3)'s: %h %e %T ident[pid]", "[log]") {
  std::tm time{};
  time.tm_mon = 10;
  time.tm_mday = 6;
  time.tm_hour = 9;
  time.tm_min = 5;
  time.tm_sec = 3;
  CHECK(SyslogWriter::header(time, "dhcpd", 42) == "Nov  6 09:05:03 dhcpd[42]: ");
  time.tm_mon = 0;
  time.tm_mday = 26;
  CHECK(SyslogWriter::header(time, "in.tftpd", 7) == "Jan 26 09:05:03 in.tftpd[7]: ");
}

TEST_CASE("a batch of lines leaves as one datagram per line, with each line's priority", "[log]") {
  LogSocket daemon(SOCK_DGRAM);
  SyslogWriter writer("dhcpd", LOG_DAEMON, daemon.path);
  const std::vector<Line> lines{{Level::Info, "DHCPDISCOVER from 52:54:00:12:34:56 via eth0"},
                                {Level::Error, "lease not recorded"},
                                {Level::Debug, "detail"}};
  writer.write(lines);
  CHECK(std::regex_match(daemon.receive(),
                         messagePattern(LOG_DAEMON | LOG_INFO, lines[0].text.data())));
  CHECK(std::regex_match(daemon.receive(), messagePattern(LOG_DAEMON | LOG_ERR, "lease not recorded")));
  CHECK(std::regex_match(daemon.receive(), messagePattern(LOG_DAEMON | LOG_DEBUG, "detail")));
  CHECK(daemon.receive() == "(nothing)");

  // More lines than one sendmmsg takes, and than the socket queues: the writer blocks, as
  // syslog(3) does, until the daemon has read, and loses nothing.
  std::vector<std::string> texts;
  for (int i = 0; i < 1500; ++i) texts.push_back("line " + std::to_string(i));
  std::vector<Line> many;
  for (const auto& text : texts) many.push_back({Level::Info, text});
  std::thread sender([&] { writer.write(many); });
  std::vector<std::string> received;
  for (int i = 0; i < 100000 && received.size() < texts.size(); ++i) {
    auto message = daemon.receive();
    if (message == "(nothing)") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    received.push_back(std::move(message));
  }
  sender.join();
  REQUIRE(received.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    REQUIRE(std::regex_match(received[i], messagePattern(LOG_DAEMON | LOG_INFO, texts[i])));
  }
}

TEST_CASE("a restarted syslog daemon gets the next lines", "[log]") {
  LogSocket daemon(SOCK_DGRAM);
  SyslogWriter writer("dhcpd", LOG_LOCAL7, daemon.path);
  const std::array before{Line{Level::Info, "before"}};
  writer.write(before);
  CHECK(std::regex_match(daemon.receive(), messagePattern(LOG_LOCAL7 | LOG_INFO, "before")));

  daemon.bind(SOCK_DGRAM);  // the old socket is gone; a new one has the path
  const std::array after{Line{Level::Warning, "after"}};
  writer.write(after);
  CHECK(std::regex_match(daemon.receive(), messagePattern(LOG_LOCAL7 | LOG_WARNING, "after")));
}

TEST_CASE("a stream /dev/log gets NUL-terminated messages", "[log]") {
  LogSocket daemon(SOCK_STREAM);
  SyslogWriter writer("dhcpd", LOG_DAEMON, daemon.path);
  UniqueFd connection(::accept(daemon.fd.get(), nullptr, nullptr));
  REQUIRE(connection);
  const std::vector<Line> lines{{Level::Info, "one"}, {Level::Notice, "two"}};
  writer.write(lines);
  std::string received;
  std::array<char, 4096> buffer{};
  for (int i = 0; i < 100 && std::count(received.begin(), received.end(), '\0') < 2; ++i) {
    const ssize_t size = ::recv(connection.get(), buffer.data(), buffer.size(), 0);
    REQUIRE(size > 0);
    received.append(buffer.data(), size);
  }
  const auto end = received.find('\0');
  REQUIRE(end != std::string::npos);
  CHECK(std::regex_match(received.substr(0, end), messagePattern(LOG_DAEMON | LOG_INFO, "one")));
  CHECK(std::regex_match(received.substr(end + 1, received.size() - end - 2),
                         messagePattern(LOG_DAEMON | LOG_NOTICE, "two")));
  CHECK(received.back() == '\0');
}

TEST_CASE("without a syslog daemon lines are dropped, not queued or blocked on", "[log]") {
  LogSocket daemon(SOCK_DGRAM);
  daemon.fd.reset();
  std::filesystem::remove(daemon.path);
  SyslogWriter writer("dhcpd", LOG_DAEMON, daemon.path);
  const std::array lost{Line{Level::Info, "lost"}};
  writer.write(lost);
  daemon.bind(SOCK_DGRAM);
  CHECK(daemon.receive() == "(nothing)");
}
