#include "dhcpd/engine/config_model.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>

#include "common/net/mac.hpp"

namespace snowboot::dhcpd::engine {

namespace {

using conf::Statement;

std::optional<leases::HardwareAddress> parseHardware(const Statement& statement) {
  if (statement.args.size() < 2) return std::nullopt;
  auto type = leases::parseHardwareType(statement.args[0]);
  if (!type) return std::nullopt;
  leases::HardwareAddress hardware;
  hardware.type = *type;
  std::string_view text = statement.args[1];
  // Colon-separated hex octets of any count up to 16 (not only Ethernet's six).
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(':', start);
    if (end == std::string_view::npos) end = text.size();
    auto part = text.substr(start, end - start);
    const bool full = hardware.address.size() == hardware.address.capacity();
    if (part.empty() || part.size() > 2 || full) return std::nullopt;
    unsigned value = 0;
    for (char c : part) {
      int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                              : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    hardware.address.push_back(static_cast<std::uint8_t>(value));
    start = end + 1;
  }
  return hardware;
}

PoolPermit parsePermit(const Statement& statement) {
  PoolPermit permit;
  permit.allow = statement.text == "allow";
  const auto& args = statement.args;
  if (args.empty()) return permit;
  if (args[0] == "known-clients" || args[0] == "known") {
    permit.what = PoolPermit::What::KnownClients;
  } else if (args[0] == "unknown-clients" || args[0] == "unknown") {
    permit.what = PoolPermit::What::UnknownClients;
  } else if (args[0] == "all") {
    permit.what = PoolPermit::What::AllClients;
  } else if (args[0] == "dynamic") {
    permit.what = PoolPermit::What::DynamicBootp;
  } else if (args[0] == "members" && args.size() > 1) {
    permit.what = PoolPermit::What::Members;
    permit.className = args[1];
  }
  return permit;
}

class Builder {
 public:
  explicit Builder(ConfigModel& model) : model_(model) {}

  void walk(const StatementList& list, ScopeChain chain, int sharedNetwork, Subnet* subnet,
            Pool* pool) {
    chain.push_back(&list);
    for (const auto& statement : list) {
      switch (statement.kind) {
        case Statement::Kind::SharedNetwork:
          model_.sharedNetworks.push_back(statement.name.str());
          walk(statement.body, chain, static_cast<int>(model_.sharedNetworks.size()) - 1,
               nullptr, nullptr);
          break;
        case Statement::Kind::Subnet: {
          if (statement.args.size() < 2) break;
          auto address = net::Ipv4Address::parse(statement.args[0]);
          auto mask = net::Ipv4Address::parse(statement.args[1]);
          if (!address || !mask) break;
          auto network = net::Ipv4Network::fromNetmask(*address, *mask);
          if (!network) break;
          auto next = std::make_unique<Subnet>();
          next->network = *network;
          next->sharedNetwork = sharedNetwork;
          next->chain = chain;
          next->chain.push_back(&statement.body);
          walk(statement.body, chain, sharedNetwork, next.get(), nullptr);
          subnets_.push_back(std::move(next));
          break;
        }
        case Statement::Kind::Pool:
          if (subnet) {
            Pool next;
            next.chain = subnet->chain;
            next.chain.push_back(&statement.body);
            walk(statement.body, chain, sharedNetwork, subnet, &next);
            pools_.push_back({subnet, std::move(next)});
          } else if (sharedNetwork >= 0) {
            // A pool directly in a shared network: its ranges say which subnet it belongs to.
            Pool next;
            next.chain = {&statement.body};
            walk(statement.body, chain, sharedNetwork, nullptr, &next);
            orphanPools_.push_back(std::move(next));
          }
          break;
        case Statement::Kind::Range: {
          if (statement.args.size() < 2) break;
          auto low = net::Ipv4Address::parse(statement.args[0]);
          auto high = net::Ipv4Address::parse(statement.args[1]);
          if (!low || !high) break;
          // Ranges declared straight in a subnet form a pool of its own, first, as ISC's.
          // As ISC, a `dynamic-bootp` range and a plain one do not share a pool.
          Pool* target = pool ? pool : subnet ? &direct_[{subnet, statement.flag}] : nullptr;
          if (!target) break;
          target->ranges.push_back({*low, *high});
          if (statement.flag) target->dynamicBootp = true;
          break;
        }
        case Statement::Kind::Permit:
          if (pool && statement.flag) pool->permits.push_back(parsePermit(statement));
          break;
        case Statement::Kind::Group:
          walk(statement.body, chain, sharedNetwork, subnet, pool);
          break;
        case Statement::Kind::Host:
          addHost(statement, chain);
          break;
        case Statement::Kind::Class: {
          ClassDecl decl;
          decl.name = statement.name;
          decl.body = &statement.body;
          for (const auto& inner : statement.body) {
            if (inner.exprs().empty()) {
              if (inner.kind == Statement::Kind::Lease && inner.number > 0) {
                decl.leaseLimit = static_cast<std::uint32_t>(
                    std::min<std::int64_t>(inner.number, std::numeric_limits<std::int32_t>::max()));
              }
              continue;
            }
            if (inner.kind == Statement::Kind::Match && inner.flag) {
              decl.match = &inner.exprs()[0];
            } else if (inner.kind == Statement::Kind::Match ||
                       inner.kind == Statement::Kind::SpawnWith) {
              decl.submatch = &inner.exprs()[0];
              decl.spawning = inner.kind == Statement::Kind::SpawnWith;
            }
          }
          model_.classes.push_back(decl);
          break;
        }
        case Statement::Kind::Subclass:
          // The parser made sure the class is declared before; a repeated value keeps the
          // later body, as ISC parses a second declaration into the same subclass.
          for (auto& decl : model_.classes) {
            if (decl.name == statement.name && !statement.exprs().empty()) {
              decl.subclasses[std::string(statement.exprs()[0].value)] =
                  statement.body.empty() ? nullptr : &statement.body;
            }
          }
          break;
        case Statement::Kind::OptionDefinition:
          // Format "Eipxe.": the option carries the ipxe space's options.
          if (statement.name.rfind("dhcp.", 0) == 0 && statement.text.size() > 2 &&
              statement.text.front() == 'E' && statement.text.back() == '.' &&
              statement.number > 0 && statement.number < 255) {
            model_.encapsulations[std::string(statement.text.substr(1, statement.text.size() - 2))] =
                static_cast<std::uint8_t>(statement.number);
          }
          break;
        case Statement::Kind::Include:
          walk(statement.body, ScopeChain(chain.begin(), chain.end() - 1), sharedNetwork, subnet,
               pool);
          break;
        default:
          break;
      }
    }
  }

  void addHost(const Statement& statement, const ScopeChain& outer) {
    Host host;
    host.name = statement.name;
    host.chain = outer;
    host.chain.push_back(&statement.body);
    for (const auto& inner : statement.body) {
      if (inner.kind == Statement::Kind::Hardware) host.hardware = parseHardware(inner);
      if (inner.kind == Statement::Kind::FixedAddress) {
        for (const auto& arg : inner.args) {
          if (auto address = net::Ipv4Address::parse(arg)) host.fixedAddresses.push_back(*address);
        }
      }
      if (inner.kind == Statement::Kind::Option && inner.number == 61 && inner.exprs().empty()) {
        host.clientId = inner.value;
      }
    }
    model_.hosts.push_back(std::move(host));
  }

  void finish() {
    // Plain ranges first, then dynamic-bootp ones, all before the subnet's `pool`s.
    for (auto it = direct_.rbegin(); it != direct_.rend(); ++it) {
      auto* subnet = it->first.first;
      it->second.chain = subnet->chain;
      subnet->pools.insert(subnet->pools.begin(), std::move(it->second));
    }
    for (auto& [subnet, pool] : pools_) subnet->pools.push_back(std::move(pool));
    for (auto& pool : orphanPools_) {
      if (pool.ranges.empty()) continue;
      for (auto& subnet : subnets_) {
        if (subnet->network.contains(pool.ranges.front().first)) {
          // Its chain lacks the subnet's own body: put the subnet's in before the pool's.
          ScopeChain chain = subnet->chain;
          chain.push_back(pool.chain.front());
          pool.chain = std::move(chain);
          subnet->pools.push_back(std::move(pool));
          break;
        }
      }
    }
    for (auto& subnet : subnets_) {
      model_.subnets.push_back(std::move(*subnet));
    }
  }

 private:
  ConfigModel& model_;
  std::vector<std::unique_ptr<Subnet>> subnets_;
  std::vector<std::pair<Subnet*, Pool>> pools_;
  std::vector<Pool> orphanPools_;
  std::map<std::pair<Subnet*, bool>, Pool> direct_;
};

}  // namespace

ConfigModel buildConfigModel(std::shared_ptr<const conf::ParseResult> parsed) {
  ConfigModel model;
  model.source = parsed;
  model.global = &parsed->config.statements;
  Builder builder(model);
  builder.walk(parsed->config.statements, {}, -1, nullptr, nullptr);
  builder.finish();
  for (const auto& decl : model.classes) model.billing = model.billing || decl.leaseLimit > 0;
  for (const auto& statement : parsed->config.statements) {
    if (statement.kind != conf::Statement::Kind::Parameter ||
        statement.name != "abandon-lease-time" || statement.args.empty()) {
      continue;
    }
    const std::string_view text = statement.args[0].view();
    std::uint32_t seconds = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error == std::errc{} && end == text.data() + text.size()) {
      model.abandonLeaseTime = std::chrono::seconds(seconds);
    }
  }
  for (std::size_t i = 0; i < model.hosts.size(); ++i) {
    const Host& host = model.hosts[i];
    if (host.hardware) model.hostsByHardware.emplace(host.hardware->key(), i);
    if (!host.clientId.empty()) model.hostsByClientId.emplace(host.clientId, i);
  }
  return model;
}

const Subnet* ConfigModel::subnetFor(net::Ipv4Address address) const {
  // ISC's enter_subnet keeps the narrowest subnet first and puts a later declaration of the
  // same network before an earlier one: a subnet declared twice is served as its last
  // declaration says, and the earlier one's ranges are never reached (checked against ISC by the
  // repeated-subnet-* scenarios).
  const Subnet* best = nullptr;
  for (const auto& subnet : subnets) {
    if (subnet.network.contains(address) &&
        (!best || subnet.network.prefixLength() >= best->network.prefixLength())) {
      best = &subnet;
    }
  }
  return best;
}

std::vector<const Subnet*> ConfigModel::sharedWith(const Subnet& subnet) const {
  std::vector<const Subnet*> out{&subnet};
  if (subnet.sharedNetwork < 0) return out;
  for (const auto& other : subnets) {
    if (&other != &subnet && other.sharedNetwork == subnet.sharedNetwork) out.push_back(&other);
  }
  return out;
}

const Host* ConfigModel::hostByHardware(const leases::HardwareAddress& hardware) const {
  auto found = hostsByHardware.find(hardware.key());
  return found == hostsByHardware.end() ? nullptr : &hosts[found->second];
}

const Host* ConfigModel::hostByClientId(std::string_view clientId) const {
  if (clientId.empty()) return nullptr;
  auto found = hostsByClientId.find(std::string(clientId));
  return found == hostsByClientId.end() ? nullptr : &hosts[found->second];
}

std::vector<leases::AddressRange> ConfigModel::allRanges() const {
  std::vector<leases::AddressRange> out;
  for (const auto& subnet : subnets) {
    for (const auto& pool : subnet.pools) {
      out.insert(out.end(), pool.ranges.begin(), pool.ranges.end());
    }
  }
  return out;
}

std::vector<net::Ipv4Network> ConfigModel::networks() const {
  std::vector<net::Ipv4Network> out;
  for (const auto& subnet : subnets) out.push_back(subnet.network);
  return out;
}

}  // namespace snowboot::dhcpd::engine
