#include "dhcpd/io/icmp_socket.hpp"

#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "common/net/icmp_echo.hpp"

namespace snowboot::dhcpd::io {

namespace {
// ISC sends a whole `struct icmp`: the 8-byte header and 20 bytes of zeros.
constexpr std::size_t kEchoPayload = 20;
}  // namespace

daemon::SystemResult<IcmpSocket> IcmpSocket::open(std::uint16_t identifier) {
  int fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd >= 0) {
    IcmpSocket socket(fd, Kind::Raw, identifier);
    // Only echo replies reach us, not every unreachable and redirect the host sees.
    icmp_filter filter{~(1u << ICMP_ECHOREPLY)};
    if (::setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0) {
      return daemon::lastSystemError("set ICMP_FILTER on the raw ICMP socket");
    }
    return socket;
  }
  if (errno != EPERM && errno != EACCES) return daemon::lastSystemError("create raw ICMP socket");
  fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0) {
    return daemon::lastSystemError(
        "create ICMP socket (raw needs CAP_NET_RAW; ping sockets need net.ipv4.ping_group_range)");
  }
  return IcmpSocket(fd, Kind::Ping, identifier);
}

daemon::SystemResult<void> IcmpSocket::sendEcho(net::Ipv4Address destination,
                                                std::uint16_t sequence) {
  const std::array<std::uint8_t, kEchoPayload> zeros{};
  std::array<std::uint8_t, net::kIcmpEchoHeaderSize + kEchoPayload> buffer{};
  auto message = net::emitIcmpEcho({net::kIcmpEchoRequest, identifier_, sequence, zeros}, buffer);
  if (!message) return std::unexpected(daemon::SystemError{"build ICMP echo", 0, "no room"});
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(destination.value());
  const ssize_t sent = ::sendto(fd_.get(), message->data(), message->size(), 0,
                                reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (sent < 0) return daemon::lastSystemError("send ICMP echo to " + destination.toString());
  return {};
}

daemon::SystemResult<std::optional<IcmpSocket::EchoReply>> IcmpSocket::receive() {
  std::array<std::uint8_t, 1500> buffer{};
  for (;;) {
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const ssize_t size = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), 0,
                                    reinterpret_cast<sockaddr*>(&from), &length);
    if (size < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
      if (errno == EINTR) continue;
      return daemon::lastSystemError("receive ICMP");
    }
    std::span<const std::uint8_t> packet(buffer.data(), static_cast<std::size_t>(size));
    std::optional<std::span<const std::uint8_t>> message = packet;
    if (kind_ == Kind::Raw) message = net::icmpInIpv4(packet);
    if (!message) continue;
    auto echo = net::parseIcmpEcho(*message);
    if (!echo || echo->type != net::kIcmpEchoReply) continue;
    return EchoReply{net::Ipv4Address(ntohl(from.sin_addr.s_addr)), echo->identifier,
                     echo->sequence};
  }
}

}  // namespace snowboot::dhcpd::io
