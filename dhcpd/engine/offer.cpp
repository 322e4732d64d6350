// DISCOVER and OFFER: the address chosen, ping-check before it is offered, the reply.
#include "dhcpd/engine/engine.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/engine/handler_support.hpp"
#include "dhcpd/engine/option_bytes.hpp"
#include "dhcpd/engine/reply_builder.hpp"
#include "dhcpd/engine/scopes.hpp"

namespace snowboot::dhcpd::engine {

Outcome Engine::discover(const Client& client, leases::Time now) {
  Outcome outcome;
  // ISC: a DISCOVER repeated while its address is being pinged is not even logged; the OFFER
  // goes out once the ping is settled.
  if (auto offered = offers_.offeredTo(client.key(), now);
      offered && offers_.check(*offered) == OfferBook::Check::Probing) {
    return outcome;
  }
  ReplyPlan fixedPlan;
  const bool fixed =
      client.subnet && placeFixedAddress(config_, client.host, client.shared, fixedPlan);
  std::vector<Lease> mine;
  if (client.subnet && !fixed) mine = leasesOf(client);
  const bool offerHeld = !fixed && offers_.offeredTo(client.key(), now).has_value();
  outcome.log.push_back(
      logLine({"DHCPDISCOVER from ", client.discovererName(mine, offerHeld), " via ", client.via}));
  if (!client.subnet) {
    outcome.log.back() += ": unknown network segment";
    return outcome;
  }
  if (auto failed = offer(client, now, outcome, std::nullopt, 1)) {
    if (failed->empty()) {
      outcome.log.erase(outcome.log.begin());  // ignored: ISC logs nothing
    } else {
      outcome.log.front() += *failed;
    }
  }
  return outcome;
}

Outcome Engine::probed(const dhcp::Message& request, const Arrival& arrival, const Probe& probe,
                       ProbeResult result, leases::Time now) {
  Outcome outcome;
  auto client = identify(request, arrival);
  // The offer may have been given up meanwhile: a REQUEST took the address, the hold ended.
  auto holder = offers_.holder(probe.address, now);
  if (!holder || *holder != client.key() ||
      offers_.check(probe.address) != OfferBook::Check::Probing || !client.subnet) {
    offers_.setCheck(probe.address, OfferBook::Check::Unchecked);
    return outcome;
  }
  if (result == ProbeResult::Silent) {
    offers_.setCheck(probe.address, OfferBook::Check::Clear);
    if (auto failed = offer(client, now, outcome, std::nullopt, probe.attempt);
        failed && !failed->empty()) {
      outcome.log.push_back(
          fmt::format("DHCPDISCOVER from {} via {}{}", client.from, client.via, *failed));
    }
    return outcome;
  }
  // Somebody uses the address without a lease from us: ISC's lease_pinged() and abandon_lease().
  offers_.forget(probe.address);
  outcome.log.push_back(
      fmt::format("ICMP Echo reply while lease {} valid.", probe.address.toString()));
  outcome.log.push_back(
      fmt::format("Abandoning IP address {}: pinged before offer", probe.address.toString()));
  Lease abandoned;
  if (auto lease = store_.findByAddress(probe.address)) abandoned = *lease;
  abandoned.address = probe.address;
  abandoned.state = BindingState::Abandoned;
  abandoned.nextState = BindingState::Free;
  abandoned.rewindState = BindingState::Free;
  // ISC abandons the lease as its offer left it: starts and cltt of the offer, then ends
  // abandon-lease-time after the reply.
  abandoned.starts = probe.asked;
  abandoned.ends = now + config_.abandonLeaseTime;
  abandoned.cltt = probe.asked;
  abandoned.hardware = {};
  abandoned.uid.clear();
  abandoned.clientHostname.reset();
  abandoned.variables.clear();
  abandoned.bootp = false;
  outcome.commits.push_back(abandoned);
  if (probe.attempt >= kMaxProbesPerDiscover) return outcome;
  if (auto failed = offer(client, now, outcome, probe.address, probe.attempt + 1);
      failed && !failed->empty()) {
    outcome.log.push_back(
        fmt::format("DHCPDISCOVER from {} via {}{}", client.from, client.via, *failed));
  }
  return outcome;
}

std::optional<std::string> Engine::offer(const Client& client, leases::Time now,
                                         Outcome& outcome, std::optional<net::Ipv4Address> avoid,
                                         int attempt) {
  const auto& request = *client.request;
  ReplyPlan plan;
  plan.type = MessageType::Offer;
  // A fixed address on this network first, as ISC.
  const ScopeChain* chain = placeFixedAddress(config_, client.host, client.shared, plan);
  const bool fixed = chain != nullptr;
  std::vector<Lease> mine;
  if (!chain) mine = leasesOf(client);
  const Pool* pool = nullptr;
  if (!chain) {
    // The client's own lease (active, expired or released), else the address option 50 asks
    // for when it is free, else a fresh one from the pools it may use.
    // An offer still held for this client comes first: a repeated DISCOVER gets the same one.
    if (auto offered = offers_.offeredTo(client.key(), now); offered && offered != avoid) {
      const auto* candidate = poolOf(client.shared, *offered);
      if (candidate && poolPermits(*candidate, client.context, false)) {
        plan.yiaddr = *offered;
        pool = candidate;
      }
    }
    for (const auto& lease : mine) {
      if (pool) break;
      if (lease.abandoned() || !client.owns(lease) || lease.address == avoid) continue;
      const auto* candidate = poolOf(client.shared, lease.address);
      if (candidate && poolPermits(*candidate, client.context, false)) {
        plan.yiaddr = lease.address;
        pool = candidate;
        break;
      }
    }
    if (!pool) {
      // A new lease needs room in a limited class: refuse before holding an address for it.
      if (auto bill = billing(client, std::nullopt); bill.refused) {
        return billingRefusal(bill.last);
      }
      std::vector<leases::AddressRange> ranges;
      for (const auto* subnet : client.shared) {
        for (const auto& candidate : subnet->pools) {
          if (!poolPermits(candidate, client.context, false)) continue;
          ranges.insert(ranges.end(), candidate.ranges.begin(), candidate.ranges.end());
        }
      }
      std::optional<net::Ipv4Address> address;
      if (!ranges.empty()) {
        address = store_.allocate({ranges, now, now + std::chrono::seconds(kOfferHold),
                                   optionAddress(request, dhcp::option::kRequestedAddress)});
      }
      if (!address) {
        // ISC names the shared network: its declared name, else the subnet's (confpars.c).
        const auto& subnet = *client.subnet;
        const auto network =
            subnet.sharedNetwork >= 0
                ? config_.sharedNetworks[static_cast<std::size_t>(subnet.sharedNetwork)]
                : subnet.network.toString();
        return fmt::format(": network {}: no free leases", network);
      }
      plan.yiaddr = *address;
      pool = poolOf(client.shared, *address);
      offers_.remember(*address, client.key(), now + std::chrono::seconds(kOfferHold));
    }
    chain = &pool->chain;
    plan.subnet = config_.subnetFor(plan.yiaddr);
  }
  auto effective = resolveScopes(config_, *chain, client.host, client.context);
  if (auto refused = refusal(effective, !client.host, false)) return std::string(*refused);
  if (!fixed && offers_.check(plan.yiaddr) != OfferBook::Check::Clear &&
      needsPing(effective, client, plan.yiaddr, now)) {
    if (offers_.probing() >= maxProbes_) {
      return fmt::format(": {} ping checks outstanding, none started for {}", offers_.probing(),
                         plan.yiaddr.toString());
    }
    offers_.remember(plan.yiaddr, client.key(), now + std::chrono::seconds(kOfferHold));
    offers_.setCheck(plan.yiaddr, OfferBook::Check::Probing);
    outcome.probe = Probe{plan.yiaddr, pingTimeout(effective), attempt, now};
    return std::nullopt;
  }
  if (pool) {
    if (auto bill = billing(client, plan.yiaddr); bill.refused) {
      return billingRefusal(bill.last);
    }
  }
  plan.leaseTime = leaseTime(request, effective);
  addLeaseHostname(config_, effective, plan.yiaddr, outcome.log);
  buildReply(config_, request, *client.arrival, effective, plan, ReplyKind::Lease, outcome);
  outcome.log.push_back(logLine({"DHCPOFFER on ", plan.yiaddr.toString(), " to ",
                                 fixed ? client.mac : client.from, " via ", client.via}));
  return std::nullopt;
}

// ISC's do_ping_check(): not for an active lease; for an address never leased, abandoned, last
// held by another client, or by this one more than ping-cltt-secs ago.
bool Engine::needsPing(const Effective& effective, const Client& client,
                       net::Ipv4Address address, leases::Time now) const {
  if (!pingCheckOn(effective)) return false;
  auto lease = store_.findByAddress(address);
  if (!lease) return true;
  if (lease->state == BindingState::Active) return false;
  if (lease->abandoned() || !client.owns(*lease) || !lease->cltt) return true;
  auto threshold = effective.number("ping-cltt-secs").value_or(kDefaultPingClttSeconds);
  return now - *lease->cltt >= std::chrono::seconds(threshold);
}

}  // namespace snowboot::dhcpd::engine
