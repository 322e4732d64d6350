#include "common/net/pxelinux.hpp"

#include <array>

#include <catch2/catch.hpp>

using namespace snowboot::net;

TEST_CASE("pxelinux hardware name is type then lower-case address", "[net]") {
  const std::array<std::uint8_t, 6> mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  CHECK(pxelinuxHardwareName(1, mac) == "01-52-54-00-12-34-56");
  const std::array<std::uint8_t, 6> upper{0xAA, 0xBB, 0xCC, 0x0D, 0x0E, 0x0F};
  CHECK(pxelinuxHardwareName(1, upper) == "01-aa-bb-cc-0d-0e-0f");
}

TEST_CASE("pxelinux address names shrink one hex digit at a time", "[net]") {
  const std::vector<std::string> expected{"C0A800C8", "C0A800C", "C0A800", "C0A80",
                                          "C0A8",     "C0A",     "C0",     "C"};
  CHECK(pxelinuxAddressNames(Ipv4Address(192, 168, 0, 200)) == expected);
  CHECK(pxelinuxAddressNames(Ipv4Address(10, 0, 0, 1)).front() == "0A000001");
  CHECK(pxelinuxAddressNames(Ipv4Address(10, 0, 0, 1)).back() == "0");
}
