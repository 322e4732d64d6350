#pragma once
// The in-memory lease database: leases by address with indexes on client id, hardware address
// and expiry, and per-range free space. Memory grows with leases, never with pool size: a range
// nobody has used is one interval.

#include <cstdint>
#include <functional>
#include <map>
#include <memory_resource>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dhcpd/leases/address_set.hpp"
#include "dhcpd/leases/lease_store.hpp"

namespace snowboot::dhcpd::leases {

class MemoryLeaseStore final : public LeaseStore {
 public:
  MemoryLeaseStore() = default;
  // The containers allocate from this object's pool: a moved or copied store would point into
  // another's.
  MemoryLeaseStore(const MemoryLeaseStore&) = delete;
  MemoryLeaseStore& operator=(const MemoryLeaseStore&) = delete;

  // Pool configuration: ranges may be added before or after the leases are loaded.
  std::expected<void, StoreError> addRange(const AddressRange& range);
  // Takes a range out of the pools (exactly as added; false if there is none): its addresses are
  // no longer allocated and its holds end. Its leases stay until dropLeasesOutsideRanges().
  bool removeRange(const AddressRange& range);
  // Forgets the leases whose address is in no range (what ISC does with such leases when it
  // starts: "lease X: no subnet."); returns them.
  std::vector<Lease> dropLeasesOutsideRanges();
  // Fixes the order in which each range hands out its never-used addresses from the leases
  // held now, as ISC builds its free queues once the lease file is read (see Range::runs).
  // A range without it fixes its order at its first allocation.
  void orderNeverUsed();

  std::optional<Lease> findByAddress(net::Ipv4Address address) const override;
  std::vector<Lease> findByClientId(std::string_view uid) const override;
  std::vector<Lease> findByHardware(const HardwareAddress& hardware) const override;
  std::optional<net::Ipv4Address> allocate(const AllocationRequest& request) override;
  // Memory only: `done` runs before commit() returns.
  void commit(const Lease& lease, CommitDone done) override;
  void release(net::Ipv4Address address, Time now, CommitDone done) override;
  std::vector<Lease> expire(Time now) override;

  // The shared core of commit() for stores that add durability: applies the lease, no callback.
  void apply(Lease lease);
  // The lease release() would record, or nothing when there is no lease at that address.
  std::optional<Lease> releasedLease(net::Ipv4Address address, Time now) const;

  // Sizes the hash indexes for about `leases` leases, so loading a big file does not rehash.
  void reserve(std::size_t leases);
  std::size_t leaseCount() const { return leases_.size(); }
  // In address order; the compactor writes these.
  void forEachLease(const std::function<void(const Lease&)>& visit) const;
  // At most `count` leases from address `from` on, in order; returns the address to resume
  // from, or nothing after the last lease. Safe across changes made between calls.
  std::optional<std::uint64_t> forEachLeaseFrom(
      std::uint64_t from, std::size_t count, const std::function<void(const Lease&)>& visit) const;
  // Addresses in the ranges that no lease has ever touched.
  std::uint64_t untouchedCount() const { return untouched_.size(); }
  std::size_t heldCount() const { return holds_.size(); }

 private:
  using TimeOrder = std::pmr::set<std::pair<Time, std::uint32_t>>;  // (time, address)
  // Addresses first..last, handed out lowest first.
  struct Piece {
    std::uint32_t first;
    std::uint32_t last;
  };
  struct Range {
    std::uint32_t first;
    std::uint32_t last;
    // (ends, address) of free leases: reused oldest first, abandoned ones only when out of room.
    // An address offered and never claimed joins them at its hold's end, as in ISC.
    TimeOrder reusable;
    TimeOrder abandoned;
    // ISC's order for never-used addresses (ISC 4.4 on Linux, without BINARY_LEASES): it walks
    // its address hash (bucket = address % 100003, so from the range's multiple of 100003 up,
    // then from its first address) and queues each never-used address after the one queued
    // before, unless something else was queued in between (a lease of the file, another
    // range's address): then it goes to the front. So the walk's runs of never-used addresses
    // come last run first, each in walk order. `runs` holds those runs' pieces in that order;
    // runEnds[i] is one past run i's last piece. Exact for ranges of fewer than 100003
    // addresses; a bigger one is one run, lowest first (ISC: bucket by bucket).
    std::vector<Piece> runs;
    std::vector<std::size_t> runEnds;
    std::size_t nextRun = 0;  // the runs before it have no never-used address left
    bool ordered = false;
  };

  Range* rangeOf(std::uint32_t address);
  void orderNeverUsed(Range& range);
  // Whether another range has an address whose hash bucket lies strictly between `after` and
  // `before` (a walk from one to the other would queue it in between).
  bool otherRangeBetween(const Range& range, std::uint32_t after, std::uint32_t before) const;
  // The range's next never-used address in ISC's order.
  std::optional<std::uint32_t> nextNeverUsed(Range& range);
  // Adds or removes the address from the structures allocate() draws from.
  void indexFree(std::uint32_t address);
  void unindexFree(std::uint32_t address);
  // These take the lease in its node of leases_, which the index entries point to.
  void indexLease(const Lease& stored);
  void unindexLease(const Lease& stored);
  // unindexLease(stored) then indexLease as if it held `after`, touching only the entries that
  // differ; the caller then assigns `after` to it.
  void reindexLease(const Lease& stored, const Lease& after);
  // Index entries hold a hash of the key, not the key: the lease has it, and a string per entry
  // would double the indexes' memory. Lookups compare the leases' own keys. An entry points to
  // the lease's map node (which never moves): a lookup by address would walk the tree again.
  using KeyIndex = std::pmr::unordered_multimap<std::size_t, const Lease*>;
  std::vector<Lease> collect(const KeyIndex& index, std::size_t hash,
                             const std::function<bool(const Lease&)>& matches) const;

  // A new lease adds a node to the lease map, the indexes and the expiry order, and an offer a
  // hold: from a pool these cost no trip through malloc, whose per-thread cache of 7 chunks a
  // size overflows on such bursts (with the offer book's pool and inline hardware addresses,
  // 7% less CPU per lease on the /8: bench/README.md). Declared first: the containers give
  // their nodes back to it when destroyed.
  std::pmr::unsynchronized_pool_resource nodes_;
  std::pmr::map<std::uint32_t, Lease> leases_{&nodes_};
  std::pmr::map<std::uint32_t, Range> ranges_{&nodes_};  // by first address
  AddressSet untouched_;
  KeyIndex byUid_{&nodes_};
  KeyIndex byHardware_{&nodes_};
  TimeOrder expiry_{&nodes_};  // leases whose state changes at `ends`
  std::pmr::map<std::uint32_t, Time> holds_{&nodes_};  // offered, not yet committed
  // Offered, never claimed, never leased: free from the hold's end (the key in `reusable`).
  std::pmr::map<std::uint32_t, Time> unclaimed_{&nodes_};
  TimeOrder holdExpiry_{&nodes_};
};

// Free-address order for a lease in state `state` ending at `ends` (nothing: not allocatable).
bool isReusable(BindingState state);
// Whether a lease in this state changes state when `ends` passes.
bool expiresAtEnd(const Lease& lease);

}  // namespace snowboot::dhcpd::leases
