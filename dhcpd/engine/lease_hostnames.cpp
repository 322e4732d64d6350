#include "dhcpd/engine/lease_hostnames.hpp"

#include <algorithm>

#include "dhcpd/engine/evaluate.hpp"

namespace snowboot::dhcpd::engine {

namespace {

bool turnedOn(const ConfigModel& model, const std::vector<const ScopeChain*>& chains) {
  Effective effective;
  PacketContext context;
  context.catalogue = &model.source->catalogue;
  std::vector<const StatementList*> done;
  for (const auto* chain : chains) {
    for (const auto* list : *chain) {
      if (std::find(done.begin(), done.end(), list) != done.end()) continue;
      done.push_back(list);
      execute(*list, context, effective);
    }
  }
  auto value = effective.text("get-lease-hostnames");
  return value && (*value == "on" || *value == "true");
}

}  // namespace

LeaseHostnameReport resolveLeaseHostnames(ConfigModel& model, const ReverseResolver& resolver,
                                          std::size_t limit) {
  LeaseHostnameReport report;
  ScopeChain global{model.global};
  auto lookUp = [&](net::Ipv4Address address) {
    if (model.leaseHostnames.contains(address)) return;
    if (report.looked == limit) {
      ++report.skipped;
      return;
    }
    ++report.looked;
    if (auto name = resolver(address)) {
      ++report.named;
      model.leaseHostnames.emplace(address, std::move(*name));
    }
  };
  for (const auto& subnet : model.subnets) {
    for (const auto& pool : subnet.pools) {
      if (!turnedOn(model, {&global, &pool.chain})) continue;
      for (const auto& range : pool.ranges) {
        for (auto value = range.first.value();; ++value) {
          lookUp(net::Ipv4Address(value));
          if (value == range.last.value()) break;
        }
      }
    }
  }
  for (const auto& host : model.hosts) {
    for (auto address : host.fixedAddresses) {
      const auto* subnet = model.subnetFor(address);
      if (!subnet) continue;
      if (turnedOn(model, {&global, &subnet->chain, &host.chain})) lookUp(address);
    }
  }
  return report;
}

}  // namespace snowboot::dhcpd::engine
