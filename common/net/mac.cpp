#include "common/net/mac.hpp"

#include <algorithm>
#include <charconv>

#include "common/bytes.hpp"

namespace snowboot::net {

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  Octets octets{};
  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  char separator = 0;
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i > 0) {
      if (cursor == end || (*cursor != ':' && *cursor != '-')) return std::nullopt;
      if (separator == 0) separator = *cursor;
      if (*cursor != separator) return std::nullopt;
      ++cursor;
    }
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(cursor, end, octet, 16);
    if (ec != std::errc{} || next == cursor || next - cursor > 2 || *cursor == '+' ||
        *cursor == '-') {
      return std::nullopt;
    }
    octets[i] = static_cast<std::uint8_t>(octet);
    cursor = next;
  }
  if (cursor != end) return std::nullopt;
  return MacAddress{octets};
}

std::optional<MacAddress> MacAddress::fromBytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 6) return std::nullopt;
  Octets octets{};
  std::copy(bytes.begin(), bytes.end(), octets.begin());
  return MacAddress{octets};
}

std::string MacAddress::toString() const {
  std::string text;
  text.reserve(17);
  appendColonHex(text, octets_);
  return text;
}

}  // namespace snowboot::net
