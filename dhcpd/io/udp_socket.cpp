#include "dhcpd/io/udp_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace snowboot::dhcpd::io {

namespace {

sockaddr_in socketAddress(net::Ipv4Address address, std::uint16_t port) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(port);
  result.sin_addr.s_addr = htonl(address.value());
  return result;
}

}  // namespace

daemon::SystemResult<UdpSocket> UdpSocket::open(std::uint16_t port, net::Ipv4Address local) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return daemon::lastSystemError("create UDP socket");
  UdpSocket socket(fd);
  const int on = 1;
  for (int option : {SO_REUSEADDR, SO_BROADCAST}) {
    if (::setsockopt(fd, SOL_SOCKET, option, &on, sizeof on) != 0) {
      return daemon::lastSystemError("set UDP socket options");
    }
  }
  if (::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0) {
    return daemon::lastSystemError("set IP_PKTINFO");
  }
  auto address = socketAddress(local, port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return daemon::lastSystemError(fmt::format("bind UDP {}:{}", local.toString(), port));
  }
  return socket;
}

daemon::SystemResult<void> UdpSocket::discardIncoming() {
  sock_filter acceptNothing{BPF_RET | BPF_K, 0, 0, 0};
  sock_fprog program{1, &acceptNothing};
  if (::setsockopt(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
    return daemon::lastSystemError("attach a drop-all filter to the UDP socket");
  }
  // Whatever arrived between bind() and the filter.
  std::array<std::uint8_t, 1500> buffer{};
  for (;;) {
    auto received = receive(buffer);
    if (!received) return std::unexpected(received.error());
    if (!*received) return {};
  }
}

daemon::SystemResult<std::optional<UdpSocket::Datagram>> UdpSocket::receive(
    std::span<std::uint8_t> buffer) {
  sockaddr_in from{};
  iovec vector{buffer.data(), buffer.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
  msghdr message{};
  message.msg_name = &from;
  message.msg_namelen = sizeof from;
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  const ssize_t size = ::recvmsg(fd_.get(), &message, 0);
  if (size < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    return daemon::lastSystemError("receive UDP");
  }
  Datagram datagram;
  datagram.payload = buffer.first(static_cast<std::size_t>(size));
  datagram.source = net::Ipv4Address{ntohl(from.sin_addr.s_addr)};
  datagram.sourcePort = ntohs(from.sin_port);
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(header), sizeof info);
      datagram.interfaceIndex = static_cast<unsigned>(info.ipi_ifindex);
      datagram.destination = net::Ipv4Address{ntohl(info.ipi_addr.s_addr)};
    }
  }
  return datagram;
}

daemon::SystemResult<void> UdpSocket::sendTo(std::span<const std::uint8_t> payload,
                                             net::Ipv4Address destination, std::uint16_t port,
                                             unsigned interfaceIndex,
                                             net::Ipv4Address sourceAddress) {
  auto to = socketAddress(destination, port);
  iovec vector{const_cast<std::uint8_t*>(payload.data()), payload.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
  msghdr message{};
  message.msg_name = &to;
  message.msg_namelen = sizeof to;
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  if (interfaceIndex != 0 || !sourceAddress.isAny()) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = IPPROTO_IP;
    header->cmsg_type = IP_PKTINFO;
    header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_ifindex = static_cast<int>(interfaceIndex);
    info.ipi_spec_dst.s_addr = htonl(sourceAddress.value());
    std::memcpy(CMSG_DATA(header), &info, sizeof info);
  }
  if (::sendmsg(fd_.get(), &message, 0) != static_cast<ssize_t>(payload.size())) {
    return daemon::lastSystemError(
        fmt::format("send UDP to {}:{}", destination.toString(), port));
  }
  return {};
}

}  // namespace snowboot::dhcpd::io
