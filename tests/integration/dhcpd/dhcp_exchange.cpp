// dhcp_exchange: one scripted DHCP client message and the server's answer, for differential
// tests. It sends the message as a client (a raw broadcast frame from the client's own
// hardware address) or as a relay (UDP from giaddr:67), captures the reply on the wire, and
// prints it in one line; --save writes the reply's DHCP bytes for fixtures and comparisons.

#include <poll.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "common/dhcp/message.hpp"
#include "common/net/udp_frame.hpp"
#include "dhcpd/io/packet_socket.hpp"
#include "dhcpd/io/udp_socket.hpp"

namespace po = boost::program_options;
using namespace snowboot;

namespace {

std::optional<std::vector<std::uint8_t>> parseHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(std::string(hex.substr(i, 2)).c_str(), "%2x", &value) != 1) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(value));
  }
  return bytes;
}

std::vector<std::uint8_t> addressBytes(net::Ipv4Address address) {
  auto octets = address.octets();
  return {octets.begin(), octets.end()};
}

// The reply and how it travelled: destination MAC, IP and port, and the TTL (ISC's raw frames
// carry 128, the kernel's 64), so the addressing rules are compared too.
std::string describe(const net::UdpFrameHeader& frame, const dhcp::Message& reply) {
  std::string codes;
  for (const auto& entry : reply.options.entries()) {
    codes += (codes.empty() ? "" : ",") + std::to_string(entry.code);
  }
  auto type = reply.messageType();
  return fmt::format("reply {} to={} {}:{} ttl={} yiaddr={} siaddr={} giaddr={} flags={:#06x} "
                     "file={} sname={} options={}",
                     type ? dhcp::toString(*type) : std::string_view("BOOTREPLY"),
                     frame.destinationMac.toString(), frame.destinationAddress.toString(),
                     frame.destinationPort, frame.timeToLive,
                     reply.yiaddr.toString(), reply.siaddr.toString(), reply.giaddr.toString(),
                     reply.flags, reply.file.empty() ? "-" : reply.file,
                     reply.sname.empty() ? "-" : reply.sname, codes.empty() ? "-" : codes);
}

struct Arguments {
  std::string interface, type, mac, ciaddr = "0.0.0.0", giaddr = "0.0.0.0", requested,
      serverId, to, save;
  std::string xid = "0x5b00b001";
  bool broadcast = false;
  bool noCookie = false;
  std::string vendorArea;
  std::vector<std::string> hexOptions, textOptions;
  int timeoutMs = 3000;
  std::size_t pad = dhcp::kBootpMinimumSize;
};

}  // namespace

int main(int argc, char** argv) {
  Arguments a;
  po::options_description options("dhcp_exchange options");
  options.add_options()
      ("interface", po::value(&a.interface)->required(), "client-side interface")
      ("type", po::value(&a.type)->required(),
       "discover, request, inform, release, decline or bootp")
      ("mac", po::value(&a.mac)->required(), "client hardware address")
      ("xid", po::value(&a.xid), "transaction id (0x for hex)")
      ("broadcast", po::bool_switch(&a.broadcast), "set the broadcast flag")
      ("ciaddr", po::value(&a.ciaddr), "client address field")
      ("giaddr", po::value(&a.giaddr), "relay address: send as that relay, by UDP")
      ("requested", po::value(&a.requested), "option 50")
      ("server-id", po::value(&a.serverId), "option 54")
      ("to", po::value(&a.to), "send by UDP to this server address instead of broadcasting")
      ("option", po::value(&a.hexOptions), "CODE:HEX, e.g. 93:0007")
      ("text-option", po::value(&a.textOptions), "CODE:TEXT, e.g. 77:iPXE")
      ("timeout-ms", po::value(&a.timeoutMs), "wait this long for the reply")
      ("no-cookie", po::bool_switch(&a.noCookie), "BOOTP from before RFC 1048: no magic cookie")
      ("vendor-area", po::value(&a.vendorArea),
       "with --no-cookie: the vendor area's bytes, as text")
      ("pad", po::value(&a.pad), "pad the message with zeros to this size (default 300)")
      ("save", po::value(&a.save), "write the reply's DHCP message here");
  try {
    po::variables_map map;
    po::store(po::parse_command_line(argc, argv, options), map);
    po::notify(map);
  } catch (const po::error& error) {
    std::cerr << "dhcp_exchange: " << error.what() << " (--help lists the options)\n";
    return 2;
  }

  auto mac = net::MacAddress::parse(a.mac);
  auto ciaddr = net::Ipv4Address::parse(a.ciaddr);
  auto giaddr = net::Ipv4Address::parse(a.giaddr);
  if (!mac || !ciaddr || !giaddr) {
    std::cerr << "dhcp_exchange: bad --mac, --ciaddr or --giaddr\n";
    return 2;
  }
  dhcp::Message request;
  request.xid = static_cast<std::uint32_t>(std::stoul(a.xid, nullptr, 0));
  request.flags = a.broadcast ? dhcp::kBroadcastFlag : 0;
  request.ciaddr = *ciaddr;
  request.giaddr = *giaddr;
  request.hops = giaddr->isAny() ? 0 : 1;
  std::copy(mac->octets().begin(), mac->octets().end(), request.chaddr.begin());
  const std::vector<std::pair<std::string, dhcp::MessageType>> kTypes{
      {"discover", dhcp::MessageType::Discover}, {"request", dhcp::MessageType::Request},
      {"inform", dhcp::MessageType::Inform},     {"release", dhcp::MessageType::Release},
      {"decline", dhcp::MessageType::Decline}};
  bool known = a.type == "bootp";
  for (const auto& [name, type] : kTypes) {
    if (name == a.type) {
      request.options.set(dhcp::option::kMessageType, {static_cast<std::uint8_t>(type)});
      known = true;
    }
  }
  if (!known) {
    std::cerr << "dhcp_exchange: unknown --type " << a.type << "\n";
    return 2;
  }
  if (!a.requested.empty()) {
    request.options.set(dhcp::option::kRequestedAddress,
                        addressBytes(*net::Ipv4Address::parse(a.requested)));
  }
  if (!a.serverId.empty()) {
    request.options.set(dhcp::option::kServerIdentifier,
                        addressBytes(*net::Ipv4Address::parse(a.serverId)));
  }
  for (const auto& option : a.hexOptions) {
    auto colon = option.find(':');
    auto bytes = colon == std::string::npos ? std::nullopt : parseHex(option.substr(colon + 1));
    if (!bytes) {
      std::cerr << "dhcp_exchange: bad --option " << option << "\n";
      return 2;
    }
    request.options.set(static_cast<std::uint8_t>(std::stoi(option.substr(0, colon))), *bytes);
  }
  for (const auto& option : a.textOptions) {
    auto colon = option.find(':');
    if (colon == std::string::npos) {
      std::cerr << "dhcp_exchange: bad --text-option " << option << "\n";
      return 2;
    }
    auto text = option.substr(colon + 1);
    request.options.set(static_cast<std::uint8_t>(std::stoi(option.substr(0, colon))),
                        std::vector<std::uint8_t>(text.begin(), text.end()));
  }

  // Capture before sending, so a fast reply is not missed. Promiscuous: replies go to chaddr,
  // which is not the test interface's own address.
  auto capture = dhcpd::io::PacketSocket::open(
      a.interface, {fmt::format("ip and udp src port 67 and (udp dst port 68 or udp dst port 67)"),
                    true});
  if (!capture) {
    std::cerr << "dhcp_exchange: " << capture.error().message() << "\n";
    return 1;
  }
  std::array<std::uint8_t, 1500> payload{};
  request.hasMagicCookie = !a.noCookie;
  request.vendorArea.assign(a.vendorArea.begin(), a.vendorArea.end());
  dhcp::EncodeLimits limits;
  limits.minimumSize = a.pad;
  auto encoded = dhcp::encode(request, limits, payload);
  if (!encoded) {
    std::cerr << "dhcp_exchange: cannot encode: " << dhcp::toString(encoded.error()) << "\n";
    return 2;
  }
  std::optional<dhcpd::io::UdpSocket> socket;  // kept open: a closed port would answer ICMP
  if (!a.to.empty()) {
    // As a relay: kernel UDP from giaddr:67. As a client with an address: from port 68, with the
    // source the kernel picks (servers go by ciaddr, not by the IP source).
    auto opened = giaddr->isAny() ? dhcpd::io::UdpSocket::open(68)
                                  : dhcpd::io::UdpSocket::open(67, *giaddr);
    if (!opened) {
      std::cerr << "dhcp_exchange: " << opened.error().message() << "\n";
      return 1;
    }
    socket.emplace(std::move(*opened));
    if (auto sent = socket->sendTo(*encoded, *net::Ipv4Address::parse(a.to), 67); !sent) {
      std::cerr << "dhcp_exchange: " << sent.error().message() << "\n";
      return 1;
    }
  } else {
    net::UdpFrameHeader header;
    header.sourceMac = *mac;
    header.destinationMac = net::MacAddress::broadcast();
    header.sourceAddress = *ciaddr;
    header.destinationAddress = net::Ipv4Address::broadcast();
    header.sourcePort = 68;
    header.destinationPort = 67;
    std::array<std::uint8_t, 1600> frame{};
    auto emitted = net::emitUdpFrame(header, *encoded, frame);
    if (!emitted || !capture->send(*emitted)) {
      std::cerr << "dhcp_exchange: cannot send the request frame\n";
      return 1;
    }
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(a.timeoutMs);
  std::optional<std::vector<std::uint8_t>> reply;
  net::UdpFrameHeader replyFrame;
  while (!reply && std::chrono::steady_clock::now() < deadline) {
    pollfd waiting{capture->fileDescriptor(), POLLIN, 0};
    ::poll(&waiting, 1, 50);
    auto drained = capture->drain([&](std::span<const std::uint8_t> frame) {
      auto udp = net::parseUdpFrame(frame);
      if (!udp || reply) return;
      auto decoded = dhcp::decode(udp->payload);
      if (decoded && decoded->xid == request.xid &&
          decoded->op == static_cast<std::uint8_t>(dhcp::OpCode::BootReply)) {
        reply.emplace(udp->payload.begin(), udp->payload.end());
        replyFrame = udp->header;
      }
    });
    if (!drained) {
      std::cerr << "dhcp_exchange: " << drained.error().message() << "\n";
      return 1;
    }
  }
  if (!reply) {
    std::cout << "no reply\n";
    return 3;
  }
  std::cout << describe(replyFrame, *dhcp::decode(*reply)) << "\n";
  if (!a.save.empty()) {
    std::ofstream(a.save, std::ios::binary)
        .write(reinterpret_cast<const char*>(reply->data()), static_cast<std::streamsize>(reply->size()));
  }
  return 0;
}
