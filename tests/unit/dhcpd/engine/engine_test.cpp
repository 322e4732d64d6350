#include <catch2/catch.hpp>

#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;
using snowboot::dhcpd::leases::BindingState;

namespace {


}  // namespace

TEST_CASE("DISCOVER gets an OFFER with ISC's options in ISC's order", "[engine]") {
  Server server(kLabConfig);
  auto outcome = server.handle(discover(1, 0x1001), kNow);
  REQUIRE(outcome.reply);
  const auto& reply = *outcome.reply;
  CHECK(reply.messageType() == MessageType::Offer);
  CHECK(reply.yiaddr == net::Ipv4Address(192, 168, 0, 100));
  CHECK(reply.siaddr == kServer);
  CHECK(reply.file == "pxelinux.0");
  CHECK(codes(reply) == "53,54,51,1,3,6,15");
  CHECK(reply.options.find(51)->bytes() == std::vector<std::uint8_t>{0, 0, 2, 0x58});
  CHECK(outcome.commits.empty());  // an offer is a hold, not a lease
  CHECK(outcome.destination.via == Destination::Via::Raw);
  CHECK(outcome.destination.address == reply.yiaddr);
  REQUIRE(outcome.log.size() == 2);
  CHECK(outcome.log[0] == "DHCPDISCOVER from 52:54:00:00:00:01 via s0");
  CHECK(outcome.log[1] == "DHCPOFFER on 192.168.0.100 to 52:54:00:00:00:01 via s0");
}

TEST_CASE("a second client is offered another address while the first is held", "[engine]") {
  Server server(kLabConfig);
  auto first = server.handle(discover(1, 1), kNow);
  auto second = server.handle(discover(2, 2), kNow);
  REQUIRE(first.reply);
  REQUIRE(second.reply);
  CHECK(first.reply->yiaddr != second.reply->yiaddr);
}

TEST_CASE("REQUEST in SELECTING gets an ACK and commits an active lease", "[engine]") {
  Server server(kLabConfig);
  auto offer = server.handle(discover(1, 0x1001), kNow);
  auto address = offer.reply->yiaddr;
  auto outcome = server.handle(requestFor(1, 0x1001, address, kServer), kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->messageType() == MessageType::Ack);
  CHECK(codes(*outcome.reply) == "53,54,51,1,3,6,15");
  REQUIRE(outcome.commits.size() == 1);
  CHECK(outcome.commits[0].address == address);
  CHECK(outcome.commits[0].state == BindingState::Active);
  CHECK(outcome.commits[0].ends == kNow + std::chrono::seconds(600));
  CHECK(outcome.log.back() == "DHCPACK on 192.168.0.100 to 52:54:00:00:00:01 via s0");
}

// ISC 4.4 compares the server identifier only for failover pools: a free address of ours is
// ACKed whichever server the client names (recorded from ISC as other-server-offered).
TEST_CASE("a REQUEST naming another server is answered as ISC answers it", "[engine]") {
  Server server(kLabConfig);
  auto outcome = server.handle(
      requestFor(1, 1, net::Ipv4Address(192, 168, 0, 100), net::Ipv4Address(192, 168, 0, 9)),
      kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->messageType() == MessageType::Ack);
  REQUIRE(outcome.commits.size() == 1);
  CHECK(outcome.commits[0].address == net::Ipv4Address(192, 168, 0, 100));
}

// ISC keeps leases only for range addresses: for another address of the subnet find_lease finds
// nothing that is "ours", so even an authoritative server says nothing (recorded from ISC as
// other-server-unknown).
TEST_CASE("a REQUEST for a subnet address outside every range gets no reply", "[engine]") {
  Server server(kLabConfig);
  auto outcome = server.handle(
      requestFor(1, 1, net::Ipv4Address(192, 168, 0, 77), net::Ipv4Address(192, 168, 0, 9)),
      kNow);
  CHECK_FALSE(outcome.reply);
  CHECK(outcome.commits.empty());
  CHECK(outcome.log.back().ends_with(": unknown lease 192.168.0.77."));
}

TEST_CASE("INIT-REBOOT and RENEWING keep the client's lease", "[engine]") {
  Server server(kLabConfig);
  auto offer = server.handle(discover(1, 1), kNow);
  server.handle(requestFor(1, 1, offer.reply->yiaddr, kServer), kNow);
  auto reboot = server.handle(requestFor(1, 2, offer.reply->yiaddr, std::nullopt), kNow);
  REQUIRE(reboot.reply);
  CHECK(reboot.reply->messageType() == MessageType::Ack);
  auto renew = clientMessage(MessageType::Request, 1, 3);
  renew.ciaddr = offer.reply->yiaddr;
  auto renewed = server.handle(renew, kNow + std::chrono::seconds(300));
  REQUIRE(renewed.reply);
  CHECK(renewed.reply->messageType() == MessageType::Ack);
  CHECK(renewed.destination.via == Destination::Via::Kernel);
  CHECK(renewed.destination.address == offer.reply->yiaddr);
  // Another client asking for that address is refused.
  auto thief = server.handle(requestFor(7, 4, offer.reply->yiaddr, std::nullopt), kNow);
  REQUIRE(thief.reply);
  CHECK(thief.reply->messageType() == MessageType::Nak);
}

TEST_CASE("a REQUEST for an address on another network is NAKed only when authoritative",
          "[engine]") {
  Server server(kLabConfig);
  auto outcome = server.handle(requestFor(10, 0x100e, net::Ipv4Address(10, 5, 5, 5), std::nullopt),
                               kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->messageType() == MessageType::Nak);
  CHECK(codes(*outcome.reply) == "53,54,56");
  CHECK(outcome.reply->flags == dhcp::kBroadcastFlag);
  CHECK(outcome.reply->yiaddr.isAny());
  CHECK(outcome.reply->file.empty());
  CHECK(outcome.destination.address == net::Ipv4Address::broadcast());
  CHECK(outcome.log.back() == "DHCPNAK on 10.5.5.5 to 52:54:00:00:00:0a via s0");

  std::string relaxed = kLabConfig;
  relaxed.replace(relaxed.find("authoritative;"), 14, "not authoritative;");
  Server quiet(relaxed);
  auto silent = quiet.handle(requestFor(10, 1, net::Ipv4Address(10, 5, 5, 5), std::nullopt), kNow);
  CHECK_FALSE(silent.reply);
}

TEST_CASE("the lease time is what the client asks within min and max", "[engine]") {
  Server server(std::string(kLabConfig) + "min-lease-time 300;\n");
  auto ask = [&](std::uint32_t seconds, std::uint8_t last) {
    auto message = discover(last, last);
    message.options.set(51, {static_cast<std::uint8_t>(seconds >> 24),
                             static_cast<std::uint8_t>(seconds >> 16),
                             static_cast<std::uint8_t>(seconds >> 8),
                             static_cast<std::uint8_t>(seconds)});
    auto outcome = server.handle(message, kNow);
    const auto d = outcome.reply->options.find(51)->data;  // a view: copied, not bound
    return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
  };
  CHECK(ask(1000, 1) == 1000);
  CHECK(ask(100000, 2) == 7200);
  CHECK(ask(10, 3) == 300);
}

TEST_CASE("PXE clients get the filename their if/elsif/else branch sets", "[engine]") {
  Server server(kLabConfig);
  auto uefi = discover(4, 4);
  uefi.options.set(93, {0x00, 0x07});
  CHECK(server.handle(uefi, kNow).reply->file == "efi64/ipxe.efi");
  auto ipxe = discover(5, 5);
  ipxe.options.set(93, {0x00, 0x00});
  ipxe.options.set(77, {'i', 'P', 'X', 'E'});
  CHECK(server.handle(ipxe, kNow).reply->file == "http://192.168.0.1/boot.ipxe");
  auto bios = discover(3, 3);
  bios.options.set(93, {0x00, 0x00});
  CHECK(server.handle(bios, kNow).reply->file == "pxelinux.0");
}

TEST_CASE("classes with match if put their options into the reply", "[engine]") {
  Server server(R"(
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.110;
  option routers 192.168.0.1;
}
class "pxe" {
  match if substring(option vendor-class-identifier, 0, 9) = "PXEClient";
  option domain-name "pxe.test";
}
)");
  auto pxe = discover(3, 3);
  std::string vendor = "PXEClient:Arch:00000";
  pxe.options.set(60, std::vector<std::uint8_t>(vendor.begin(), vendor.end()));
  auto outcome = server.handle(pxe, kNow);
  REQUIRE(outcome.reply->options.find(15));
  CHECK(outcome.reply->options.find(15)->data.size() == 8);
  auto plain = server.handle(discover(4, 4), kNow);
  CHECK_FALSE(plain.reply->options.find(15));
}

TEST_CASE("DECLINE abandons the address and the client is offered another", "[engine]") {
  Server server(kLabConfig);
  auto offer = server.handle(discover(9, 1), kNow);
  auto address = offer.reply->yiaddr;
  server.handle(requestFor(9, 1, address, kServer), kNow);
  auto declined = clientMessage(MessageType::Decline, 9, 2);
  declined.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
  auto outcome = server.handle(declined, kNow);
  CHECK_FALSE(outcome.reply);
  REQUIRE(outcome.commits.size() == 1);
  CHECK(outcome.commits[0].state == BindingState::Abandoned);
  auto again = server.handle(discover(9, 3), kNow);
  REQUIRE(again.reply);
  CHECK(again.reply->yiaddr != address);
}

// Measured beside ISC 4.4.3-P1 (range .10-.20, another client's active lease at .12): each
// DECLINE below logged and wrote what these check.
TEST_CASE("DECLINE abandons any address of a range, whoever declines it, as ISC does",
          "[engine]") {
  const std::string config = R"(
authoritative;
ping-check false;
abandon-lease-time 600;
subnet 10.77.0.0 netmask 255.255.255.0 { range 10.77.0.10 10.77.0.20; }
)";
  Server server(config);
  server.arrival = {"s0", net::Ipv4Address(10, 77, 0, 1)};
  const auto started = kNow - std::chrono::hours(1);
  dhcpd::leases::Lease other;
  other.address = net::Ipv4Address(10, 77, 0, 12);
  other.state = BindingState::Active;
  other.starts = started;
  other.ends = kNow + std::chrono::hours(1);
  other.cltt = started;
  other.hardware = dhcpd::leases::HardwareAddress{1, {2, 0, 0, 0, 0x77, 0x12}};
  other.uid = "\x01\x02\x00\x00\x00\x77\x12";
  other.clientHostname = "twelve";
  server.store.commit(other, {});
  auto decline = [&](net::Ipv4Address address) {
    auto message = clientMessage(MessageType::Decline, 0x01, 7);
    message.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
    return server.handle(message, kNow);
  };

  auto unused = decline(net::Ipv4Address(10, 77, 0, 15));
  CHECK(unused.log == std::vector<std::string>{
                          "Abandoning IP address 10.77.0.15: declined.",
                          "DHCPDECLINE of 10.77.0.15 from 52:54:00:00:00:01 via s0: abandoned"});
  REQUIRE(unused.commits.size() == 1);
  CHECK(unused.commits[0].state == BindingState::Abandoned);
  CHECK(unused.commits[0].nextState == BindingState::Free);
  CHECK(unused.commits[0].rewindState == BindingState::Free);
  CHECK(unused.commits[0].ends == kNow + std::chrono::seconds(600));  // abandon-lease-time
  CHECK_FALSE(unused.commits[0].starts);
  CHECK_FALSE(unused.commits[0].tstp);

  auto others = decline(net::Ipv4Address(10, 77, 0, 12));
  CHECK(others.log.back() ==
        "DHCPDECLINE of 10.77.0.12 from 52:54:00:00:00:01 (twelve) via s0: abandoned");
  REQUIRE(others.commits.size() == 1);
  const dhcpd::leases::Lease& abandoned = others.commits[0];
  CHECK(abandoned.state == BindingState::Abandoned);
  CHECK(abandoned.rewindState == BindingState::Active);
  CHECK(abandoned.starts == started);  // ISC keeps the lease's start and last transaction
  CHECK(abandoned.cltt == other.cltt);
  CHECK(abandoned.ends == kNow + std::chrono::seconds(600));
  CHECK(abandoned.tstp == abandoned.ends);
  CHECK(abandoned.hardware.empty());
  CHECK(abandoned.uid.empty());
  CHECK_FALSE(abandoned.clientHostname);

  auto outside = decline(net::Ipv4Address(10, 77, 0, 50));
  CHECK(outside.commits.empty());
  CHECK(outside.log == std::vector<std::string>{
                           "DHCPDECLINE of 10.77.0.50 from 52:54:00:00:00:01 via s0: not found"});
}

TEST_CASE("deny declines logs a DECLINE as ignored, ignore declines says nothing", "[engine]") {
  for (const std::string word : {"deny", "ignore"}) {
    Server server("authoritative;\nping-check false;\n" + word +
                  " declines;\nsubnet 10.77.0.0 netmask 255.255.255.0 { range 10.77.0.10 "
                  "10.77.0.20; }\n");
    server.arrival = {"s0", net::Ipv4Address(10, 77, 0, 1)};
    auto decline = [&](net::Ipv4Address address) {
      auto message = clientMessage(MessageType::Decline, 0x01, 7);
      message.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
      return server.handle(message, kNow);
    };
    auto inRange = decline(net::Ipv4Address(10, 77, 0, 15));
    CHECK(inRange.commits.empty());
    if (word == "deny") {
      CHECK(inRange.log == std::vector<std::string>{"DHCPDECLINE of 10.77.0.15 from "
                                                    "52:54:00:00:00:01 via s0: ignored"});
    } else {
      CHECK(inRange.log.empty());
    }
    // No lease, so no subnet scope for ISC to look in: "not found" either way.
    CHECK(decline(net::Ipv4Address(10, 77, 0, 50)).log.back() ==
          "DHCPDECLINE of 10.77.0.50 from 52:54:00:00:00:01 via s0: not found");
  }
}

TEST_CASE("RELEASE frees the lease and the client gets the same address back", "[engine]") {
  Server server(kLabConfig);
  auto offer = server.handle(discover(1, 1), kNow);
  auto address = offer.reply->yiaddr;
  server.handle(discover(2, 5), kNow);
  server.handle(requestFor(1, 1, address, kServer), kNow);
  auto message = clientMessage(MessageType::Release, 1, 2);
  message.ciaddr = address;
  auto released = server.handle(message, kNow);
  CHECK_FALSE(released.reply);
  CHECK(released.release == address);
  CHECK(released.log.back() ==
        "DHCPRELEASE of 192.168.0.100 from 52:54:00:00:00:01 via s0 (found)");
  CHECK(server.store.findByAddress(address)->state != BindingState::Active);
  auto again = server.handle(discover(1, 3), kNow);
  CHECK(again.reply->yiaddr == address);
}

TEST_CASE("RELEASE is found by address and hardware, as ISC logs it", "[engine]") {
  Server server(kLabConfig);
  auto offer = server.handle(discover(1, 1), kNow);
  auto address = offer.reply->yiaddr;
  server.handle(requestFor(1, 1, address, kServer), kNow);
  auto message = clientMessage(MessageType::Release, 1, 2);
  message.ciaddr = address;
  auto first = server.handle(message, kNow);
  REQUIRE(first.release == address);
  // A repeated RELEASE (perfdhcp sends them under load): ISC finds the released lease, still
  // this client's, logs "found" and leaves it alone.
  auto again = server.handle(message, kNow);
  CHECK_FALSE(again.reply);
  CHECK_FALSE(again.release);
  CHECK(again.log.back() == "DHCPRELEASE of 192.168.0.100 from 52:54:00:00:00:01 via s0 (found)");
  // Another hardware address, or an address never leased: not found, nothing released.
  server.handle(requestFor(1, 3, address, kServer), kNow);
  auto other = clientMessage(MessageType::Release, 2, 4);
  other.ciaddr = address;
  auto stranger = server.handle(other, kNow);
  CHECK_FALSE(stranger.release);
  CHECK(stranger.log.back() ==
        "DHCPRELEASE of 192.168.0.100 from 52:54:00:00:00:02 via s0 (not found)");
  CHECK(server.store.findByAddress(address)->state == BindingState::Active);
  other.ciaddr = net::Ipv4Address(192, 168, 0, 140);
  CHECK(server.handle(other, kNow).log.back() ==
        "DHCPRELEASE of 192.168.0.140 from 52:54:00:00:00:02 via s0 (not found)");
}

TEST_CASE("INFORM gets an ACK without lease time, sent to ciaddr", "[engine]") {
  Server server(kLabConfig);
  auto message = clientMessage(MessageType::Inform, 8, 0x1008);
  message.ciaddr = net::Ipv4Address(192, 168, 0, 2);
  message.options.set(dhcp::option::kParameterRequestList, kPrl);
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  CHECK(codes(*outcome.reply) == "53,54,1,3,6,15");
  CHECK(outcome.reply->yiaddr.isAny());
  CHECK(outcome.reply->ciaddr == message.ciaddr);
  CHECK(outcome.commits.empty());
  CHECK(outcome.destination ==
        Destination{Destination::Via::Kernel, message.ciaddr, kClientPort, {}});
}

TEST_CASE("BOOTP gets the host's fixed address and no DHCP options", "[engine]") {
  Server server(kLabConfig);
  dhcp::Message message;
  message.xid = 0x1006;
  message.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, 0xb0};
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->yiaddr == net::Ipv4Address(192, 168, 0, 200));
  CHECK(outcome.reply->file == "bootp.img");  // the host's filename beats the subnet's
  CHECK(outcome.reply->siaddr == kServer);
  CHECK(codes(*outcome.reply) == "1,3,6,15");
  CHECK(outcome.commits.empty());
  auto unknown = message;
  unknown.chaddr[5] = 0xb1;
  CHECK_FALSE(server.handle(unknown, kNow).reply);
}

TEST_CASE("a relayed DISCOVER is served from the relay's subnet and sent back to it",
          "[engine]") {
  Server server(kLabConfig);
  auto message = discover(7, 0x1007);
  message.giaddr = net::Ipv4Address(10, 99, 0, 1);
  message.hops = 1;
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->yiaddr == net::Ipv4Address(10, 99, 0, 100));
  CHECK(outcome.reply->siaddr.isAny());
  CHECK(outcome.reply->file.empty());
  CHECK(outcome.reply->hops == 1);
  CHECK(outcome.reply->options.find(3)->bytes() == bytesOf(net::Ipv4Address(10, 99, 0, 1)));
  CHECK(outcome.destination ==
        Destination{Destination::Via::Kernel, message.giaddr, kServerPort, {}});
  CHECK(outcome.log[0] == "DHCPDISCOVER from 52:54:00:00:00:07 via 10.99.0.1");
}

TEST_CASE("the DISCOVER line names a client by its lease's hostname, as ISC's does",
          "[engine]") {
  // Seen with ISC dhcpd 4.4 and dhclient through a relay: the first DISCOVER of a new client
  // shows no name though the packet has option 12; OFFER, REQUEST and ACK show it; the next
  // DISCOVER, with a lease on file, shows it too. RELEASE and DECLINE as ISC's code reads.
  Server server(kLabConfig);
  auto withName = [](dhcp::Message message) {
    const std::string name = "relayclient";
    message.options.set(dhcp::option::kHostName, std::vector<std::uint8_t>(name.begin(), name.end()));
    message.giaddr = net::Ipv4Address(10, 99, 0, 1);
    return message;
  };
  auto offer = server.handle(withName(discover(8, 0x1008)), kNow);
  REQUIRE(offer.reply);
  REQUIRE(offer.log.size() == 2);
  CHECK(offer.log[0] == "DHCPDISCOVER from 52:54:00:00:00:08 via 10.99.0.1");
  CHECK(offer.log[1] ==
        "DHCPOFFER on 10.99.0.100 to 52:54:00:00:00:08 (relayclient) via 10.99.0.1");
  auto ack = server.handle(withName(requestFor(8, 0x1008, offer.reply->yiaddr, kServer)), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.log.back() ==
        "DHCPACK on 10.99.0.100 to 52:54:00:00:00:08 (relayclient) via 10.99.0.1");
  auto again = server.handle(withName(discover(8, 0x2008)), kNow + std::chrono::seconds(5));
  REQUIRE(again.reply);
  CHECK(again.log[0] == "DHCPDISCOVER from 52:54:00:00:00:08 (relayclient) via 10.99.0.1");
  // RELEASE and DECLINE carry no option 12 (dhclient's don't): the lease's name is shown.
  auto release = clientMessage(MessageType::Release, 8, 0x3008);
  release.ciaddr = offer.reply->yiaddr;
  CHECK(server.handle(release, kNow).log.back() ==
        "DHCPRELEASE of 10.99.0.100 from 52:54:00:00:00:08 (relayclient) via s0 (found)");
  // A released lease forgets its name, as ISC's does.
  CHECK(server.handle(withName(discover(8, 0x4008)), kNow).log[0] ==
        "DHCPDISCOVER from 52:54:00:00:00:08 via 10.99.0.1");
  // A DISCOVER repeated while its offer is held: ISC's lease took the name with the offer.
  auto first = server.handle(withName(discover(9, 0x1009)), kNow);
  auto repeated = server.handle(withName(discover(9, 0x1009)), kNow);
  CHECK(first.log[0] == "DHCPDISCOVER from 52:54:00:00:00:09 via 10.99.0.1");
  CHECK(repeated.log[0] == "DHCPDISCOVER from 52:54:00:00:00:09 (relayclient) via 10.99.0.1");
  REQUIRE(repeated.reply);
  server.handle(withName(requestFor(9, 0x1009, repeated.reply->yiaddr, kServer)), kNow);
  auto decline = clientMessage(MessageType::Decline, 9, 0x2009);
  decline.options.set(dhcp::option::kRequestedAddress, bytesOf(repeated.reply->yiaddr));
  CHECK(server.handle(decline, kNow).log.back() ==
        "DHCPDECLINE of " + repeated.reply->yiaddr.toString() +
            " from 52:54:00:00:00:09 (relayclient) via s0: abandoned");
  // INIT-REBOOT for an address this server never leased the client (its lease file was lost):
  // ISC ACKs it, naming the client in the ACK line only (seen with dhclient and a restarted ISC).
  auto reboot = server.handle(withName(requestFor(10, 0x100a, net::Ipv4Address(10, 99, 0, 140),
                                                  std::nullopt)),
                              kNow);
  REQUIRE(reboot.reply);
  CHECK(reboot.log.front() == "DHCPREQUEST for 10.99.0.140 from 52:54:00:00:00:0a via 10.99.0.1");
  CHECK(reboot.log.back() ==
        "DHCPACK on 10.99.0.140 to 52:54:00:00:00:0a (relayclient) via 10.99.0.1");
  // A host with a fixed address has a made-up lease in ISC, with no name: never named (seen
  // with ISC dhcpd and dhclient through the relay).
  Server fixed(std::string(kLabConfig) +
               "host pc { hardware ethernet 52:54:00:00:00:33; fixed-address 10.99.0.33; }\n");
  for (std::uint32_t xid : {1u, 2u}) {
    auto outcome = fixed.handle(withName(discover(0x33, xid)), kNow);
    REQUIRE(outcome.reply);
    CHECK(outcome.log[0] == "DHCPDISCOVER from 52:54:00:00:00:33 via 10.99.0.1");
    CHECK(outcome.log[1] == "DHCPOFFER on 10.99.0.33 to 52:54:00:00:00:33 via 10.99.0.1");
    auto acked =
        fixed.handle(withName(requestFor(0x33, xid, outcome.reply->yiaddr, kServer)), kNow);
    REQUIRE(acked.reply);
    CHECK(acked.log.front() ==
          "DHCPREQUEST for 10.99.0.33 (192.168.0.1) from 52:54:00:00:00:33 via 10.99.0.1");
    CHECK(acked.log.back() == "DHCPACK on 10.99.0.33 to 52:54:00:00:00:33 via 10.99.0.1");
  }
}

TEST_CASE("no free leases names the shared network as ISC does", "[engine]") {
  Server server(R"(
authoritative;
shared-network "lab floor" {
  subnet 192.168.0.0 netmask 255.255.255.0 {
    range 192.168.0.100 192.168.0.100;
  }
}
)");
  auto first = server.handle(discover(1, 1), kNow);
  REQUIRE(first.reply);
  server.handle(requestFor(1, 1, first.reply->yiaddr, kServer), kNow);
  auto refused = server.handle(discover(2, 2), kNow);
  CHECK_FALSE(refused.reply);
  CHECK(refused.log.back() ==
        "DHCPDISCOVER from 52:54:00:00:00:02 via s0: network lab floor: no free leases");
}

TEST_CASE("deny unknown-clients in a pool serves declared hosts only", "[engine]") {
  Server server(R"(
authoritative;
default-lease-time 600;
subnet 192.168.0.0 netmask 255.255.255.0 {
  pool {
    range 192.168.0.100 192.168.0.149;
    deny unknown-clients;
  }
}
host known-client { hardware ethernet 52:54:00:00:00:c1; }
)");
  auto unknown = server.handle(clientMessage(MessageType::Discover, 0xc0, 1), kNow);
  CHECK_FALSE(unknown.reply);
  CHECK(unknown.log.back() ==
        "DHCPDISCOVER from 52:54:00:00:00:c0 via s0: network 192.168.0.0/24: no free leases");
  auto known = server.handle(clientMessage(MessageType::Discover, 0xc1, 2), kNow);
  REQUIRE(known.reply);
  CHECK(known.reply->yiaddr == net::Ipv4Address(192, 168, 0, 100));
  CHECK(codes(*known.reply) == "53,54,51,1");  // no list: every option in scope, by code
}

TEST_CASE("deny unknown-clients in scope refuses REQUESTs and dynamic BOOTP too", "[engine]") {
  // ISC checks boot-unknown-clients in ack_lease, which every OFFER, ACK and dynamic BOOTP reply
  // goes through: a client that was given a lease before the line was added is refused when it
  // renews.
  const std::string config = R"(
authoritative;
DENY unknown-clients;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.149;
  range dynamic-bootp 192.168.0.150 192.168.0.151;
}
host known-client { hardware ethernet 52:54:00:00:00:c1; }
)";
  const net::Ipv4Address wanted(192, 168, 0, 100);
  auto configured = [&](std::string_view word) {
    std::string text = config;
    text.replace(text.find("DENY"), 4, word);
    return text;
  };
  Server denying(configured("deny"));
  auto unknown = denying.handle(requestFor(0xc0, 1, wanted, kServer), kNow);
  CHECK_FALSE(unknown.reply);
  CHECK(unknown.commits.empty());
  REQUIRE(unknown.log.size() == 1);
  CHECK(unknown.log[0] ==
        "DHCPREQUEST for 192.168.0.100 (192.168.0.1) from 52:54:00:00:00:c0 via s0: unknown client");
  auto known = denying.handle(requestFor(0xc1, 2, wanted, kServer), kNow);
  REQUIRE(known.reply);
  CHECK(known.reply->messageType() == MessageType::Ack);

  dhcp::Message bootp;
  bootp.xid = 3;
  bootp.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, 0xc2};
  auto unknownBootp = denying.handle(bootp, kNow);
  CHECK_FALSE(unknownBootp.reply);
  REQUIRE(unknownBootp.log.size() == 1);
  CHECK(unknownBootp.log[0] == "BOOTREQUEST from 52:54:00:00:00:c2 via s0: unknown client");
  bootp.chaddr[5] = 0xc1;
  CHECK(denying.handle(bootp, kNow).reply);

  // `ignore`: the same refusals, and no line at all.
  Server ignoring(configured("ignore"));
  auto ignored = ignoring.handle(requestFor(0xc0, 4, wanted, kServer), kNow);
  CHECK_FALSE(ignored.reply);
  CHECK(ignored.log.empty());
  auto ignoredDiscover = ignoring.handle(discover(0xc0, 5), kNow);
  CHECK_FALSE(ignoredDiscover.reply);
  CHECK(ignoredDiscover.log.empty());
  bootp.chaddr[5] = 0xc2;
  CHECK(ignoring.handle(bootp, kNow).log.empty());
}

TEST_CASE("BOOTP refusals come in ISC's order and words", "[engine]") {
  Server server(R"(
subnet 192.168.0.0 netmask 255.255.255.0 { range dynamic-bootp 192.168.0.150 192.168.0.151; }
host both { hardware ethernet 52:54:00:00:00:b1; deny bootp; deny booting; }
host booting { hardware ethernet 52:54:00:00:00:b2; deny booting; }
)");
  dhcp::Message bootp;
  bootp.xid = 6;
  bootp.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, 0xb1};
  CHECK(server.handle(bootp, kNow).log.back() ==
        "BOOTREQUEST from 52:54:00:00:00:b1 via s0: bootp disallowed");
  bootp.chaddr[5] = 0xb2;
  CHECK(server.handle(bootp, kNow).log.back() ==
        "BOOTREQUEST from 52:54:00:00:00:b2 via s0: booting disallowed");
  // A DHCP client is not refused by `deny bootp`.
  Server dhcpOnly(R"(
deny bootp;
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.109; }
)");
  CHECK(dhcpOnly.handle(discover(1, 7), kNow).reply);
}

TEST_CASE("a host's fixed address is offered on its network", "[engine]") {
  Server server(std::string(kLabConfig) +
                "host pc { hardware ethernet 52:54:00:00:00:33; fixed-address 192.168.0.33; "
                "option host-name \"pc\"; }\n");
  auto outcome = server.handle(discover(0x33, 1), kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->yiaddr == net::Ipv4Address(192, 168, 0, 33));
  auto ack = server.handle(requestFor(0x33, 1, net::Ipv4Address(192, 168, 0, 33), kServer), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.reply->messageType() == MessageType::Ack);
  CHECK(ack.commits.empty());
}

TEST_CASE("a client on no declared network gets no answer", "[engine]") {
  Server server(kLabConfig);
  server.arrival.serverAddress = net::Ipv4Address(172, 16, 0, 1);
  auto outcome = server.handle(discover(1, 1), kNow);
  CHECK_FALSE(outcome.reply);
  CHECK(outcome.log.back() ==
        "DHCPDISCOVER from 52:54:00:00:00:01 via s0: unknown network segment");
}

TEST_CASE("a relay's agent information (option 82) is echoed last", "[engine]") {
  Server server(kLabConfig);
  auto message = discover(7, 0x1007);
  message.giaddr = net::Ipv4Address(10, 99, 0, 1);
  message.options.set(dhcp::option::kRelayAgentInformation, {1, 3, 'p', 'o', 'e'});
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  CHECK(codes(*outcome.reply) == "53,54,51,1,3,6,15,82");
  CHECK(outcome.reply->options.find(82)->bytes() ==
        std::vector<std::uint8_t>{1, 3, 'p', 'o', 'e'});
  // Not from a relay: nothing to echo.
  auto direct = discover(8, 1);
  direct.options.set(dhcp::option::kRelayAgentInformation, {1, 1, 'x'});
  CHECK_FALSE(server.handle(direct, kNow).reply->options.contains(82));
}

TEST_CASE("a repeated DISCOVER gets the same offer, and others cannot take it", "[engine]") {
  Server server(kLabConfig);
  auto first = server.handle(discover(1, 1), kNow);
  auto again = server.handle(discover(1, 2), kNow + std::chrono::seconds(4));
  REQUIRE(first.reply);
  REQUIRE(again.reply);
  CHECK(again.reply->yiaddr == first.reply->yiaddr);
  CHECK(server.offers.size() == 1);
  // Another client asking for that held address with our server id is refused.
  auto thief = server.handle(requestFor(2, 3, first.reply->yiaddr, kServer), kNow);
  REQUIRE(thief.reply);
  CHECK(thief.reply->messageType() == MessageType::Nak);
  // The client it was offered to gets it, and the offer is done with.
  auto ack = server.handle(requestFor(1, 4, first.reply->yiaddr, kServer), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.reply->messageType() == MessageType::Ack);
  CHECK(server.offers.size() == 0);
}

TEST_CASE("an offer not taken within the hold is forgotten", "[engine]") {
  OfferBook book;
  net::Ipv4Address address(192, 168, 0, 100);
  book.remember(address, "hw:a", kNow + std::chrono::seconds(120));
  CHECK(book.offeredTo("hw:a", kNow) == address);
  CHECK(book.holder(address, kNow) == "hw:a");
  CHECK_FALSE(book.offeredTo("hw:a", kNow + std::chrono::seconds(120)));
  book.remember(net::Ipv4Address(192, 168, 0, 101), "hw:a", kNow + std::chrono::seconds(120));
  CHECK_FALSE(book.holder(address, kNow));  // one offer per client
  book.expire(kNow + std::chrono::seconds(121));
  CHECK(book.size() == 0);
}

TEST_CASE("dynamic BOOTP leases come from dynamic-bootp ranges and never end", "[engine]") {
  Server server(R"(
option domain-name "boot.test";
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.109;
  range dynamic-bootp 192.168.0.150 192.168.0.151;
  option routers 192.168.0.1;
}
)");
  dhcp::Message message;
  message.xid = 9;
  message.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, 0x42};
  auto outcome = server.handle(message, kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->yiaddr == net::Ipv4Address(192, 168, 0, 150));
  CHECK(codes(*outcome.reply) == "1,3,15");
  REQUIRE(outcome.commits.size() == 1);
  CHECK(outcome.commits[0].bootp);
  CHECK(outcome.commits[0].ends == dhcpd::leases::kNever);
  CHECK(outcome.log.back() == "BOOTREPLY for 192.168.0.150 to 52:54:00:00:00:42 via s0");
  // The same client again: the same lease.
  CHECK(server.handle(message, kNow).reply->yiaddr == net::Ipv4Address(192, 168, 0, 150));
  // Without a dynamic-bootp range nothing is given.
  Server plain(kLabConfig);
  message.chaddr[5] = 0x43;
  auto none = plain.handle(message, kNow);
  CHECK_FALSE(none.reply);
  CHECK(none.log.back() ==
        "BOOTREQUEST from 52:54:00:00:00:43 via s0: BOOTP from dynamic client and no dynamic leases");
}

TEST_CASE("DISCOVER with option 50 is offered that address when it is free", "[engine]") {
  Server server(kLabConfig);
  auto wants = [&](std::uint8_t last, net::Ipv4Address address) {
    auto message = discover(last, last);
    message.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
    return server.handle(message, kNow).reply->yiaddr;
  };
  CHECK(wants(1, net::Ipv4Address(192, 168, 0, 120)) == net::Ipv4Address(192, 168, 0, 120));
  // Held for client 1 now: client 2 gets the lowest free one instead.
  CHECK(wants(2, net::Ipv4Address(192, 168, 0, 120)) == net::Ipv4Address(192, 168, 0, 100));
  // Outside the pools: ignored.
  CHECK(wants(3, net::Ipv4Address(192, 168, 0, 7)) == net::Ipv4Address(192, 168, 0, 101));
}

TEST_CASE("INIT-REBOOT for a free pool address nobody offered is ACKed, as ISC does",
          "[engine]") {
  Server server(kLabConfig);
  auto outcome =
      server.handle(requestFor(0x21, 1, net::Ipv4Address(192, 168, 0, 130), std::nullopt), kNow);
  REQUIRE(outcome.reply);
  CHECK(outcome.reply->messageType() == MessageType::Ack);
  REQUIRE(outcome.commits.size() == 1);
  CHECK(outcome.commits[0].address == net::Ipv4Address(192, 168, 0, 130));
  // An abandoned address is refused.
  auto declined = clientMessage(MessageType::Decline, 0x21, 2);
  declined.options.set(dhcp::option::kRequestedAddress,
                       bytesOf(net::Ipv4Address(192, 168, 0, 130)));
  server.handle(declined, kNow);
  auto again =
      server.handle(requestFor(0x21, 3, net::Ipv4Address(192, 168, 0, 130), std::nullopt), kNow);
  REQUIRE(again.reply);
  CHECK(again.reply->messageType() == MessageType::Nak);
}
