#include "dhcpd/command_line.hpp"

#include <charconv>

#include <fmt/format.h>

namespace snowboot::dhcpd {

std::expected<CommandLine, std::string> parseCommandLine(std::span<const std::string> args) {
  CommandLine line;
  bool modeSet = false;
  auto setMode = [&](CommandLine::Mode mode, const std::string& flag)
      -> std::optional<std::string> {
    if (modeSet && line.mode != mode) return fmt::format("{} conflicts with an earlier option", flag);
    line.mode = mode;
    modeSet = true;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string& out) -> std::optional<std::string> {
      if (i + 1 >= args.size()) return fmt::format("{} needs an argument", arg);
      out = args[++i];
      return std::nullopt;
    };
    std::optional<std::string> problem;
    if (arg == "-cf") problem = value(line.configFile);
    else if (arg == "-lf") {
      problem = value(line.leaseFile);
      line.leaseFileGiven = true;
    }
    else if (arg == "-pf") problem = value(line.pidFile);
    else if (arg == "-tf") problem = value(line.traceOutput);
    else if (arg == "-play") problem = value(line.traceInput);
    else if (arg == "-user") problem = value(line.user);
    else if (arg == "-group") problem = value(line.group);
    else if (arg == "-chroot") problem = value(line.chroot);
    else if (arg == "-s") problem = value(line.server);
    else if (arg == "-p") {
      std::string text;
      problem = value(text);
      int port = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
      if (!problem && (ec != std::errc{} || end != text.data() + text.size() || port <= 0 ||
                       port > 65535)) {
        problem = fmt::format("-p: {} is not a port number", text);
      }
      line.port = port;
    } else if (arg == "--no-pid") line.noPid = true;
    else if (arg == "-f") line.foreground = true;
    else if (arg == "-d") line.debug = line.foreground = true;
    else if (arg == "-q") line.quiet = true;
    else if (arg == "-4") {
    } else if (arg == "-6" || arg == "-4o6") {
      problem = "DHCPv6 is not supported by snowboot (it serves DHCPv4, as `dhcpd -4`)";
    } else if (arg == "-t") problem = setMode(CommandLine::Mode::CheckConfig, arg);
    else if (arg == "-T") problem = setMode(CommandLine::Mode::CheckLeases, arg);
    else if (arg == "--version") problem = setMode(CommandLine::Mode::Version, arg);
    else if (arg == "--help" || arg == "-h") problem = setMode(CommandLine::Mode::Help, arg);
    else if (arg == "-n" || arg == "-N" || arg == "-P" || arg == "-D" || arg == "-S") {
      // ISC's debugging switches for the DHCPv6 and relay builds.
      problem = fmt::format("{} is not supported by snowboot", arg);
    } else if (!arg.empty() && arg[0] == '-') {
      problem = fmt::format("unknown option {}", arg);
    } else {
      line.interfaces.push_back(arg);
    }
    if (problem) return std::unexpected(*problem);
  }
  return line;
}

}  // namespace snowboot::dhcpd
