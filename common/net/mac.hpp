#pragma once
// Ethernet hardware addresses as values.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace snowboot::net {

class MacAddress {
 public:
  using Octets = std::array<std::uint8_t, 6>;

  constexpr MacAddress() = default;
  constexpr explicit MacAddress(const Octets& octets) : octets_(octets) {}

  // Six colon-separated groups of one or two hex digits, as dhcpd.conf writes
  // `hardware ethernet 52:54:0:12:34:56`; '-' is accepted as separator too.
  static std::optional<MacAddress> parse(std::string_view text);
  static std::optional<MacAddress> fromBytes(std::span<const std::uint8_t> bytes);
  static constexpr MacAddress broadcast() {
    return MacAddress{Octets{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  }

  const Octets& octets() const { return octets_; }
  std::span<const std::uint8_t> bytes() const { return octets_; }
  // 52:54:00:12:34:56, as ISC dhcpd logs it.
  std::string toString() const;

  friend constexpr auto operator<=>(const MacAddress&, const MacAddress&) = default;

 private:
  Octets octets_{};
};

}  // namespace snowboot::net
