#include "common/net/icmp_echo.hpp"

#include <algorithm>

#include "common/net/udp_frame.hpp"

namespace snowboot::net {

namespace {
constexpr std::size_t kChecksumOffset = 2;
constexpr std::size_t kIpProtocolOffset = 9;
}  // namespace

BytesResult<std::span<const std::uint8_t>> emitIcmpEcho(const IcmpEcho& echo,
                                                        std::span<std::uint8_t> out) {
  ByteWriter writer(out);
  writer.u8(echo.type);
  writer.u8(0);   // code
  writer.u16(0);  // checksum, patched below
  writer.u16(echo.identifier);
  writer.u16(echo.sequence);
  writer.bytes(echo.payload);
  if (!writer.ok()) return writer.result();
  writer.patchU16(kChecksumOffset, internetChecksum(writer.written()));
  return writer.result();
}

std::optional<IcmpEcho> parseIcmpEcho(std::span<const std::uint8_t> message) {
  ByteReader reader(message);
  auto type = reader.u8();
  auto code = reader.u8();
  auto checksum = reader.u16();
  auto identifier = reader.u16();
  auto sequence = reader.u16();
  if (!type || !code || !checksum || !identifier || !sequence) return std::nullopt;
  if (*type != kIcmpEchoReply && *type != kIcmpEchoRequest) return std::nullopt;
  if (*code != 0) return std::nullopt;
  // Summed with its own checksum, an intact message folds to all ones: complemented, zero.
  if (internetChecksum(message) != 0) return std::nullopt;
  return IcmpEcho{*type, *identifier, *sequence, message.subspan(kIcmpEchoHeaderSize)};
}

std::optional<std::span<const std::uint8_t>> icmpInIpv4(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv4HeaderSize || (packet[0] >> 4) != 4) return std::nullopt;
  const std::size_t headerLength = std::size_t{packet[0] & 0x0fu} * 4;
  if (headerLength < kIpv4HeaderSize || headerLength > packet.size()) return std::nullopt;
  if (packet[kIpProtocolOffset] != kIpProtocolIcmp) return std::nullopt;
  return packet.subspan(headerLength);
}

}  // namespace snowboot::net
