#pragma once
// The names pxelinux tries under pxelinux.cfg/, in the order it tries them (after the UUID).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/net/ipv4.hpp"

namespace snowboot::net {

// "01-52-54-00-12-34-56": ARP hardware type (1 = Ethernet) then the address, lower-case hex.
std::string pxelinuxHardwareName(std::uint8_t hardwareType, std::span<const std::uint8_t> address);

// "C0A800C8", "C0A800C", ... "C": the address in upper-case hex, one digit shorter each time.
std::vector<std::string> pxelinuxAddressNames(Ipv4Address address);

}  // namespace snowboot::net
