#pragma once
// `get-lease-hostnames on;`: the client is told the DNS name of its address (option 12). ISC
// calls gethostbyaddr() for every offer and ACK, stalling its only thread on DNS; snowboot looks
// the names up once, when the configuration is loaded (start and SIGHUP), for the addresses in
// scopes that turn it on, so the engine stays pure and a slow resolver never delays a reply.
// A name changed in DNS is seen at the next reload.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/net/ipv4.hpp"
#include "dhcpd/engine/config_model.hpp"

namespace snowboot::dhcpd::engine {

// address -> its name (a PTR record or /etc/hosts), or nothing when it has none.
using ReverseResolver = std::function<std::optional<std::string>(net::Ipv4Address)>;

// At most this many addresses are looked up (a /16): beyond, addresses get no name.
inline constexpr std::size_t kMaxLeaseHostnameLookups = 65536;

struct LeaseHostnameReport {
  std::size_t looked = 0;    // addresses looked up
  std::size_t named = 0;     // of which had a name
  std::size_t skipped = 0;   // beyond kMaxLeaseHostnameLookups
};

// Fills model.leaseHostnames for the pools' addresses and the hosts' fixed addresses whose
// scopes set get-lease-hostnames on (judged without a packet: a setting inside `if` does not
// count).
LeaseHostnameReport resolveLeaseHostnames(ConfigModel& model, const ReverseResolver& resolver,
                                          std::size_t limit = kMaxLeaseHostnameLookups);

}  // namespace snowboot::dhcpd::engine
