#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;

namespace {

dhcp::Message discover(std::uint8_t last) {
  auto message = clientMessage(MessageType::Discover, last, last);
  message.options.set(dhcp::option::kParameterRequestList, {1, 3, 6, 12, 15, 42});
  return message;
}

std::string optionText(const dhcp::Message& message, std::uint8_t code) {
  const auto option = message.options.find(code);
  return option ? std::string(option->data.begin(), option->data.end()) : "(none)";
}

}  // namespace

TEST_CASE("the model finds subnets, shared networks, pools, hosts and classes", "[engine]") {
  auto parsed = parse(R"(
class "pxe" { match if substring(option vendor-class-identifier, 0, 9) = "PXEClient"; }
shared-network lab {
  option domain-name "shared.test";
  subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.0.10 10.0.0.20; }
  subnet 10.0.1.0 netmask 255.255.255.0 {
    pool { range 10.0.1.10 10.0.1.20; allow members of "pxe"; }
  }
}
subnet 192.168.0.0 netmask 255.255.0.0 { }
subnet 192.168.5.0 netmask 255.255.255.0 { }
group {
  host a { hardware ethernet 52:54:00:00:00:0a; fixed-address 10.0.0.5; }
  host b { option dhcp-client-identifier "id-b"; }
}
)");
  REQUIRE(parsed->ok());
  auto model = buildConfigModel(parsed);
  REQUIRE(model.subnets.size() == 4);
  CHECK(model.sharedNetworks == std::vector<std::string>{"lab"});
  const auto* first = model.subnetFor(net::Ipv4Address(10, 0, 0, 1));
  REQUIRE(first);
  CHECK(model.sharedWith(*first).size() == 2);
  CHECK(model.subnetFor(net::Ipv4Address(192, 168, 5, 9))->network.prefixLength() == 24);
  CHECK(model.subnetFor(net::Ipv4Address(192, 168, 6, 9))->network.prefixLength() == 16);
  CHECK_FALSE(model.subnetFor(net::Ipv4Address(172, 16, 0, 1)));
  const auto* second = model.subnetFor(net::Ipv4Address(10, 0, 1, 1));
  REQUIRE(second->pools.size() == 1);
  REQUIRE(second->pools[0].permits.size() == 1);
  CHECK(second->pools[0].permits[0].what == PoolPermit::What::Members);
  CHECK(second->pools[0].permits[0].className == "pxe");
  CHECK(model.allRanges().size() == 2);
  dhcpd::leases::HardwareAddress hardware{1, {0x52, 0x54, 0, 0, 0, 0x0a}};
  REQUIRE(model.hostByHardware(hardware));
  CHECK(model.hostByHardware(hardware)->fixedAddresses ==
        std::vector<net::Ipv4Address>{net::Ipv4Address(10, 0, 0, 5)});
  REQUIRE(model.hostByClientId("id-b"));
  CHECK(model.hostByClientId("id-b")->name == "b");
  REQUIRE(model.classes.size() == 1);
  CHECK(model.classes[0].match);
}

TEST_CASE("hosts are found by hardware type and address and by client id, first declared",
          "[engine]") {
  auto parsed = parse(R"(
subnet 10.0.0.0 netmask 255.255.255.0 { }
host first { hardware ethernet 52:54:00:00:00:0b; fixed-address 10.0.0.5; }
host again { hardware ethernet 52:54:00:00:00:0b; fixed-address 10.0.0.6; }
host ring { hardware token-ring 52:54:00:00:00:0c; }
host id-1 { option dhcp-client-identifier "same"; }
host id-2 { option dhcp-client-identifier "same"; }
)");
  REQUIRE(parsed->ok());
  auto model = buildConfigModel(parsed);
  using dhcpd::leases::HardwareAddress;
  const auto* host = model.hostByHardware(HardwareAddress{1, {0x52, 0x54, 0, 0, 0, 0x0b}});
  REQUIRE(host);
  CHECK(host->name == "first");
  CHECK(model.hostByHardware(HardwareAddress{6, {0x52, 0x54, 0, 0, 0, 0x0c}})->name == "ring");
  CHECK_FALSE(model.hostByHardware(HardwareAddress{1, {0x52, 0x54, 0, 0, 0, 0x0c}}));
  CHECK_FALSE(model.hostByHardware(HardwareAddress{1, {0x52, 0x54, 0, 0, 0}}));
  REQUIRE(model.hostByClientId("same"));
  CHECK(model.hostByClientId("same")->name == "id-1");
  CHECK_FALSE(model.hostByClientId("sam"));
  CHECK_FALSE(model.hostByClientId(""));
}

TEST_CASE("inner scopes override outer ones, and default gives way", "[engine]") {
  Server server(R"(
option domain-name "global.test";
option ntp-servers 10.0.0.1;
shared-network lab {
  option domain-name "shared.test";
  subnet 192.168.0.0 netmask 255.255.255.0 {
    range 192.168.0.100 192.168.0.110;
    default ntp-servers 10.9.9.9;
  }
}
group {
  option domain-name "group.test";
  host pc { hardware ethernet 52:54:00:00:00:33; fixed-address 192.168.0.33; }
}
)");
  auto plain = server.handle(discover(1), kNow);
  REQUIRE(plain.reply);
  CHECK(optionText(*plain.reply, 15) == "shared.test");
  CHECK(plain.reply->options.find(42)->bytes() == bytesOf(net::Ipv4Address(10, 0, 0, 1)));
  auto host = server.handle(discover(0x33), kNow);
  REQUIRE(host.reply);
  CHECK(optionText(*host.reply, 15) == "group.test");
}

TEST_CASE("a pool open to members of a class serves only them", "[engine]") {
  Server server(R"(
class "pxe" { match if substring(option vendor-class-identifier, 0, 9) = "PXEClient"; }
subnet 192.168.0.0 netmask 255.255.255.0 {
  pool { range 192.168.0.50 192.168.0.59; allow members of "pxe"; }
  pool { range 192.168.0.100 192.168.0.109; deny members of "pxe"; }
}
)");
  auto pxe = discover(1);
  std::string vendor = "PXEClient:Arch:00000";
  pxe.options.set(60, std::vector<std::uint8_t>(vendor.begin(), vendor.end()));
  CHECK(server.handle(pxe, kNow).reply->yiaddr == net::Ipv4Address(192, 168, 0, 50));
  CHECK(server.handle(discover(2), kNow).reply->yiaddr == net::Ipv4Address(192, 168, 0, 100));
}

TEST_CASE("use-host-decl-names names the host, and deny booting silences it", "[engine]") {
  Server server(R"(
use-host-decl-names on;
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.110; }
host node7 { hardware ethernet 52:54:00:00:00:07; fixed-address 192.168.0.7; }
host banned { hardware ethernet 52:54:00:00:00:66; deny booting; }
)");
  auto named = server.handle(discover(7), kNow);
  REQUIRE(named.reply);
  CHECK(optionText(*named.reply, 12) == "node7");
  CHECK(optionText(*server.handle(discover(8), kNow).reply, 12) == "(none)");
  auto banned = server.handle(discover(0x66), kNow);
  CHECK_FALSE(banned.reply);
  CHECK(banned.log.back() == "DHCPDISCOVER from 52:54:00:00:00:66 via s0: booting disallowed");
}

TEST_CASE("expressions: known, not, or, hardware, suffix, concat", "[engine]") {
  auto result = parse(R"(
host k { hardware ethernet 52:54:00:00:00:01; }
if known { option domain-name "known"; }
if not known or hardware = 01:52:54:00:00:00:02 { option ntp-servers 10.0.0.2; }
if suffix(option vendor-class-identifier, 3) = "001" { option time-offset 1; }
if concat("a", "b") = "ab" { option log-servers 10.0.0.9; }
)");
  REQUIRE(result->ok());
  auto model = buildConfigModel(result);
  auto run = [&](std::uint8_t last, bool known, std::string vendor) {
    dhcp::Message message = clientMessage(MessageType::Discover, last, 1);
    if (!vendor.empty()) {
      message.options.set(60, std::vector<std::uint8_t>(vendor.begin(), vendor.end()));
    }
    PacketContext context{&message, &model.source->catalogue, known, {}, nullptr, {}};
    Effective effective;
    execute(*model.global, context, effective);
    return effective;
  };
  auto known = run(1, true, "PXEClient:002001");
  CHECK(known.options.contains(15));
  CHECK_FALSE(known.options.contains(42));
  CHECK(known.options.contains(2));
  CHECK(known.options.contains(7));
  auto other = run(2, true, "");
  CHECK(other.options.contains(42));  // the hardware comparison
  CHECK_FALSE(other.options.contains(2));
  auto unknown = run(3, false, "x");
  CHECK_FALSE(unknown.options.contains(15));
  CHECK(unknown.options.contains(42));
}

TEST_CASE("options of other spaces are encapsulated where dhcpd.conf says", "[engine]") {
  Server server(R"(
option space ipxe;
option ipxe-encap-opts code 175 = encapsulate ipxe;
option ipxe.priority code 1 = signed integer 8;
option ipxe.no-pxedhcp code 176 = unsigned integer 8;
option space pxelinux;
option pxelinux.magic code 208 = string;
option pxelinux.configfile code 209 = text;
option space site;
option site.local code 224 = text;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.110;
  option ipxe.priority 5;
  option ipxe.no-pxedhcp 1;
  vendor-option-space pxelinux;
  option pxelinux.magic f1:00:74:7e;
  site-option-space "site";
  option site.local "x";
  option dhcp-parameter-request-list = concat(option dhcp-parameter-request-list, d0, e0);
}
)");
  auto message = clientMessage(MessageType::Discover, 1, 1);
  message.options.set(dhcp::option::kParameterRequestList, {1, 43, 175});
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  // 175 carries ipxe's sub-options in code order; 43 the vendor space's; 224 is top level;
  // 208 itself is not a dhcp option here, only asked for by the appended list.
  REQUIRE(codes(*outcome.reply) == "53,54,51,1,43,175,224");
  CHECK(outcome.reply->options.find(175)->bytes() ==
        std::vector<std::uint8_t>{1, 1, 5, 176, 1, 1});
  CHECK(outcome.reply->options.find(43)->bytes() ==
        std::vector<std::uint8_t>{208, 4, 0xf1, 0x00, 0x74, 0x7e});
  CHECK(outcome.reply->options.find(224)->bytes() == std::vector<std::uint8_t>{'x'});
}

TEST_CASE("a subnet declared twice is served as its last declaration, as ISC", "[engine]") {
  Server server(R"(
authoritative;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.109;
  option domain-name "first.test";
}
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.120 192.168.0.129;
  option domain-name "second.test";
}
subnet 192.168.0.0 netmask 255.255.255.128 { }
)");
  CHECK(server.model.subnetFor(net::Ipv4Address(192, 168, 0, 200)) == &server.model.subnets[1]);
  // The narrower subnet still comes first for its addresses.
  CHECK(server.model.subnetFor(net::Ipv4Address(192, 168, 0, 5)) == &server.model.subnets[2]);
  server.arrival.serverAddress = net::Ipv4Address(192, 168, 0, 200);
  auto asked = discover(1);
  asked.options.set(dhcp::option::kRequestedAddress, {192, 168, 0, 105});
  auto offer = server.handle(asked, kNow);
  REQUIRE(offer.reply);
  CHECK(offer.reply->yiaddr == net::Ipv4Address(192, 168, 0, 120));
  CHECK(optionText(*offer.reply, 15) == "second.test");
}

TEST_CASE("scopes that do not depend on the packet are resolved once and shared", "[engine]") {
  Server server(R"(
option domain-name "static.test";
default-lease-time 600;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.150;
  if substring(option vendor-class-identifier, 0, 9) = "PXEClient" {
    option domain-name "pxe.test";
  }
}
subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.0.100 10.0.0.150; }
)");
  const auto& global = *server.model.global;
  const auto& pxeSubnet = *server.model.subnets.at(0).chain.back();
  CHECK(packetIndependent(global));
  CHECK_FALSE(packetIndependent(pxeSubnet));
  auto statementsOf = [](const char* text) {
    auto parsed = parse(text);
    return packetIndependent(parsed->config.statements);
  };
  CHECK(statementsOf("option routers 10.0.0.1; allow booting; authoritative; group { }"));
  CHECK_FALSE(statementsOf("set name = \"x\";"));
  CHECK_FALSE(statementsOf("option host-name = concat(\"pc-\", \"1\");"));
  CHECK_FALSE(statementsOf("filename = concat(\"pxelinux\", \".0\");"));

  // The subnet with `if` answers each packet on its own; nothing of it is remembered.
  auto plain = server.handle(discover(1), kNow);
  auto pxe = discover(2);
  pxe.options.set(dhcp::option::kVendorClass, std::vector<std::uint8_t>{
      'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't'});
  auto booting = server.handle(pxe, kNow);
  REQUIRE(plain.reply);
  REQUIRE(booting.reply);
  CHECK(optionText(*plain.reply, 15) == "static.test");
  CHECK(optionText(*booting.reply, 15) == "pxe.test");
  CHECK(optionText(*server.handle(discover(3), kNow).reply, 15) == "static.test");
  for (const auto& [key, values] : server.model.scopeMemo.resolved) {
    CHECK(std::find(key.first.begin(), key.first.end(), &pxeSubnet) == key.first.end());
  }
}
