#include "dhcpd/trace/trace_format.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "common/bytes.hpp"
#include "common/net/icmp_echo.hpp"
#include "common/net/udp_frame.hpp"

namespace snowboot::dhcpd::trace {

namespace {

constexpr std::uint32_t kMagic = 0x64484370;  // "dHCp"
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kPadding = 8;
// ISC's struct hardware: a length byte (htype included), then 21 bytes, htype first.
constexpr std::size_t kHardwareSize = 22;
constexpr std::uint8_t kEthernet = 1;
constexpr std::size_t kNameSize = 16;  // IFNAMSIZ
constexpr std::size_t kIaddrSize = 20;  // struct iaddr: a length and 16 bytes

constexpr Type kReplayed[] = {Type::Interface,  Type::InPacket,   Type::OutPacket,
                               Type::ReadConf,   Type::ReadLeases, Type::RandomSeed,
                               Type::IcmpInput,  Type::IcmpOutput};

void writeHardware(ByteWriter& out, const std::optional<net::MacAddress>& mac) {
  if (!mac) {
    out.fill(kHardwareSize);
    return;
  }
  out.u8(1 + 6);
  out.u8(kEthernet);
  out.bytes(mac->octets());
  out.fill(kHardwareSize - 2 - 6);
}

std::optional<net::MacAddress> readHardware(std::span<const std::uint8_t> field) {
  // Only Ethernet means anything to the engine; other link types replay without a source MAC.
  if (field[0] != 1 + 6 || field[1] != kEthernet) return std::nullopt;
  return net::MacAddress::fromBytes(field.subspan(2, 6));
}

// struct iaddr as ISC fills it: the length (in the byte order the caller says), the address in
// the first four bytes of the buffer, the rest zero (ISC leaves garbage there).
void writeIaddr(ByteWriter& out, net::Ipv4Address address, bool bigEndianLength) {
  if (bigEndianLength) {
    out.u32(4);
  } else {
    out.bytes(std::array<std::uint8_t, 4>{4, 0, 0, 0});
  }
  out.bytes(address.octets());
  out.fill(12);
}

net::Ipv4Address addressAt(std::span<const std::uint8_t> bytes) {
  return net::Ipv4Address(bytes[0], bytes[1], bytes[2], bytes[3]);
}

std::uint16_t u16At(std::span<const std::uint8_t> bytes) {
  return static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
}

std::uint32_t u32At(std::span<const std::uint8_t> bytes) {
  return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
         std::uint32_t{bytes[2]} << 8 | bytes[3];
}

// In 64 bits: a length near 2^32 must not wrap to a small one on a 32-bit size_t.
std::uint64_t padded(std::uint64_t length) { return (length + kPadding - 1) / kPadding * kPadding; }

// Header, payload, then zeroes up to the next multiple of 8.
void appendRecord(std::vector<std::uint8_t>& out, std::uint32_t index, std::uint32_t when,
                  std::span<const std::uint8_t> payload) {
  const std::size_t start = out.size();
  out.resize(start + kRecordHeaderSize + padded(payload.size()));
  ByteWriter writer(std::span<std::uint8_t>(out).subspan(start));
  writer.u32(index);
  writer.u32(static_cast<std::uint32_t>(payload.size()));
  writer.u32(when);
  writer.u32(0);
  writer.bytes(payload);
}

std::string sizeMismatch(std::string_view what, std::size_t got, std::size_t wanted) {
  return fmt::format("{} record of {} bytes, expected {}", what, got, wanted);
}

}  // namespace

Type typeNamed(std::string_view name) {
  for (Type known : kReplayed) {
    if (nameOf(known) == name) return known;
  }
  return Type::Unknown;
}

std::string_view nameOf(Type type) {
  if (type == Type::Unknown) return {};
  return kTypeNames[static_cast<std::uint32_t>(type) - 1];
}

std::vector<std::uint8_t> encodeFileStart(std::uint32_t when) {
  std::vector<std::uint8_t> out(kFileHeaderSize);
  ByteWriter header(out);
  header.u32(kMagic);
  header.u32(kVersion);
  header.u32(kFileHeaderSize);
  header.u32(kRecordHeaderSize);
  std::uint32_t index = 0;
  for (auto name : kTypeNames) {
    std::vector<std::uint8_t> mapping(4 + name.size());
    ByteWriter payload(mapping);
    payload.u32(++index);
    payload.text(name);
    appendRecord(out, 0, when, mapping);
  }
  return out;
}

std::vector<std::uint8_t> encodeRecord(Type type, std::uint32_t when,
                                       std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out;
  appendRecord(out, static_cast<std::uint32_t>(type), when, payload);
  return out;
}

std::vector<std::uint8_t> encodeFile(std::string_view name, std::string_view contents) {
  std::vector<std::uint8_t> out(name.size() + 1 + contents.size());
  ByteWriter writer(out);
  writer.text(name);
  writer.u8(0);
  writer.text(contents);
  return out;
}

std::expected<FileRecord, std::string> decodeFile(std::span<const std::uint8_t> payload) {
  auto nul = std::find(payload.begin(), payload.end(), std::uint8_t{0});
  if (nul == payload.end()) return std::unexpected("file record without the NUL after its name");
  const auto* text = reinterpret_cast<const char*>(payload.data());
  const auto nameSize = static_cast<std::size_t>(nul - payload.begin());
  return FileRecord{std::string(text, nameSize),
                    std::string_view(text + nameSize + 1, payload.size() - nameSize - 1)};
}

std::vector<std::uint8_t> encodeInterface(const InterfaceRecord& record) {
  std::vector<std::uint8_t> out(kInterfaceSize);
  ByteWriter writer(out);
  writer.bytes(record.address.octets());
  writer.u32(record.index);
  writeHardware(writer, record.mac);
  writer.nulPaddedString(record.name.substr(0, kNameSize - 1), kNameSize);
  writer.fill(2);
  return out;
}

std::expected<InterfaceRecord, std::string> decodeInterface(std::span<const std::uint8_t> payload) {
  if (payload.size() != kInterfaceSize) {
    return std::unexpected(sizeMismatch("interface", payload.size(), kInterfaceSize));
  }
  InterfaceRecord record;
  record.address = addressAt(payload);
  record.index = u32At(payload.subspan(4));
  record.mac = readHardware(payload.subspan(8, kHardwareSize));
  auto name = payload.subspan(30, kNameSize);
  auto end = std::find(name.begin(), name.end(), std::uint8_t{0});
  record.name.assign(name.begin(), end);
  if (record.name.empty()) return std::unexpected("interface record without a name");
  return record;
}

std::vector<std::uint8_t> encodeInPacket(const InPacketRecord& record) {
  std::vector<std::uint8_t> out(kInPacketHeaderSize + record.message.size());
  ByteWriter writer(out);
  writer.u32(record.index);
  writeIaddr(writer, record.source, true);
  writer.u16(record.sourcePort);
  writeHardware(writer, record.sourceMac);
  writer.u8(record.sourceMac ? 1 : 0);
  writer.fill(3);
  writer.bytes(record.message);
  return out;
}

std::expected<InPacketRecord, std::string> decodeInPacket(std::span<const std::uint8_t> payload) {
  if (payload.size() < kInPacketHeaderSize) {
    return std::unexpected(fmt::format("inpacket record of {} bytes, shorter than its {}-byte header",
                                       payload.size(), kInPacketHeaderSize));
  }
  InPacketRecord record;
  record.index = u32At(payload);
  record.source = addressAt(payload.subspan(8));
  record.sourcePort = u16At(payload.subspan(24));
  if (payload[48] != 0) record.sourceMac = readHardware(payload.subspan(26, kHardwareSize));
  record.message = payload.subspan(kInPacketHeaderSize);
  return record;
}

std::vector<std::uint8_t> encodeOutPacket(const OutPacketRecord& record) {
  std::vector<std::uint8_t> out(kOutPacketHeaderSize + record.message.size());
  ByteWriter writer(out);
  writer.u32(record.index);
  writeIaddr(writer, record.from, false);
  writeIaddr(writer, record.to, false);
  writer.u16(record.toPort);
  writeHardware(writer, record.toMac);
  writer.u8(record.toMac ? 1 : 0);
  writer.fill(3);
  writer.bytes(record.message);
  return out;
}

std::expected<OutPacketRecord, std::string> decodeOutPacket(std::span<const std::uint8_t> payload) {
  if (payload.size() < kOutPacketHeaderSize) {
    return std::unexpected(fmt::format(
        "outpacket record of {} bytes, shorter than its {}-byte header", payload.size(),
        kOutPacketHeaderSize));
  }
  OutPacketRecord record;
  record.index = u32At(payload);
  record.from = addressAt(payload.subspan(8));
  record.to = addressAt(payload.subspan(28));
  record.toPort = u16At(payload.subspan(44));
  if (payload[68] != 0) record.toMac = readHardware(payload.subspan(46, kHardwareSize));
  record.message = payload.subspan(kOutPacketHeaderSize);
  return record;
}

std::vector<std::uint8_t> encodeIcmpOutput(const IcmpOutputRecord& record) {
  std::vector<std::uint8_t> out(kIcmpOutputSize);
  ByteWriter writer(out);
  writeIaddr(writer, record.address, false);
  // ISC's struct icmp: the 8-byte header and 20 zero bytes, as sent.
  const std::array<std::uint8_t, kIcmpOutputSize - kIaddrSize - net::kIcmpEchoHeaderSize> zeros{};
  std::array<std::uint8_t, kIcmpOutputSize - kIaddrSize> message{};
  // The buffers are sized for what is written: the emits cannot run out of room.
  writer.bytes(net::emitIcmpEcho(
                   {net::kIcmpEchoRequest, record.identifier, record.sequence, zeros}, message)
                   .value());
  return out;
}

std::expected<IcmpOutputRecord, std::string> decodeIcmpOutput(
    std::span<const std::uint8_t> payload) {
  if (payload.size() != kIcmpOutputSize) {
    return std::unexpected(sizeMismatch("icmp-output", payload.size(), kIcmpOutputSize));
  }
  IcmpOutputRecord record;
  record.address = addressAt(payload.subspan(4));
  record.identifier = u16At(payload.subspan(kIaddrSize + 4));
  record.sequence = u16At(payload.subspan(kIaddrSize + 6));
  return record;
}

std::vector<std::uint8_t> encodeIcmpInput(const IcmpInputRecord& record) {
  constexpr std::size_t kDatagram = net::kIpv4HeaderSize + net::kIcmpEchoHeaderSize;
  std::vector<std::uint8_t> out(kIaddrSize + kDatagram);
  ByteWriter writer(out);
  writeIaddr(writer, record.source, true);
  const std::size_t ipStart = writer.offset();
  writer.u8(0x45);  // version 4, five 32-bit words
  writer.u8(0);
  writer.u16(kDatagram);
  writer.fill(4);   // identification, fragment
  writer.u8(64);
  writer.u8(net::kIpProtocolIcmp);
  writer.u16(0);    // checksum, below
  writer.bytes(record.source.octets());
  writer.fill(4);  // the destination, ours: ISC's readers never look at it
  std::array<std::uint8_t, net::kIcmpEchoHeaderSize> message{};
  writer.bytes(
      net::emitIcmpEcho({net::kIcmpEchoReply, record.identifier, record.sequence, {}}, message)
          .value());
  writer.patchU16(ipStart + 10, net::internetChecksum(
                                    std::span(out).subspan(ipStart, net::kIpv4HeaderSize)));
  return out;
}

std::expected<IcmpInputRecord, std::string> decodeIcmpInput(std::span<const std::uint8_t> payload) {
  if (payload.size() < kIaddrSize) {
    return std::unexpected(fmt::format("icmp-input record of {} bytes, shorter than {}",
                                       payload.size(), kIaddrSize));
  }
  IcmpInputRecord record;
  record.source = addressAt(payload.subspan(4));
  auto datagram = payload.subspan(kIaddrSize);
  if (auto inner = net::icmpInIpv4(datagram); inner && inner->size() >= net::kIcmpEchoHeaderSize) {
    record.identifier = u16At(inner->subspan(4));
    record.sequence = u16At(inner->subspan(6));
  }
  return record;
}

std::expected<Reader, ReadError> Reader::open(std::span<const std::uint8_t> file) {
  if (file.size() < kFileHeaderSize) {
    return std::unexpected(ReadError{0, fmt::format("{} bytes, too short for a trace file header "
                                                    "({} bytes)", file.size(), kFileHeaderSize)});
  }
  if (u32At(file) != kMagic) return std::unexpected(ReadError{0, "not a dhcp trace file"});
  const auto version = u32At(file.subspan(4));
  if (version > kVersion) {
    return std::unexpected(ReadError{4, fmt::format("trace file version {} (this dhcpd reads {})",
                                                    version, kVersion)});
  }
  // ISC writes 16 and 16; other values would make ISC itself read records out of step.
  if (u32At(file.subspan(8)) != kFileHeaderSize || u32At(file.subspan(12)) != kRecordHeaderSize) {
    return std::unexpected(ReadError{8, fmt::format("header and record header sizes {} and {}, "
                                                    "expected {} and {}", u32At(file.subspan(8)),
                                                    u32At(file.subspan(12)), kFileHeaderSize,
                                                    kRecordHeaderSize)});
  }
  return Reader(file);
}

std::expected<std::optional<Record>, ReadError> Reader::next() { return read(offset_); }

std::expected<std::optional<Record>, ReadError> Reader::peek() {
  std::size_t offset = offset_;
  return read(offset);
}

std::expected<std::optional<Record>, ReadError> Reader::read(std::size_t& offset) {
  while (true) {
    if (offset == file_.size()) return std::optional<Record>();
    const std::size_t start = offset;
    if (file_.size() - offset < kRecordHeaderSize) {
      return std::unexpected(ReadError{start, fmt::format("a record header cut short: {} of {} "
                                                          "bytes", file_.size() - offset,
                                                          kRecordHeaderSize)});
    }
    auto header = file_.subspan(offset, kRecordHeaderSize);
    const std::uint32_t index = u32At(header);
    const std::uint32_t length = u32At(header.subspan(4));
    const std::uint32_t when = u32At(header.subspan(8));
    const std::uint64_t stored = padded(length);
    if (file_.size() - offset - kRecordHeaderSize < stored) {
      return std::unexpected(ReadError{start, fmt::format("a record of {} bytes cut short: {} "
                                                          "remain", stored,
                                                          file_.size() - offset - kRecordHeaderSize)});
    }
    auto payload = file_.subspan(offset + kRecordHeaderSize, length);
    offset += kRecordHeaderSize + static_cast<std::size_t>(stored);
    if (index == 0) {
      if (payload.size() < 4) {
        return std::unexpected(ReadError{start, "an index mapping record shorter than 4 bytes"});
      }
      const std::uint32_t mapped = u32At(payload);
      // ISC grows its table as far as the index asks; a sane file numbers its types densely.
      if (mapped == 0 || mapped > 4096) {
        return std::unexpected(ReadError{start, fmt::format("an index mapping for index {}", mapped)});
      }
      if (names_.size() <= mapped) names_.resize(mapped + 1);
      names_[mapped] = std::string_view(reinterpret_cast<const char*>(payload.data()) + 4,
                                        payload.size() - 4);
      continue;
    }
    if (index >= names_.size() || names_[index].empty()) {
      return std::unexpected(ReadError{start, fmt::format("a record of index {}, which no mapping "
                                                          "record names", index)});
    }
    return Record{typeNamed(names_[index]), names_[index], when, payload, start};
  }
}

}  // namespace snowboot::dhcpd::trace
