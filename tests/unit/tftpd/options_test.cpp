#include "tftpd/options.hpp"

#include <sys/socket.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::tftpd;

namespace {

std::expected<Options, OptionsError> parseArgs(std::vector<std::string> args) {
  args.insert(args.begin(), "in.tftpd");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return parseOptions(static_cast<int>(args.size()), argv.data());
}

}  // namespace

TEST_CASE("Debian's default command line parses", "[tftpd][options]") {
  auto o = parseArgs({"--listen", "--user", "tftp", "--address", ":69", "--secure", "/srv/tftp"});
  REQUIRE(o);
  CHECK(o->listen);
  CHECK_FALSE(o->foreground);
  CHECK(o->user == "tftp");
  CHECK(o->addresses == std::vector<std::string>{":69"});
  CHECK(o->secure);
  CHECK(o->directories == std::vector<std::string>{"/srv/tftp"});
}

TEST_CASE("short options, sticky flags and defaults as in tftpd-hpa", "[tftpd][options]") {
  auto o = parseArgs({"-Lvvv", "-4", "-c", "-p", "-U", "022", "-T", "250000", "-B", "1468",
                      "-R", "4000:4100", "-r", "tsize", "-r", "BLKSIZE", "-m", "/etc/map",
                      "-P", "/run/tftpd.pid", "-t", "30", "/a", "/b"});
  REQUIRE(o);
  CHECK(o->listen);
  CHECK(o->foreground);
  CHECK(o->verbosity == 3);
  CHECK(o->family == AF_INET);
  CHECK(o->create);
  CHECK(o->permissive);
  CHECK(o->umask == 022);
  CHECK(o->retransmitMicroseconds == 250000);
  CHECK(o->maxBlockSize == 1468);
  CHECK(o->portRange == std::pair<std::uint16_t, std::uint16_t>(4000, 4100));
  CHECK(o->refused == std::vector<std::string>{"tsize", "BLKSIZE"});
  CHECK(o->mapFile == "/etc/map");
  CHECK(o->pidFile == "/run/tftpd.pid");
  CHECK(o->waitTime == std::chrono::seconds(30));
  CHECK(o->directories == std::vector<std::string>{"/a", "/b"});
  auto defaults = parseArgs({"/srv/tftp"});
  REQUIRE(defaults);
  CHECK_FALSE(defaults->listen);  // inetd mode
  CHECK(defaults->user == "nobody");
  CHECK(defaults->retransmitMicroseconds == 1000000);
  CHECK(defaults->maxBlockSize == 65464);
  CHECK(parseArgs({"-a", "127.0.0.1:6969", "/x"})->listen);  // -a implies listening
  CHECK(parseArgs({"--verbosity", "5", "/x"})->verbosity == 5);
}

TEST_CASE("out-of-range and unknown options are refused with tftpd-hpa's words",
          "[tftpd][options]") {
  auto message = [](std::vector<std::string> args) {
    auto o = parseArgs(std::move(args));
    REQUIRE_FALSE(o);
    CHECK(o.error().exitCode == 64);
    return o.error().message;
  };
  CHECK(message({"-B", "511"}) == "Bad maximum blocksize value (range 512-65464): 511");
  CHECK(message({"-B", "65465"}) == "Bad maximum blocksize value (range 512-65464): 65465");
  CHECK(message({"-T", "9999"}) == "Bad timeout value: 9999");
  CHECK(message({"-R", "5000:4000"}) == "Bad port range: 5000:4000");
  CHECK(message({"-R", "5000"}) == "Bad port range: 5000");
  CHECK(message({"-R", "1:65535"}) == "Bad port range: 1:65535");
  CHECK(message({"-r", "bogus"}) == "Unknown option: bogus");
  CHECK(message({"-U", "089"}) == "Invalid umask: 089");
  CHECK(message({"-m", "a", "-m", "b"}) == "Multiple -m options");
  CHECK(message({"-Z"}) == "Unknown option: -Z");
  CHECK(message({"--frobnicate"}) == "Unknown option: --frobnicate");
}
