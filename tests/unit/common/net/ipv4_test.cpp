#include "common/net/ipv4.hpp"

#include <catch2/catch.hpp>

using snowboot::net::Ipv4Address;
using snowboot::net::Ipv4Network;
using snowboot::net::prefixLengthOfNetmask;

TEST_CASE("Ipv4Address parses strict dotted quads", "[net]") {
  CHECK(Ipv4Address::parse("192.168.0.200") == Ipv4Address(192, 168, 0, 200));
  CHECK(Ipv4Address::parse("0.0.0.0") == Ipv4Address::any());
  CHECK(Ipv4Address::parse("255.255.255.255") == Ipv4Address::broadcast());
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
                          "a.b.c.d", "01.2.3.4", "1.2.3.-4", "1.2.3.+4", "1.2.3.4.", "1234.1.1.1"}) {
    INFO(bad);
    CHECK_FALSE(Ipv4Address::parse(bad));
  }
}

TEST_CASE("Ipv4Address formats as text and as pxelinux hex", "[net]") {
  Ipv4Address address(192, 168, 0, 200);
  CHECK(address.toString() == "192.168.0.200");
  CHECK(Ipv4Address(0, 0, 0, 0).toString() == "0.0.0.0");
  CHECK(Ipv4Address(255, 255, 255, 255).toString() == "255.255.255.255");
  CHECK(Ipv4Address(10, 100, 9, 109).toString() == "10.100.9.109");
  CHECK(address.toHex() == "C0A800C8");
  CHECK(Ipv4Address(10, 0, 0, 1).toHex() == "0A000001");
  CHECK(address.octets() == std::array<std::uint8_t, 4>{192, 168, 0, 200});
  CHECK(Ipv4Address(10, 0, 0, 1) < Ipv4Address(10, 0, 0, 2));
}

TEST_CASE("netmask prefix lengths accept only contiguous masks", "[net]") {
  CHECK(prefixLengthOfNetmask(Ipv4Address(255, 255, 255, 0)) == 24);
  CHECK(prefixLengthOfNetmask(Ipv4Address(255, 255, 255, 255)) == 32);
  CHECK(prefixLengthOfNetmask(Ipv4Address(0, 0, 0, 0)) == 0);
  CHECK(prefixLengthOfNetmask(Ipv4Address(255, 255, 254, 0)) == 23);
  CHECK_FALSE(prefixLengthOfNetmask(Ipv4Address(255, 0, 255, 0)));
  CHECK_FALSE(prefixLengthOfNetmask(Ipv4Address(0, 255, 255, 255)));
}

TEST_CASE("Ipv4Network arithmetic", "[net]") {
  auto network = Ipv4Network::fromNetmask(Ipv4Address(192, 168, 0, 77), Ipv4Address(255, 255, 255, 0));
  REQUIRE(network);
  CHECK(network->address() == Ipv4Address(192, 168, 0, 0));
  CHECK(network->prefixLength() == 24);
  CHECK(network->broadcast() == Ipv4Address(192, 168, 0, 255));
  CHECK(network->contains(Ipv4Address(192, 168, 0, 1)));
  CHECK_FALSE(network->contains(Ipv4Address(192, 168, 1, 1)));
  CHECK(network->toString() == "192.168.0.0/24");
  CHECK(network->contains(*Ipv4Network::parse("192.168.0.128/25")));
  CHECK_FALSE(network->contains(*Ipv4Network::parse("192.168.0.0/23")));

  auto everything = Ipv4Network::parse("0.0.0.0/0");
  REQUIRE(everything);
  CHECK(everything->contains(Ipv4Address(8, 8, 8, 8)));
  CHECK(everything->broadcast() == Ipv4Address::broadcast());
  auto host = Ipv4Network::parse("10.1.2.3/32");
  REQUIRE(host);
  CHECK(host->contains(Ipv4Address(10, 1, 2, 3)));
  CHECK_FALSE(host->contains(Ipv4Address(10, 1, 2, 4)));

  for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x"}) {
    INFO(bad);
    CHECK_FALSE(Ipv4Network::parse(bad));
  }
  CHECK_FALSE(Ipv4Network::fromNetmask(Ipv4Address(10, 0, 0, 0), Ipv4Address(255, 0, 255, 0)));
}
