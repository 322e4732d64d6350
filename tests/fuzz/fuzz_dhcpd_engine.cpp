// The DHCP engine on any decodable request: it must answer or stay silent without crashing, and
// what it answers must hold ISC's invariants: a reply encodes into a 576-byte message, an
// offered or acknowledged address lies in a declared subnet, a lease it commits lies in a range
// or is a declined address, and a NAK offers nothing. The lease store lives across inputs, so
// sequences of requests reach states a single packet cannot.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/dhcp/message.hpp"
#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/parser.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/engine.hpp"
#include "dhcpd/leases/memory_store.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd;

namespace {

const char* kConfig = R"(
authoritative;
default-lease-time 600;
max-lease-time 7200;
min-lease-time 60;
use-host-decl-names on;
option domain-name "fuzz.test";
option arch code 93 = unsigned integer 16;
class "pxe" { match if substring(option vendor-class-identifier, 0, 9) = "PXEClient"; }
class "per-port" { match if exists agent.circuit-id; spawn with option agent.circuit-id;
  lease limit 1; }
class "by-mac" { match hardware; lease limit 2; }
subclass "by-mac" 1:52:54:00:00:00:01 { filename "mac.img"; }
one-lease-per-client on;
set vc = substring(option vendor-class-identifier, 0, 4);
if defined(vc) { option domain-name = concat(vc, ".fuzz.test"); }
shared-network lab {
  subnet 192.168.0.0 netmask 255.255.255.0 {
    option routers 192.168.0.1;
    next-server 192.168.0.1;
    pool { range 192.168.0.100 192.168.0.103; allow members of "pxe"; }
    pool { range 192.168.0.110 192.168.0.113; deny unknown-clients; }
    range 192.168.0.120 192.168.0.122;
    if option arch = 00:07 { filename "efi64/ipxe.efi"; } else { filename "pxelinux.0"; }
  }
  subnet 192.168.1.0 netmask 255.255.255.0 { range 192.168.1.10 192.168.1.11; }
}
subnet 10.99.0.0 netmask 255.255.255.0 { range 10.99.0.100 10.99.0.101; }
host fixed { hardware ethernet 52:54:00:00:00:b0; fixed-address 192.168.0.200; }
host known { hardware ethernet 52:54:00:00:00:c1; }
host byid { option dhcp-client-identifier "fuzz-id"; fixed-address 192.168.1.50; }
)";

struct World {
  World() {
    auto parsed = std::make_shared<dhcpd::conf::ParseResult>(dhcpd::conf::parseConfig(
        std::string(kConfig), "fuzz.conf",
        [](const std::string&) -> std::expected<std::string, std::string> {
          return std::unexpected(std::string("none"));
        }));
    dhcpd::conf::checkConfig(*parsed);
    if (!parsed->ok()) std::abort();
    model = std::make_unique<engine::ConfigModel>(engine::buildConfigModel(parsed));
    for (const auto& range : model->allRanges()) {
      if (!store.addRange(range)) std::abort();
    }
  }
  std::unique_ptr<engine::ConfigModel> model;
  leases::MemoryLeaseStore store;
  engine::OfferBook offers;
  engine::BillingBook billing;
  leases::Time now{std::chrono::seconds(1'700'000'000)};
};

bool inRanges(const engine::ConfigModel& model, net::Ipv4Address address) {
  for (const auto& range : model.allRanges()) {
    if (range.first <= address && address <= range.last) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size < 2) return 0;
  // The first byte: where the packet arrived and how much time passed since the last one.
  const std::uint8_t control = data[0];
  auto request = dhcp::decode({data + 1, size - 1});
  if (!request) return 0;
  world.now += std::chrono::seconds(control & 0x3f) * 37;
  world.store.expire(world.now);
  engine::Arrival arrival{"s0", (control & 0x40) ? net::Ipv4Address(172, 16, 0, 1)
                                                 : net::Ipv4Address(192, 168, 0, 1)};
  world.offers.expire(world.now);
  engine::Engine engine(*world.model, world.store, world.offers, world.billing);
  auto apply = [&](const engine::Outcome& outcome) {
    for (const auto& lease : outcome.commits) {
      if (!inRanges(*world.model, lease.address)) std::abort();
      world.store.commit(lease, [](const auto& result) {
        if (!result) std::abort();
      });
    }
    if (outcome.release) world.store.release(*outcome.release, world.now, [](const auto&) {});
  };
  auto outcome = engine.handle(*request, arrival, world.now);
  apply(outcome);
  // ping-check: the control byte's top bit says whether somebody answered the echo. A probe
  // that follows an abandon is left outstanding, as a client that never retries leaves it.
  if (outcome.probe) {
    if (outcome.reply || !inRanges(*world.model, outcome.probe->address)) std::abort();
    outcome = engine.probed(*request, arrival, *outcome.probe,
                            (control & 0x80) ? engine::ProbeResult::Answered
                                             : engine::ProbeResult::Silent,
                            world.now);
    apply(outcome);
  }
  if (!outcome.reply) return 0;
  const auto& reply = *outcome.reply;
  auto type = reply.messageType();
  if (type == dhcp::MessageType::Nak && !reply.yiaddr.isAny()) std::abort();
  if ((type == dhcp::MessageType::Offer || type == dhcp::MessageType::Ack ||
       !reply.options.contains(dhcp::option::kMessageType)) &&
      !reply.yiaddr.isAny() && !world.model->subnetFor(reply.yiaddr)) {
    std::abort();
  }
  // Never beyond one frame, and within the client's limit (relay agent information aside).
  std::array<std::uint8_t, dhcp::kMaximumMessageSize - dhcp::kIpUdpOverhead> out{};
  auto encoded = dhcp::encode(reply, outcome.limits, out);
  if (!encoded) std::abort();
  const auto agent = reply.options.find(dhcp::option::kRelayAgentInformation);
  const std::size_t agentRoom = agent ? agent->data.size() + 2 * (agent->data.size() / 255 + 1) : 0;
  if (encoded->size() > std::max(outcome.limits.minimumSize,
                                dhcp::kFixedFieldsSize + outcome.limits.optionsField + agentRoom)) {
    std::abort();
  }
  if (outcome.destination.via == engine::Destination::Via::Kernel &&
      outcome.destination.address.isAny()) {
    std::abort();
  }
  return 0;
}
