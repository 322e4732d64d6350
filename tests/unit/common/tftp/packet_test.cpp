#include "common/tftp/packet.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::tftp;

namespace {

std::vector<std::uint8_t> bytesOf(const std::string& text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

std::vector<std::uint8_t> encode(const Packet& packet) {
  std::vector<std::uint8_t> out(bufferLength(packet));
  auto written = emit(packet, out);
  REQUIRE(written);
  CHECK(written->size() == out.size());
  return out;
}

// An RRQ as iPXE sends it (blksize then tsize), written out by hand from RFC 1350/2347.
const std::string kIpxeRrq = std::string("\0\1pxelinux.0\0octet\0blksize\0001432\0tsize\0000\0", 40);

}  // namespace

TEST_CASE("an RRQ with options parses with the options in client order", "[tftp][packet]") {
  auto parsed = parse(bytesOf(kIpxeRrq));
  REQUIRE(parsed);
  const auto& request = std::get<Request>(*parsed);
  CHECK(request.opcode == Opcode::Rrq);
  CHECK(request.filename == "pxelinux.0");
  CHECK(request.mode == "octet");
  REQUIRE(request.options.size() == 2);
  CHECK(request.options[0] == Option{"blksize", "1432"});
  CHECK(request.options[1] == Option{"tsize", "0"});
  CHECK(encode(*parsed) == bytesOf(kIpxeRrq));
}

TEST_CASE("option names are found without regard to case", "[tftp][packet]") {
  std::vector<Option> options{{"BlkSize", "1468"}, {"WINDOWSIZE", "4"}};
  REQUIRE(findOption(options, "blksize"));
  CHECK(findOption(options, "blksize")->value == "1468");
  CHECK(findOption(options, "windowsize")->value == "4");
  CHECK(findOption(options, "tsize") == nullptr);
  CHECK(equalsIgnoreCase("NetAscii", "netascii"));
  CHECK_FALSE(equalsIgnoreCase("octet", "octets"));
}

TEST_CASE("every packet kind survives emit then parse", "[tftp][packet]") {
  const std::vector<std::uint8_t> payload{1, 2, 3, 0, 255};
  const std::vector<Packet> packets{
      Request{Opcode::Rrq, "pxelinux.cfg/01-52-54-00-12-34-56", "netascii", {}},
      Request{Opcode::Wrq, "up/load.bin", "OCTET", {{"tsize", "1234"}, {"blksize", "8"}}},
      Request{Opcode::Rrq, std::string("pxelinux.0\xff"), "octet", {{"windowsize", "16"}}},
      Data{1, payload},
      Data{65535, {}},
      Ack{0},
      Ack{65535},
      ErrorPacket{1, "File not found"},
      ErrorPacket{8, ""},
      ErrorPacket{42, "unknown code keeps its number"},
      OptionAck{{{"blksize", "1468"}, {"windowsize", "4"}, {"tsize", "123456"}}},
      OptionAck{{}},
  };
  for (const auto& packet : packets) {
    auto bytes = encode(packet);
    auto parsed = parse(bytes);
    REQUIRE(parsed);
    CHECK(*parsed == packet);
  }
}

TEST_CASE("PacketView answers the hot path's questions without copying", "[tftp][packet]") {
  const std::vector<std::uint8_t> data{0, 3, 0x12, 0x34, 'a', 'b'};
  auto view = PacketView::check(data);
  REQUIRE(view);
  CHECK(view->opcode() == Opcode::Data);
  CHECK(view->block() == 0x1234);
  CHECK(view->payload().size() == 2);
  CHECK(view->payload().data() == data.data() + 4);
}

TEST_CASE("writeDataHeader writes opcode 3 and the block number", "[tftp][packet]") {
  std::vector<std::uint8_t> out(6, 0xee);
  writeDataHeader(0xabcd, out);
  CHECK(out == std::vector<std::uint8_t>{0, 3, 0xab, 0xcd, 0xee, 0xee});
}

TEST_CASE("malformed packets give typed errors with the offset", "[tftp][packet]") {
  struct Case {
    std::string bytes;
    PacketErrorCode code;
    std::size_t offset;
  };
  const std::vector<Case> cases{
      {std::string("", 0), PacketErrorCode::Truncated, 0},
      {std::string("\0", 1), PacketErrorCode::Truncated, 0},
      {std::string("\0\0", 2), PacketErrorCode::UnknownOpcode, 0},
      {std::string("\0\7xx", 4), PacketErrorCode::UnknownOpcode, 0},
      {std::string("\1\1", 2), PacketErrorCode::UnknownOpcode, 0},
      {std::string("\0\3\0", 3), PacketErrorCode::Truncated, 2},
      {std::string("\0\4\0", 3), PacketErrorCode::Truncated, 2},
      {std::string("\0\5\0", 3), PacketErrorCode::Truncated, 2},
      {std::string("\0\1", 2), PacketErrorCode::UnterminatedText, 2},
      {std::string("\0\1abc", 5), PacketErrorCode::UnterminatedText, 2},
      {std::string("\0\1\0octet\0", 9), PacketErrorCode::EmptyFilename, 2},
      {std::string("\0\1abc\0", 6), PacketErrorCode::UnterminatedText, 6},
      {std::string("\0\1abc\0octet", 11), PacketErrorCode::UnterminatedText, 6},
      {std::string("\0\1abc\0\0", 7), PacketErrorCode::EmptyMode, 6},
      {std::string("\0\1a\0octet\0blksize\0", 18), PacketErrorCode::OptionWithoutValue, 10},
      {std::string("\0\1a\0octet\0blksize\0" "512", 21), PacketErrorCode::UnterminatedText, 18},
      {std::string("\0\1a\0octet\0\0" "512\0", 15), PacketErrorCode::EmptyOptionName, 10},
      {std::string("\0\6blksize", 9), PacketErrorCode::UnterminatedText, 2},
  };
  for (const auto& c : cases) {
    INFO("case of " << c.bytes.size() << " bytes, expecting " << toString(c.code));
    auto parsed = parse(bytesOf(c.bytes));
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error() == PacketError{c.code, c.offset});
  }
}

TEST_CASE("tolerated quirks: NUL padding after a request, unterminated error text",
          "[tftp][packet]") {
  auto padded = parse(bytesOf(std::string("\0\1a\0octet\0\0\0\0", 13)));
  REQUIRE(padded);
  CHECK(std::get<Request>(*padded).options.empty());
  auto error = parse(bytesOf(std::string("\0\5\0\1gone", 8)));
  REQUIRE(error);
  CHECK(std::get<ErrorPacket>(*error) == ErrorPacket{1, "gone"});
  auto ack = parse(bytesOf(std::string("\0\4\0\7junk", 8)));
  REQUIRE(ack);
  CHECK(std::get<Ack>(*ack).block == 7);
}

TEST_CASE("the decoder never reads past the span, for every prefix length", "[tftp][packet]") {
  const std::string full = kIpxeRrq;
  for (std::size_t length = 0; length < full.size(); ++length) {
    std::vector<std::uint8_t> prefix(full.begin(), full.begin() + length);
    auto parsed = parse(prefix);
    // Only whole strings can parse; every shorter cut is a typed error, never a crash.
    if (parsed) CHECK(encode(*parsed) == prefix);
  }
}

TEST_CASE("a DATA block above 65464 bytes is refused, and emit respects the buffer",
          "[tftp][packet]") {
  std::vector<std::uint8_t> big(kMaxPacketSize + 1, 0);
  big[1] = 3;
  CHECK(parse(big).error().code == PacketErrorCode::TooLarge);
  std::vector<std::uint8_t> small(3);
  CHECK_FALSE(emit(Ack{1}, small));
}

TEST_CASE("default error texts are tftpd-hpa's", "[tftp][packet]") {
  CHECK(defaultMessage(ErrorCode::FileNotFound) == "File not found");
  CHECK(defaultMessage(ErrorCode::AccessViolation) == "Access denied");
  CHECK(defaultMessage(ErrorCode::OptionRefused) == "Failure to negotiate RFC2347 options");
}
