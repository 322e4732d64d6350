// BOOTP requests: fixed addresses, dynamic-bootp ranges, allow/deny bootp and booting.
#include "dhcpd/engine/engine.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/engine/handler_support.hpp"
#include "dhcpd/engine/option_bytes.hpp"
#include "dhcpd/engine/reply_builder.hpp"
#include "dhcpd/engine/scopes.hpp"

namespace snowboot::dhcpd::engine {

Outcome Engine::bootp(const Client& client, leases::Time now) {
  Outcome outcome;
  const auto& request = *client.request;
  outcome.log.push_back(fmt::format("BOOTREQUEST from {} via {}", client.mac, client.via));
  if (!client.subnet) {
    outcome.log.back() += ": unknown network segment";
    return outcome;
  }
  ReplyPlan plan;
  const ScopeChain* chain = placeFixedAddress(config_, client.host, client.shared, plan);
  const Pool* pool = nullptr;
  if (!chain) {
    // Dynamic BOOTP: the client's own BOOTP lease, else a new one from a `dynamic-bootp` range.
    for (const auto& lease : store_.findByHardware(client.hardware)) {
      if (lease.abandoned() || !lease.bootp || !client.owns(lease)) continue;
      const auto* candidate = poolOf(client.shared, lease.address);
      if (candidate && poolPermits(*candidate, client.context, true)) {
        plan.yiaddr = lease.address;
        pool = candidate;
        break;
      }
    }
    if (!pool) {
      std::vector<leases::AddressRange> ranges;
      for (const auto* subnet : client.shared) {
        for (const auto& candidate : subnet->pools) {
          if (!poolPermits(candidate, client.context, true)) continue;
          ranges.insert(ranges.end(), candidate.ranges.begin(), candidate.ranges.end());
        }
      }
      std::optional<net::Ipv4Address> address;
      if (!ranges.empty()) address = store_.allocate({ranges, now, now});
      if (!address) {
        outcome.log.back() += ": BOOTP from dynamic client and no dynamic leases";
        return outcome;
      }
      plan.yiaddr = *address;
      pool = poolOf(client.shared, *address);
    }
    plan.subnet = config_.subnetFor(plan.yiaddr);
    chain = &pool->chain;
  }
  auto effective = resolveScopes(config_, *chain, client.host, client.context);
  if (auto refused = refusal(effective, !client.host, true)) {
    endWithRefusal(outcome.log, *refused);
    return outcome;
  }
  Billing bill;
  if (pool) {
    bill = billing(client, plan.yiaddr);
    if (bill.refused) {
      outcome.log.back() += billingRefusal(bill.last);
      return outcome;
    }
  }
  addLeaseHostname(config_, effective, plan.yiaddr, outcome.log);
  buildReply(config_, request, *client.arrival, effective, plan,
             pool ? ReplyKind::BootpDynamic : ReplyKind::BootpFixed, outcome);
  if (pool) {
    // ISC: a dynamic BOOTP lease never ends unless dynamic-bootp-lease-length says otherwise;
    // dynamic-bootp-lease-cutoff (seconds since the epoch: ISC's parser takes a number, not the
    // date its manual shows) overrides both and ends every such lease then.
    auto lease = makeLease(plan.yiaddr, client.hardware, client.uid, request, now, 0,
                           BindingState::Active);
    auto length = effective->number("dynamic-bootp-lease-length");
    lease.ends = length ? now + std::chrono::seconds(*length) : leases::kNever;
    if (auto cutoff = effective->number("dynamic-bootp-lease-cutoff")) {
      lease.ends = leases::Time(std::chrono::seconds(*cutoff));
    }
    lease.bootp = true;
    if (bill.key) {
      billing_.bill(plan.yiaddr, *bill.key);
      lease.extraStatements.push_back(billingStatement(*bill.key));
    }
    outcome.commits.push_back(lease);
  }
  outcome.log.push_back(
      client.host ? fmt::format("BOOTREPLY for {} to {} ({}) via {}", plan.yiaddr.toString(),
                                client.host->name, client.mac, client.via)
                  : fmt::format("BOOTREPLY for {} to {} via {}", plan.yiaddr.toString(),
                                client.mac, client.via));
  return outcome;
}

}  // namespace snowboot::dhcpd::engine
