#include "dhcpd/leases/memory_store.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace snowboot::dhcpd::leases {
namespace {

Time sortTime(const Lease& lease) { return lease.ends.value_or(Time{}); }

// ISC's lease hash: LEASE_HASH_SIZE buckets, an address in bucket address % size.
constexpr std::uint64_t kIscHashBuckets = 100003;

std::size_t keyHash(std::string_view key) { return std::hash<std::string_view>{}(key); }

template <class KeyIndex>
void eraseEntry(KeyIndex& index, std::string_view key, const Lease* stored) {
  auto [begin, end] = index.equal_range(keyHash(key));
  for (auto it = begin; it != end; ++it) {
    if (it->second == stored) {
      index.erase(it);
      return;
    }
  }
}

}  // namespace

std::string_view toString(StoreErrorCode code) {
  switch (code) {
    case StoreErrorCode::OverlappingRange: return "overlapping range";
    case StoreErrorCode::InvalidRange: return "invalid range";
    case StoreErrorCode::NotFound: return "no such lease";
    case StoreErrorCode::Io: return "lease file I/O error";
    case StoreErrorCode::Stopped: return "lease store stopped";
  }
  return "unknown";
}

bool isReusable(BindingState state) { return state == BindingState::Free; }

bool expiresAtEnd(const Lease& lease) {
  if (!lease.ends || *lease.ends == kNever) return false;
  switch (lease.state) {
    case BindingState::Active:
    case BindingState::Expired:
    case BindingState::Released: return true;
    default: return false;
  }
}

std::expected<void, StoreError> MemoryLeaseStore::addRange(const AddressRange& range) {
  const std::uint32_t first = range.first.value();
  const std::uint32_t last = range.last.value();
  if (first > last) {
    return std::unexpected(
        StoreError{StoreErrorCode::InvalidRange,
                   fmt::format("{} > {}", range.first.toString(), range.last.toString())});
  }
  auto next = ranges_.lower_bound(first);
  if ((next != ranges_.end() && next->first <= last) ||
      (next != ranges_.begin() && std::prev(next)->second.last >= first)) {
    return std::unexpected(
        StoreError{StoreErrorCode::OverlappingRange,
                   fmt::format("{} - {}", range.first.toString(), range.last.toString())});
  }
  ranges_.emplace(first, Range{first, last, TimeOrder(&nodes_), TimeOrder(&nodes_), {}, {}});
  untouched_.insertRange(first, last);
  // Leases loaded before the range was known now take their addresses out of the free space.
  for (auto it = leases_.lower_bound(first); it != leases_.end() && it->first <= last; ++it) {
    untouched_.erase(it->first);
    indexFree(it->first);
  }
  for (auto it = holds_.lower_bound(first); it != holds_.end() && it->first <= last; ++it) {
    unindexFree(it->first);
  }
  return {};
}

bool MemoryLeaseStore::removeRange(const AddressRange& range) {
  const std::uint32_t first = range.first.value();
  const std::uint32_t last = range.last.value();
  auto it = ranges_.find(first);
  if (it == ranges_.end() || it->second.last != last) return false;
  for (auto hold = holds_.lower_bound(first); hold != holds_.end() && hold->first <= last;) {
    holdExpiry_.erase({hold->second, hold->first});
    hold = holds_.erase(hold);
  }
  unclaimed_.erase(unclaimed_.lower_bound(first), unclaimed_.upper_bound(last));
  untouched_.eraseRange(first, last);
  ranges_.erase(it);
  return true;
}

std::vector<Lease> MemoryLeaseStore::dropLeasesOutsideRanges() {
  std::vector<Lease> dropped;
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (rangeOf(it->first) != nullptr) {
      ++it;
      continue;
    }
    unindexLease(it->second);
    dropped.push_back(std::move(it->second));
    it = leases_.erase(it);
  }
  return dropped;
}

MemoryLeaseStore::Range* MemoryLeaseStore::rangeOf(std::uint32_t address) {
  auto it = ranges_.upper_bound(address);
  if (it == ranges_.begin()) return nullptr;
  --it;
  return address <= it->second.last ? &it->second : nullptr;
}

void MemoryLeaseStore::orderNeverUsed() {
  for (auto& [first, range] : ranges_) {
    if (!range.ordered) orderNeverUsed(range);
  }
}

void MemoryLeaseStore::orderNeverUsed(Range& range) {
  range.ordered = true;
  range.runs.clear();
  range.runEnds.clear();
  range.nextRun = 0;
  const std::uint64_t size = std::uint64_t{range.last} - range.first + 1;
  if (size >= kIscHashBuckets) {
    range.runs.push_back({range.first, range.last});
    range.runEnds.push_back(1);
    return;
  }
  // The walk: from the range's multiple of the bucket count (bucket 0) up, then from its
  // first address; or straight up when it holds no such multiple.
  const std::uint64_t below = range.first % kIscHashBuckets;
  const std::uint64_t turn = below == 0 ? range.first : range.first + (kIscHashBuckets - below);
  const bool wraps = turn <= range.last;
  // The stretches of [first, last] between leases: each lease was queued elsewhere or with a
  // time of its own, so it ends a run. (Holds do not: ISC's offers are made after this.)
  auto between = [this](std::uint32_t first, std::uint32_t last) {
    std::vector<Piece> stretches;
    std::uint64_t next = first;
    for (auto it = leases_.lower_bound(first); it != leases_.end() && it->first <= last; ++it) {
      if (it->first > next) stretches.push_back({static_cast<std::uint32_t>(next), it->first - 1});
      next = std::uint64_t{it->first} + 1;
    }
    if (next <= last) stretches.push_back({static_cast<std::uint32_t>(next), last});
    return stretches;
  };
  // The runs in walk order, each one stretch or, across the turn, two.
  std::vector<std::vector<Piece>> walk;
  auto append = [&walk](const std::vector<Piece>& stretches, bool continuesLast) {
    for (std::size_t i = 0; i < stretches.size(); ++i) {
      if (i == 0 && continuesLast) {
        walk.back().push_back(stretches[i]);
      } else {
        walk.push_back({stretches[i]});
      }
    }
  };
  if (wraps) {
    const auto upper = between(static_cast<std::uint32_t>(turn), range.last);
    const auto lower = between(range.first, static_cast<std::uint32_t>(turn - 1));
    // The walk passes the buckets from the range's last address round to its first: another
    // range's address queued there ends the run that reached the last address.
    const bool joined = !upper.empty() && upper.back().last == range.last && !lower.empty() &&
                        lower.front().first == range.first &&
                        !otherRangeBetween(range, range.last, range.first);
    append(upper, false);
    append(lower, joined);
  } else {
    append(between(range.first, range.last), false);
  }
  for (auto run = walk.rbegin(); run != walk.rend(); ++run) {
    range.runs.insert(range.runs.end(), run->begin(), run->end());
    range.runEnds.push_back(range.runs.size());
  }
}

bool MemoryLeaseStore::otherRangeBetween(const Range& range, std::uint32_t after,
                                         std::uint32_t before) const {
  const std::uint64_t from = after % kIscHashBuckets + 1;  // the buckets strictly between
  const std::uint64_t to = before % kIscHashBuckets;       // [from, to)
  if (from >= to) return false;
  for (const auto& [first, other] : ranges_) {
    if (&other == &range) continue;
    const std::uint64_t size = std::uint64_t{other.last} - other.first + 1;
    if (size >= kIscHashBuckets) return true;
    const std::uint64_t low = other.first % kIscHashBuckets;
    const std::uint64_t high = low + size - 1;  // past the bucket count when it wraps
    if (low < to && high >= from) return true;
    if (high >= kIscHashBuckets && high - kIscHashBuckets >= from) return true;
  }
  return false;
}

std::optional<std::uint32_t> MemoryLeaseStore::nextNeverUsed(Range& range) {
  if (!range.ordered) orderNeverUsed(range);
  // Never-used addresses only leave a range (an offer never claimed comes back as `unclaimed`),
  // so a run found empty stays empty.
  for (; range.nextRun < range.runEnds.size(); ++range.nextRun) {
    const std::size_t begin = range.nextRun == 0 ? 0 : range.runEnds[range.nextRun - 1];
    for (std::size_t piece = begin; piece < range.runEnds[range.nextRun]; ++piece) {
      const auto& [first, last] = range.runs[piece];
      if (auto found = untouched_.lowestIn(first, last)) return found;
    }
  }
  return std::nullopt;
}

void MemoryLeaseStore::indexFree(std::uint32_t address) {
  Range* range = rangeOf(address);
  if (range == nullptr || holds_.contains(address)) return;
  auto it = leases_.find(address);
  if (it == leases_.end()) {
    if (auto unclaimed = unclaimed_.find(address); unclaimed != unclaimed_.end()) {
      range->reusable.emplace(unclaimed->second, address);
    } else {
      untouched_.insert(address);
    }
  } else if (isReusable(it->second.state)) {
    range->reusable.emplace(sortTime(it->second), address);
  } else if (it->second.abandoned()) {
    range->abandoned.emplace(sortTime(it->second), address);
  }
}

void MemoryLeaseStore::unindexFree(std::uint32_t address) {
  Range* range = rangeOf(address);
  if (range == nullptr) return;
  auto it = leases_.find(address);
  if (it == leases_.end()) {
    if (auto unclaimed = unclaimed_.find(address); unclaimed != unclaimed_.end()) {
      range->reusable.erase({unclaimed->second, address});
      unclaimed_.erase(unclaimed);
    } else {
      untouched_.erase(address);
    }
    return;
  }
  const auto key = std::pair{sortTime(it->second), address};
  range->reusable.erase(key);
  range->abandoned.erase(key);
}

void MemoryLeaseStore::indexLease(const Lease& stored) {
  if (!stored.uid.empty()) byUid_.emplace(keyHash(stored.uid), &stored);
  if (!stored.hardware.empty()) byHardware_.emplace(keyHash(stored.hardware.key()), &stored);
  if (expiresAtEnd(stored)) {
    expiry_.emplace_hint(expiry_.end(), *stored.ends, stored.address.value());
  }
}

void MemoryLeaseStore::unindexLease(const Lease& stored) {
  if (!stored.uid.empty()) eraseEntry(byUid_, stored.uid, &stored);
  if (!stored.hardware.empty()) eraseEntry(byHardware_, stored.hardware.key(), &stored);
  if (expiresAtEnd(stored)) expiry_.erase({*stored.ends, stored.address.value()});
}

void MemoryLeaseStore::apply(Lease lease) {
  // The same as unindexFree, unindexLease, replace, indexLease and indexFree, with each
  // structure looked up once: every commit comes here, and on a big store each lookup is a walk
  // through memory the cache no longer holds.
  const std::uint32_t address = lease.address.value();
  Range* range = rangeOf(address);
  auto it = leases_.lower_bound(address);
  if (it == leases_.end() || it->first != address) {
    if (range != nullptr) unindexFree(address);
    it = leases_.emplace_hint(it, address, std::move(lease));
    indexLease(it->second);
  } else {
    Lease& old = it->second;
    if (range != nullptr) {
      const auto key = std::pair{sortTime(old), address};
      range->reusable.erase(key);
      range->abandoned.erase(key);
    }
    reindexLease(old, lease);
    old = std::move(lease);
  }
  if (auto hold = holds_.find(address); hold != holds_.end()) {
    holdExpiry_.erase({hold->second, address});
    holds_.erase(hold);
  }
  if (range != nullptr) {
    const Lease& now = it->second;
    if (isReusable(now.state)) {
      range->reusable.emplace(sortTime(now), address);
    } else if (now.abandoned()) {
      range->abandoned.emplace(sortTime(now), address);
    }
  }
}

void MemoryLeaseStore::reindexLease(const Lease& stored, const Lease& after) {
  // A renewal keeps its client: its index entries stay.
  auto replace = [&stored](KeyIndex& index, std::string_view from, std::string_view to) {
    if (from == to) return;
    if (!from.empty()) eraseEntry(index, from, &stored);
    if (!to.empty()) index.emplace(keyHash(to), &stored);
  };
  replace(byUid_, stored.uid, after.uid);
  replace(byHardware_, stored.hardware.empty() ? std::string_view() : stored.hardware.key(),
          after.hardware.empty() ? std::string_view() : after.hardware.key());
  const std::uint32_t address = stored.address.value();
  const bool expired = expiresAtEnd(stored);
  const bool expires = expiresAtEnd(after);
  if (expired && expires && *stored.ends == *after.ends) return;
  if (expired) expiry_.erase({*stored.ends, address});
  if (expires) expiry_.emplace_hint(expiry_.end(), *after.ends, address);
}

std::optional<Lease> MemoryLeaseStore::findByAddress(net::Ipv4Address address) const {
  auto it = leases_.find(address.value());
  if (it == leases_.end()) return std::nullopt;
  return it->second;
}

std::vector<Lease> MemoryLeaseStore::collect(
    const KeyIndex& index, std::size_t hash,
    const std::function<bool(const Lease&)>& matches) const {
  std::vector<Lease> found;
  auto [begin, end] = index.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    if (matches(*it->second)) found.push_back(*it->second);
  }
  std::sort(found.begin(), found.end(), [](const Lease& a, const Lease& b) {
    const bool aActive = a.state == BindingState::Active;
    const bool bActive = b.state == BindingState::Active;
    if (aActive != bActive) return aActive;
    if (sortTime(a) != sortTime(b)) return sortTime(a) > sortTime(b);
    return a.address < b.address;
  });
  return found;
}

std::vector<Lease> MemoryLeaseStore::findByClientId(std::string_view uid) const {
  if (uid.empty()) return {};
  return collect(byUid_, keyHash(uid), [uid](const Lease& lease) { return lease.uid == uid; });
}

std::vector<Lease> MemoryLeaseStore::findByHardware(const HardwareAddress& hardware) const {
  if (hardware.empty()) return {};
  return collect(byHardware_, keyHash(hardware.key()),
                 [&hardware](const Lease& lease) { return lease.hardware == hardware; });
}

std::optional<net::Ipv4Address> MemoryLeaseStore::allocate(const AllocationRequest& request) {
  std::optional<std::uint32_t> chosen;
  if (request.preferred) {
    const std::uint32_t wanted = request.preferred->value();
    bool listed = false;
    for (const AddressRange& range : request.ranges) {
      listed = listed || (range.first.value() <= wanted && wanted <= range.last.value());
    }
    if (listed && rangeOf(wanted) != nullptr && !holds_.contains(wanted)) {
      auto it = leases_.find(wanted);
      bool free = it == leases_.end()
                      ? untouched_.contains(wanted) || unclaimed_.contains(wanted)
                      : isReusable(it->second.state);
      if (free) chosen = wanted;
    }
  }
  // Never-used addresses in ISC's order (Range::runs). Such an address has no lease to look up
  // when it is taken out of the free space.
  bool neverLeased = false;
  for (const AddressRange& wanted : request.ranges) {
    if (chosen) break;
    Range* range = rangeOf(wanted.first.value());
    if (range != nullptr && range->first == wanted.first.value() &&
        range->last == wanted.last.value()) {
      chosen = nextNeverUsed(*range);
    } else {
      chosen = untouched_.lowestIn(wanted.first.value(), wanted.last.value());
    }
    neverLeased = chosen.has_value();
  }
  auto oldestIn = [&](auto member) -> std::optional<std::uint32_t> {
    std::optional<std::pair<Time, std::uint32_t>> best;
    for (const AddressRange& wanted : request.ranges) {
      for (auto it = ranges_.lower_bound(wanted.first.value());
           it != ranges_.end() && it->first <= wanted.last.value(); ++it) {
        const auto& candidates = it->second.*member;
        if (!candidates.empty() && (!best || *candidates.begin() < *best)) {
          best = *candidates.begin();
        }
      }
      if (best) return best->second;
    }
    return std::nullopt;
  };
  if (!chosen) chosen = oldestIn(&Range::reusable);
  if (!chosen) chosen = oldestIn(&Range::abandoned);
  if (!chosen) return std::nullopt;
  if (neverLeased) {
    untouched_.erase(*chosen);
  } else {
    unindexFree(*chosen);
  }
  holds_.emplace(*chosen, request.holdUntil);
  holdExpiry_.emplace_hint(holdExpiry_.end(), request.holdUntil, *chosen);
  return net::Ipv4Address(*chosen);
}

void MemoryLeaseStore::commit(const Lease& lease, CommitDone done) {
  apply(lease);
  if (done) done(CommitResult{});
}

std::optional<Lease> MemoryLeaseStore::releasedLease(net::Ipv4Address address, Time now) const {
  auto it = leases_.find(address.value());
  if (it == leases_.end()) return std::nullopt;
  return releasedAt(it->second, now);
}

void MemoryLeaseStore::release(net::Ipv4Address address, Time now, CommitDone done) {
  auto lease = releasedLease(address, now);
  if (!lease) {
    if (done) done(std::unexpected(StoreError{StoreErrorCode::NotFound, address.toString()}));
    return;
  }
  commit(*lease, std::move(done));
}

std::vector<Lease> MemoryLeaseStore::expire(Time now) {
  std::vector<Lease> changed;
  while (!expiry_.empty() && expiry_.begin()->first <= now) {
    const std::uint32_t address = expiry_.begin()->second;
    Lease lease = leases_.at(address);
    // Without failover every state that ends falls to free (ISC's next binding state).
    BindingState next = lease.nextState.value_or(BindingState::Free);
    if (next == lease.state || next == BindingState::Active) next = BindingState::Free;
    lease.state = next;
    lease.nextState.reset();
    apply(lease);
    changed.push_back(std::move(lease));
  }
  while (!holdExpiry_.empty() && holdExpiry_.begin()->first <= now) {
    const auto [until, address] = *holdExpiry_.begin();
    holdExpiry_.erase(holdExpiry_.begin());
    holds_.erase(address);
    // ISC keeps an unclaimed offer's lease free until the offer's end, which queues it behind
    // every never-used address and every lease that ended before.
    if (!leases_.contains(address) && rangeOf(address) != nullptr) {
      unclaimed_.insert_or_assign(address, until);
    }
    indexFree(address);
  }
  return changed;
}

void MemoryLeaseStore::reserve(std::size_t leases) {
  byUid_.reserve(leases);
  byHardware_.reserve(leases);
}

void MemoryLeaseStore::forEachLease(const std::function<void(const Lease&)>& visit) const {
  for (const auto& [address, lease] : leases_) visit(lease);
}

std::optional<std::uint64_t> MemoryLeaseStore::forEachLeaseFrom(
    std::uint64_t from, std::size_t count, const std::function<void(const Lease&)>& visit) const {
  if (from > 0xffffffffu) return std::nullopt;
  auto it = leases_.lower_bound(static_cast<std::uint32_t>(from));
  for (std::size_t i = 0; i < count && it != leases_.end(); ++i, ++it) visit(it->second);
  if (it == leases_.end()) return std::nullopt;
  return it->first;
}

}  // namespace snowboot::dhcpd::leases
