#pragma once
// Option values as the engine builds and reads them: addresses and 32-bit numbers in network
// order.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/dhcp/message.hpp"
#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::engine {

inline std::array<std::uint8_t, 4> addressBytes(net::Ipv4Address address) {
  return address.octets();
}

inline std::array<std::uint8_t, 4> numberBytes(std::uint32_t value) {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

inline std::optional<std::uint32_t> optionNumberOf(std::span<const std::uint8_t> d) {
  if (d.size() != 4) return std::nullopt;
  return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
}

// A message's option as an address or a number: nothing when absent or of another size.
inline std::optional<net::Ipv4Address> optionAddress(const dhcp::Message& message,
                                                     std::uint8_t code) {
  const auto option = message.options.find(code);
  if (!option || option->data.size() != 4) return std::nullopt;
  const auto& d = option->data;
  return net::Ipv4Address(d[0], d[1], d[2], d[3]);
}

inline std::optional<std::uint32_t> optionNumber(const dhcp::Message& message,
                                                 std::uint8_t code) {
  const auto option = message.options.find(code);
  return option ? optionNumberOf(option->data) : std::nullopt;
}

}  // namespace snowboot::dhcpd::engine
