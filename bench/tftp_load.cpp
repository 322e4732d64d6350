// tftp_load: a TFTP read-load generator for the benchmarks. It runs many concurrent RRQ
// transfers (one UDP socket each, as real clients do) on one event loop, checks every byte
// against the file it expects, and reports the time taken; with --watch-pid it also reports the
// server's CPU time and peak resident memory over the run (the process and all its children,
// so a forking tftpd-hpa is measured whole).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "common/tftp/packet.hpp"

namespace asio = boost::asio;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;
namespace tftp = snowboot::tftp;

namespace {

struct Settings {
  udp::endpoint server;
  std::string filename;
  std::size_t blockSize = 0;   // 0: do not ask
  std::size_t windowSize = 0;  // 0: do not ask
  bool askTsize = false;
  std::chrono::milliseconds timeout{1000};
  int maxRetries = 5;
};

struct Totals {
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> failures;  // the first few reasons
};

class Transfer : public std::enable_shared_from_this<Transfer> {
 public:
  using Done = std::function<void(bool ok, const std::string& reason, std::uint64_t bytes)>;

  Transfer(asio::io_context& io, const Settings& settings, std::span<const std::uint8_t> expected,
           Done done)
      : settings_(settings), expected_(expected), socket_(io), timer_(io), done_(std::move(done)) {}

  void start() {
    socket_.open(udp::v4());
    socket_.bind(udp::endpoint(udp::v4(), 0));
    tftp::Request request{tftp::Opcode::Rrq, settings_.filename, "octet", {}};
    if (settings_.blockSize) request.options.push_back({"blksize", std::to_string(settings_.blockSize)});
    if (settings_.askTsize) request.options.push_back({"tsize", "0"});
    if (settings_.windowSize) {
      request.options.push_back({"windowsize", std::to_string(settings_.windowSize)});
    }
    auto emitted = tftp::emit(request, buffer_);
    request_.assign(emitted->begin(), emitted->end());
    sendTo(request_, settings_.server);
    receive();
    arm();
  }

 private:
  void receive() {
    auto self = shared_from_this();
    socket_.async_receive_from(asio::buffer(buffer_), from_,
                               [self](boost::system::error_code error, std::size_t size) {
                                 if (error || self->finished_) return;
                                 self->onDatagram(std::span(self->buffer_).first(size));
                                 if (!self->finished_) self->receive();
                               });
  }

  void arm() {
    timer_.expires_after(settings_.timeout);
    auto self = shared_from_this();
    timer_.async_wait([self](boost::system::error_code error) {
      if (error || self->finished_) return;
      if (++self->retries_ > self->settings_.maxRetries) return self->finish(false, "timeout");
      if (!self->peer_) {
        self->sendTo(self->request_, self->settings_.server);
      } else {
        self->ack(self->lastInOrderBlock());
      }
      self->arm();
    });
  }

  void onDatagram(std::span<const std::uint8_t> datagram) {
    if (!peer_) {
      peer_ = from_;
    } else if (from_ != *peer_) {
      return;  // not our server's TID
    }
    auto view = tftp::PacketView::check(datagram);
    if (!view) return finish(false, fmt::format("malformed packet: {}", tftp::toString(view.error().code)));
    switch (view->opcode()) {
      case tftp::Opcode::Oack: return onOptionAck(datagram);
      case tftp::Opcode::Data: return onData(view->block(), view->payload());
      case tftp::Opcode::Error: {
        auto parsed = tftp::parse(datagram);
        auto* error = parsed ? std::get_if<tftp::ErrorPacket>(&*parsed) : nullptr;
        return finish(false, error ? fmt::format("ERROR {} {}", error->code, error->message)
                                   : std::string("malformed ERROR"));
      }
      default: return finish(false, "unexpected opcode");
    }
  }

  void onOptionAck(std::span<const std::uint8_t> datagram) {
    if (received_ != 0) return;  // a duplicate OACK: our ACK 0 is on its way or was lost
    auto parsed = tftp::parse(datagram);
    auto* oack = parsed ? std::get_if<tftp::OptionAck>(&*parsed) : nullptr;
    if (!oack) return finish(false, "malformed OACK");
    if (auto* option = tftp::findOption(oack->options, "blksize")) {
      blockSize_ = std::stoul(option->value);
    }
    if (auto* option = tftp::findOption(oack->options, "windowsize")) {
      window_ = std::stoul(option->value);
    }
    retries_ = 0;
    ack(0);
    arm();
  }

  void onData(std::uint16_t block, std::span<const std::uint8_t> payload) {
    const auto expectedBlock = static_cast<std::uint16_t>(blocksInOrder_ + 1);
    if (block != expectedBlock) {
      // A gap (RFC 7440): ask once for a resend from the first missing block.
      if (gapAckedAt_ != blocksInOrder_) {
        gapAckedAt_ = blocksInOrder_;
        ack(lastInOrderBlock());
      }
      return;
    }
    if (payload.size() > blockSize_ || received_ + payload.size() > expected_.size() ||
        !std::equal(payload.begin(), payload.end(), expected_.begin() + static_cast<std::ptrdiff_t>(received_))) {
      return finish(false, fmt::format("wrong data in block {}", blocksInOrder_ + 1));
    }
    ++blocksInOrder_;
    received_ += payload.size();
    retries_ = 0;
    gapAckedAt_.reset();
    const bool last = payload.size() < blockSize_;
    if (last || ++sinceAck_ >= window_) {
      sinceAck_ = 0;
      ack(block);
    }
    if (last) {
      if (received_ != expected_.size()) return finish(false, "short file");
      return finish(true, {}, received_);
    }
    arm();
  }

  std::uint16_t lastInOrderBlock() const { return static_cast<std::uint16_t>(blocksInOrder_); }

  void ack(std::uint16_t block) {
    std::array<std::uint8_t, 4> packet{0, 4, static_cast<std::uint8_t>(block >> 8),
                                       static_cast<std::uint8_t>(block)};
    sendTo(packet, *peer_);
  }

  void sendTo(std::span<const std::uint8_t> datagram, const udp::endpoint& to) {
    boost::system::error_code ignored;  // a lost datagram is what retransmission is for
    socket_.send_to(asio::buffer(datagram.data(), datagram.size()), to, 0, ignored);
  }

  void finish(bool ok, const std::string& reason, std::uint64_t bytes = 0) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    done_(ok, reason, bytes);
  }

  const Settings& settings_;
  std::span<const std::uint8_t> expected_;
  udp::socket socket_;
  asio::steady_timer timer_;
  Done done_;
  std::array<std::uint8_t, tftp::kMaxPacketSize + 4> buffer_{};
  std::vector<std::uint8_t> request_;
  udp::endpoint from_;
  std::optional<udp::endpoint> peer_;
  std::size_t blockSize_ = tftp::kDefaultBlockSize;
  std::size_t window_ = 1;
  std::uint64_t blocksInOrder_ = 0;  // never wraps, unlike the wire's block number
  std::uint64_t received_ = 0;
  std::size_t sinceAck_ = 0;
  std::optional<std::uint64_t> gapAckedAt_;
  int retries_ = 0;
  bool finished_ = false;
};

// CPU time and resident memory of a server and all its descendants, sampled from /proc. A
// forking server's children are reaped without wait() accounting (tftpd-hpa ignores SIGCHLD),
// so each thread's run time (schedstat, in ns: clock ticks are too coarse for a child that
// lives 5 ms) is remembered as last seen; what a child spends after the last sample before it
// exits is missed, which flatters forking servers slightly, never ours.
class ProcessTreeWatch {
 public:
  explicit ProcessTreeWatch(pid_t root) : root_(root) {}

  // Walks the tree once; returns the resident bytes summed over it.
  std::uint64_t sample() {
    std::uint64_t resident = 0;
    std::deque<pid_t> pending{root_};
    while (!pending.empty()) {
      const pid_t pid = pending.front();
      pending.pop_front();
      std::ifstream statm(fmt::format("/proc/{}/statm", pid));
      std::uint64_t size = 0, pages = 0;
      if (statm >> size >> pages) resident += pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
      std::error_code error;
      for (const auto& task :
           std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), error)) {
        std::ifstream schedstat(task.path() / "schedstat");
        std::uint64_t runNanoseconds = 0;
        if (schedstat >> runNanoseconds) {
          auto& seen = runNanoseconds_[task.path().filename().string()];
          seen = std::max(seen, runNanoseconds);
        }
        std::ifstream children(task.path() / "children");
        pid_t child;
        while (children >> child) pending.push_back(child);
      }
    }
    return resident;
  }

  double cpuSeconds() const {
    std::uint64_t total = 0;
    for (const auto& [task, used] : runNanoseconds_) total += used;
    return static_cast<double>(total) / 1e9;
  }

 private:
  pid_t root_;
  std::map<std::string, std::uint64_t> runNanoseconds_;  // by thread id
};

std::vector<std::uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  Settings settings;
  std::string host, expectPath;
  std::uint16_t port = 69;
  std::size_t count = 1, concurrency = 1;
  int timeoutMs = 1000;
  pid_t watchPid = 0;
  po::options_description options("tftp_load options");
  options.add_options()
      ("help,h", "show this help")
      ("server", po::value(&host)->default_value("127.0.0.1"), "server IPv4 address")
      ("port", po::value(&port)->default_value(69), "server port")
      ("file", po::value(&settings.filename)->required(), "file name to request")
      ("expect", po::value(&expectPath)->required(), "local copy every transfer must match")
      ("blksize", po::value(&settings.blockSize)->default_value(0), "ask for this block size")
      ("windowsize", po::value(&settings.windowSize)->default_value(0), "ask for this window")
      ("tsize", po::bool_switch(&settings.askTsize), "ask for tsize")
      ("count", po::value(&count)->default_value(1), "transfers in all")
      ("concurrency", po::value(&concurrency)->default_value(1), "transfers at once")
      ("timeout-ms", po::value(&timeoutMs)->default_value(1000), "retransmit after this")
      ("retries", po::value(&settings.maxRetries)->default_value(5), "give up after this many")
      ("watch-pid", po::value(&watchPid)->default_value(0), "report this server's CPU and peak RSS");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(args);
  } catch (const po::error& error) {
    std::cerr << "tftp_load: " << error.what() << "\n";
    return 2;
  }
  std::vector<std::uint8_t> expected;
  try {
    expected = readFile(expectPath);
  } catch (const std::exception& error) {
    std::cerr << "tftp_load: " << error.what() << "\n";
    return 2;
  }
  settings.server = udp::endpoint(asio::ip::make_address_v4(host), port);
  settings.timeout = std::chrono::milliseconds(timeoutMs);

  asio::io_context io;
  Totals totals;
  std::size_t started = 0;
  std::function<void()> startNext = [&] {
    if (started >= count) return;
    ++started;
    auto transfer = std::make_shared<Transfer>(
        io, settings, expected, [&](bool ok, const std::string& reason, std::uint64_t bytes) {
          if (ok) {
            ++totals.succeeded;
            totals.bytes += bytes;
          } else {
            ++totals.failed;
            if (totals.failures.size() < 5) totals.failures.push_back(reason);
          }
          asio::post(io, startNext);
        });
    transfer->start();
  };

  std::optional<ProcessTreeWatch> watch;
  double cpuBefore = 0;
  std::uint64_t peakResident = 0;
  asio::steady_timer sampler(io);
  std::function<void()> sample = [&] {
    peakResident = std::max(peakResident, watch->sample());
    if (totals.succeeded + totals.failed == count) return;
    sampler.expires_after(std::chrono::milliseconds(10));
    sampler.async_wait([&](boost::system::error_code error) { if (!error) sample(); });
  };
  if (watchPid > 0) {
    watch.emplace(watchPid);
    watch->sample();
    cpuBefore = watch->cpuSeconds();
    sample();
  }

  const auto begin = Clock::now();
  for (std::size_t i = 0; i < std::min(concurrency, count); ++i) startNext();
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();

  fmt::print("transfers={} ok={} failed={} bytes={} seconds={:.3f} MiB/s={:.1f}", count,
             totals.succeeded, totals.failed, totals.bytes, seconds,
             static_cast<double>(totals.bytes) / (1024.0 * 1024.0) / seconds);
  if (watch) {
    watch->sample();
    fmt::print(" server_cpu_s={:.2f} server_peak_rss_kib={}", watch->cpuSeconds() - cpuBefore,
               peakResident / 1024);
  }
  fmt::print("\n");
  for (const auto& reason : totals.failures) fmt::print(stderr, "tftp_load: failed: {}\n", reason);
  return totals.failed == 0 ? 0 : 1;
}
