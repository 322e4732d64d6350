#pragma once
// `dhcpd -play FILE -lf LEASES`: replays a trace that `-tf` recorded (ours or ISC dhcpd's) as
// ISC does. The configuration and the leases come from the trace, the interfaces are the
// recorded ones, each recorded packet goes through the engine at its recorded second, and
// ping-check is settled by the recorded echo replies or by its timeout on that clock. Nothing
// is sent; the leases granted are written to LEASES, durably, as the live server writes them.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/log/logger.hpp"
#include "dhcpd/conf/parser.hpp"
#include "dhcpd/engine/billing_book.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/engine.hpp"
#include "dhcpd/engine/offer_book.hpp"
#include "dhcpd/leases/file_store.hpp"
#include "dhcpd/trace/trace_format.hpp"

namespace snowboot::dhcpd::server {

// Parses, checks and builds a configuration from its text (its includes read through
// `reader`), printing the messages; nothing when it has errors.
using ModelLoader = std::function<std::shared_ptr<const engine::ConfigModel>(
    std::string source, const std::string& name, const conf::FileReader& reader)>;

class TracePlayer {
 public:
  TracePlayer(const log::Logger& logger, std::string leaseFile, ModelLoader loader);

  // Replays the whole trace; what ended it early (with the record's byte offset), if anything.
  std::optional<std::string> play(std::span<const std::uint8_t> file);

 private:
  struct Interface {
    std::string name;
    net::Ipv4Address address;
  };
  struct PendingProbe {
    engine::Probe probe;
    engine::Arrival arrival;
    dhcp::Message request;
    std::chrono::system_clock::time_point deadline;
  };
  using Failure = std::optional<std::string>;

  Failure handle(const trace::Record& record);
  Failure readConfiguration(const trace::Record& record);
  Failure readLeases(const trace::Record& record);
  Failure addInterface(const trace::Record& record);
  Failure receive(const trace::Record& record);
  // The recorded second has come: due ping timeouts fire, then expiry runs.
  void advanceClock(std::uint32_t when);
  void execute(const engine::Arrival& arrival, const dhcp::Message& request,
               engine::Outcome outcome);
  void settleProbe(std::uint32_t address, engine::ProbeResult result);
  // Waits for the lease file and logs what did not reach it.
  void drain();

  const log::Logger& logger_;
  std::string leaseFile_;
  ModelLoader loader_;
  std::optional<trace::Reader> reader_;
  leases::Time now_{};
  std::shared_ptr<const engine::ConfigModel> config_;
  std::unique_ptr<leases::FileLeaseStore> store_;
  engine::OfferBook offers_;
  engine::BillingBook billing_;
  std::map<std::uint32_t, Interface> interfaces_;  // by recorded index
  std::map<std::uint32_t, PendingProbe> probes_;   // by probed address
  std::set<std::string, std::less<>> skippedTypes_;
  struct CommitErrors {  // the journal thread reports them
    std::mutex mutex;
    std::vector<std::string> messages;
  };
  std::shared_ptr<CommitErrors> commitErrors_ = std::make_shared<CommitErrors>();
  std::size_t packets_ = 0;
  std::size_t pings_ = 0;  // echo requests read where the engine sent its own
};

}  // namespace snowboot::dhcpd::server
