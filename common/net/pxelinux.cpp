#include "common/net/pxelinux.hpp"

#include <fmt/format.h>

namespace snowboot::net {

std::string pxelinuxHardwareName(std::uint8_t hardwareType,
                                 std::span<const std::uint8_t> address) {
  std::string name = fmt::format("{:02x}", hardwareType);
  for (auto octet : address) name += fmt::format("-{:02x}", octet);
  return name;
}

std::vector<std::string> pxelinuxAddressNames(Ipv4Address address) {
  const std::string hex = address.toHex();
  std::vector<std::string> names;
  names.reserve(hex.size());
  for (auto length = hex.size(); length > 0; --length) names.push_back(hex.substr(0, length));
  return names;
}

}  // namespace snowboot::net
