#pragma once
// ISC's executable statements and expressions, run for one packet: `if`/`elsif`/`else`,
// `match if`, options and parameters. The result of running a chain of scopes (outermost first)
// is what the reply carries; inner scopes override outer ones as in ISC.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/dhcp/message.hpp"
#include "common/dhcp/option_catalogue.hpp"
#include "common/net/ipv4.hpp"
#include "dhcpd/conf/ast.hpp"

namespace snowboot::dhcpd::engine {

struct PacketContext {
  const dhcp::Message* packet = nullptr;
  const dhcp::OptionCatalogue* catalogue = nullptr;
  bool known = false;                // a host declaration matches the client
  std::set<std::string> classes;     // classes the packet belongs to
  // `set`/`define` variables bound so far for this packet (execute() points this at its
  // Effective's while it runs); unset during classification, as in ISC.
  const std::map<std::string, std::string, std::less<>>* variables = nullptr;
  // The matched classes' statement lists in the order they run (see classify.hpp).
  std::vector<const std::vector<conf::Statement>*> classScopes;
};

// What a chain of scopes says for one packet.
struct Effective {
  std::map<std::uint8_t, std::vector<std::uint8_t>> options;  // dhcp space, code -> data
  // The codes of `options` in the order first set: ISC's option hash keeps them in that order
  // within a bucket, and a reply without a parameter request list follows the hash.
  std::vector<std::uint8_t> optionOrder;
  // Options of other spaces (ipxe, pxelinux, PXE...): space -> code -> data, for encapsulation.
  std::map<std::string, std::map<std::uint32_t, std::vector<std::uint8_t>>, std::less<>> spaceOptions;
  std::map<std::string, std::string, std::less<>> parameters;  // name -> first argument
  // `set NAME = EXPR;` / `define NAME = EXPR;` (data values), in the lease's scope in ISC.
  std::map<std::string, std::string, std::less<>> variables;
  std::optional<bool> authoritative;
  // `deny|ignore unknown-clients;` and the like outside pools: permit word -> allow/deny/ignore
  std::map<std::string, std::string, std::less<>> permits;

  // Lookups by view: the engine asks by literal names on every packet, without a string each.
  std::optional<std::uint32_t> number(std::string_view name) const;
  std::optional<std::string_view> text(std::string_view name) const;
};

std::optional<bool> evaluateBoolean(const conf::Expression& expression,
                                    const PacketContext& context);
std::optional<std::string> evaluateData(const conf::Expression& expression,
                                        const PacketContext& context);

// `NAME on;` or `NAME true;` in scope.
bool isOn(const Effective& effective, std::string_view name);
// The server identifier a scope sends: `option dhcp-server-identifier` when set, else the
// receiving interface's address (ISC's get_server_source_address).
net::Ipv4Address serverIdentifier(const Effective& effective, net::Ipv4Address interface);

// True when running `statements` sets the same values whatever the packet: no expression, no
// condition, no variable binding (declarations inside are skipped, as execute skips them).
bool packetIndependent(const std::vector<conf::Statement>& statements);

// Runs the statements (declarations inside are skipped: they are scopes of their own).
void execute(const std::vector<conf::Statement>& statements, const PacketContext& context,
             Effective& effective);

}  // namespace snowboot::dhcpd::engine
