#include "dhcpd/engine/handler_support.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace snowboot::dhcpd::engine {

bool isSubnetMember(const std::vector<const Subnet*>& shared, net::Ipv4Address address) {
  return std::any_of(shared.begin(), shared.end(),
                     [&](const Subnet* subnet) { return subnet->network.contains(address); });
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
  if (const auto name = request.options.find(dhcp::option::kHostName)) {
    lease.clientHostname = std::string(name->data.begin(), name->data.end());
  }
  return lease;
}

std::string logLine(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (auto part : parts) size += part.size();
  std::string line;
  line.reserve(size);
  for (auto part : parts) line += part;
  return line;
}

void endWithRefusal(std::vector<std::string>& log, std::string_view reason) {
  if (reason.empty()) {
    log.pop_back();
  } else {
    log.back() += reason;
  }
}

std::string billingRefusal(const std::string& last) {
  return fmt::format(
      ": no available billing: lease limit reached in all matching classes (last: '{}')", last);
}

}  // namespace snowboot::dhcpd::engine
