#include "dhcpd/leases/address_set.hpp"

#include <algorithm>

namespace snowboot::dhcpd::leases {

void AddressSet::insertRange(std::uint32_t first, std::uint32_t last) {
  if (first > last) return;
  std::uint64_t newFirst = first;
  std::uint64_t newLast = last;
  // Swallow every interval that overlaps or touches [first, last].
  auto it = intervals_.upper_bound(first);
  if (it != intervals_.begin()) {
    auto previous = std::prev(it);
    if (std::uint64_t{previous->second} + 1 >= first) it = previous;
  }
  while (it != intervals_.end() && std::uint64_t{it->first} <= newLast + 1) {
    newFirst = std::min<std::uint64_t>(newFirst, it->first);
    newLast = std::max<std::uint64_t>(newLast, it->second);
    size_ -= std::uint64_t{it->second} - it->first + 1;
    it = intervals_.erase(it);
  }
  intervals_.emplace(static_cast<std::uint32_t>(newFirst), static_cast<std::uint32_t>(newLast));
  size_ += newLast - newFirst + 1;
}

bool AddressSet::erase(std::uint32_t address) {
  auto it = intervals_.upper_bound(address);
  if (it == intervals_.begin()) return false;
  --it;
  const std::uint32_t last = it->second;
  if (address > last) return false;
  --size_;
  if (address == it->first) {
    if (address == last) {
      intervals_.erase(it);
      return true;
    }
    // Ranges are handed out from the bottom up, so this is the usual case: the interval's node
    // is re-keyed in place rather than freed and allocated again.
    auto after = std::next(it);
    auto node = intervals_.extract(it);
    node.key() = address + 1;
    intervals_.insert(after, std::move(node));
    return true;
  }
  it->second = address - 1;
  if (address < last) intervals_.emplace_hint(std::next(it), address + 1, last);
  return true;
}

void AddressSet::eraseRange(std::uint32_t first, std::uint32_t last) {
  auto it = intervals_.upper_bound(first);
  if (it != intervals_.begin()) --it;
  while (it != intervals_.end() && it->first <= last) {
    const std::uint32_t from = it->first;
    const std::uint32_t to = it->second;
    if (to < first) {
      ++it;
      continue;
    }
    it = intervals_.erase(it);
    const std::uint32_t cutFrom = std::max(from, first);
    const std::uint32_t cutTo = std::min(to, last);
    size_ -= std::uint64_t{cutTo} - cutFrom + 1;
    if (from < first) intervals_.emplace(from, first - 1);
    if (to > last) it = intervals_.emplace(last + 1, to).first;
  }
}

bool AddressSet::contains(std::uint32_t address) const {
  auto it = intervals_.upper_bound(address);
  if (it == intervals_.begin()) return false;
  return address <= std::prev(it)->second;
}

std::optional<std::uint32_t> AddressSet::lowestIn(std::uint32_t first, std::uint32_t last) const {
  if (first > last) return std::nullopt;
  auto it = intervals_.upper_bound(first);
  if (it != intervals_.begin() && std::prev(it)->second >= first) return first;
  if (it != intervals_.end() && it->first <= last) return it->first;
  return std::nullopt;
}

std::optional<std::uint32_t> AddressSet::highestIn(std::uint32_t first, std::uint32_t last) const {
  if (first > last) return std::nullopt;
  auto it = intervals_.upper_bound(last);
  if (it == intervals_.begin()) return std::nullopt;
  --it;
  if (it->second < first) return std::nullopt;
  return std::min(it->second, last);
}

}  // namespace snowboot::dhcpd::leases
