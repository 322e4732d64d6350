#include "dhcpd/io/udp_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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
  const Outgoing one{payload, destination, port, interfaceIndex, sourceAddress};
  daemon::SystemResult<void> result;
  sendAll(std::span(&one, 1),
          [&](std::size_t, const daemon::SystemError& error) { result = std::unexpected(error); });
  return result;
}

void UdpSocket::sendAll(std::span<const Outgoing> datagrams, const SendFailure& failed) {
  constexpr std::size_t kPerCall = 64;
  struct Slot {
    sockaddr_in to;
    iovec vector;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
  };
  std::array<Slot, kPerCall> slots;
  std::array<mmsghdr, kPerCall> messages;
  std::size_t done = 0;
  while (done < datagrams.size()) {
    const std::size_t count = std::min(datagrams.size() - done, kPerCall);
    for (std::size_t i = 0; i < count; ++i) {
      const Outgoing& datagram = datagrams[done + i];
      Slot& slot = slots[i];
      slot.to = socketAddress(datagram.destination, datagram.port);
      slot.vector = iovec{const_cast<std::uint8_t*>(datagram.payload.data()),
                          datagram.payload.size()};
      msghdr& message = messages[i].msg_hdr;
      message = msghdr{};
      message.msg_name = &slot.to;
      message.msg_namelen = sizeof slot.to;
      message.msg_iov = &slot.vector;
      message.msg_iovlen = 1;
      if (datagram.interfaceIndex != 0 || !datagram.sourceAddress.isAny()) {
        std::memset(slot.control, 0, sizeof slot.control);
        message.msg_control = slot.control;
        message.msg_controllen = sizeof slot.control;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = IPPROTO_IP;
        header->cmsg_type = IP_PKTINFO;
        header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_ifindex = static_cast<int>(datagram.interfaceIndex);
        info.ipi_spec_dst.s_addr = htonl(datagram.sourceAddress.value());
        std::memcpy(CMSG_DATA(header), &info, sizeof info);
      }
    }
    const int sent = ::sendmmsg(fd_.get(), messages.data(), static_cast<unsigned>(count), 0);
    if (sent > 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    // The first of this call's datagrams was refused: report it and go on with the next.
    const int code = errno;
    const Outgoing& refused = datagrams[done];
    failed(done, daemon::SystemError{fmt::format("send UDP to {}:{}",
                                                 refused.destination.toString(), refused.port),
                                     code, {}});
    ++done;
  }
}

}  // namespace snowboot::dhcpd::io
