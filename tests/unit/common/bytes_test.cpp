#include "common/bytes.hpp"

#include <array>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot;

TEST_CASE("ByteReader reads big-endian integers in order", "[bytes]") {
  const std::array<std::uint8_t, 7> data{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  ByteReader reader(data);
  CHECK(reader.u8().value() == 0x01);
  CHECK(reader.u16().value() == 0x0203);
  CHECK(reader.u32().value() == 0x04050607u);
  CHECK(reader.atEnd());
}

TEST_CASE("ByteReader reports a short buffer with offset and size wanted", "[bytes]") {
  const std::array<std::uint8_t, 3> data{0xaa, 0xbb, 0xcc};
  ByteReader reader(data);
  REQUIRE(reader.u16());
  auto failed = reader.u32();
  REQUIRE_FALSE(failed);
  CHECK(failed.error() == BytesError{BytesErrorCode::Truncated, 2, 4});
  // A failed read consumes nothing.
  CHECK(reader.offset() == 2);
  CHECK(reader.u8().value() == 0xcc);
  CHECK_FALSE(reader.u8());
}

TEST_CASE("ByteReader never reads past the span, for every length", "[bytes]") {
  std::vector<std::uint8_t> data(64, 0x5a);
  for (std::size_t length = 0; length <= data.size(); ++length) {
    ByteReader reader(std::span<const std::uint8_t>(data).first(length));
    std::size_t total = 0;
    while (auto word = reader.u32()) total += 4;
    while (auto byte = reader.u8()) total += 1;
    CHECK(total == length);
    CHECK_FALSE(reader.bytes(1));
  }
}

TEST_CASE("ByteReader reads NUL-padded and NUL-terminated strings", "[bytes]") {
  const std::array<std::uint8_t, 10> data{'a', 'b', 0, 'x', 'y', 'o', 'k', 0, 'n', 'o'};
  ByteReader reader(data);
  CHECK(reader.nulPaddedString(5).value() == "ab");  // "xy" after the NUL is padding
  CHECK(reader.nulTerminatedString().value() == "ok");
  auto unterminated = reader.nulTerminatedString();
  REQUIRE_FALSE(unterminated);
  CHECK(unterminated.error().code == BytesErrorCode::Truncated);
  CHECK(reader.offset() == 8);
}

TEST_CASE("ByteReader seek and skip stay inside the span", "[bytes]") {
  const std::array<std::uint8_t, 4> data{1, 2, 3, 4};
  ByteReader reader(data);
  CHECK(reader.skip(3));
  CHECK_FALSE(reader.skip(2));
  CHECK(reader.seek(4));
  CHECK(reader.atEnd());
  CHECK(reader.seek(1));
  CHECK(reader.u8().value() == 2);
  CHECK(reader.seek(5).error().code == BytesErrorCode::OutOfRange);
}

TEST_CASE("ByteWriter writes big-endian and refuses to overflow", "[bytes]") {
  std::array<std::uint8_t, 8> buffer{};
  ByteWriter writer(buffer);
  writer.u8(0x11);
  writer.u16(0x2233);
  writer.u32(0x44556677);
  REQUIRE(writer.ok());
  const std::vector<std::uint8_t> expected{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  CHECK(std::vector<std::uint8_t>(writer.written().begin(), writer.written().end()) == expected);
  writer.u16(0x8899);
  CHECK_FALSE(writer.ok());
  CHECK(writer.result().error() == BytesError{BytesErrorCode::Overflow, 7, 2});
}

TEST_CASE("ByteWriter's first error sticks and later writes are ignored", "[bytes]") {
  std::array<std::uint8_t, 4> buffer{};
  ByteWriter writer(buffer);
  writer.u16(0xaaaa);
  writer.u32(1);  // does not fit
  writer.u8(0xbb);  // would fit, but the encoder has already failed
  CHECK(writer.result().error() == BytesError{BytesErrorCode::Overflow, 2, 4});
  CHECK(writer.offset() == 2);
  CHECK(buffer[2] == 0);
}

TEST_CASE("ByteWriter pads fixed string fields and keeps room for the NUL", "[bytes]") {
  std::array<std::uint8_t, 6> buffer;
  buffer.fill(0xee);
  ByteWriter writer(buffer);
  writer.nulPaddedString("abc", 6);
  REQUIRE(writer.ok());
  CHECK(buffer == std::array<std::uint8_t, 6>{'a', 'b', 'c', 0, 0, 0});

  ByteWriter full(buffer);
  full.nulPaddedString("abcdef", 6);
  CHECK_FALSE(full.ok());
  CHECK(full.offset() == 0);
}

TEST_CASE("ByteWriter patches only what it already wrote", "[bytes]") {
  std::array<std::uint8_t, 4> buffer{};
  ByteWriter writer(buffer);
  writer.u16(0);
  writer.u8(7);
  writer.patchU16(0, 0xbeef);
  REQUIRE(writer.ok());
  CHECK(buffer[0] == 0xbe);
  CHECK(buffer[1] == 0xef);
  writer.patchU16(2, 1);
  CHECK(writer.result().error().code == BytesErrorCode::OutOfRange);
}

TEST_CASE("ByteWriter and ByteReader round-trip", "[bytes]") {
  std::array<std::uint8_t, 32> buffer{};
  ByteWriter writer(buffer);
  writer.u32(0xdeadbeef);
  writer.text("hello");
  writer.fill(3, 0x7f);
  writer.nulPaddedString("pxe", 8);
  REQUIRE(writer.ok());
  ByteReader reader(writer.written());
  CHECK(reader.u32().value() == 0xdeadbeef);
  auto text = reader.bytes(5).value();
  CHECK(std::string(text.begin(), text.end()) == "hello");
  CHECK(reader.u8().value() == 0x7f);
  REQUIRE(reader.skip(2));
  CHECK(reader.nulPaddedString(8).value() == "pxe");
  CHECK(reader.atEnd());
}

TEST_CASE("appendColonHex writes ISC's print_hw_addr form after what is there", "[bytes]") {
  std::string out = "hardware ethernet ";
  const std::uint8_t mac[] = {0x52, 0x54, 0x00, 0x0a, 0xb0, 0xff};
  appendColonHex(out, mac);
  CHECK(out == "hardware ethernet 52:54:00:0a:b0:ff");
  std::string empty;
  appendColonHex(empty, {});
  CHECK(empty.empty());
  const std::uint8_t one[] = {0x01};
  appendColonHex(empty, one);
  CHECK(empty == "01");
}
