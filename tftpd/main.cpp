// in.tftpd: tftpd-hpa's command line around the snowboot TFTP server. main() only wires:
// options -> listening sockets -> root -> (detach, pid file) -> chroot -> drop privileges ->
// event loop.

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/daemon/detach.hpp"
#include "common/daemon/pid_file.hpp"
#include "common/daemon/privileges.hpp"
#include "common/daemon/signals.hpp"
#include "common/log/logger.hpp"
#include "snowboot/version.hpp"
#include "tftpd/options.hpp"
#include "tftpd/paths.hpp"
#include "tftpd/remap.hpp"
#include "tftpd/server.hpp"

namespace {

using namespace snowboot;
using namespace snowboot::tftpd;

constexpr int kExUsage = 64;
constexpr int kExNoInput = 66;
constexpr int kExNoUser = 67;
constexpr int kExOsErr = 71;
constexpr int kExIoErr = 74;
constexpr int kExConfig = 78;

struct Fatal {
  std::string message;
  int exitCode;
};

std::uint16_t defaultPort() {
  if (const servent* entry = ::getservbyname("tftp", "udp")) return ntohs(static_cast<std::uint16_t>(entry->s_port));
  return 69;
}

// "[address][:port]" as tftpd-hpa reads it; IPv6 literals in brackets.
struct ListenSpec {
  std::string host;  // empty: every address
  std::string port;  // empty: the tftp service
};

ListenSpec splitAddress(const std::string& text) {
  ListenSpec spec;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    spec.host = text.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ':') {
      spec.port = text.substr(close + 2);
    }
    return spec;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    spec.host = text;
  } else if (text.find(':') != colon) {
    spec.host = text;  // a bare IPv6 literal: no port can follow without brackets
  } else {
    spec.host = text.substr(0, colon);
    spec.port = text.substr(colon + 1);
  }
  return spec;
}

std::expected<std::vector<int>, Fatal> openListeners(const Options& options) {
  std::vector<std::string> specs = options.addresses;
  if (specs.empty()) specs.emplace_back(":");
  std::vector<int> fds;
  for (const auto& text : specs) {
    const ListenSpec spec = splitAddress(text);
    std::uint16_t port = defaultPort();
    if (!spec.port.empty()) {
      char* end = nullptr;
      const unsigned long number = std::strtoul(spec.port.c_str(), &end, 10);
      if (*end == '\0' && number <= 65535) {
        port = static_cast<std::uint16_t>(number);
      } else if (const servent* entry = ::getservbyname(spec.port.c_str(), "udp")) {
        port = ntohs(static_cast<std::uint16_t>(entry->s_port));
      } else {
        return std::unexpected(Fatal{"cannot resolve local port: " + spec.port, kExNoInput});
      }
    }
    addrinfo hints{};
    hints.ai_family = options.family;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* results = nullptr;
    const std::string service = std::to_string(port);
    const int rc = ::getaddrinfo(spec.host.empty() ? nullptr : spec.host.c_str(), service.c_str(),
                                 &hints, &results);
    if (rc != 0) {
      return std::unexpected(
          Fatal{"cannot resolve local bind address: " + text + ": " + ::gai_strerror(rc), kExNoInput});
    }
    for (addrinfo* ai = results; ai; ai = ai->ai_next) {
      const int fd = ::socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      if (ai->ai_family == AF_INET6) {
        const int on = 1;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
      }
      if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        const int error = errno;
        ::close(fd);
        // With both families asked for, a machine without IPv6 still serves IPv4.
        if (options.family == 0 && ai->ai_family == AF_INET6) continue;
        ::freeaddrinfo(results);
        return std::unexpected(
            Fatal{std::string("cannot bind to local socket ") + text + ": " + std::strerror(error),
                  kExIoErr});
      }
      fds.push_back(fd);
    }
    ::freeaddrinfo(results);
  }
  if (fds.empty()) return std::unexpected(Fatal{"no listen addresses available", kExNoInput});
  return fds;
}

// \i and \x for a client address.
RemapClient clientOf(const RemapRequest& request) {
  RemapClient client;
  client.read = request.read;
  auto address = request.client;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  client.ipv6 = address.is_v6();
  client.address = address.to_string();
  if (address.is_v4()) {
    for (auto byte : address.to_v4().to_bytes()) client.hexAddress += fmt::format("{:02X}", byte);
  } else {
    for (auto byte : address.to_v6().to_bytes()) client.hexAddress += fmt::format("{:02X}", byte);
  }
  return client;
}

// --map-test FILE (tftpd-hpa 5.3): each line of FILE through the rules, as an RRQ (a WRQ with
// -c) from 192.0.2.34 (2001:db8::feed:face:dead:beef with -6).
int mapTest(const Options& options, const RemapRules* rules) {
  FILE* in = options.mapTest == "-" ? stdin : std::fopen(options.mapTest.c_str(), "r");
  if (!in) {
    std::fprintf(stderr, "%s: cannot open map test file: %s\n", options.mapTest.c_str(),
                 std::strerror(errno));
    return kExNoInput;
  }
  RemapRequest request;
  request.read = !options.create;
  request.client = options.family == AF_INET6
                       ? boost::asio::ip::address(
                             boost::asio::ip::make_address_v6("2001:db8::feed:face:dead:beef"))
                       : boost::asio::ip::address(boost::asio::ip::make_address_v4("192.0.2.34"));
  const RemapClient client = clientOf(request);
  char* line = nullptr;
  std::size_t capacity = 0;
  ssize_t length = 0;
  while ((length = ::getline(&line, &capacity, in)) > 0) {
    std::string name(line, static_cast<std::size_t>(length));
    if (name.back() != '\n') continue;
    name.pop_back();
    if (!rules) {
      std::printf("%s\n", name.c_str());
      continue;
    }
    auto mapped = rules->apply(name, client);
    if (mapped) {
      std::printf("%s\n", mapped->c_str());
    } else {
      std::printf("ERROR: %s\n", mapped.error().c_str());
    }
  }
  std::free(line);
  if (in != stdin) std::fclose(in);
  return 0;
}

int run(const Options& options, log::Logger& logger) {
  auto fail = [&](const Fatal& fatal) {
    logger.error("{}", fatal.message);
    // A refused start must be seen by whoever started us; in inetd mode stderr may be the
    // client's socket, so only in listen mode.
    if (options.listen && !options.foreground && !options.useStderr) {
      std::fprintf(stderr, "in.tftpd: %s\n", fatal.message.c_str());
    }
    return fatal.exitCode;
  };
  std::shared_ptr<const RemapRules> rules;
  if (!options.mapFile.empty()) {
    auto loaded = loadRemapFile(options.mapFile);
    if (!loaded) return fail({loaded.error().format(), kExConfig});
    rules = std::make_shared<const RemapRules>(std::move(*loaded));
  }
  if (!options.mapTest.empty()) return mapTest(options, rules.get());
  if (options.directories.empty() && options.secure) {
    return fail({"no -s directory", kExUsage});
  }
  if (options.secure && options.directories.size() != 1) {
    return fail({"-s requires exactly one directory", kExUsage});
  }

  PathPolicy policy;
  policy.secure = options.secure;
  policy.permissive = options.permissive;
  policy.create = options.create;
  // tftpd-hpa: umask 0 unless --permissive without --umask, which keeps the inherited one.
  const mode_t inherited = ::umask(0);
  const mode_t mask = options.umask ? *options.umask : options.permissive ? inherited : 0;
  ::umask(mask);
  policy.createMode = static_cast<mode_t>(0666 & ~mask);
  int rootFd = AT_FDCWD;
  if (options.secure) {
    rootFd = ::open(options.directories[0].c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0) return fail({options.directories[0] + ": " + std::strerror(errno), kExNoInput});
  } else {
    for (const auto& directory : options.directories) policy.directories.push_back(directory);
  }

  auto credentials = daemon::lookupCredentials(options.user);
  if (!credentials) return fail({"no user " + options.user, kExNoUser});

  std::vector<int> listenFds;
  if (options.listen) {
    auto opened = openListeners(options);
    if (!opened) return fail(opened.error());
    listenFds = std::move(*opened);
  } else {
    // inetd mode: the socket is our stdin.
    const int fd = ::fcntl(0, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return fail({std::string("dup failed: ") + std::strerror(errno), kExOsErr});
    listenFds.push_back(fd);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      if (!options.useStderr) ::dup2(null, 2);
      ::close(null);
    }
  }

  std::optional<daemon::PidFile> pidFile;
  if (!options.pidFile.empty()) {
    if (!options.listen) {
      logger.warning("not in standalone mode, ignoring pid file");
    } else {
      auto acquired = daemon::PidFile::acquire(options.pidFile);
      if (!acquired) return fail({acquired.error().message(), kExOsErr});
      pidFile.emplace(std::move(*acquired));
    }
  }
  std::optional<daemon::StartupReport> report;
  if (options.listen && !options.foreground) {
    auto detached = daemon::detach();
    if (!detached) return fail({detached.error().message(), kExOsErr});
    report.emplace(std::move(*detached));
  }
  if (pidFile) {
    if (auto written = pidFile->write(::getpid()); !written) {
      logger.error("{}", written.error().message());
    }
  }

  if (::geteuid() == 0) {
    if (options.secure) {
      if (auto entered = daemon::enterChroot(options.directories[0]); !entered) {
        if (report) report->failed(entered.error().message());
        return fail({entered.error().message(), kExOsErr});
      }
    }
    if (auto dropped = daemon::dropPrivileges(*credentials); !dropped) {
      if (report) report->failed(dropped.error().message());
      return fail({"cannot drop privileges: " + dropped.error().message(), kExOsErr});
    }
    if (::geteuid() == 0 || ::getuid() == 0) {
      const std::string message = "refusing to serve as root: use --user with another user";
      if (report) report->failed(message);
      return fail({message, kExUsage});
    }
  }

  PathResolver resolver(policy, rootFd);
  ServerConfig config;
  config.limits.maxBlockSize = options.maxBlockSize;
  config.limits.retransmit = Microseconds(options.retransmitMicroseconds);
  config.limits.refused = options.refused;
  config.portRange = options.portRange;
  config.verbosity = options.verbosity;
  if (!options.listen) {
    // tftpd-hpa: -t 0 means wait forever; the default is 900 seconds.
    const auto wait = options.waitTime.value_or(std::chrono::seconds(900));
    if (wait.count() > 0) config.idleExit = wait;
  }

  // One thread runs everything: let Asio leave out the locking.
  boost::asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  Server server(io, logger, resolver, config);
  for (const int fd : listenFds) server.addListener(fd);
  if (rules) {
    server.setRemapper([&rules](const RemapRequest& request) {
      return rules->apply(request.name, clientOf(request));
    });
  }
  daemon::SignalDispatcher signals(
      io,
      [&] {
        server.stop();
        io.stop();
      },
      [&] {
        // tftpd-hpa rereads the map file on SIGHUP; a broken file keeps the old rules.
        if (options.mapFile.empty()) return;
        auto loaded = loadRemapFile(options.mapFile);
        if (!loaded) {
          logger.error("{} (keeping the previous rules)", loaded.error().format());
          return;
        }
        rules = std::make_shared<const RemapRules>(std::move(*loaded));
        logger.info("reloaded {} remap rules from {}", rules->size(), options.mapFile);
      });
  if (report) report->ready();
  io.run();
  signals.cancel();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parseOptions(argc, argv);
  log::Logger logger(log::Level::Info);
  if (!parsed) {
    std::fprintf(stderr, "in.tftpd: %s\n", parsed.error().message.c_str());
    logger.addSink(log::syslogSink("in.tftpd", LOG_DAEMON));
    logger.error("{}", parsed.error().message);
    return parsed.error().exitCode;
  }
  const Options& options = *parsed;
  if (options.version) {
    std::printf("tftp-hpa 5.2 compatible (snowboot in.tftpd %s), with remap, with windowsize\n",
                snowboot::kVersion);
    return 0;
  }
  if (options.foreground || options.useStderr) {
    logger.addSink(log::stderrSink());
  } else {
    logger.addSink(log::syslogSink("in.tftpd", LOG_DAEMON));
  }
  logger.setThreshold(options.verbosity >= 3 ? log::Level::Debug : log::Level::Info);
  return run(options, logger);
}
