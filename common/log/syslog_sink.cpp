#include "common/log/syslog_sink.hpp"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace snowboot::log {
namespace {

constexpr std::size_t kMessagesPerCall = 64;
constexpr auto kReconnectSpacing = std::chrono::seconds(1);

iovec bytes(std::string_view text) {
  return iovec{const_cast<char*>(text.data()), text.size()};
}

// getpid() would be a system call per batch; our pid only changes in a child of fork().
std::atomic<unsigned> forks{0};

unsigned forkGeneration() {
  static const bool registered = [] {
    ::pthread_atfork(nullptr, nullptr, [] { forks.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)registered;
  return forks.load(std::memory_order_relaxed);
}

}  // namespace

SyslogWriter::SyslogWriter(std::string ident, int facility, std::string path)
    : ident_(std::move(ident)), path_(std::move(path)) {
  for (auto level : {Level::Debug, Level::Info, Level::Notice, Level::Warning, Level::Error}) {
    priorities_[static_cast<std::size_t>(level)] =
        fmt::format("<{}>", facility | syslogPriority(level));
  }
  headerForks_ = forkGeneration();
  headerPid_ = ::getpid();
  // At once, as openlog(LOG_NDELAY): a daemon that chroots afterwards keeps its socket.
  if (!connect()) nextAttempt_ = std::chrono::steady_clock::now() + kReconnectSpacing;
}

std::string SyslogWriter::header(std::tm local, std::string_view ident, int pid) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{} {:>2} {:02}:{:02}:{:02} {}[{}]: ", kMonths.at(local.tm_mon % 12),
                     local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec, ident, pid);
}

std::string_view SyslogWriter::currentHeader() {
  const std::time_t now = std::time(nullptr);
  const unsigned generation = forkGeneration();
  if (generation != headerForks_) {
    headerForks_ = generation;
    headerPid_ = ::getpid();
    headerSecond_ = -1;
  }
  const int pid = headerPid_;
  if (now != headerSecond_) {
    std::tm local{};
    ::localtime_r(&now, &local);
    header_ = header(local, ident_, pid);
    headerSecond_ = now;
  }
  return header_;
}

bool SyslogWriter::connect() {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path_.data(), path_.size());
  for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
    daemon::UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (!fd) return false;
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      fd_ = std::move(fd);
      stream_ = type == SOCK_STREAM;
      return true;
    }
    if (errno != EPROTOTYPE) return false;  // a stream socket answers a datagram with EPROTOTYPE
  }
  return false;
}

Sink syslogSink(std::string ident, int facility) {
  auto writer = std::make_shared<SyslogWriter>(std::move(ident), facility);
  return [writer](std::span<const Line> lines) { writer->write(lines); };
}

void SyslogWriter::write(std::span<const Line> lines) {
  if (lines.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  if (!fd_) {
    if (now < nextAttempt_) return;  // no syslog daemon a moment ago: dropped, as syslog(3) does
    if (!connect()) {
      nextAttempt_ = now + kReconnectSpacing;
      return;
    }
  }
  if (send(lines)) return;
  // The daemon went away (a restart, a rotated socket): reconnect and try once more.
  fd_.reset();
  if (!connect() || !send(lines)) {
    fd_.reset();
    nextAttempt_ = now + kReconnectSpacing;
  }
}

bool SyslogWriter::send(std::span<const Line>& lines) {
  const std::string_view header = currentHeader();
  auto priorityOf = [&](const Line& line) -> std::string_view {
    return priorities_[static_cast<std::size_t>(line.level)];
  };
  if (stream_) {
    // A stream socket: each message ends with a NUL, as syslog(3) sends it.
    std::string text;
    for (const auto& line : lines) {
      text += priorityOf(line);
      text += header;
      text += line.text;
      text += '\0';
    }
    lines = {};  // a stream either takes the rest or fails as a whole: no resend of a part
    std::string_view rest = text;
    while (!rest.empty()) {
      const ssize_t sent = ::send(fd_.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }
  std::array<std::array<iovec, 3>, kMessagesPerCall> vectors;
  std::array<mmsghdr, kMessagesPerCall> messages;
  while (!lines.empty()) {
    const std::size_t count = std::min(lines.size(), kMessagesPerCall);
    for (std::size_t i = 0; i < count; ++i) {
      vectors[i] = {bytes(priorityOf(lines[i])), bytes(header), bytes(lines[i].text)};
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_iov = vectors[i].data();
      messages[i].msg_hdr.msg_iovlen = vectors[i].size();
    }
    const int sent = ::sendmmsg(fd_.get(), messages.data(), static_cast<unsigned>(count),
                                MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EMSGSIZE) {  // one line longer than the daemon takes: that line is lost
        lines = lines.subspan(1);
        continue;
      }
      return false;
    }
    lines = lines.subspan(static_cast<std::size_t>(sent));
  }
  return true;
}

}  // namespace snowboot::log
