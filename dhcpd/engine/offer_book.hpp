#pragma once
// Offers the server has made and not yet seen taken: which client each offered address is held
// for, until when. A client that repeats its DISCOVER is offered the same address again (not a
// new one per retransmission), and another client cannot REQUEST an address held for someone
// else. The lease store holds the address itself; this remembers for whom, and how far its
// ping-check got: a repeated DISCOVER while the address is being pinged must not ping or offer
// twice, and one after the check passed is offered at once.

#include <cstdint>
#include <map>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/net/ipv4.hpp"
#include "dhcpd/leases/lease.hpp"

namespace snowboot::dhcpd::engine {

class OfferBook {
 public:
  OfferBook() = default;
  // The maps allocate from this object's pool.
  OfferBook(const OfferBook&) = delete;
  OfferBook& operator=(const OfferBook&) = delete;

  enum class Check : std::uint8_t {
    Unchecked,  // nobody asked the network yet (or the probe could not be started)
    Probing,    // an ICMP echo is out; the offer waits for its answer or its timeout
    Clear,      // nobody answered, or no check was needed: offer it
  };

  // A new entry starts Unchecked; the same client and address again keep their check state.
  void remember(net::Ipv4Address address, const std::string& client, leases::Time until);
  // The address an unexpired offer holds for `client`.
  std::optional<net::Ipv4Address> offeredTo(std::string_view client, leases::Time now) const;
  // The client an unexpired offer of `address` is held for.
  std::optional<std::string> holder(net::Ipv4Address address, leases::Time now) const;
  void forget(net::Ipv4Address address);
  void expire(leases::Time now);
  std::size_t size() const { return byAddress_.size(); }

  // Unchecked for an address with no entry.
  Check check(net::Ipv4Address address) const;
  // No effect on an address with no entry.
  void setCheck(net::Ipv4Address address, Check check);
  // Entries being pinged right now: the shell's bound on outstanding probes.
  std::size_t probing() const { return probing_; }

 private:
  struct Entry {
    std::string client;
    leases::Time until;
    Check check = Check::Unchecked;
  };
  using ByAddress = std::pmr::map<std::uint32_t, Entry>;
  void erase(ByAddress::iterator entry);

  // Every new client's offer adds a node to both maps (see MemoryLeaseStore::nodes_).
  std::pmr::unsynchronized_pool_resource nodes_;
  ByAddress byAddress_{&nodes_};
  std::pmr::unordered_map<std::string, std::uint32_t> byClient_{&nodes_};
  std::size_t probing_ = 0;
};

}  // namespace snowboot::dhcpd::engine
