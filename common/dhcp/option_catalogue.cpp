#include "common/dhcp/option_catalogue.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "common/dhcp/domain_name.hpp"
#include "common/net/ipv4.hpp"

namespace snowboot::dhcp {
namespace {

// dhcp-options(5), in code order per space.
constexpr std::array kBuiltinOptions = std::to_array<OptionDefinition>({
    {"dhcp", "subnet-mask", 1, "I"},
    {"dhcp", "time-offset", 2, "l"},
    {"dhcp", "routers", 3, "IA"},
    {"dhcp", "time-servers", 4, "IA"},
    {"dhcp", "ien116-name-servers", 5, "IA"},
    {"dhcp", "domain-name-servers", 6, "IA"},
    {"dhcp", "log-servers", 7, "IA"},
    {"dhcp", "cookie-servers", 8, "IA"},
    {"dhcp", "lpr-servers", 9, "IA"},
    {"dhcp", "impress-servers", 10, "IA"},
    {"dhcp", "resource-location-servers", 11, "IA"},
    {"dhcp", "host-name", 12, "t"},
    {"dhcp", "boot-size", 13, "S"},
    {"dhcp", "merit-dump", 14, "t"},
    {"dhcp", "domain-name", 15, "t"},
    {"dhcp", "swap-server", 16, "I"},
    {"dhcp", "root-path", 17, "t"},
    {"dhcp", "extensions-path", 18, "t"},
    {"dhcp", "ip-forwarding", 19, "f"},
    {"dhcp", "non-local-source-routing", 20, "f"},
    {"dhcp", "policy-filter", 21, "IIA"},
    {"dhcp", "max-dgram-reassembly", 22, "S"},
    {"dhcp", "default-ip-ttl", 23, "B"},
    {"dhcp", "path-mtu-aging-timeout", 24, "L"},
    {"dhcp", "path-mtu-plateau-table", 25, "SA"},
    {"dhcp", "interface-mtu", 26, "S"},
    {"dhcp", "all-subnets-local", 27, "f"},
    {"dhcp", "broadcast-address", 28, "I"},
    {"dhcp", "perform-mask-discovery", 29, "f"},
    {"dhcp", "mask-supplier", 30, "f"},
    {"dhcp", "router-discovery", 31, "f"},
    {"dhcp", "router-solicitation-address", 32, "I"},
    {"dhcp", "static-routes", 33, "IIA"},
    {"dhcp", "trailer-encapsulation", 34, "f"},
    {"dhcp", "arp-cache-timeout", 35, "L"},
    {"dhcp", "ieee802-3-encapsulation", 36, "f"},
    {"dhcp", "default-tcp-ttl", 37, "B"},
    {"dhcp", "tcp-keepalive-interval", 38, "L"},
    {"dhcp", "tcp-keepalive-garbage", 39, "f"},
    {"dhcp", "nis-domain", 40, "t"},
    {"dhcp", "nis-servers", 41, "IA"},
    {"dhcp", "ntp-servers", 42, "IA"},
    {"dhcp", "vendor-encapsulated-options", 43, "E."},
    {"dhcp", "netbios-name-servers", 44, "IA"},
    {"dhcp", "netbios-dd-server", 45, "IA"},
    {"dhcp", "netbios-node-type", 46, "B"},
    {"dhcp", "netbios-scope", 47, "t"},
    {"dhcp", "font-servers", 48, "IA"},
    {"dhcp", "x-display-manager", 49, "IA"},
    {"dhcp", "dhcp-requested-address", 50, "I"},
    {"dhcp", "dhcp-lease-time", 51, "L"},
    {"dhcp", "dhcp-option-overload", 52, "B"},
    {"dhcp", "dhcp-message-type", 53, "B"},
    {"dhcp", "dhcp-server-identifier", 54, "I"},
    {"dhcp", "dhcp-parameter-request-list", 55, "BA"},
    {"dhcp", "dhcp-message", 56, "t"},
    {"dhcp", "dhcp-max-message-size", 57, "S"},
    {"dhcp", "dhcp-renewal-time", 58, "L"},
    {"dhcp", "dhcp-rebinding-time", 59, "L"},
    {"dhcp", "vendor-class-identifier", 60, "X"},
    {"dhcp", "dhcp-client-identifier", 61, "X"},
    {"dhcp", "nwip-domain", 62, "t"},
    {"dhcp", "nwip-suboptions", 63, "Enwip."},
    {"dhcp", "nisplus-domain", 64, "t"},
    {"dhcp", "nisplus-servers", 65, "IA"},
    {"dhcp", "tftp-server-name", 66, "t"},
    {"dhcp", "bootfile-name", 67, "t"},
    {"dhcp", "mobile-ip-home-agent", 68, "IA"},
    {"dhcp", "smtp-server", 69, "IA"},
    {"dhcp", "pop-server", 70, "IA"},
    {"dhcp", "nntp-server", 71, "IA"},
    {"dhcp", "www-server", 72, "IA"},
    {"dhcp", "finger-server", 73, "IA"},
    {"dhcp", "irc-server", 74, "IA"},
    {"dhcp", "streettalk-server", 75, "IA"},
    {"dhcp", "streettalk-directory-assistance-server", 76, "IA"},
    {"dhcp", "user-class", 77, "t"},
    {"dhcp", "slp-directory-agent", 78, "fIa"},
    {"dhcp", "slp-service-scope", 79, "fto"},
    {"dhcp", "fqdn", 81, "Efqdn."},
    {"dhcp", "relay-agent-information", 82, "Eagent."},
    {"dhcp", "nds-servers", 85, "IA"},
    {"dhcp", "nds-tree-name", 86, "t"},
    {"dhcp", "nds-context", 87, "t"},
    {"dhcp", "bcms-controller-names", 88, "D"},
    {"dhcp", "bcms-controller-address", 89, "Ia"},
    {"dhcp", "client-last-transaction-time", 91, "L"},
    {"dhcp", "associated-ip", 92, "Ia"},
    {"dhcp", "pxe-system-type", 93, "Sa"},
    {"dhcp", "pxe-interface-id", 94, "BBB"},
    {"dhcp", "pxe-client-id", 97, "BX"},
    {"dhcp", "uap-servers", 98, "t"},
    {"dhcp", "geoconf-civic", 99, "X"},
    {"dhcp", "pcode", 100, "t"},
    {"dhcp", "tcode", 101, "t"},
    {"dhcp", "v6-only-preferred", 108, "L"},
    {"dhcp", "netinfo-server-address", 112, "Ia"},
    {"dhcp", "netinfo-server-tag", 113, "t"},
    {"dhcp", "default-url", 114, "t"},
    {"dhcp", "auto-config", 116, "B"},
    {"dhcp", "name-service-search", 117, "Sa"},
    {"dhcp", "subnet-selection", 118, "I"},
    {"dhcp", "domain-search", 119, "Dc"},
    {"dhcp", "vivco", 124, "Evendor-class."},
    {"dhcp", "vivso", 125, "Evendor."},
    {"dhcp", "pxe-undefined-1", 128, "X"},
    {"dhcp", "pxe-undefined-2", 129, "X"},
    {"dhcp", "pxe-undefined-3", 130, "X"},
    {"dhcp", "pxe-undefined-4", 131, "X"},
    {"dhcp", "pxe-undefined-5", 132, "X"},
    {"dhcp", "pxe-undefined-6", 133, "X"},
    {"dhcp", "pxe-undefined-7", 134, "X"},
    {"dhcp", "pxe-undefined-8", 135, "X"},
    {"dhcp", "pana-agent", 136, "Ia"},
    {"dhcp", "v4-lost", 137, "d"},
    {"dhcp", "capwap-ac-v4", 138, "Ia"},
    {"dhcp", "sip-ua-cs-domains", 141, "Dc"},
    {"dhcp", "ipv4-address-andsf", 142, "IA"},
    {"dhcp", "rdnss-selection", 146, "BIID"},
    {"dhcp", "tftp-server-address", 150, "Ia"},
    {"dhcp", "v4-portparams", 159, "BBS"},
    {"dhcp", "v4-captive-portal", 160, "t"},
    {"dhcp", "pxelinux-magic", 208, "BBBB"},
    {"dhcp", "loader-configfile", 209, "t"},
    {"dhcp", "loader-pathprefix", 210, "t"},
    {"dhcp", "loader-reboottime", 211, "L"},
    {"dhcp", "option-6rd", 212, "BB6Ia"},
    {"dhcp", "v4-access-domain", 213, "d"},
    // Relay agent information (option 82) sub-options.
    {"agent", "circuit-id", 1, "X"},
    {"agent", "remote-id", 2, "X"},
    {"agent", "agent-id", 3, "I"},
    {"agent", "DOCSIS-device-class", 4, "L"},
    {"agent", "link-selection", 5, "I"},
    {"agent", "relay-port", 19, "Z"},
    // NetWare/IP (option 63) sub-options.
    {"nwip", "illegal-1", 1, ""},
    {"nwip", "illegal-2", 2, ""},
    {"nwip", "illegal-3", 3, ""},
    {"nwip", "illegal-4", 4, ""},
    {"nwip", "nsq-broadcast", 5, "f"},
    {"nwip", "preferred-dss", 6, "IA"},
    {"nwip", "nearest-nwip-server", 7, "IA"},
    {"nwip", "autoretries", 8, "B"},
    {"nwip", "autoretry-secs", 9, "B"},
    {"nwip", "nwip-1-1", 10, "f"},
    {"nwip", "primary-dss", 11, "I"},
    // Client FQDN (option 81), as ISC splits it.
    {"fqdn", "no-client-update", 1, "f"},
    {"fqdn", "server-update", 2, "f"},
    {"fqdn", "encoded", 3, "f"},
    {"fqdn", "rcode1", 4, "B"},
    {"fqdn", "rcode2", 5, "B"},
    {"fqdn", "hostname", 6, "t"},
    {"fqdn", "domainname", 7, "t"},
    {"fqdn", "fqdn", 8, "t"},
    // Vendor-identifying options (124, 125) by enterprise number, and ISC's own space.
    {"vendor-class", "isc", 2495, "X"},
    {"vendor", "isc", 2495, "Eisc."},
    {"isc", "media", 1, "t"},
    {"isc", "update-assist", 2, "X"},
});

constexpr std::array kBuiltinSpaces = std::to_array<OptionSpace>({
    {"dhcp", 1, 1},
    {"agent", 1, 1},
    {"nwip", 1, 1},
    {"fqdn", 1, 1},
    {"vendor-class", 4, 1},
    {"vendor", 4, 1},
    {"isc", 2, 2},
});

struct FieldSpec {
  char type = 0;
  std::string_view arg;  // E and N: the space or enumeration name
  bool optional = false;
  bool repeat = false;     // 'a': this field repeats to the end
  bool compressed = false;  // 'c' after D
};

// The fields of a format: the first kInline on the stack (every dhcp-options(5) type fits), so
// checking a value allocates nothing; longer records spill to the heap.
class FieldList {
 public:
  static constexpr std::size_t kInline = 16;
  void push_back(const FieldSpec& spec) {
    if (size_ < kInline) {
      inline_[size_] = spec;
    } else {
      if (heap_.empty()) heap_.assign(inline_.begin(), inline_.end());
      heap_.push_back(spec);
    }
    ++size_;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  FieldSpec& operator[](std::size_t i) { return size_ <= kInline ? inline_[i] : heap_[i]; }
  const FieldSpec& operator[](std::size_t i) const { return size_ <= kInline ? inline_[i] : heap_[i]; }
  FieldSpec& back() { return (*this)[size_ - 1]; }
  const FieldSpec* begin() const { return size_ <= kInline ? inline_.data() : heap_.data(); }
  const FieldSpec* end() const { return begin() + size_; }

 private:
  std::array<FieldSpec, kInline> inline_{};
  std::vector<FieldSpec> heap_;
  std::size_t size_ = 0;
};

struct Format {
  FieldList fields;
  bool arrayOfRecords = false;  // 'A'
};

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

// ISC looks option and space names up without regard to case: keys are lower case, built on
// the stack ("space\nname", "space\n" + the code's four bytes) unless they are long.
class Key {
 public:
  explicit Key(std::string_view space) { add(space); }
  Key(std::string_view space, std::string_view name) {
    add(space);
    add("\n");
    add(name);
  }
  Key(std::string_view space, std::uint32_t code) {
    add(space);
    const char bytes[] = {'\n', static_cast<char>(code >> 24), static_cast<char>(code >> 16),
                          static_cast<char>(code >> 8), static_cast<char>(code)};
    add(std::string_view(bytes, sizeof bytes), false);  // binary: not case-folded
  }
  std::string_view view() const {
    return long_.empty() ? std::string_view(buffer_, size_) : std::string_view(long_);
  }
  std::string owned() const { return std::string(view()); }

 private:
  void add(std::string_view text, bool fold = true) {
    if (long_.empty() && size_ + text.size() <= sizeof buffer_) {
      for (char c : text) buffer_[size_++] = fold ? lower(c) : c;
      return;
    }
    if (long_.empty()) long_.assign(buffer_, size_);
    for (char c : text) long_.push_back(fold ? lower(c) : c);
  }
  static char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

  char buffer_[96];
  std::size_t size_ = 0;
  std::string long_;
};

}  // namespace

std::span<const OptionDefinition> builtinOptions() { return kBuiltinOptions; }
std::span<const OptionSpace> builtinSpaces() { return kBuiltinSpaces; }

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

OptionCatalogue::OptionCatalogue() {
  byName_.reserve(kBuiltinOptions.size() * 2);
  byCode_.reserve(kBuiltinOptions.size() * 2);
  for (const auto& space : kBuiltinSpaces) spaces_[Key(space.name).owned()] = &space;
  for (const auto& option : kBuiltinOptions) {
    byName_[Key(option.space, option.name).owned()] = &option;
    byCode_[Key(option.space, option.code).owned()] = &option;
  }
}

const OptionDefinition* OptionCatalogue::find(std::string_view space,
                                              std::string_view name) const {
  auto it = byName_.find(Key(space, name).view());
  return it == byName_.end() ? nullptr : it->second;
}

const OptionDefinition* OptionCatalogue::find(std::string_view space, std::uint32_t code) const {
  auto it = byCode_.find(Key(space, code).view());
  return it == byCode_.end() ? nullptr : it->second;
}

const OptionSpace* OptionCatalogue::findSpace(std::string_view name) const {
  auto it = spaces_.find(Key(name).view());
  return it == spaces_.end() ? nullptr : it->second;
}

std::string_view OptionCatalogue::keep(std::string_view text) {
  return strings_.emplace_back(text);
}

const OptionDefinition& OptionCatalogue::define(std::string_view space, std::string_view name,
                                                std::uint32_t code, std::string_view format) {
  // As ISC: redefining a known name forgets that name's old code; an option that held the
  // code before keeps its name (so `pxe-system-type` still works after `option arch code 93`).
  if (auto* old = find(space, name)) {
    auto it = byCode_.find(Key(old->space, old->code).view());
    if (it != byCode_.end() && it->second == old) byCode_.erase(it);
  }
  const auto& option =
      declared_.emplace_back(OptionDefinition{keep(space), keep(name), code, keep(format)});
  byName_[Key(space, name).owned()] = &option;
  byCode_[Key(space, code).owned()] = &option;
  return option;
}

const OptionSpace& OptionCatalogue::defineSpace(std::string_view name, int codeWidth,
                                                int lengthWidth) {
  const auto& space = declaredSpaces_.emplace_back(OptionSpace{keep(name), codeWidth, lengthWidth});
  spaces_[Key(name).owned()] = &space;
  return space;
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
