#include "common/dhcp/message.hpp"

#include <algorithm>
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

EncodeLimits limitsFor(std::size_t maxMessageSize) {
  EncodeLimits limits;
  limits.optionsField = optionsFieldFor(maxMessageSize);
  return limits;
}

// The options sorted by code: overloaded fields give them back in another order.
OptionList sortedOptions(const Message& message) {
  auto entries = message.options.entries();
  std::vector<Option> sorted(entries.begin(), entries.end());
  std::ranges::sort(sorted, {}, &Option::code);
  OptionList list;
  for (const auto& entry : sorted) list.set(entry.code, entry.data);
  return list;
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

TEST_CASE("an option list keeps each option's bytes through replaces, appends and removals",
          "[dhcp]") {
  using Bytes = std::vector<std::uint8_t>;
  OptionList list;
  list.set(1, {1, 2, 3});
  list.set(2, {4});
  list.set(1, {9});  // shorter: in place
  CHECK(list.find(1)->bytes() == Bytes{9});
  list.set(1, {5, 6, 7, 8});  // longer: its bytes move, its place in the order stays
  CHECK(list.find(1)->bytes() == Bytes{5, 6, 7, 8});
  CHECK(list.find(2)->bytes() == Bytes{4});
  list.append(2, std::vector<std::uint8_t>{5});  // not the last bytes: moved, then extended
  CHECK(list.find(2)->bytes() == Bytes{4, 5});
  CHECK(list.find(1)->bytes() == Bytes{5, 6, 7, 8});
  list.append(3, std::vector<std::uint8_t>{});
  REQUIRE(list.find(3));
  CHECK(list.find(3)->data.empty());
  // Data that is a view into the list itself.
  list.set(3, list.find(1)->data);
  list.append(1, list.find(1)->data);
  CHECK(list.find(3)->bytes() == Bytes{5, 6, 7, 8});
  CHECK(list.find(1)->bytes() == Bytes{5, 6, 7, 8, 5, 6, 7, 8});
  list.set(2, list.find(2)->data.subspan(1));
  CHECK(list.find(2)->bytes() == Bytes{5});
  // Views into the list stay good while it grows past its first buffer (run under ASan).
  OptionList growing;
  growing.set(7, {1, 2});
  growing.set(8, {3});
  for (int i = 0; i < 10; ++i) {
    growing.append(7, growing.find(7)->data);
    growing.set(8, growing.find(7)->data);
  }
  CHECK(growing.find(7)->data.size() == 2048);
  CHECK(growing.find(8)->bytes() == growing.find(7)->bytes());
  std::vector<std::uint8_t> order;
  for (const auto& entry : list.entries()) order.push_back(entry.code);
  CHECK(order == Bytes{1, 2, 3});

  list.remove(1);
  CHECK_FALSE(list.find(1));
  CHECK(list.size() == 2);
  // Equal to a list that holds the same options, whatever bytes each left behind.
  OptionList fresh;
  fresh.set(2, {5});
  fresh.set(3, {5, 6, 7, 8});
  CHECK(list == fresh);
  fresh.set(3, {5, 6, 7, 9});
  CHECK_FALSE(list == fresh);
  OptionList copy = list;
  copy.set(2, {7});
  CHECK(list.find(2)->bytes() == Bytes{5});
}

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
  CHECK(m.options.find(option::kDomainName)->bytes() == bytesOf("pxelab.test"));
  CHECK(m.options.find(option::kLeaseTime)->bytes() == std::vector<std::uint8_t>{0, 0, 2, 0x58});
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
  CHECK(bios->options.find(option::kClientSystemArchitecture)->bytes() ==
        std::vector<std::uint8_t>{0, 0});
  CHECK(bios->options.find(option::kVendorClass)->bytes() ==
        bytesOf("PXEClient:Arch:00000:UNDI:002001"));
  CHECK(bios->options.find(option::kUserClass)->bytes() == bytesOf("iPXE"));
  CHECK(bios->options.contains(option::kParameterRequestList));

  auto uefi = decode(capturedMessage("uefi-ovmf-discover"));
  REQUIRE(uefi);
  CHECK(uefi->broadcastFlag());
  CHECK(uefi->options.find(option::kClientSystemArchitecture)->bytes() ==
        std::vector<std::uint8_t>{0, 7});
  CHECK_FALSE(uefi->options.contains(option::kUserClass));

  auto chained = decode(capturedMessage("uefi-ipxe-discover"));
  REQUIRE(chained);
  CHECK(chained->options.find(option::kUserClass)->bytes() == bytesOf("iPXE"));
}

TEST_CASE("clients' requests survive decode and encode unchanged", "[dhcp]") {
  for (const char* name : {"bios-ipxe-discover", "bios-ipxe-request", "uefi-ovmf-discover",
                           "uefi-ipxe-discover"}) {
    INFO(name);
    const auto original = capturedMessage(name);
    auto decoded = decode(original);
    REQUIRE(decoded);
    auto again = decode(encodeToVector(*decoded, limitsFor(1500)));
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
  CHECK(decoded->options.find(43)->bytes() == bytesOf("abcd"));
}

TEST_CASE("a long option is split into 255-byte pieces and joined again", "[dhcp]") {
  Message message = sampleReply();
  std::vector<std::uint8_t> big(600);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  message.options.set(option::kVendorSpecific, big);
  auto bytes = encodeToVector(message, limitsFor(1500));
  // 53 (3 bytes), then 43 as 255 + 255 + 90.
  CHECK(bytes[240 + 3] == 43);
  CHECK(bytes[240 + 4] == 255);
  CHECK(bytes[240 + 3 + 257] == 43);
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(*decoded == message);
}

std::vector<std::uint8_t> slice(const std::vector<std::uint8_t>& bytes, std::size_t from,
                                std::size_t count) {
  return {bytes.begin() + static_cast<std::ptrdiff_t>(from),
          bytes.begin() + static_cast<std::ptrdiff_t>(from + count)};
}

TEST_CASE("options past the options field go whole to file, then sname, as ISC's", "[dhcp]") {
  Message message = sampleReply();                                   // 53: 3 bytes
  message.options.set(option::kVendorSpecific, std::vector<std::uint8_t>(200, 0xaa));  // main
  message.options.set(option::kDomainName, bytesOf(std::string(100, 'd')));  // not main: file
  message.options.set(option::kHostName, bytesOf(std::string(50, 'h')));     // main still
  message.options.set(17, bytesOf(std::string(60, 'r')));  // neither main nor file: sname
  std::vector<std::uint8_t> dropped;
  std::vector<std::uint8_t> out(2048);
  auto encoded = encode(message, {}, out, &dropped);
  REQUIRE(encoded);
  const std::vector<std::uint8_t> bytes(encoded->begin(), encoded->end());
  CHECK(dropped.empty());
  // cookie + 3 + 202 + 52 + option 52 + End; the options field keeps its 3 bytes for 52.
  CHECK(bytes.size() == kFixedFieldsSize + 4 + 3 + 202 + 52 + 3 + 1);
  CHECK(bytes[240 + 3] == 43);
  CHECK(bytes[240 + 3 + 202] == 12);
  CHECK(slice(bytes, 240 + 257, 4) == std::vector<std::uint8_t>{52, 1, 3, 255});
  CHECK(slice(bytes, 108, 2) == std::vector<std::uint8_t>{15, 100});  // file
  CHECK(bytes[108 + 102] == 255);
  CHECK(std::all_of(bytes.begin() + 108 + 103, bytes.begin() + 236, [](auto b) { return b == 0; }));
  CHECK(slice(bytes, 44, 2) == std::vector<std::uint8_t>{17, 60});  // sname
  CHECK(bytes[44 + 62] == 255);
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(codesOf(*decoded) == std::vector<std::uint8_t>{53, 43, 12, 15, 17});
  CHECK(sortedOptions(*decoded) == sortedOptions(message));
}

TEST_CASE("a configured file name leaves only sname for options", "[dhcp]") {
  Message message = sampleReply();
  message.file = "pxelinux.0";
  message.options.set(option::kVendorSpecific, std::vector<std::uint8_t>(280, 1));
  message.options.set(option::kDomainName, bytesOf(std::string(40, 'd')));
  auto bytes = encodeToVector(message);
  CHECK(bytes[44] == 15);
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(decoded->file == "pxelinux.0");
  CHECK(sortedOptions(*decoded) == sortedOptions(message));
}

TEST_CASE("an option that fits nowhere whole is split over what is left (RFC 3396)", "[dhcp]") {
  Message message = sampleReply();
  std::vector<std::uint8_t> big(400);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  message.options.set(option::kVendorSpecific, big);
  auto bytes = encodeToVector(message);
  // 255 bytes, then what the options field has left but 3 for option 52 (308 - 260 - 2 - 3),
  // then the rest in file.
  CHECK(slice(bytes, 243, 2) == std::vector<std::uint8_t>{43, 255});
  CHECK(slice(bytes, 243 + 257, 2) == std::vector<std::uint8_t>{43, 43});
  CHECK(slice(bytes, 108, 2) == std::vector<std::uint8_t>{43, 102});
  // The options field is exactly full with option 52: ISC writes no End there.
  CHECK(bytes.size() == 548);
  CHECK(slice(bytes, 545, 3) == std::vector<std::uint8_t>{52, 1, 1});
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(*decoded == message);
}

TEST_CASE("BOOTP's 64-byte vendor area keeps what fits and drops the rest", "[dhcp]") {
  Message message = sampleReply();
  message.options = {};
  message.options.set(option::kSubnetMask, {255, 255, 255, 0});
  message.options.set(option::kRouters, {192, 168, 0, 1});
  message.options.set(6, std::vector<std::uint8_t>(12, 9));
  message.options.set(119, std::vector<std::uint8_t>(31, 7));  // 26 + 33 > 60 - 3: dropped
  message.options.set(option::kDomainName, bytesOf("pxelab.test"));  // still fits after it
  EncodeLimits limits;
  limits.optionsField = kBootpVendorAreaSize;
  limits.overload = false;
  std::vector<std::uint8_t> dropped;
  std::vector<std::uint8_t> out(2048);
  auto encoded = encode(message, limits, out, &dropped);
  REQUIRE(encoded);
  CHECK(dropped == std::vector<std::uint8_t>{119});
  CHECK(encoded->size() == 300);
  auto decoded = decode(*encoded);
  REQUIRE(decoded);
  CHECK(codesOf(*decoded) == std::vector<std::uint8_t>{1, 3, 6, 15});
  CHECK((*encoded)[240 + 39] == 255);
  CHECK(std::all_of(encoded->begin() + 240 + 40, encoded->end(), [](auto b) { return b == 0; }));
}

TEST_CASE("only the sender's final option may use the room kept for option 52", "[dhcp]") {
  Message message = sampleReply();
  message.options = {};
  message.options.set(option::kRouters, {192, 168, 0, 1});  // 6 bytes of 60
  // 6 + 2 + 50 = 58: fits before End only without the 3 bytes kept for option 52.
  message.options.set(option::kDomainName, bytesOf(std::string(50, 'x')));
  EncodeLimits limits;
  limits.optionsField = kBootpVendorAreaSize;
  limits.overload = false;
  std::vector<std::uint8_t> out(2048);
  std::vector<std::uint8_t> dropped;
  REQUIRE(encode(message, limits, out, &dropped));
  CHECK(dropped == std::vector<std::uint8_t>{15});
  limits.lastIsFinal = true;
  dropped.clear();
  auto encoded = encode(message, limits, out, &dropped);
  REQUIRE(encoded);
  CHECK(dropped.empty());
  CHECK((*encoded)[240 + 58] == 255);
  // Relay agent information after it does not take that right away.
  message.options.set(option::kRelayAgentInformation, {1, 1, 'x'});
  dropped.clear();
  REQUIRE(encode(message, limits, out, &dropped));
  CHECK(dropped.empty());
}

TEST_CASE("relay agent information goes after option 52, in room of its own", "[dhcp]") {
  Message message = sampleReply();
  message.options.set(option::kVendorSpecific, std::vector<std::uint8_t>(350, 1));
  message.options.set(option::kRelayAgentInformation, {1, 4, 'e', 't', 'h', '0'});
  message.giaddr = net::Ipv4Address(10, 99, 0, 1);
  auto bytes = encodeToVector(message);
  // 53, then 43 as 255 + 43 bytes in the options field (all it has but 3 for option 52), the
  // rest in file, then option 52, then 82 in 8 bytes beyond the 312: full, so no End.
  CHECK(bytes.size() == kFixedFieldsSize + 312 + 8);
  CHECK(slice(bytes, bytes.size() - 11, 5) == std::vector<std::uint8_t>{52, 1, 1, 82, 6});
  CHECK(slice(bytes, 108, 2) == std::vector<std::uint8_t>{43, 52});
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(sortedOptions(*decoded) == sortedOptions(message));
}

TEST_CASE("ISC's room for options by the client's maximum message size", "[dhcp]") {
  CHECK(optionsFieldFor(576) == 312);
  CHECK(optionsFieldFor(300) == 312);
  CHECK(optionsFieldFor(800) == 536);
  CHECK(optionsFieldFor(1500) == 1236);
  CHECK(optionsFieldFor(65535) == 1236);
  Message message = sampleReply();
  message.options.set(option::kVendorSpecific, std::vector<std::uint8_t>(400, 1));
  // With room enough nothing is overloaded.
  auto bytes = encodeToVector(message, limitsFor(1500));
  CHECK(decode(bytes)->options == message.options);
  CHECK(std::all_of(bytes.begin() + 44, bytes.begin() + 236, [](auto b) { return b == 0; }));
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

TEST_CASE("BOOTP without a cookie keeps its vendor area, up to its last non-zero byte",
          "[dhcp]") {
  Message message = sampleReply();
  message.options = {};
  message.hasMagicCookie = false;
  message.vendorArea = {'A', 'C', 'M', 'E', 0, 0, 7};
  auto bytes = encodeToVector(message);
  REQUIRE(bytes.size() == 300);
  CHECK(std::equal(message.vendorArea.begin(), message.vendorArea.end(),
                   bytes.begin() + kFixedFieldsSize));
  CHECK(std::all_of(bytes.begin() + kFixedFieldsSize + 7, bytes.end(),
                    [](auto b) { return b == 0; }));
  auto decoded = decode(bytes);
  REQUIRE(decoded);
  CHECK(decoded->vendorArea == message.vendorArea);  // the zeros after 7 are padding
  CHECK(decoded->options.empty());
  CHECK(*decoded == message);
  // With a cookie the area is options, and no vendor bytes are kept.
  auto withCookie = decode(encodeToVector(sampleReply()));
  REQUIRE(withCookie);
  CHECK(withCookie->vendorArea.empty());
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
  CHECK(decoded->options.find(option::kMessageType)->bytes() == std::vector<std::uint8_t>{42});
}
