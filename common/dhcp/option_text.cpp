// Option values from wire bytes to text, as ISC's pretty_print_option prints them.
#include <arpa/inet.h>

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "common/dhcp/domain_name.hpp"
#include "common/dhcp/option_catalogue.hpp"
#include "common/net/ipv4.hpp"

namespace snowboot::dhcp {
namespace {

std::string hexText(std::span<const std::uint8_t> bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    out += fmt::format("{:x}", bytes[i]);
  }
  return out;
}

bool isPrint(std::uint8_t b) { return b >= 0x20 && b < 0x7f; }

// ISC's pretty_escape: other bytes as \ooo (a NUL that ends the span is dropped), and behind a
// backslash the characters that ISC's lexer or a shell reading dhclient's output would take.
void appendEscaped(std::span<const std::uint8_t> bytes, std::string& out) {
  constexpr std::string_view kSpecial = "\"'$`\\|&";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = static_cast<char>(bytes[i]);
    if (!isPrint(bytes[i])) {
      if (bytes[i] == 0 && i + 1 == bytes.size()) continue;
      out += fmt::format("\\{:03o}", bytes[i]);
    } else {
      if (kSpecial.find(c) != std::string_view::npos) out.push_back('\\');
      out.push_back(c);
    }
  }
}

// ISC prints a string option (X, E) as text when every byte of the whole option is printable,
// allowing one trailing NUL; otherwise the whole option is hex.
bool printableText(std::span<const std::uint8_t> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!isPrint(bytes[i]) && !(bytes[i] == 0 && i + 1 == bytes.size())) return false;
  }
  return true;
}

// Labels each followed by a dot, as ISC's pretty_dname and pretty_domain print them.
void appendName(const DomainName& name, std::string& out) {
  for (const auto& label : name.labels) {
    appendEscaped({reinterpret_cast<const std::uint8_t*>(label.data()), label.size()}, out);
    out.push_back('.');
  }
}

// Prints one element of ISC's pretty_print_option at `pos`; false when the bytes do not fit.
bool formatElement(char type, std::span<const std::uint8_t> bytes, std::size_t& pos,
                   std::string& out) {
  auto need = [&](std::size_t n) { return pos + n <= bytes.size(); };
  auto getInt = [&](int width) {
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = v << 8 | bytes[pos++];
    return v;
  };
  auto getSigned = [&](int width) {
    std::uint64_t raw = getInt(width);
    auto value = static_cast<std::int64_t>(raw);
    if (raw >> (8 * width - 1)) value -= std::int64_t{1} << (8 * width);
    return value;
  };
  switch (type) {
    case 't': case 'k':
      out.push_back('"');
      appendEscaped(bytes.subspan(pos), out);
      out.push_back('"');
      pos = bytes.size();
      return true;
    case 'd': {
      auto name = readDomainName(bytes, pos);
      if (!name) return false;
      appendName(*name, out);
      pos += name->consumed;
      return true;
    }
    case 'D':
      // Names until the end; pointers count from the start of the option, as ISC reads them.
      for (; pos < bytes.size();) {
        if (pos != 0) out += ", ";
        auto name = readDomainName(bytes, pos);
        if (!name) return false;
        out.push_back('"');
        appendName(*name, out);
        out.push_back('"');
        pos += name->consumed;
      }
      return true;
    case 'I':
      if (!need(4)) return false;
      out += net::Ipv4Address(static_cast<std::uint32_t>(getInt(4))).toString();
      return true;
    case '6': {
      if (!need(16)) return false;
      std::array<char, INET6_ADDRSTRLEN> text{};
      inet_ntop(AF_INET6, bytes.data() + pos, text.data(), text.size());
      pos += 16;
      out += text.data();
      return true;
    }
    case 'l': case 's': case 'b': {
      int width = type == 'l' ? 4 : type == 's' ? 2 : 1;
      if (!need(static_cast<std::size_t>(width))) return false;
      out += std::to_string(getSigned(width));
      return true;
    }
    case 'L': case 'S': case 'B': case 'T': {
      int width = (type == 'L' || type == 'T') ? 4 : type == 'S' ? 2 : 1;
      if (!need(static_cast<std::size_t>(width))) return false;
      std::uint64_t value = getInt(width);
      out += (type == 'T' && value == 0xffffffffu) ? "infinite" : std::to_string(value);
      return true;
    }
    case 'x':
      if (!need(1)) return false;
      out += fmt::format("{:x}", bytes[pos++]);
      return true;
    case 'f':
      if (!need(1)) return false;
      out += bytes[pos++] ? "true" : "false";  // ISC prints any non-zero byte as true
      return true;
    case 'F': out += "true"; return true;
    case 'e': case 'Z': return true;
    default: return false;
  }
}

}  // namespace

// A port of ISC's pretty_print_option(option, data, len, 1, 1), which writes option values into
// dhcpd.leases (agent options) and dhclient.leases: fields of a record are separated by a space,
// array elements and records by a comma with no space, and a string that is not all printable
// is hex throughout ("70:1:2" for { unsigned integer 8, string } holding 7 and 00:01:02). Where
// ISC prints "<error>" or silently drops bytes that do not fit the format, this prints the
// whole option as hex instead, so nothing is lost.
std::string formatOption(std::string_view format, std::span<const std::uint8_t> bytes) {
  std::string elements;  // ISC's fmtbuf: one letter per printed element
  std::size_t hunkSize = 0, optionalSize = 0, hunkIncrement = 0;
  int hunks = -1;             // -1 one record, -2 one record ending in a variable field, 0 array
  bool lastRepeats = false;   // 'a': only the last element repeats
  char comma = ',';
  for (std::size_t i = 0; i < format.size() && hunks != 0; ++i) {
    char c = format[i];
    switch (c) {
      case 'a': lastRepeats = true; [[fallthrough]];
      case 'A': hunks = 0; break;
      case 'E':
        i = format.find('.', i);
        if (i == std::string_view::npos) return hexText(bytes);
        [[fallthrough]];
      case 'X':
        if (printableText(bytes)) {
          elements += 't';
          hunks = -2;
        } else {
          elements += 'x';
          ++hunkSize;
          comma = ':';
          hunks = 0;
          lastRepeats = true;
          hunkIncrement = 1;
        }
        break;
      case 'D':
        if (i + 1 < format.size() && format[i + 1] == 'c') ++i;  // compressed or not, same text
        elements += c;
        hunks = -2;
        break;
      case 'd': {
        auto name = readDomainName(bytes, hunkSize);
        if (!name) return hexText(bytes);
        elements += c;
        hunkSize += name->consumed;
        break;
      }
      case 't': case 'k': elements += c; hunks = -2; break;
      case '6': elements += c; hunkSize += 16; hunkIncrement = 16; break;
      case 'I': case 'l': case 'L': case 'T': elements += c; hunkSize += 4; hunkIncrement = 4; break;
      case 's': case 'S': elements += c; hunkSize += 2; hunkIncrement = 2; break;
      case 'b': case 'B': case 'f': case 'F': elements += c; ++hunkSize; hunkIncrement = 1; break;
      case 'e': case 'Z': elements += c; break;
      case 'o': optionalSize += hunkIncrement; break;
      default: return hexText(bytes);  // enumerations and letters ISC's printer does not know
    }
  }
  if (hunkSize - std::min(optionalSize, hunkSize) > bytes.size()) return hexText(bytes);
  if (hunks == -1 && hunkSize != bytes.size() && optionalSize == 0) return hexText(bytes);
  if (hunks == 0) {
    if (lastRepeats) {
      if (hunkIncrement == 0 || bytes.size() < hunkSize) return hexText(bytes);
      if ((bytes.size() - hunkSize) % hunkIncrement != 0) return hexText(bytes);
      hunks = static_cast<int>((bytes.size() - hunkSize) / hunkIncrement + 1);
    } else {
      if (hunkSize == 0 || bytes.size() % hunkSize != 0) return hexText(bytes);
      hunks = static_cast<int>(bytes.size() / hunkSize);
    }
  }
  if (hunks < 0) hunks = 1;
  std::string out;
  std::size_t pos = 0;
  for (int i = 0; i < hunks; ++i) {
    std::size_t j = (lastRepeats && i != 0 && !elements.empty()) ? elements.size() - 1 : 0;
    for (; j < elements.size(); ++j) {
      if (!formatElement(elements[j], bytes, pos, out)) return hexText(bytes);
      if (pos == bytes.size()) break;
      if (j + 1 < elements.size() && comma != ':') out.push_back(' ');
    }
    if (i + 1 < hunks) out.push_back(comma);
    if (pos == bytes.size()) break;
  }
  if (pos != bytes.size()) return hexText(bytes);
  return out;
}

}  // namespace snowboot::dhcp
