#pragma once
// What the engine's message handlers (engine.cpp, offer.cpp, request.cpp, bootp.cpp) share: who
// the client is, and the rules more than one message follows. Private to dhcpd/engine.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dhcpd/engine/engine.hpp"
#include "dhcpd/engine/reply_builder.hpp"

namespace snowboot::dhcpd::engine {

// The names every handler speaks in.
using dhcp::MessageType;
using leases::BindingState;
using leases::Lease;

struct Engine::Client {
  const dhcp::Message* request = nullptr;
  const Arrival* arrival = nullptr;
  leases::HardwareAddress hardware;
  std::string uid;
  const Host* host = nullptr;
  const Subnet* subnet = nullptr;         // where the client is (by giaddr or interface)
  std::vector<const Subnet*> shared;      // its shared network
  PacketContext context;
  std::vector<MatchedClass> classes;  // in classification order
  std::string mac;    // for the log
  // "52:54:00:00:00:01 (name)" by the packet's option 12: ISC's OFFER and ACK lines for a
  // dynamic lease. A host's fixed address has a made-up lease without a name in ISC, so those
  // lines name it by `mac` alone.
  std::string from;
  std::string via;    // "s0" or the relay's address

  // Who the client is for the offer book: its client identifier, else its hardware address.
  std::string key() const { return uid.empty() ? "hw:" + hardware.key() : "id:" + uid; }

  bool owns(const leases::Lease& lease) const {
    if (!uid.empty() && !lease.uid.empty()) return lease.uid == uid;
    return !lease.hardware.empty() && lease.hardware == hardware;
  }

  // ISC names the client in its DISCOVER, REQUEST, RELEASE and DECLINE lines by the hostname
  // the lease it found recorded, not by the packet's option 12 as in its OFFER and ACK lines.
  std::string namedBy(const leases::Lease* lease) const {
    if (!lease || !lease->clientHostname) return mac;
    return mac + " (" + *lease->clientHostname + ")";
  }

  // A DISCOVER: the client's own lease (find_lease). A new client's first DISCOVER shows no
  // name; while an offer is held ISC's lease already carries the name the first DISCOVER sent
  // (taken to be this one's).
  std::string discovererName(const std::vector<leases::Lease>& mine, bool offerHeld) const {
    for (const auto& lease : mine) {
      if (lease.abandoned() || !owns(lease)) continue;
      return namedBy(&lease);
    }
    return offerHeld ? from : mac;
  }
};

bool isSubnetMember(const std::vector<const Subnet*>& shared, net::Ipv4Address address);
// A pool's allow and deny lists, as ISC's permitted(): a deny that matches refuses; with any
// allow, one must match.
bool poolPermits(const Pool& pool, const PacketContext& context, bool bootp);
// The pool of the client's shared network holding `address`, if any.
const Pool* poolOf(const std::vector<const Subnet*>& shared, net::Ipv4Address address);
// The host's first fixed address on the client's network: into the plan, with its scopes.
const ScopeChain* placeFixedAddress(const ConfigModel& config, const Host* host,
                                    const std::vector<const Subnet*>& shared, ReplyPlan& plan);
// A lease as an OFFER, ACK or BOOTP reply records it, named by the request's option 12.
leases::Lease makeLease(net::Ipv4Address address, const leases::HardwareAddress& hardware,
                        const std::string& uid, const dhcp::Message& request, leases::Time now,
                        std::uint32_t seconds, leases::BindingState state);
// A log line from its parts. Every DORA logs four lines; built with fmt they were 4% of the
// server's instructions.
std::string logLine(std::initializer_list<std::string_view> parts);

// Ends the request's line (the log's last) with a refusal's reason; a silent refusal (`ignore`,
// an empty reason) takes the line away, as ISC then logs nothing.
void endWithRefusal(std::vector<std::string>& log, std::string_view reason);

// The log line's tail when every class with `lease limit` the client is in is full.
std::string billingRefusal(const std::string& last);

}  // namespace snowboot::dhcpd::engine
