#pragma once
// The narrow interface the DHCP engine uses to read and change leases. Where leases live (the
// dhcpd.leases journal today, a database shared by several servers later) stays behind it.

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/ipv4.hpp"
#include "dhcpd/leases/lease.hpp"

namespace snowboot::dhcpd::leases {

struct AddressRange {
  net::Ipv4Address first;
  net::Ipv4Address last;  // inclusive, as dhcpd.conf's `range first last;`

  friend auto operator<=>(const AddressRange&, const AddressRange&) = default;
};

enum class StoreErrorCode {
  OverlappingRange,  // addRange: the range shares addresses with one already configured
  InvalidRange,      // addRange: first > last
  NotFound,          // release: no lease for that address
  Io,                // the journal could not write or sync: the change is not durable
  Stopped,           // the store was shut down before the change was durable
};

std::string_view toString(StoreErrorCode code);

struct StoreError {
  StoreErrorCode code;
  std::string detail;  // the address, the file and errno text: what an operator needs
};

using CommitResult = std::expected<void, StoreError>;
// Called once the change is durable (or failed). A file store calls it from its journal thread:
// the shell posts it back to its own loop before it sends the reply that depends on it.
using CommitDone = std::function<void(const CommitResult&)>;

// What the engine asks for when a client needs a new address.
struct AllocationRequest {
  std::span<const AddressRange> ranges;  // candidate ranges in preference order (pool order)
  Time now;
  // The address is kept from other clients until then (an OFFER's hold); commit() makes it a
  // lease, expire() returns it to the pool after holdUntil.
  Time holdUntil;
  // The address the client asked for (DHCPDISCOVER option 50): chosen first when it lies in
  // `ranges` and is free (never used, or a free lease) and not held; otherwise ignored.
  std::optional<net::Ipv4Address> preferred = std::nullopt;
};

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  virtual std::optional<Lease> findByAddress(net::Ipv4Address address) const = 0;
  // Every lease of that client: active ones first, then the most recent end first.
  virtual std::vector<Lease> findByClientId(std::string_view uid) const = 0;
  virtual std::vector<Lease> findByHardware(const HardwareAddress& hardware) const = 0;
  // A free address from the ranges (request.preferred first when it is free), held until
  // request.holdUntil; nothing when all are taken.
  // Never-used addresses first (in ISC's order: MemoryLeaseStore::Range::runs), then free
  // leases that ended longest ago (an offer never claimed ends with its hold), abandoned last.
  virtual std::optional<net::Ipv4Address> allocate(const AllocationRequest& request) = 0;
  // Records the lease (new state of its address); `done` runs when it is durable.
  virtual void commit(const Lease& lease, CommitDone done) = 0;
  // The client gave the address back: binding state free, ends = now.
  virtual void release(net::Ipv4Address address, Time now, CommitDone done) = 0;
  // Moves leases whose time is up to their next binding state and ends expired holds; returns the
  // leases it changed. Call it from a timer with the current time.
  virtual std::vector<Lease> expire(Time now) = 0;
};

}  // namespace snowboot::dhcpd::leases
