#pragma once
// Offers the server has made and not yet seen taken: which client each offered address is held
// for, until when. A client that repeats its DISCOVER is offered the same address again (not a
// new one per retransmission), and another client cannot REQUEST an address held for someone
// else. The lease store holds the address itself; this remembers for whom.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/net/ipv4.hpp"
#include "dhcpd/leases/lease.hpp"

namespace snowboot::dhcpd::engine {

class OfferBook {
 public:
  void remember(net::Ipv4Address address, const std::string& client, leases::Time until);
  // The address an unexpired offer holds for `client`.
  std::optional<net::Ipv4Address> offeredTo(std::string_view client, leases::Time now) const;
  // The client an unexpired offer of `address` is held for.
  std::optional<std::string> holder(net::Ipv4Address address, leases::Time now) const;
  void forget(net::Ipv4Address address);
  void expire(leases::Time now);
  std::size_t size() const { return byAddress_.size(); }

 private:
  struct Entry {
    std::string client;
    leases::Time until;
  };
  std::map<std::uint32_t, Entry> byAddress_;
  std::unordered_map<std::string, std::uint32_t> byClient_;
};

}  // namespace snowboot::dhcpd::engine
