// tftp_load: a small TFTP load generator on snowboot's codec, for bench/run. One thread, one
// epoll, `--concurrency` transfers in flight until `--count` are done. Each transfer reads a
// file with the given blksize and windowsize, acknowledges like a well-behaved client
// (RFC 7440: last block of each window, or at once on a gap) and retransmits its last packet
// after --timeout-ms. Prints one line: transfers, failures, bytes, seconds, MB/s.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/tftp/packet.hpp"

using namespace snowboot::tftp;
using Clock = std::chrono::steady_clock;

namespace {

struct Config {
  std::string server = "127.0.0.1";
  std::uint16_t port = 69;
  std::string file;
  int count = 1;
  int concurrency = 1;
  std::size_t blksize = 512;
  std::size_t windowsize = 1;
  long long expectSize = -1;
  int timeoutMs = 1000;
  int retries = 6;
};

struct Transfer {
  int fd = -1;
  sockaddr_in peer{};  // the server's TID once known
  bool havePeer = false;
  std::size_t blksize = 512;
  std::size_t window = 1;
  std::uint16_t expected = 1;
  std::size_t inWindow = 0;
  std::uint64_t bytes = 0;
  std::vector<std::uint8_t> last;  // the last packet sent, for retransmission
  Clock::time_point lastActivity;
  int retries = 0;
};

std::vector<std::uint8_t> encode(const Packet& packet) {
  std::vector<std::uint8_t> bytes(bufferLength(packet));
  (void)emit(packet, bytes);
  return bytes;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: tftp_load --port P --file NAME [--server ADDR] [--count N] "
               "[--concurrency C] [--blksize B] [--windowsize W] [--expect-size BYTES] "
               "[--timeout-ms MS]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage();
    const std::string value = argv[++i];
    if (arg == "--server") config.server = value;
    else if (arg == "--port") config.port = static_cast<std::uint16_t>(std::stoi(value));
    else if (arg == "--file") config.file = value;
    else if (arg == "--count") config.count = std::stoi(value);
    else if (arg == "--concurrency") config.concurrency = std::stoi(value);
    else if (arg == "--blksize") config.blksize = std::stoul(value);
    else if (arg == "--windowsize") config.windowsize = std::stoul(value);
    else if (arg == "--expect-size") config.expectSize = std::stoll(value);
    else if (arg == "--timeout-ms") config.timeoutMs = std::stoi(value);
    else usage();
  }
  if (config.file.empty()) usage();
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(config.port);
  if (::inet_pton(AF_INET, config.server.c_str(), &server.sin_addr) != 1) usage();

  std::vector<Option> options;
  if (config.blksize != 512) options.push_back({"blksize", std::to_string(config.blksize)});
  if (config.windowsize > 1) options.push_back({"windowsize", std::to_string(config.windowsize)});
  const auto request = encode(Request{Opcode::Rrq, config.file, "octet", options});

  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  std::unordered_map<int, Transfer> active;
  int started = 0, succeeded = 0, failed = 0;
  std::uint64_t totalBytes = 0;
  constexpr std::size_t kSlot = 65536 + 16;
  std::vector<std::uint8_t> buffer(32 * kSlot);
  const auto begin = Clock::now();

  auto send = [](Transfer& t, const sockaddr_in& to, std::vector<std::uint8_t> bytes) {
    t.last = std::move(bytes);
    ::sendto(t.fd, t.last.data(), t.last.size(), 0, reinterpret_cast<const sockaddr*>(&to),
             sizeof to);
    t.lastActivity = Clock::now();
  };
  auto finish = [&](int fd, bool ok) {
    auto& t = active.at(fd);
    if (ok && config.expectSize >= 0 && t.bytes != static_cast<std::uint64_t>(config.expectSize)) {
      ok = false;
    }
    ok ? ++succeeded : ++failed;
    totalBytes += t.bytes;
    ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    active.erase(fd);
  };
  auto startOne = [&] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    const int size = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    Transfer& t = active[fd];
    t.fd = fd;
    t.blksize = 512;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    send(t, server, request);
    ++started;
  };

  while (succeeded + failed < config.count) {
    while (static_cast<int>(active.size()) < config.concurrency && started < config.count) {
      startOne();
    }
    epoll_event events[256];
    const int n = ::epoll_wait(epoll, events, 256, 50);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      auto found = active.find(fd);
      if (found == active.end()) continue;
      Transfer* t = &found->second;
      bool more = true;
      while (more) {
        // A window arrives as a burst: take up to 32 datagrams per system call.
        constexpr unsigned kBatch = 32;
        mmsghdr messages[kBatch]{};
        iovec vectors[kBatch];
        sockaddr_in froms[kBatch];
        for (unsigned k = 0; k < kBatch; ++k) {
          vectors[k] = iovec{buffer.data() + k * kSlot, kSlot};
          messages[k].msg_hdr.msg_iov = &vectors[k];
          messages[k].msg_hdr.msg_iovlen = 1;
          messages[k].msg_hdr.msg_name = &froms[k];
          messages[k].msg_hdr.msg_namelen = sizeof froms[k];
        }
        const int got = ::recvmmsg(fd, messages, kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) break;
        more = got == static_cast<int>(kBatch);
        for (int k = 0; k < got && t != nullptr; ++k) {
          const sockaddr_in& from = froms[k];
          if (!t->havePeer) {
            t->peer = from;
            t->havePeer = true;
          } else if (from.sin_port != t->peer.sin_port) {
            continue;  // not our server's TID
          }
          t->retries = 0;
          t->lastActivity = Clock::now();
          auto view = PacketView::check({buffer.data() + k * kSlot, messages[k].msg_len});
          if (!view) continue;
          if (view->opcode() == Opcode::Oack) {
            auto parsed = parse(view->bytes());
            if (!parsed) continue;
            const auto& acked = std::get<OptionAck>(*parsed).options;
            if (const auto* o = findOption(acked, "blksize")) t->blksize = std::stoul(o->value);
            if (const auto* o = findOption(acked, "windowsize")) t->window = std::stoul(o->value);
            send(*t, t->peer, encode(Ack{0}));
          } else if (view->opcode() == Opcode::Data) {
            if (view->block() != t->expected) {
              // A gap or a repeat: acknowledge what arrived in order.
              const auto previous = static_cast<std::uint16_t>(t->expected - 1);
              if (t->inWindow != 0 || view->block() == previous) {
                send(*t, t->peer, encode(Ack{previous}));
                t->inWindow = 0;
              }
              continue;
            }
            const auto size = view->payload().size();
            t->bytes += size;
            ++t->expected;  // wraps to 0, as the servers' default rollover does
            ++t->inWindow;
            const bool final = size < t->blksize;
            if (final || t->inWindow >= t->window) {
              send(*t, t->peer, encode(Ack{view->block()}));
              t->inWindow = 0;
            }
            if (final) {
              finish(fd, true);
              t = nullptr;
            }
          } else if (view->opcode() == Opcode::Error) {
            finish(fd, false);
            t = nullptr;
          }
        }
        if (t == nullptr) break;
      }
    }
    // Retransmissions.
    const auto now = Clock::now();
    std::vector<int> expired;
    for (auto& [fd, t] : active) {
      if (now - t.lastActivity < std::chrono::milliseconds(config.timeoutMs)) continue;
      if (++t.retries > config.retries) {
        expired.push_back(fd);
        continue;
      }
      send(t, t.havePeer ? t.peer : server, t.last);
    }
    for (const int fd : expired) finish(fd, false);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  std::printf("transfers=%d ok=%d failed=%d bytes=%llu seconds=%.3f MBps=%.1f\n", config.count,
              succeeded, failed, static_cast<unsigned long long>(totalBytes), seconds,
              static_cast<double>(totalBytes) / 1e6 / seconds);
  return failed == 0 ? 0 : 1;
}
