#include "common/dhcp/message.hpp"

#include <algorithm>

#include "common/bytes.hpp"

namespace snowboot::dhcp {

namespace {

// Field offsets (RFC 2131 figure 1).
constexpr std::size_t kOffsetHlen = 2;
constexpr std::size_t kOffsetSname = 44;
constexpr std::size_t kOffsetFile = 108;
constexpr std::size_t kOffsetOptions = kFixedFieldsSize + 4;  // after the magic cookie

constexpr std::uint8_t kOverloadFile = 1;
constexpr std::uint8_t kOverloadServerName = 2;

std::string fieldText(std::span<const std::uint8_t> field) {
  auto end = std::find(field.begin(), field.end(), std::uint8_t{0});
  return std::string(field.begin(), end);
}

// Reads one option area (RFC 2131 section 4.1) into `options`; returns the overload value if
// this area carries option 52 and may (only the options field may).
std::expected<std::uint8_t, DecodeError> decodeArea(std::span<const std::uint8_t> area,
                                                    std::size_t areaOffset, bool mayOverload,
                                                    OptionList& options) {
  std::uint8_t overload = 0;
  std::size_t i = 0;
  while (i < area.size()) {
    const std::uint8_t code = area[i];
    if (code == option::kPad) {
      ++i;
      continue;
    }
    if (code == option::kEnd) break;
    if (i + 1 >= area.size() || i + 2 + area[i + 1] > area.size()) {
      return std::unexpected(DecodeError{DecodeErrorCode::TruncatedOption, areaOffset + i, code});
    }
    auto data = area.subspan(i + 2, area[i + 1]);
    if (code == option::kOverload) {
      if (data.size() != 1 || data[0] < 1 || data[0] > 3) {
        return std::unexpected(DecodeError{DecodeErrorCode::BadOverload, areaOffset + i, code});
      }
      // Only meaningful in the options field; elsewhere it is ignored, as ISC does.
      if (mayOverload) overload = data[0];
    } else {
      options.append(code, data);
    }
    i += 2 + data.size();
  }
  return overload;
}

// One piece of an option on the wire: at most 255 bytes of its data.
struct Chunk {
  std::uint8_t code;
  std::span<const std::uint8_t> data;
  std::size_t size() const { return 2 + data.size(); }
};

std::vector<Chunk> chunksOf(const OptionList& options) {
  std::vector<Chunk> chunks;
  for (const auto& entry : options.entries()) {
    std::span<const std::uint8_t> rest = entry.data;
    do {
      auto piece = rest.first(std::min<std::size_t>(rest.size(), 255));
      chunks.push_back({entry.code, piece});
      rest = rest.subspan(piece.size());
    } while (!rest.empty());
  }
  return chunks;
}

// Where each chunk goes when the options field alone is too small.
struct Area {
  std::size_t capacity;  // bytes for chunks, the End option excluded
  std::vector<Chunk> chunks;
  std::size_t used = 0;
};

void writeChunks(ByteWriter& writer, const std::vector<Chunk>& chunks) {
  for (const auto& chunk : chunks) {
    writer.u8(chunk.code);
    writer.u8(static_cast<std::uint8_t>(chunk.data.size()));
    writer.bytes(chunk.data);
  }
}

// Lays chunks out over the areas in order. A chunk that does not fit where the cursor is goes
// whole to the next area when it fits there, else it is split (RFC 3396 allows any split).
bool layOut(const std::vector<Chunk>& chunks, std::vector<Area>& areas) {
  std::size_t current = 0;
  for (Chunk chunk : chunks) {
    for (;;) {
      if (current == areas.size()) return false;
      Area& area = areas[current];
      const std::size_t room = area.capacity - area.used;
      if (chunk.size() <= room) {
        area.chunks.push_back(chunk);
        area.used += chunk.size();
        break;
      }
      const bool fitsWholeInNext =
          current + 1 < areas.size() && chunk.size() <= areas[current + 1].capacity;
      if (!fitsWholeInNext && room > 2) {
        auto head = chunk.data.first(room - 2);
        area.chunks.push_back({chunk.code, head});
        area.used += 2 + head.size();
        chunk.data = chunk.data.subspan(head.size());
      }
      ++current;
    }
  }
  return true;
}

// The entry for `code` in a const or mutable list of options.
template <class Entries>
auto positionOf(Entries& entries, std::uint8_t code) {
  return std::find_if(entries.begin(), entries.end(),
                      [code](const Option& entry) { return entry.code == code; });
}

void writeTextField(ByteWriter& writer, const std::string& text, std::size_t fieldSize) {
  writer.text(text);
  writer.fill(fieldSize - text.size());
}

}  // namespace

std::string_view toString(MessageType type) {
  switch (type) {
    case MessageType::Discover: return "DHCPDISCOVER";
    case MessageType::Offer: return "DHCPOFFER";
    case MessageType::Request: return "DHCPREQUEST";
    case MessageType::Decline: return "DHCPDECLINE";
    case MessageType::Ack: return "DHCPACK";
    case MessageType::Nak: return "DHCPNAK";
    case MessageType::Release: return "DHCPRELEASE";
    case MessageType::Inform: return "DHCPINFORM";
  }
  return "DHCP?";
}

std::string_view toString(DecodeErrorCode code) {
  switch (code) {
    case DecodeErrorCode::TooShort: return "shorter than a BOOTP header";
    case DecodeErrorCode::BadHardwareLength: return "hardware address length above 16";
    case DecodeErrorCode::TruncatedOption: return "option runs past the end of its area";
    case DecodeErrorCode::BadOverload: return "malformed option overload";
  }
  return "malformed message";
}

std::string_view toString(EncodeErrorCode code) {
  switch (code) {
    case EncodeErrorCode::DoesNotFit: return "options do not fit the client's maximum size";
    case EncodeErrorCode::BufferTooSmall: return "output buffer too small";
    case EncodeErrorCode::FieldTooLong: return "server name or file name too long";
  }
  return "cannot encode";
}

const Option* OptionList::find(std::uint8_t code) const {
  auto found = positionOf(entries_, code);
  return found == entries_.end() ? nullptr : &*found;
}

void OptionList::set(std::uint8_t code, std::vector<std::uint8_t> data) {
  auto found = positionOf(entries_, code);
  if (found != entries_.end()) {
    found->data = std::move(data);
  } else {
    entries_.push_back({code, std::move(data)});
  }
}

void OptionList::append(std::uint8_t code, std::span<const std::uint8_t> data) {
  auto found = positionOf(entries_, code);
  if (found != entries_.end()) {
    found->data.insert(found->data.end(), data.begin(), data.end());
  } else {
    entries_.push_back({code, std::vector<std::uint8_t>(data.begin(), data.end())});
  }
}

void OptionList::remove(std::uint8_t code) {
  std::erase_if(entries_, [code](const Option& entry) { return entry.code == code; });
}

std::optional<MessageType> Message::messageType() const {
  const Option* type = options.find(option::kMessageType);
  if (type == nullptr || type->data.size() != 1) return std::nullopt;
  const auto value = type->data[0];
  if (value < 1 || value > 8) return std::nullopt;
  return static_cast<MessageType>(value);
}

std::span<const std::uint8_t> Message::hardwareAddress() const {
  return std::span(chaddr).first(std::min<std::size_t>(hlen, kClientHardwareSize));
}

std::optional<net::MacAddress> Message::ethernetAddress() const {
  if (htype != 1 || hlen != 6) return std::nullopt;
  return net::MacAddress::fromBytes(hardwareAddress());
}

std::expected<Message, DecodeError> decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kFixedFieldsSize) {
    return std::unexpected(DecodeError{DecodeErrorCode::TooShort, bytes.size()});
  }
  Message message;
  ByteReader reader(bytes);
  // The size check above covers every fixed field, so these reads cannot fail.
  message.op = *reader.u8();
  message.htype = *reader.u8();
  message.hlen = *reader.u8();
  message.hops = *reader.u8();
  message.xid = *reader.u32();
  message.secs = *reader.u16();
  message.flags = *reader.u16();
  message.ciaddr = net::Ipv4Address{*reader.u32()};
  message.yiaddr = net::Ipv4Address{*reader.u32()};
  message.siaddr = net::Ipv4Address{*reader.u32()};
  message.giaddr = net::Ipv4Address{*reader.u32()};
  auto chaddr = *reader.bytes(kClientHardwareSize);
  std::copy(chaddr.begin(), chaddr.end(), message.chaddr.begin());
  auto sname = *reader.bytes(kServerNameSize);
  auto file = *reader.bytes(kBootFileSize);
  if (message.hlen > kClientHardwareSize) {
    return std::unexpected(DecodeError{DecodeErrorCode::BadHardwareLength, kOffsetHlen});
  }

  auto cookie = reader.u32();
  message.hasMagicCookie = cookie && *cookie == kMagicCookie;
  std::uint8_t overload = 0;
  if (message.hasMagicCookie) {
    auto found = decodeArea(reader.rest(), kOffsetOptions, true, message.options);
    if (!found) return std::unexpected(found.error());
    overload = *found;
  }
  // RFC 2131 section 4.1: after the options field, file, then sname.
  if (overload & kOverloadFile) {
    auto found = decodeArea(file, kOffsetFile, false, message.options);
    if (!found) return std::unexpected(found.error());
  } else {
    message.file = fieldText(file);
  }
  if (overload & kOverloadServerName) {
    auto found = decodeArea(sname, kOffsetSname, false, message.options);
    if (!found) return std::unexpected(found.error());
  } else {
    message.sname = fieldText(sname);
  }
  return message;
}

std::expected<std::span<const std::uint8_t>, EncodeErrorCode> encode(const Message& message,
                                                                     EncodeLimits limits,
                                                                     std::span<std::uint8_t> out) {
  if (message.sname.size() > kServerNameSize || message.file.size() > kBootFileSize) {
    return std::unexpected(EncodeErrorCode::FieldTooLong);
  }
  // Every client accepts 576 bytes (RFC 2131 section 2), whatever its option 57 says.
  const std::size_t maxMessageSize = std::max(limits.maxMessageSize, kMinimumMaxMessageSize);
  const std::size_t optionsFieldSize = maxMessageSize - kIpUdpOverhead - kOffsetOptions;

  const auto chunks = chunksOf(message.options);
  std::size_t needed = 0;
  for (const auto& chunk : chunks) needed += chunk.size();

  // Areas in order: the options field, then file and sname where they are free.
  std::vector<Area> areas;
  std::uint8_t overload = 0;
  if (needed + 1 <= optionsFieldSize) {
    areas.push_back({optionsFieldSize - 1, {}, 0});
  } else {
    areas.push_back({optionsFieldSize - 1 - 3, {}, 0});  // room for option 52
    if (message.file.empty()) areas.push_back({kBootFileSize - 1, {}, 0});
    if (message.sname.empty()) areas.push_back({kServerNameSize - 1, {}, 0});
  }
  if (!layOut(chunks, areas)) return std::unexpected(EncodeErrorCode::DoesNotFit);
  std::size_t areaIndex = 1;
  const Area* fileArea = nullptr;
  const Area* snameArea = nullptr;
  if (areas.size() > 1 && message.file.empty()) {
    fileArea = &areas[areaIndex++];
    if (!fileArea->chunks.empty()) overload |= kOverloadFile;
  }
  if (areas.size() > areaIndex && message.sname.empty()) {
    snameArea = &areas[areaIndex];
    if (!snameArea->chunks.empty()) overload |= kOverloadServerName;
  }

  ByteWriter writer(out);
  writer.u8(message.op);
  writer.u8(message.htype);
  writer.u8(message.hlen);
  writer.u8(message.hops);
  writer.u32(message.xid);
  writer.u16(message.secs);
  writer.u16(message.flags);
  writer.u32(message.ciaddr.value());
  writer.u32(message.yiaddr.value());
  writer.u32(message.siaddr.value());
  writer.u32(message.giaddr.value());
  writer.bytes(message.chaddr);
  auto writeOverflowArea = [&](const Area* area, const std::string& text, std::size_t size) {
    if (area == nullptr || area->chunks.empty()) {
      writeTextField(writer, text, size);
      return;
    }
    const auto start = writer.offset();
    writeChunks(writer, area->chunks);
    writer.u8(option::kEnd);
    writer.fill(size - (writer.offset() - start));
  };
  writeOverflowArea(snameArea, message.sname, kServerNameSize);
  writeOverflowArea(fileArea, message.file, kBootFileSize);

  const bool withCookie = message.hasMagicCookie || !message.options.empty();
  if (withCookie) {
    writer.u32(kMagicCookie);
    auto mainChunks = areas.front().chunks;
    if (overload != 0) {
      // Right after the message type when that leads, as clients look for it first.
      const std::size_t at = !mainChunks.empty() && mainChunks.front().code ==
                                                        option::kMessageType ? 1 : 0;
      writeChunks(writer, std::vector<Chunk>(mainChunks.begin(), mainChunks.begin() + at));
      writer.u8(option::kOverload);
      writer.u8(1);
      writer.u8(overload);
      writeChunks(writer, std::vector<Chunk>(mainChunks.begin() + at, mainChunks.end()));
    } else {
      writeChunks(writer, mainChunks);
    }
    writer.u8(option::kEnd);
  }
  if (writer.offset() < limits.minimumSize) writer.fill(limits.minimumSize - writer.offset());
  auto written = writer.result();
  if (!written) return std::unexpected(EncodeErrorCode::BufferTooSmall);
  return *written;
}

}  // namespace snowboot::dhcp
