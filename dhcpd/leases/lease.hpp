#pragma once
// One DHCPv4 lease as dhcpd.leases(5) records it: a plain value, compared field by field.

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/static_vector.hpp>

#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::leases {

// Seconds since the epoch, UTC: the resolution and the zone of the file format.
using Time = std::chrono::sys_seconds;

// ISC writes `never` for an infinite lease; it stores it as the largest time value.
inline constexpr Time kNever = Time::max();

// The values and order of ISC's FTS_* constants (binding_state_names[] in its tables).
enum class BindingState : std::uint8_t {
  Free = 1,
  Active,
  Expired,
  Released,
  Abandoned,
  Reset,
  Backup,
  Reserved,
  Bootp,
};

std::string_view toString(BindingState state);
std::optional<BindingState> parseBindingState(std::string_view name);

// `hardware ethernet 52:54:00:12:34:56;`: the ARP hardware type and up to 16 address bytes.
struct HardwareAddress {
  // chaddr's 16 bytes, the most the config, the lease file and the wire give. Kept inline: a
  // lease is copied several times per exchange, and a heap vector made each copy a malloc.
  using Bytes = boost::container::static_vector<std::uint8_t, 16>;
  std::uint8_t type = 0;  // 1 ethernet, 6 token-ring, 8 fddi, 32 infiniband
  Bytes address;

  bool empty() const { return address.empty(); }
  // Type byte followed by the address: one string per hardware address, for hash indexes.
  std::string key() const;
  friend bool operator==(const HardwareAddress&, const HardwareAddress&) = default;
  friend std::strong_ordering operator<=>(const HardwareAddress&,
                                          const HardwareAddress&) = default;
};

std::string_view hardwareTypeName(std::uint8_t type);
std::optional<std::uint8_t> parseHardwareType(std::string_view name);

// `set name = value;`: ISC's binding scope variables (ddns-fwd-name, vendor-class-identifier...).
struct Variable {
  enum class Kind : std::uint8_t { Data, Number, Boolean };
  std::string name;
  Kind kind = Kind::Data;
  std::string data;         // Kind::Data: raw bytes (written quoted with octal escapes)
  std::int64_t number = 0;  // Kind::Number (written %N), Kind::Boolean (0 or 1)

  friend bool operator==(const Variable&, const Variable&) = default;
};

struct Lease {
  net::Ipv4Address address;
  std::optional<Time> starts;
  std::optional<Time> ends;  // kNever for an infinite lease
  std::optional<Time> tstp;
  std::optional<Time> tsfp;
  std::optional<Time> atsfp;
  std::optional<Time> cltt;
  BindingState state = BindingState::Free;
  // ISC writes `next binding state` only when it differs; absent means "same as state".
  std::optional<BindingState> nextState;
  std::optional<BindingState> rewindState;
  bool reserved = false;  // `reserved;`
  bool bootp = false;     // `dynamic-bootp;` (ISC also reads the older `bootp;`)
  HardwareAddress hardware;
  std::string uid;  // raw client identifier bytes (option 61)
  std::optional<std::string> clientHostname;
  std::vector<Variable> variables;
  // Statements this store does not interpret but must keep (`on expiry { ... }`,
  // `option agent.circuit-id ...;`, `billing class ...;`), as their source text, in order.
  std::vector<std::string> extraStatements;

  bool abandoned() const { return state == BindingState::Abandoned; }
  friend bool operator==(const Lease&, const Lease&) = default;
};

// What ISC 4.4 writes for a DHCPRELEASE (release_lease): the client's identity stays; its
// variables, hostname and class billing go (see tests/fixtures/leases/isc-dhclient.leases).
Lease releasedAt(Lease lease, Time now);

// `host NAME { ... }` written by OMAPI: kept as its source text, replayed on rewrite.
struct HostRecord {
  std::string name;
  std::string text;      // from `host` to the closing brace
  bool deleted = false;  // a rubout: `deleted;`

  friend bool operator==(const HostRecord&, const HostRecord&) = default;
};

}  // namespace snowboot::dhcpd::leases
