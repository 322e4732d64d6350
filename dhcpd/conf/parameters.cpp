// dhcpd.conf(5)'s server parameters and the ISC format letters of their values.
#include <algorithm>
#include <array>
#include <unordered_map>

#include "dhcpd/conf/parser_impl.hpp"

namespace snowboot::dhcpd::conf {
namespace {

using T = ServerParameter::Treatment;

constexpr std::array kParameters = std::to_array<ServerParameter>({
    {"default-lease-time", "T", T::Use},
    {"max-lease-time", "T", T::Use},
    {"min-lease-time", "T", T::Use},
    {"dynamic-bootp-lease-cutoff", "T", T::Use},
    {"dynamic-bootp-lease-length", "L", T::Use},
    {"boot-unknown-clients", "f", T::Use},
    {"dynamic-bootp", "f", T::Use},
    {"allow-bootp", "f", T::Use},
    {"allow-booting", "f", T::Use},
    {"one-lease-per-client", "f", T::Use},
    {"get-lease-hostnames", "f", T::Use},
    {"use-host-decl-names", "f", T::Use},
    {"use-lease-addr-for-default-route", "f", T::Use},
    {"min-secs", "B", T::Use},
    {"filename", "t", T::Use},
    {"server-name", "t", T::Use},
    {"next-server", "I", T::Use},
    {"vendor-option-space", "U", T::Use},
    {"always-reply-rfc1048", "f", T::Use},
    {"site-option-space", "X", T::Use},
    {"always-broadcast", "f", T::Use},
    {"lease-file-name", "t", T::Use},
    {"pid-file-name", "t", T::Use},
    {"duplicates", "f", T::Use},
    {"declines", "f", T::Use},
    {"local-port", "S", T::Use},
    {"limited-broadcast-address", "I", T::Use},
    {"remote-port", "S", T::Use},
    {"local-address", "I", T::Use},
    {"stash-agent-options", "f", T::Use},
    {"ping-check", "f", T::Use},
    {"log-facility", "Nsyslog-facilities.", T::Use},
    {"ping-timeout", "T", T::Use},
    {"infinite-is-reserved", "f", T::Use},
    {"leasequery", "f", T::Use},
    {"adaptive-lease-time-threshold", "B", T::Use},
    {"delayed-ack", "S", T::Use},
    {"max-ack-delay", "L", T::Use},
    {"dhcp-cache-threshold", "B", T::Use},
    {"dont-use-fsync", "f", T::Use},
    {"ignore-client-uids", "f", T::Use},
    {"log-threshold-low", "B", T::Use},
    {"log-threshold-high", "B", T::Use},
    {"echo-client-id", "f", T::Use},
    {"server-id-check", "f", T::Use},
    {"abandon-lease-time", "T", T::Use},
    {"check-secs-byte-order", "f", T::Use},
    {"release-on-roam", "f", T::Use},
    {"ping-cltt-secs", "T", T::Use},
    {"ping-timeout-ms", "T", T::Use},
    // DNS updates: parsed, checked, ignored with one warning.
    {"ddns-domainname", "t", T::IgnoreDdns},
    {"ddns-hostname", "t", T::IgnoreDdns},
    {"ddns-rev-domainname", "t", T::IgnoreDdns},
    {"ddns-updates", "f", T::IgnoreDdns},
    {"ddns-ttl", "T", T::IgnoreDdns},
    {"ddns-update-style", "Nddns-styles.", T::IgnoreDdns},
    {"client-updates", "f", T::IgnoreDdns},
    {"update-optimization", "f", T::IgnoreDdns},
    {"update-static-leases", "f", T::IgnoreDdns},
    {"do-forward-updates", "f", T::IgnoreDdns},
    {"update-conflict-detection", "f", T::IgnoreDdns},
    {"do-reverse-updates", "f", T::IgnoreDdns},
    {"fqdn-reply", "f", T::IgnoreDdns},
    {"ddns-local-address4", "I", T::IgnoreDdns},
    {"ddns-local-address6", "6", T::IgnoreDdns},
    {"ddns-dual-stack-mixed-mode", "f", T::IgnoreDdns},
    {"ddns-guard-id-must-match", "f", T::IgnoreDdns},
    {"ddns-other-guard-is-dynamic", "f", T::IgnoreDdns},
    // OMAPI (ISC's remote management protocol): snowboot has none.
    {"omapi-port", "S", T::IgnoreOmapi},
    {"omapi-key", "k", T::IgnoreOmapi},
    // DHCPv6-only parameters: they cannot change what a DHCPv4 client gets.
    {"preferred-lifetime", "T", T::IgnoreV6},
    {"dhcpv6-lease-file-name", "t", T::IgnoreV6},
    {"dhcpv6-pid-file-name", "t", T::IgnoreV6},
    {"limit-addrs-per-ia", "L", T::IgnoreV6},
    {"limit-prefs-per-ia", "L", T::IgnoreV6},
    {"prefix-length-mode", "Nprefix-length-modes.", T::IgnoreV6},
    {"dhcpv6-set-tee-times", "f", T::IgnoreV6},
    {"use-eui-64", "f", T::IgnoreV6},
    {"persist-eui-64-leases", "f", T::IgnoreV6},
    {"local-address6", "6", T::IgnoreV6},
    {"bind-local-address6", "f", T::IgnoreV6},
    // LDAP-backed configuration: ISC accepts these only in LDAP builds (Debian's is not one).
    {"ldap-server", "t", T::RefuseLdap},
    {"ldap-port", "L", T::RefuseLdap},
    {"ldap-username", "t", T::RefuseLdap},
    {"ldap-password", "t", T::RefuseLdap},
    {"ldap-base-dn", "t", T::RefuseLdap},
    {"ldap-method", "N", T::RefuseLdap},
    {"ldap-debug-file", "t", T::RefuseLdap},
    {"ldap-dhcp-server-cn", "t", T::RefuseLdap},
    {"ldap-referrals", "f", T::RefuseLdap},
    {"ldap-ssl", "N", T::RefuseLdap},
    {"ldap-tls-reqcert", "N", T::RefuseLdap},
    {"ldap-tls-ca-file", "t", T::RefuseLdap},
    {"ldap-tls-ca-dir", "t", T::RefuseLdap},
    {"ldap-tls-cert", "t", T::RefuseLdap},
    {"ldap-tls-key", "t", T::RefuseLdap},
    {"ldap-tls-crlcheck", "N", T::RefuseLdap},
    {"ldap-tls-ciphers", "t", T::RefuseLdap},
    {"ldap-tls-randfile", "t", T::RefuseLdap},
    {"ldap-init-retry", "L", T::RefuseLdap},
    {"ldap-gssapi-keytab", "t", T::RefuseLdap},
    {"ldap-gssapi-principal", "t", T::RefuseLdap},
});

}  // namespace

const ServerParameter* findServerParameter(std::string_view name) {
  static const std::unordered_map<std::string_view, const ServerParameter*> byName = [] {
    std::unordered_map<std::string_view, const ServerParameter*> map;
    for (const auto& p : kParameters) map.emplace(p.name, &p);
    return map;
  }();
  // Keywords are case-insensitive; the table is lower case.
  char buffer[64];
  if (name.size() > sizeof buffer) return nullptr;
  for (std::size_t i = 0; i < name.size(); ++i) {
    buffer[i] = asciiLower(name[i]);
  }
  auto it = byName.find(std::string_view(buffer, name.size()));
  return it == byName.end() ? nullptr : it->second;
}

std::vector<std::string_view> serverParameterNames() {
  std::vector<std::string_view> names;
  for (const auto& p : kParameters) names.push_back(p.name);
  return names;
}

}  // namespace snowboot::dhcpd::conf
