#include "common/tftp/packet.hpp"

#include <algorithm>
#include <type_traits>

namespace snowboot::tftp {

namespace {

std::unexpected<PacketError> fail(PacketErrorCode code, std::size_t offset) {
  return std::unexpected(PacketError{code, offset});
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::span<const std::uint8_t> asBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// A NUL-terminated string at the reader's position, or the typed error for a missing NUL.
PacketResult<std::string> text(ByteReader& reader) {
  const std::size_t at = reader.offset();
  auto value = reader.nulTerminatedString();
  if (!value) return fail(PacketErrorCode::UnterminatedText, at);
  return std::move(*value);
}

// Option pairs up to the end of the packet. Some ROMs pad requests with NULs: a run of zeros
// at the end is padding, not an empty option.
PacketResult<std::vector<Option>> options(ByteReader& reader) {
  std::vector<Option> result;
  while (!reader.atEnd()) {
    auto rest = reader.rest();
    if (std::all_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b == 0; })) break;
    const std::size_t at = reader.offset();
    auto name = text(reader);
    if (!name) return std::unexpected(name.error());
    if (name->empty()) return fail(PacketErrorCode::EmptyOptionName, at);
    if (reader.atEnd()) return fail(PacketErrorCode::OptionWithoutValue, at);
    auto value = text(reader);
    if (!value) return std::unexpected(value.error());
    result.push_back(Option{std::move(*name), std::move(*value)});
  }
  return result;
}

PacketResult<Packet> parseRequest(Opcode opcode, ByteReader& reader) {
  Request request;
  request.opcode = opcode;
  const std::size_t nameAt = reader.offset();
  auto filename = text(reader);
  if (!filename) return std::unexpected(filename.error());
  if (filename->empty()) return fail(PacketErrorCode::EmptyFilename, nameAt);
  request.filename = std::move(*filename);
  const std::size_t modeAt = reader.offset();
  auto mode = text(reader);
  if (!mode) return std::unexpected(mode.error());
  if (mode->empty()) return fail(PacketErrorCode::EmptyMode, modeAt);
  request.mode = std::move(*mode);
  auto parsed = options(reader);
  if (!parsed) return std::unexpected(parsed.error());
  request.options = std::move(*parsed);
  return request;
}

void writeOptions(ByteWriter& writer, const std::vector<Option>& options) {
  for (const auto& option : options) {
    writer.text(option.name);
    writer.u8(0);
    writer.text(option.value);
    writer.u8(0);
  }
}

std::size_t optionsLength(const std::vector<Option>& options) {
  std::size_t length = 0;
  for (const auto& option : options) length += option.name.size() + option.value.size() + 2;
  return length;
}

}  // namespace

std::string_view defaultMessage(ErrorCode code) {
  switch (code) {
    case ErrorCode::Undefined: return "Undefined error code";
    case ErrorCode::FileNotFound: return "File not found";
    case ErrorCode::AccessViolation: return "Access denied";  // tftpd-hpa 5.2 says so, not RFC 1350
    case ErrorCode::DiskFull: return "Disk full or allocation exceeded";
    case ErrorCode::IllegalOperation: return "Illegal TFTP operation";
    case ErrorCode::UnknownTid: return "Unknown transfer ID";
    case ErrorCode::FileExists: return "File already exists";
    case ErrorCode::NoSuchUser: return "No such user";
    case ErrorCode::OptionRefused: return "Failure to negotiate RFC2347 options";
  }
  return "Undefined error code";
}

std::string_view toString(PacketErrorCode code) {
  switch (code) {
    case PacketErrorCode::Truncated: return "truncated";
    case PacketErrorCode::UnknownOpcode: return "unknown opcode";
    case PacketErrorCode::UnterminatedText: return "unterminated string";
    case PacketErrorCode::EmptyFilename: return "empty file name";
    case PacketErrorCode::EmptyMode: return "empty mode";
    case PacketErrorCode::OptionWithoutValue: return "option without value";
    case PacketErrorCode::EmptyOptionName: return "empty option name";
    case PacketErrorCode::TooLarge: return "data block above 65464 bytes";
  }
  return "unknown";
}

bool operator==(const Data& a, const Data& b) {
  return a.block == b.block && std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(),
                                          b.payload.end());
}

PacketResult<PacketView> PacketView::check(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2) return fail(PacketErrorCode::Truncated, 0);
  const auto raw = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  if (raw < 1 || raw > 6) return fail(PacketErrorCode::UnknownOpcode, 0);
  const auto opcode = static_cast<Opcode>(raw);
  if ((opcode == Opcode::Data || opcode == Opcode::Ack || opcode == Opcode::Error) &&
      bytes.size() < kHeaderSize) {
    return fail(PacketErrorCode::Truncated, 2);
  }
  if (opcode == Opcode::Data && bytes.size() > kMaxPacketSize) {
    return fail(PacketErrorCode::TooLarge, kMaxPacketSize);
  }
  return PacketView(bytes, opcode);
}

std::uint16_t PacketView::block() const {
  return static_cast<std::uint16_t>(bytes_[2] << 8 | bytes_[3]);
}

PacketResult<Packet> parse(std::span<const std::uint8_t> bytes) {
  auto view = PacketView::check(bytes);
  if (!view) return std::unexpected(view.error());
  ByteReader reader(bytes);
  (void)reader.skip(2);
  switch (view->opcode()) {
    case Opcode::Rrq:
    case Opcode::Wrq: return parseRequest(view->opcode(), reader);
    case Opcode::Data: return Data{view->block(), view->payload()};
    // Trailing bytes after an ACK's block number are ignored, as every server does.
    case Opcode::Ack: return Ack{view->block()};
    case Opcode::Error: {
      ErrorPacket error;
      error.code = view->block();
      (void)reader.skip(2);
      // Embedded devices often leave out the final NUL: the message then runs to the end.
      auto rest = reader.rest();
      auto nul = std::find(rest.begin(), rest.end(), std::uint8_t{0});
      error.message.assign(rest.begin(), nul);
      return error;
    }
    case Opcode::Oack: {
      auto parsed = options(reader);
      if (!parsed) return std::unexpected(parsed.error());
      return OptionAck{std::move(*parsed)};
    }
  }
  return fail(PacketErrorCode::UnknownOpcode, 0);
}

std::size_t bufferLength(const Packet& packet) {
  return std::visit(
      [](const auto& p) -> std::size_t {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Request>) {
          return 2 + p.filename.size() + 1 + p.mode.size() + 1 + optionsLength(p.options);
        } else if constexpr (std::is_same_v<T, Data>) {
          return kHeaderSize + p.payload.size();
        } else if constexpr (std::is_same_v<T, Ack>) {
          return kHeaderSize;
        } else if constexpr (std::is_same_v<T, ErrorPacket>) {
          return kHeaderSize + p.message.size() + 1;
        } else {
          return 2 + optionsLength(p.options);
        }
      },
      packet);
}

BytesResult<std::span<const std::uint8_t>> emit(const Packet& packet,
                                                std::span<std::uint8_t> out) {
  ByteWriter writer(out);
  std::visit(
      [&writer](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Request>) {
          writer.u16(static_cast<std::uint16_t>(p.opcode));
          writer.text(p.filename);
          writer.u8(0);
          writer.text(p.mode);
          writer.u8(0);
          writeOptions(writer, p.options);
        } else if constexpr (std::is_same_v<T, Data>) {
          writer.u16(static_cast<std::uint16_t>(Opcode::Data));
          writer.u16(p.block);
          writer.bytes(p.payload);
        } else if constexpr (std::is_same_v<T, Ack>) {
          writer.u16(static_cast<std::uint16_t>(Opcode::Ack));
          writer.u16(p.block);
        } else if constexpr (std::is_same_v<T, ErrorPacket>) {
          writer.u16(static_cast<std::uint16_t>(Opcode::Error));
          writer.u16(p.code);
          writer.bytes(asBytes(p.message));
          writer.u8(0);
        } else {
          writer.u16(static_cast<std::uint16_t>(Opcode::Oack));
          writeOptions(writer, p.options);
        }
      },
      packet);
  return writer.result();
}

void writeDataHeader(std::uint16_t block, std::span<std::uint8_t> out) {
  ByteWriter writer(out.first(kHeaderSize));
  writer.u16(static_cast<std::uint16_t>(Opcode::Data));
  writer.u16(block);
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

const Option* findOption(const std::vector<Option>& options, std::string_view name) {
  for (const auto& option : options) {
    if (equalsIgnoreCase(option.name, name)) return &option;
  }
  return nullptr;
}

}  // namespace snowboot::tftp
