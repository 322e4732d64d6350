#pragma once
// dhcpd.conf as the engine reads it: subnets with their pools, hosts and classes, each with the
// chain of statement lists (outermost first: global, shared-network, group, subnet, pool, ...)
// that the engine executes in order for a packet, so inner scopes override outer ones as in ISC.
// The model points into the parse tree, which it owns.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/net/ipv4.hpp"
#include "dhcpd/conf/parser.hpp"
#include "dhcpd/leases/lease.hpp"
#include "dhcpd/leases/lease_store.hpp"

namespace snowboot::dhcpd::engine {

using StatementList = std::vector<conf::Statement>;
using ScopeChain = std::vector<const StatementList*>;  // outermost first

// A pool permit: `allow|deny known-clients;`, `allow members of "x";`, ...
struct PoolPermit {
  bool allow = true;
  enum class What { KnownClients, UnknownClients, AllClients, DynamicBootp, Members, Other };
  What what = What::Other;
  std::string className;  // Members
};

struct Pool {
  std::vector<leases::AddressRange> ranges;
  std::vector<PoolPermit> permits;
  ScopeChain chain;          // its subnet's chain plus the pool's body
  bool dynamicBootp = false;  // a range was declared `dynamic-bootp`
};

struct Subnet {
  net::Ipv4Network network = *net::Ipv4Network::fromPrefix(net::Ipv4Address::any(), 0);
  int sharedNetwork = -1;  // index into ConfigModel::sharedNetworks, or -1 for its own
  ScopeChain chain;
  std::vector<Pool> pools;  // ranges outside a pool form a pool of their own, first
};

struct Host {
  std::string name;
  std::optional<leases::HardwareAddress> hardware;
  std::string clientId;  // option dhcp-client-identifier in the host, raw bytes
  std::vector<net::Ipv4Address> fixedAddresses;
  ScopeChain chain;  // groups around it and its own body (not the subnet: that comes first)
};

struct ClassDecl {
  std::string name;
  const conf::Expression* match = nullptr;     // `match if EXPR;` (Boolean): a guard
  const conf::Expression* submatch = nullptr;  // `match EXPR;` / `spawn with EXPR;` (data)
  bool spawning = false;                       // `spawn with`: unknown values make subclasses
  std::uint32_t leaseLimit = 0;                // `lease limit N;` (0: none)
  const StatementList* body = nullptr;
  // `subclass "name" VALUE [{ ... }]`: the submatch value -> the subclass's own body (null when
  // it has none; it then runs the class's body only).
  std::map<std::string, const StatementList*, std::less<>> subclasses;
};

struct Effective;  // evaluate.hpp

// Scopes resolved once per configuration (engine.cpp's resolveScopes): the statement lists run,
// in order, and the host -> what they set, kept only when no statement in them depends on the
// packet. Filled lazily by the one thread that runs the engine; a reload starts a new one.
struct ScopeMemo {
  using Key = std::pair<ScopeChain, const void*>;
  static constexpr std::size_t kLimit = 4096;  // a config of 50,000 hosts must not grow it unbounded
  std::map<Key, std::shared_ptr<const Effective>> resolved;
  std::map<const StatementList*, bool> packetIndependent;
};

// ISC's DEFAULT_ABANDON_LEASE_TIME: how long a declined or pinged address stays abandoned.
inline constexpr std::chrono::seconds kDefaultAbandonLeaseTime{86400};

struct ConfigModel {
  std::shared_ptr<const conf::ParseResult> source;
  const StatementList* global = nullptr;
  std::vector<std::string> sharedNetworks;
  std::vector<Subnet> subnets;
  std::vector<Host> hosts;
  // Positions in `hosts` by hardware key and by client identifier, the first declared of each:
  // every packet looks its client up, and a config may declare tens of thousands of hosts.
  std::unordered_map<std::string, std::size_t> hostsByHardware;
  std::unordered_map<std::string, std::size_t> hostsByClientId;
  std::vector<ClassDecl> classes;
  // get-lease-hostnames: the names of addresses, looked up when the configuration is loaded
  // (lease_hostnames.hpp).
  std::map<net::Ipv4Address, std::string> leaseHostnames;
  bool billing = false;  // a class has `lease limit` (ISC's have_billing_classes)
  // `abandon-lease-time`, read from the global scope only, as ISC reads it once at start.
  std::chrono::seconds abandonLeaseTime = kDefaultAbandonLeaseTime;
  // `option NAME code N = encapsulate SPACE;`: SPACE -> N (its sub-options are sent inside N).
  std::map<std::string, std::uint8_t, std::less<>> encapsulations;
  // A cache, not part of what the configuration says: const users fill it.
  mutable ScopeMemo scopeMemo;

  // The subnet holding `address`, most specific first; of two declarations of one network, the
  // later (as ISC).
  const Subnet* subnetFor(net::Ipv4Address address) const;
  // Subnets of the same shared network as `subnet` (itself first).
  std::vector<const Subnet*> sharedWith(const Subnet& subnet) const;
  const Host* hostByHardware(const leases::HardwareAddress& hardware) const;
  const Host* hostByClientId(std::string_view clientId) const;
  std::vector<leases::AddressRange> allRanges() const;
  std::vector<net::Ipv4Network> networks() const;
};

// Builds the model; the parse result must have passed the checker (and host-name resolution).
ConfigModel buildConfigModel(std::shared_ptr<const conf::ParseResult> parsed);

}  // namespace snowboot::dhcpd::engine
