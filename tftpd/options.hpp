#pragma once
// in.tftpd's command line (tftpd-hpa 5.2): the same short and long options, the same ranges,
// the same defaults. Parsing is separate from main() so it can be tested and reused.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace snowboot::tftpd {

struct Options {
  bool listen = false;      // -l, implied by -L and -a
  bool foreground = false;  // -L
  std::vector<std::string> addresses;  // -a [address][:port], repeatable
  int family = 0;           // AF_INET (-4), AF_INET6 (-6) or 0 for both
  bool create = false;      // -c
  bool secure = false;      // -s
  std::string user = "nobody";  // -u
  std::optional<mode_t> umask;  // -U (octal)
  bool permissive = false;  // -p
  std::string pidFile;      // -P
  std::optional<std::chrono::seconds> waitTime;  // -t (inetd mode)
  std::uint32_t retransmitMicroseconds = 1'000'000;  // -T
  std::string mapFile;      // -m
  int verbosity = 0;        // -v, --verbosity
  std::vector<std::string> refused;  // -r
  std::size_t maxBlockSize = 65464;  // -B
  std::optional<std::pair<std::uint16_t, std::uint16_t>> portRange;  // -R
  bool version = false;     // -V
  bool useStderr = false;   // --stderr (tftpd-hpa 5.3): log to stderr even when detached
  std::string mapTest;      // --map-test FILE: print the remapping of each line and exit
  std::vector<std::string> directories;
};

struct OptionsError {
  std::string message;
  int exitCode = 64;  // EX_USAGE
};

std::expected<Options, OptionsError> parseOptions(int argc, char** argv);

}  // namespace snowboot::tftpd
