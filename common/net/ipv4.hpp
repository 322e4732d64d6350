#pragma once
// IPv4 addresses and networks as values: parse, format, compare, netmask arithmetic.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace snowboot::net {

class Ipv4Address {
 public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(std::uint32_t hostOrder) : value_(hostOrder) {}
  constexpr Ipv4Address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
      : value_(std::uint32_t{a} << 24 | std::uint32_t{b} << 16 | std::uint32_t{c} << 8 | d) {}

  // Strict dotted quad: four decimal octets 0..255, no leading '+', no spaces, no octal.
  static std::optional<Ipv4Address> parse(std::string_view text);
  static constexpr Ipv4Address any() { return Ipv4Address{}; }
  static constexpr Ipv4Address broadcast() { return Ipv4Address{0xffffffffu}; }

  constexpr std::uint32_t value() const { return value_; }
  std::array<std::uint8_t, 4> octets() const;
  std::string toString() const;
  // Eight upper-case hex digits, as pxelinux and the PXE world write addresses: C0A800C8.
  std::string toHex() const;
  constexpr bool isAny() const { return value_ == 0; }

  friend constexpr auto operator<=>(Ipv4Address, Ipv4Address) = default;

 private:
  std::uint32_t value_ = 0;
};

// A network: a base address with its host bits cleared and a prefix length 0..32.
class Ipv4Network {
 public:
  // The network holding `address` under `prefixLength` (host bits are cleared).
  static std::optional<Ipv4Network> fromPrefix(Ipv4Address address, int prefixLength);
  // Only contiguous masks (255.255.255.0), as dhcpd.conf's `subnet ... netmask ...` requires.
  static std::optional<Ipv4Network> fromNetmask(Ipv4Address address, Ipv4Address netmask);
  // "192.168.0.0/24"
  static std::optional<Ipv4Network> parse(std::string_view text);

  Ipv4Address address() const { return address_; }
  int prefixLength() const { return prefixLength_; }
  Ipv4Address netmask() const;
  Ipv4Address broadcast() const;
  bool contains(Ipv4Address address) const;
  bool contains(const Ipv4Network& other) const;
  std::string toString() const;

  friend auto operator<=>(const Ipv4Network&, const Ipv4Network&) = default;

 private:
  Ipv4Network(Ipv4Address address, int prefixLength)
      : address_(address), prefixLength_(prefixLength) {}

  Ipv4Address address_;
  int prefixLength_ = 0;
};

// The prefix length of a contiguous netmask, or nothing for 255.0.255.0 and the like.
std::optional<int> prefixLengthOfNetmask(Ipv4Address netmask);
Ipv4Address netmaskOfPrefixLength(int prefixLength);

}  // namespace snowboot::net
