// engine_corpus: every configuration of the shared corpus that loads is served a set of
// standard requests on each of its subnets (PXE BIOS, UEFI and iPXE DISCOVERs, the REQUEST for
// each offer, INFORM, BOOTP, RELEASE), as a relay would send them. Nothing may crash, every
// reply must encode into the 576 bytes every client takes, and every offered address must lie
// in a subnet of the file. Prints one line per file and a total.
//   engine_corpus FILE...   (includes are read relative to the working directory, as ISC)
#include <array>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "common/dhcp/message.hpp"
#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/parser.hpp"
#include "dhcpd/conf/resolve.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/engine.hpp"
#include "dhcpd/leases/memory_store.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd;

namespace {

std::expected<std::string, std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(std::string("cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::uint8_t> bytesOf(std::string_view text) { return {text.begin(), text.end()}; }

struct Counts {
  int requests = 0;
  int replies = 0;
  int problems = 0;
};

void check(const engine::ConfigModel& model, const dhcp::Message& request,
           const engine::Outcome& outcome, Counts& counts, const std::string& file) {
  ++counts.requests;
  if (!outcome.reply) return;
  ++counts.replies;
  std::array<std::uint8_t, dhcp::kMaximumMessageSize - dhcp::kIpUdpOverhead> out{};
  auto encoded = dhcp::encode(*outcome.reply, outcome.limits, out);
  if (!encoded) {
    ++counts.problems;
    std::cout << fmt::format("  {}: reply to xid {:#x} does not encode: {}\n", file,
                             request.xid, dhcp::toString(encoded.error()));
  }
  const auto& yiaddr = outcome.reply->yiaddr;
  if (!yiaddr.isAny() && !model.subnetFor(yiaddr)) {
    ++counts.problems;
    std::cout << fmt::format("  {}: {} offered outside every subnet\n", file, yiaddr.toString());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int loaded = 0;
  int skipped = 0;
  Counts total;
  for (int i = 1; i < argc; ++i) {
    std::string file = argv[i];
    auto source = readFile(file);
    if (!source) continue;
    auto parsed = std::make_shared<conf::ParseResult>(
        conf::parseConfig(std::move(*source), file, readFile));
    conf::checkConfig(*parsed);
    // Host names resolve to a documentation address: the engine only needs an address.
    conf::resolveHostNames(*parsed, [](std::string_view) -> std::expected<net::Ipv4Address,
                                                                           std::string> {
      return net::Ipv4Address(192, 0, 2, 1);
    });
    if (!parsed->ok()) {
      ++skipped;
      continue;
    }
    ++loaded;
    auto model = engine::buildConfigModel(parsed);
    leases::MemoryLeaseStore store;
    for (const auto& range : model.allRanges()) (void)store.addRange(range);
    engine::OfferBook offers;
    leases::Time now{std::chrono::seconds(1'700'000'000)};
    Counts counts;
    std::uint8_t client = 0;
    for (const auto& subnet : model.subnets) {
      auto relay = net::Ipv4Address(subnet.network.address().value() + 1);
      engine::Arrival arrival{"eth0", net::Ipv4Address(198, 51, 100, 1)};
      engine::BillingBook billing;
      engine::Engine engine(model, store, offers, billing);
      auto send = [&](dhcp::Message message) {
        message.giaddr = relay;
        message.hops = 1;
        auto outcome = engine.handle(message, arrival, now);
        // ping-check (on unless the config says otherwise): nobody answers, as on an empty LAN.
        if (outcome.probe) {
          auto log = std::move(outcome.log);
          outcome = engine.probed(message, arrival, *outcome.probe,
                                  engine::ProbeResult::Silent, now);
          log.insert(log.end(), outcome.log.begin(), outcome.log.end());
          outcome.log = std::move(log);
        }
        for (const auto& lease : outcome.commits) store.commit(lease, [](const auto&) {});
        if (outcome.release) store.release(*outcome.release, now, [](const auto&) {});
        check(model, message, outcome, counts, file);
        return outcome;
      };
      for (int kind = 0; kind < 5; ++kind) {
        dhcp::Message message;
        message.xid = 0x5000u + client;
        message.chaddr = {0x52, 0x54, 0x00, 0x99, static_cast<std::uint8_t>(client >> 8),
                          client};
        ++client;
        if (kind == 4) {  // BOOTP
          send(message);
          continue;
        }
        message.options.set(dhcp::option::kMessageType,
                            {static_cast<std::uint8_t>(dhcp::MessageType::Discover)});
        message.options.set(dhcp::option::kParameterRequestList,
                            {1, 3, 6, 12, 15, 28, 42, 43, 51, 54, 58, 59, 60, 66, 67, 119, 128,
                             150, 175, 208, 209, 210, 211});
        if (kind < 3) {
          message.options.set(93, {0x00, static_cast<std::uint8_t>(kind == 1 ? 7 : 0)});
          message.options.set(dhcp::option::kVendorClass,
                              bytesOf(kind == 1 ? "PXEClient:Arch:00007:UNDI:003016"
                                                : "PXEClient:Arch:00000:UNDI:002001"));
        }
        if (kind == 2) message.options.set(dhcp::option::kUserClass, bytesOf("iPXE"));
        auto offer = send(message);
        if (!offer.reply) continue;
        auto request = message;
        request.options.set(dhcp::option::kMessageType,
                            {static_cast<std::uint8_t>(dhcp::MessageType::Request)});
        auto octets = offer.reply->yiaddr.octets();
        request.options.set(dhcp::option::kRequestedAddress, {octets.begin(), octets.end()});
        auto serverId = arrival.serverAddress.octets();
        request.options.set(dhcp::option::kServerIdentifier, {serverId.begin(), serverId.end()});
        auto ack = send(request);
        if (kind == 3 && ack.reply) {
          auto inform = message;
          inform.options.set(dhcp::option::kMessageType,
                             {static_cast<std::uint8_t>(dhcp::MessageType::Inform)});
          inform.ciaddr = ack.reply->yiaddr;
          send(inform);
          auto release = inform;
          release.options.set(dhcp::option::kMessageType,
                              {static_cast<std::uint8_t>(dhcp::MessageType::Release)});
          send(release);
        }
      }
    }
    std::cout << fmt::format("{}: {} subnets, {} requests, {} replies, {} problems\n", file,
                             model.subnets.size(), counts.requests, counts.replies,
                             counts.problems);
    total.requests += counts.requests;
    total.replies += counts.replies;
    total.problems += counts.problems;
  }
  std::cout << fmt::format("{} configurations served ({} did not load), {} requests, {} replies, "
                           "{} problems\n",
                           loaded, skipped, total.requests, total.replies, total.problems);
  return total.problems == 0 ? 0 : 1;
}
