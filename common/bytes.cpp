#include "common/bytes.hpp"

#include <algorithm>

namespace snowboot {

void appendColonHex(std::string& out, std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  static constexpr char kHex[] = "0123456789abcdef";
  // Sized once and written in place: a character at a time, each push_back checked capacity,
  // and every packet formats its client's address this way.
  const std::size_t start = out.size();
  out.resize(start + bytes.size() * 3 - 1);
  char* p = out.data() + start;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) *p++ = ':';
    *p++ = kHex[bytes[i] >> 4];
    *p++ = kHex[bytes[i] & 15];
  }
}

std::string_view toString(BytesErrorCode code) {
  switch (code) {
    case BytesErrorCode::Truncated: return "truncated";
    case BytesErrorCode::Overflow: return "overflow";
    case BytesErrorCode::OutOfRange: return "out of range";
  }
  return "unknown";
}

BytesResult<std::span<const std::uint8_t>> ByteReader::take(std::size_t n) {
  if (n > remaining()) {
    return std::unexpected(BytesError{BytesErrorCode::Truncated, offset_, n});
  }
  auto view = data_.subspan(offset_, n);
  offset_ += n;
  return view;
}

BytesResult<std::uint8_t> ByteReader::u8() {
  auto b = take(1);
  if (!b) return std::unexpected(b.error());
  return (*b)[0];
}

BytesResult<std::uint16_t> ByteReader::u16() {
  auto b = take(2);
  if (!b) return std::unexpected(b.error());
  return static_cast<std::uint16_t>((*b)[0] << 8 | (*b)[1]);
}

BytesResult<std::uint32_t> ByteReader::u32() {
  auto b = take(4);
  if (!b) return std::unexpected(b.error());
  return std::uint32_t{(*b)[0]} << 24 | std::uint32_t{(*b)[1]} << 16 |
         std::uint32_t{(*b)[2]} << 8 | std::uint32_t{(*b)[3]};
}

BytesResult<std::span<const std::uint8_t>> ByteReader::bytes(std::size_t n) { return take(n); }

BytesResult<std::string> ByteReader::nulPaddedString(std::size_t fieldSize) {
  auto field = take(fieldSize);
  if (!field) return std::unexpected(field.error());
  auto end = std::find(field->begin(), field->end(), std::uint8_t{0});
  return std::string(field->begin(), end);
}

BytesResult<std::string> ByteReader::nulTerminatedString() {
  auto rest = data_.subspan(offset_);
  auto nul = std::find(rest.begin(), rest.end(), std::uint8_t{0});
  if (nul == rest.end()) {
    return std::unexpected(BytesError{BytesErrorCode::Truncated, offset_, rest.size() + 1});
  }
  std::string text(rest.begin(), nul);
  offset_ += text.size() + 1;
  return text;
}

BytesResult<void> ByteReader::skip(std::size_t n) {
  auto skipped = take(n);
  if (!skipped) return std::unexpected(skipped.error());
  return {};
}

BytesResult<void> ByteReader::seek(std::size_t offset) {
  if (offset > data_.size()) {
    return std::unexpected(BytesError{BytesErrorCode::OutOfRange, offset, 0});
  }
  offset_ = offset;
  return {};
}

std::span<std::uint8_t> ByteWriter::reserve(std::size_t n) {
  if (error_) return {};
  if (n > remaining()) {
    error_ = BytesError{BytesErrorCode::Overflow, offset_, n};
    return {};
  }
  auto room = buffer_.subspan(offset_, n);
  offset_ += n;
  return room;
}

BytesResult<std::span<const std::uint8_t>> ByteWriter::result() const {
  if (error_) return std::unexpected(*error_);
  return written();
}

void ByteWriter::u8(std::uint8_t value) {
  auto room = reserve(1);
  if (!room.empty()) room[0] = value;
}

void ByteWriter::u16(std::uint16_t value) {
  auto room = reserve(2);
  if (room.empty()) return;
  room[0] = static_cast<std::uint8_t>(value >> 8);
  room[1] = static_cast<std::uint8_t>(value);
}

void ByteWriter::u32(std::uint32_t value) {
  auto room = reserve(4);
  if (room.empty()) return;
  for (std::size_t i = 0; i < 4; ++i) room[i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
}

void ByteWriter::bytes(std::span<const std::uint8_t> data) {
  auto room = reserve(data.size());
  if (room.size() == data.size()) std::copy(data.begin(), data.end(), room.begin());
}

void ByteWriter::text(std::string_view text) {
  auto room = reserve(text.size());
  if (room.size() == text.size()) std::copy(text.begin(), text.end(), room.begin());
}

void ByteWriter::nulPaddedString(std::string_view text, std::size_t fieldSize) {
  if (error_) return;
  if (text.size() >= fieldSize) {
    error_ = BytesError{BytesErrorCode::Overflow, offset_, text.size() + 1};
    return;
  }
  auto room = reserve(fieldSize);
  if (room.empty()) return;
  auto end = std::copy(text.begin(), text.end(), room.begin());
  std::fill(end, room.end(), std::uint8_t{0});
}

void ByteWriter::fill(std::size_t n, std::uint8_t value) {
  auto room = reserve(n);
  std::fill(room.begin(), room.end(), value);
}

void ByteWriter::patchU16(std::size_t offset, std::uint16_t value) {
  if (error_) return;
  if (offset + 2 > offset_) {
    error_ = BytesError{BytesErrorCode::OutOfRange, offset, 2};
    return;
  }
  buffer_[offset] = static_cast<std::uint8_t>(value >> 8);
  buffer_[offset + 1] = static_cast<std::uint8_t>(value);
}

}  // namespace snowboot
