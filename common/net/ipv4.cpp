#include "common/net/ipv4.hpp"

#include <charconv>

#include <fmt/format.h>

namespace snowboot::net {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  std::uint32_t value = 0;
  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (cursor == end || *cursor != '.') return std::nullopt;
      ++cursor;
    }
    if (cursor == end || *cursor < '0' || *cursor > '9') return std::nullopt;
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(cursor, end, octet);
    // "010" would be octal to inet_aton; refuse it rather than guess.
    if (ec != std::errc{} || octet > 255 || next - cursor > 3 ||
        (next - cursor > 1 && *cursor == '0')) {
      return std::nullopt;
    }
    value = value << 8 | octet;
    cursor = next;
  }
  if (cursor != end) return std::nullopt;
  return Ipv4Address{value};
}

std::array<std::uint8_t, 4> Ipv4Address::octets() const {
  return {static_cast<std::uint8_t>(value_ >> 24), static_cast<std::uint8_t>(value_ >> 16),
          static_cast<std::uint8_t>(value_ >> 8), static_cast<std::uint8_t>(value_)};
}

std::string Ipv4Address::toString() const {
  // Every log line and lease record has one or two: digits by hand, one allocation at most.
  char text[16];
  char* end = text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned octet = (value_ >> shift) & 0xff;
    if (octet >= 100) *end++ = static_cast<char>('0' + octet / 100);
    if (octet >= 10) *end++ = static_cast<char>('0' + octet / 10 % 10);
    *end++ = static_cast<char>('0' + octet % 10);
    if (shift != 0) *end++ = '.';
  }
  return std::string(text, end);
}

std::string Ipv4Address::toHex() const { return fmt::format("{:08X}", value_); }

std::optional<int> prefixLengthOfNetmask(Ipv4Address netmask) {
  std::uint32_t inverted = ~netmask.value();
  // A contiguous mask's complement is 2^k - 1.
  if ((inverted & (inverted + 1)) != 0) return std::nullopt;
  int hostBits = 0;
  while (inverted != 0) {
    inverted >>= 1;
    ++hostBits;
  }
  return 32 - hostBits;
}

Ipv4Address netmaskOfPrefixLength(int prefixLength) {
  if (prefixLength <= 0) return Ipv4Address{0};
  if (prefixLength >= 32) return Ipv4Address{0xffffffffu};
  return Ipv4Address{~((std::uint32_t{1} << (32 - prefixLength)) - 1)};
}

std::optional<Ipv4Network> Ipv4Network::fromPrefix(Ipv4Address address, int prefixLength) {
  if (prefixLength < 0 || prefixLength > 32) return std::nullopt;
  auto mask = netmaskOfPrefixLength(prefixLength);
  return Ipv4Network{Ipv4Address{address.value() & mask.value()}, prefixLength};
}

std::optional<Ipv4Network> Ipv4Network::fromNetmask(Ipv4Address address, Ipv4Address netmask) {
  auto prefixLength = prefixLengthOfNetmask(netmask);
  if (!prefixLength) return std::nullopt;
  return fromPrefix(address, *prefixLength);
}

std::optional<Ipv4Network> Ipv4Network::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = Ipv4Address::parse(text.substr(0, slash));
  auto lengthText = text.substr(slash + 1);
  int prefixLength = -1;
  auto [next, ec] =
      std::from_chars(lengthText.data(), lengthText.data() + lengthText.size(), prefixLength);
  if (!address || ec != std::errc{} || next != lengthText.data() + lengthText.size() ||
      lengthText.empty()) {
    return std::nullopt;
  }
  return fromPrefix(*address, prefixLength);
}

Ipv4Address Ipv4Network::netmask() const { return netmaskOfPrefixLength(prefixLength_); }

Ipv4Address Ipv4Network::broadcast() const {
  return Ipv4Address{address_.value() | ~netmask().value()};
}

bool Ipv4Network::contains(Ipv4Address address) const {
  return (address.value() & netmask().value()) == address_.value();
}

bool Ipv4Network::contains(const Ipv4Network& other) const {
  return other.prefixLength_ >= prefixLength_ && contains(other.address_);
}

std::string Ipv4Network::toString() const {
  return fmt::format("{}/{}", address_.toString(), prefixLength_);
}

}  // namespace snowboot::net
