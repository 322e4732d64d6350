#include "tftpd/server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include <boost/asio/post.hpp>

namespace snowboot::tftpd {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t kReceiveBufferSize = 65536 + 16;
constexpr int kDatagramsPerWake = 64;
constexpr std::size_t kReadAhead = 16 * 1024;  // fairness between the listener and the transfers

// Reads ahead in chunks of several blocks: one read(2) serves many DATA packets. The chunk is
// small enough that thousands of transfers stay within a few tens of MiB.
class FdSource : public FileSource {
 public:
  FdSource(FileHandle file, std::size_t chunk) : file_(std::move(file)), buffer_(chunk) {}
  std::expected<std::size_t, int> read(std::span<std::uint8_t> out) override {
    if (at_ == filled_ && out.size() < buffer_.size()) {
      auto n = readSome(buffer_);
      if (!n) return n;
      at_ = 0;
      filled_ = *n;
    }
    if (at_ < filled_) {
      const std::size_t n = std::min(out.size(), filled_ - at_);
      std::memcpy(out.data(), buffer_.data() + at_, n);
      at_ += n;
      return n;
    }
    return readSome(out);  // a request as large as the chunk goes straight to the caller
  }

 private:
  std::expected<std::size_t, int> readSome(std::span<std::uint8_t> out) {
    for (;;) {
      const ssize_t n = ::read(file_.get(), out.data(), out.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return std::unexpected(errno);
    }
  }

  FileHandle file_;
  std::vector<std::uint8_t> buffer_;
  std::size_t at_ = 0;
  std::size_t filled_ = 0;
};

class FdSink : public FileSink {
 public:
  explicit FdSink(FileHandle file) : file_(std::move(file)) {}
  std::expected<void, int> write(std::span<const std::uint8_t> data) override {
    while (!data.empty()) {
      const ssize_t n = ::write(file_.get(), data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return std::unexpected(errno);
      }
      data = data.subspan(static_cast<std::size_t>(n));
    }
    return {};
  }
  std::expected<void, int> finish() override {
    if (::close(file_.release()) != 0) return std::unexpected(errno);
    return {};
  }

 private:
  FileHandle file_;
};

// Names come from the network: keep the log one printable line.
std::string printable(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02X}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string addressText(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

struct Server::Listener {
  explicit Listener(asio::io_context& io) : socket(io) {}
  udp::socket socket;
  bool v6 = false;
};

struct Server::Transfer {
  explicit Transfer(asio::io_context& io) : socket(io), timer(io) {}
  udp::socket socket;
  asio::steady_timer timer;
  std::optional<TimePoint> timerAt;  // when the outstanding wait fires, if one is outstanding
  std::unique_ptr<Session> session;
  std::string client;
  std::string name;
  bool done = false;
};

Server::Server(asio::io_context& io, const log::Logger& logger, const PathResolver& resolver,
               ServerConfig config)
    : io_(io),
      logger_(logger),
      resolver_(resolver),
      config_(std::move(config)),
      receiveBuffer_(kReceiveBufferSize),
      idleTimer_(io) {
  portCursor_ = std::random_device{}();
  armIdle();
}

Server::~Server() { stop(); }

void Server::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  idleTimer_.cancel(ignored);
  for (auto& listener : listeners_) listener->socket.close(ignored);
  auto transfers = std::move(transfers_);
  for (auto& [raw, transfer] : transfers) {
    transfer->done = true;
    transfer->timer.cancel(ignored);
    transfer->socket.close(ignored);
  }
}

void Server::armIdle() {
  if (!config_.idleExit || stopped_) return;
  idleTimer_.expires_after(*config_.idleExit);
  idleTimer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    if (!transfers_.empty()) {
      armIdle();  // inetd mode waits for running transfers before it exits
      return;
    }
    logger_.debug("no request for {} seconds, exiting", config_.idleExit->count());
    stop();
    io_.stop();  // the signal handlers would keep the loop alive
  });
}

void Server::addListener(int fd) {
  auto listener = std::make_unique<Listener>(io_);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  listener->v6 = address.ss_family == AF_INET6;
  const int on = 1;
  if (listener->v6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    // A dual-stack socket (inetd's, say) also tells us the v4 destination.
    ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    listener->socket.assign(udp::v6(), fd);
  } else {
    ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    listener->socket.assign(udp::v4(), fd);
  }
  listener->socket.non_blocking(true);
  waitListener(*listener);
  listeners_.push_back(std::move(listener));
}

void Server::waitListener(Listener& listener) {
  listener.socket.async_wait(udp::socket::wait_read,
                             [this, &listener](const boost::system::error_code& error) {
                               if (error || stopped_) return;
                               drainListener(listener);
                               waitListener(listener);
                             });
}

void Server::drainListener(Listener& listener) {
  for (int i = 0; i < kDatagramsPerWake && !stopped_; ++i) {
    sockaddr_storage from{};
    iovec io{receiveBuffer_.data(), receiveBuffer_.size()};
    alignas(cmsghdr) std::array<char, 256> control{};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const ssize_t n = ::recvmsg(listener.socket.native_handle(), &message, MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        logger_.error("recvfrom: {}", std::strerror(errno));
      }
      return;
    }
    std::optional<asio::ip::address> local;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        local = asio::ip::address_v4(ntohl(info.ipi_addr.s_addr));
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        asio::ip::address_v6::bytes_type bytes;
        std::memcpy(bytes.data(), &info.ipi6_addr, bytes.size());
        local = asio::ip::address_v6(bytes);
      }
    }
    udp::endpoint client;
    if (from.ss_family == AF_INET) {
      sockaddr_in sin{};
      std::memcpy(&sin, &from, sizeof sin);
      client = udp::endpoint(asio::ip::address_v4(ntohl(sin.sin_addr.s_addr)), ntohs(sin.sin_port));
    } else if (from.ss_family == AF_INET6) {
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, &from, sizeof sin6);
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
      client = udp::endpoint(asio::ip::address_v6(bytes, sin6.sin6_scope_id), ntohs(sin6.sin6_port));
    } else {
      continue;
    }
    // A v4 client on a dual-stack socket: answer from the v6 form of our address.
    if (local && listener.v6 && local->is_v4()) {
      local = asio::ip::make_address_v6(asio::ip::v4_mapped, local->to_v4());
    }
    if (local && local->is_unspecified()) local.reset();
    armIdle();
    handleRequest(std::span<const std::uint8_t>(receiveBuffer_.data(), static_cast<std::size_t>(n)),
                  client, local);
  }
}

std::optional<udp::socket> Server::openTransferSocket(const udp::endpoint& client,
                                                      const std::optional<asio::ip::address>& local) {
  udp::socket socket(io_);
  boost::system::error_code error;
  socket.open(client.protocol(), error);
  if (error) {
    logger_.error("socket: {}", error.message());
    return std::nullopt;
  }
  asio::ip::address bindAddress = local ? *local
                                        : (client.address().is_v6()
                                               ? asio::ip::address(asio::ip::address_v6::any())
                                               : asio::ip::address(asio::ip::address_v4::any()));
  if (config_.portRange) {
    const auto [from, to] = *config_.portRange;
    const std::uint32_t count = static_cast<std::uint32_t>(to - from) + 1;
    bool bound = false;
    for (std::uint32_t attempt = 0; attempt < count && !bound; ++attempt) {
      const auto port = static_cast<std::uint16_t>(from + (portCursor_++ % count));
      socket.bind(udp::endpoint(bindAddress, port), error);
      bound = !error;
    }
    if (!bound) {
      logger_.error("bind: no free port in {}:{}", from, to);
      return std::nullopt;
    }
  } else {
    socket.bind(udp::endpoint(bindAddress, 0), error);
    if (error) {
      logger_.error("bind: {}", error.message());
      return std::nullopt;
    }
  }
  socket.connect(client, error);
  if (error) {
    logger_.error("connect: {}", error.message());
    return std::nullopt;
  }
  socket.non_blocking(true);
  return socket;
}

void Server::nak(udp::socket& socket, const udp::endpoint& client, tftp::ErrorCode code,
                 const std::string& message) {
  if (config_.verbosity >= 2) {
    logger_.info("sending NAK ({}, {}) to {}", static_cast<int>(code), message,
                 addressText(client.address()));
  }
  tftp::Packet packet = tftp::ErrorPacket{static_cast<std::uint16_t>(code), message};
  std::vector<std::uint8_t> bytes(tftp::bufferLength(packet));
  (void)tftp::emit(packet, bytes);
  boost::system::error_code ignored;
  socket.send(asio::buffer(bytes), 0, ignored);
}

void Server::handleRequest(std::span<const std::uint8_t> datagram, const udp::endpoint& client,
                           const std::optional<asio::ip::address>& local) {
  auto view = tftp::PacketView::check(datagram);
  if (!view || (view->opcode() != tftp::Opcode::Rrq && view->opcode() != tftp::Opcode::Wrq)) {
    return;  // only requests start a transfer; tftpd-hpa drops the rest silently
  }
  auto socket = openTransferSocket(client, local);
  if (!socket) return;
  auto parsed = tftp::parse(datagram);
  if (!parsed) {
    const auto code = parsed.error().code;
    // tftpd-hpa reads an empty name as the end of the request: "Missing mode".
    const bool missingMode = code == tftp::PacketErrorCode::EmptyMode ||
                             code == tftp::PacketErrorCode::EmptyFilename;
    nak(*socket, client, tftp::ErrorCode::IllegalOperation,
        missingMode ? "Missing mode" : "Request not null-terminated");
    return;
  }
  auto request = std::get<tftp::Request>(*parsed);
  const bool read = request.opcode == tftp::Opcode::Rrq;
  if (!tftp::equalsIgnoreCase(request.mode, "octet") &&
      !tftp::equalsIgnoreCase(request.mode, "netascii")) {
    nak(*socket, client, tftp::ErrorCode::IllegalOperation, "Unknown mode");
    return;
  }
  const std::string clientText = addressText(client.address());
  std::string name = request.filename;
  if (remapper_) {
    auto mapped = remapper_(RemapRequest{request.filename, read, client.address()});
    if (!mapped) {
      nak(*socket, client, tftp::ErrorCode::AccessViolation, mapped.error());
      return;
    }
    name = std::move(*mapped);
  }
  if (config_.verbosity >= 1) {
    if (name == request.filename) {
      logger_.notice("{} from {} filename {}", read ? "RRQ" : "WRQ", clientText, printable(name));
    } else {
      logger_.notice("{} from {} filename {} remapped to {}", read ? "RRQ" : "WRQ", clientText,
                     printable(request.filename), printable(name));
    }
  }
  auto opened = resolver_.open(name, read ? Access::Read : Access::Write);
  if (!opened && opened.error().silent) {
    logger_.debug("{} from {}: {} is locked by another transfer, request dropped",
                  read ? "RRQ" : "WRQ", clientText, printable(name));
    return;
  }
  if (!opened) {
    nak(*socket, client, opened.error().code, opened.error().message);
    return;
  }
  if (opened->droppedJunk && junkLogged_.size() < 4096 && junkLogged_.insert(clientText).second) {
    logger_.warning("{} from {}: no file {}, serving {} (junk bytes at the end of the name "
                    "dropped; logged once per client)",
                    read ? "RRQ" : "WRQ", clientText, printable(name), printable(opened->name));
  }
  auto transfer = std::make_shared<Transfer>(io_);
  transfer->socket = std::move(*socket);
  transfer->client = clientText;
  transfer->name = opened->name;
  const auto now = Clock::now();
  if (read) {
    transfer->session = Session::startRead(
        request,
        std::make_unique<FdSource>(std::move(opened->file),
                                   std::min<std::size_t>(opened->size + 1, kReadAhead)),
        opened->size,
        config_.limits, now);
  } else {
    transfer->session = Session::startWrite(
        request, std::make_unique<FdSink>(std::move(opened->file)), config_.limits, now);
  }
  transfers_.emplace(transfer.get(), transfer);
  start(transfer);
}

void Server::start(std::shared_ptr<Transfer> transfer) {
  afterStep(transfer);
  if (!transfer->done) waitPacket(transfer);
}

void Server::flush(Transfer& transfer) {
  const auto& outbox = transfer.session->outbox();
  if (outbox.empty()) return;
  if (outbox.size() == 1) {
    const ssize_t sent = ::send(transfer.socket.native_handle(), outbox[0].data(),
                                outbox[0].size(), MSG_DONTWAIT);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS &&
        errno != EINTR) {
      logger_.warning("tftpd: write: {}", std::strerror(errno));
      finish(transfer);
    }
    return;
  }
  // One system call for the whole window.
  std::array<mmsghdr, 64> messages{};
  std::array<iovec, 64> vectors{};
  std::size_t at = 0;
  while (at < outbox.size()) {
    const std::size_t count = std::min(outbox.size() - at, messages.size());
    for (std::size_t i = 0; i < count; ++i) {
      vectors[i] = iovec{const_cast<std::uint8_t*>(outbox[at + i].data()), outbox[at + i].size()};
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(transfer.socket.native_handle(), messages.data(),
                                static_cast<unsigned>(count), MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      // A full socket buffer drops the rest; the retransmission timer covers it.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
        logger_.warning("tftpd: write: {}", std::strerror(errno));
        finish(transfer);
      }
      return;
    }
    at += static_cast<std::size_t>(sent);
  }
}

void Server::afterStep(std::shared_ptr<Transfer> transfer) {
  if (transfer->done) return;
  flush(*transfer);
  if (transfer->done) return;
  if (transfer->session->finished()) {
    finish(*transfer);
    return;
  }
  armTimer(transfer);
}

void Server::armTimer(std::shared_ptr<Transfer> transfer) {
  const auto deadline = transfer->session->deadline();
  if (!deadline) return;
  // Keep one wait outstanding; move it only when the deadline comes earlier than it.
  if (transfer->timerAt && *transfer->timerAt <= *deadline) return;
  transfer->timerAt = *deadline;
  transfer->timer.expires_at(*deadline);
  transfer->timer.async_wait([this, transfer](const boost::system::error_code& error) {
    if (error || transfer->done) return;
    transfer->timerAt.reset();
    const auto now = Clock::now();
    const auto due = transfer->session->deadline();
    if (due && now >= *due) transfer->session->onTimeout(now);
    afterStep(transfer);
  });
}

void Server::waitPacket(std::shared_ptr<Transfer> transfer) {
  transfer->socket.async_wait(udp::socket::wait_read, [this, transfer](
                                                          const boost::system::error_code& error) {
    if (error || transfer->done) return;
    for (int i = 0; i < kDatagramsPerWake && !transfer->done; ++i) {
      boost::system::error_code receiveError;
      const std::size_t n =
          transfer->socket.receive(asio::buffer(receiveBuffer_), 0, receiveError);
      if (receiveError == asio::error::would_block) break;
      if (receiveError) {
        // ECONNREFUSED: the client's port is gone (ICMP unreachable); the transfer is over.
        logger_.debug("transfer of {} to {}: {}", transfer->name, transfer->client,
                      receiveError.message());
        finish(*transfer);
        return;
      }
      transfer->session->onPacket(std::span<const std::uint8_t>(receiveBuffer_.data(), n),
                                  Clock::now());
      afterStep(transfer);
    }
    if (!transfer->done) waitPacket(transfer);
  });
}

void Server::finish(Transfer& transfer) {
  if (transfer.done) return;
  transfer.done = true;
  const auto& session = *transfer.session;
  switch (session.outcome()) {
    case Outcome::Completed:
    case Outcome::Running:
      logger_.debug("{} {} {}: {} bytes", session.isRead() ? "sent" : "received", transfer.name,
                    transfer.client, session.bytes());
      break;
    case Outcome::PeerError:
      // A firmware size probe (ERROR 8 after our OACK) is routine, not worth a warning.
      logger_.debug("{} aborted transfer of {}: {}", transfer.client, transfer.name,
                    session.detail());
      break;
    case Outcome::TimedOut:
      logger_.info("timeout sending {} to {}", transfer.name, transfer.client);
      break;
    case Outcome::LocalError:
    case Outcome::ProtocolError:
      if (config_.verbosity >= 2) {
        logger_.info("sending NAK ({}) to {}", session.detail(), transfer.client);
      }
      break;
  }
  boost::system::error_code ignored;
  transfer.timer.cancel(ignored);
  transfer.socket.close(ignored);
  transfers_.erase(&transfer);
}

}  // namespace snowboot::tftpd
