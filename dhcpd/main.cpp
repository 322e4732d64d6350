// dhcpd: ISC dhcpd's command line. `dhcpd -t` checks a configuration as ISC's does; serving
// DHCP arrives with the lease-store and server issues, and `-T` with the lease store.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "dhcpd/command_line.hpp"
#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/parser.hpp"
#include "snowboot/version.hpp"

namespace {

using snowboot::dhcpd::CommandLine;
namespace conf = snowboot::dhcpd::conf;

std::expected<std::string, std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(std::string(std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::unexpected(std::string(std::strerror(errno)));
  return text.str();
}

void banner(const CommandLine& line) {
  if (!line.quiet) std::cerr << "snowboot dhcpd " << snowboot::kVersion << " (ISC dhcpd 4.4 compatible)\n";
}

// Parses and checks the configuration, printing every message; true when it has no errors.
bool loadConfig(const CommandLine& line) {
  auto source = readFile(line.configFile);
  if (!source) {
    std::cerr << "Can't open " << line.configFile << ": " << source.error() << "\n";
    return false;
  }
  auto result = conf::parseConfig(*source, line.configFile, readFile);
  conf::checkConfig(result);
  for (const auto& diagnostic : result.diagnostics) {
    std::cerr << conf::formatDiagnostic(diagnostic);
  }
  if (!result.ok()) {
    std::cerr << "Configuration file errors encountered -- exiting\n";
    return false;
  }
  return true;
}

// The hook for `dhcpd -T`: the lease store (dhcpd/leases) plugs its dhcpd.leases check in here.
int checkLeaseFile(const CommandLine& line) {
  std::cerr << "dhcpd: -T (checking " << line.leaseFile
            << ") is not available in this build: it comes with the lease store\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = snowboot::dhcpd::parseCommandLine(args);
  if (!parsed) {
    std::cerr << "dhcpd: " << parsed.error() << "\n"
              << "Usage: dhcpd [-p <UDP port #>] [-f] [-d] [-q] [-t|-T] [-4] [-cf config-file]\n"
                 "             [-lf lease-file] [-pf pid-file] [--no-pid] [-user user]\n"
                 "             [-group group] [-chroot dir] [-tf trace-file] [-play trace-file]\n"
                 "             [if0 [...ifN]]\n";
    return 1;
  }
  const CommandLine& line = *parsed;
  switch (line.mode) {
    case CommandLine::Mode::Version:
      std::cout << "snowboot dhcpd " << snowboot::kVersion << "\n";
      return 0;
    case CommandLine::Mode::Help:
      std::cout << "Usage: dhcpd [-p <UDP port #>] [-f] [-d] [-q] [-t|-T] [-4] [-cf config-file]\n"
                   "             [-lf lease-file] [-pf pid-file] [--no-pid] [-user user]\n"
                   "             [-group group] [-chroot dir] [-tf trace-file] [-play trace-file]\n"
                   "             [if0 [...ifN]]\n";
      return 0;
    case CommandLine::Mode::CheckConfig:
      banner(line);
      if (!loadConfig(line)) return 1;
      if (!line.quiet) {
        std::cerr << "Config file: " << line.configFile << "\n"
                  << "Database file: " << line.leaseFile << "\n"
                  << "PID file: " << line.pidFile << "\n";
      }
      return 0;
    case CommandLine::Mode::CheckLeases:
      banner(line);
      return checkLeaseFile(line);
    case CommandLine::Mode::Serve:
      break;
  }
  banner(line);
  if (!loadConfig(line)) return 1;
  std::cerr << "dhcpd: this build of snowboot " << snowboot::kVersion
            << " checks configurations (dhcpd -t) but cannot serve DHCP yet\n";
  return 1;
}
