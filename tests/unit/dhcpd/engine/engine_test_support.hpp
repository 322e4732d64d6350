#pragma once
// Shared set-up for the engine's unit tests: a parsed configuration, a memory lease store with
// its ranges, and client messages as dhcp_exchange sends them.

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "common/dhcp/message.hpp"
#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/parser.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/engine.hpp"
#include "dhcpd/leases/memory_store.hpp"

namespace snowboot::dhcpd::engine::testing {

inline std::shared_ptr<const conf::ParseResult> parse(std::string text) {
  auto result = std::make_shared<conf::ParseResult>(conf::parseConfig(
      std::move(text), "test.conf",
      [](const std::string&) -> std::expected<std::string, std::string> {
        return std::unexpected(std::string("no includes in tests"));
      }));
  conf::checkConfig(*result);
  // A test config with errors would be served half-parsed: say so instead.
  std::string messages;
  for (const auto& diagnostic : result->diagnostics) messages += conf::formatDiagnostic(diagnostic);
  INFO(messages);
  REQUIRE(result->ok());
  return result;
}

struct Server {
  explicit Server(const std::string& text) : model(buildConfigModel(parse(text))) {
    for (const auto& range : model.allRanges()) (void)store.addRange(range);
  }
  // As the shell on a network where nobody answers pings: a probe is settled Silent at once and
  // the logs of both steps are joined.
  Outcome handle(const dhcp::Message& request, leases::Time now) {
    auto outcome = handleOnce(request, now);
    for (int i = 0; i < 4 && outcome.probe; ++i) {
      auto log = std::move(outcome.log);
      outcome = settle(request, *outcome.probe, ProbeResult::Silent, now);
      log.insert(log.end(), outcome.log.begin(), outcome.log.end());
      outcome.log = std::move(log);
    }
    return outcome;
  }
  // One call of the engine, probes left to the test.
  Outcome handleOnce(const dhcp::Message& request, leases::Time now) {
    Engine engine(model, store, offers, billing);
    engine.limitProbes(maxProbes);
    return apply(engine.handle(request, arrival, now), now);
  }
  Outcome settle(const dhcp::Message& request, const Probe& probe, ProbeResult result,
                 leases::Time now) {
    Engine engine(model, store, offers, billing);
    engine.limitProbes(maxProbes);
    return apply(engine.probed(request, arrival, probe, result, now), now);
  }
  Outcome apply(Outcome outcome, leases::Time now) {
    for (const auto& lease : outcome.commits) store.commit(lease, [](const auto&) {});
    if (outcome.release) store.release(*outcome.release, now, [](const auto&) {});
    return outcome;
  }
  std::size_t maxProbes = kMaxOutstandingProbes;
  ConfigModel model;
  leases::MemoryLeaseStore store;
  OfferBook offers;
  BillingBook billing;
  Arrival arrival{"s0", net::Ipv4Address(192, 168, 0, 1)};
};

inline dhcp::Message clientMessage(dhcp::MessageType type, std::uint8_t last, std::uint32_t xid) {
  dhcp::Message message;
  message.xid = xid;
  message.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, last};
  message.options.set(dhcp::option::kMessageType, {static_cast<std::uint8_t>(type)});
  return message;
}

inline std::vector<std::uint8_t> bytesOf(net::Ipv4Address address) {
  auto octets = address.octets();
  return {octets.begin(), octets.end()};
}

inline std::string codes(const dhcp::Message& message) {
  std::string out;
  for (const auto& entry : message.options.entries()) {
    out += (out.empty() ? "" : ",") + std::to_string(entry.code);
  }
  return out;
}

inline const leases::Time kNow{std::chrono::seconds(1'700'000'000)};

// The differential scenarios' configuration (tests/fixtures/isc-replies/dhcpd.conf).
inline const char* kLabConfig = R"(
authoritative;
ping-check false;
default-lease-time 600;
max-lease-time 7200;
option domain-name "pxelab.test";
option domain-name-servers 192.168.0.1;
option arch code 93 = unsigned integer 16;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.149;
  option routers 192.168.0.1;
  next-server 192.168.0.1;
  if exists user-class and option user-class = "iPXE" {
    filename "http://192.168.0.1/boot.ipxe";
  } elsif option arch = 00:07 {
    filename "efi64/ipxe.efi";
  } else {
    filename "pxelinux.0";
  }
}
subnet 10.99.0.0 netmask 255.255.255.0 {
  range 10.99.0.100 10.99.0.149;
  option routers 10.99.0.1;
}
host bootp-client {
  hardware ethernet 52:54:00:00:00:b0;
  fixed-address 192.168.0.200;
  filename "bootp.img";
}
)";

inline const std::vector<std::uint8_t> kPrl{1, 3, 6, 15, 51, 58, 59};

// A DISCOVER from 52:54:00:00:00:<last> asking for the options in `prl`.
inline dhcp::Message discover(std::uint8_t last, std::uint32_t xid,
                              const std::vector<std::uint8_t>& prl = kPrl) {
  auto message = clientMessage(dhcp::MessageType::Discover, last, xid);
  message.options.set(dhcp::option::kParameterRequestList, prl);
  return message;
}

// The lab's server address (kLabConfig's interface).
inline const net::Ipv4Address kServer(192, 168, 0, 1);

// A REQUEST from 52:54:00:00:00:<last> for `address`: SELECTING when it names `serverId`, else
// INIT-REBOOT, RENEWING or REBINDING; asking for the options in `prl`.
inline dhcp::Message requestFor(std::uint8_t last, std::uint32_t xid, net::Ipv4Address address,
                                std::optional<net::Ipv4Address> serverId = kServer,
                                const std::vector<std::uint8_t>& prl = kPrl) {
  auto message = clientMessage(dhcp::MessageType::Request, last, xid);
  message.options.set(dhcp::option::kRequestedAddress, bytesOf(address));
  if (serverId) message.options.set(dhcp::option::kServerIdentifier, bytesOf(*serverId));
  message.options.set(dhcp::option::kParameterRequestList, prl);
  return message;
}

}  // namespace snowboot::dhcpd::engine::testing
