#pragma once
// RFC 1035 domain names in DHCP options (domain-name `d`, domain-list `D`, option 119 / RFC 3397
// compression), encoded and decoded the way ISC dhcpd 4.4 does it (its common/ns_name.c, a copy
// of BIND's ns_name_pton / ns_name_pack / ns_name_unpack), so configurations get ISC's verdict
// and clients get ISC's bytes.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace snowboot::dhcp {

enum class DomainNameError {
  EmptyLabel,    // "a..b" or ".a"
  LabelTooLong,  // a label above 63 bytes
  NameTooLong,   // above 255 bytes in wire form
  BadEscape,     // "\1x": a backslash and digits that are not three digits up to 255
  BadLabelType,  // a length byte with 0x40 or 0x80 set (no such label type)
  BadPointer,    // a compression pointer that leaves the data or loops
  Truncated,     // the data ends inside a name
};

// Text to uncompressed wire form (length-prefixed labels and the root's 0), as ns_name_pton:
// `\.` and `\DDD` escapes, a trailing dot allowed, "" and "." are the root. Any other byte,
// spaces included, is part of its label.
std::expected<std::vector<std::uint8_t>, DomainNameError> domainNameFromText(std::string_view text);

// A domain list built name by name, as ISC builds `option domain-search "a", "b";`. With
// compression, each name's longest suffix already written (compared without regard to case)
// becomes a pointer to it, counted from the start of the list (RFC 3397 section 2).
class DomainListWriter {
 public:
  explicit DomainListWriter(bool compress) : compress_(compress) {}

  // `wireName` comes from domainNameFromText.
  void add(std::span<const std::uint8_t> wireName);
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  bool matchesAt(std::span<const std::uint8_t> suffix, std::size_t at) const;

  bool compress_;
  std::vector<std::uint8_t> bytes_;
  std::vector<std::size_t> labelStarts_;  // ns_name_pack's dnptrs: where labels were written
};

// One name read from `data` at `offset`, following compression pointers counted from the start
// of `data`. `labels` are the raw label bytes; `consumed` is how far the name reached at
// `offset` itself (a pointer counts 2 bytes).
struct DomainName {
  std::vector<std::string> labels;
  std::size_t consumed = 0;
};
std::expected<DomainName, DomainNameError> readDomainName(std::span<const std::uint8_t> data,
                                                          std::size_t offset);

}  // namespace snowboot::dhcp
