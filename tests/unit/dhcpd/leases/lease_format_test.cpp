#include "dhcpd/leases/lease_format.hpp"

#include <catch2/catch.hpp>

using namespace snowboot::dhcpd::leases;
using snowboot::net::Ipv4Address;
using std::chrono::seconds;

TEST_CASE("times are written as ISC's print_time does, in UTC", "[leases]") {
  // 2026-11-26 06:44:29 UTC is a Thursday (4).
  CHECK(formatTime(Time{seconds{1795675469}}) == "4 2026/11/26 06:44:29;");
  CHECK(formatTime(Time{seconds{0}}) == "4 1970/01/01 00:00:00;");
  CHECK(formatTime(Time{seconds{951782400}}) == "2 2000/02/29 00:00:00;");
  CHECK(formatTime(kNever) == "never;");
}

TEST_CASE("bytes are quoted like quotify_buf: octal for the unprintable", "[leases]") {
  CHECK(quoteBytes(std::string("\x01RT\x00\x12\x34V", 7)) == R"("\001RT\000\0224V")");
  CHECK(quoteBytes("a b") == R"("a b")");
  CHECK(quoteBytes("q\"\\") == R"("q\"\\")");
  CHECK(quoteBytes("\xff\x7f\t") == R"("\377\177\011")");
  CHECK(quoteBytes("") == R"("")");
}

TEST_CASE("a lease is written field by field in ISC's order", "[leases]") {
  Lease lease;
  lease.address = Ipv4Address(192, 168, 0, 200);
  lease.starts = Time{seconds{1795675469}};
  lease.ends = Time{seconds{1795676069}};
  lease.tstp = Time{seconds{1795676069}};
  lease.cltt = Time{seconds{1795675469}};
  lease.state = BindingState::Active;
  lease.nextState = BindingState::Free;
  lease.rewindState = BindingState::Free;
  lease.hardware = HardwareAddress{1, {0x52, 0x54, 0x00, 0x0a, 0xbc, 0x01}};
  lease.uid = std::string("\x01RT\x00\n\xbc\x01", 7);
  lease.variables.push_back(
      {"vendor-class-identifier", Variable::Kind::Data, "PXEClient:Arch:00000:UNDI:002001", 0});
  lease.variables.push_back({"count", Variable::Kind::Number, "", 12});
  lease.variables.push_back({"flag", Variable::Kind::Boolean, "", 1});
  lease.clientHostname = "pxe-client";
  lease.extraStatements.push_back("on expiry {\n    set x = \"y\";\n  }");
  CHECK(formatLease(lease) ==
        "lease 192.168.0.200 {\n"
        "  starts 4 2026/11/26 06:44:29;\n"
        "  ends 4 2026/11/26 06:54:29;\n"
        "  tstp 4 2026/11/26 06:54:29;\n"
        "  cltt 4 2026/11/26 06:44:29;\n"
        "  binding state active;\n"
        "  next binding state free;\n"
        "  rewind binding state free;\n"
        "  hardware ethernet 52:54:00:0a:bc:01;\n"
        "  uid \"\\001RT\\000\\012\\274\\001\";\n"
        "  set vendor-class-identifier = \"PXEClient:Arch:00000:UNDI:002001\";\n"
        "  set count = %12;\n"
        "  set flag = true;\n"
        "  client-hostname \"pxe-client\";\n"
        "  on expiry {\n    set x = \"y\";\n  }\n"
        "}\n");
}

TEST_CASE("absent fields are left out, as ISC leaves out zero times", "[leases]") {
  Lease lease;
  lease.address = Ipv4Address(10, 0, 0, 1);
  lease.state = BindingState::Abandoned;
  lease.nextState = BindingState::Abandoned;  // same as the state: not written
  lease.ends = kNever;
  lease.reserved = true;
  lease.bootp = true;
  lease.hardware = HardwareAddress{8, {1, 2}};
  CHECK(formatLease(lease) ==
        "lease 10.0.0.1 {\n"
        "  ends never;\n"
        "  binding state abandoned;\n"
        "  reserved;\n"
        "  dynamic-bootp;\n"
        "  hardware fddi 01:02;\n"
        "}\n");
}

TEST_CASE("the header names the writer and the byte order", "[leases]") {
  const std::string header = formatHeader("snowboot-0.1.0");
  CHECK(
      header.starts_with("# The format of this file is documented in the dhcpd.leases(5) "
                         "manual page.\n# This lease file was written by snowboot-0.1.0\n\n"));
  CHECK(header.find("\nauthoring-byte-order little-endian;\n\n") != std::string::npos);
}
