#pragma once
// The DHCP server's shell: one Boost.Asio loop around the engine. Frames come in through a
// packet socket per served interface; replies leave as raw frames or through the kernel's UDP
// socket, as the engine's destination says. A reply that depends on a lease change is sent only
// once the file store says the change is durable.

#include <chrono>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/log/logger.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/engine.hpp"
#include "dhcpd/io/icmp_socket.hpp"
#include "dhcpd/io/interfaces.hpp"
#include "dhcpd/io/link_monitor.hpp"
#include "dhcpd/io/packet_socket.hpp"
#include "dhcpd/io/udp_socket.hpp"
#include "dhcpd/leases/file_store.hpp"
#include "dhcpd/server/read_pacer.hpp"
#include "dhcpd/trace/trace_writer.hpp"

namespace snowboot::dhcpd::server {

struct Settings {
  std::vector<std::string> interfaces;  // empty: every broadcast interface with a subnet
  std::string leaseFile;
  std::uint16_t serverPort = 67;
  trace::Writer* trace = nullptr;  // -tf: what the server reads is recorded here
};

class Server {
 public:
  Server(boost::asio::io_context& io, const log::Logger& logger, Settings settings,
         std::shared_ptr<const engine::ConfigModel> config);
  ~Server();

  // Opens the lease file, the UDP socket and the link monitor, then serves every interface
  // that is ready; a named one that is missing is waited for. An error message when it cannot.
  std::optional<std::string> start();
  // SIGHUP with a configuration that loaded: later packets use it.
  void replaceConfig(std::shared_ptr<const engine::ConfigModel> config);
  void stop();

 private:
  struct Served {
    io::InterfaceChoice choice;
    std::unique_ptr<io::PacketSocket> socket;
    std::unique_ptr<boost::asio::posix::stream_descriptor> stream;
    ReadPacer pacer;
    std::unique_ptr<boost::asio::steady_timer> readTimer;  // paced reads
  };

  void refreshInterfaces();
  // Waits for the interface's frames: on readiness, or at the pacer's time under load.
  void readFrames(Served& served);
  void readFramesAt(Served& served, ReadPacer::Clock::time_point when);
  void drainFrames(const std::string& name);
  void onFrame(Served& served, std::span<const std::uint8_t> frame);
  void watchLinks();
  void scheduleExpiry();
  void execute(const engine::Arrival& arrival, const dhcp::Message& request,
               engine::Outcome outcome);
  // ping-check: one echo out per probe, settled by its reply or its timer, never by blocking.
  void startProbe(const engine::Arrival& arrival, const dhcp::Message& request,
                  const engine::Probe& probe);
  void readEchoReplies();
  void settleProbe(std::uint32_t address, std::uint16_t sequence, engine::ProbeResult result);
  void send(const std::string& interface, const dhcp::EncodeLimits& limits,
            const dhcp::Message& reply, const engine::Destination& destination);
  // -tf: one record; the first failure is logged and ends the recording.
  void traceRecord(trace::Type type, const std::vector<std::uint8_t>& payload);
  // The trace's number for an interface: ISC's slot in its interface list.
  std::uint32_t traceIndex(std::string_view interface);
  // Runs `work` on the loop. The journal reports each commit on its own thread, several per
  // fsync; they queue here and one posted drain runs them, not one wake-up of the loop each.
  void fromJournal(std::function<void()> work);

  boost::asio::io_context& io_;
  const log::Logger& logger_;
  Settings settings_;
  std::shared_ptr<const engine::ConfigModel> config_;
  std::unique_ptr<leases::FileLeaseStore> store_;
  engine::OfferBook offers_;
  engine::BillingBook billing_;  // `lease limit`: which class each lease is billed to
  std::optional<io::UdpSocket> udp_;
  std::optional<io::LinkMonitor> monitor_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> monitorStream_;
  std::map<std::string, Served> served_;
  std::map<std::string, io::InterfaceState> lastState_;
  std::map<std::string, std::uint32_t, std::less<>> traceIndexes_;
  boost::asio::steady_timer expiryTimer_;
  struct JournalReports {
    std::mutex mutex;
    std::vector<std::function<void()>> waiting;
  };
  std::shared_ptr<JournalReports> journalReports_ = std::make_shared<JournalReports>();
  struct PendingProbe {
    engine::Probe probe;
    engine::Arrival arrival;
    dhcp::Message request;  // the DISCOVER that asked; its OFFER answers it
    std::uint16_t sequence = 0;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  std::optional<io::IcmpSocket> icmp_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> icmpStream_;
  std::map<std::uint32_t, PendingProbe> probes_;  // by probed address
  std::uint16_t nextSequence_ = 0;
  // Shared with commit callbacks that may outlive a stop: they check it before touching us.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace snowboot::dhcpd::server
