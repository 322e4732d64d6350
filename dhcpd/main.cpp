// dhcpd: ISC dhcpd's command line. `dhcpd -t` checks a configuration and `-T` a lease file as
// ISC's do; otherwise it serves DHCP and BOOTP (dhcpd/server) on the interfaces named or found.

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "dhcpd/command_line.hpp"
#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/parser.hpp"
#include "dhcpd/conf/resolve.hpp"
#include "dhcpd/engine/lease_hostnames.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/leases/file_store.hpp"
#include "dhcpd/server/server.hpp"
#include "dhcpd/server/trace_player.hpp"
#include "dhcpd/trace/trace_writer.hpp"
#include "common/daemon/detach.hpp"
#include "common/daemon/pid_file.hpp"
#include "common/daemon/privileges.hpp"
#include "common/daemon/signals.hpp"
#include "common/log/logger.hpp"
#include "common/log/targets.hpp"
#include "snowboot/version.hpp"

namespace {

using snowboot::dhcpd::CommandLine;
namespace conf = snowboot::dhcpd::conf;
namespace engine = snowboot::dhcpd::engine;
namespace trace = snowboot::dhcpd::trace;

// The whole file in one buffer of its size: a stream and a stringstream copied a
// 6 MB configuration twice and held both copies at once.
std::expected<std::string, std::string> readFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(std::string(std::strerror(errno)));
  std::string text;
  struct stat status {};
  if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0) {
    const auto size = static_cast<std::size_t>(status.st_size);
    text.reserve(size);
    // A big file is filled whole: ask for huge pages before the first byte is written, so
    // the kernel faults it in by 2 MiB instead of 4 KiB (a hint; nothing depends on it).
    constexpr std::uintptr_t kHuge = 2 * 1024 * 1024;
    auto begin = (reinterpret_cast<std::uintptr_t>(text.data()) + kHuge - 1) & ~(kHuge - 1);
    auto end = (reinterpret_cast<std::uintptr_t>(text.data()) + size) & ~(kHuge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    text.resize(size);
  }
  std::size_t filled = 0;
  while (true) {
    if (filled == text.size()) text.resize(text.size() + 65536);  // it grew, or no size
    ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
    if (got > 0) {
      filled += static_cast<std::size_t>(got);
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    int error = got < 0 ? errno : 0;
    ::close(fd);
    text.resize(filled);
    // A directory opens but does not read: it is taken as empty, as the stream reader did.
    if (error != 0 && error != EISDIR) return std::unexpected(std::string(std::strerror(error)));
    return text;
  }
}

// A big configuration becomes a tree in malloc's heap of about eight times its size (host bodies,
// the arena, the checker's tables), faulted in 4 KiB at a time: 12,000 page faults were a third
// of `dhcpd -t`'s time on 50,000 hosts. So before parsing one, grow the heap once by enough and
// ask for huge pages over the new part; the kernel then faults it in 2 MiB at a time. Pages of
// the reservation never touched cost nothing. Hints only: nothing depends on them taking effect.
void reserveHeapFor(std::size_t sourceSize) {
  constexpr std::size_t kHuge = 2 * 1024 * 1024;
  constexpr std::size_t kMaxPad = std::size_t{1} << 28;  // mallopt takes an int
  if (sourceSize < 2 * kHuge) return;  // a few hundred faults: not worth a bigger heap
  const std::size_t pad = std::min(sourceSize * 10, kMaxPad);
  // Allocations up to 32 MiB stay in the heap (the root statement list, the checker's buckets)
  // and what is freed while parsing is not handed back, so the reservation is used in place.
  ::mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  // One allocation bigger than the free top of the heap makes malloc extend it by `pad`.
  const std::size_t top = std::min(::mallinfo2().keepcost, kMaxPad);
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * pad + top));
  ::mallopt(M_TOP_PAD, static_cast<int>(pad));
  void* probe = std::malloc(top + 4096);
  if (probe == nullptr) return;
  auto begin = (reinterpret_cast<std::uintptr_t>(probe) + 4095) & ~std::uintptr_t{4095};
  std::free(probe);
  ::mallopt(M_TOP_PAD, 128 * 1024);  // later growth as usual
  auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void banner(const CommandLine& line) {
  if (!line.quiet) std::cerr << "snowboot dhcpd " << snowboot::kVersion << " (ISC dhcpd 4.4 compatible)\n";
}

// -tf: each configuration file is recorded as it is read, so an include follows the file that
// names it, as in ISC's traces and as `-play` wants them.
conf::FileReader recordingReader(trace::Writer* recorder) {
  if (!recorder) return readFile;
  return [recorder](const std::string& path) {
    auto text = readFile(path);
    if (text) {
      if (auto failed = recorder->record(trace::Type::ReadConf, trace::encodeFile(path, *text))) {
        std::cerr << *failed << "\n";
      }
    }
    return text;
  };
}

// Parses and checks a configuration, printing every message; nothing when it has errors.
std::unique_ptr<conf::ParseResult> parseAndCheck(std::string source, const std::string& name,
                                                 const conf::FileReader& reader) {
  reserveHeapFor(source.size());
  auto result = std::make_unique<conf::ParseResult>(
      conf::parseConfig(std::move(source), name, reader));
  conf::checkConfig(*result);
  std::string messages;
  for (const auto& diagnostic : result->diagnostics) messages += conf::formatDiagnostic(diagnostic);
  std::cerr << messages;
  if (!result->ok()) {
    std::cerr << "Configuration file errors encountered -- exiting\n";
    return nullptr;
  }
  return result;
}

std::unique_ptr<conf::ParseResult> loadConfig(const std::string& path,
                                              const conf::FileReader& reader) {
  auto source = reader(path);
  if (!source) {
    std::cerr << "Can't open " << path << ": " << source.error() << "\n";
    return nullptr;
  }
  return parseAndCheck(std::move(*source), path, reader);
}

// The process is about to exit: freeing a 50,000-host tree node by node would only cost time.
// The pointer stays reachable from here, so leak checkers stay quiet.
conf::ParseResult* keptConfig = nullptr;
void keepUntilExit(std::unique_ptr<conf::ParseResult> config) { keptConfig = config.release(); }

// getaddrinfo for IPv4: how the daemon resolves fixed-address and next-server host names.
std::expected<snowboot::net::Ipv4Address, std::string> resolveIpv4(std::string_view name) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  std::string host(name);
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) return std::unexpected(std::string(gai_strerror(rc)));
  auto* in = reinterpret_cast<sockaddr_in*>(found->ai_addr);
  snowboot::net::Ipv4Address address(ntohl(in->sin_addr.s_addr));
  freeaddrinfo(found);
  return address;
}

// The name of an address, as ISC's gethostbyaddr() finds it (/etc/hosts, then DNS PTR).
std::optional<std::string> reverseLookup(snowboot::net::Ipv4Address address) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(address.value());
  char name[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&in), sizeof in, name, sizeof name, nullptr,
                  0, NI_NAMEREQD) != 0) {
    return std::nullopt;
  }
  return std::string(name);
}

// `dhcpd -T`: like ISC, a damaged record is reported but only an unreadable file fails.
int checkLeaseFile(const CommandLine& line) {
  const auto check = snowboot::dhcpd::leases::checkLeaseFile(line.leaseFile);
  std::cerr << check.report;
  return check.readable ? 0 : 1;
}

// Resolves a checked configuration: the model the engine serves, or nothing (messages printed).
std::shared_ptr<const engine::ConfigModel> buildModel(std::unique_ptr<conf::ParseResult> config) {
  if (!config) return nullptr;
  // Starting: host names become addresses now, as ISC resolves them at start-up.
  conf::resolveHostNames(*config, resolveIpv4);
  for (const auto& diagnostic : config->diagnostics) {
    if (diagnostic.message.find("does not resolve") != std::string::npos) {
      std::cerr << conf::formatDiagnostic(diagnostic);
    }
  }
  if (!config->ok()) {
    std::cerr << "Configuration file errors encountered -- exiting\n";
    return nullptr;
  }
  std::shared_ptr<const conf::ParseResult> parsed(std::move(config));
  auto model = engine::buildConfigModel(parsed);
  // An unreachable DNS server makes each lookup wait seconds: give all of them 30 s, so a
  // reload never stalls the server for long (the rest get no name, and say so).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t late = 0;
  auto names = engine::resolveLeaseHostnames(
      model, [&](snowboot::net::Ipv4Address address) -> std::optional<std::string> {
        if (std::chrono::steady_clock::now() > deadline) {
          ++late;
          return std::nullopt;
        }
        return reverseLookup(address);
      });
  if (names.skipped > 0 || late > 0) {
    std::cerr << "get-lease-hostnames: " << names.skipped + late
              << " addresses were not looked up (too many, or out of time); they get no host "
                 "name\n";
  }
  return std::make_shared<const engine::ConfigModel>(std::move(model));
}

std::shared_ptr<const engine::ConfigModel> loadModel(const std::string& path,
                                                     const conf::FileReader& reader) {
  return buildModel(loadConfig(path, reader));
}

// -tf: the trace file, created before the configuration is read so that it is recorded.
std::expected<std::unique_ptr<trace::Writer>, std::string> openTrace(const CommandLine& line) {
  if (line.traceOutput.empty()) return nullptr;
  auto created = trace::Writer::create(line.traceOutput);
  if (!created) return std::unexpected("Unable to begin trace: " + created.error().message());
  if (created->replaced) {
    std::cerr << "WARNING: Overwriting trace file \"" << line.traceOutput << "\"\n";
  }
  return std::move(created->writer);
}

// ISC's log destinations: -d logs to stderr and syslog, otherwise syslog only, at dhcpd.conf's
// log-facility.
snowboot::log::Logger makeLogger(const CommandLine& line, const engine::ConfigModel* model) {
  int facility = LOG_DAEMON;
  if (model) {
    for (const auto& statement : model->source->config.statements) {
      if (statement.kind == conf::Statement::Kind::Parameter &&
          statement.name == "log-facility" && !statement.args.empty()) {
        facility = snowboot::log::parseSyslogFacility(statement.args[0]).value_or(facility);
      }
    }
  }
  auto targets = snowboot::log::chooseTargets(line.debug, true, snowboot::log::stderrIsJournal());
  return snowboot::log::makeLogger(targets, "dhcpd", facility, snowboot::log::Level::Info);
}

// -user and -group (ISC's PARANOIA build, which Debian ships): whom to become once the sockets
// and the lease file are open. Looked up before the configuration is read, as ISC does.
struct Identity {
  std::optional<snowboot::daemon::Credentials> user;  // -user, with -group's gid if given
  std::optional<gid_t> group;                         // -group alone: the uid stays
};

std::expected<Identity, std::string> lookupIdentity(const CommandLine& line) {
  Identity identity;
  if (line.user.empty() && line.group.empty()) return identity;
  if (::geteuid() != 0) {
    return std::unexpected(line.user.empty() ? "you must be root to set group"
                                             : "you must be root to set user");
  }
  if (!line.user.empty()) {
    auto credentials = snowboot::daemon::lookupCredentials(line.user);
    if (!credentials) return std::unexpected("no such user: " + line.user);
    identity.user = std::move(*credentials);
  }
  if (!line.group.empty()) {
    auto gid = snowboot::daemon::lookupGroup(line.group);
    if (!gid) return std::unexpected("no such group: " + line.group);
    if (identity.user) {
      identity.user->gid = *gid;
    } else {
      identity.group = *gid;
    }
  }
  return identity;
}

// -chroot: entered after the configuration is read and before the pid and lease files are
// opened, so their paths are inside it (ISC's order).
std::optional<std::string> enterChroot(const CommandLine& line) {
  if (line.chroot.empty()) return std::nullopt;
  if (::geteuid() != 0) return "you must be root to use chroot";
  if (auto entered = snowboot::daemon::enterChroot(line.chroot); !entered) {
    return entered.error().message();
  }
  return std::nullopt;
}

// A new interface (one named on the command line that appears later) needs a packet socket,
// and ping-check's ICMP socket is already open: CAP_NET_RAW is all that is kept.
std::optional<std::string> becomeIdentity(const Identity& identity) {
  static constexpr int kKept[] = {CAP_NET_RAW};
  if (identity.user) {
    if (auto dropped = snowboot::daemon::dropPrivileges(*identity.user, kKept); !dropped) {
      return dropped.error().message();
    }
  } else if (identity.group) {
    if (auto changed = snowboot::daemon::changeGroup(*identity.group); !changed) {
      return changed.error().message();
    }
  }
  return std::nullopt;
}

// `dhcpd -play FILE -lf LEASES`: the recorded run again, on the recorded clock, sending nothing.
int replay(const CommandLine& line) {
  if (!line.leaseFileGiven) {
    // ISC's words: the default lease file is the live server's.
    std::cerr << "\n** You must specify a lease file with -lf.\n"
                 "   Dhcpd will not overwrite your default\n"
                 "   lease file when playing back a trace. **\n";
    return 1;
  }
  if (!line.traceOutput.empty()) {
    std::cerr << "dhcpd: -play and -tf together: recording a replay is not supported\n";
    return 1;
  }
  auto file = readFile(line.traceInput);
  if (!file) {
    std::cerr << "Can't open tracefile " << line.traceInput << ": " << file.error() << "\n";
    return 1;
  }
  auto logger = makeLogger(line, nullptr);
  snowboot::dhcpd::server::TracePlayer player(
      logger, line.leaseFile,
      [](std::string source, const std::string& name, const conf::FileReader& reader) {
        return buildModel(parseAndCheck(std::move(source), name, reader));
      });
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(file->data());
  if (auto failed = player.play(std::span(bytes, file->size()))) {
    logger.error("{}: {}; replay stopped there", line.traceInput, *failed);
    return 1;
  }
  return 0;
}

int serve(const CommandLine& line) {
  if (!line.traceInput.empty()) return replay(line);
  auto identity = lookupIdentity(line);
  if (!identity) {
    std::cerr << "dhcpd: " << identity.error() << "\n";
    return 1;
  }
  auto recorder = openTrace(line);
  if (!recorder) {
    std::cerr << recorder.error() << "\n";
    return 1;
  }
  auto model = loadModel(line.configFile, recordingReader(recorder->get()));
  if (!model) return 1;
  // Made before the chroot: it connects to /dev/log, which is outside.
  auto logger = makeLogger(line, model.get());
  if (!line.server.empty()) {
    logger.error("-s {}: not supported; replies go to the clients as usual", line.server);
  }

  // ISC names the lease file in its trace by its absolute path, as seen before the chroot.
  std::string tracedLeaseFile = line.leaseFile;
  if (*recorder) {
    std::error_code error;  // no absolute path (no working directory): the name as given
    auto absolute = std::filesystem::absolute(line.leaseFile, error);
    if (!error) tracedLeaseFile = absolute.string();
  }
  if (auto failed = enterChroot(line)) {
    std::cerr << "dhcpd: " << *failed << "\n";
    return 1;
  }
  if (*recorder) {
    // The leases as they are when the server starts: where a replay begins. (A missing file
    // is created empty by the store.)
    auto leases = readFile(line.leaseFile);
    if (auto failed = (*recorder)->record(
            trace::Type::ReadLeases,
            trace::encodeFile(tracedLeaseFile, leases ? std::string_view(*leases) : ""))) {
      logger.error("{}", *failed);
    }
  }
  bool foreground = line.foreground || line.debug;
  std::optional<snowboot::daemon::PidFile> pidFile;
  if (!line.noPid) {
    auto acquired = snowboot::daemon::PidFile::acquire(line.pidFile);
    if (!acquired) {
      std::cerr << "Can't create PID file " << line.pidFile << ": "
                << acquired.error().message() << "\n";
      return 1;
    }
    pidFile.emplace(std::move(*acquired));
  }
  std::optional<snowboot::daemon::StartupReport> report;
  if (!foreground) {
    auto detached = snowboot::daemon::detach();
    if (!detached) {
      std::cerr << "dhcpd: " << detached.error().message() << "\n";
      return 1;
    }
    report.emplace(std::move(*detached));
  }
  if (pidFile) (void)pidFile->write(getpid());
  // One thread runs the loop. Without the hint Asio assumes several and interrupts its own
  // epoll_wait (an epoll_ctl) whenever a handler queues another: 15,000 times a second under
  // load. The journal thread still posts to it; hint 1 keeps the scheduler's lock for that.
  boost::asio::io_context io(1);
  snowboot::dhcpd::server::Settings settings;
  settings.interfaces = line.interfaces;
  settings.leaseFile = line.leaseFile;
  settings.trace = recorder->get();
  if (line.port) settings.serverPort = static_cast<std::uint16_t>(*line.port);
  snowboot::dhcpd::server::Server server(io, logger, settings, model);
  if (auto failed = server.start()) {
    logger.error("{}", *failed);
    if (report) report->failed(*failed);
    return 1;
  }
  if (auto failed = becomeIdentity(*identity)) {
    logger.error("{}", *failed);
    if (report) report->failed(*failed);
    return 1;
  }
  snowboot::daemon::SignalDispatcher signals(
      io, [&] { io.stop(); },
      [&] {
        // SIGHUP: a configuration with errors leaves the running one in place. A trace keeps
        // the configuration of start-up: a replay has no reload to replay.
        auto next = loadModel(line.configFile, readFile);
        if (!next) {
          logger.error("{}: errors in the new configuration; keeping the running one",
                       line.configFile);
          return;
        }
        server.replaceConfig(std::move(next));
        logger.info("Reloaded {}", line.configFile);
      });
  if (report) report->ready();
  io.run();
  signals.cancel();
  server.stop();
  return 0;
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
    case CommandLine::Mode::CheckConfig: {
      banner(line);
      auto recorder = openTrace(line);  // ISC records the files it checks too
      if (!recorder) {
        std::cerr << recorder.error() << "\n";
        return 1;
      }
      auto config = loadConfig(line.configFile, recordingReader(recorder->get()));
      if (!config) return 1;
      keepUntilExit(std::move(config));
      if (!line.quiet) {
        std::cerr << "Config file: " << line.configFile << "\n"
                  << "Database file: " << line.leaseFile << "\n"
                  << "PID file: " << line.pidFile << "\n";
      }
      return 0;
    }
    case CommandLine::Mode::CheckLeases:
      banner(line);
      return checkLeaseFile(line);
    case CommandLine::Mode::Serve:
      break;
  }
  banner(line);
  return serve(line);
}
