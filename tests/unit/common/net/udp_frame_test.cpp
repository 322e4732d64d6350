#include "common/net/udp_frame.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/fixture.hpp"

using namespace snowboot::net;

namespace {

// ISC dhcpd 4.4.3-P1's DHCPOFFER to an iPXE ROM, sent as a raw frame (TTL 128, IP id 0,
// TOS 0x10); see tests/fixtures/captures/README.md.
std::vector<std::uint8_t> iscOfferFrame() {
  return snowboot::test::readFixture("captures/bios-ipxe-isc-offer.frame");
}

}  // namespace

TEST_CASE("a raw DHCPOFFER captured from ISC dhcpd parses", "[net][frame]") {
  const auto frame = iscOfferFrame();
  REQUIRE(frame.size() == 342);
  auto parsed = parseUdpFrame(frame);
  REQUIRE(parsed);
  const auto& h = parsed->header;
  CHECK(h.destinationMac.toString() == "52:54:00:12:34:56");
  CHECK(h.sourceMac.toString() == "56:23:56:a7:1b:3b");
  CHECK(h.sourceAddress == Ipv4Address(192, 168, 0, 1));
  CHECK(h.destinationAddress == Ipv4Address(192, 168, 0, 200));
  CHECK(h.sourcePort == 67);
  CHECK(h.destinationPort == 68);
  CHECK(h.timeToLive == 128);
  CHECK(h.identification == 0);
  CHECK(h.typeOfService == 0x10);
  CHECK_FALSE(h.dontFragment);
  CHECK(parsed->payload.size() == 300);
  CHECK(parsed->payload[0] == 2);  // BOOTREPLY
}

TEST_CASE("emitting the captured header and payload reproduces ISC's frame exactly",
          "[net][frame]") {
  const auto frame = iscOfferFrame();
  auto parsed = parseUdpFrame(frame);
  REQUIRE(parsed);
  std::vector<std::uint8_t> out(1500);
  auto emitted = emitUdpFrame(parsed->header, parsed->payload, out);
  REQUIRE(emitted);
  CHECK(std::vector<std::uint8_t>(emitted->begin(), emitted->end()) == frame);
}

TEST_CASE("emit then parse is the identity for every payload length", "[net][frame]") {
  UdpFrameHeader header;
  header.sourceMac = *MacAddress::parse("02:00:00:00:00:01");
  header.destinationMac = MacAddress::broadcast();
  header.sourceAddress = Ipv4Address(10, 0, 0, 1);
  header.destinationAddress = Ipv4Address::broadcast();
  header.sourcePort = 67;
  header.destinationPort = 68;
  header.identification = 0x1234;
  header.dontFragment = true;
  std::vector<std::uint8_t> payload(600);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  std::vector<std::uint8_t> out(2000);
  for (std::size_t length = 0; length <= payload.size(); ++length) {
    auto emitted = emitUdpFrame(header, std::span(payload).first(length), out);
    REQUIRE(emitted);
    REQUIRE(emitted->size() == kUdpFrameOverhead + length);
    auto parsed = parseUdpFrame(*emitted);
    REQUIRE(parsed);
    CHECK(parsed->header == header);
    CHECK(std::equal(parsed->payload.begin(), parsed->payload.end(), payload.begin()));
    CHECK(parsed->payload.size() == length);
  }
}

TEST_CASE("emit refuses a buffer too small for the frame", "[net][frame]") {
  UdpFrameHeader header;
  std::vector<std::uint8_t> payload(100);
  std::vector<std::uint8_t> out(kUdpFrameOverhead + 99);
  auto emitted = emitUdpFrame(header, payload, out);
  REQUIRE_FALSE(emitted);
  CHECK(emitted.error().code == snowboot::BytesErrorCode::Overflow);
}

TEST_CASE("parse rejects damaged frames with a reason", "[net][frame]") {
  const auto good = iscOfferFrame();
  auto damaged = [&](std::size_t offset, std::uint8_t value) {
    auto copy = good;
    copy[offset] = value;
    return copy;
  };
  auto codeOf = [](const std::vector<std::uint8_t>& frame) {
    auto parsed = parseUdpFrame(frame);
    REQUIRE_FALSE(parsed);
    return parsed.error().code;
  };
  CHECK(codeOf(damaged(12, 0x86)) == FrameErrorCode::NotIpv4);
  CHECK(codeOf(damaged(14, 0x65)) == FrameErrorCode::BadIpHeader);
  CHECK(codeOf(damaged(14, 0x44)) == FrameErrorCode::BadIpHeader);
  CHECK(codeOf(damaged(22, 0x40)) == FrameErrorCode::BadIpChecksum);  // TTL changed
  CHECK(codeOf(damaged(23, 6)) == FrameErrorCode::BadIpChecksum);     // protocol changed
  CHECK(codeOf(damaged(100, 0x42)) == FrameErrorCode::BadUdpChecksum);
  // A zero UDP checksum means none was computed: the payload is taken as it is.
  auto noChecksum = damaged(40, 0);
  noChecksum[41] = 0;
  noChecksum[100] = 0x42;
  CHECK(parseUdpFrame(noChecksum));
  for (std::size_t length = 0; length < good.size(); ++length) {
    INFO(length);
    CHECK_FALSE(parseUdpFrame(std::span(good).first(length)));
  }
}

TEST_CASE("a frame whose checksum offload had not run yet is accepted", "[net][frame]") {
  // As a packet socket sees a reply a local socket sent over veth: the UDP checksum field holds
  // the folded pseudo-header sum (source, destination, protocol, UDP length) only.
  auto frame = iscOfferFrame();
  std::uint32_t pseudo = 0xc0a8 + 0x0001 + 0xc0a8 + 0x00c8 + 17 + 308;  // 192.168.0.1 -> .200
  while (pseudo >> 16) pseudo = (pseudo & 0xffff) + (pseudo >> 16);
  frame[40] = static_cast<std::uint8_t>(pseudo >> 8);
  frame[41] = static_cast<std::uint8_t>(pseudo);
  CHECK(parseUdpFrame(frame));
  frame[41] ^= 1;  // anything else that does not sum is still refused
  CHECK(parseUdpFrame(frame).error().code == FrameErrorCode::BadUdpChecksum);
}

TEST_CASE("parse ignores Ethernet padding after the IP datagram", "[net][frame]") {
  auto padded = iscOfferFrame();
  padded.insert(padded.end(), 18, 0xee);
  auto parsed = parseUdpFrame(padded);
  REQUIRE(parsed);
  CHECK(parsed->payload.size() == 300);
}

TEST_CASE("internet checksum matches RFC 1071's example", "[net][frame]") {
  // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2, complement 220d.
  const std::vector<std::uint8_t> words{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(internetChecksum(words) == 0x220d);
  const std::vector<std::uint8_t> odd{0x01};
  CHECK(internetChecksum(odd) == static_cast<std::uint16_t>(~0x0100));
}

TEST_CASE("internetChecksum equals RFC 1071's word-by-word sum at every length", "[net]") {
  // The reference: 16-bit big-endian words, a trailing odd byte padded with zero, end-around carry.
  auto reference = [](const std::vector<std::uint8_t>& data, std::uint32_t initial) {
    std::uint32_t sum = initial;
    for (std::size_t i = 0; i < data.size(); i += 2) {
      sum += std::uint32_t{data[i]} << 8 | (i + 1 < data.size() ? data[i + 1] : 0);
      sum = (sum & 0xffff) + (sum >> 16);
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
  };
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245 + 12345;
    return static_cast<std::uint8_t>(state >> 16);
  };
  for (std::size_t length = 0; length <= 1500; length += (length < 64 ? 1 : 37)) {
    std::vector<std::uint8_t> data(length);
    for (auto& byte : data) byte = next();
    INFO("length " << length);
    CHECK(internetChecksum(data, 0) == reference(data, 0));
    CHECK(internetChecksum(data, 0x1fffe) == reference(data, 0x1fffe));
    std::vector<std::uint8_t> ones(length, 0xff);
    CHECK(internetChecksum(ones, 0) == reference(ones, 0));
  }
}
