// A daemon with no job: it exercises common/daemon exactly as dhcpd and in.tftpd do (pid file,
// detach, chroot, privilege drop, systemd notification, TERM/HUP in the event loop), so
// daemon_test can check the plumbing from outside with real processes.

#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include "common/daemon/detach.hpp"
#include "common/daemon/pid_file.hpp"
#include "common/daemon/privileges.hpp"
#include "common/daemon/signals.hpp"
#include "common/daemon/systemd_notifier.hpp"

namespace po = boost::program_options;
using namespace snowboot::daemon;

int main(int argc, char** argv) {
  po::options_description options;
  options.add_options()
      ("pid-file", po::value<std::string>()->required())
      ("detach", "go to the background")
      ("chroot", po::value<std::string>())
      ("user", po::value<std::string>())
      ("fail", po::value<std::string>(), "report this start-up failure instead of running");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    po::notify(args);
  } catch (const po::error& error) {
    std::cerr << "daemon_probe: " << error.what() << "\n";
    return 2;
  }

  auto pidFile = PidFile::acquire(args["pid-file"].as<std::string>());
  if (!pidFile) {
    std::cerr << "daemon_probe: " << pidFile.error().message() << "\n";
    return 1;
  }
  std::optional<StartupReport> report;
  if (args.count("detach")) {
    auto detached = detach();
    if (!detached) {
      std::cerr << "daemon_probe: " << detached.error().message() << "\n";
      return 1;
    }
    report.emplace(std::move(*detached));
  }
  auto failStartup = [&](const std::string& message) {
    if (report) report->failed(message);
    std::cerr << "daemon_probe: " << message << "\n";
    return 1;
  };
  if (args.count("fail")) return failStartup(args["fail"].as<std::string>());
  if (auto written = pidFile->write(::getpid()); !written) {
    return failStartup(written.error().message());
  }

  SystemdNotifier notifier;  // before chroot: the socket may be outside the new root
  std::optional<Credentials> credentials;
  if (args.count("user")) {
    auto found = lookupCredentials(args["user"].as<std::string>());
    if (!found) return failStartup(found.error().message());
    credentials = *found;
  }
  if (args.count("chroot")) {
    if (auto entered = enterChroot(args["chroot"].as<std::string>()); !entered) {
      return failStartup(entered.error().message());
    }
  }
  if (credentials) {
    if (auto dropped = dropPrivileges(*credentials); !dropped) {
      return failStartup(dropped.error().message());
    }
  }

  boost::asio::io_context io;
  SignalDispatcher signals(
      io, [&] { notifier.stopping(); io.stop(); },
      [&] {
        notifier.reloading();
        notifier.ready("reloaded");
      });
  notifier.ready("probe running");
  if (report) report->ready();
  io.run();
  return 0;
}
