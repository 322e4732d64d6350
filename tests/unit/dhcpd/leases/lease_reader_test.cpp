#include "dhcpd/leases/lease_reader.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "dhcpd/leases/lease_format.hpp"

using namespace snowboot::dhcpd::leases;
using snowboot::net::Ipv4Address;
using std::chrono::seconds;

namespace {

// Files written by ISC dhcpd 4.4.3-P1 itself (tests/fixtures/leases/make-fixtures.sh).
std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LEASES_FIXTURES) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every lease we read is, byte for byte, the last record ISC wrote for its address.
void checkRoundTrip(const std::string& text, const LeaseFileContents& contents) {
  for (const Lease& lease : contents.leases) {
    const std::string formatted = formatLease(lease);
    const auto last = text.rfind("lease " + lease.address.toString() + " {");
    REQUIRE(last != std::string::npos);
    CHECK(text.substr(last, formatted.size()) == formatted);
    const LeaseFileContents again = readLeaseFile(formatted, "again");
    REQUIRE(again.leases.size() == 1);
    CHECK(again.leases[0] == lease);
  }
}

}  // namespace

TEST_CASE("ISC's dhclient fixture: hostnames, PXE vendor class, uids, a release", "[leases]") {
  const std::string text = fixture("isc-dhclient.leases");
  const LeaseFileContents contents = readLeaseFile(text, "isc-dhclient.leases");
  CHECK(contents.errors.empty());
  CHECK_FALSE(contents.tornTail);
  CHECK(contents.leaseRecords == 5);
  REQUIRE(contents.leases.size() == 4);
  CHECK(contents.serverDuid.starts_with("server-duid \"\\000\\001\\000\\001"));

  const Lease& alpha = contents.leases[0];
  CHECK(alpha.address == Ipv4Address(10, 77, 0, 100));
  CHECK(alpha.state == BindingState::Active);
  CHECK(alpha.nextState == BindingState::Free);
  CHECK(alpha.rewindState == BindingState::Free);
  CHECK(alpha.hardware == HardwareAddress{1, {0x52, 0x54, 0x00, 0x77, 0x00, 0x01}});
  CHECK(alpha.clientHostname == "alpha");
  REQUIRE(alpha.ends);
  REQUIRE(alpha.starts);
  CHECK(*alpha.ends - *alpha.starts == seconds{600});
  CHECK(formatTime(*alpha.starts).ends_with("/11/26 " + formatTime(*alpha.starts).substr(13)));

  const Lease& pxe = contents.leases[1];
  CHECK(pxe.uid == std::string("\x01RT\x00w\x00\x02", 7));
  REQUIRE(pxe.variables.size() == 3);
  CHECK(pxe.variables[2].name == "vendor-class-identifier");
  CHECK(pxe.variables[2].data == "PXEClient:Arch:00000:UNDI:002001");

  // Released: the second record for .102 replaces the first.
  const Lease& released = contents.leases[2];
  CHECK(released.state == BindingState::Free);
  CHECK(released.uid == "\x01\x02quote\"back\\\\");
  CHECK_FALSE(released.clientHostname);
  CHECK(released.variables.empty());
  checkRoundTrip(text, contents);
}

TEST_CASE("ISC's perfdhcp fixture: 151 relayed clients round-trip", "[leases]") {
  const std::string text = fixture("isc-perfdhcp.leases");
  const LeaseFileContents contents = readLeaseFile(text, "isc-perfdhcp.leases");
  CHECK(contents.errors.empty());
  CHECK(contents.leases.size() == 151);
  checkRoundTrip(text, contents);
}

TEST_CASE("ISC's OMAPI fixture: host blocks and a rubout", "[leases]") {
  const std::string text = fixture("isc-omapi.leases");
  const LeaseFileContents contents = readLeaseFile(text, "isc-omapi.leases");
  CHECK(contents.errors.empty());
  REQUIRE(contents.hosts.size() == 2);
  CHECK(contents.hosts[0].name == "pxe-node1");
  CHECK_FALSE(contents.hosts[0].deleted);
  CHECK(contents.hosts[0].text ==
        "host pxe-node1 {\n  dynamic;\n  hardware ethernet 52:54:00:aa:bb:01;\n"
        "  fixed-address 10.77.0.50;\n}");
  CHECK(contents.hosts[1].name == "pxe-node2");
  CHECK(contents.hosts[1].deleted);
  CHECK(contents.leases.size() == 1);
  checkRoundTrip(text, contents);
}

TEST_CASE("ISC's failover fixture: state blocks are skipped with a note", "[leases]") {
  const LeaseFileContents contents =
      readLeaseFile(fixture("isc-failover.leases"), "isc-failover.leases");
  CHECK(contents.errors.empty());
  CHECK(contents.leases.empty());
  REQUIRE(contents.notes.size() == 2);
  CHECK(contents.notes[0].find("failover declaration skipped") != std::string::npos);
}

TEST_CASE("a file cut at any point keeps every complete record before the cut", "[leases]") {
  const std::string text = fixture("isc-dhclient.leases");
  for (std::size_t cut = 0; cut <= text.size(); cut += 3) {
    const std::string torn = text.substr(0, cut);
    const LeaseFileContents contents = readLeaseFile(torn, "torn");
    // The complete records are those up to the last closing brace of a lease before the cut.
    const auto lastClose = torn.rfind("\n}");
    const std::string complete =
        lastClose == std::string::npos ? "" : torn.substr(0, lastClose + 2);
    const LeaseFileContents expected = readLeaseFile(complete, "complete");
    INFO("cut at " << cut);
    CHECK(contents.leases == expected.leases);
    CHECK(contents.errors.size() <= 1);
    CHECK(contents.tornTail == !contents.errors.empty());
  }
  // A cut inside a lease record is always seen.
  const auto inside = text.find("  cltt", text.find("lease 10.77.0.103"));
  const LeaseFileContents contents = readLeaseFile(text.substr(0, inside + 12), "torn");
  CHECK(contents.tornTail);
  REQUIRE(contents.errors.size() == 1);
  CHECK(contents.leases.size() == 3);
}

TEST_CASE("a torn record in the middle is reported and the records after it are kept", "[leases]") {
  const std::string text = fixture("isc-dhclient.leases");
  // Power lost in the middle of writing .101, then appending went on.
  const auto start = text.find("lease 10.77.0.101");
  const auto middle = text.find("  uid", start);
  const std::string damaged =
      text.substr(0, middle + 9) + "\n" + text.substr(text.find("lease 10.77.0.102"));
  const LeaseFileContents contents = readLeaseFile(damaged, "dhcpd.leases");
  REQUIRE(contents.errors.size() == 1);
  CHECK_FALSE(contents.tornTail);
  CHECK(contents.leases.size() == 3);
  CHECK(contents.leases[0].address == Ipv4Address(10, 77, 0, 100));
  CHECK(contents.leases[1].address == Ipv4Address(10, 77, 0, 102));
  CHECK(contents.leases[2].address == Ipv4Address(10, 77, 0, 103));
  const LeaseFileProblem& problem = contents.errors[0];
  CHECK(problem.line == 29);
  CHECK(formatProblem("dhcpd.leases", problem) ==
        "dhcpd.leases line 29: a string cut short by the end of its line\n"
        "  uid \"\\0\n      ^\n");
}

TEST_CASE("malformed statements are located and their records skipped", "[leases]") {
  struct Case {
    const char* text;
    std::uint32_t line;
    const char* message;
  };
  const Case cases[] = {
      {"lease 10.0.0.1 {\n  starts 4 2026/13/26 06:51:12;\n}\n", 2, "expecting a valid date"},
      {"lease 10.0.0.1 {\n  starts epoch -1;\n}\n", 2, "expecting a time between"},
      {"lease 10.0.0.1 {\n  ends 5 9999/12/31 23:59:60;\n}\n", 2, "expecting a time between"},
      {"lease 10.0.0.1 {\n  starts 4 2026/02/30 06:51:12;\n}\n", 2, "expecting a valid date"},
      {"lease 10.0.0.1 {\n  ends 4 2026/02/03 25:00:00;\n}\n", 2, "expecting a time of day"},
      {"lease 10.0.0.1 {\n  binding state happy;\n}\n", 2, "expecting a binding state"},
      {"lease 10.0.0.300 {\n}\n", 1, "expecting an IPv4 address"},
      {"lease 10.0.0.1 {\n  hardware ethernet zz:00;\n}\n", 2, "expecting a hardware address"},
      {"lease 10.0.0.1 {\n  hardware tokenring 00:01;\n}\n", 2, "expecting a hardware type"},
      {"lease 10.0.0.1 {\n  frobnicate;\n}\n", 2, "expecting a lease statement"},
      {"lease 10.0.0.1 {\n  uid \"abc;\n}\n", 2, "end of file inside a quoted string"},
      {"lease 10.0.0.1 {\n  uid \"abc;\n}\nlease 10.0.0.2 {\n  uid \"x\";\n}\n", 2,
       "a string cut short by the end of its line"},
      {"garbage;\n", 1, "expecting a lease, host or failover declaration"},
      {"lease 10.0.0.1 {\n  set = 3;\n}\n", 2, "expecting a variable name"},
      {"lease 10.0.0.1 {\n  starts 4 2026/01/02 03:04:05\n}\n", 3, "expecting a semicolon"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const std::string text = std::string(c.text) + "lease 10.0.0.9 {\n  binding state free;\n}\n";
    const LeaseFileContents contents = readLeaseFile(text, "f");
    REQUIRE(contents.errors.size() == 1);
    CHECK(contents.errors[0].line == c.line);
    CHECK_THAT(contents.errors[0].message, Catch::StartsWith(c.message));
    // The records after the bad one survive; the bad one does not.
    REQUIRE_FALSE(contents.leases.empty());
    CHECK(contents.leases.back().address == Ipv4Address(10, 0, 0, 9));
    CHECK(contents.leases.front().address != Ipv4Address(10, 0, 0, 1));
  }
}

TEST_CASE("the other forms ISC reads: epoch times, hex uids, old flags, on events", "[leases]") {
  const std::string text =
      "lease 10.0.0.5 {\n"
      "  starts epoch 1795675469; # Thu Nov 26 06:44:29 2026\n"
      "  ends never;\n"
      "  binding state active;\n"
      "  abandoned;\n"
      "  bootp;\n"
      "  reserved;\n"
      "  uid 01:52:54:00:12:34:56;\n"
      "  hardware unknown-7 01:02:03;\n"
      "  set flag = false;\n"
      "  set n = %42;\n"
      "  set raw = 01:ff;\n"
      "  option agent.circuit-id \"eth0\";\n"
      "  on expiry or release {\n    set gone = true;\n  }\n"
      "}\n";
  const LeaseFileContents contents = readLeaseFile(text, "f");
  REQUIRE(contents.errors.empty());
  REQUIRE(contents.leases.size() == 1);
  const Lease& lease = contents.leases[0];
  CHECK(lease.starts == Time{seconds{1795675469}});
  CHECK(lease.ends == kNever);
  CHECK(lease.state == BindingState::Abandoned);
  CHECK(lease.bootp);
  CHECK(lease.reserved);
  CHECK(lease.uid == std::string("\x01RT\x00\x12\x34V", 7));
  CHECK(lease.hardware == HardwareAddress{7, {1, 2, 3}});
  REQUIRE(lease.variables.size() == 3);
  CHECK(lease.variables[0].kind == Variable::Kind::Boolean);
  CHECK(lease.variables[1].number == 42);
  CHECK(lease.variables[2].data == "\x01\xff");
  REQUIRE(lease.extraStatements.size() == 2);
  CHECK(lease.extraStatements[0] == "option agent.circuit-id \"eth0\";");
  CHECK(lease.extraStatements[1] == "on expiry or release {\n    set gone = true;\n  }");
  const LeaseFileContents again = readLeaseFile(formatLease(lease), "again");
  REQUIRE(again.leases.size() == 1);
  CHECK(again.leases[0] == lease);
}
