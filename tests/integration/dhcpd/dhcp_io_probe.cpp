// A test fixture, not a server: it drives dhcpd/io exactly as the daemon's shell will (wait
// for the interface through netlink, capture with libpcap, answer with injected raw frames) and
// answers one fixed address to anyone, so a real client (busybox udhcpc) can prove that the
// I/O layer and the codecs work end to end.
//   dhcp_io_probe INTERFACE SUBNET OFFERED_ADDRESS

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <fmt/format.h>

#include "common/dhcp/message.hpp"
#include "common/net/udp_frame.hpp"
#include "dhcpd/io/interfaces.hpp"
#include "dhcpd/io/link_monitor.hpp"
#include "dhcpd/io/packet_socket.hpp"

namespace asio = boost::asio;
using namespace snowboot;
using namespace snowboot::dhcpd::io;

namespace {

std::string_view describe(InterfaceState state) {
  switch (state) {
    case InterfaceState::Ready: return "ready";
    case InterfaceState::Missing: return "missing";
    case InterfaceState::Down: return "down";
    case InterfaceState::NoAddress: return "no IPv4 address";
    case InterfaceState::NoSubnet: return "no subnet declaration";
    case InterfaceState::NotBroadcast: return "not broadcast-capable";
  }
  return "?";
}

std::vector<std::uint8_t> addressBytes(net::Ipv4Address address) {
  auto octets = address.octets();
  return {octets.begin(), octets.end()};
}

class Probe {
 public:
  Probe(asio::io_context& io, std::string interface, net::Ipv4Network subnet,
        net::Ipv4Address offered, LinkMonitor monitor)
      : io_(io), interface_(std::move(interface)), subnet_(subnet), offered_(offered),
        monitor_(std::move(monitor)), monitorStream_(io, monitor_.fileDescriptor()) {}

  ~Probe() {
    monitorStream_.release();  // the monitor owns its descriptor
    if (captureStream_) captureStream_->release();
  }

  void start() {
    refresh();
    watchLinks();
  }

 private:
  void watchLinks() {
    monitorStream_.async_wait(asio::posix::stream_descriptor::wait_read, [this](auto error) {
      if (error) return;
      auto changed = monitor_.drainChanges();
      if (!changed) {
        std::cout << "error: " << changed.error().message() << std::endl;
        return io_.stop();
      }
      if (*changed) refresh();
      watchLinks();
    });
  }

  void refresh() {
    auto found = discoverInterfaces();
    if (!found) {
      std::cout << "error: " << found.error().message() << std::endl;
      return io_.stop();
    }
    auto choice = chooseInterfaces(*found, {interface_}, {subnet_}).front();
    if (choice.state != state_) {
      state_ = choice.state;
      if (choice.state != InterfaceState::Ready) {
        std::cout << fmt::format("waiting for {}: {}", interface_, describe(choice.state))
                  << std::endl;
      }
    }
    if (choice.state == InterfaceState::Ready && !capture_) {
      auto opened = PacketSocket::open(interface_);
      if (!opened) {
        std::cout << "error: " << opened.error().message() << std::endl;
        return io_.stop();
      }
      capture_.emplace(std::move(*opened));
      captureStream_.emplace(io_, capture_->fileDescriptor());
      choice_ = choice;
      std::cout << fmt::format("listening on {} ({})", interface_, choice.address.toString())
                << std::endl;
      readFrames();
    }
  }

  void readFrames() {
    captureStream_->async_wait(asio::posix::stream_descriptor::wait_read, [this](auto error) {
      if (error) return;
      auto drained = capture_->drain([this](auto frame) { onFrame(frame); });
      if (!drained) {
        std::cout << "error: " << drained.error().message() << std::endl;
        return io_.stop();
      }
      readFrames();
    });
  }

  void onFrame(std::span<const std::uint8_t> frame) {
    auto udp = net::parseUdpFrame(frame);
    if (!udp) return;
    auto request = dhcp::decode(udp->payload);
    if (!request || !request->messageType()) return;
    auto mac = request->ethernetAddress();
    if (!mac) return;
    const auto type = *request->messageType();
    std::cout << fmt::format("{} from {} via {}", dhcp::toString(type), mac->toString(), interface_)
              << std::endl;
    dhcp::MessageType answer;
    if (type == dhcp::MessageType::Discover) {
      answer = dhcp::MessageType::Offer;
    } else if (type == dhcp::MessageType::Request) {
      answer = dhcp::MessageType::Ack;
    } else {
      return;
    }
    dhcp::Message reply;
    reply.op = static_cast<std::uint8_t>(dhcp::OpCode::BootReply);
    reply.xid = request->xid;
    reply.secs = request->secs;
    reply.flags = request->flags;
    reply.chaddr = request->chaddr;
    reply.yiaddr = offered_;
    reply.siaddr = choice_.address;
    reply.options.set(dhcp::option::kMessageType, {static_cast<std::uint8_t>(answer)});
    reply.options.set(dhcp::option::kServerIdentifier, addressBytes(choice_.address));
    reply.options.set(dhcp::option::kLeaseTime, {0, 0, 0x0e, 0x10});  // 3600 s
    reply.options.set(dhcp::option::kSubnetMask, addressBytes(subnet_.netmask()));

    std::array<std::uint8_t, 1500> payload{};
    auto encoded = dhcp::encode(reply, {}, payload);
    if (!encoded) return;
    net::UdpFrameHeader header;
    header.sourceMac = *choice_.mac;
    header.destinationMac = reply.broadcastFlag() ? net::MacAddress::broadcast() : *mac;
    header.sourceAddress = choice_.address;
    header.destinationAddress = reply.broadcastFlag() ? net::Ipv4Address::broadcast() : offered_;
    header.sourcePort = 67;
    header.destinationPort = 68;
    header.timeToLive = 128;
    header.typeOfService = 0x10;
    std::array<std::uint8_t, 1600> out{};
    auto emitted = net::emitUdpFrame(header, *encoded, out);
    if (!emitted) return;
    if (auto sent = capture_->send(*emitted); !sent) {
      std::cout << "error: " << sent.error().message() << std::endl;
      return;
    }
    std::cout << fmt::format("{} on {} to {} via {}{}", dhcp::toString(answer),
                             offered_.toString(), mac->toString(), interface_,
                             reply.broadcastFlag() ? " (broadcast)" : "")
              << std::endl;
  }

  asio::io_context& io_;
  std::string interface_;
  net::Ipv4Network subnet_;
  net::Ipv4Address offered_;
  LinkMonitor monitor_;
  asio::posix::stream_descriptor monitorStream_;
  std::optional<InterfaceState> state_;
  InterfaceChoice choice_;
  std::optional<PacketSocket> capture_;
  std::optional<asio::posix::stream_descriptor> captureStream_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: dhcp_io_probe INTERFACE SUBNET OFFERED_ADDRESS\n";
    return 2;
  }
  auto subnet = net::Ipv4Network::parse(argv[2]);
  auto offered = net::Ipv4Address::parse(argv[3]);
  if (!subnet || !offered) {
    std::cerr << "dhcp_io_probe: bad subnet or address\n";
    return 2;
  }
  auto monitor = LinkMonitor::open();
  if (!monitor) {
    std::cerr << "dhcp_io_probe: " << monitor.error().message() << "\n";
    return 1;
  }
  asio::io_context io;
  Probe probe(io, argv[1], *subnet, *offered, std::move(*monitor));
  probe.start();
  io.run();
  return 1;
}
