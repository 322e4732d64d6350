#pragma once
// The DHCP server's decisions, without I/O: (request, where it arrived, configuration, leases,
// now) -> the reply, where it goes, the lease changes to make durable first, and ISC's log lines.

#include <chrono>
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
#include "dhcpd/engine/reply_options.hpp"
#include "dhcpd/leases/lease_store.hpp"

namespace snowboot::dhcpd::engine {

struct Arrival {
  std::string interface;            // "eth0", for the log
  net::Ipv4Address serverAddress;   // the receiving interface's address: our server identifier
  std::size_t requestSize = 0;      // the request's DHCP message size (BOOTP's vendor area)
};

// ping-check: before an address nobody holds is offered, the shell sends it one ICMP echo and
// calls Engine::probed() with the same request when an echo reply came or `timeout` passed.
struct Probe {
  net::Ipv4Address address;
  std::chrono::milliseconds timeout{0};
  int attempt = 1;  // addresses pinged for this DISCOVER so far, this one included
  leases::Time asked{};  // when the engine asked: ISC's starts and cltt of an abandoned address
};

enum class ProbeResult { Silent, Answered };

struct Outcome {
  std::optional<Probe> probe;  // ping this first; no reply until Engine::probed()
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
// How long an offered address is kept from others while the client thinks it over.
inline constexpr std::uint32_t kOfferHold = 120;
// ping-check's defaults in ISC 4.4 (DEFAULT_PING_TIMEOUT, DEFAULT_PING_CLTT_SECS): ping-check is
// on unless dhcpd.conf says `ping-check false;`.
inline constexpr std::chrono::seconds kDefaultPingTimeout{1};
inline constexpr std::uint32_t kDefaultPingClttSeconds = 60;
// An answered ping abandons the address and another is pinged at once (ISC stays silent until
// the client's next DISCOVER); after this many in a row the client's retransmission decides.
inline constexpr int kMaxProbesPerDiscover = 3;
// Echoes out at once: beyond it a DISCOVER that needs a ping is not answered (its client
// retransmits) rather than offered an unchecked address.
inline constexpr std::size_t kMaxOutstandingProbes = 1024;

class Engine {
 public:
  Engine(const ConfigModel& config, leases::LeaseStore& store, OfferBook& offers,
         BillingBook& billing)
      : config_(config), store_(store), offers_(offers), billing_(billing) {}

  Outcome handle(const dhcp::Message& request, const Arrival& arrival, leases::Time now);
  // The answer to outcome.probe for `request` (the DISCOVER that asked for it): the OFFER, or
  // the address abandoned ("pinged before offer") and another one offered or probed. Nothing
  // when the offer was given up meanwhile (taken by a REQUEST, expired).
  Outcome probed(const dhcp::Message& request, const Arrival& arrival, const Probe& probe,
                 ProbeResult result, leases::Time now);
  void limitProbes(std::size_t most) { maxProbes_ = most; }

 private:
  struct Client;
  Client identify(const dhcp::Message& request, const Arrival& arrival) const;
  Outcome discover(const Client& client, leases::Time now);
  // Chooses the address and builds the OFFER into `outcome`, or asks for a ping first. `avoid`
  // was just abandoned (the store has not seen the commit yet). Returns why nothing is offered.
  std::optional<std::string> offer(const Client& client, leases::Time now, Outcome& outcome,
                                   std::optional<net::Ipv4Address> avoid, int attempt);
  std::vector<leases::Lease> leasesOf(const Client& client) const;
  bool needsPing(const Effective& effective, const Client& client, net::Ipv4Address address,
                 leases::Time now) const;
  Outcome request(const Client& client, leases::Time now);
  std::string requesterName(const Client& client, net::Ipv4Address address,
                            leases::Time now) const;
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
  std::size_t maxProbes_ = kMaxOutstandingProbes;
  BillingBook& billing_;
};

}  // namespace snowboot::dhcpd::engine
