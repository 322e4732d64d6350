#include "tftpd/remap.hpp"

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

using namespace snowboot::tftpd;
namespace fs = std::filesystem;

namespace {

const RemapClient kGet{true, false, "192.0.2.169", "C00002A9"};
const RemapClient kPut{false, false, "192.0.2.169", "C00002A9"};
const RemapClient kGet6{true, true, "2001:db8::1", "20010DB8000000000000000000000001"};

RemapRules rules(const std::string& text) {
  auto parsed = RemapRules::parse(text, "test.rules");
  if (!parsed) FAIL(parsed.error().format());
  return std::move(*parsed);
}

std::string map(const RemapRules& r, const std::string& name, const RemapClient& c = kGet) {
  auto result = r.apply(name, c);
  return result ? *result : "ERROR: " + result.error();
}

// tftp-hpa's own sample.rules (../shared/conf-corpus/tftp-real/25-tftp-hpa-upstream.sample.rules).
const char* kSample = R"(#
ri	^[a-z]:				# Remove "drive letters"
rg	\\		/		# Convert backslashes to slashes
rg	\#		@		# Convert hash marks to @ signs
rg	/../		/..no../	# Convert /../ to /..no../
e	^ok/				# These are always ok
r	^[^/]		/tftpboot/\0	# Convert non-absolute files
a	\.pvt$				# Reject requests for private files
)";

}  // namespace

TEST_CASE("tftp-hpa's sample rules", "[tftpd][remap]") {
  auto r = rules(kSample);
  CHECK(r.size() == 7);
  CHECK(map(r, "C:\\Boot\\pxelinux.0") == "/Boot/pxelinux.0");
  CHECK(map(r, "pxelinux.0") == "/tftpboot/pxelinux.0");
  CHECK(map(r, "ok/anything") == "ok/anything");
  CHECK(map(r, "a#b#c") == "/tftpboot/a@b@c");
  CHECK(map(r, "/x/../y/../z") == "/x/..no../y/..no../z");
  CHECK(map(r, "secret.pvt") == "ERROR: Access denied");
}

TEST_CASE("replacement escapes: groups, case, client address, literal characters",
          "[tftpd][remap]") {
  CHECK(map(rules("r ^(.*)\\.(.*)$ \\2.\\1"), "name.ext") == "ext.name");
  CHECK(map(rules("r ^([a-z]+)-([a-z]+) \\U\\1\\E-\\2"), "abc-def") == "ABC-def");
  CHECK(map(rules("r .* \\L\\0"), "PXELINUX.CFG/Default") == "pxelinux.cfg/default");
  CHECK(map(rules("r ^ \\i/"), "boot.cfg") == "192.0.2.169/boot.cfg");
  CHECK(map(rules("r ^ \\x/"), "boot.cfg") == "C00002A9/boot.cfg");
  CHECK(map(rules("r ^ \\x/"), "boot.cfg", kGet6) == "20010DB8000000000000000000000001/boot.cfg");
  CHECK(map(rules("r ^ \\L\\x/"), "f") == "c00002a9/f");
  CHECK(map(rules("r x a\\ b\\#c\\\\d"), "x") == "a b#c\\d");
  CHECK(map(rules("r (a)|(b) [\\2]"), "a") == "[]");  // an unmatched group is empty
  CHECK(map(rules("r a \\q"), "a") == "q");            // unknown escape: the character
}

TEST_CASE("flags: i g e s a G P 4 6 ~", "[tftpd][remap]") {
  CHECK(map(rules("r abc X"), "ABC") == "ABC");
  CHECK(map(rules("ri abc X"), "ABC") == "X");
  CHECK(map(rules("r a b"), "aaa") == "baa");
  CHECK(map(rules("rg a b"), "aaa") == "bbb");
  CHECK(map(rules("re ^a b\nr b c"), "a") == "b");
  CHECK(map(rules("re ^x y\nr b c"), "b") == "c");
  // s: start over from the first rule after a match.
  CHECK(map(rules("r ^1 2\nrs ^0 1"), "0") == "2");
  CHECK(map(rules("a ^deny"), "deny/x") == "ERROR: Access denied");
  CHECK(map(rules("a ^deny(.*) no\\ access\\ to\\1"), "deny-me") == "ERROR: no access to-me");
  CHECK(map(rules("a ^x"), "y") == "y");
  CHECK(map(rules("rG ^ get/\nrP ^ put/"), "f", kGet) == "get/f");
  CHECK(map(rules("rG ^ get/\nrP ^ put/"), "f", kPut) == "put/f");
  CHECK(map(rules("r4 ^ v4/\nr6 ^ v6/"), "f", kGet) == "v4/f");
  CHECK(map(rules("r4 ^ v4/\nr6 ^ v6/"), "f", kGet6) == "v6/f");
  CHECK(map(rules("a~ ^pxelinux"), "other") == "ERROR: Access denied");
  CHECK(map(rules("a~ ^pxelinux"), "pxelinux.0") == "pxelinux.0");
}

TEST_CASE("runaway rules stop at the step limit with tftpd-hpa's message", "[tftpd][remap]") {
  CHECK(map(rules("rg a aa"), "a") == "ERROR: Remap table failure");
  CHECK(map(rules("rs ^ x"), "f") == "ERROR: Remap table failure");
}

TEST_CASE("the junk-byte rule admins use for old PXE ROMs", "[tftpd][remap]") {
  auto r = rules("rg (.*)[^a-zA-Z0-9]$ \\1");
  CHECK(map(r, std::string("pxelinux.0\xff")) == "pxelinux.0");
  CHECK(map(r, "pxelinux.0") == "pxelinux.0");
}

TEST_CASE("rule file errors name the file, line and column", "[tftpd][remap]") {
  auto error = [](const std::string& text) {
    auto parsed = RemapRules::parse(text, "map");
    REQUIRE_FALSE(parsed);
    return parsed.error();
  };
  auto bad = error("# comment\n\nrx ^a b\n");
  CHECK(bad.line == 3);
  CHECK(bad.column == 2);
  CHECK(bad.format() ==
        "map line 3, column 2: invalid operation flag \"x\" (expected one of r g i e s a G P 4 6 "
        "~)\nrx ^a b\n ^");
  CHECK(error("r\n").message == "regex missing");
  CHECK(error("r   # only a comment\n").message == "regex missing");
  auto regex = error("r a b\nr  (unclosed x\n");
  CHECK(regex.line == 2);
  CHECK(regex.column == 4);
  CHECK(regex.message.starts_with("bad regex: "));
  CHECK(error("r~ a b").message == "flags r and ~ cannot be combined");
  // glibc's regcomp would need gigabytes for this (found by the fuzzer).
  CHECK(error("r ^(a)+++ x").column == 9);
  CHECK(RemapRules::parse("r ^a{1,2}+ x\nr \\+\\+\\+ y\nr x+1+2+ z", "m").has_value());
  // Comments, blank lines, CR LF line ends and a missing final newline are fine.
  CHECK(RemapRules::parse("# c\r\n\r\n  r a b # trailing\r\ne x", "m")->size() == 2);
}

TEST_CASE("every real rule file in the shared corpus parses", "[tftpd][remap][corpus]") {
  const fs::path corpus = fs::path(SNOWBOOT_SOURCE_DIR) / ".." / "shared" / "conf-corpus" / "tftp-real";
  if (!fs::exists(corpus)) {
    WARN("SKIPPED: " << corpus << " is absent (the shared steering checkout is not beside this one)");
    return;
  }
  int files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const auto name = entry.path().filename().string();
    if (name.find("map") == std::string::npos && name.find("rules") == std::string::npos &&
        name.find("remap") == std::string::npos) {
      continue;
    }
    INFO(name);
    auto loaded = loadRemapFile(entry.path().string());
    if (!loaded) FAIL(loaded.error().format());
    CHECK(loaded->size() > 0);
    ++files;
    if (name.find("sample.rules") != std::string::npos) {
      CHECK(map(*loaded, "C:\\x\\y.pvt") == "ERROR: Access denied");
    }
    if (name.find("ironic-docs.map-file") != std::string::npos) {
      CHECK(map(*loaded, "pxelinux.0") == "/tftpboot/pxelinux.0");
      CHECK(map(*loaded, "/tftpboot/pxelinux.0") == "/tftpboot/pxelinux.0");
    }
    if (name.find("rewrite.rules") != std::string::npos) {
      CHECK(map(*loaded, "app6901sccp.9-2-1.sgn") == "firmware/6901/app6901sccp.9-2-1.sgn");
    }
  }
  CHECK(files >= 7);
}
