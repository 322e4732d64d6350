#pragma once
// ISC dhcpd's command line: single-dash long options (-cf, -lf, -pf, -tf, -play, -user, -group,
// -chroot), --no-pid, -t/-T, -f/-d/-q, -4/-6, -p PORT, -s SERVER and interface names.

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace snowboot::dhcpd {

struct CommandLine {
  enum class Mode { Serve, CheckConfig, CheckLeases, Version, Help };
  Mode mode = Mode::Serve;
  std::string configFile = "/etc/dhcp/dhcpd.conf";
  std::string leaseFile = "/var/lib/dhcp/dhcpd.leases";
  bool leaseFileGiven = false;  // -play writes only to a lease file named on the command line
  std::string pidFile = "/var/run/dhcpd.pid";
  bool noPid = false;
  bool foreground = false;  // -f
  bool debug = false;       // -d: foreground, log to stderr
  bool quiet = false;       // -q
  std::optional<int> port;  // -p
  std::string server;       // -s: send replies here (testing)
  std::string user, group, chroot;
  std::string traceOutput, traceInput;  // -tf, -play: ISC's trace files
  std::vector<std::string> interfaces;
};

// What is wrong with the arguments, as a message for "dhcpd: MESSAGE".
std::expected<CommandLine, std::string> parseCommandLine(std::span<const std::string> args);

}  // namespace snowboot::dhcpd
