#pragma once
// A set of IPv4 addresses kept as disjoint closed intervals: a /8 with nothing taken is one
// entry, so free space costs memory per hole, never per address.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace snowboot::dhcpd::leases {

class AddressSet {
 public:
  // Adds [first, last] (first <= last); merges with neighbours. O(log n + intervals merged).
  void insertRange(std::uint32_t first, std::uint32_t last);
  void insert(std::uint32_t address) { insertRange(address, address); }
  // Removes one address, splitting its interval. Returns whether it was present. O(log n).
  bool erase(std::uint32_t address);
  // Removes every member of [first, last] (first <= last). O(log n + intervals removed).
  void eraseRange(std::uint32_t first, std::uint32_t last);
  bool contains(std::uint32_t address) const;

  // The lowest / highest member within [first, last], O(log n).
  std::optional<std::uint32_t> lowestIn(std::uint32_t first, std::uint32_t last) const;
  std::optional<std::uint32_t> highestIn(std::uint32_t first, std::uint32_t last) const;

  std::uint64_t size() const { return size_; }  // addresses, not intervals
  std::size_t intervalCount() const { return intervals_.size(); }
  bool empty() const { return intervals_.empty(); }

 private:
  std::map<std::uint32_t, std::uint32_t> intervals_;  // first -> last, disjoint, not adjacent
  std::uint64_t size_ = 0;
};

}  // namespace snowboot::dhcpd::leases
