#pragma once
// What the scopes of dhcpd.conf say for one packet: the Effective values (resolved once per
// configuration where no statement depends on the packet), and the settings the engine reads
// from them.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/dhcp/message.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/evaluate.hpp"

namespace snowboot::dhcpd::engine {

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
                       const PacketContext& context);

// ISC's refusals by `deny KEY;` or `ignore KEY;` in scope, in the order of its ack_lease (every
// OFFER, ACK and dynamic BOOTP reply) and bootp.c: an unknown client (one without a host
// declaration) when unknown-clients is denied, a BOOTP request when bootp is, any request when
// booting is. Returns the log line's ending, empty for `ignore` (ISC logs nothing then), or
// nothing when the request may be answered.
std::optional<std::string_view> refusal(const Effective& effective, bool unknownClient,
                                        bool bootp);

// `get-lease-hostnames on;`: option 12 is the address's DNS name unless a host name is already
// set (by `option host-name` or use-host-decl-names), as ISC's ack_lease.
void addLeaseHostname(const ConfigModel& config, Resolved& resolved, net::Ipv4Address address,
                      std::vector<std::string>& log);

// The lease time a request gets: the one it asks for (option 51) up to max-lease-time, else
// default-lease-time; never below min-lease-time.
std::uint32_t leaseTime(const dhcp::Message& request, const Effective& effective);

// `ping-check` is on unless a scope says false (ISC evaluates it as a boolean; absent is true).
bool pingCheckOn(const Effective& effective);
std::chrono::milliseconds pingTimeout(const Effective& effective);

}  // namespace snowboot::dhcpd::engine
