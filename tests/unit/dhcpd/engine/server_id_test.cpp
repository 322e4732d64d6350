// A server identifier set per subnet (in offers, ACKs, NAKs, and recognised in REQUESTs), and
// the end of dynamic BOOTP leases (dynamic-bootp-lease-length, dynamic-bootp-lease-cutoff).
#include <catch2/catch.hpp>

#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;

namespace {

const char* kServerId = R"(
authoritative;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.109;
  option dhcp-server-identifier 192.168.0.250;
}
subnet 10.99.0.0 netmask 255.255.255.0 { range 10.99.0.100 10.99.0.109; }
)";

std::vector<std::uint8_t> serverIdOf(const dhcp::Message& message) {
  const auto option = message.options.find(dhcp::option::kServerIdentifier);
  return option ? option->bytes() : std::vector<std::uint8_t>{};
}

dhcp::Message request(std::uint8_t last, net::Ipv4Address address,
                      std::optional<net::Ipv4Address> serverId) {
  auto message = clientMessage(MessageType::Request, last, last);
  message.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
  if (serverId) message.options.set(dhcp::option::kServerIdentifier, bytesOf(*serverId));
  return message;
}

dhcp::Message bootRequest(std::uint8_t last) {
  dhcp::Message message;
  message.xid = last;
  message.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, last};
  return message;
}

}  // namespace

TEST_CASE("a subnet's server identifier is ours in REQUESTs and is sent in NAKs",
          "[engine][server-id]") {
  Server server(kServerId);
  const net::Ipv4Address service(192, 168, 0, 250);
  auto offer = server.handle(clientMessage(MessageType::Discover, 1, 1), kNow);
  REQUIRE(offer.reply);
  CHECK(serverIdOf(*offer.reply) == bytesOf(service));
  auto ack = server.handle(request(1, offer.reply->yiaddr, service), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.reply->messageType() == MessageType::Ack);
  CHECK(serverIdOf(*ack.reply) == bytesOf(service));

  auto nak = server.handle(request(2, net::Ipv4Address(10, 5, 5, 5), std::nullopt), kNow);
  REQUIRE(nak.reply);
  CHECK(nak.reply->messageType() == MessageType::Nak);
  CHECK(serverIdOf(*nak.reply) == bytesOf(service));

  // Through the relay's network, which sets none: the interface's address.
  auto relayed = request(3, net::Ipv4Address(192, 168, 0, 105), std::nullopt);
  relayed.giaddr = net::Ipv4Address(10, 99, 0, 1);
  auto relayedNak = server.handle(relayed, kNow);
  REQUIRE(relayedNak.reply);
  CHECK(serverIdOf(*relayedNak.reply) == bytesOf(server.arrival.serverAddress));

  // Another server's identifier: not checked (ISC checks it only for failover pools).
  auto other = server.handle(request(4, net::Ipv4Address(192, 168, 0, 106),
                                     net::Ipv4Address(192, 168, 0, 9)),
                             kNow);
  REQUIRE(other.reply);
  CHECK(other.reply->messageType() == MessageType::Ack);
  CHECK(serverIdOf(*other.reply) == bytesOf(service));
}

TEST_CASE("dynamic BOOTP leases: never, a length, or the cutoff date", "[engine][bootp]") {
  auto endOf = [](const std::string& settings) {
    Server server("subnet 192.168.0.0 netmask 255.255.255.0 {\n"
                  "  range dynamic-bootp 192.168.0.100 192.168.0.109;\n" +
                  settings + "}\n");
    auto outcome = server.handle(bootRequest(7), kNow);
    REQUIRE(outcome.reply);
    REQUIRE(outcome.commits.size() == 1);
    return *outcome.commits[0].ends;
  };
  CHECK(endOf("") == dhcpd::leases::kNever);
  CHECK(endOf("dynamic-bootp-lease-length 3600;\n") == kNow + std::chrono::seconds(3600));
  // The cutoff is a time since the epoch and wins over the length.
  CHECK(endOf("dynamic-bootp-lease-length 3600;\ndynamic-bootp-lease-cutoff 1800000000;\n") ==
        dhcpd::leases::Time(std::chrono::seconds(1'800'000'000)));
}
