#include "dhcpd/conf/parser.hpp"

#include <map>

#include <catch2/catch.hpp>

#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/resolve.hpp"

using namespace snowboot::dhcpd::conf;

namespace {

// A statement's arguments as strings, to compare with a list.
std::vector<std::string> strings(std::span<const Text> args) {
  return std::vector<std::string>(args.begin(), args.end());
}

ParseResult parse(std::string_view text, std::map<std::string, std::string> files = {}) {
  FileReader reader = [files](const std::string& path)
      -> std::expected<std::string, std::string> {
    auto it = files.find(path);
    if (it == files.end()) return std::unexpected(std::string("No such file or directory"));
    return it->second;
  };
  auto result = parseConfig(text, "t.conf", reader);
  checkConfig(result);
  return result;
}

std::vector<std::string> errors(const ParseResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) {
    if (d.severity == Diagnostic::Severity::Error) out.push_back(formatDiagnostic(d));
  }
  return out;
}

std::size_t warnings(const ParseResult& result) {
  std::size_t n = 0;
  for (const auto& d : result.diagnostics) n += d.severity == Diagnostic::Severity::Warning;
  return n;
}

}  // namespace

TEST_CASE("a PXE subnet parses into declarations, parameters and options", "[conf][parser]") {
  auto r = parse(R"(
option arch code 93 = unsigned integer 16;
authoritative;
subnet 10.0.0.0 netmask 255.255.255.0 {
  range dynamic-bootp 10.0.0.10 10.0.0.20;
  option routers 10.0.0.1;
  next-server 10.0.0.2;
  if option arch = 00:07 { filename "bootx64.efi"; } else { filename "pxelinux.0"; }
}
host pc { hardware ethernet 52:54:00:12:34:56; fixed-address 10.0.0.5, pc.example; }
)");
  REQUIRE(r.ok());
  const auto& s = r.config.statements;
  REQUIRE(s.size() == 4);
  CHECK(s[0].kind == Statement::Kind::OptionDefinition);
  CHECK(s[0].name == "dhcp.arch");
  CHECK(s[0].number == 93);
  CHECK(s[0].text == "S");
  CHECK(s[1].kind == Statement::Kind::Authoritative);
  CHECK(s[1].flag);
  const auto& subnet = s[2];
  CHECK(subnet.kind == Statement::Kind::Subnet);
  CHECK(strings(subnet.args) == std::vector<std::string>{"10.0.0.0", "255.255.255.0"});
  REQUIRE(subnet.body.size() == 4);
  CHECK(subnet.body[0].kind == Statement::Kind::Range);
  CHECK(subnet.body[0].flag);
  CHECK(subnet.body[1].kind == Statement::Kind::Option);
  CHECK(subnet.body[1].value == std::string("\x0a\x00\x00\x01", 4));
  CHECK(subnet.body[2].kind == Statement::Kind::Parameter);
  CHECK(subnet.body[2].name == "next-server");
  const auto& branch = subnet.body[3];
  CHECK(branch.kind == Statement::Kind::If);
  CHECK(branch.exprs()[0].kind == Expression::Kind::Binary);
  CHECK(branch.exprs()[0].operands[0].kind == Expression::Kind::Option);
  CHECK(branch.exprs()[0].operands[0].text == "dhcp.arch");
  CHECK(branch.exprs()[0].operands[1].value == std::string("\x00\x07", 2));
  CHECK(branch.hasElse);
  CHECK(branch.elseBody()[0].args[0] == "pxelinux.0");
  const auto& host = s[3];
  CHECK(host.kind == Statement::Kind::Host);
  CHECK(strings(host.body[0].args) == std::vector<std::string>{"ethernet", "52:54:00:12:34:56"});
  CHECK(strings(host.body[1].args) == std::vector<std::string>{"10.0.0.5", "pc.example"});
}

TEST_CASE("expressions get ISC's precedence and types", "[conf][parser]") {
  auto r = parse(R"(
class "c" {
  match if exists user-class and option user-class = "iPXE" or not known;
}
set x = concat(substring(option vendor-class-identifier, 0, 9), suffix(hardware, 2), 01);
set n = extract-int(option dhcp-message-type, 8) + 2 * 3;
)");
  REQUIRE(r.ok());
  const auto& match = r.config.statements[0].body[0];
  CHECK(match.kind == Statement::Kind::Match);
  CHECK(match.flag);
  const auto& e = match.exprs()[0];
  CHECK(e.text == "or");
  CHECK(e.operands[0].text == "and");
  CHECK(e.operands[0].operands[1].text == "=");
  CHECK(e.operands[1].kind == Expression::Kind::Not);
  const auto& arithmetic = r.config.statements[2].exprs()[0];
  CHECK(arithmetic.text == "+");
  CHECK(arithmetic.type == ExprType::Numeric);
  CHECK(arithmetic.operands[1].text == "*");
}

TEST_CASE("includes are parsed in place, relative to the working directory", "[conf][parser]") {
  auto r = parse("include \"hosts.conf\";\nsubnet 10.0.0.0 netmask 255.0.0.0 { }\n",
                 {{"hosts.conf", "host a { hardware ethernet 1:2:3:4:5:6; }\n"}});
  REQUIRE(r.ok());
  REQUIRE(r.config.statements[0].kind == Statement::Kind::Include);
  REQUIRE(r.config.statements[0].body.size() == 1);
  CHECK(r.config.statements[0].body[0].location.fileName() == "hosts.conf");

  auto bad = parse("include \"hosts.conf\";\n", {{"hosts.conf", "host a { bogus-word x; }\n"}});
  REQUIRE(errors(bad).size() == 1);
  INFO(errors(bad)[0]);
  CHECK(errors(bad)[0].starts_with("hosts.conf line 1, column 21: expected `;`, found `x`"));

  auto loop = parse("include \"self.conf\";\n", {{"self.conf", "include \"self.conf\";\n"}});
  CHECK_FALSE(loop.ok());
}

TEST_CASE("every error names file, line and column, echoes the line and a caret",
          "[conf][parser]") {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"subnet 10.0.0.0 netmask 255.255.255.0 {\n range 10.0.0.1 10.0.0.9\n}\n",
       "t.conf line 3, column 1: expected `;`, found `}`\n}\n^\n"
       "  hint: the statement ending on line 2 is missing its `;`\n"},
      {"option domain-name-server 10.0.0.1;\n",
       "t.conf line 1, column 8: unknown option dhcp.domain-name-server\n"
       "option domain-name-server 10.0.0.1;\n       ^\n"
       "  hint: did you mean `domain-name-servers`?\n"},
      {"option routers 10.0.0.300;\n", "t.conf line 1, column 16: expected ip-address, found"},
      {"option boot-size 100000;\n",
       "t.conf line 1, column 18: 100000 is out of range for unsigned integer 16"},
      {"option domain-name example;\noption domain-name 42;\n",
       "t.conf line 2, column 20: expected text, found `42`"},
      {"option routers 10.0.0.1 10.0.0.2;\n", "t.conf line 1, column 25: expected `,` or `;`"},
      {"option subnet-mask 255.0.0.0, 255.0.0.0;\n", "t.conf line 1, column 29: expected `;`, found `,`"},
      {"option routers 10.0.0.1, ;\n", "t.conf line 1, column 26: expected a value after `,`, found `;`"},
      {"option ip-forwarding maybe;\n", "t.conf line 1, column 22: expected boolean, found"},
      {"if option arch = 00:07 { }\n",
       "t.conf line 1, column 11: unknown option dhcp.arch\nif option arch = 00:07 { }\n"
       "          ^\n  hint: declare it first: option arch code 93 = unsigned integer 16;\n"},
      {"option foo.bar 1;\n", "t.conf line 1, column 8: no option space named foo"},
      {"range 10.0.0.1 10.0.0.2;\n", "t.conf line 1, column 1: range declaration not allowed here"},
      {"subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.1.1 10.0.1.2; }\n",
       "t.conf line 1, column 47: address range 10.0.1.1 to 10.0.1.2 is not in subnet 10.0.0.0/24"},
      {"subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.0.1 10.0.1.2; }\n",
       "t.conf line 1, column 56: address range 10.0.0.1 to 10.0.1.2 spans more than subnet"},
      {"subnet 10.0.0.0 netmask 255.255.255.0 {\n range 10.0.0.1 10.0.0.9;\n"
       " range 10.0.0.9 10.0.0.12;\n}\n",
       "t.conf line 3, column 2: address 10.0.0.9 is declared twice"},
      {"subnet 10.0.0.0 { }\n", "t.conf line 1, column 17: expected `netmask`, found `{`"},
      {"subnet 10.0.0.0 netmask 255.255.255.0 {\n", "t.conf line 1, column 40: expected `}`, found end of file"},
      {"host a { host b { } }\n", "t.conf line 1, column 10: host declarations not allowed here"},
      {"host \"a\" { }\n", "t.conf line 1, column 6: expected a host name, found \"a\""},
      {"host a { }\nhost a { }\n", "t.conf line 2, column 1: host a: already exists"},
      {"host a { hardware ethernet 1:2:3:4:5:6; hardware ethernet 1:2:3:4:5:7; }\n",
       "t.conf line 1, column 41: host a: hardware address already configured"},
      {"host a { hardware ethernet 1:2:3:4:5:zz; }\n",
       "t.conf line 1, column 28: expected a hardware address"},
      {"hardware ethernet 1:2:3:4:5:6;\n",
       "t.conf line 1, column 1: hardware address parameter not allowed here"},
      {"fixed-address 10.0.0.1;\n", "t.conf line 1, column 1: fixed-address parameter not allowed"},
      {"subnet 10.0.0.0 netmask 255.0.0.0 { pool { pool { } } }\n",
       "t.conf line 1, column 44: pool declared within pool"},
      {"pool { range 10.0.0.1; }\n", "t.conf line 1, column 1: pool declared outside"},
      {"subnet 10.0.0.0 netmask 255.0.0.0 { pool { allow known-clients; } }\n",
       "t.conf line 1, column 37: pool declaration with no address range"},
      {"shared-network x { }\n", "t.conf line 1, column 1: shared-network x declares no subnet"},
      {"subnet 10.0.0.0 netmask 255.0.0.0 { interface a; interface b; }\n",
       "t.conf line 1, column 50: a subnet or shared network can't be connected to two"},
      {"subclass \"nope\" \"x\";\n", "t.conf line 1, column 10: no class named \"nope\""},
      {"class x { }\n", "t.conf line 1, column 7: expected a class name in quotes, found `x`"},
      {"class \"c\" { match if option host-name; }\n",
       "t.conf line 1, column 22: expected a boolean expression, found a data expression"},
      {"class \"c\" { match if true; match if true; }\n",
       "t.conf line 1, column 28: a class may only have one `match if`"},
      {"class \"c\" { match hardware; spawn with hardware; }\n",
       "t.conf line 1, column 29: a class may only have one `match` or `spawn with`"},
      {"subnet 10.0.0.0 netmask 255.0.0.0 { pool { allow members of \"x\"; range 10.0.0.1; } }\n",
       "t.conf line 1, column 61: no such class: \"x\""},
      {"allow unknown;\n", "t.conf line 1, column 7: expected an allow/deny keyword"},
      {"if option host-name = extract-int(hardware, 8) { }\n",
       "t.conf line 1, column 21: `=` relates a data expression"},
      {"option static-routes 10.0.0.0 10.0.0.1 10.0.1.0 10.0.0.1;\n",
       "t.conf line 1, column 40: expected `,` or `;`, found `10.0.1.0`"},
      {"subnet 10.0.0.1 netmask 255.255.255.0 { }\n",
       "t.conf line 1, column 8: subnet 10.0.0.1 netmask 255.255.255.0: bad subnet number/mask"},
      {"if (option host-name = \"a\") or (option host-name = \"b\") { }\n",
       "t.conf line 1, column 29: expected `{`, found `or`"},
      {"subnet 10.0.0.0 netmask 255.0.0.0 { pool { deny bootp; range 10.0.0.1; } }\n",
       "t.conf line 1, column 49: expected a permit"},
      {"if exists host-name and 5 { }\n", "t.conf line 1, column 25: expected a boolean expression"},
      {"set x = substring(hardware, 1);\n", "t.conf line 1, column 9: substring takes 3 arguments"},
      {"set x = encode-int(5, 12);\n", "t.conf line 1, column 23: encode-int needs a width"},
      {"if not check \"foo\" { }\n", "t.conf line 1, column 14: unknown collection \"foo\""},
      {"option space s code width 3;\n", "t.conf line 1, column 27: invalid code width (3)"},
      {"option space s length width 4;\n", "t.conf line 1, column 29: invalid length width (4)"},
      {"subnet 10.0.0.0 netmask 255.0.0.0 { option space s; }\n",
       "t.conf line 1, column 44: option space definitions may not be scoped"},
      {"option x code 300 = text;\n", "t.conf line 1, column 15: option code 300 is out of range"},
      {"option x code 200 = array of text;\n", "t.conf line 1, column 21: arrays of text"},
      {"option x code 200 = array of array of text;\n", "t.conf line 1, column 30: arrays of arrays"},
      {"option x code 200 = { ip-address, { text } };\n",
       "t.conf line 1, column 35: records inside records"},
      {"option x code 200 = { text, ip-address };\n",
       "t.conf line 1, column 23: text and string must be at the end of a record"},
      {"option x code 200 = unsigned integer 8, text;\n", "t.conf line 1, column 39: expected `;`, found `,`"},
      {"option x code 200 = unsigned integr 8;\n", "t.conf line 1, column 30: expected `integer`"},
      {"option x code 200 = ip-adress;\n",
       "t.conf line 1, column 21: expected an option type, found `ip-adress`"},
      {"failover peer \"p\" { primary; }\n", "t.conf line 1, column 1: not supported by snowboot: DHCP failover"},
      {"subnet6 2001:db8::/64 { }\n", "t.conf line 1, column 1: not supported by snowboot: DHCPv6 (subnet6)"},
      {"ldap-server \"x\";\n", "t.conf line 1, column 1: not supported by snowboot: LDAP"},
      {"switch (option host-name) { }\n", "t.conf line 1, column 1: not supported by snowboot: `switch`"},
      {"ddns-update-style ad_hoc;\n", "t.conf line 1, column 19: ddns-update-style ad-hoc is no longer"},
      {"ddns-update-style sometimes;\n", "t.conf line 1, column 19: expected one of none, ad-hoc"},
      {"log-facility local9;\n", "t.conf line 1, column 14: expected one of kern"},
      {"omapi-key k;\n", "t.conf line 1, column 11: OMAPI key k is not declared"},
      {"key k { algorithm hmac-md5; secret \"not base64!\"; }\n",
       "t.conf line 1, column 36: key secret is not valid base64"},
      {"zone example.org. { key nokey; }\n", "t.conf line 1, column 25: unknown key nokey"},
      {"vendor-option-space nope;\n", "t.conf line 1, column 21: no option space named nope"},
      {"add \"nope\";\n", "t.conf line 1, column 5: class \"nope\" is not declared"},
      {"vendor-class \"v\" { }\n", "t.conf line 1, column 14: no class named v"},
      {"include hosts;\n", "t.conf line 1, column 9: expected a file name in quotes"},
      {"include \"/nonexistent/x.conf\";\n",
       "t.conf line 1, column 9: can't open /nonexistent/x.conf: No such file or directory"},
      {"authoritative\n}\n", "t.conf line 2, column 1: expected `;`, found `}`"},
      {"}\n", "t.conf line 1, column 1: expected a declaration or parameter, found `}`"},
      {"not allowed;\n", "t.conf line 1, column 5: expected `authoritative`"},
      {"host a { authoritative; }\n", "t.conf line 1, column 10: authority makes no sense"},
      {"if true { host a { } }\n", "t.conf line 1, column 11: host declarations not allowed here"},
      {"server-duid llt ethernet 1:2:3:4:5:6;\n", "t.conf line 1, column 26: expected a DUID time"},
      {"option x = 5 = \"a\";\n", "t.conf line 1, column 8: unknown option dhcp.x"},
      {"\"stray string\";\n", "t.conf line 1, column 1: expected a declaration or parameter"},
      {"x \x01;\n", "t.conf line 1, column 3: unexpected character 0x01"},
      {"option domain-name \"open\n", "t.conf line 1, column 20: end of file inside a quoted string"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = parse(c.text);
    auto e = errors(r);
    REQUIRE_FALSE(e.empty());
    INFO(e[0]);
    CHECK(e[0].starts_with(c.expected));
  }
}

TEST_CASE("all errors of a file are reported, recovering at semicolons and braces",
          "[conf][parser]") {
  auto r = parse(R"(option routers 10.0.0.1 10.0.0.2;
option domain-name-server 1.2.3.4;
subnet 10.0.0.0 netmask 255.255.255.0 {
  range 10.0.0.1 10.0.0.9
  option bogus 1;
  filename "ok";
}
host a { hardware ethernet zz; }
default-lease-time "x";
)");
  auto e = errors(r);
  REQUIRE(e.size() == 5);
  CHECK(e[0].starts_with("t.conf line 1,"));
  CHECK(e[1].starts_with("t.conf line 2,"));
  CHECK(e[2].starts_with("t.conf line 5, column 3: expected `;`, found `option`"));
  CHECK(e[3].starts_with("t.conf line 8,"));
  CHECK(e[4].starts_with("t.conf line 9,"));
}

TEST_CASE("ISC's lenient corners are accepted, with warnings where they hide mistakes",
          "[conf][parser]") {
  auto r = parse(R"(authritative;
DHCPD_INTERFACE = "eth0";
default-lease-time -1;
filename = "x";
ping-check = 1;
server-name drbl;
next-server tftp.example;
option domain-name-servers BASTION_IP;
subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.0.9 10.0.0.1; host h { } }
subnet 10.0.0.0 netmask 255.255.255.0 { }
option param-list code 55 = string;
if exists dhcp-parameter-request-list { }
shared-network 1 { subnet 10.1.0.0 netmask 255.255.0.0 { interface "vlan100"; } }
SUBNET 10.2.0.0 NETMASK 255.255.0.0 { Option Routers 10.2.0.1; }
on commit { execute("/bin/true"); }
ddns-update-style interim;
option arch code 93 = unsigned integer 16;
if option arch = 7 { }
option interface-mtu -1;
option time-offset 4294967295;
)");
  for (const auto& e : errors(r)) INFO(e);
  CHECK(r.ok());
  CHECK(warnings(r) >= 6);  // typo x2, host scope, subnet overlap, on commit, execute, ddns
  bool hinted = false;
  for (const auto& d : r.diagnostics) hinted = hinted || d.hint == "did you mean `authoritative`?";
  CHECK(hinted);
  bool bytes = false;
  for (const auto& d : r.diagnostics) {
    bytes = bytes || d.message == "the number 7 is compared as the data byte(s) 7";
  }
  CHECK(bytes);
}

TEST_CASE("option definitions produce ISC format letters", "[conf][parser]") {
  auto r = parse(R"(option space ipxe code width 1 length width 1;
option ipxe.no-pxedhcp code 176 = unsigned integer 8;
option a code 200 = array of ip-address;
option b code 201 = { ip-address, unsigned integer 16, text };
option c code 202 = array of { ip-address, ip-address };
option d code 203 = encapsulate ipxe;
option e code 204 = domain-list compressed;
option f code 205 = { unsigned integer 32, array of boolean };
option g code 206 = signed integer 32;
option b 10.0.0.1 67 "file";
option c 10.0.0.1 10.0.0.2, 10.0.0.3 10.0.0.4;
option e "a.example", "b.example";
option ipxe.no-pxedhcp 1;
option d 01:01:01;
)");
  for (const auto& e : errors(r)) INFO(e);
  REQUIRE(r.ok());
  const auto& s = r.config.statements;
  CHECK(s[0].kind == Statement::Kind::OptionSpace);
  CHECK(s[1].text == "B");
  CHECK(s[2].text == "IA");
  CHECK(s[3].text == "ISt");
  CHECK(s[4].text == "IIA");
  CHECK(s[5].text == "Eipxe.");
  CHECK(s[6].text == "Dc");
  CHECK(s[7].text == "Lfa");
  CHECK(s[8].text == "l");
  CHECK(s[9].value.size() == 4 + 2 + 4);
  CHECK(s[10].value.size() == 16);
  CHECK(s[12].name == "ipxe.no-pxedhcp");
}

TEST_CASE("host names in fixed-address and next-server resolve at start, or fail located",
          "[conf][resolve]") {
  auto r = parse(R"(next-server tftp.example;
host a { fixed-address 10.0.0.1, a.example; }
host b { fixed-address gone.example; }
)");
  REQUIRE(r.ok());
  HostResolver resolver = [](std::string_view name)
      -> std::expected<snowboot::net::Ipv4Address, std::string> {
    if (name == "tftp.example") return snowboot::net::Ipv4Address(10, 0, 0, 2);
    if (name == "a.example") return snowboot::net::Ipv4Address(10, 0, 0, 3);
    return std::unexpected(std::string("Name or service not known"));
  };
  CHECK(resolveHostNames(r, resolver) == 2);
  CHECK(r.config.statements[0].args[0] == "10.0.0.2");
  CHECK(strings(r.config.statements[1].body[0].args) == std::vector<std::string>{"10.0.0.1", "10.0.0.3"});
  auto e = errors(r);
  REQUIRE(e.size() == 1);
  CHECK(e[0].starts_with("t.conf line 3, column 24: host name gone.example does not resolve: "
                         "Name or service not known\nhost b { fixed-address gone.example; }\n"));
}

TEST_CASE("an option used, then redefined, is checked against its new type",
          "[conf][parser]") {
  // The parser remembers the last option name it looked up: a definition must forget it.
  auto r = parse("option foo code 200 = text;\noption foo \"a\";\n"
                 "option foo code 200 = unsigned integer 8;\noption foo \"b\";\noption foo 7;\n");
  auto e = errors(r);
  REQUIRE(e.size() == 1);
  CHECK(e[0].rfind("t.conf line 4, column 12: expected unsigned integer 8, found \"b\"", 0) == 0);
  const auto& s = r.config.statements;
  REQUIRE(s.size() == 4);
  CHECK(s[1].value == "a");
  CHECK(s[3].value == std::string("\x07", 1));
  CHECK(s[1].name.data() == s[3].name.data());  // one "dhcp.foo" kept for both
}
