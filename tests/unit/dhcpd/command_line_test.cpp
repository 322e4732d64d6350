#include "dhcpd/command_line.hpp"

#include <catch2/catch.hpp>

using snowboot::dhcpd::CommandLine;
using snowboot::dhcpd::parseCommandLine;

namespace {

std::expected<CommandLine, std::string> parse(std::vector<std::string> args) {
  return parseCommandLine(args);
}

}  // namespace

TEST_CASE("dhcpd takes ISC's single-dash long options", "[dhcpd][cli]") {
  auto line = parse({"-4", "-f", "-d", "-q", "-cf", "/etc/x.conf", "-lf", "/tmp/l", "-pf", "/p",
                     "--no-pid", "-user", "dhcpd", "-group", "dhcpd", "-chroot", "/var/empty",
                     "-tf", "/tmp/trace", "-p", "6767", "eth0", "br0"});
  REQUIRE(line);
  CHECK(line->mode == CommandLine::Mode::Serve);
  CHECK(line->configFile == "/etc/x.conf");
  CHECK(line->leaseFile == "/tmp/l");
  CHECK(line->leaseFileGiven);
  CHECK(line->pidFile == "/p");
  CHECK(line->noPid);
  CHECK(line->foreground);
  CHECK(line->debug);
  CHECK(line->quiet);
  CHECK(line->user == "dhcpd");
  CHECK(line->group == "dhcpd");
  CHECK(line->chroot == "/var/empty");
  CHECK(line->traceOutput == "/tmp/trace");
  CHECK(line->port == 6767);
  CHECK(line->interfaces == std::vector<std::string>{"eth0", "br0"});
}

TEST_CASE("dhcpd defaults are Debian's paths", "[dhcpd][cli]") {
  auto line = parse({});
  REQUIRE(line);
  CHECK(line->configFile == "/etc/dhcp/dhcpd.conf");
  CHECK(line->leaseFile == "/var/lib/dhcp/dhcpd.leases");
  CHECK_FALSE(line->leaseFileGiven);
  CHECK(line->pidFile == "/var/run/dhcpd.pid");
  CHECK(line->interfaces.empty());
}

TEST_CASE("dhcpd -t and -T select the check modes", "[dhcpd][cli]") {
  CHECK(parse({"-t", "-cf", "x"})->mode == CommandLine::Mode::CheckConfig);
  CHECK(parse({"-T", "-lf", "x"})->mode == CommandLine::Mode::CheckLeases);
  CHECK(parse({"--version"})->mode == CommandLine::Mode::Version);
  CHECK_FALSE(parse({"-t", "-T"}));
}

TEST_CASE("dhcpd refuses DHCPv6, unknown flags and missing arguments", "[dhcpd][cli]") {
  auto v6 = parse({"-6"});
  REQUIRE_FALSE(v6);
  CHECK(v6.error().find("DHCPv6") != std::string::npos);
  CHECK(parse({"-x"}).error() == "unknown option -x");
  CHECK(parse({"-cf"}).error() == "-cf needs an argument");
  CHECK_FALSE(parse({"-p", "70000"}));
  CHECK_FALSE(parse({"-p", "sixty"}));
}
