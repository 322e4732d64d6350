#include "common/dhcp/option_format.hpp"

#include <fmt/format.h>

#include "common/dhcp/option_catalogue.hpp"

namespace snowboot::dhcp {

std::optional<Format> parseFormat(std::string_view format) {
  Format out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    switch (c) {
      case 'e': break;
      case 'A':
        if (i + 1 != format.size() || out.fields.empty()) return std::nullopt;
        out.arrayOfRecords = true;
        break;
      case 'a':
      case 'o':
      case 'c':
        if (out.fields.empty()) return std::nullopt;
        if (c == 'a') out.fields.back().repeat = true;
        if (c == 'o') out.fields.back().optional = true;
        if (c == 'c') out.fields.back().compressed = true;
        break;
      case 'E':
      case 'N': {
        auto dot = format.find('.', i + 1);
        if (dot == std::string_view::npos) return std::nullopt;
        out.fields.push_back(FieldSpec{c, format.substr(i + 1, dot - i - 1)});
        i = dot;
        break;
      }
      case 'I': case '6': case 'l': case 'L': case 's': case 'S': case 'b': case 'B':
      case 'T': case 't': case 'f': case 'X': case 'd': case 'D': case 'Z': case 'U':
      case 'k':
        out.fields.push_back(FieldSpec{c, {}});
        // A domain list is a list: each value is one or more names.
        if (c == 'D') out.fields.back().repeat = true;
        break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::string describeField(const FieldSpec& spec) {
  switch (spec.type) {
    case 'I': return "ip-address";
    case '6': return "ip6-address";
    case 'l': return "signed integer 32";
    case 'L': return "unsigned integer 32";
    case 's': return "signed integer 16";
    case 'S': return "unsigned integer 16";
    case 'b': return "signed integer 8";
    case 'B': return "unsigned integer 8";
    case 'T': return "lease time";
    case 't': return "text";
    case 'f': return "boolean";
    case 'X': return "string";
    case 'd': return "domain-name";
    case 'D': return spec.compressed ? "domain-list compressed" : "domain-list";
    case 'Z': return "zerolen";
    case 'E': return spec.arg.empty() ? "encapsulation" : fmt::format("encapsulate {}", spec.arg);
    case 'U': return "option space name";
    case 'N': return fmt::format("one of {}", spec.arg);
    case 'k': return "key name";
  }
  return "value";
}

std::string describeFormat(std::string_view format) {
  auto parsed = parseFormat(format);
  if (!parsed) return "value";
  std::string out;
  std::vector<std::string> parts;
  for (const auto& spec : parsed->fields) {
    std::string part = describeField(spec);
    if (spec.repeat) part = "array of " + part;
    parts.push_back(part);
  }
  if (parts.size() == 1 && !parsed->arrayOfRecords) return parts[0];
  if (parts.size() == 1) return "array of " + parts[0];
  out = "{ ";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  out += " }";
  return parsed->arrayOfRecords ? "array of " + out : out;
}

std::optional<std::string_view> encapsulatedSpace(std::string_view format) {
  auto e = format.find('E');
  if (e == std::string_view::npos) return std::nullopt;
  auto dot = format.find('.', e);
  if (dot == std::string_view::npos || dot == e + 1) return std::nullopt;
  return format.substr(e + 1, dot - e - 1);
}

}  // namespace snowboot::dhcp
