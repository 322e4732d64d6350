#include "common/net/udp_frame.hpp"

#include <bit>
#include <cstring>

namespace snowboot::net {

namespace {

// IPv4 header field offsets (RFC 791).
constexpr std::size_t kIpTotalLength = 2;
constexpr std::size_t kIpChecksum = 10;
constexpr std::uint16_t kIpFlagDontFragment = 0x4000;
constexpr std::uint16_t kIpFlagMoreFragments = 0x2000;
constexpr std::uint16_t kIpFragmentOffsetMask = 0x1fff;
// UDP header field offset (RFC 768).
constexpr std::size_t kUdpChecksum = 6;

// The ones' complement sum of the big-endian 16-bit words, folded to 32 bits. Four bytes at a
// time: a 32-bit word is congruent to the sum of its two halves modulo 0xffff (RFC 1071), and
// every received frame is checked, so this runs over each request once.
std::uint32_t sumWords(std::span<const std::uint8_t> data, std::uint32_t sum) {
  std::uint64_t wide = sum;
  std::size_t i = 0;
  for (; i + 4 <= data.size(); i += 4) {
    std::uint32_t word;
    std::memcpy(&word, data.data() + i, sizeof word);
    if constexpr (std::endian::native == std::endian::little) word = std::byteswap(word);
    wide += word;
  }
  for (; i + 1 < data.size(); i += 2) wide += std::uint32_t{data[i]} << 8 | data[i + 1];
  if (i < data.size()) wide += std::uint32_t{data[i]} << 8;
  while (wide >> 32) wide = (wide & 0xffffffff) + (wide >> 32);
  return static_cast<std::uint32_t>((wide & 0xffff) + (wide >> 16));
}

std::uint32_t pseudoHeaderSum(Ipv4Address source, Ipv4Address destination,
                              std::uint16_t udpLength) {
  return (source.value() >> 16) + (source.value() & 0xffff) + (destination.value() >> 16) +
         (destination.value() & 0xffff) + kIpProtocolUdp + udpLength;
}

// A frame sent by a local socket and read back from a packet socket before the NIC (or veth)
// finished its checksum offload carries only the pseudo-header sum in the checksum field
// (Linux CHECKSUM_PARTIAL). ISC dhcpd accepts those by asking the kernel (PACKET_AUXDATA);
// libpcap does not pass that on, so the field's value itself is recognised.
std::uint16_t foldedSum(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t udpChecksum(Ipv4Address source, Ipv4Address destination,
                          std::span<const std::uint8_t> udpSegment) {
  auto sum = internetChecksum(
      udpSegment, pseudoHeaderSum(source, destination, static_cast<std::uint16_t>(udpSegment.size())));
  // RFC 768: a computed zero is sent as all ones, since zero means "no checksum".
  return sum == 0 ? 0xffff : sum;
}

std::unexpected<FrameError> fail(FrameErrorCode code, std::size_t offset) {
  return std::unexpected(FrameError{code, offset});
}

}  // namespace

std::string_view toString(FrameErrorCode code) {
  switch (code) {
    case FrameErrorCode::Truncated: return "truncated frame";
    case FrameErrorCode::NotIpv4: return "not IPv4";
    case FrameErrorCode::BadIpHeader: return "bad IPv4 header";
    case FrameErrorCode::BadIpChecksum: return "bad IPv4 header checksum";
    case FrameErrorCode::Fragment: return "IPv4 fragment";
    case FrameErrorCode::NotUdp: return "not UDP";
    case FrameErrorCode::BadUdpLength: return "bad UDP length";
    case FrameErrorCode::BadUdpChecksum: return "bad UDP checksum";
  }
  return "unknown frame error";
}

std::uint16_t internetChecksum(std::span<const std::uint8_t> data, std::uint32_t initial) {
  std::uint32_t sum = sumWords(data, initial);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

BytesResult<std::span<const std::uint8_t>> emitUdpFrame(const UdpFrameHeader& header,
                                                          std::span<const std::uint8_t> payload,
                                                          std::span<std::uint8_t> out) {
  const std::size_t udpLength = kUdpHeaderSize + payload.size();
  const std::size_t ipLength = kIpv4HeaderSize + udpLength;
  if (ipLength > 0xffff) {
    return std::unexpected(BytesError{BytesErrorCode::Overflow, 0, kEthernetHeaderSize + ipLength});
  }
  ByteWriter writer(out);
  writer.bytes(header.destinationMac.bytes());
  writer.bytes(header.sourceMac.bytes());
  writer.u16(kEtherTypeIpv4);
  writer.u8(0x45);  // version 4, header length 5 words
  writer.u8(header.typeOfService);
  writer.u16(static_cast<std::uint16_t>(ipLength));
  writer.u16(header.identification);
  writer.u16(header.dontFragment ? kIpFlagDontFragment : 0);
  writer.u8(header.timeToLive);
  writer.u8(kIpProtocolUdp);
  writer.u16(0);  // header checksum, patched below
  writer.u32(header.sourceAddress.value());
  writer.u32(header.destinationAddress.value());
  writer.u16(header.sourcePort);
  writer.u16(header.destinationPort);
  writer.u16(static_cast<std::uint16_t>(udpLength));
  writer.u16(0);  // UDP checksum, patched below
  writer.bytes(payload);
  if (!writer.ok()) return writer.result();

  auto frame = writer.written();
  auto ipHeader = frame.subspan(kEthernetHeaderSize, kIpv4HeaderSize);
  auto udpSegment = frame.subspan(kEthernetHeaderSize + kIpv4HeaderSize);
  writer.patchU16(kEthernetHeaderSize + kIpChecksum, internetChecksum(ipHeader));
  writer.patchU16(kEthernetHeaderSize + kIpv4HeaderSize + kUdpChecksum,
                  udpChecksum(header.sourceAddress, header.destinationAddress, udpSegment));
  return writer.result();
}

std::expected<UdpFrame, FrameError> parseUdpFrame(std::span<const std::uint8_t> frame) {
  UdpFrame parsed;
  auto& h = parsed.header;
  ByteReader ethernet(frame);
  auto destination = ethernet.bytes(6);
  auto source = ethernet.bytes(6);
  auto etherType = ethernet.u16();
  if (!destination || !source || !etherType) return fail(FrameErrorCode::Truncated, 0);
  if (*etherType != kEtherTypeIpv4) return fail(FrameErrorCode::NotIpv4, 12);
  h.destinationMac = *MacAddress::fromBytes(*destination);
  h.sourceMac = *MacAddress::fromBytes(*source);

  const auto ipStart = kEthernetHeaderSize;
  auto afterEthernet = frame.subspan(ipStart);
  ByteReader ip(afterEthernet);
  auto versionAndLength = ip.u8();
  if (!versionAndLength) return fail(FrameErrorCode::Truncated, ipStart);
  const std::size_t ipHeaderSize = std::size_t{*versionAndLength & 0x0fu} * 4;
  if ((*versionAndLength >> 4) != 4 || ipHeaderSize < kIpv4HeaderSize) {
    return fail(FrameErrorCode::BadIpHeader, ipStart);
  }
  auto tos = ip.u8();
  auto totalLength = ip.u16();
  auto identification = ip.u16();
  auto flagsAndOffset = ip.u16();
  auto ttl = ip.u8();
  auto protocol = ip.u8();
  auto checksum = ip.u16();
  auto sourceAddress = ip.u32();
  auto destinationAddress = ip.u32();
  if (!destinationAddress || afterEthernet.size() < ipHeaderSize) {
    return fail(FrameErrorCode::Truncated, ipStart);
  }
  (void)checksum;
  if (*totalLength < ipHeaderSize || *totalLength > afterEthernet.size()) {
    return fail(FrameErrorCode::Truncated, ipStart + kIpTotalLength);
  }
  if (internetChecksum(afterEthernet.first(ipHeaderSize)) != 0) {
    return fail(FrameErrorCode::BadIpChecksum, ipStart + kIpChecksum);
  }
  if ((*flagsAndOffset & kIpFlagMoreFragments) || (*flagsAndOffset & kIpFragmentOffsetMask)) {
    return fail(FrameErrorCode::Fragment, ipStart + 6);
  }
  if (*protocol != kIpProtocolUdp) return fail(FrameErrorCode::NotUdp, ipStart + 9);
  h.typeOfService = *tos;
  h.identification = *identification;
  h.dontFragment = (*flagsAndOffset & kIpFlagDontFragment) != 0;
  h.timeToLive = *ttl;
  h.sourceAddress = Ipv4Address{*sourceAddress};
  h.destinationAddress = Ipv4Address{*destinationAddress};

  const auto udpStart = ipStart + ipHeaderSize;
  auto udpSegment = afterEthernet.subspan(ipHeaderSize, *totalLength - ipHeaderSize);
  ByteReader udp(udpSegment);
  auto sourcePort = udp.u16();
  auto destinationPort = udp.u16();
  auto udpLength = udp.u16();
  auto udpChecksumField = udp.u16();
  if (!udpChecksumField) return fail(FrameErrorCode::Truncated, udpStart);
  if (*udpLength < kUdpHeaderSize || *udpLength > udpSegment.size()) {
    return fail(FrameErrorCode::BadUdpLength, udpStart + 4);
  }
  udpSegment = udpSegment.first(*udpLength);
  const auto pseudoHeader = pseudoHeaderSum(h.sourceAddress, h.destinationAddress, *udpLength);
  if (*udpChecksumField != 0 && internetChecksum(udpSegment, pseudoHeader) != 0 &&
      *udpChecksumField != foldedSum(pseudoHeader)) {
    return fail(FrameErrorCode::BadUdpChecksum, udpStart + kUdpChecksum);
  }
  h.sourcePort = *sourcePort;
  h.destinationPort = *destinationPort;
  parsed.payload = udpSegment.subspan(kUdpHeaderSize);
  return parsed;
}

}  // namespace snowboot::net
