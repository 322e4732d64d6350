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

// ISC's store_options over one scratch buffer: the options field (after the cookie), then the
// file field, then the sname field when they may be overloaded. Offsets are relative to the
// buffer; a cutoff of 0 means that field is not available.
class IscStore {
 public:
  // Room enough for ISC's relay agent area (1024 bytes) and for the largest options field with
  // file and sname overloaded. On the stack: a vector here was two allocations per reply, one
  // of them big enough to make glibc consolidate its free lists each time.
  static constexpr std::size_t kCapacity =
      std::max<std::size_t>(1024, kMaximumOptionsField + kBootFileSize + kServerNameSize);

  IscStore(std::size_t size, std::size_t firstCutoff, std::size_t secondCutoff)
      : buflen_(std::min(size, kCapacity)), firstCutoff_(firstCutoff),
        secondCutoff_(secondCutoff) {
    std::fill_n(buffer_.begin(), buflen_, option::kPad);
    bufend_ = sbufend_ = buflen_;
    if (firstCutoff_ != 0) {
      bufend_ = firstCutoff_;
      if (secondCutoff_ != 0) sbufend_ = secondCutoff_;
    } else if (secondCutoff_ != 0) {
      bufend_ = secondCutoff_;
    }
  }

  // Stores one option (or none of it); `final` is ISC's "last in the priority list".
  bool store(std::uint8_t code, std::span<const std::uint8_t> data, bool final) {
    std::size_t length = data.size();
    bool splitUp = length > 255;
    const std::size_t optStart = bufix_, sOptStart = six_, tOptStart = tix_;
    std::size_t done = 0;
    do {
      std::size_t increment = length;
      std::size_t* index = nullptr;
      std::size_t base = 0;
      if (!splitUp && ((six_ == 0 && tix_ == 0 && final && bufix_ + 2 + length < bufend_) ||
                       bufix_ + 5 + length < bufend_)) {
        index = &bufix_;
      } else if (!splitUp && firstCutoff_ != 0 &&
                 firstCutoff_ + six_ + 3 + length < sbufend_) {
        index = &six_;
        base = firstCutoff_;
      } else if (!splitUp && secondCutoff_ != 0 &&
                 secondCutoff_ + tix_ + 3 + length < buflen_) {
        index = &tix_;
        base = secondCutoff_;
      } else {
        splitUp = true;
        if (bufix_ + 6 < bufend_) {
          increment = bufend_ - bufix_ - 5;
          index = &bufix_;
        } else if (firstCutoff_ != 0 && firstCutoff_ + six_ + 4 < sbufend_) {
          increment = sbufend_ - (firstCutoff_ + six_) - 3;
          index = &six_;
          base = firstCutoff_;
        } else if (secondCutoff_ != 0 && secondCutoff_ + tix_ + 4 < buflen_) {
          increment = buflen_ - (secondCutoff_ + tix_) - 3;
          index = &tix_;
          base = secondCutoff_;
        } else {
          // Roll back what was stored of this option: it is left out.
          bufix_ = optStart;
          six_ = sOptStart;
          tix_ = tOptStart;
          return false;
        }
      }
      increment = std::min({increment, length, std::size_t{255}});
      const std::size_t at = base + *index;
      buffer_[at] = code;
      buffer_[at + 1] = static_cast<std::uint8_t>(increment);
      std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(done), increment,
                  buffer_.begin() + static_cast<std::ptrdiff_t>(at + 2));
      length -= increment;
      done += increment;
      *index += 2 + increment;
    } while (length != 0);
    return true;
  }

  // End and padding in the overloaded fields; which of them hold options (option 52's value).
  std::uint8_t finish() {
    std::uint8_t overload = 0;
    if (firstCutoff_ != 0 && six_ != 0) {
      std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(firstCutoff_ + six_),
                buffer_.begin() + static_cast<std::ptrdiff_t>(sbufend_), option::kPad);
      buffer_[firstCutoff_ + six_] = option::kEnd;
      overload |= kOverloadFile;
    }
    if (secondCutoff_ != 0 && tix_ != 0) {
      std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(secondCutoff_ + tix_),
                buffer_.begin() + static_cast<std::ptrdiff_t>(buflen_), option::kPad);
      buffer_[secondCutoff_ + tix_] = option::kEnd;
      overload |= kOverloadServerName;
    }
    return overload;
  }

  std::span<const std::uint8_t> main() const { return std::span(buffer_).first(bufix_); }
  std::span<const std::uint8_t> area(std::size_t cutoff, std::size_t size) const {
    return std::span(buffer_).subspan(cutoff, size);
  }

 private:
  std::array<std::uint8_t, kCapacity> buffer_;
  std::size_t buflen_, firstCutoff_, secondCutoff_;
  std::size_t bufend_ = 0, sbufend_ = 0;
  std::size_t bufix_ = 0, six_ = 0, tix_ = 0;
};

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
    case EncodeErrorCode::BufferTooSmall: return "output buffer too small";
    case EncodeErrorCode::FieldTooLong: return "server name or file name too long";
  }
  return "cannot encode";
}

OptionList::Entry* OptionList::entryFor(std::uint8_t code) {
  auto found = std::find_if(entries_.begin(), entries_.end(),
                            [code](const Entry& entry) { return entry.code == code; });
  return found == entries_.end() ? nullptr : &*found;
}

std::optional<Option> OptionList::find(std::uint8_t code) const {
  for (const auto& entry : entries_) {
    if (entry.code == code) return view(entry);
  }
  return std::nullopt;
}

bool OptionList::contains(std::uint8_t code) const { return find(code).has_value(); }

namespace {

// `data`, or when it is a view into `buffer` (which is about to grow) a copy of it in `copy`.
std::span<const std::uint8_t> detached(std::span<const std::uint8_t> data,
                                       const std::vector<std::uint8_t>& buffer,
                                       std::vector<std::uint8_t>& copy) {
  const bool inside = !data.empty() && data.data() >= buffer.data() &&
                      data.data() < buffer.data() + buffer.size();
  if (!inside) return data;
  copy.assign(data.begin(), data.end());
  return copy;
}

}  // namespace

void OptionList::set(std::uint8_t code, std::span<const std::uint8_t> data) {
  if (entries_.empty()) {
    entries_.reserve(kTypicalCount);
    bytes_.reserve(kTypicalBytes);
  }
  Entry* entry = entryFor(code);
  if (entry != nullptr && data.size() <= entry->length) {
    // In place: std::copy copes with `data` being this entry's own bytes (it only moves left).
    std::copy(data.begin(), data.end(), bytes_.begin() + entry->offset);
    entry->length = static_cast<std::uint32_t>(data.size());
    return;
  }
  std::vector<std::uint8_t> copy;
  data = detached(data, bytes_, copy);
  const auto offset = static_cast<std::uint32_t>(bytes_.size());
  bytes_.insert(bytes_.end(), data.begin(), data.end());
  if (entry != nullptr) {
    entry->offset = offset;
    entry->length = static_cast<std::uint32_t>(data.size());
  } else {
    entries_.push_back({code, offset, static_cast<std::uint32_t>(data.size())});
  }
}

void OptionList::append(std::uint8_t code, std::span<const std::uint8_t> data) {
  Entry* entry = entryFor(code);
  if (entry == nullptr) {
    set(code, data);
    return;
  }
  std::vector<std::uint8_t> copy;
  data = detached(data, bytes_, copy);
  if (entry->offset + entry->length != bytes_.size()) {
    // Not the last data in the buffer: the entry's bytes move to the end first.
    const auto offset = static_cast<std::uint32_t>(bytes_.size());
    bytes_.resize(bytes_.size() + entry->length);
    std::copy_n(bytes_.begin() + entry->offset, entry->length, bytes_.begin() + offset);
    entry->offset = offset;
  }
  bytes_.insert(bytes_.end(), data.begin(), data.end());
  entry->length += static_cast<std::uint32_t>(data.size());
}

void OptionList::remove(std::uint8_t code) {
  std::erase_if(entries_, [code](const Entry& entry) { return entry.code == code; });
}

bool operator==(const OptionList& a, const OptionList& b) {
  return std::ranges::equal(a.entries(), b.entries(), [](const Option& x, const Option& y) {
    return x.code == y.code && std::ranges::equal(x.data, y.data);
  });
}

std::optional<MessageType> Message::messageType() const {
  auto type = options.find(option::kMessageType);
  if (!type || type->data.size() != 1) return std::nullopt;
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

  const auto vendor = bytes.subspan(kOffsetOptions - 4);  // where the cookie would be
  auto cookie = reader.u32();
  message.hasMagicCookie = cookie && *cookie == kMagicCookie;
  std::uint8_t overload = 0;
  if (message.hasMagicCookie) {
    auto found = decodeArea(reader.rest(), kOffsetOptions, true, message.options);
    if (!found) return std::unexpected(found.error());
    overload = *found;
  } else {
    const auto last = std::find_if(vendor.rbegin(), vendor.rend(),
                                   [](std::uint8_t byte) { return byte != 0; });
    message.vendorArea.assign(vendor.begin(), last.base());
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

std::size_t optionsFieldFor(std::size_t maxMessageSize) {
  return std::clamp(maxMessageSize, kMinimumMaxMessageSize, kMaximumMessageSize) -
         kIpUdpOverhead - kFixedFieldsSize;
}

std::expected<std::span<const std::uint8_t>, EncodeErrorCode> encode(
    const Message& message, const EncodeLimits& limits, std::span<std::uint8_t> out,
    std::vector<std::uint8_t>* dropped) {
  if (message.sname.size() > kServerNameSize || message.file.size() > kBootFileSize) {
    return std::unexpected(EncodeErrorCode::FieldTooLong);
  }
  constexpr std::size_t kCookieSize = 4;
  // Room for the cookie and End at least, and never past one frame.
  std::size_t fieldSize = std::clamp(limits.optionsField, kCookieSize + 1, kMaximumOptionsField);

  // Relay agent information first, into its own room, as ISC stores it apart (1024 bytes).
  auto agent = message.options.find(option::kRelayAgentInformation);
  IscStore agentStore(1024, 0, 0);
  std::size_t agentSize = 0;
  if (agent) {
    if (agentStore.store(agent->code, agent->data, true)) {
      agentSize = agentStore.main().size();
    } else if (dropped != nullptr) {
      dropped->push_back(agent->code);
    }
  }
  fieldSize = std::min(fieldSize + agentSize, kMaximumOptionsField);
  std::size_t mainSize = fieldSize > agentSize ? fieldSize - agentSize : fieldSize;
  // The scratch buffer: options field (after the cookie), then file, then sname, where free.
  std::size_t total = mainSize - kCookieSize;
  std::size_t fileCutoff = 0;
  std::size_t snameCutoff = 0;
  if (limits.overload && message.file.empty()) {
    fileCutoff = total;
    total += kBootFileSize;
  }
  if (limits.overload && message.sname.empty()) {
    snameCutoff = total;
    total += kServerNameSize;
  }
  IscStore store(total, fileCutoff, snameCutoff);
  const auto entries = message.options.entries();
  // The last option stored here (option 82 has its own room).
  std::size_t last = entries.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].code != option::kRelayAgentInformation) last = i;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Option entry = entries[i];
    if (entry.code == option::kRelayAgentInformation) continue;
    const bool final = limits.lastIsFinal && i == last;
    if (!store.store(entry.code, entry.data, final) && dropped != nullptr) {
      dropped->push_back(entry.code);
    }
  }
  const std::uint8_t overload = store.finish();

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
  if (overload & kOverloadServerName) {
    writer.bytes(store.area(snameCutoff, kServerNameSize));
  } else {
    writeTextField(writer, message.sname, kServerNameSize);
  }
  if (overload & kOverloadFile) {
    writer.bytes(store.area(fileCutoff, kBootFileSize));
  } else {
    writeTextField(writer, message.file, kBootFileSize);
  }

  // A BOOTP message without a cookie and options has a bare vendor area.
  if (!message.hasMagicCookie && message.options.empty()) {
    writer.bytes(message.vendorArea);
  } else {
    const std::size_t start = writer.offset();
    writer.u32(kMagicCookie);
    writer.bytes(store.main());
    if (overload != 0) {
      writer.u8(option::kOverload);
      writer.u8(1);
      writer.u8(overload);
    }
    if (agentSize != 0 && fieldSize >= writer.offset() - start + agentSize) {
      writer.bytes(agentStore.main());
    } else if (agentSize != 0 && dropped != nullptr) {
      dropped->push_back(option::kRelayAgentInformation);
    }
    // ISC leaves End out when the options fill the field exactly.
    if (writer.offset() - start < fieldSize) writer.u8(option::kEnd);
  }
  if (writer.offset() < limits.minimumSize) writer.fill(limits.minimumSize - writer.offset());
  auto written = writer.result();
  if (!written) return std::unexpected(EncodeErrorCode::BufferTooSmall);
  return *written;
}

}  // namespace snowboot::dhcp
