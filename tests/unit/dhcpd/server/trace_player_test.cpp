// The trace replay on traces built here: the recorded clock, ping-check's recorded echoes,
// includes read from the trace, and the lease file the replay writes. A real lease file in a
// temporary directory; no socket.
#include "dhcpd/server/trace_player.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "dhcpd/conf/checker.hpp"
#include "dhcpd/trace/trace_format.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd;
using trace::Type;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::uint32_t kStart = 1'790'000'000;
const net::MacAddress kServerMac = *net::MacAddress::parse("02:00:00:00:00:01");

const char* kConfig = R"(
authoritative;
default-lease-time 600;
ping-check true;
ping-timeout 1;
subnet 10.9.0.0 netmask 255.255.255.0 { range 10.9.0.100 10.9.0.109; }
)";

Bytes record(Type type, std::uint32_t when, const Bytes& payload) {
  return trace::encodeRecord(type, when, payload);
}
Bytes configuration(std::string_view name, std::string_view text, std::uint32_t when = kStart) {
  return record(Type::ReadConf, when, trace::encodeFile(name, text));
}
Bytes leaseFile(std::string_view text = "") {
  return record(Type::ReadLeases, kStart, trace::encodeFile("/var/lib/dhcp/dhcpd.leases", text));
}
Bytes interface(std::uint32_t index = 0) {
  return record(Type::Interface, kStart,
                trace::encodeInterface({net::Ipv4Address(10, 9, 0, 1), index, kServerMac, "s0"}));
}
Bytes discover(std::uint8_t client, std::uint32_t when, std::uint32_t index = 0) {
  dhcp::Message message;
  message.xid = 0x100 + client;
  message.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, client};
  message.options.set(dhcp::option::kMessageType,
                      {static_cast<std::uint8_t>(dhcp::MessageType::Discover)});
  std::array<std::uint8_t, 600> buffer{};
  auto encoded = dhcp::encode(message, dhcp::EncodeLimits{}, buffer);
  REQUIRE(encoded);
  return record(Type::InPacket, when,
                trace::encodeInPacket({index, {}, 68, net::MacAddress({0x52, 0x54, 0, 0, 0, client}),
                                       *encoded}));
}
Bytes echoRequest(std::uint8_t last, std::uint32_t when) {
  return record(Type::IcmpOutput, when,
                trace::encodeIcmpOutput({net::Ipv4Address(10, 9, 0, last), 7, 1}));
}
Bytes echoReply(std::uint8_t last, std::uint32_t when) {
  return record(Type::IcmpInput, when,
                trace::encodeIcmpInput({net::Ipv4Address(10, 9, 0, last), 7, 1}));
}
// A record that only moves the clock: what the server sent.
Bytes tick(std::uint32_t when) {
  static const Bytes kMessage(300);
  return record(Type::OutPacket, when, trace::encodeOutPacket({0, {}, {}, 68, {}, kMessage}));
}

struct Replay {
  std::vector<std::string> lines;
  std::optional<std::string> failure;
  std::string leases;  // the lease file afterwards

  bool logged(std::string_view text) const {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(text) != line.npos; });
  }
  // The position of the first line holding `text`, or lines.size().
  std::size_t where(std::string_view text) const {
    return static_cast<std::size_t>(
        std::find_if(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(text) != line.npos; }) -
        lines.begin());
  }
};

Replay replay(std::initializer_list<Bytes> records, std::string before = "") {
  Bytes file = trace::encodeFileStart(kStart);
  for (const auto& one : records) file.insert(file.end(), one.begin(), one.end());
  char directory[] = "/tmp/snowboot-play-test-XXXXXX";
  REQUIRE(::mkdtemp(directory) != nullptr);
  const std::string path = std::string(directory) + "/dhcpd.leases";
  if (!before.empty()) std::ofstream(path) << before;

  Replay result;
  {
    log::Logger logger;
    logger.addSink([&](std::span<const log::Line> lines) {
      for (const auto& line : lines) result.lines.emplace_back(line.text);
    });
    server::TracePlayer player(
        logger, path,
        [](std::string source, const std::string& name, const conf::FileReader& reader)
            -> std::shared_ptr<const engine::ConfigModel> {
          auto parsed =
              std::make_shared<conf::ParseResult>(conf::parseConfig(std::move(source), name, reader));
          conf::checkConfig(*parsed);
          if (!parsed->ok()) return nullptr;
          return std::make_shared<const engine::ConfigModel>(engine::buildConfigModel(parsed));
        });
    result.failure = player.play(file);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  result.leases = text.str();
  std::filesystem::remove_all(directory);
  return result;
}

}  // namespace

TEST_CASE("a ping times out on the recorded clock", "[dhcpd][trace]") {
  // The trace ends in the DISCOVER's second: the probe never times out, as in ISC.
  auto ended = replay({configuration("t.conf", kConfig), leaseFile(), interface(),
                       discover(1, kStart), echoRequest(100, kStart)});
  CHECK_FALSE(ended.failure);
  CHECK(ended.logged("DHCPDISCOVER from 52:54:00:00:00:01 via s0"));
  CHECK_FALSE(ended.logged("DHCPOFFER"));
  CHECK(ended.logged("1 ping-check probe(s) still waiting"));

  // A record a second later: the timeout fires before it is handled.
  auto later = replay({configuration("t.conf", kConfig), leaseFile(), interface(),
                       discover(1, kStart), echoRequest(100, kStart), discover(2, kStart + 1)});
  CHECK_FALSE(later.failure);
  REQUIRE(later.logged("DHCPOFFER on 10.9.0.100 to 52:54:00:00:00:01 via s0"));
  CHECK(later.where("DHCPOFFER on 10.9.0.100") <
        later.where("DHCPDISCOVER from 52:54:00:00:00:02"));
  CHECK(later.logged("Replayed 2 packet(s) and 1 ping-check echo(es)"));
}

TEST_CASE("a recorded echo reply abandons the address and the next one is probed",
          "[dhcpd][trace]") {
  auto result = replay({configuration("t.conf", kConfig), leaseFile(), interface(),
                        discover(1, kStart), echoRequest(100, kStart), echoReply(100, kStart),
                        echoRequest(101, kStart), tick(kStart + 1)});
  CHECK_FALSE(result.failure);
  CHECK(result.logged("Abandoning IP address 10.9.0.100: pinged before offer"));
  CHECK(result.logged("DHCPOFFER on 10.9.0.101 to 52:54:00:00:00:01 via s0"));
  CHECK(result.leases.find("lease 10.9.0.100 {") != std::string::npos);
  CHECK(result.leases.find("binding state abandoned;") != std::string::npos);
}

TEST_CASE("without a recorded echo request the offer is made at once", "[dhcpd][trace]") {
  // The recording server had no ICMP socket: it offered at once, and so does the replay.
  auto result = replay({configuration("t.conf", kConfig), leaseFile(), interface(),
                        discover(1, kStart)});
  CHECK_FALSE(result.failure);
  CHECK(result.logged("DHCPOFFER on 10.9.0.100 to 52:54:00:00:00:01 via s0"));
  CHECK(result.logged("Replayed 1 packet(s) and 0 ping-check echo(es)"));
}

TEST_CASE("an include is read from the record after its file", "[dhcpd][trace]") {
  const std::string withInclude = std::string(kConfig) + "include \"/etc/dhcp/more.conf\";\n";
  auto result = replay({configuration("t.conf", withInclude),
                        configuration("/etc/dhcp/more.conf", "max-lease-time 900;\n"), leaseFile(),
                        interface(), discover(1, kStart)});
  CHECK_FALSE(result.failure);
  CHECK(result.logged("DHCPOFFER on 10.9.0.100"));

  auto misplaced = replay({configuration("t.conf", withInclude),
                           configuration("/etc/dhcp/other.conf", "max-lease-time 900;\n")});
  REQUIRE(misplaced.failure);
  CHECK(misplaced.failure->find("the configuration in the trace has errors") != std::string::npos);
}

TEST_CASE("the recorded leases replace the lease file's", "[dhcpd][trace]") {
  const std::string recorded = "lease 10.9.0.105 {\n  starts 4 2026/09/21 10:00:00;\n"
                               "  ends 4 2036/09/21 10:00:00;\n  binding state active;\n"
                               "  hardware ethernet 52:54:00:00:00:09;\n}\n";
  const std::string onDisk = "lease 10.9.0.107 {\n  starts 4 2026/09/21 10:00:00;\n"
                             "  ends 4 2036/09/21 10:00:00;\n  binding state active;\n"
                             "  hardware ethernet 52:54:00:00:00:07;\n}\n";
  auto result = replay({configuration("t.conf", kConfig), leaseFile(recorded), interface(),
                        discover(1, kStart)},
                       onDisk);
  CHECK_FALSE(result.failure);
  CHECK(result.leases.find("lease 10.9.0.105 {") != std::string::npos);
  CHECK(result.leases.find("lease 10.9.0.107 {") == std::string::npos);
  // After the recorded lease at .105, the run above it comes first, as ISC orders it.
  CHECK(result.logged("DHCPOFFER on 10.9.0.106"));
}

TEST_CASE("a fault ends the replay with where it is", "[dhcpd][trace]") {
  auto noInterface = replay({configuration("t.conf", kConfig), leaseFile(), interface(0),
                             discover(1, kStart, 3)});
  REQUIRE(noInterface.failure);
  CHECK(noInterface.failure->find("(inpacket): a packet on interface 3, which no interface "
                                  "record named") != std::string::npos);
  auto noLeases = replay({configuration("t.conf", kConfig), interface(), discover(1, kStart)});
  REQUIRE(noLeases.failure);
  CHECK(noLeases.failure->find("a packet before the lease file") != std::string::npos);
  auto noConfiguration = replay({leaseFile()});
  REQUIRE(noConfiguration.failure);
  CHECK(noConfiguration.failure->find("a lease file before any configuration") !=
        std::string::npos);
}
