#include "dhcpd/io/interfaces.hpp"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <map>
#include <memory>

namespace snowboot::dhcpd::io {

namespace {

net::Ipv4Address fromSockaddr(const sockaddr* address) {
  const auto* inet = reinterpret_cast<const sockaddr_in*>(address);
  return net::Ipv4Address{ntohl(inet->sin_addr.s_addr)};
}

InterfaceChoice choose(const NetworkInterface& interface,
                       const std::vector<net::Ipv4Network>& subnets, bool named) {
  InterfaceChoice choice{interface.name, InterfaceState::Ready, interface.index, interface.mac,
                         {}, std::nullopt};
  if (!named && (interface.loopback || interface.pointToPoint || !interface.broadcast)) {
    choice.state = InterfaceState::NotBroadcast;
  } else if (!interface.up) {
    choice.state = InterfaceState::Down;
  } else if (interface.addresses.empty()) {
    choice.state = InterfaceState::NoAddress;
  } else {
    choice.state = InterfaceState::NoSubnet;
    for (const auto& address : interface.addresses) {
      // The most specific declared subnet holding the address, as ISC picks.
      const net::Ipv4Network* best = nullptr;
      for (const auto& subnet : subnets) {
        if (subnet.contains(address.address) &&
            (best == nullptr || subnet.prefixLength() > best->prefixLength())) {
          best = &subnet;
        }
      }
      if (best != nullptr) {
        choice.state = InterfaceState::Ready;
        choice.address = address.address;
        choice.subnet = *best;
        break;
      }
    }
  }
  return choice;
}

}  // namespace

daemon::SystemResult<std::vector<NetworkInterface>> discoverInterfaces() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return daemon::lastSystemError("getifaddrs");
  std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owner(list, &::freeifaddrs);

  std::map<std::string, NetworkInterface> byName;
  std::vector<std::string> order;
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    auto [it, inserted] = byName.try_emplace(entry->ifa_name);
    NetworkInterface& interface = it->second;
    if (inserted) {
      order.push_back(entry->ifa_name);
      interface.name = entry->ifa_name;
      interface.index = ::if_nametoindex(entry->ifa_name);
      interface.up = (entry->ifa_flags & IFF_UP) != 0;
      interface.broadcast = (entry->ifa_flags & IFF_BROADCAST) != 0;
      interface.loopback = (entry->ifa_flags & IFF_LOOPBACK) != 0;
      interface.pointToPoint = (entry->ifa_flags & IFF_POINTOPOINT) != 0;
    }
    if (entry->ifa_addr == nullptr) continue;
    if (entry->ifa_addr->sa_family == AF_PACKET) {
      const auto* link = reinterpret_cast<const sockaddr_ll*>(entry->ifa_addr);
      if (link->sll_halen == 6) {
        interface.mac = net::MacAddress::fromBytes(std::span(link->sll_addr, 6));
      }
    } else if (entry->ifa_addr->sa_family == AF_INET && entry->ifa_netmask != nullptr) {
      const auto address = fromSockaddr(entry->ifa_addr);
      auto network = net::Ipv4Network::fromNetmask(address, fromSockaddr(entry->ifa_netmask));
      if (network) interface.addresses.push_back({address, *network});
    }
  }
  std::vector<NetworkInterface> interfaces;
  for (const auto& name : order) interfaces.push_back(std::move(byName[name]));
  return interfaces;
}

std::vector<InterfaceChoice> chooseInterfaces(const std::vector<NetworkInterface>& found,
                                              const std::vector<std::string>& requested,
                                              const std::vector<net::Ipv4Network>& subnets) {
  std::vector<InterfaceChoice> choices;
  if (requested.empty()) {
    for (const auto& interface : found) {
      if (interface.loopback) continue;
      choices.push_back(choose(interface, subnets, false));
    }
    return choices;
  }
  for (const auto& name : requested) {
    auto it = std::find_if(found.begin(), found.end(),
                           [&](const NetworkInterface& interface) { return interface.name == name; });
    if (it == found.end()) {
      choices.push_back(InterfaceChoice{name, InterfaceState::Missing, 0, std::nullopt, {}, {}});
    } else {
      choices.push_back(choose(*it, subnets, true));
    }
  }
  return choices;
}

}  // namespace snowboot::dhcpd::io
