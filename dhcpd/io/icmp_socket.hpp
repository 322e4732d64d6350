#pragma once
// The DHCP server's ping-check socket: sends ICMP echo requests to addresses about to be
// offered and reads the echo replies. A raw ICMP socket as ISC dhcpd uses (root or
// CAP_NET_RAW), filtered in the kernel to echo replies; without that privilege, an unprivileged
// ping socket where net.ipv4.ping_group_range allows it.

#include <cstdint>
#include <optional>

#include "common/daemon/system_error.hpp"
#include "common/daemon/unique_fd.hpp"
#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::io {

class IcmpSocket {
 public:
  enum class Kind { Raw, Ping };
  struct EchoReply {
    net::Ipv4Address source;
    std::uint16_t identifier = 0;
    std::uint16_t sequence = 0;
  };

  // Non-blocking; echoes carry `identifier` (a ping socket's kernel puts its own instead, and
  // hands this socket only the replies that carry it).
  static daemon::SystemResult<IcmpSocket> open(std::uint16_t identifier);

  Kind kind() const { return kind_; }
  int fileDescriptor() const { return fd_.get(); }
  std::uint16_t identifier() const { return identifier_; }
  // Whether a reply is to one of ours: a raw socket sees every echo reply on the host.
  bool ours(const EchoReply& reply) const {
    return kind_ == Kind::Ping || reply.identifier == identifier_;
  }
  // One echo request as ISC sends it: 8 header bytes and 20 zero bytes.
  daemon::SystemResult<void> sendEcho(net::Ipv4Address destination, std::uint16_t sequence);
  // The next waiting echo reply; other and damaged ICMP messages are read and skipped. Nothing
  // when none waits.
  daemon::SystemResult<std::optional<EchoReply>> receive();

 private:
  IcmpSocket(int fd, Kind kind, std::uint16_t identifier)
      : fd_(fd), kind_(kind), identifier_(identifier) {}
  daemon::UniqueFd fd_;
  Kind kind_;
  std::uint16_t identifier_;
};

}  // namespace snowboot::dhcpd::io
