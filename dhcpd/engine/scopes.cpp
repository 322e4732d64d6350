#include "dhcpd/engine/scopes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/engine/engine.hpp"  // ISC's defaults
#include "dhcpd/engine/option_bytes.hpp"

namespace snowboot::dhcpd::engine {

namespace {

// `use-host-decl-names on;`: a declared host is told its declaration's name (option 12).
void addHostName(Effective& effective, const Host* host) {
  if (host && isOn(effective, "use-host-decl-names") &&
      !effective.options.contains(dhcp::option::kHostName)) {
    effective.options[dhcp::option::kHostName].assign(host->name.begin(), host->name.end());
  }
}

}  // namespace

Resolved resolveScopes(const ConfigModel& config, const ScopeChain& chain, const Host* host,
                       const PacketContext& context) {
  ScopeChain lists;
  lists.reserve(8);  // global, subnet, pool, a few classes, host: one allocation, not three
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

std::optional<std::string_view> refusal(const Effective& effective, bool unknownClient,
                                        bool bootp) {
  struct Check {
    bool applies;
    std::string_view key;
    std::string_view logged;
  };
  const Check checks[] = {{unknownClient, "unknown-clients", ": unknown client"},
                          {bootp, "bootp", ": bootp disallowed"},
                          {true, "booting", ": booting disallowed"}};
  for (const auto& check : checks) {
    if (!check.applies) continue;
    auto found = effective.permits.find(check.key);
    if (found == effective.permits.end() || found->second == "allow") continue;
    return found->second == "ignore" ? std::string_view() : check.logged;
  }
  return std::nullopt;
}

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

}  // namespace snowboot::dhcpd::engine
