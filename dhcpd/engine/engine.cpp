#include "dhcpd/engine/engine.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/bytes.hpp"

#include "dhcpd/engine/option_bytes.hpp"
#include "dhcpd/engine/reply_builder.hpp"

namespace snowboot::dhcpd::engine {

namespace {

using dhcp::MessageType;
using leases::BindingState;
using leases::Lease;

std::optional<net::Ipv4Address> optionAddress(const dhcp::Message& message, std::uint8_t code) {
  const auto* option = message.options.find(code);
  if (!option || option->data.size() != 4) return std::nullopt;
  const auto& d = option->data;
  return net::Ipv4Address(d[0], d[1], d[2], d[3]);
}

std::optional<std::uint32_t> optionNumber(const dhcp::Message& message, std::uint8_t code) {
  const auto* option = message.options.find(code);
  return option ? optionNumberOf(option->data) : std::nullopt;
}

// ISC's print_hw_addr: lower-case hex octets joined by colons.
std::string hardwareText(const dhcp::Message& message) {
  std::string out;
  appendColonHex(out, message.hardwareAddress());
  return out;
}

bool isSubnetMember(const std::vector<const Subnet*>& shared, net::Ipv4Address address) {
  return std::any_of(shared.begin(), shared.end(),
                     [&](const Subnet* subnet) { return subnet->network.contains(address); });
}

}  // namespace

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

  bool owns(const Lease& lease) const {
    if (!uid.empty() && !lease.uid.empty()) return lease.uid == uid;
    return !lease.hardware.empty() && lease.hardware == hardware;
  }

  // ISC names the client in its DISCOVER, REQUEST, RELEASE and DECLINE lines by the hostname
  // the lease it found recorded, not by the packet's option 12 as in its OFFER and ACK lines.
  std::string namedBy(const Lease* lease) const {
    if (!lease || !lease->clientHostname) return mac;
    return mac + " (" + *lease->clientHostname + ")";
  }

  // A DISCOVER: the client's own lease (find_lease). A new client's first DISCOVER shows no
  // name; while an offer is held ISC's lease already carries the name the first DISCOVER sent
  // (taken to be this one's).
  std::string discovererName(const std::vector<Lease>& mine, bool offerHeld) const {
    for (const auto& lease : mine) {
      if (lease.abandoned() || !owns(lease)) continue;
      return namedBy(&lease);
    }
    return offerHeld ? from : mac;
  }
};

namespace {

// `deny KEY;` / `ignore KEY;` in scope (booting, unknown-clients, bootp): not served.
bool denied(const Effective& effective, std::string_view key) {
  auto found = effective.permits.find(key);
  return found != effective.permits.end() && found->second != "allow";
}

// `use-host-decl-names on;`: a declared host is told its declaration's name (option 12).
void addHostName(Effective& effective, const Host* host) {
  if (host && isOn(effective, "use-host-decl-names") &&
      !effective.options.contains(dhcp::option::kHostName)) {
    effective.options[dhcp::option::kHostName].assign(host->name.begin(), host->name.end());
  }
}

// One packet's Effective. Shared with the configuration's memo when no statement that made it
// depends on the packet; copied only when this packet changes it (edit()).
class Resolved {
 public:
  explicit Resolved(std::shared_ptr<const Effective> shared) : values_(std::move(shared)) {}
  explicit Resolved(std::shared_ptr<Effective> own) : own_(own.get()), values_(std::move(own)) {}
  operator const Effective&() const { return *values_; }
  const Effective* operator->() const { return values_.get(); }
  Effective& edit() {
    if (own_ == nullptr) {
      auto copy = std::make_shared<Effective>(*values_);
      own_ = copy.get();
      values_ = std::move(copy);
    }
    return *own_;
  }

 private:
  Effective* own_ = nullptr;
  std::shared_ptr<const Effective> values_;
};

// Runs the scopes that apply, outermost first, each statement list once: the subnet's chain (or
// the pool's, which extends it), the classes the client is in, then the host's. Every packet of
// an ordinary configuration runs the same few lists to the same values: those are resolved once
// and shared (ScopeMemo).
Resolved resolveScopes(const ConfigModel& config, const ScopeChain& chain, const Host* host,
                       const PacketContext& context) {
  ScopeChain lists;
  auto add = [&](const StatementList* list) {
    if (list && std::find(lists.begin(), lists.end(), list) == lists.end()) lists.push_back(list);
  };
  if (chain.empty()) add(config.global);
  for (const auto* list : chain) add(list);
  for (const auto* list : context.classScopes) add(list);
  if (host) {
    for (const auto* list : host->chain) add(list);
  }
  auto& memo = config.scopeMemo;
  auto independent = [&memo](const StatementList* list) {
    auto [it, added] = memo.packetIndependent.try_emplace(list, false);
    if (added) it->second = packetIndependent(*list);
    return it->second;
  };
  const bool shareable = std::all_of(lists.begin(), lists.end(), independent);
  ScopeMemo::Key key{shareable ? std::move(lists) : ScopeChain{}, host};
  if (shareable) {
    if (auto found = memo.resolved.find(key); found != memo.resolved.end()) {
      return Resolved(found->second);
    }
  }
  auto effective = std::make_shared<Effective>();
  for (const auto* list : shareable ? key.first : lists) execute(*list, context, *effective);
  addHostName(*effective, host);
  if (shareable && memo.resolved.size() < ScopeMemo::kLimit) {
    memo.resolved.emplace(std::move(key), effective);
    return Resolved(std::shared_ptr<const Effective>(std::move(effective)));
  }
  return Resolved(std::move(effective));
}

// `get-lease-hostnames on;`: option 12 is the address's DNS name unless a host name is already
// set (by `option host-name` or use-host-decl-names), as ISC's ack_lease.
void addLeaseHostname(const ConfigModel& config, Resolved& resolved, net::Ipv4Address address,
                      std::vector<std::string>& log) {
  if (!isOn(resolved, "get-lease-hostnames") ||
      resolved->options.contains(dhcp::option::kHostName)) {
    return;
  }
  auto name = config.leaseHostnames.find(address);
  if (name == config.leaseHostnames.end()) {
    log.push_back(fmt::format("No hostname for {}", address.toString()));
    return;
  }
  // ISC sends the name with its terminating NUL (make_const_data of strlen + 1 bytes).
  Effective& effective = resolved.edit();
  effective.optionOrder.push_back(dhcp::option::kHostName);
  auto& data = effective.options[dhcp::option::kHostName];
  data.assign(name->second.begin(), name->second.end());
  data.push_back(0);
}

bool poolPermits(const Pool& pool, const PacketContext& context, bool bootp) {
  if (bootp && !pool.dynamicBootp) return false;
  bool anyAllow = false;
  bool allowed = false;
  for (const auto& permit : pool.permits) {
    bool matches = false;
    switch (permit.what) {
      case PoolPermit::What::KnownClients: matches = context.known; break;
      case PoolPermit::What::UnknownClients: matches = !context.known; break;
      case PoolPermit::What::AllClients: matches = true; break;
      case PoolPermit::What::DynamicBootp: matches = bootp; break;
      case PoolPermit::What::Members: matches = context.classes.contains(permit.className); break;
      case PoolPermit::What::Other: matches = false; break;
    }
    if (permit.allow) {
      anyAllow = true;
      allowed = allowed || matches;
    } else if (matches) {
      return false;
    }
  }
  return !anyAllow || allowed;
}

const Pool* poolOf(const std::vector<const Subnet*>& shared, net::Ipv4Address address) {
  for (const auto* subnet : shared) {
    for (const auto& pool : subnet->pools) {
      for (const auto& range : pool.ranges) {
        if (range.first <= address && address <= range.last) return &pool;
      }
    }
  }
  return nullptr;
}

std::uint32_t leaseTime(const dhcp::Message& request, const Effective& effective) {
  auto defaultTime = effective.number("default-lease-time").value_or(kDefaultLeaseTime);
  auto maxTime = effective.number("max-lease-time").value_or(kDefaultMaxLeaseTime);
  auto minTime = effective.number("min-lease-time").value_or(0);
  std::uint32_t time = defaultTime;
  if (auto asked = optionNumber(request, dhcp::option::kLeaseTime)) {
    time = std::min(*asked, maxTime);
  }
  time = std::max(time, minTime);
  return time;
}

}  // namespace

Engine::Client Engine::identify(const dhcp::Message& request, const Arrival& arrival) const {
  Client client;
  client.request = &request;
  client.arrival = &arrival;
  client.hardware.type = request.htype;
  auto hw = request.hardwareAddress();
  client.hardware.address.assign(hw.begin(), hw.end());
  if (const auto* uid = request.options.find(dhcp::option::kClientIdentifier)) {
    client.uid.assign(uid->data.begin(), uid->data.end());
  }
  client.host = config_.hostByClientId(client.uid);
  if (!client.host) client.host = config_.hostByHardware(client.hardware);
  client.mac = hardwareText(request);
  client.from = client.mac;
  if (const auto* name = request.options.find(dhcp::option::kHostName)) {
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

namespace {

// The host's first fixed address on the client's network: into the plan, with its scopes.
const ScopeChain* placeFixedAddress(const ConfigModel& config, const Host* host,
                                    const std::vector<const Subnet*>& shared, ReplyPlan& plan) {
  if (host == nullptr) return nullptr;
  for (auto address : host->fixedAddresses) {
    if (isSubnetMember(shared, address)) {
      plan.yiaddr = address;
      plan.subnet = config.subnetFor(address);
      return &plan.subnet->chain;
    }
  }
  return nullptr;
}

Lease makeLease(net::Ipv4Address address, const leases::HardwareAddress& hardware,
                const std::string& uid, const dhcp::Message& request, leases::Time now,
                std::uint32_t seconds, BindingState state) {
  Lease lease;
  lease.address = address;
  lease.starts = now;
  lease.ends = now + std::chrono::seconds(seconds);
  lease.cltt = now;
  lease.state = state;
  lease.nextState = state == BindingState::Active ? std::optional(BindingState::Free)
                                                  : std::nullopt;
  lease.hardware = hardware;
  lease.uid = uid;
  if (const auto* name = request.options.find(dhcp::option::kHostName)) {
    lease.clientHostname = std::string(name->data.begin(), name->data.end());
  }
  return lease;
}

}  // namespace

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

namespace {

std::string billingRefusal(const std::string& last) {
  return fmt::format(
      ": no available billing: lease limit reached in all matching classes (last: '{}')", last);
}

}  // namespace

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
  outcome.log.push_back(fmt::format("DHCPDISCOVER from {} via {}",
                                    client.discovererName(mine, offerHeld), client.via));
  if (!client.subnet) {
    outcome.log.back() += ": unknown network segment";
    return outcome;
  }
  if (auto failed = offer(client, now, outcome, std::nullopt, 1)) outcome.log.front() += *failed;
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
    if (auto failed = offer(client, now, outcome, std::nullopt, probe.attempt)) {
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
  abandoned.ends = now + std::chrono::seconds(kAbandonLeaseTime);
  abandoned.cltt = probe.asked;
  abandoned.hardware = {};
  abandoned.uid.clear();
  abandoned.clientHostname.reset();
  abandoned.variables.clear();
  abandoned.bootp = false;
  outcome.commits.push_back(abandoned);
  if (probe.attempt >= kMaxProbesPerDiscover) return outcome;
  if (auto failed = offer(client, now, outcome, probe.address, probe.attempt + 1)) {
    outcome.log.push_back(
        fmt::format("DHCPDISCOVER from {} via {}{}", client.from, client.via, *failed));
  }
  return outcome;
}

namespace {

// `ping-check` is on unless a scope says false (ISC evaluates it as a boolean; absent is true).
bool pingCheckOn(const Effective& effective) {
  auto value = effective.text("ping-check");
  if (!value) return true;
  if (*value == "false" || *value == "off") return false;
  return !std::all_of(value->begin(), value->end(), [](char c) { return c == '\0'; });
}

std::chrono::milliseconds pingTimeout(const Effective& effective) {
  if (auto ms = effective.number("ping-timeout-ms"); ms && *ms > 0) {
    return std::chrono::milliseconds(*ms);
  }
  if (auto seconds = effective.number("ping-timeout")) return std::chrono::seconds(*seconds);
  return kDefaultPingTimeout;
}

}  // namespace

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
  if (denied(effective, "booting")) return std::string(": booting disallowed");
  if (!client.host && denied(effective, "unknown-clients")) return std::string(": unknown client");
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
  outcome.log.push_back(fmt::format("DHCPOFFER on {} to {} via {}", plan.yiaddr.toString(),
                                    fixed ? client.mac : client.from, client.via));
  return std::nullopt;
}

// The client's own leases: by client identifier when it sends one (else by hardware), and by
// hardware when the identifier finds none, as ISC's find_lease.
std::vector<Lease> Engine::leasesOf(const Client& client) const {
  auto mine = client.uid.empty() ? store_.findByHardware(client.hardware)
                                 : store_.findByClientId(client.uid);
  if (mine.empty() && !client.uid.empty()) mine = store_.findByHardware(client.hardware);
  return mine;
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
  std::string line = fmt::format("DHCPREQUEST for {}", address.toString());
  if (serverId) line += fmt::format(" ({})", serverId->toString());
  line += fmt::format(" from {} via {}", requesterName(client, address, now), client.via);
  outcome.log.push_back(line);

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
      if (const auto* agent = request.options.find(dhcp::option::kRelayAgentInformation)) {
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
  if (denied(effective, "booting")) {
    outcome.log.back() += ": booting disallowed";
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
  outcome.log.push_back(fmt::format("DHCPACK on {} to {} via {}", address.toString(),
                                    fixed ? client.mac : client.from, client.via));
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
    auto duplicates = effective->text("duplicates");
    byHardware = duplicates && (*duplicates == "off" || *duplicates == "false");
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

Outcome Engine::decline(const Client& client, leases::Time now) {
  Outcome outcome;
  const auto& request = *client.request;
  auto address = optionAddress(request, dhcp::option::kRequestedAddress).value_or(request.ciaddr);
  auto lease = store_.findByAddress(address);
  const std::string who = client.namedBy(lease ? &*lease : nullptr);
  std::string status;
  if (lease && client.owns(*lease)) {
    Lease abandoned = *lease;
    abandoned.state = BindingState::Abandoned;
    abandoned.nextState.reset();
    abandoned.starts = now;
    abandoned.ends = now + std::chrono::seconds(kAbandonLeaseTime);
    abandoned.cltt = now;
    // ISC forgets the client of an abandoned address so nobody gets it back by identity.
    abandoned.hardware = {};
    abandoned.uid.clear();
    abandoned.clientHostname.reset();
    outcome.commits.push_back(abandoned);
    billing_.unbill(address);
    outcome.log.push_back(fmt::format("Abandoning IP address {}: declined.", address.toString()));
    status = "abandoned";
  } else {
    status = lease ? "not our lease" : "not found";
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
        outcome.log.back() += ": no available leases";
        return outcome;
      }
      plan.yiaddr = *address;
      pool = poolOf(client.shared, *address);
    }
    plan.subnet = config_.subnetFor(plan.yiaddr);
    chain = &pool->chain;
  }
  auto effective = resolveScopes(config_, *chain, client.host, client.context);
  if (denied(effective, "booting")) {
    outcome.log.back() += ": booting disallowed";
    return outcome;
  }
  if (denied(effective, "bootp")) {
    outcome.log.back() += ": BOOTP from dynamic client and no dynamic leases";
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
