// REQUEST: selecting, init-reboot, renewing and rebinding; ACK or NAK; one-lease-per-client.
#include "dhcpd/engine/engine.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/engine/handler_support.hpp"
#include "dhcpd/engine/option_bytes.hpp"
#include "dhcpd/engine/reply_builder.hpp"
#include "dhcpd/engine/scopes.hpp"

namespace snowboot::dhcpd::engine {

// ISC names a REQUEST's client by the lease it finds for the address: the one the client holds
// (its recorded name), one just offered to it (the offer wrote the DISCOVER's name into it,
// taken to be this packet's), else none: an INIT-REBOOT for an address the server never leased
// it, or a host's fixed address (a made-up lease), shows no name.
std::string Engine::requesterName(const Client& client, net::Ipv4Address address,
                                  leases::Time now) const {
  ReplyPlan fixedPlan;
  if (placeFixedAddress(config_, client.host, client.shared, fixedPlan)) return client.mac;
  auto lease = store_.findByAddress(address);
  if (lease && client.owns(*lease) && !lease->abandoned()) return client.namedBy(&*lease);
  if (offers_.holder(address, now) == client.key()) return client.from;
  return client.mac;
}

Outcome Engine::request(const Client& client, leases::Time now) {
  Outcome outcome;
  const auto& request = *client.request;
  auto serverId = optionAddress(request, dhcp::option::kServerIdentifier);
  auto wanted = optionAddress(request, dhcp::option::kRequestedAddress);
  net::Ipv4Address address = wanted ? *wanted : request.ciaddr;
  outcome.log.push_back(logLine({"DHCPREQUEST for ", address.toString(),
                                 serverId ? " (" + serverId->toString() + ")" : std::string(),
                                 " from ", requesterName(client, address, now), " via ",
                                 client.via}));

  // The scopes that decide `authoritative` and the server identifier for a NAK: the client's
  // network.
  static const ScopeChain kNoSubnet;
  const Resolved networkScope = resolveScopes(
      config_, client.subnet ? client.subnet->chain : kNoSubnet, client.host, client.context);
  auto ourId = serverIdentifier(networkScope, client.arrival->serverAddress);
  // The server identifier the client names is not checked: ISC 4.4 compares it only for leases
  // of a failover pool, so a REQUEST naming another server still gets the lease this server
  // would give (recorded: other-server-offered is ACKed).
  bool authoritative = networkScope->authoritative.value_or(false);
  auto nak = [&](std::string_view why) {
    if (!authoritative) {
      outcome.log.back() += fmt::format(": {} (not authoritative)", why);
      return std::move(outcome);
    }
    dhcp::Message reply = replyHeaderFor(request);
    reply.flags = request.flags | dhcp::kBroadcastFlag;
    reply.options.set(dhcp::option::kMessageType, {static_cast<std::uint8_t>(MessageType::Nak)});
    reply.options.set(dhcp::option::kServerIdentifier, addressBytes(ourId));
    std::string text = "requested address not available";
    reply.options.set(dhcp::option::kMessage, std::vector<std::uint8_t>(text.begin(), text.end()));
    if (!request.giaddr.isAny()) {
      if (const auto agent = request.options.find(dhcp::option::kRelayAgentInformation)) {
        reply.options.set(agent->code, agent->data);
      }
    }
    outcome.limits = replyLimits(ReplyKind::Nak, request, client.arrival->requestSize, {});
    outcome.reply = std::move(reply);
    outcome.destination = replyDestination(request, *outcome.reply);
    outcome.log.push_back(
        fmt::format("DHCPNAK on {} to {} via {}", address.toString(), client.mac, client.via));
    return std::move(outcome);
  };
  if (!client.subnet || address.isAny()) {
    if (!client.subnet) outcome.log.back() += ": unknown network segment";
    return outcome;
  }
  if (!isSubnetMember(client.shared, address)) return nak("wrong network");

  ReplyPlan plan;
  plan.type = MessageType::Ack;
  plan.yiaddr = address;
  plan.subnet = config_.subnetFor(address);
  const ScopeChain* chain = nullptr;
  bool fixed = false;
  if (client.host) {
    for (auto fixedAddress : client.host->fixedAddresses) {
      if (fixedAddress == address) {
        chain = &plan.subnet->chain;
        fixed = true;
      }
    }
  }
  if (!fixed) {
    const auto* pool = poolOf(client.shared, address);
    auto lease = store_.findByAddress(address);
    bool mine = lease && client.owns(*lease) && !lease->abandoned();
    bool free = !lease || lease->state == BindingState::Free ||
                lease->state == BindingState::Expired || lease->state == BindingState::Released;
    if (!pool) {
      // ISC has no lease for an address outside every range: it neither ACKs nor NAKs. One in
      // a range it does not serve (a subnet declared again without it) is a lease it refuses.
      const auto ranges = config_.allRanges();
      const bool known = std::any_of(ranges.begin(), ranges.end(), [&](const auto& range) {
        return range.first <= address && address <= range.last;
      });
      if (known) return nak("address not available");
      outcome.log.back() += fmt::format(": unknown lease {}.", address.toString());
      return outcome;
    }
    if (!poolPermits(*pool, client.context, false)) return nak("address not available");
    auto holder = offers_.holder(address, now);
    if (!mine && holder && *holder != client.key()) {
      return nak("address offered to another client");
    }
    // ISC: an available address in a pool is given even to a client that skipped the
    // DISCOVER ("we are within our rights to send a DHCPACK"); one that is leased to another
    // client or abandoned is refused.
    if (!mine && !free) return nak("lease owned by another client");
    chain = &pool->chain;
  }
  auto effective = resolveScopes(config_, *chain, client.host, client.context);
  if (auto refused = refusal(effective, !client.host, false)) {
    endWithRefusal(outcome.log, *refused);
    return outcome;
  }
  Billing bill;
  if (!fixed) {
    bill = billing(client, address);
    if (bill.refused) {
      outcome.log.back() += billingRefusal(bill.last);
      return outcome;
    }
  }
  plan.leaseTime = leaseTime(request, effective);
  if (fixed) plan.leaseTime = effective->number("default-lease-time").value_or(kDefaultLeaseTime);
  addLeaseHostname(config_, effective, address, outcome.log);
  buildReply(config_, request, *client.arrival, effective, plan, ReplyKind::Lease, outcome);
  if (isOn(effective, "one-lease-per-client")) {
    releaseOtherLeases(client, address, fixed, now, outcome);
  }
  if (!fixed) {
    offers_.forget(address);
    auto lease = makeLease(address, client.hardware, client.uid, request, now, *plan.leaseTime,
                           BindingState::Active);
    // Variables `set` while answering belong to the lease's scope in ISC: dhcpd.leases keeps
    // them (`set NAME = "value";`).
    for (const auto& [name, value] : effective->variables) {
      lease.variables.push_back({name, leases::Variable::Kind::Data, value, 0});
    }
    if (bill.key) {
      billing_.bill(address, *bill.key);
      lease.extraStatements.push_back(billingStatement(*bill.key));
    } else {
      billing_.unbill(address);
    }
    outcome.commits.push_back(std::move(lease));
  }
  outcome.log.push_back(logLine({"DHCPACK on ", address.toString(), " to ",
                                 fixed ? client.mac : client.from, " via ", client.via}));
  return outcome;
}

// `one-lease-per-client on;` (ISC's ack_lease, DHCPREQUEST only): the client's other active
// leases are released. ISC finds them by the identity the ACKed lease carries before the ACK:
// the client identifier, else (or for a declared host without one under `duplicates off`) the
// hardware address. A lease records its client when it is offered or ACKed; an address never
// offered to the client (an INIT-REBOOT for a fresh one) knows nobody, so nothing is released;
// a fixed address carries its host's identity.
void Engine::releaseOtherLeases(const Client& client, net::Ipv4Address keep, bool fixed,
                                leases::Time now, Outcome& outcome) {
  std::string uid;
  leases::HardwareAddress hardware;
  if (fixed) {
    uid = client.host->clientId;
    if (client.host->hardware) hardware = *client.host->hardware;
  } else if (offers_.holder(keep, now) == client.key()) {
    uid = client.uid;
    hardware = client.hardware;
  } else if (auto lease = store_.findByAddress(keep)) {
    uid = lease->uid;
    hardware = lease->hardware;
  }
  std::vector<Lease> others;
  if (!uid.empty()) others = store_.findByClientId(uid);
  bool byHardware = uid.empty();
  if (!byHardware && client.host && client.host->clientId.empty()) {
    auto effective = resolveScopes(config_, {}, client.host, client.context);
    // ISC's duplicates option, set as `deny duplicates;` or as `duplicates off;`.
    auto duplicates = effective->text("duplicates");
    auto permit = effective->permits.find("duplicates");
    byHardware = (duplicates && (*duplicates == "off" || *duplicates == "false")) ||
                 (permit != effective->permits.end() && permit->second != "allow");
  }
  if (byHardware && !hardware.empty()) {
    auto more = store_.findByHardware(hardware);
    others.insert(others.end(), more.begin(), more.end());
  }
  std::set<net::Ipv4Address> released;
  for (const auto& lease : others) {
    if (lease.address == keep || lease.state != BindingState::Active) continue;
    if (!released.insert(lease.address).second) continue;
    billing_.unbill(lease.address);
    outcome.commits.push_back(leases::releasedAt(lease, now));
  }
}

}  // namespace snowboot::dhcpd::engine
