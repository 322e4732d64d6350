#pragma once
// Option values as the engine builds and reads them: addresses and 32-bit numbers in network
// order.

#include <cstdint>
#include <optional>
#include <vector>

#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::engine {

inline std::vector<std::uint8_t> addressBytes(net::Ipv4Address address) {
  auto octets = address.octets();
  return {octets.begin(), octets.end()};
}

inline std::vector<std::uint8_t> numberBytes(std::uint32_t value) {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

inline std::optional<std::uint32_t> optionNumberOf(const std::vector<std::uint8_t>& d) {
  if (d.size() != 4) return std::nullopt;
  return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
}

}  // namespace snowboot::dhcpd::engine
