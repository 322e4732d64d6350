// ping-check: the engine asks for a probe before an offer, and settles it when told what the
// network said. No sockets, no clock: the probe's answer and the time are the test's.
#include <catch2/catch.hpp>

#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;
using snowboot::dhcpd::leases::BindingState;

namespace {

dhcp::Message request(std::uint8_t last, std::uint32_t xid, net::Ipv4Address address) {
  auto message = clientMessage(MessageType::Request, last, xid);
  message.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
  return message;
}

net::Ipv4Address pool(std::uint8_t last) { return net::Ipv4Address(192, 168, 0, last); }

// ISC's default: no ping-check statement at all.
const char* kPinging = R"(
authoritative;
default-lease-time 600;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.109;
}
host fixed { hardware ethernet 52:54:00:00:00:f0; fixed-address 192.168.0.50; }
)";

const auto kSecond = std::chrono::seconds(1);

}  // namespace

TEST_CASE("ping-check is on by default: a fresh address is probed before it is offered",
          "[engine][ping]") {
  Server server(kPinging);
  auto first = server.handleOnce(discover(1, 1), kNow);
  REQUIRE(first.probe);
  CHECK(first.probe->address == pool(100));
  CHECK(first.probe->timeout == std::chrono::milliseconds(1000));
  CHECK(first.probe->attempt == 1);
  CHECK(first.probe->asked == kNow);
  CHECK_FALSE(first.reply);
  CHECK(first.commits.empty());
  CHECK(first.log == std::vector<std::string>{"DHCPDISCOVER from 52:54:00:00:00:01 via s0"});
  CHECK(server.offers.probing() == 1);

  // The client repeats its DISCOVER while the echo is out: ISC neither logs nor pings again.
  auto repeated = server.handleOnce(discover(1, 1), kNow + kSecond);
  CHECK_FALSE(repeated.probe);
  CHECK_FALSE(repeated.reply);
  CHECK(repeated.log.empty());

  // Another client is served meanwhile, with the next address.
  auto other = server.handleOnce(discover(2, 2), kNow);
  REQUIRE(other.probe);
  CHECK(other.probe->address == pool(101));
  CHECK(server.offers.probing() == 2);

  // Nobody answered within ping-timeout: the OFFER goes out to the DISCOVER that asked.
  auto offered = server.settle(discover(1, 1), *first.probe, ProbeResult::Silent, kNow + kSecond);
  REQUIRE(offered.reply);
  CHECK(offered.reply->messageType() == MessageType::Offer);
  CHECK(offered.reply->yiaddr == pool(100));
  CHECK(offered.reply->xid == 1);
  CHECK_FALSE(offered.probe);
  CHECK(offered.log ==
        std::vector<std::string>{"DHCPOFFER on 192.168.0.100 to 52:54:00:00:00:01 via s0"});
  CHECK(server.offers.probing() == 1);

  // A DISCOVER after that gets the checked address at once, without a second ping.
  auto again = server.handleOnce(discover(1, 3), kNow + 2 * kSecond);
  CHECK_FALSE(again.probe);
  REQUIRE(again.reply);
  CHECK(again.reply->yiaddr == pool(100));
}

TEST_CASE("an answered ping abandons the address as ISC records it and probes the next one",
          "[engine][ping]") {
  Server server(kPinging);
  auto first = server.handleOnce(discover(1, 1), kNow);
  REQUIRE(first.probe);
  auto answered =
      server.settle(discover(1, 1), *first.probe, ProbeResult::Answered, kNow + kSecond);
  CHECK_FALSE(answered.reply);
  CHECK(answered.log == std::vector<std::string>{
                            "ICMP Echo reply while lease 192.168.0.100 valid.",
                            "Abandoning IP address 192.168.0.100: pinged before offer"});
  REQUIRE(answered.commits.size() == 1);
  const auto& lease = answered.commits[0];
  CHECK(lease.address == pool(100));
  CHECK(lease.state == BindingState::Abandoned);
  CHECK(lease.nextState == BindingState::Free);
  CHECK(lease.rewindState == BindingState::Free);
  CHECK(lease.starts == kNow);  // when it was to be offered, as ISC's record says
  CHECK(lease.cltt == kNow);
  CHECK(lease.ends == kNow + kSecond + kDefaultAbandonLeaseTime);
  CHECK(lease.hardware.empty());
  CHECK(lease.uid.empty());
  // Another address is pinged at once for the same DISCOVER.
  REQUIRE(answered.probe);
  CHECK(answered.probe->address == pool(101));
  CHECK(answered.probe->attempt == 2);
  CHECK(server.offers.probing() == 1);
  CHECK(server.store.findByAddress(pool(100))->abandoned());

  auto offered = server.settle(discover(1, 1), *answered.probe, ProbeResult::Silent,
                               kNow + 2 * kSecond);
  REQUIRE(offered.reply);
  CHECK(offered.reply->yiaddr == pool(101));
  // The abandoned address is nobody's: a later client gets a never-used one.
  auto later = server.handle(discover(2, 2), kNow + 3 * kSecond);
  REQUIRE(later.reply);
  CHECK(later.reply->yiaddr == pool(102));
}

TEST_CASE("after kMaxProbesPerDiscover answered pings the DISCOVER is left to its retry",
          "[engine][ping]") {
  Server server(kPinging);
  auto outcome = server.handleOnce(discover(1, 1), kNow);
  for (int attempt = 1; attempt <= kMaxProbesPerDiscover; ++attempt) {
    REQUIRE(outcome.probe);
    CHECK(outcome.probe->attempt == attempt);
    outcome = server.settle(discover(1, 1), *outcome.probe, ProbeResult::Answered, kNow);
    CHECK(outcome.commits.size() == 1);
  }
  CHECK_FALSE(outcome.probe);
  CHECK_FALSE(outcome.reply);
  CHECK(server.offers.probing() == 0);
  // The retransmitted DISCOVER starts again with the next never-used address.
  auto retry = server.handleOnce(discover(1, 1), kNow + 4 * kSecond);
  REQUIRE(retry.probe);
  CHECK(retry.probe->address == pool(100 + kMaxProbesPerDiscover));
  CHECK(retry.probe->attempt == 1);
}

TEST_CASE("ping-check false, ping-timeout and ping-timeout-ms apply per scope",
          "[engine][ping]") {
  Server server(R"(
ping-timeout 3;
subnet 192.168.0.0 netmask 255.255.255.0 {
  pool {
    range 192.168.0.100 192.168.0.104;
    allow known-clients;
    ping-check false;
  }
  pool {
    range 192.168.0.110 192.168.0.114;
    allow unknown-clients;
  }
}
host known { hardware ethernet 52:54:00:00:00:0a; }
)");
  auto known = server.handleOnce(discover(0x0a, 1), kNow);
  CHECK_FALSE(known.probe);
  REQUIRE(known.reply);
  CHECK(known.reply->yiaddr == pool(100));
  auto unknown = server.handleOnce(discover(0x0b, 2), kNow);
  REQUIRE(unknown.probe);
  CHECK(unknown.probe->address == pool(110));
  CHECK(unknown.probe->timeout == std::chrono::seconds(3));

  Server milliseconds(R"(
ping-timeout 3;
ping-timeout-ms 250;
subnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.109; }
)");
  auto probe = milliseconds.handleOnce(discover(1, 1), kNow).probe;
  REQUIRE(probe);
  CHECK(probe->timeout == std::chrono::milliseconds(250));

  for (const char* off : {"ping-check false;", "ping-check off;"}) {
    Server quiet(std::string(off) +
                 "\nsubnet 192.168.0.0 netmask 255.255.255.0 { range 192.168.0.100 192.168.0.109; }");
    auto outcome = quiet.handleOnce(discover(1, 1), kNow);
    CHECK_FALSE(outcome.probe);
    CHECK(outcome.reply);
  }
}

TEST_CASE("no ping for a fixed address, an active lease or the client's own recent one",
          "[engine][ping]") {
  Server server(kPinging);
  auto fixed = server.handleOnce(discover(0xf0, 1), kNow);
  CHECK_FALSE(fixed.probe);
  REQUIRE(fixed.reply);
  CHECK(fixed.reply->yiaddr == pool(50));

  // A bound client that DISCOVERs again keeps its active lease, unpinged.
  auto offer = server.handle(discover(1, 2), kNow);
  REQUIRE(offer.reply);
  auto ack = server.handleOnce(request(1, 2, pool(100)), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.reply->messageType() == MessageType::Ack);
  server.offers.expire(kNow + std::chrono::hours(1));
  auto active = server.handleOnce(discover(1, 3), kNow + std::chrono::seconds(10));
  CHECK_FALSE(active.probe);
  REQUIRE(active.reply);
  CHECK(active.reply->yiaddr == pool(100));

  // It released the lease: within ping-cltt-secs (60) of its last transaction (the ACK; ISC's
  // release does not touch cltt) no ping, after that one.
  auto released = clientMessage(MessageType::Release, 1, 4);
  released.ciaddr = pool(100);
  server.handleOnce(released, kNow + std::chrono::seconds(20));
  server.offers.expire(kNow + std::chrono::hours(2));
  auto soon = server.handleOnce(discover(1, 5), kNow + std::chrono::seconds(30));
  CHECK_FALSE(soon.probe);
  REQUIRE(soon.reply);
  CHECK(soon.reply->yiaddr == pool(100));
  server.offers.expire(kNow + std::chrono::hours(3));
  auto late = server.handleOnce(discover(1, 6), kNow + std::chrono::seconds(61));
  REQUIRE(late.probe);
  CHECK(late.probe->address == pool(100));
}

TEST_CASE("outstanding probes are bounded: beyond the bound a DISCOVER waits for its retry",
          "[engine][ping]") {
  Server server(kPinging);
  server.maxProbes = 1;
  auto first = server.handleOnce(discover(1, 1), kNow);
  REQUIRE(first.probe);
  auto second = server.handleOnce(discover(2, 2), kNow);
  CHECK_FALSE(second.probe);
  CHECK_FALSE(second.reply);
  CHECK(second.log == std::vector<std::string>{
                          "DHCPDISCOVER from 52:54:00:00:00:02 via s0: 1 ping checks "
                          "outstanding, none started for 192.168.0.101"});
  server.settle(discover(1, 1), *first.probe, ProbeResult::Silent, kNow + kSecond);
  // Its retry is probed now, for the address held for it meanwhile.
  auto retry = server.handleOnce(discover(2, 2), kNow + 2 * kSecond);
  REQUIRE(retry.probe);
  CHECK(retry.probe->address == pool(101));
}

TEST_CASE("a probe whose offer was taken meanwhile settles to nothing", "[engine][ping]") {
  Server server(kPinging);
  auto first = server.handleOnce(discover(1, 1), kNow);
  REQUIRE(first.probe);
  // The client REQUESTs the address without waiting (INIT-REBOOT); it is its own hold.
  auto ack = server.handleOnce(request(1, 2, pool(100)), kNow);
  REQUIRE(ack.reply);
  CHECK(ack.reply->messageType() == MessageType::Ack);
  CHECK(server.offers.probing() == 0);
  auto late = server.settle(discover(1, 1), *first.probe, ProbeResult::Answered, kNow + kSecond);
  CHECK_FALSE(late.reply);
  CHECK_FALSE(late.probe);
  CHECK(late.commits.empty());
  CHECK(late.log.empty());
  CHECK(server.store.findByAddress(pool(100))->state == BindingState::Active);
}
