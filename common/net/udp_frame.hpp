#pragma once
// Ethernet II + IPv4 + UDP framing, for the DHCP server's raw sends to clients that have no
// address yet and for frames read from a packet socket. DHCP message coding lives elsewhere.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

#include "common/bytes.hpp"
#include "common/net/ipv4.hpp"
#include "common/net/mac.hpp"

namespace snowboot::net {

inline constexpr std::size_t kEthernetHeaderSize = 14;
inline constexpr std::size_t kIpv4HeaderSize = 20;  // without options, as we send
inline constexpr std::size_t kUdpHeaderSize = 8;
inline constexpr std::size_t kUdpFrameOverhead = kEthernetHeaderSize + kIpv4HeaderSize + kUdpHeaderSize;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint8_t kIpProtocolUdp = 17;

struct UdpFrameHeader {
  MacAddress sourceMac;
  MacAddress destinationMac;
  Ipv4Address sourceAddress;
  Ipv4Address destinationAddress;
  std::uint16_t sourcePort = 0;
  std::uint16_t destinationPort = 0;
  std::uint8_t timeToLive = 64;
  std::uint16_t identification = 0;
  std::uint8_t typeOfService = 0;
  bool dontFragment = false;

  friend bool operator==(const UdpFrameHeader&, const UdpFrameHeader&) = default;
};

struct UdpFrame {
  UdpFrameHeader header;
  std::span<const std::uint8_t> payload;  // a view into the parsed buffer
};

enum class FrameErrorCode {
  Truncated,          // shorter than its headers or its own length fields
  NotIpv4,            // EtherType other than 0x0800
  BadIpHeader,        // version is not 4 or header length below 20 bytes
  BadIpChecksum,
  Fragment,           // a fragment: DHCP never needs reassembly, so we do not do it
  NotUdp,
  BadUdpLength,
  BadUdpChecksum,
};

struct FrameError {
  FrameErrorCode code;
  std::size_t offset;  // where in the frame the problem was found

  friend bool operator==(const FrameError&, const FrameError&) = default;
};

std::string_view toString(FrameErrorCode code);

// RFC 1071 one's-complement sum, folded and complemented; `initial` carries a pseudo-header sum.
std::uint16_t internetChecksum(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

// Writes the whole frame into `out` and returns the part written.
BytesResult<std::span<const std::uint8_t>> emitUdpFrame(const UdpFrameHeader& header,
                                                          std::span<const std::uint8_t> payload,
                                                          std::span<std::uint8_t> out);

// Checks every length and both checksums (a zero UDP checksum means "none", RFC 768; a field
// holding only the pseudo-header sum is a locally sent frame whose checksum offload had not run
// yet, and is accepted); Ethernet padding past the IP total length is ignored.
std::expected<UdpFrame, FrameError> parseUdpFrame(std::span<const std::uint8_t> frame);

}  // namespace snowboot::net
