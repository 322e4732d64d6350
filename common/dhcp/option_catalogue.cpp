// The option catalogue: dhcp-options(5)'s options and spaces, and the ones dhcpd.conf defines,
// looked up by name or code. Values are encoded in option_encode.cpp and printed in
// option_text.cpp; formats are parsed in option_format.cpp.
#include "common/dhcp/option_catalogue.hpp"

#include <array>

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

}  // namespace snowboot::dhcp
