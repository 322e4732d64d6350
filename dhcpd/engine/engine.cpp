#include "dhcpd/engine/engine.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/bytes.hpp"

#include "dhcpd/engine/handler_support.hpp"
#include "dhcpd/engine/option_bytes.hpp"
#include "dhcpd/engine/reply_builder.hpp"
#include "dhcpd/engine/scopes.hpp"

namespace snowboot::dhcpd::engine {

namespace {

// ISC's print_hw_addr: lower-case hex octets joined by colons.
std::string hardwareText(const dhcp::Message& message) {
  std::string out;
  appendColonHex(out, message.hardwareAddress());
  return out;
}

}  // namespace

Engine::Client Engine::identify(const dhcp::Message& request, const Arrival& arrival) const {
  Client client;
  client.request = &request;
  client.arrival = &arrival;
  client.hardware.type = request.htype;
  auto hw = request.hardwareAddress();
  client.hardware.address.assign(hw.begin(), hw.end());
  if (const auto uid = request.options.find(dhcp::option::kClientIdentifier)) {
    client.uid.assign(uid->data.begin(), uid->data.end());
  }
  client.host = config_.hostByClientId(client.uid);
  if (!client.host) client.host = config_.hostByHardware(client.hardware);
  client.mac = hardwareText(request);
  client.from = client.mac;
  if (const auto name = request.options.find(dhcp::option::kHostName)) {
    client.from += " (" + std::string(name->data.begin(), name->data.end()) + ")";
  }
  client.via = request.giaddr.isAny() ? arrival.interface : request.giaddr.toString();
  client.context.packet = &request;
  client.context.catalogue = &config_.source->catalogue;
  client.context.known = client.host != nullptr;
  client.classes = classify(config_, client.context);
  auto locator = request.giaddr.isAny() ? arrival.serverAddress : request.giaddr;
  client.subnet = config_.subnetFor(locator);
  if (client.subnet) client.shared = config_.sharedWith(*client.subnet);
  return client;
}

Outcome Engine::handle(const dhcp::Message& request, const Arrival& arrival, leases::Time now) {
  Outcome outcome;
  if (request.op != static_cast<std::uint8_t>(dhcp::OpCode::BootRequest)) return outcome;
  auto client = identify(request, arrival);

  auto type = request.messageType();
  if (!request.options.contains(dhcp::option::kMessageType)) return bootp(client, now);
  if (!type) return outcome;
  switch (*type) {
    case MessageType::Discover: return discover(client, now);
    case MessageType::Request: return this->request(client, now);
    case MessageType::Decline: return decline(client, now);
    case MessageType::Release: return release(client);
    case MessageType::Inform: return inform(client);
    default: return outcome;
  }
}

Engine::Billing Engine::billing(const Client& client,
                                std::optional<net::Ipv4Address> address) const {
  Billing out;
  if (!config_.billing) return out;
  if (auto current = address ? billing_.billedTo(*address) : std::nullopt) {
    // Still in the class it is billed to: it stays there. Otherwise ISC unbills it first.
    for (const auto& matched : client.classes) {
      if (matched.billingKey() == *current) {
        out.key = current;
        return out;
      }
    }
  }
  bool limited = false;
  for (const auto& matched : client.classes) {
    if (matched.decl->leaseLimit == 0) continue;
    limited = true;
    auto key = matched.billingKey();
    if (billing_.count(key) < matched.decl->leaseLimit) {
      out.key = std::move(key);
      return out;
    }
    out.last = matched.decl->name;
  }
  out.refused = limited;
  return out;
}

// The client's own leases: by client identifier when it sends one (else by hardware), and by
// hardware when the identifier finds none, as ISC's find_lease.
std::vector<Lease> Engine::leasesOf(const Client& client) const {
  auto mine = client.uid.empty() ? store_.findByHardware(client.hardware)
                                 : store_.findByClientId(client.uid);
  if (mine.empty() && !client.uid.empty()) mine = store_.findByHardware(client.hardware);
  return mine;
}

// ISC's dhcpdecline(): any address it has a lease for (every address of a range has one, used
// or not) is abandoned, whoever declines it, unless `deny declines` (logged "ignored") or
// `ignore declines` (not logged) is in the scope of the lease's subnet or the client's classes.
Outcome Engine::decline(const Client& client, leases::Time now) {
  Outcome outcome;
  const auto& request = *client.request;
  auto address = optionAddress(request, dhcp::option::kRequestedAddress).value_or(request.ciaddr);
  auto lease = store_.findByAddress(address);
  const Subnet* subnet = config_.subnetFor(address);
  const bool pooled = lease || (subnet && poolOf({subnet}, address) != nullptr);
  const std::string who = client.namedBy(lease ? &*lease : nullptr);
  std::string_view permit = "allow";
  if (pooled && subnet) {
    auto effective = resolveScopes(config_, subnet->chain, nullptr, client.context);
    if (auto found = effective->permits.find("declines"); found != effective->permits.end()) {
      permit = found->second;
    }
  }
  std::string_view status = "not found";
  if (pooled && permit == "allow") {
    Lease abandoned = lease.value_or(Lease{});
    abandoned.address = address;
    // ISC's abandon_lease() on a copy: an active lease leaves its client, its times of start
    // and last transaction stay, and it ends abandon-lease-time from now.
    if (abandoned.state == BindingState::Active) abandoned.tstp = now + config_.abandonLeaseTime;
    abandoned.rewindState = lease ? abandoned.state : BindingState::Free;
    abandoned.state = BindingState::Abandoned;
    abandoned.nextState = BindingState::Free;
    abandoned.ends = now + config_.abandonLeaseTime;
    abandoned.hardware = {};
    abandoned.uid.clear();
    abandoned.clientHostname.reset();
    abandoned.variables.clear();
    outcome.commits.push_back(abandoned);
    billing_.unbill(address);
    offers_.forget(address);
    outcome.log.push_back(fmt::format("Abandoning IP address {}: declined.", address.toString()));
    status = "abandoned";
  } else if (pooled) {
    if (permit == "ignore") return outcome;
    status = "ignored";
  }
  outcome.log.push_back(fmt::format("DHCPDECLINE of {} from {} via {}: {}", address.toString(),
                                    who, client.via, status));
  return outcome;
}

Outcome Engine::release(const Client& client) {
  Outcome outcome;
  const auto& request = *client.request;
  auto lease = store_.findByAddress(request.ciaddr);
  // ISC's dhcprelease() finds the lease at ciaddr and keeps it only when its hardware address
  // is the packet's; "found" says no more than that. It then releases the lease only while it
  // has not ended, so a repeated RELEASE (perfdhcp sends them) is "found" and changes nothing.
  const bool found = lease && lease->hardware == client.hardware;
  if (found && lease->state == BindingState::Active) {
    outcome.release = request.ciaddr;
    billing_.unbill(request.ciaddr);
  }
  outcome.log.push_back(fmt::format("DHCPRELEASE of {} from {} via {} ({})",
                                    request.ciaddr.toString(),
                                    client.namedBy(found ? &*lease : nullptr), client.via,
                                    found ? "found" : "not found"));
  return outcome;
}

Outcome Engine::inform(const Client& client) {
  Outcome outcome;
  const auto& request = *client.request;
  auto locator = request.ciaddr.isAny() ? client.arrival->serverAddress : request.ciaddr;
  if (!request.giaddr.isAny()) locator = request.giaddr;
  outcome.log.push_back(fmt::format("DHCPINFORM from {} via {}", locator.toString(), client.via));
  const Subnet* subnet = config_.subnetFor(request.ciaddr.isAny() ? locator : request.ciaddr);
  if (!subnet) subnet = client.subnet;
  if (!subnet) {
    outcome.log.back() += ": unknown subnet for client address " + request.ciaddr.toString();
    return outcome;
  }
  ReplyPlan plan;
  plan.type = MessageType::Ack;
  plan.subnet = subnet;
  auto effective = resolveScopes(config_, subnet->chain, client.host, client.context);
  buildReply(config_, request, *client.arrival, effective, plan, ReplyKind::Inform, outcome);
  outcome.log.push_back(fmt::format("DHCPACK to {} ({}) via {}", request.ciaddr.toString(),
                                    client.mac, client.via));
  return outcome;
}

}  // namespace snowboot::dhcpd::engine
