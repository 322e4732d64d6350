#pragma once
// ISC's lease billing for classes with `lease limit N;`: which class (or subclass) each leased
// address is billed to, so a class never holds more than N leases at once. The engine bills on
// ACK and unbills on RELEASE and DECLINE; the shell unbills what expires and rebuilds the book
// from the leases file's `billing class`/`billing subclass` statements at start.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/net/ipv4.hpp"

namespace snowboot::dhcpd::engine {

class BillingBook {
 public:
  // The billing key (see billingKey) the address's lease is billed to.
  std::optional<std::string> billedTo(net::Ipv4Address address) const;
  std::size_t count(std::string_view key) const;
  // Bills the address to `key`, taking it off any other class first.
  void bill(net::Ipv4Address address, const std::string& key);
  void unbill(net::Ipv4Address address);
  void clear();

 private:
  std::map<net::Ipv4Address, std::string> byAddress_;
  std::map<std::string, std::size_t, std::less<>> counts_;
};

// A class's key: its name; a subclass's: its class's name, a NUL, and its match value.
std::string billingKey(std::string_view className, const std::optional<std::string>& value);

// dhcpd.leases' statement for a billed lease, as ISC's write_billing_class writes it:
// `billing class "name";` or `billing subclass "name" "value";` (hex `1:52:54:...` when the
// value is not printable ASCII).
std::string billingStatement(std::string_view key);
// The key of such a statement (also as ISC writes them), or nothing for anything else.
std::optional<std::string> parseBillingStatement(std::string_view statement);

}  // namespace snowboot::dhcpd::engine
