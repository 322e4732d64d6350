#include <catch2/catch.hpp>

#include "dhcpd/engine/destination.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;

namespace {

struct Row {
  const char* name;
  net::Ipv4Address giaddr;
  net::Ipv4Address ciaddr;
  bool broadcast;
  dhcp::MessageType type;
  Destination expected;
};

const net::MacAddress kClient = *net::MacAddress::parse("52:54:00:00:00:01");
const net::Ipv4Address kYiaddr(192, 168, 0, 100);
const net::Ipv4Address kNone;
const net::Ipv4Address kRelay(10, 99, 0, 1);
const net::Ipv4Address kCiaddr(192, 168, 0, 7);
const net::Ipv4Address kAll = net::Ipv4Address::broadcast();
const net::MacAddress kAllMac = net::MacAddress::broadcast();
using Via = Destination::Via;
using dhcp::MessageType;

}  // namespace

TEST_CASE("reply destinations follow RFC 2131 4.1 as ISC sends them", "[engine][destination]") {
  const Row rows[] = {
      {"relay", kRelay, kNone, false, MessageType::Offer, {Via::Kernel, kRelay, 67, {}}},
      {"relay, broadcast flag", kRelay, kNone, true, MessageType::Offer,
       {Via::Kernel, kRelay, 67, {}}},
      {"relay, NAK", kRelay, kNone, false, MessageType::Nak, {Via::Kernel, kRelay, 67, {}}},
      {"renewing", kNone, kCiaddr, false, MessageType::Ack, {Via::Kernel, kCiaddr, 68, {}}},
      {"renewing, broadcast flag", kNone, kCiaddr, true, MessageType::Ack,
       {Via::Kernel, kCiaddr, 68, {}}},
      {"renewing, NAK", kNone, kCiaddr, false, MessageType::Nak, {Via::Raw, kAll, 68, kAllMac}},
      {"broadcast flag", kNone, kNone, true, MessageType::Offer, {Via::Raw, kAll, 68, kAllMac}},
      {"NAK", kNone, kNone, false, MessageType::Nak, {Via::Raw, kAll, 68, kAllMac}},
      {"unicast", kNone, kNone, false, MessageType::Offer, {Via::Raw, kYiaddr, 68, kClient}},
      {"unicast ACK", kNone, kNone, false, MessageType::Ack, {Via::Raw, kYiaddr, 68, kClient}},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    dhcp::Message request;
    request.giaddr = row.giaddr;
    request.ciaddr = row.ciaddr;
    request.flags = row.broadcast ? dhcp::kBroadcastFlag : 0;
    auto octets = kClient.octets();
    std::copy(octets.begin(), octets.end(), request.chaddr.begin());
    dhcp::Message reply;
    reply.op = 2;
    reply.yiaddr = row.type == MessageType::Nak ? kNone : kYiaddr;
    reply.options.set(dhcp::option::kMessageType, {static_cast<std::uint8_t>(row.type)});
    CHECK(replyDestination(request, reply) == row.expected);
  }
}

TEST_CASE("a BOOTP reply without yiaddr or with a non-Ethernet chaddr is broadcast",
          "[engine][destination]") {
  dhcp::Message request;
  request.htype = 6;
  dhcp::Message reply;
  reply.yiaddr = kYiaddr;
  CHECK(replyDestination(request, reply) == Destination{Via::Raw, kAll, 68, kAllMac});
  request.htype = 1;
  reply.yiaddr = kNone;
  CHECK(replyDestination(request, reply) == Destination{Via::Raw, kAll, 68, kAllMac});
}
