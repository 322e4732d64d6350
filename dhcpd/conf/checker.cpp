#include "dhcpd/conf/checker.hpp"

#include <algorithm>
#include <map>
#include <memory_resource>
#include <unordered_map>
#include <optional>

#include <fmt/format.h>

#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::conf {
namespace {

using net::Ipv4Address;
using net::Ipv4Network;

std::optional<Ipv4Address> address(std::string_view text) {
  auto quad = dhcp::parseDottedQuad(text);
  if (!quad) return std::nullopt;
  return Ipv4Address(*quad);
}

struct SubnetInfo {
  Ipv4Network network;
  Location location;
};

struct RangeInfo {
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  Location location;
};

class Checker {
 public:
  explicit Checker(ParseResult& result) : result_(result) {}

  void run() {
    // Most hosts are top-level statements: room for as many spares the table's regrowing.
    hosts_.reserve(result_.config.statements.size());
    walk(result_.config.statements, nullptr, nullptr);
    checkOverlappingRanges();
  }

 private:
  void error(const Location& at, std::string message, std::string hint = {}) {
    result_.diagnostics.push_back(Diagnostic{Diagnostic::Severity::Error, at, true,
                                             std::move(message), lineOf(at), std::move(hint)});
  }
  void warning(const Location& at, std::string message) {
    result_.diagnostics.push_back(Diagnostic{Diagnostic::Severity::Warning, at, true,
                                             std::move(message), lineOf(at), {}});
  }
  std::string lineOf(const Location& at) { return result_.lineText(at); }

  // `subnets` holds the subnets a range may fall in: the enclosing subnet, or every subnet of
  // the enclosing shared network (for a pool declared directly in it).
  void checkInterfaces(const Statement& declaration) {
    const Statement* first = nullptr;
    for (const auto& s : declaration.body) {
      if (s.kind != Statement::Kind::Interface) continue;
      if (first) {
        error(s.location, "a subnet or shared network can't be connected to two interfaces",
              fmt::format("the first `interface` is on line {}", first->location.line));
      }
      first = &s;
    }
  }

  void walk(const std::vector<Statement>& statements, const SubnetInfo* subnet,
            std::vector<SubnetInfo>* shared) {
    for (const auto& s : statements) {
      if (s.kind == Statement::Kind::Subnet || s.kind == Statement::Kind::SharedNetwork) {
        checkInterfaces(s);
      }
      switch (s.kind) {
        case Statement::Kind::SharedNetwork: {
          std::vector<SubnetInfo> members;
          collectSubnets(s.body, members);
          if (members.empty()) {
            error(s.location, fmt::format("shared-network {} declares no subnet", s.name),
                  "ISC dhcpd refuses an empty shared-network too");
          }
          walk(s.body, nullptr, &members);
          break;
        }
        case Statement::Kind::Subnet: {
          auto info = checkSubnet(s);
          if (info) {
            for (const auto& other : subnets_) {
              if (other.network.contains(info->network) || info->network.contains(other.network)) {
                warning(s.location, fmt::format("subnet {} overlaps subnet {} (declared at line {})",
                                                info->network.toString(),
                                                other.network.toString(), other.location.line));
                break;
              }
            }
            subnets_.push_back(*info);
          }
          walk(s.body, info ? &*info : nullptr, nullptr);
          break;
        }
        case Statement::Kind::Pool: {
          bool hasRange = std::any_of(s.body.begin(), s.body.end(), [](const Statement& b) {
            return b.kind == Statement::Kind::Range;
          });
          if (!hasRange) {
            error(s.location, "pool declaration with no address range",
                  "a pool needs at least one `range`");
          }
          walk(s.body, subnet, shared);
          break;
        }
        case Statement::Kind::Range:
          checkRange(s, subnet, shared);
          break;
        case Statement::Kind::Host:
          checkHost(s);
          break;
        case Statement::Kind::Group:
        case Statement::Kind::Include:
          walk(s.body, subnet, shared);
          break;
        default: break;
      }
    }
  }

  void collectSubnets(const std::vector<Statement>& statements, std::vector<SubnetInfo>& out) {
    for (const auto& s : statements) {
      if (s.kind == Statement::Kind::Subnet && s.args.size() == 2) {
        auto network = address(s.args[0]);
        auto mask = address(s.args[1]);
        if (network && mask) {
          if (auto n = Ipv4Network::fromNetmask(*network, *mask)) out.push_back({*n, s.location});
        }
      } else if (s.kind == Statement::Kind::Include || s.kind == Statement::Kind::Group) {
        collectSubnets(s.body, out);
      }
    }
  }

  std::optional<SubnetInfo> checkSubnet(const Statement& s) {
    if (s.args.size() != 2) return std::nullopt;
    auto network = address(s.args[0]);
    auto mask = address(s.args[1]);
    if (!network || !mask) return std::nullopt;
    if ((network->value() & ~mask->value()) != 0) {
      error(s.argLocations().empty() ? s.location : s.argLocations()[0],
            fmt::format("subnet {} netmask {}: bad subnet number/mask combination", s.args[0],
                        s.args[1]),
            fmt::format("the subnet number has host bits set; did you mean {}?",
                        Ipv4Address(network->value() & mask->value()).toString()));
      return std::nullopt;
    }
    auto n = Ipv4Network::fromNetmask(*network, *mask);
    if (!n) {
      // ISC accepts it; nothing can be served from such a subnet, so say so.
      warning(s.argLocations().size() > 1 ? s.argLocations()[1] : s.location,
              fmt::format("netmask {} is not contiguous; ranges in this subnet are not checked",
                          s.args[1]));
      return std::nullopt;
    }
    return SubnetInfo{*n, s.location};
  }

  void checkRange(const Statement& s, const SubnetInfo* subnet,
                  const std::vector<SubnetInfo>* shared) {
    if (s.args.size() != 2) return;
    auto low = address(s.args[0]);
    auto high = address(s.args[1]);
    if (!low || !high) return;
    if (*high < *low) std::swap(low, high);  // ISC accepts a reversed range
    std::vector<SubnetInfo> candidates;
    if (subnet) candidates.push_back(*subnet);
    if (shared) candidates = *shared;
    if (candidates.empty()) return;  // the subnet itself was refused already
    auto holder = std::find_if(candidates.begin(), candidates.end(), [&](const SubnetInfo& c) {
      return c.network.contains(*low);
    });
    if (holder == candidates.end()) {
      error(s.argLocations().empty() ? s.location : s.argLocations()[0],
            fmt::format("address range {} to {} is not in subnet {}", low->toString(),
                        high->toString(), candidates.front().network.toString()),
            "a range must lie inside the subnet that declares it");
      return;
    }
    if (!holder->network.contains(*high)) {
      error(s.argLocations().size() > 1 ? s.argLocations()[1] : s.location,
            fmt::format("address range {} to {} spans more than subnet {}", low->toString(),
                        high->toString(), holder->network.toString()),
            "a range must lie inside the subnet that declares it");
      return;
    }
    ranges_.push_back({low->value(), high->value(), s.location});
  }

  void checkHost(const Statement& host) {
    auto [it, fresh] = hosts_.emplace(host.name.view(), host.location);
    if (!fresh) {
      error(host.location, fmt::format("host {}: already exists", host.name),
            fmt::format("it was declared at {} line {}", it->second.fileName(),
                        it->second.line));
    }
    const Statement* hardware = nullptr;
    const Statement* fixed = nullptr;
    for (const auto& s : host.body) {
      if (s.kind == Statement::Kind::Hardware) {
        if (hardware) {
          error(s.location, fmt::format("host {}: hardware address already configured at line {}",
                                        host.name, hardware->location.line));
        }
        hardware = &s;
      }
      if (s.kind == Statement::Kind::FixedAddress) {
        if (fixed) {
          error(s.location, fmt::format("host {}: only one fixed-address statement per host",
                                        host.name),
                "list several addresses in one statement, separated by commas");
        }
        fixed = &s;
      }
    }
  }

  // ISC refuses an address that two ranges declare ("lease X is declared twice!").
  void checkOverlappingRanges() {
    std::vector<const RangeInfo*> sorted;
    for (const auto& r : ranges_) sorted.push_back(&r);
    // Declaration order breaks ties, so the later range is the one reported.
    std::sort(sorted.begin(), sorted.end(), [](const RangeInfo* a, const RangeInfo* b) {
      return a->low != b->low ? a->low < b->low : a < b;
    });
    std::uint32_t maxHigh = 0;
    const RangeInfo* maxRange = nullptr;
    for (const RangeInfo* r : sorted) {
      if (maxRange && r->low <= maxHigh) {
        error(r->location,
              fmt::format("address {} is declared twice: this range overlaps the range at {} "
                          "line {}",
                          Ipv4Address(r->low).toString(), maxRange->location.fileName(),
                          maxRange->location.line),
              "each address may belong to one range only");
      }
      if (!maxRange || r->high > maxHigh) {
        maxHigh = r->high;
        maxRange = r;
      }
    }
  }

  ParseResult& result_;
  std::vector<SubnetInfo> subnets_;
  std::vector<RangeInfo> ranges_;
  // Host names are Texts: views that live as long as the ParseResult, so the keys copy nothing.
  // The nodes come from one growing buffer: 50,000 hosts, no malloc and no free per host.
  std::pmr::monotonic_buffer_resource hostNodes_;
  std::pmr::unordered_map<std::string_view, Location> hosts_{&hostNodes_};
};

}  // namespace

void checkConfig(ParseResult& result) { Checker(result).run(); }

}  // namespace snowboot::dhcpd::conf
