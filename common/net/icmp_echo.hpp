#pragma once
// ICMP echo request and reply (RFC 792), as the DHCP server's ping-check sends and reads them:
// the ICMP message only; the kernel adds the IPv4 header on sending. A raw ICMP socket hands
// received messages over with their IPv4 header, a ping socket without it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/bytes.hpp"

namespace snowboot::net {

inline constexpr std::size_t kIcmpEchoHeaderSize = 8;  // type, code, checksum, id, sequence
inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpEchoRequest = 8;
inline constexpr std::uint8_t kIpProtocolIcmp = 1;

struct IcmpEcho {
  std::uint8_t type = kIcmpEchoRequest;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::span<const std::uint8_t> payload;  // a view into the parsed buffer

  friend bool operator==(const IcmpEcho& a, const IcmpEcho& b) {
    return a.type == b.type && a.identifier == b.identifier && a.sequence == b.sequence &&
           std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(), b.payload.end());
  }
};

// Type, code 0, checksum over the whole message, identifier, sequence, payload.
BytesResult<std::span<const std::uint8_t>> emitIcmpEcho(const IcmpEcho& echo,
                                                        std::span<std::uint8_t> out);

// An echo request or reply with a correct checksum; nothing for any other ICMP message or for
// one that is cut short or damaged (the network decides what arrives, so this never fails loud).
std::optional<IcmpEcho> parseIcmpEcho(std::span<const std::uint8_t> message);

// The ICMP message inside an IPv4 packet as a raw socket reads it (header length from IHL);
// nothing when the packet is too short for its own header or is not ICMP.
std::optional<std::span<const std::uint8_t>> icmpInIpv4(std::span<const std::uint8_t> packet);

}  // namespace snowboot::net
