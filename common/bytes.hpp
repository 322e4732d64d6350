#pragma once
// Bounded readers and writers over byte spans: the only place in snowboot that does offset
// arithmetic on wire data. Every access is length-checked; a short buffer is a typed error.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace snowboot {

enum class BytesErrorCode {
  Truncated,  // a read wanted more bytes than remain
  Overflow,   // a write wanted more room than remains
  OutOfRange, // a seek or patch outside the buffer
};

struct BytesError {
  BytesErrorCode code;
  std::size_t offset;  // where the access started
  std::size_t wanted;  // how many bytes it needed

  friend bool operator==(const BytesError&, const BytesError&) = default;
};

std::string_view toString(BytesErrorCode code);

// "52:54:00:0a:ff": lower-case hex octets joined by colons, as ISC prints hardware addresses
// and binary identifiers (print_hw_addr). Appends to `out`: it is on every packet's log line.
void appendColonHex(std::string& out, std::span<const std::uint8_t> bytes);

template <class T>
using BytesResult = std::expected<T, BytesError>;

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  BytesResult<std::uint8_t> u8();
  BytesResult<std::uint16_t> u16();  // big-endian
  BytesResult<std::uint32_t> u32();  // big-endian
  // The next n bytes as a view into the underlying buffer.
  BytesResult<std::span<const std::uint8_t>> bytes(std::size_t n);
  // A fixed-size field holding a string padded with NULs: the text before the first NUL.
  BytesResult<std::string> nulPaddedString(std::size_t fieldSize);
  // A NUL-terminated string (the NUL is consumed and not returned).
  BytesResult<std::string> nulTerminatedString();
  BytesResult<void> skip(std::size_t n);
  BytesResult<void> seek(std::size_t offset);

  std::span<const std::uint8_t> rest() const { return data_.subspan(offset_); }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return data_.size() - offset_; }
  bool atEnd() const { return offset_ == data_.size(); }

 private:
  BytesResult<std::span<const std::uint8_t>> take(std::size_t n);

  std::span<const std::uint8_t> data_;
  std::size_t offset_ = 0;
};

// Writes are straight-line code: the first write that does not fit records an error and every
// later write is ignored, so an encoder checks once, at the end (`result()`).
class ByteWriter {
 public:
  explicit ByteWriter(std::span<std::uint8_t> buffer) : buffer_(buffer) {}

  void u8(std::uint8_t value);
  void u16(std::uint16_t value);  // big-endian
  void u32(std::uint32_t value);  // big-endian
  void bytes(std::span<const std::uint8_t> data);
  void text(std::string_view text);
  // Writes text into a field of fieldSize bytes, NUL-padded; text must leave room for one NUL.
  void nulPaddedString(std::string_view text, std::size_t fieldSize);
  void fill(std::size_t n, std::uint8_t value = 0);
  // Overwrites two bytes already written (length and checksum fields known only at the end).
  void patchU16(std::size_t offset, std::uint16_t value);

  bool ok() const { return !error_; }
  // What was written, or the first error.
  BytesResult<std::span<const std::uint8_t>> result() const;
  std::span<const std::uint8_t> written() const { return buffer_.first(offset_); }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return buffer_.size() - offset_; }

 private:
  // Room for n more bytes, or an empty span after recording the error.
  std::span<std::uint8_t> reserve(std::size_t n);

  std::span<std::uint8_t> buffer_;
  std::size_t offset_ = 0;
  std::optional<BytesError> error_;
};

}  // namespace snowboot
