#pragma once
// The host's network interfaces as dhcpd sees them, and the choice of which to serve.
// Discovery reads the kernel (getifaddrs); the choice is a pure function of what was found,
// the names on the command line and the subnets declared in dhcpd.conf.

#include <optional>
#include <string>
#include <vector>

#include "common/daemon/system_error.hpp"
#include "common/net/ipv4.hpp"
#include "common/net/mac.hpp"

namespace snowboot::dhcpd::io {

struct InterfaceAddress {
  net::Ipv4Address address;
  net::Ipv4Network network;

  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
};

struct NetworkInterface {
  std::string name;
  unsigned index = 0;
  bool up = false;
  bool broadcast = false;
  bool loopback = false;
  bool pointToPoint = false;
  std::optional<net::MacAddress> mac;
  std::vector<InterfaceAddress> addresses;  // IPv4 only, in the kernel's order
};

daemon::SystemResult<std::vector<NetworkInterface>> discoverInterfaces();

enum class InterfaceState {
  Ready,      // up, with an address in a declared subnet: serve it
  Missing,    // named on the command line but not there (yet)
  Down,       // there but not up
  NoAddress,  // up without an IPv4 address
  NoSubnet,   // its addresses are in no declared subnet (ISC: "No subnet declaration for ...")
  NotBroadcast,  // loopback or point-to-point: only considered when named explicitly
};

struct InterfaceChoice {
  std::string name;
  InterfaceState state = InterfaceState::Missing;
  unsigned index = 0;
  std::optional<net::MacAddress> mac;
  net::Ipv4Address address;  // the first address inside a declared subnet (Ready only)
  std::optional<net::Ipv4Network> subnet;

  friend bool operator==(const InterfaceChoice&, const InterfaceChoice&) = default;
};

// With names: one choice per name, in the order given. Without: every broadcast-capable,
// non-loopback interface, Ready or not, so the caller can log why one is not served.
std::vector<InterfaceChoice> chooseInterfaces(const std::vector<NetworkInterface>& found,
                                              const std::vector<std::string>& requested,
                                              const std::vector<net::Ipv4Network>& subnets);

}  // namespace snowboot::dhcpd::io
