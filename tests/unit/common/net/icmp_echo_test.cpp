#include "common/net/icmp_echo.hpp"

#include <array>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::net;

namespace {
// Checksums computed independently (Python, RFC 1071) for these exact messages.
const std::vector<std::uint8_t> kRequest{0x08, 0x00, 0x21, 0x04, 0x12, 0x34,
                                         0x00, 0x01, 'a',  'b',  'c',  'd'};
const std::vector<std::uint8_t> kReply{0x00, 0x00, 0x41, 0x09, 0xbe, 0xef, 0x00, 0x07};
}  // namespace

TEST_CASE("an echo request is emitted with its RFC 1071 checksum", "[net][icmp]") {
  const std::array<std::uint8_t, 4> payload{'a', 'b', 'c', 'd'};
  std::array<std::uint8_t, 64> out{};
  auto emitted = emitIcmpEcho({kIcmpEchoRequest, 0x1234, 1, payload}, out);
  REQUIRE(emitted);
  CHECK(std::vector<std::uint8_t>(emitted->begin(), emitted->end()) == kRequest);
  auto parsed = parseIcmpEcho(*emitted);
  REQUIRE(parsed);
  CHECK(*parsed == IcmpEcho{kIcmpEchoRequest, 0x1234, 1, payload});
}

TEST_CASE("an echo reply parses, and damaged, short or other messages do not", "[net][icmp]") {
  auto reply = parseIcmpEcho(kReply);
  REQUIRE(reply);
  CHECK(reply->type == kIcmpEchoReply);
  CHECK(reply->identifier == 0xbeef);
  CHECK(reply->sequence == 7);
  CHECK(reply->payload.empty());
  for (std::size_t length = 0; length < kReply.size(); ++length) {
    CHECK_FALSE(parseIcmpEcho(std::span(kReply).first(length)));
  }
  auto damaged = kReply;
  damaged[5] ^= 0x01;
  CHECK_FALSE(parseIcmpEcho(damaged));
  // Destination unreachable (type 3) is not an echo, whatever its checksum says.
  std::array<std::uint8_t, 8> unreachable{};
  unreachable[0] = 3;
  std::array<std::uint8_t, 64> out{};
  auto copy = emitIcmpEcho({3, 0, 0, {}}, out);
  REQUIRE(copy);
  CHECK_FALSE(parseIcmpEcho(*copy));
  CHECK_FALSE(parseIcmpEcho(unreachable));
}

TEST_CASE("emitting into a buffer too small is an error, not a short message", "[net][icmp]") {
  std::array<std::uint8_t, 7> tiny{};
  CHECK_FALSE(emitIcmpEcho({kIcmpEchoRequest, 1, 1, {}}, tiny));
}

TEST_CASE("a raw socket's IPv4 packet yields the ICMP message after its header", "[net][icmp]") {
  // IHL 6 (one option word), protocol 1.
  std::vector<std::uint8_t> packet{0x46, 0, 0, 32, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 2, 10, 0, 0,
                                   1,    1, 1, 1,  1};
  packet.insert(packet.end(), kReply.begin(), kReply.end());
  auto icmp = icmpInIpv4(packet);
  REQUIRE(icmp);
  CHECK(icmp->size() == kReply.size());
  CHECK(parseIcmpEcho(*icmp));
  auto udp = packet;
  udp[9] = 17;
  CHECK_FALSE(icmpInIpv4(udp));
  CHECK_FALSE(icmpInIpv4(std::span(packet).first(23)));  // shorter than its IHL
  auto ipv6 = packet;
  ipv6[0] = 0x66;
  CHECK_FALSE(icmpInIpv4(ipv6));
}
