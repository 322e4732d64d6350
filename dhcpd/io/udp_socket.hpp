#pragma once
// The DHCP server's kernel UDP socket: replies to relays (giaddr), to clients that have an
// address (ciaddr) and to INFORM go through it, as ISC dhcpd sends them. The server reads
// requests from its packet sockets, which see them all, so it tells the kernel to drop what
// arrives here (discardIncoming); test clients use receive().

#include <cstdint>
#include <optional>
#include <span>

#include "common/daemon/system_error.hpp"
#include "common/daemon/unique_fd.hpp"
#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::io {

class UdpSocket {
 public:
  struct Datagram {
    std::span<const std::uint8_t> payload;  // inside the caller's buffer
    net::Ipv4Address source;
    std::uint16_t sourcePort = 0;
    net::Ipv4Address destination;  // the packet's own destination (unicast or broadcast)
    unsigned interfaceIndex = 0;   // where it arrived
  };

  // Binds 0.0.0.0:port (or `local`) with SO_BROADCAST and IP_PKTINFO; non-blocking.
  static daemon::SystemResult<UdpSocket> open(std::uint16_t port,
                                              net::Ipv4Address local = net::Ipv4Address::any());

  int fileDescriptor() const { return fd_.get(); }
  // A socket filter that accepts nothing: the kernel drops each datagram before queueing it, so
  // the bound port costs neither a wake-up nor a read per request.
  daemon::SystemResult<void> discardIncoming();
  // One waiting datagram, or nothing when none waits.
  daemon::SystemResult<std::optional<Datagram>> receive(std::span<std::uint8_t> buffer);
  // Out of `interfaceIndex` (0: as routed) from `sourceAddress` (any: the kernel's choice).
  daemon::SystemResult<void> sendTo(std::span<const std::uint8_t> payload,
                                    net::Ipv4Address destination, std::uint16_t port,
                                    unsigned interfaceIndex = 0,
                                    net::Ipv4Address sourceAddress = net::Ipv4Address::any());

 private:
  explicit UdpSocket(int fd) : fd_(fd) {}
  daemon::UniqueFd fd_;
};

}  // namespace snowboot::dhcpd::io
