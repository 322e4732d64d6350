#pragma once
// The DHCP server's decisions, without I/O: (request, where it arrived, configuration, leases,
// now) -> the reply, where it goes, the lease changes to make durable first, and ISC's log lines.

#include <optional>
#include <string>
#include <vector>

#include "common/dhcp/message.hpp"
#include "dhcpd/engine/billing_book.hpp"
#include "dhcpd/engine/classify.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/destination.hpp"
#include "dhcpd/engine/evaluate.hpp"
#include "dhcpd/engine/offer_book.hpp"
#include "dhcpd/leases/lease_store.hpp"

namespace snowboot::dhcpd::engine {

struct Arrival {
  std::string interface;            // "eth0", for the log
  net::Ipv4Address serverAddress;   // the receiving interface's address: our server identifier
};

struct Outcome {
  std::optional<dhcp::Message> reply;
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
  Engine(const ConfigModel& config, leases::LeaseStore& store, OfferBook& offers,
         BillingBook& billing)
      : config_(config), store_(store), offers_(offers), billing_(billing) {}

  Outcome handle(const dhcp::Message& request, const Arrival& arrival, leases::Time now);

 private:
  struct Client;
  Outcome discover(const Client& client, leases::Time now);
  Outcome request(const Client& client, leases::Time now);
  Outcome decline(const Client& client, leases::Time now);
  Outcome release(const Client& client);
  Outcome inform(const Client& client);
  Outcome bootp(const Client& client, leases::Time now);
  void releaseOtherLeases(const Client& client, net::Ipv4Address keep, bool fixed,
                          leases::Time now, Outcome& outcome);

  // ISC's billing for `lease limit` (dhcp.c ack_lease): the class a lease on `address` (none:
  // a fresh one) is billed to, or that every limited class the client is in is full.
  struct Billing {
    bool refused = false;
    std::optional<std::string> key;  // bill the lease to this class
    std::string last;                // the last full class, for the log
  };
  Billing billing(const Client& client, std::optional<net::Ipv4Address> address) const;

  const ConfigModel& config_;
  leases::LeaseStore& store_;
  OfferBook& offers_;
  BillingBook& billing_;
};

}  // namespace snowboot::dhcpd::engine
