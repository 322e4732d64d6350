#pragma once
// The ONE table of DHCPv4 options: code, ISC name, option space and ISC's format letters
// (dhcp-options(5); ISC dhcpd's common/tables.c uses the same letters). The conf parser checks
// `option NAME value;` against it, the codec and the leases writer encode and print with it.
//
// Format letters (a subset of ISC's, the ones dhcp-options(5) types need):
//   I ip-address  6 ip6-address  l/s/b signed 32/16/8  L/S/B unsigned 32/16/8
//   T lease time (unsigned 32, or "infinite")  t text  f boolean  X string (text or hex)
//   d domain name  D domain list (c: compressed)  Z zero length  E<space>. encapsulation
//   A after a record: array of records  a after a field: array of that field
//   o after a field: optional  U option space name  N<enum>. enumeration (server parameters)

#include <cstdint>
#include <deque>
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace snowboot::dhcp {

struct OptionDefinition {
  std::string_view space;   // "dhcp", "agent", "fqdn", or a declared space such as "ipxe"
  std::string_view name;    // ISC's name: "domain-name-servers"
  std::uint32_t code = 0;
  std::string_view format;  // ISC format letters: "IA"
};

struct OptionSpace {
  std::string_view name;
  int codeWidth = 1;    // bytes per sub-option code (1, 2 or 4)
  int lengthWidth = 1;  // bytes per sub-option length (0, 1 or 2)
};

// Every option ISC predefines for DHCPv4: dhcp, agent, nwip, fqdn, vendor-class, vendor, isc.
std::span<const OptionDefinition> builtinOptions();
std::span<const OptionSpace> builtinSpaces();

// The built-in table plus what a configuration declares (`option space`, `option X code N =`).
// A later definition takes over its name and its code; the option that held the code before
// stays reachable by its old name, as in ISC dhcpd.
class OptionCatalogue {
 public:
  OptionCatalogue();

  const OptionDefinition* find(std::string_view space, std::string_view name) const;
  const OptionDefinition* find(std::string_view space, std::uint32_t code) const;
  const OptionSpace* findSpace(std::string_view name) const;

  // Declares (or redeclares) an option; strings are copied.
  const OptionDefinition& define(std::string_view space, std::string_view name,
                                 std::uint32_t code, std::string_view format);
  const OptionSpace& defineSpace(std::string_view name, int codeWidth, int lengthWidth);

 private:
  std::string_view keep(std::string_view text);

  // Keys are lower-case "space\nname" (and "space\n" + 4 code bytes), found through a string_view
  // built on the stack: a lookup allocates nothing (a 50,000-host file makes 50,000 of them).
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  template <class T>
  using Index = std::unordered_map<std::string, const T*, Hash, std::equal_to<>>;

  std::deque<std::string> strings_;
  std::deque<OptionDefinition> declared_;
  std::deque<OptionSpace> declaredSpaces_;
  Index<OptionDefinition> byName_;
  Index<OptionDefinition> byCode_;
  Index<OptionSpace> spaces_;
};

// One value as the configuration writes it: `10.0.0.1`, `00:07`, `"iPXE"`, `true`, `42`.
// A view: the text stays with the caller (the configuration's source, or a decoded string).
struct OptionField {
  std::string_view text;  // decoded contents for a quoted string
  bool quoted = false;    // it was a "string"
};

enum class OptionValueErrorCode {
  BadFormat,       // the format letters themselves are malformed
  WrongType,       // a value that is not of the field's type
  OutOfRange,      // an integer too large or small for its width
  MissingValue,    // fewer values than the format needs
  ExtraValue,      // more values than the format takes
  HostName,        // an ip-address given as a host name: resolvable only at start-up
  Unsupported,     // a format letter we cannot encode from configuration text
};

struct OptionValueError {
  OptionValueErrorCode code;
  std::size_t field = 0;     // index into the fields
  std::string expected;      // "ip-address", "unsigned 8-bit integer", ...
};

// ISC's lenient dotted quad (`ip-address` values): four decimal parts 0..255, leading zeros
// allowed; the address in host order.
std::optional<std::uint32_t> parseDottedQuad(std::string_view text);
// Colon-separated hex bytes of one or two digits each ("52:54:0:a:bc:de", "7"): how many, or
// nothing when a part is not.
std::optional<std::size_t> countHexListBytes(std::string_view text);

// Encodes `fields` by `format`. With allowHostNames, an ip-address given as a host name is
// accepted and encoded as 0.0.0.0 (for checking a configuration before names are resolved).
std::expected<std::vector<std::uint8_t>, OptionValueError> encodeOption(
    std::string_view format, std::span<const OptionField> fields, bool allowHostNames = false);
// The same into `out` (cleared first), so a caller checking many values reuses one buffer.
std::expected<void, OptionValueError> encodeOptionInto(std::string_view format,
                                                       std::span<const OptionField> fields,
                                                       bool allowHostNames,
                                                       std::vector<std::uint8_t>& out);

// The option's bytes in ISC's text form: `10.0.0.1, 10.0.0.2`, `"pxelinux.0"`, `0:7`, `true`.
// Bytes that do not fit the format print as colon-separated hex.
std::string formatOption(std::string_view format, std::span<const std::uint8_t> bytes);

// The format in dhcpd.conf's type words, for messages: "array of ip-address".
std::string describeFormat(std::string_view format);

// The option space named by an encapsulation format ("Eagent." -> "agent"), or nothing.
std::optional<std::string_view> encapsulatedSpace(std::string_view format);

}  // namespace snowboot::dhcp
