// Classes as ISC's class.c and dhcp.c treat them: subclasses by `match` value, `spawn with`,
// `lease limit` billing, and which class's statements have the last word.
#include <catch2/catch.hpp>

#include "dhcpd/engine/billing_book.hpp"
#include "dhcpd/leases/lease_format.hpp"
#include "dhcpd/leases/lease_reader.hpp"
#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;

namespace {

// Through a relay that tags the client's port with circuit id `circuit`.
dhcp::Message relayed(dhcp::Message message, const std::string& circuit) {
  message.giaddr = net::Ipv4Address(10, 99, 0, 1);
  std::vector<std::uint8_t> agent{1, static_cast<std::uint8_t>(circuit.size())};
  agent.insert(agent.end(), circuit.begin(), circuit.end());
  message.options.set(dhcp::option::kRelayAgentInformation, agent);
  return message;
}

const char* kMacAllow = R"(
authoritative;
class "mac-allow" { match hardware; }
subclass "mac-allow" 1:52:54:00:00:00:01;
subclass "mac-allow" 1:52:54:00:00:00:02 { filename "special.img"; }
subnet 192.168.0.0 netmask 255.255.255.0 {
  pool {
    range 192.168.0.100 192.168.0.149;
    allow members of "mac-allow";
  }
}
)";

const char* kPerCircuit = R"(
authoritative;
class "per-port" {
  spawn with option agent.circuit-id;
  lease limit 1;
  filename "port.img";
}
subnet 192.168.0.0 netmask 255.255.255.0 { }
subnet 10.99.0.0 netmask 255.255.255.0 {
  range 10.99.0.100 10.99.0.149;
}
)";

}  // namespace

TEST_CASE("subclass by hardware: only the listed MACs may use the pool", "[engine][classes]") {
  Server server(kMacAllow);
  auto listed = server.handle(discover(1, 1), kNow);
  REQUIRE(listed.reply);
  CHECK(listed.reply->yiaddr == net::Ipv4Address(192, 168, 0, 100));
  CHECK(listed.reply->file.empty());
  auto unlisted = server.handle(discover(3, 3), kNow);
  CHECK_FALSE(unlisted.reply);
  CHECK(unlisted.log.back() ==
        "DHCPDISCOVER from 52:54:00:00:00:03 via s0: network 192.168.0.0/24: no free leases");
}

TEST_CASE("a subclass's own statements come after its class's", "[engine][classes]") {
  Server server(R"(
class "by-mac" { match hardware; filename "class.img"; next-server 10.0.0.1; }
subclass "by-mac" 1:52:54:00:00:00:01;
subclass "by-mac" 1:52:54:00:00:00:02 { filename "own.img"; }
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.149; }
)");
  auto plain = server.handle(discover(1, 1), kNow);
  auto own = server.handle(discover(2, 2), kNow);
  auto none = server.handle(discover(3, 3), kNow);
  REQUIRE(plain.reply);
  REQUIRE(own.reply);
  REQUIRE(none.reply);
  CHECK(plain.reply->file == "class.img");
  CHECK(own.reply->file == "own.img");
  CHECK(own.reply->siaddr == net::Ipv4Address(10, 0, 0, 1));
  CHECK(none.reply->file.empty());
}

TEST_CASE("a string subclass value matches the submatch's data", "[engine][classes]") {
  Server server(R"(
class "vendor" { match substring(option vendor-class-identifier, 0, 9); }
subclass "vendor" "PXEClient" { filename "pxe.img"; }
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.149; }
)");
  auto message = discover(1, 1);
  std::string vendor = "PXEClient:Arch:00000:UNDI:002001";
  message.options.set(60, std::vector<std::uint8_t>(vendor.begin(), vendor.end()));
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->file == "pxe.img");
  auto other = server.handle(discover(2, 2), kNow);
  REQUIRE(other.reply);
  CHECK(other.reply->file.empty());
}

TEST_CASE("the first class declared has the last word, as ISC runs classes", "[engine][classes]") {
  Server server(R"(
class "first" { match if exists dhcp-parameter-request-list; filename "first.img"; }
class "second" { match if exists dhcp-parameter-request-list; filename "second.img"; }
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.149; }
)");
  auto outcome = server.handle(discover(1, 1), kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->file == "first.img");
}

TEST_CASE("match if guards the submatch of the same class", "[engine][classes]") {
  Server server(R"(
class "guarded" {
  match if exists agent.circuit-id;
  spawn with option agent.circuit-id;
  filename "relayed.img";
}
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.149; }
subnet 10.99.0.0 netmask 255.255.255.0 { range 10.99.0.100 10.99.0.149; }
)");
  auto tagged = server.handle(relayed(discover(1, 1), "port-1"), kNow);
  REQUIRE(tagged.reply);
  CHECK(tagged.reply->file == "relayed.img");
  auto local = server.handle(discover(2, 2), kNow);
  REQUIRE(local.reply);
  CHECK(local.reply->file.empty());
}

TEST_CASE("spawn with circuit id and lease limit 1: one lease per port", "[engine][classes]") {
  Server server(kPerCircuit);
  auto offer = server.handle(relayed(discover(1, 1), "port-1"), kNow);
  REQUIRE(offer.reply);
  CHECK(offer.reply->file == "port.img");
  // An offer bills nothing: a second client on the port is offered too until the first ACK.
  auto early = server.handle(relayed(discover(2, 2), "port-1"), kNow);
  CHECK(early.reply);
  auto ack = server.handle(relayed(requestFor(1, 1, offer.reply->yiaddr), "port-1"), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.reply->messageType() == MessageType::Ack);
  REQUIRE(ack.commits.size() == 1);
  CHECK(ack.commits[0].extraStatements ==
        std::vector<std::string>{"billing subclass \"per-port\" \"port-1\";"});
  CHECK(server.billing.count(billingKey("per-port", std::string("port-1"))) == 1);

  auto refused = server.handle(relayed(discover(3, 3), "port-1"), kNow);
  CHECK_FALSE(refused.reply);
  CHECK(refused.log.back() ==
        "DHCPDISCOVER from 52:54:00:00:00:03 via 10.99.0.1: no available billing: lease limit "
        "reached in all matching classes (last: 'per-port')");
  // The client holding the port's lease keeps getting it.
  auto again = server.handle(relayed(discover(1, 4), "port-1"), kNow);
  REQUIRE(again.reply);
  CHECK(again.reply->yiaddr == offer.reply->yiaddr);
  // Another port is another spawned class with its own limit.
  CHECK(server.handle(relayed(discover(3, 5), "port-2"), kNow).reply);
  // A REQUEST that would take a second lease on the port gets no answer (not a NAK).
  auto second = server.handle(relayed(requestFor(2, 2, early.reply->yiaddr), "port-1"), kNow);
  CHECK_FALSE(second.reply);

  // RELEASE frees the port.
  auto release = clientMessage(MessageType::Release, 1, 6);
  release.ciaddr = offer.reply->yiaddr;
  release.giaddr = net::Ipv4Address(10, 99, 0, 1);
  server.handle(release, kNow);
  CHECK(server.billing.count(billingKey("per-port", std::string("port-1"))) == 0);
  CHECK(server.handle(relayed(discover(3, 7), "port-1"), kNow).reply);
}

TEST_CASE("lease limit on a plain class counts its leases", "[engine][classes]") {
  Server server(R"(
class "pxe" { match if substring(option vendor-class-identifier, 0, 9) = "PXEClient"; lease limit 2; }
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.149; }
)");
  std::string vendor = "PXEClient";
  auto pxe = [&](dhcp::Message message) {
    message.options.set(60, std::vector<std::uint8_t>(vendor.begin(), vendor.end()));
    return message;
  };
  for (std::uint8_t client = 1; client <= 2; ++client) {
    auto offer = server.handle(pxe(discover(client, client)), kNow);
    REQUIRE(offer.reply);
    auto ack = server.handle(pxe(requestFor(client, client, offer.reply->yiaddr)), kNow);
    REQUIRE(ack.reply);
    CHECK(ack.commits.at(0).extraStatements ==
          std::vector<std::string>{"billing class \"pxe\";"});
  }
  CHECK_FALSE(server.handle(pxe(discover(3, 3)), kNow).reply);
  // Clients outside the class are not limited.
  CHECK(server.handle(discover(4, 4), kNow).reply);
}

TEST_CASE("billing statements as ISC writes and reads them", "[engine][classes]") {
  CHECK(billingStatement(billingKey("pxe", std::nullopt)) == "billing class \"pxe\";");
  std::string mac("\x01\x52\x54\x00\x00\x00\x01", 7);
  auto key = billingKey("mac-allow", mac);
  CHECK(billingStatement(key) == "billing subclass \"mac-allow\" 01:52:54:00:00:00:01;");
  CHECK(parseBillingStatement(billingStatement(key)) == key);
  CHECK(parseBillingStatement("billing subclass \"per-port\" \"port-1\";") ==
        billingKey("per-port", std::string("port-1")));
  CHECK(parseBillingStatement("billing class \"pxe\";") == billingKey("pxe", std::nullopt));
  CHECK(parseBillingStatement("billing subclass \"x\" 1:2:zz;") == std::nullopt);
  CHECK(parseBillingStatement("option agent.circuit-id \"x\";") == std::nullopt);

  BillingBook book;
  book.bill(net::Ipv4Address(10, 0, 0, 1), "a");
  book.bill(net::Ipv4Address(10, 0, 0, 2), "a");
  book.bill(net::Ipv4Address(10, 0, 0, 2), "b");  // moved
  CHECK(book.count("a") == 1);
  CHECK(book.count("b") == 1);
  book.unbill(net::Ipv4Address(10, 0, 0, 1));
  CHECK(book.count("a") == 0);
  CHECK(book.billedTo(net::Ipv4Address(10, 0, 0, 2)) == "b");
}

TEST_CASE("a billed lease's statement survives dhcpd.leases as ISC writes and reads it",
          "[engine][classes]") {
  Server server(kPerCircuit);
  auto offer = server.handle(relayed(discover(1, 1), "port\x01"), kNow);  // not printable
  REQUIRE(offer.reply);
  auto ack = server.handle(relayed(requestFor(1, 1, offer.reply->yiaddr), "port\x01"), kNow);
  REQUIRE(ack.commits.size() == 1);
  auto text = dhcpd::leases::formatLease(ack.commits[0]);
  CHECK(text.find("\n  billing subclass \"per-port\" 70:6f:72:74:01;") != std::string::npos);
  auto read = dhcpd::leases::readLeaseFile(text, "dhcpd.leases");
  REQUIRE(read.leases.size() == 1);
  REQUIRE(read.leases[0].extraStatements.size() == 1);
  CHECK(parseBillingStatement(read.leases[0].extraStatements[0]) ==
        billingKey("per-port", std::string("port\x01")));
}
