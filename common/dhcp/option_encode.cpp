// Option values from dhcpd.conf text to wire bytes, checked against the option's format as
// ISC's parser checks them.
#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "common/dhcp/domain_name.hpp"
#include "common/dhcp/option_catalogue.hpp"
#include "common/dhcp/option_format.hpp"
#include "common/net/ipv4.hpp"

namespace snowboot::dhcp {
namespace {

template <typename T>
bool parseInteger(std::string_view text, T& out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  int base = 10;
  bool negative = false;
  if (begin != end && *begin == '-') {
    negative = true;
    ++begin;
  }
  if (end - begin > 2 && begin[0] == '0' && (begin[1] == 'x' || begin[1] == 'X')) {
    base = 16;
    begin += 2;
  }
  if (begin == end) return false;
  std::uint64_t magnitude = 0;
  auto [next, ec] = std::from_chars(begin, end, magnitude, base);
  if (ec != std::errc{} || next != end) return false;
  if (negative) {
    if (magnitude > std::uint64_t{1} << 63) return false;
    out = static_cast<T>(-static_cast<std::int64_t>(magnitude));
  } else {
    out = static_cast<T>(magnitude);
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX) && std::is_signed_v<T>) return false;
  }
  return true;
}

// ISC's lenient dotted quad: four decimal parts 0..255, leading zeros allowed.
std::optional<std::uint32_t> parseQuad(std::string_view text) {
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? std::string_view::npos
                                                                            : dot - start);
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
    if (part.empty() || ec != std::errc{} || next != part.data() + part.size() || octet > 255) {
      return std::nullopt;
    }
    value = value << 8 | octet;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts != 4) return std::nullopt;
  return value;
}

bool isHostName(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// "00:07:ab" or "7" -> bytes appended to `out` (no temporary: a MAC per host adds up); false
// when a part is not one or two hex digits, with `out` then holding a partial value.
bool appendHexList(std::string_view text, std::vector<std::uint8_t>& out) {
  std::size_t start = 0;
  while (true) {
    auto colon = text.find(':', start);
    std::string_view part = text.substr(start, colon == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : colon - start);
    unsigned byte = 0;
    auto [next, ec] = std::from_chars(part.data(), part.data() + part.size(), byte, 16);
    if (part.empty() || part.size() > 2 || ec != std::errc{} ||
        next != part.data() + part.size()) {
      return false;
    }
    out.push_back(static_cast<std::uint8_t>(byte));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return true;
}

bool encodeDomain(std::string_view name, std::vector<std::uint8_t>& out) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : dot - start);
    if (label.empty() || label.size() > 63) return false;
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  out.push_back(0);
  return true;
}

std::optional<OptionValueError> encodeField(const FieldSpec& spec, const OptionField& field,
                                            std::size_t index, bool allowHostNames,
                                            std::vector<std::uint8_t>& out) {
  auto wrong = [&](OptionValueErrorCode code = OptionValueErrorCode::WrongType) {
    return OptionValueError{code, index, describeField(spec)};
  };
  auto putInt = [&](std::uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  };
  switch (spec.type) {
    case 'I': {
      if (field.quoted) return wrong();
      if (auto quad = parseQuad(field.text)) {
        putInt(*quad, 4);
        return std::nullopt;
      }
      bool numeric = field.text.find_first_not_of("0123456789.") == std::string::npos;
      if (!isHostName(field.text) || field.text[0] == '-' || numeric) return wrong();
      if (!allowHostNames) return wrong(OptionValueErrorCode::HostName);
      putInt(0, 4);
      return std::nullopt;
    }
    case '6': {
      std::array<std::uint8_t, 16> address{};
      if (field.quoted || inet_pton(AF_INET6, std::string(field.text).c_str(), address.data()) != 1) {
        return wrong();
      }
      out.insert(out.end(), address.begin(), address.end());
      return std::nullopt;
    }
    case 'l': case 's': case 'b':
    case 'L': case 'S': case 'B': case 'T': {
      if (spec.type == 'T' && !field.quoted && (field.text == "infinite")) {
        putInt(0xffffffffu, 4);
        return std::nullopt;
      }
      std::int64_t value = 0;
      if (field.quoted || !parseInteger(field.text, value)) return wrong();
      int width = (spec.type == 'l' || spec.type == 'L' || spec.type == 'T') ? 4
                  : (spec.type == 's' || spec.type == 'S')                   ? 2
                                                                             : 1;
      // As ISC: any value that fits the width as signed or as unsigned is taken and stored
      // as its two's-complement bit pattern (`default-lease-time -1`, `interface-mtu -1`).
      std::int64_t low = -(std::int64_t{1} << (8 * width - 1));
      std::int64_t high = (std::int64_t{1} << (8 * width)) - 1;
      if (value < low || value > high) return wrong(OptionValueErrorCode::OutOfRange);
      putInt(static_cast<std::uint64_t>(value), width);
      return std::nullopt;
    }
    case 't':
    case 'k':
      // Unquoted text must be one identifier (`server-name drbl;`), as ISC's parser allows.
      if (!field.quoted && spec.type == 't' &&
          (field.text.empty() || !std::isalpha(static_cast<unsigned char>(field.text[0])) ||
           field.text.find('.') != std::string::npos || !isHostName(field.text))) {
        return wrong();
      }
      out.insert(out.end(), field.text.begin(), field.text.end());
      return std::nullopt;
    case 'f': {
      if (field.quoted) return wrong();
      std::string_view t = field.text;
      if (t == "true" || t == "on") {
        out.push_back(1);
      } else if (t == "false" || t == "off") {
        out.push_back(0);
      } else if (t == "ignore") {
        out.push_back(2);
      } else {
        return wrong();
      }
      return std::nullopt;
    }
    case 'X':
    case 'E': {
      if (field.quoted) {
        out.insert(out.end(), field.text.begin(), field.text.end());
        return std::nullopt;
      }
      if (!appendHexList(field.text, out)) return wrong();
      return std::nullopt;
    }
    case 'd':
      if (field.quoted || !isHostName(field.text) || !encodeDomain(field.text, out)) return wrong();
      return std::nullopt;
    case 'U':
      if (field.quoted || !isHostName(field.text)) return wrong();
      out.insert(out.end(), field.text.begin(), field.text.end());
      return std::nullopt;
    default: return wrong(OptionValueErrorCode::Unsupported);
  }
}

}  // namespace

std::optional<std::uint32_t> parseDottedQuad(std::string_view text) {
  // parseQuad's rules in one pass: every host's fixed-address comes through here.
  std::uint32_t value = 0;
  std::uint32_t octet = 0;
  int parts = 0;
  int digits = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      octet = octet * 10 + static_cast<std::uint32_t>(c - '0');
      if (octet > 255) return std::nullopt;
      ++digits;
    } else if (c == '.' && digits > 0 && parts < 3) {
      value = value << 8 | octet;
      ++parts;
      octet = 0;
      digits = 0;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || parts != 3) return std::nullopt;
  return value << 8 | octet;
}

std::optional<std::size_t> countHexListBytes(std::string_view text) {
  std::size_t count = 0;
  std::size_t digits = 0;
  for (char c : text) {
    if (c == ':') {
      if (digits == 0) return std::nullopt;
      ++count;
      digits = 0;
      continue;
    }
    unsigned char u = static_cast<unsigned char>(c) | 0x20;  // 'A'-'F' -> 'a'-'f'
    bool hex = (c >= '0' && c <= '9') || (u >= 'a' && u <= 'f');
    if (!hex || ++digits > 2) return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  return count + 1;
}

std::expected<std::vector<std::uint8_t>, OptionValueError> encodeOption(
    std::string_view format, std::span<const OptionField> fields, bool allowHostNames) {
  std::vector<std::uint8_t> out;
  // Addresses, MACs and short texts fit: one allocation instead of growing byte by byte.
  out.reserve(32);
  auto encoded = encodeOptionInto(format, fields, allowHostNames, out);
  if (!encoded) return std::unexpected(encoded.error());
  return out;
}

std::expected<void, OptionValueError> encodeOptionInto(std::string_view format,
                                                       std::span<const OptionField> fields,
                                                       bool allowHostNames,
                                                       std::vector<std::uint8_t>& out) {
  out.clear();
  auto parsed = parseFormat(format);
  if (!parsed) return std::unexpected(OptionValueError{OptionValueErrorCode::BadFormat, 0, ""});
  std::size_t index = 0;
  const auto& specs = parsed->fields;
  for (int record = 0;; ++record) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const auto& spec = specs[i];
      if (spec.type == 'Z') continue;
      if (index >= fields.size()) {
        if (spec.optional) continue;
        if (parsed->arrayOfRecords && record > 0 && i == 0) return {};
        return std::unexpected(
            OptionValueError{OptionValueErrorCode::MissingValue, index, describeField(spec)});
      }
      if (spec.type == 'D') {
        // The rest of the values, one name each, as ISC's parse_domain_list builds them:
        // compression pointers count from the start of the list itself.
        DomainListWriter list(spec.compressed);
        for (; index < fields.size(); ++index) {
          auto name = fields[index].quoted ? domainNameFromText(fields[index].text)
                                           : std::unexpected(DomainNameError::EmptyLabel);
          if (!name) {
            return std::unexpected(
                OptionValueError{OptionValueErrorCode::WrongType, index, describeField(spec)});
          }
          list.add(*name);
        }
        out.insert(out.end(), list.bytes().begin(), list.bytes().end());
        continue;
      }
      do {
        if (auto error = encodeField(spec, fields[index], index, allowHostNames, out)) {
          return std::unexpected(*error);
        }
        ++index;
      } while (spec.repeat && index < fields.size());
    }
    if (!parsed->arrayOfRecords || index >= fields.size()) break;
  }
  if (index < fields.size()) {
    return std::unexpected(OptionValueError{OptionValueErrorCode::ExtraValue, index, "`;`"});
  }
  return {};
}

}  // namespace snowboot::dhcp
