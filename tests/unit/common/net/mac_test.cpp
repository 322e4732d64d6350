#include "common/net/mac.hpp"

#include <array>

#include <catch2/catch.hpp>

using snowboot::net::MacAddress;

TEST_CASE("MacAddress parses the forms dhcpd.conf uses", "[net]") {
  const MacAddress expected(MacAddress::Octets{0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
  CHECK(MacAddress::parse("52:54:00:12:34:56") == expected);
  CHECK(MacAddress::parse("52:54:0:12:34:56") == expected);  // ISC accepts single digits
  CHECK(MacAddress::parse("52-54-00-12-34-56") == expected);
  CHECK(MacAddress::parse("AA:bb:Cc:dd:EE:ff")->toString() == "aa:bb:cc:dd:ee:ff");
  for (const char* bad : {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52:54:00:12:34:567",
                          "52:54:00-12:34:56", "52::00:12:34:56", "g2:54:00:12:34:56",
                          "52:54:00:12:34:56:", " 52:54:00:12:34:56", "+2:54:00:12:34:56"}) {
    INFO(bad);
    CHECK_FALSE(MacAddress::parse(bad));
  }
}

TEST_CASE("MacAddress formats like ISC dhcpd logs it", "[net]") {
  const MacAddress mac(MacAddress::Octets{0x52, 0x54, 0x00, 0x0a, 0x0b, 0xff});
  CHECK(mac.toString() == "52:54:00:0a:0b:ff");
  CHECK(MacAddress::broadcast().toString() == "ff:ff:ff:ff:ff:ff");
  const std::array<std::uint8_t, 6> raw{1, 2, 3, 4, 5, 6};
  CHECK(MacAddress::fromBytes(raw)->toString() == "01:02:03:04:05:06");
  CHECK_FALSE(MacAddress::fromBytes(std::span(raw).first(5)));
}
