#pragma once
// Where a reply goes (RFC 2131 section 4.1, as ISC dhcpd does it): one pure function, so the
// rules are table-tested and the shell only carries them out.

#include <cstdint>

#include "common/dhcp/message.hpp"
#include "common/net/ipv4.hpp"
#include "common/net/mac.hpp"

namespace snowboot::dhcpd::engine {

inline constexpr std::uint16_t kServerPort = 67;
inline constexpr std::uint16_t kClientPort = 68;

// ISC's raw frames: TTL 128, IP id 0, TOS 0x10 (low delay), as captured from it.
inline constexpr std::uint8_t kRawTimeToLive = 128;
inline constexpr std::uint8_t kRawTypeOfService = 0x10;

struct Destination {
  enum class Via {
    Kernel,  // the UDP socket: relays, clients that have an address (routed, TTL 64)
    Raw,     // an Ethernet frame from the packet socket: clients without an address yet
  };
  Via via = Via::Raw;
  net::Ipv4Address address;
  std::uint16_t port = kClientPort;
  net::MacAddress mac;  // Raw only: chaddr, or ff:ff:ff:ff:ff:ff

  friend bool operator==(const Destination&, const Destination&) = default;
};

// - giaddr set: to the relay, giaddr:67, through the kernel;
// - ciaddr set (and not a NAK): unicast to ciaddr:68 through the kernel;
// - broadcast flag, a NAK, or no address to send to: raw broadcast;
// - otherwise: raw unicast to chaddr at yiaddr.
Destination replyDestination(const dhcp::Message& request, const dhcp::Message& reply);

}  // namespace snowboot::dhcpd::engine
