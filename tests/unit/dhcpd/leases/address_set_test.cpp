#include "dhcpd/leases/address_set.hpp"

#include <random>
#include <set>

#include <catch2/catch.hpp>

using snowboot::dhcpd::leases::AddressSet;

TEST_CASE("AddressSet keeps a whole /8 as one interval", "[leases]") {
  AddressSet set;
  set.insertRange(0x0a000000, 0x0affffff);
  CHECK(set.size() == 16777216u);
  CHECK(set.intervalCount() == 1);
  CHECK(set.erase(0x0a123456));
  CHECK_FALSE(set.erase(0x0a123456));
  CHECK(set.intervalCount() == 2);
  CHECK(set.size() == 16777215u);
  CHECK_FALSE(set.contains(0x0a123456));
  CHECK(set.contains(0x0a123455));
  CHECK(set.contains(0x0a123457));
  set.insert(0x0a123456);
  CHECK(set.intervalCount() == 1);
  CHECK(set.size() == 16777216u);
}

TEST_CASE("AddressSet finds the lowest and highest member inside a window", "[leases]") {
  AddressSet set;
  set.insertRange(10, 20);
  set.insertRange(30, 40);
  CHECK(set.lowestIn(0, 100) == 10u);
  CHECK(set.highestIn(0, 100) == 40u);
  CHECK(set.lowestIn(21, 29) == std::nullopt);
  CHECK(set.highestIn(21, 29) == std::nullopt);
  CHECK(set.lowestIn(15, 35) == 15u);
  CHECK(set.highestIn(15, 35) == 35u);
  CHECK(set.lowestIn(21, 35) == 30u);
  CHECK(set.highestIn(15, 29) == 20u);
  CHECK(set.lowestIn(41, 50) == std::nullopt);
  CHECK(set.highestIn(0, 9) == std::nullopt);
  CHECK(set.highestIn(5, 4) == std::nullopt);
}

TEST_CASE("AddressSet merges touching and overlapping ranges, edges of the address space",
          "[leases]") {
  AddressSet set;
  set.insertRange(0, 0);
  set.insertRange(0xffffffff, 0xffffffff);
  set.insertRange(1, 5);
  CHECK(set.intervalCount() == 2);
  set.insertRange(3, 0xfffffffe);
  CHECK(set.intervalCount() == 1);
  CHECK(set.size() == 0x100000000ull);
  CHECK(set.erase(0));
  CHECK(set.erase(0xffffffff));
  CHECK(set.lowestIn(0, 0xffffffff) == 1u);
  CHECK(set.highestIn(0, 0xffffffff) == 0xfffffffeu);
}

TEST_CASE("AddressSet agrees with a plain set under random operations", "[leases]") {
  std::mt19937 random(42);
  AddressSet set;
  std::set<std::uint32_t> model;
  std::uniform_int_distribution<std::uint32_t> address(0, 300);
  for (int step = 0; step < 5000; ++step) {
    const std::uint32_t a = address(random);
    const std::uint32_t b = address(random);
    switch (random() % 3) {
      case 0: {
        const std::uint32_t first = std::min(a, b);
        const std::uint32_t last = std::min(std::max(a, b), first + 7);
        set.insertRange(first, last);
        for (std::uint32_t x = first; x <= last; ++x) model.insert(x);
        break;
      }
      case 1: CHECK(set.erase(a) == (model.erase(a) == 1)); break;
      default: {
        const std::uint32_t first = std::min(a, b);
        const std::uint32_t last = std::max(a, b);
        auto low = model.lower_bound(first);
        std::optional<std::uint32_t> lowest;
        if (low != model.end() && *low <= last) lowest = *low;
        auto high = model.upper_bound(last);
        std::optional<std::uint32_t> highest;
        if (high != model.begin() && *std::prev(high) >= first) highest = *std::prev(high);
        REQUIRE(set.lowestIn(first, last) == lowest);
        REQUIRE(set.highestIn(first, last) == highest);
      }
    }
    REQUIRE(set.size() == model.size());
  }
}

TEST_CASE("AddressSet erases a range across intervals and splits at its edges", "[leases]") {
  AddressSet set;
  set.insertRange(10, 20);
  set.insertRange(30, 40);
  set.insertRange(50, 60);
  set.eraseRange(15, 55);
  CHECK(set.size() == 5u + 5u);
  CHECK(set.intervalCount() == 2);
  CHECK(set.contains(14));
  CHECK_FALSE(set.contains(15));
  CHECK_FALSE(set.contains(35));
  CHECK_FALSE(set.contains(55));
  CHECK(set.contains(56));
  set.eraseRange(0, 100);
  CHECK(set.empty());
  CHECK(set.size() == 0u);
  set.insertRange(0x0a000000, 0x0affffff);
  set.eraseRange(0x0a000001, 0x0afffffe);  // a /8 minus its ends, in one step
  CHECK(set.size() == 2u);
  set.eraseRange(0xffffff00, 0xffffffff);  // nothing there
  CHECK(set.size() == 2u);
}

TEST_CASE("AddressSet eraseRange agrees with erasing address by address", "[leases]") {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    AddressSet fast;
    std::set<std::uint32_t> slow;
    for (int i = 0; i < 6; ++i) {
      auto first = static_cast<std::uint32_t>(random() % 200);
      auto last = first + static_cast<std::uint32_t>(random() % 30);
      fast.insertRange(first, last);
      for (auto a = first; a <= last; ++a) slow.insert(a);
    }
    auto first = static_cast<std::uint32_t>(random() % 220);
    auto last = first + static_cast<std::uint32_t>(random() % 60);
    fast.eraseRange(first, last);
    for (auto a = first; a <= last; ++a) slow.erase(a);
    REQUIRE(fast.size() == slow.size());
    for (std::uint32_t a = 0; a < 300; ++a) REQUIRE(fast.contains(a) == slow.contains(a));
  }
}
