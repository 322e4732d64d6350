#include "tftpd/options.hpp"

#include <getopt.h>
#include <sys/socket.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "common/tftp/packet.hpp"

namespace snowboot::tftpd {

namespace {

enum LongOnly { kVerbosity = 256, kStderr, kMapTest };

template <class T>
std::optional<T> decimal(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

constexpr std::array kKnownOptions{"blksize", "blksize2", "tsize", "timeout", "utimeout",
                                   "rollover", "windowsize"};

}  // namespace

std::expected<Options, OptionsError> parseOptions(int argc, char** argv) {
  static const option kLong[] = {
      {"ipv4", no_argument, nullptr, '4'},
      {"ipv6", no_argument, nullptr, '6'},
      {"create", no_argument, nullptr, 'c'},
      {"secure", no_argument, nullptr, 's'},
      {"permissive", no_argument, nullptr, 'p'},
      {"verbose", no_argument, nullptr, 'v'},
      {"verbosity", required_argument, nullptr, kVerbosity},
      {"version", no_argument, nullptr, 'V'},
      {"listen", no_argument, nullptr, 'l'},
      {"foreground", no_argument, nullptr, 'L'},
      {"address", required_argument, nullptr, 'a'},
      {"blocksize", required_argument, nullptr, 'B'},
      {"user", required_argument, nullptr, 'u'},
      {"umask", required_argument, nullptr, 'U'},
      {"refuse", required_argument, nullptr, 'r'},
      {"timeout", required_argument, nullptr, 't'},
      {"retransmit", required_argument, nullptr, 'T'},
      {"port-range", required_argument, nullptr, 'R'},
      {"map-file", required_argument, nullptr, 'm'},
      {"pidfile", required_argument, nullptr, 'P'},
      {"stderr", no_argument, nullptr, kStderr},
      {"map-test", required_argument, nullptr, kMapTest},
      {nullptr, 0, nullptr, 0},
  };
  Options options;
  optind = 0;  // glibc: 0 also resets the scan state of an earlier call
  opterr = 0;
  int c = 0;
  while ((c = getopt_long(argc, argv, "46cspvVlLa:B:u:U:r:t:T:R:m:P:", kLong, nullptr)) != -1) {
    const std::string_view arg = optarg ? optarg : "";
    switch (c) {
      case '4': options.family = AF_INET; break;
      case '6': options.family = AF_INET6; break;
      case 'c': options.create = true; break;
      case 's': options.secure = true; break;
      case 'p': options.permissive = true; break;
      case 'l': options.listen = true; break;
      case 'L':
        options.listen = true;
        options.foreground = true;
        break;
      case 'a':
        options.listen = true;
        options.addresses.emplace_back(arg);
        break;
      case 't': {
        auto seconds = decimal<std::uint32_t>(arg);
        if (!seconds) return std::unexpected(OptionsError{fmt::format("Bad timeout: {}", arg)});
        options.waitTime = std::chrono::seconds(*seconds);
        break;
      }
      case 'B': {
        auto size = decimal<std::size_t>(arg);
        if (!size || *size < 512 || *size > tftp::kMaxBlockSize) {
          return std::unexpected(OptionsError{
              fmt::format("Bad maximum blocksize value (range 512-65464): {}", arg)});
        }
        options.maxBlockSize = *size;
        break;
      }
      case 'T': {
        auto value = decimal<std::uint32_t>(arg);
        if (!value || *value < 10000 || *value > 255000000) {
          return std::unexpected(OptionsError{fmt::format("Bad timeout value: {}", arg)});
        }
        options.retransmitMicroseconds = *value;
        break;
      }
      case 'R': {
        const auto colon = arg.find(':');
        std::optional<unsigned> from;
        std::optional<unsigned> to;
        if (colon != std::string_view::npos) {
          from = decimal<unsigned>(arg.substr(0, colon));
          to = decimal<unsigned>(arg.substr(colon + 1));
        }
        if (!from || !to || *from > *to || *to >= 65535) {
          return std::unexpected(OptionsError{fmt::format("Bad port range: {}", arg)});
        }
        options.portRange =
            std::pair(static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to));
        break;
      }
      case 'u': options.user = arg; break;
      case 'U': {
        unsigned value = 0;
        auto [end, error] = std::from_chars(arg.data(), arg.data() + arg.size(), value, 8);
        if (arg.empty() || error != std::errc{} || end != arg.data() + arg.size() || value > 0777) {
          return std::unexpected(OptionsError{fmt::format("Invalid umask: {}", arg)});
        }
        options.umask = static_cast<mode_t>(value);
        break;
      }
      case 'r': {
        bool known = false;
        for (const auto* name : kKnownOptions) known = known || tftp::equalsIgnoreCase(name, arg);
        if (!known) return std::unexpected(OptionsError{fmt::format("Unknown option: {}", arg)});
        options.refused.emplace_back(arg);
        break;
      }
      case 'm':
        if (!options.mapFile.empty()) return std::unexpected(OptionsError{"Multiple -m options"});
        options.mapFile = arg;
        break;
      case 'v': ++options.verbosity; break;
      case kVerbosity: options.verbosity = std::atoi(optarg); break;
      case 'V': options.version = true; break;
      case 'P': options.pidFile = arg; break;
      case kStderr: options.useStderr = true; break;
      case kMapTest: options.mapTest = arg; break;
      default: {
        // tftpd-hpa logs an unknown option and carries on; a typo in TFTP_OPTIONS should not
        // be silently ignored, so we refuse to start instead (see the man page).
        const std::string_view word = argv[optind - 1];
        const std::string bad = word.starts_with("--")
                                    ? std::string(word.substr(0, word.find('=')))
                                    : fmt::format("-{}", static_cast<char>(optopt));
        return std::unexpected(OptionsError{fmt::format("Unknown option: {}", bad)});
      }
    }
  }
  for (int i = optind; i < argc; ++i) options.directories.emplace_back(argv[i]);
  return options;
}

}  // namespace snowboot::tftpd
