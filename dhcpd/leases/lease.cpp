#include "dhcpd/leases/lease.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace snowboot::dhcpd::leases {
namespace {

constexpr std::array<std::string_view, 9> kStateNames{
    "free", "active", "expired", "released", "abandoned", "reset", "backup", "reserved", "bootp"};

// The names ISC's hardware_types[] gives the types it knows; others are written "unknown-N".
constexpr std::array<std::pair<std::uint8_t, std::string_view>, 4> kHardwareTypes{{
    {1, "ethernet"},
    {6, "token-ring"},
    {8, "fddi"},
    {32, "infiniband"},
}};

}  // namespace

std::string_view toString(BindingState state) {
  const auto index = static_cast<std::size_t>(state) - 1;
  return index < kStateNames.size() ? kStateNames[index] : "abandoned";
}

std::optional<BindingState> parseBindingState(std::string_view name) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<BindingState>(i + 1);
  }
  return std::nullopt;
}

std::string HardwareAddress::key() const {
  std::string key(1, static_cast<char>(type));
  key.append(address.begin(), address.end());
  return key;
}

std::string_view hardwareTypeName(std::uint8_t type) {
  for (const auto& [value, name] : kHardwareTypes) {
    if (value == type) return name;
  }
  return {};
}

std::optional<std::uint8_t> parseHardwareType(std::string_view name) {
  for (const auto& [value, typeName] : kHardwareTypes) {
    if (typeName == name) return value;
  }
  return std::nullopt;
}

Lease releasedAt(Lease lease, Time now) {
  lease.state = BindingState::Free;
  lease.nextState.reset();
  lease.rewindState.reset();
  lease.ends = now;
  lease.tstp = now;
  lease.variables.clear();
  lease.clientHostname.reset();
  std::erase_if(lease.extraStatements,
                [](const std::string& statement) { return statement.starts_with("billing "); });
  return lease;
}

}  // namespace snowboot::dhcpd::leases
