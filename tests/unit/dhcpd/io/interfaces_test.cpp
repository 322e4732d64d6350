#include "dhcpd/io/interfaces.hpp"

#include <catch2/catch.hpp>

using namespace snowboot;
using namespace snowboot::dhcpd::io;

namespace {

NetworkInterface ethernet(std::string name, unsigned index, std::vector<std::string> cidrs,
                          bool up = true) {
  NetworkInterface interface;
  interface.name = std::move(name);
  interface.index = index;
  interface.up = up;
  interface.broadcast = true;
  interface.mac = net::MacAddress::parse("02:00:00:00:00:0" + std::to_string(index));
  for (const auto& cidr : cidrs) {
    auto slash = cidr.find('/');
    auto address = *net::Ipv4Address::parse(cidr.substr(0, slash));
    interface.addresses.push_back({address, *net::Ipv4Network::parse(cidr)});
  }
  return interface;
}

NetworkInterface loopback() {
  NetworkInterface interface = ethernet("lo", 1, {"127.0.0.1/8"});
  interface.broadcast = false;
  interface.loopback = true;
  interface.mac.reset();
  return interface;
}

const std::vector<net::Ipv4Network> kSubnets{*net::Ipv4Network::parse("192.168.0.0/24"),
                                             *net::Ipv4Network::parse("10.0.0.0/8"),
                                             *net::Ipv4Network::parse("10.1.0.0/16")};

}  // namespace

TEST_CASE("without names every broadcast interface is considered, loopback never", "[io]") {
  const std::vector<NetworkInterface> found{loopback(), ethernet("eth0", 2, {"192.168.0.1/24"}),
                                            ethernet("eth1", 3, {"172.16.0.1/24"}),
                                            ethernet("eth2", 4, {}, false)};
  auto choices = chooseInterfaces(found, {}, kSubnets);
  REQUIRE(choices.size() == 3);
  CHECK(choices[0].name == "eth0");
  CHECK(choices[0].state == InterfaceState::Ready);
  CHECK(choices[0].address == net::Ipv4Address(192, 168, 0, 1));
  CHECK(choices[0].subnet == kSubnets[0]);
  CHECK(choices[0].index == 2);
  CHECK(choices[1].state == InterfaceState::NoSubnet);
  CHECK(choices[2].state == InterfaceState::Down);
}

TEST_CASE("the most specific declared subnet wins, from the first address that has one",
          "[io]") {
  const std::vector<NetworkInterface> found{
      ethernet("eth0", 2, {"172.16.0.1/24", "10.1.2.3/16", "10.9.9.9/8"})};
  auto choices = chooseInterfaces(found, {}, kSubnets);
  REQUIRE(choices.size() == 1);
  CHECK(choices[0].state == InterfaceState::Ready);
  CHECK(choices[0].address == net::Ipv4Address(10, 1, 2, 3));
  CHECK(choices[0].subnet == kSubnets[2]);
}

TEST_CASE("named interfaces are reported in order, missing ones too", "[io]") {
  const std::vector<NetworkInterface> found{loopback(), ethernet("eth0", 2, {"192.168.0.1/24"}),
                                            ethernet("eth1", 3, {})};
  auto choices = chooseInterfaces(found, {"pxe0", "eth1", "eth0"}, kSubnets);
  REQUIRE(choices.size() == 3);
  CHECK(choices[0].name == "pxe0");
  CHECK(choices[0].state == InterfaceState::Missing);
  CHECK(choices[1].state == InterfaceState::NoAddress);
  CHECK(choices[2].state == InterfaceState::Ready);
}

TEST_CASE("a named point-to-point or loopback interface is served when it has a subnet",
          "[io]") {
  const std::vector<NetworkInterface> found{loopback()};
  auto named = chooseInterfaces(found, {"lo"}, {*net::Ipv4Network::parse("127.0.0.0/8")});
  REQUIRE(named.size() == 1);
  CHECK(named[0].state == InterfaceState::Ready);
  CHECK(chooseInterfaces(found, {}, kSubnets).empty());
}
