// get-lease-hostnames (names looked up when the configuration loads), use-host-decl-names, and
// one-lease-per-client, as ISC's ack_lease does them.
#include <catch2/catch.hpp>

#include "dhcpd/engine/lease_hostnames.hpp"
#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;
using snowboot::dhcpd::leases::BindingState;

namespace {

const std::vector<std::uint8_t> kPrlName{1, 3, 6, 15, 51, 58, 59, 12};

std::string hostName(const dhcp::Message& message) {
  const auto option = message.options.find(dhcp::option::kHostName);
  return option ? std::string(option->data.begin(), option->data.end()) : "(none)";
}

const char* kNames = R"(
get-lease-hostnames on;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.102;
}
subnet 10.0.0.0 netmask 255.255.255.0 {
  get-lease-hostnames off;
  range 10.0.0.100 10.0.0.200;
}
host fixed { hardware ethernet 52:54:00:00:00:f3; fixed-address 192.168.0.200; }
group {
  use-host-decl-names on;
  host pc-decl { hardware ethernet 52:54:00:00:00:f4; fixed-address 192.168.0.201; }
}
)";

std::optional<std::string> fakeDns(net::Ipv4Address address) {
  if (address == net::Ipv4Address(192, 168, 0, 100)) return "lease-100.pxelab.test";
  if (address == net::Ipv4Address(192, 168, 0, 200)) return "fixed-200.pxelab.test";
  if (address == net::Ipv4Address(192, 168, 0, 201)) return "fixed-201.pxelab.test";
  return std::nullopt;
}

}  // namespace

TEST_CASE("get-lease-hostnames looks up only the addresses of scopes that turn it on",
          "[engine][names]") {
  Server server(kNames);
  std::vector<net::Ipv4Address> asked;
  auto report = resolveLeaseHostnames(server.model, [&](net::Ipv4Address address) {
    asked.push_back(address);
    return fakeDns(address);
  });
  CHECK(report.looked == 5);  // .100-.102 and the two fixed addresses, not 10.0.0.0/24
  CHECK(report.named == 3);
  CHECK(report.skipped == 0);
  CHECK(server.model.leaseHostnames.size() == 3);

  auto limited = Server(kNames);
  auto capped = resolveLeaseHostnames(limited.model, fakeDns, 2);
  CHECK(capped.looked == 2);
  CHECK(capped.skipped == 3);
}

TEST_CASE("get-lease-hostnames sends the address's name with ISC's NUL", "[engine][names]") {
  Server server(kNames);
  resolveLeaseHostnames(server.model, fakeDns);
  auto offer = server.handle(discover(1, 1, kPrlName), kNow);
  REQUIRE(offer.reply);
  CHECK(offer.reply->yiaddr == net::Ipv4Address(192, 168, 0, 100));
  CHECK(hostName(*offer.reply) == std::string("lease-100.pxelab.test\0", 22));
  auto ack = server.handle(requestFor(1, 1, offer.reply->yiaddr, kServer, kPrlName), kNow);
  REQUIRE(ack.reply);
  CHECK(hostName(*ack.reply) == std::string("lease-100.pxelab.test\0", 22));

  auto nameless = server.handle(discover(2, 2, kPrlName), kNow);
  REQUIRE(nameless.reply);
  CHECK(hostName(*nameless.reply) == "(none)");
  CHECK(nameless.log.at(1) == "No hostname for 192.168.0.101");

  auto fixed = server.handle(discover(0xf3, 3, kPrlName), kNow);
  REQUIRE(fixed.reply);
  CHECK(hostName(*fixed.reply) == std::string("fixed-200.pxelab.test\0", 22));
  // use-host-decl-names comes first: the declaration's name, without a NUL.
  auto declared = server.handle(discover(0xf4, 4, kPrlName), kNow);
  REQUIRE(declared.reply);
  CHECK(hostName(*declared.reply) == "pc-decl");
}

TEST_CASE("one-lease-per-client releases the client's other lease on a REQUEST",
          "[engine][names]") {
  Server server(R"(
authoritative;
one-lease-per-client on;
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.101; }
subnet 10.99.0.0 netmask 255.255.255.0 { range 10.99.0.100 10.99.0.101; }
)");
  auto offer = server.handle(discover(1, 1, kPrlName), kNow);
  REQUIRE(offer.reply);
  auto first = offer.reply->yiaddr;
  REQUIRE(server.handle(requestFor(1, 1, first, kServer, kPrlName), kNow).reply);

  auto relay = [](dhcp::Message message) {
    message.giaddr = net::Ipv4Address(10, 99, 0, 1);
    return message;
  };
  // INIT-REBOOT for an address never offered to it: the lease knows no client, nothing goes.
  auto reboot = server.handle(
      relay(requestFor(1, 2, net::Ipv4Address(10, 99, 0, 101), std::nullopt, kPrlName)), kNow);
  REQUIRE(reboot.reply);
  CHECK(reboot.reply->messageType() == MessageType::Ack);
  CHECK(reboot.commits.size() == 1);
  CHECK(server.store.findByAddress(first)->state == BindingState::Active);

  // Offered, then requested: the offer recorded the client, its older leases are released.
  auto moved = server.handle(relay(discover(1, 3, kPrlName)), kNow);
  REQUIRE(moved.reply);
  auto second = moved.reply->yiaddr;
  auto ack = server.handle(relay(requestFor(1, 3, second, kServer, kPrlName)), kNow);
  REQUIRE(ack.reply);
  REQUIRE(ack.commits.size() >= 2);
  CHECK(ack.commits.back().address == second);
  CHECK(server.store.findByAddress(first)->state == BindingState::Free);
  CHECK(server.store.findByAddress(second)->state == BindingState::Active);
}

TEST_CASE("without one-lease-per-client a client keeps both leases", "[engine][names]") {
  Server server(R"(
authoritative;
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.101; }
subnet 10.99.0.0 netmask 255.255.255.0 { range 10.99.0.100 10.99.0.101; }
)");
  auto offer = server.handle(discover(1, 1, kPrlName), kNow);
  REQUIRE(offer.reply);
  REQUIRE(server.handle(requestFor(1, 1, offer.reply->yiaddr, kServer, kPrlName), kNow).reply);
  auto relayed = discover(1, 2, kPrlName);
  relayed.giaddr = net::Ipv4Address(10, 99, 0, 1);
  auto moved = server.handle(relayed, kNow);
  REQUIRE(moved.reply);
  auto request = requestFor(1, 2, moved.reply->yiaddr, kServer, kPrlName);
  request.giaddr = relayed.giaddr;
  auto ack = server.handle(request, kNow);
  REQUIRE(ack.reply);
  CHECK(ack.commits.size() == 1);
  CHECK(server.store.findByAddress(offer.reply->yiaddr)->state == BindingState::Active);
}

TEST_CASE("one-lease-per-client finds a declared host's leases by hardware under deny duplicates",
          "[engine][names]") {
  // ISC's duplicates option, in either spelling; with it allowed (the default) a client that
  // changes its identifier keeps the lease of the old one.
  auto withUid = [](dhcp::Message message, std::uint8_t id) {
    message.options.set(dhcp::option::kClientIdentifier,
                        std::vector<std::uint8_t>{0xff, 0, 0, 0, id});
    return message;
  };
  for (const auto& [form, released] : {std::pair{"deny duplicates;", true},
                                       std::pair{"duplicates off;", true},
                                       std::pair{"", false}}) {
    CAPTURE(form);
    Server server(std::string(R"(
authoritative;
one-lease-per-client on;
)") + form + R"(
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.101; }
host pc { hardware ethernet 52:54:00:00:00:01; }
)");
    auto offer = server.handle(withUid(discover(1, 1, kPrlName), 0xa), kNow);
    REQUIRE(offer.reply);
    auto first = offer.reply->yiaddr;
    REQUIRE(server.handle(withUid(requestFor(1, 1, first, kServer, kPrlName), 0xa), kNow).reply);
    auto again = server.handle(withUid(discover(1, 2, kPrlName), 0xb), kNow);
    REQUIRE(again.reply);
    auto second = again.reply->yiaddr;
    CHECK(second != first);
    REQUIRE(server.handle(withUid(requestFor(1, 2, second, kServer, kPrlName), 0xb), kNow).reply);
    CHECK(server.store.findByAddress(first)->state ==
          (released ? BindingState::Free : BindingState::Active));
  }
}
