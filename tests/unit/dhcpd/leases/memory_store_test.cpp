#include "dhcpd/leases/memory_store.hpp"

#include <array>

#include <catch2/catch.hpp>

using namespace snowboot::dhcpd::leases;
using snowboot::net::Ipv4Address;
using std::chrono::seconds;

namespace {

const Time kNow = Time{seconds{1'800'000'000}};

Lease activeLease(Ipv4Address address, std::string uid, std::uint8_t macLast, Time starts,
                  seconds length) {
  Lease lease;
  lease.address = address;
  lease.starts = starts;
  lease.ends = starts + length;
  lease.cltt = starts;
  lease.state = BindingState::Active;
  lease.nextState = BindingState::Free;
  lease.hardware = HardwareAddress{1, {0x52, 0x54, 0x00, 0x12, 0x34, macLast}};
  lease.uid = std::move(uid);
  return lease;
}

std::optional<Ipv4Address> allocateIn(MemoryLeaseStore& store, AddressRange range, Time now) {
  const std::array ranges{range};
  return store.allocate(AllocationRequest{ranges, now, now + seconds{60}});
}

const AddressRange kRange{Ipv4Address(192, 168, 0, 100), Ipv4Address(192, 168, 0, 103)};

}  // namespace

TEST_CASE("allocate hands out never-used addresses from the bottom and holds them", "[leases]") {
  MemoryLeaseStore store;
  REQUIRE(store.addRange(kRange));
  CHECK(allocateIn(store, kRange, kNow) == Ipv4Address(192, 168, 0, 100));
  CHECK(allocateIn(store, kRange, kNow + seconds{1}) == Ipv4Address(192, 168, 0, 101));
  CHECK(store.heldCount() == 2);
  // Holds lapse: as in ISC, an offer never claimed waits behind every never-used address, and
  // then behind the offers that ended before it.
  CHECK(store.expire(kNow + seconds{59}).empty());
  store.expire(kNow + seconds{61});
  CHECK(store.heldCount() == 0);
  CHECK(store.untouchedCount() == 2);
  CHECK(allocateIn(store, kRange, kNow + seconds{61}) == Ipv4Address(192, 168, 0, 102));
  CHECK(allocateIn(store, kRange, kNow + seconds{61}) == Ipv4Address(192, 168, 0, 103));
  CHECK(allocateIn(store, kRange, kNow + seconds{61}) == Ipv4Address(192, 168, 0, 100));
  CHECK(allocateIn(store, kRange, kNow + seconds{61}) == Ipv4Address(192, 168, 0, 101));
  CHECK(allocateIn(store, kRange, kNow + seconds{61}) == std::nullopt);
  CHECK(store.heldCount() == 4);
}

// ISC 4.4.3-P1, range .10-.20, each lease file read at start (measured beside it):
// the runs of never-used addresses between the leases come last run first.
TEST_CASE("never-used addresses come in ISC's order after the leases are read", "[leases]") {
  const AddressRange range{Ipv4Address(10, 77, 0, 10), Ipv4Address(10, 77, 0, 20)};
  auto offers = [&](std::initializer_list<int> leased, int count) {
    MemoryLeaseStore store;
    REQUIRE(store.addRange(range));
    for (int last : leased) {
      store.apply(activeLease(Ipv4Address(10, 77, 0, static_cast<std::uint8_t>(last)), "x",
                              static_cast<std::uint8_t>(last), kNow, seconds{3600}));
    }
    store.orderNeverUsed();
    std::vector<int> got;
    for (int i = 0; i < count; ++i) {
      auto address = allocateIn(store, range, kNow);
      got.push_back(address ? address->octets()[3] : 0);
    }
    return got;
  };
  CHECK(offers({}, 4) == std::vector<int>{10, 11, 12, 13});
  CHECK(offers({15}, 11) == std::vector<int>{16, 17, 18, 19, 20, 10, 11, 12, 13, 14, 0});
  CHECK(offers({10}, 4) == std::vector<int>{11, 12, 13, 14});
  CHECK(offers({13, 17}, 10) == std::vector<int>{18, 19, 20, 14, 15, 16, 10, 11, 12, 0});
}

TEST_CASE("a range holding a multiple of 100003 is walked from it, as ISC's hash walks",
          "[leases]") {
  // 10.78.82.227 is 172905187 = 1729 * 100003: ISC offered .227 to .235, then .220 to .226.
  const AddressRange range{Ipv4Address(10, 78, 82, 220), Ipv4Address(10, 78, 82, 235)};
  MemoryLeaseStore store;
  REQUIRE(store.addRange(range));
  std::vector<int> got;
  for (int i = 0; i < 17; ++i) {
    auto address = allocateIn(store, range, kNow);
    got.push_back(address ? address->octets()[3] : 0);
  }
  CHECK(got == std::vector<int>{227, 228, 229, 230, 231, 232, 233, 234, 235, 220, 221, 222, 223,
                                224, 225, 226, 0});
  // Another range queued in the walk between .235 and .220 splits the run there.
  MemoryLeaseStore split;
  REQUIRE(split.addRange(range));
  REQUIRE(split.addRange({Ipv4Address(10, 0, 0, 10), Ipv4Address(10, 0, 0, 20)}));
  CHECK(allocateIn(split, range, kNow) == Ipv4Address(10, 78, 82, 220));
}

TEST_CASE("allocate takes the preferred address only when it is free", "[leases]") {
  MemoryLeaseStore store;
  REQUIRE(store.addRange(kRange));
  const std::array ranges{kRange};
  auto ask = [&](Ipv4Address preferred) {
    return store.allocate(AllocationRequest{ranges, kNow, kNow + seconds{60}, preferred});
  };
  CHECK(ask(Ipv4Address(192, 168, 0, 102)) == Ipv4Address(192, 168, 0, 102));
  CHECK(ask(Ipv4Address(192, 168, 0, 102)) == Ipv4Address(192, 168, 0, 100));  // held now
  store.commit(activeLease(Ipv4Address(192, 168, 0, 103), "a", 1, kNow, seconds{600}), {});
  CHECK(ask(Ipv4Address(192, 168, 0, 103)) == Ipv4Address(192, 168, 0, 101));  // leased
  CHECK(ask(Ipv4Address(10, 0, 0, 1)) == std::nullopt);  // outside the ranges: all taken now
}

TEST_CASE("commit records a lease found by address, client id and hardware", "[leases]") {
  MemoryLeaseStore store;
  REQUIRE(store.addRange(kRange));
  auto address = allocateIn(store, kRange, kNow);
  REQUIRE(address);
  const Lease lease =
      activeLease(*address, std::string("\x01RT\x00\x12\x34\x01", 7), 1, kNow, seconds{600});
  bool durable = false;
  store.commit(lease, [&](const CommitResult& result) { durable = result.has_value(); });
  CHECK(durable);
  CHECK(store.heldCount() == 0);
  CHECK(store.findByAddress(*address) == lease);
  REQUIRE(store.findByClientId(lease.uid).size() == 1);
  CHECK(store.findByClientId(lease.uid)[0] == lease);
  REQUIRE(store.findByHardware(lease.hardware).size() == 1);
  CHECK(store.findByClientId("other").empty());
  CHECK(store.findByHardware(HardwareAddress{1, {1, 2, 3, 4, 5, 6}}).empty());
  CHECK(*address == Ipv4Address(192, 168, 0, 100));
  CHECK_FALSE(store.findByAddress(Ipv4Address(192, 168, 0, 103)));

  // A changed client id moves the index entry.
  Lease renamed = lease;
  renamed.uid = "new-id";
  store.commit(renamed, nullptr);
  CHECK(store.findByClientId(lease.uid).empty());
  CHECK(store.findByClientId("new-id").size() == 1);
}

TEST_CASE("findByClientId puts active leases first, then the latest end", "[leases]") {
  MemoryLeaseStore store;
  REQUIRE(store.addRange(kRange));
  Lease old = activeLease(Ipv4Address(192, 168, 0, 100), "c", 1, kNow - seconds{900}, seconds{60});
  old.state = BindingState::Free;
  Lease newer =
      activeLease(Ipv4Address(192, 168, 0, 101), "c", 1, kNow - seconds{100}, seconds{60});
  newer.state = BindingState::Free;
  Lease active =
      activeLease(Ipv4Address(192, 168, 0, 102), "c", 1, kNow - seconds{900}, seconds{1});
  store.apply(old);
  store.apply(active);
  store.apply(newer);
  auto found = store.findByClientId("c");
  REQUIRE(found.size() == 3);
  CHECK(found[0].address == active.address);
  CHECK(found[1].address == newer.address);
  CHECK(found[2].address == old.address);
}

TEST_CASE("expire moves ended leases to free, and free ones are reused oldest first", "[leases]") {
  MemoryLeaseStore store;
  const AddressRange range{Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 3)};
  REQUIRE(store.addRange(range));
  store.apply(activeLease(Ipv4Address(10, 0, 0, 1), "a", 1, kNow, seconds{300}));
  store.apply(activeLease(Ipv4Address(10, 0, 0, 2), "b", 2, kNow, seconds{100}));
  store.apply(activeLease(Ipv4Address(10, 0, 0, 3), "c", 3, kNow, seconds{200}));
  CHECK(allocateIn(store, range, kNow) == std::nullopt);

  auto changed = store.expire(kNow + seconds{250});
  REQUIRE(changed.size() == 2);
  CHECK(changed[0].address == Ipv4Address(10, 0, 0, 2));
  CHECK(changed[0].state == BindingState::Free);
  CHECK(changed[1].address == Ipv4Address(10, 0, 0, 3));
  // The client keeps its identity on the free lease, so it can get the address back.
  CHECK(store.findByClientId("b").at(0).state == BindingState::Free);
  CHECK(store.findByAddress(Ipv4Address(10, 0, 0, 1))->state == BindingState::Active);

  CHECK(allocateIn(store, range, kNow + seconds{250}) == Ipv4Address(10, 0, 0, 2));
  CHECK(allocateIn(store, range, kNow + seconds{250}) == Ipv4Address(10, 0, 0, 3));
  CHECK(allocateIn(store, range, kNow + seconds{250}) == std::nullopt);
}

TEST_CASE("never-used addresses go before free leases, abandoned ones last", "[leases]") {
  MemoryLeaseStore store;
  const AddressRange range{Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 3)};
  REQUIRE(store.addRange(range));
  Lease abandoned = activeLease(Ipv4Address(10, 0, 0, 3), "", 3, kNow - seconds{999}, seconds{1});
  abandoned.state = BindingState::Abandoned;
  abandoned.nextState.reset();
  store.apply(abandoned);
  store.release(Ipv4Address(10, 0, 0, 1), kNow, nullptr);  // no lease there: nothing happens
  store.apply(activeLease(Ipv4Address(10, 0, 0, 1), "a", 1, kNow - seconds{50}, seconds{600}));
  bool released = false;
  store.release(Ipv4Address(10, 0, 0, 1), kNow, [&](const CommitResult& r) { released = !!r; });
  CHECK(released);
  CHECK(store.findByAddress(Ipv4Address(10, 0, 0, 1))->state == BindingState::Free);
  CHECK(store.findByAddress(Ipv4Address(10, 0, 0, 1))->ends == kNow);

  CHECK(allocateIn(store, range, kNow) == Ipv4Address(10, 0, 0, 2));  // never used
  CHECK(allocateIn(store, range, kNow) == Ipv4Address(10, 0, 0, 1));  // released
  CHECK(allocateIn(store, range, kNow) == Ipv4Address(10, 0, 0, 3));  // abandoned
  CHECK(allocateIn(store, range, kNow) == std::nullopt);
}

TEST_CASE("release of an unknown address reports NotFound", "[leases]") {
  MemoryLeaseStore store;
  std::optional<StoreErrorCode> code;
  store.release(Ipv4Address(10, 9, 9, 9), kNow, [&](const CommitResult& r) {
    if (!r) code = r.error().code;
  });
  CHECK(code == StoreErrorCode::NotFound);
}

TEST_CASE("ranges added after leases were loaded skip the leased addresses", "[leases]") {
  MemoryLeaseStore store;
  store.apply(activeLease(Ipv4Address(10, 0, 0, 9), "a", 1, kNow, seconds{600}));
  store.apply(activeLease(Ipv4Address(172, 16, 0, 1), "z", 2, kNow, seconds{600}));  // no range
  const AddressRange range{Ipv4Address(10, 0, 0, 8), Ipv4Address(10, 0, 0, 9)};
  REQUIRE(store.addRange(range));
  CHECK(store.untouchedCount() == 1);
  CHECK(allocateIn(store, range, kNow) == Ipv4Address(10, 0, 0, 8));
  CHECK(allocateIn(store, range, kNow) == std::nullopt);
  CHECK(allocateIn(store, {Ipv4Address(172, 16, 0, 1), Ipv4Address(172, 16, 0, 1)}, kNow) ==
        std::nullopt);
  CHECK(store.leaseCount() == 2);
}

TEST_CASE("overlapping and inverted ranges are refused", "[leases]") {
  MemoryLeaseStore store;
  REQUIRE(store.addRange({Ipv4Address(10, 0, 0, 10), Ipv4Address(10, 0, 0, 20)}));
  CHECK(store.addRange({Ipv4Address(10, 0, 0, 20), Ipv4Address(10, 0, 0, 30)}).error().code ==
        StoreErrorCode::OverlappingRange);
  CHECK(store.addRange({Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 10)}).error().code ==
        StoreErrorCode::OverlappingRange);
  CHECK(store.addRange({Ipv4Address(10, 0, 0, 15), Ipv4Address(10, 0, 0, 16)}).error().code ==
        StoreErrorCode::OverlappingRange);
  CHECK(store.addRange({Ipv4Address(10, 0, 0, 5), Ipv4Address(10, 0, 0, 1)}).error().code ==
        StoreErrorCode::InvalidRange);
  CHECK(store.addRange({Ipv4Address(10, 0, 0, 21), Ipv4Address(10, 0, 0, 30)}));
  CHECK(store.addRange({Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 9)}));
}

TEST_CASE("a /8 costs intervals, not addresses, and allocation stays fast", "[leases]") {
  MemoryLeaseStore store;
  const AddressRange range{Ipv4Address(10, 0, 0, 0), Ipv4Address(10, 255, 255, 255)};
  REQUIRE(store.addRange(range));
  CHECK(store.untouchedCount() == 16777216u);
  for (int i = 0; i < 20000; ++i) {
    auto address = allocateIn(store, range, kNow);
    REQUIRE(address);
    store.apply(activeLease(*address, "id" + std::to_string(i), 1, kNow, seconds{600}));
  }
  CHECK(store.leaseCount() == 20000);
  CHECK(store.untouchedCount() == 16777216u - 20000u);
  CHECK(store.findByClientId("id19999").at(0).address == Ipv4Address(0x0a000000u + 19999));
}

TEST_CASE("allocate follows the order of the requested ranges", "[leases]") {
  MemoryLeaseStore store;
  const AddressRange first{Ipv4Address(10, 0, 1, 1), Ipv4Address(10, 0, 1, 1)};
  const AddressRange second{Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 2)};
  REQUIRE(store.addRange(first));
  REQUIRE(store.addRange(second));
  const std::array ranges{first, second};
  auto take = [&] { return store.allocate(AllocationRequest{ranges, kNow, kNow + seconds{9}}); };
  CHECK(take() == Ipv4Address(10, 0, 1, 1));
  CHECK(take() == Ipv4Address(10, 0, 0, 1));
  CHECK(take() == Ipv4Address(10, 0, 0, 2));
  CHECK(take() == std::nullopt);
}

TEST_CASE("a removed range is no longer allocated and its leases can be dropped", "[leases]") {
  MemoryLeaseStore store;
  const AddressRange other{Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 2)};
  REQUIRE(store.addRange(kRange));
  REQUIRE(store.addRange(other));
  store.commit(activeLease(Ipv4Address(192, 168, 0, 100), "a", 1, kNow, seconds{600}), {});
  store.commit(activeLease(Ipv4Address(10, 0, 0, 1), "b", 2, kNow, seconds{600}), {});
  CHECK(allocateIn(store, kRange, kNow) == Ipv4Address(192, 168, 0, 101));  // held
  CHECK_FALSE(store.removeRange({kRange.first, Ipv4Address(192, 168, 0, 102)}));  // not as added
  CHECK(store.removeRange(kRange));
  CHECK(store.heldCount() == 0);
  CHECK(allocateIn(store, kRange, kNow) == std::nullopt);
  // The lease stays until dropped; the other range's lease is kept.
  CHECK(store.findByAddress(Ipv4Address(192, 168, 0, 100)));
  auto dropped = store.dropLeasesOutsideRanges();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].address == Ipv4Address(192, 168, 0, 100));
  CHECK_FALSE(store.findByAddress(Ipv4Address(192, 168, 0, 100)));
  CHECK(store.findByClientId("a").empty());
  CHECK(store.findByClientId("b").size() == 1);
  CHECK(store.expire(kNow + seconds{600}).size() == 1);  // only the kept lease ends
  // The range comes back (a shrunk range is removed and added again): all of it is free.
  REQUIRE(store.addRange(kRange));
  CHECK(allocateIn(store, kRange, kNow) == Ipv4Address(192, 168, 0, 100));
}

TEST_CASE("a lease committed again is indexed by what it holds now, once", "[leases]") {
  MemoryLeaseStore store;
  REQUIRE(store.addRange(kRange));
  const Ipv4Address address(192, 168, 0, 100);
  auto commit = [&](const Lease& lease) { store.commit(lease, [](const auto&) {}); };
  // Renewed twice, same client: one entry per key, and it ends at the latest end.
  commit(activeLease(address, "uid-a", 1, kNow, seconds{600}));
  commit(activeLease(address, "uid-a", 1, kNow + seconds{100}, seconds{600}));
  commit(activeLease(address, "uid-a", 1, kNow + seconds{100}, seconds{600}));
  CHECK(store.findByClientId("uid-a").size() == 1);
  CHECK(store.findByHardware(activeLease(address, "", 1, kNow, seconds{0}).hardware).size() == 1);
  CHECK(store.expire(kNow + seconds{650}).empty());  // the first end no longer counts
  // Taken over by another client: the old keys find nothing.
  commit(activeLease(address, "uid-b", 2, kNow + seconds{200}, seconds{600}));
  CHECK(store.findByClientId("uid-a").empty());
  CHECK(store.findByHardware(activeLease(address, "", 1, kNow, seconds{0}).hardware).empty());
  CHECK(store.findByClientId("uid-b").size() == 1);
  // Without a client identifier now: by hardware only.
  commit(activeLease(address, "", 2, kNow + seconds{300}, seconds{600}));
  CHECK(store.findByClientId("uid-b").empty());
  CHECK(store.findByHardware(activeLease(address, "", 2, kNow, seconds{0}).hardware).size() == 1);
  // Freed, it is allocatable again; expired at its end once.
  auto freed = activeLease(address, "", 2, kNow + seconds{300}, seconds{600});
  freed.state = BindingState::Free;
  freed.nextState.reset();
  commit(freed);
  CHECK(store.expire(kNow + seconds{1000}).empty());
  CHECK(allocateIn(store, {address, address}, kNow + seconds{1000}) == address);
}
