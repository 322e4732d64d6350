#include "dhcpd/engine/destination.hpp"

namespace snowboot::dhcpd::engine {

Destination replyDestination(const dhcp::Message& request, const dhcp::Message& reply) {
  bool nak = reply.messageType() == dhcp::MessageType::Nak;
  Destination destination;
  if (!request.giaddr.isAny()) {
    destination.via = Destination::Via::Kernel;
    destination.address = request.giaddr;
    destination.port = kServerPort;
    return destination;
  }
  if (!request.ciaddr.isAny() && !nak) {
    destination.via = Destination::Via::Kernel;
    destination.address = request.ciaddr;
    return destination;
  }
  destination.via = Destination::Via::Raw;
  auto mac = request.ethernetAddress();
  if (nak || request.broadcastFlag() || reply.yiaddr.isAny() || !mac) {
    destination.address = net::Ipv4Address::broadcast();
    destination.mac = net::MacAddress::broadcast();
    return destination;
  }
  destination.address = reply.yiaddr;
  destination.mac = *mac;
  return destination;
}

}  // namespace snowboot::dhcpd::engine
