#pragma once
// The DHCP server's decisions, without I/O: (request, where it arrived, configuration, leases,
// now) -> the reply, where it goes, the lease changes to make durable first, and ISC's log lines.

#include <optional>
#include <string>
#include <vector>

#include "common/dhcp/message.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/destination.hpp"
#include "dhcpd/engine/evaluate.hpp"
#include "dhcpd/engine/offer_book.hpp"
#include "dhcpd/engine/reply_options.hpp"
#include "dhcpd/leases/lease_store.hpp"

namespace snowboot::dhcpd::engine {

struct Arrival {
  std::string interface;            // "eth0", for the log
  net::Ipv4Address serverAddress;   // the receiving interface's address: our server identifier
  std::size_t requestSize = 0;      // the request's DHCP message size (BOOTP's vendor area)
};

struct Outcome {
  std::optional<dhcp::Message> reply;
  dhcp::EncodeLimits limits;  // how to encode the reply: ISC's room for its options
  Destination destination;
  // Make these durable (LeaseStore::commit) before sending the reply.
  std::vector<leases::Lease> commits;
  std::optional<net::Ipv4Address> release;  // LeaseStore::release at `now`
  std::vector<std::string> log;             // ISC's lines, in order
};

// ISC's defaults when dhcpd.conf says nothing.
inline constexpr std::uint32_t kDefaultLeaseTime = 43200;
inline constexpr std::uint32_t kDefaultMaxLeaseTime = 86400;
inline constexpr std::uint32_t kAbandonLeaseTime = 86400;
// How long an offered address is kept from others while the client thinks it over.
inline constexpr std::uint32_t kOfferHold = 120;

class Engine {
 public:
  Engine(const ConfigModel& config, leases::LeaseStore& store, OfferBook& offers)
      : config_(config), store_(store), offers_(offers) {}

  Outcome handle(const dhcp::Message& request, const Arrival& arrival, leases::Time now);

 private:
  struct Client;
  Outcome discover(const Client& client, leases::Time now);
  Outcome request(const Client& client, leases::Time now);
  std::string requesterName(const Client& client, net::Ipv4Address address,
                            leases::Time now) const;
  Outcome decline(const Client& client, leases::Time now);
  Outcome release(const Client& client);
  Outcome inform(const Client& client);
  Outcome bootp(const Client& client, leases::Time now);

  const ConfigModel& config_;
  leases::LeaseStore& store_;
  OfferBook& offers_;
};

}  // namespace snowboot::dhcpd::engine
