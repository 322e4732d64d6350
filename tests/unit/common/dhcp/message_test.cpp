#include "common/dhcp/message.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/net/udp_frame.hpp"
#include "tests/support/fixture.hpp"

using namespace snowboot;
using namespace snowboot::dhcp;

namespace {

// The DHCP payload of a captured frame.
std::vector<std::uint8_t> capturedMessage(const std::string& name) {
  auto frame = test::readFixture("captures/" + name + ".frame");
  auto parsed = net::parseUdpFrame(frame);
  REQUIRE(parsed);
  return {parsed->payload.begin(), parsed->payload.end()};
}

std::vector<std::uint8_t> bytesOf(std::string_view text) { return {text.begin(), text.end()}; }

std::vector<std::uint8_t> encodeToVector(const Message& message, EncodeLimits limits = {}) {
  std::vector<std::uint8_t> out(2048);
  auto encoded = encode(message, limits, out);
  REQUIRE(encoded);
  return {encoded->begin(), encoded->end()};
}

std::vector<std::uint8_t> codesOf(const Message& message) {
  std::vector<std::uint8_t> codes;
  for (const auto& entry : message.options.entries()) codes.push_back(entry.code);
  return codes;
}

Message sampleReply() {
  Message message;
  message.op = static_cast<std::uint8_t>(OpCode::BootReply);
  message.xid = 0x01020304;
  message.yiaddr = net::Ipv4Address(10, 0, 0, 9);
  message.chaddr = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
  message.options.set(option::kMessageType, {5});
  return message;
}

}  // namespace

TEST_CASE("ISC's DHCPOFFER to an iPXE BIOS ROM decodes field by field", "[dhcp]") {
  auto decoded = decode(capturedMessage("bios-ipxe-isc-offer"));
  REQUIRE(decoded);
  const auto& m = *decoded;
  CHECK(m.op == static_cast<std::uint8_t>(OpCode::BootReply));
  CHECK(m.xid == 0x5d009619);
  CHECK(m.secs == 4);
  CHECK_FALSE(m.broadcastFlag());
  CHECK(m.yiaddr == net::Ipv4Address(192, 168, 0, 200));
  CHECK(m.siaddr == net::Ipv4Address(192, 168, 0, 1));
  CHECK(m.giaddr.isAny());
  CHECK(m.ethernetAddress()->toString() == "52:54:00:12:34:56");
  CHECK(m.file == "pxelinux.0");
  CHECK(m.sname.empty());
  CHECK(m.messageType() == MessageType::Offer);
  CHECK(codesOf(m) == std::vector<std::uint8_t>{53, 54, 51, 1, 3, 15});
  CHECK(m.options.find(option::kDomainName)->data == bytesOf("pxelab.test"));
  CHECK(m.options.find(option::kLeaseTime)->data == std::vector<std::uint8_t>{0, 0, 2, 0x58});
}

TEST_CASE("re-encoding ISC's replies reproduces their bytes exactly", "[dhcp]") {
  for (const char* name : {"bios-ipxe-isc-offer", "bios-ipxe-isc-ack", "uefi-ovmf-isc-offer",
                           "uefi-ipxe-isc-ack"}) {
    INFO(name);
    const auto original = capturedMessage(name);
    auto decoded = decode(original);
    REQUIRE(decoded);
    CHECK(encodeToVector(*decoded) == original);
  }
}

TEST_CASE("PXE clients' requests decode with the options policy needs", "[dhcp]") {
  auto bios = decode(capturedMessage("bios-ipxe-discover"));
  REQUIRE(bios);
  CHECK(bios->messageType() == MessageType::Discover);
  CHECK(bios->options.find(option::kClientSystemArchitecture)->data ==
        std::vector<std::uint8_t>{0, 0});
  CHECK(bios->options.find(option::kVendorClass)->data ==
        bytesOf("PXEClient:Arch:00000:UNDI:002001"));
  CHECK(bios->options.find(option::kUserClass)->data == bytesOf("iPXE"));
  CHECK(bios->options.contains(option::kParameterRequestList));

  auto uefi = decode(capturedMessage("uefi-ovmf-discover"));
  REQUIRE(uefi);
  CHECK(uefi->broadcastFlag());
  CHECK(uefi->options.find(option::kClientSystemArchitecture)->data ==
        std::vector<std::uint8_t>{0, 7});
  CHECK_FALSE(uefi->options.contains(option::kUserClass));

  auto chained = decode(capturedMessage("uefi-ipxe-discover"));
  REQUIRE(chained);
  CHECK(chained->options.find(option::kUserClass)->data == bytesOf("iPXE"));
}

TEST_CASE("clients' requests survive decode and encode unchanged", "[dhcp]") {
  for (const char* name : {"bios-ipxe-discover", "bios-ipxe-request", "uefi-ovmf-discover",
                           "uefi-ipxe-discover"}) {
    INFO(name);
    const auto original = capturedMessage(name);
    auto decoded = decode(original);
    REQUIRE(decoded);
    auto again = decode(encodeToVector(*decoded, {1500, 300}));
    REQUIRE(again);
    CHECK(*again == *decoded);
  }
}

TEST_CASE("repeated options are concatenated in order of first appearance (RFC 3396)",
          "[dhcp]") {
  Message message = sampleReply();
  auto bytes = encodeToVector(message);
  // Replace End with: 43 "ab", 12 "h", 43 "cd", End.
  const std::vector<std::uint8_t> tail{43, 2, 'a', 'b', 12, 1, 'h', 43, 2, 'c', 'd', 255};
  const std::size_t end = 240 + 3;  // cookie, then 53/1/5
  REQUIRE(bytes[end] == 255);
  std::copy(tail.begin(), tail.end(), bytes.begin() + end);
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(codesOf(*decoded) == std::vector<std::uint8_t>{53, 43, 12});
  CHECK(decoded->options.find(43)->data == bytesOf("abcd"));
}

TEST_CASE("a long option is split into 255-byte pieces and joined again", "[dhcp]") {
  Message message = sampleReply();
  std::vector<std::uint8_t> big(600);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  message.options.set(option::kVendorSpecific, big);
  auto bytes = encodeToVector(message, {1500, 300});
  // 53 (3 bytes), then 43 as 255 + 255 + 90.
  CHECK(bytes[240 + 3] == 43);
  CHECK(bytes[240 + 4] == 255);
  CHECK(bytes[240 + 3 + 257] == 43);
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(*decoded == message);
}

TEST_CASE("options past the client's size overload file then sname", "[dhcp]") {
  Message message = sampleReply();
  // 3 + 152 + 202 bytes of options: more than the 311 the options field holds at 576.
  message.options.set(option::kVendorSpecific, std::vector<std::uint8_t>(150, 0xaa));
  message.options.set(option::kDomainName, bytesOf(std::string(200, 'd')));

  SECTION("file is used first and the reply stays within 576 bytes") {
    auto bytes = encodeToVector(message, {576, 300});
    CHECK(bytes.size() <= 576 - kIpUdpOverhead);
    CHECK(bytes.size() == 576 - kIpUdpOverhead);  // the options field is filled first
    // Option 52 right after the leading message type.
    CHECK(std::vector<std::uint8_t>(bytes.begin() + 240, bytes.begin() + 246) ==
          std::vector<std::uint8_t>{53, 1, 5, 52, 1, 1});
    auto decoded = decode(bytes);
    REQUIRE(decoded);
    CHECK(*decoded == message);
  }
  SECTION("sname too when file is not enough") {
    message.options.set(option::kHostName, bytesOf(std::string(100, 'h')));
    auto bytes = encodeToVector(message, {576, 300});
    CHECK(bytes.size() <= 576 - kIpUdpOverhead);
    CHECK(bytes[245] == 3);
    auto decoded = decode(bytes);
    REQUIRE(decoded);
    CHECK(*decoded == message);
  }
  SECTION("a configured file name is never overwritten with options") {
    message.file = "pxelinux.0";
    auto bytes = encodeToVector(message, {576, 300});
    CHECK(bytes[245] == 2);
    auto decoded = decode(bytes);
    REQUIRE(decoded);
    CHECK(decoded->file == "pxelinux.0");
    CHECK(*decoded == message);
  }
  SECTION("a larger limit needs no overload") {
    auto bytes = encodeToVector(message, {1500, 300});
    CHECK(bytes[243] != 52);
    auto decoded = decode(bytes);
    REQUIRE(decoded);
    CHECK(*decoded == message);
  }
  SECTION("a limit below 576 is raised to it") {
    CHECK(encodeToVector(message, {300, 300}) == encodeToVector(message, {576, 300}));
  }
}

TEST_CASE("options that cannot fit even overloaded are refused", "[dhcp]") {
  Message message = sampleReply();
  message.options.set(option::kVendorSpecific, std::vector<std::uint8_t>(900, 1));
  std::vector<std::uint8_t> out(2048);
  auto encoded = encode(message, {576, 300}, out);
  REQUIRE_FALSE(encoded);
  CHECK(encoded.error() == EncodeErrorCode::DoesNotFit);
}

TEST_CASE("encode reports a short buffer and over-long fields", "[dhcp]") {
  Message message = sampleReply();
  std::vector<std::uint8_t> small(299);
  CHECK(encode(message, {}, small).error() == EncodeErrorCode::BufferTooSmall);
  message.file = std::string(129, 'f');
  std::vector<std::uint8_t> out(2048);
  CHECK(encode(message, {}, out).error() == EncodeErrorCode::FieldTooLong);
  message.file = std::string(128, 'f');  // exactly the field: no NUL, still valid
  auto encoded = encode(message, {}, out);
  REQUIRE(encoded);
  CHECK(decode(*encoded)->file == message.file);
}

TEST_CASE("replies are padded to 300 bytes like ISC's", "[dhcp]") {
  auto bytes = encodeToVector(sampleReply());
  CHECK(bytes.size() == 300);
  CHECK(bytes[243] == 255);
  CHECK(std::all_of(bytes.begin() + 244, bytes.end(), [](auto b) { return b == 0; }));
}

TEST_CASE("BOOTP without a magic cookie", "[dhcp]") {
  Message message = sampleReply();
  message.options = {};
  message.hasMagicCookie = false;
  message.file = "boot/pxelinux.0";
  auto bytes = encodeToVector(message);
  CHECK(bytes.size() == 300);
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK_FALSE(decoded->hasMagicCookie);
  CHECK_FALSE(decoded->messageType());
  CHECK(*decoded == message);
  // A bare 236-byte header is still a BOOTP message.
  auto bare = decode(std::span(bytes).first(kFixedFieldsSize));
  REQUIRE(bare);
  CHECK(bare->file == "boot/pxelinux.0");
}

TEST_CASE("malformed messages are refused with a reason and an offset", "[dhcp]") {
  const auto good = capturedMessage("bios-ipxe-isc-offer");
  for (std::size_t length = 0; length < kFixedFieldsSize; ++length) {
    auto decoded = decode(std::span(good).first(length));
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code == DecodeErrorCode::TooShort);
  }
  auto badHlen = good;
  badHlen[2] = 17;
  CHECK(decode(badHlen).error() == DecodeError{DecodeErrorCode::BadHardwareLength, 2, 0});

  // Option 15's length made to run past the end of the message.
  auto truncated = good;
  const std::size_t domainOption = 240 + 3 + 6 + 6 + 6 + 6;
  REQUIRE(truncated[domainOption] == 15);
  truncated.resize(domainOption + 5);
  CHECK(decode(truncated).error() ==
        DecodeError{DecodeErrorCode::TruncatedOption, domainOption, 15});
  // A message cut just after an option's code has no length byte.
  truncated.resize(domainOption + 1);
  CHECK(decode(truncated).error().code == DecodeErrorCode::TruncatedOption);

  auto badOverload = good;
  const std::vector<std::uint8_t> overload{52, 1, 4, 255};
  std::copy(overload.begin(), overload.end(), badOverload.begin() + 240);
  CHECK(decode(badOverload).error() == DecodeError{DecodeErrorCode::BadOverload, 240, 52});
}

TEST_CASE("message types and unknown values", "[dhcp]") {
  Message message = sampleReply();
  CHECK(message.messageType() == MessageType::Ack);
  CHECK(toString(*message.messageType()) == "DHCPACK");
  message.options.set(option::kMessageType, {42});
  CHECK_FALSE(message.messageType());
  // An unknown type survives a round trip for policy to judge.
  auto decoded = decode(encodeToVector(message));
  REQUIRE(decoded);
  CHECK(decoded->options.find(option::kMessageType)->data == std::vector<std::uint8_t>{42});
}
