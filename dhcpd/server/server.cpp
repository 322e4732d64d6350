#include "dhcpd/server/server.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <random>

#include <boost/asio/post.hpp>

#include "common/net/udp_frame.hpp"
#include "dhcpd/server/lease_setup.hpp"

namespace snowboot::dhcpd::server {

namespace asio = boost::asio;
using StreamDescriptor = asio::posix::stream_descriptor;

namespace {

leases::Time now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string_view describe(io::InterfaceState state) {
  switch (state) {
    case io::InterfaceState::Ready: return "ready";
    case io::InterfaceState::Missing: return "missing";
    case io::InterfaceState::Down: return "down";
    case io::InterfaceState::NoAddress: return "no IPv4 address";
    case io::InterfaceState::NoSubnet: return "no subnet declaration";
    case io::InterfaceState::NotBroadcast: return "not broadcast-capable";
  }
  return "?";
}

constexpr auto kExpiryInterval = std::chrono::seconds(60);

}  // namespace

Server::Server(asio::io_context& io, const log::Logger& logger, Settings settings,
               std::shared_ptr<const engine::ConfigModel> config)
    : io_(io), logger_(logger), settings_(std::move(settings)), config_(std::move(config)),
      expiryTimer_(io) {}

Server::~Server() { stop(); }

std::optional<std::string> Server::start() {
  auto store = openLeaseStore(settings_.leaseFile, *config_, now(), logger_);
  if (!store) return store.error();
  store_ = std::move(*store);
  rebuildBilling(billing_, store_->memory());

  auto udp = io::UdpSocket::open(settings_.serverPort);
  if (!udp) return "Can't bind to dhcp address: " + udp.error().message();
  if (auto discarding = udp->discardIncoming(); !discarding) {
    return "Can't bind to dhcp address: " + discarding.error().message();
  }
  udp_.emplace(std::move(*udp));

  auto monitor = io::LinkMonitor::open();
  if (!monitor) return "Can't watch network links: " + monitor.error().message();
  monitor_.emplace(std::move(*monitor));
  monitorStream_ = std::make_unique<StreamDescriptor>(io_, monitor_->fileDescriptor());
  watchLinks();

  // ISC carries on without ping-check when it cannot open its ICMP socket; so do we, but we
  // offer at once instead of waiting ping-timeout for an echo that was never sent.
  std::random_device random;
  auto icmp = io::IcmpSocket::open(static_cast<std::uint16_t>(random()));
  if (icmp) {
    icmp_.emplace(std::move(*icmp));
    icmpStream_ = std::make_unique<StreamDescriptor>(io_, icmp_->fileDescriptor());
    readEchoReplies();
  } else {
    logger_.error("unable to create icmp socket: {}", icmp.error().message());
  }

  refreshInterfaces();
  if (served_.empty() && settings_.interfaces.empty()) {
    return "No subnet declaration for any broadcast interface: not configured to listen on any "
           "interfaces!";
  }
  if (settings_.trace) {
    traceRecord(trace::Type::Interface,
                trace::encodeInterface({{}, traceIndex(trace::kFallbackInterface), {},
                                        std::string(trace::kFallbackInterface)}));
  }
  logger_.info("Sending on   Socket/fallback/fallback-net");
  logger_.info("Server starting service.");
  scheduleExpiry();
  return std::nullopt;
}

void Server::stop() {
  *alive_ = false;
  expiryTimer_.cancel();
  // The sockets own their descriptors: the Asio wrappers only watch them.
  if (monitorStream_) monitorStream_->release();
  if (icmpStream_) icmpStream_->release();
  icmpStream_.reset();
  probes_.clear();  // their timers are cancelled as they go
  for (auto& [name, served] : served_) {
    if (served.stream) served.stream->release();
  }
  served_.clear();
  monitorStream_.reset();
  if (store_) store_->drain();
}

void Server::replaceConfig(std::shared_ptr<const engine::ConfigModel> config) {
  auto old = config_->allRanges();
  auto next = config->allRanges();
  // Ranges the new configuration no longer has go first (a shrunk range is removed, then added
  // again smaller); their leases are dropped as ISC would drop them on a restart.
  bool removed = false;
  for (const auto& range : old) {
    if (std::find(next.begin(), next.end(), range) != next.end()) continue;
    if (store_->removeRange(range)) {
      removed = true;
      logger_.info("range {} {} is no longer served", range.first.toString(),
                   range.last.toString());
    }
  }
  for (const auto& range : next) {
    if (std::find(old.begin(), old.end(), range) != old.end()) continue;
    if (auto added = store_->addRange(range); !added) {
      logger_.error("range {} {} not served: {}", range.first.toString(), range.last.toString(),
                    added.error().detail);
    }
  }
  if (removed) {
    for (const auto& lease : store_->dropLeasesOutsideRanges()) {
      billing_.unbill(lease.address);
      logger_.info("lease {}: no subnet.", lease.address.toString());
    }
    store_->compact([this, alive = alive_](const leases::CommitResult& result) {
      if (result) return;
      auto detail = result.error().detail;
      asio::post(io_, [this, alive, detail] {
        if (*alive) logger_.error("lease file not rewritten after reload: {}", detail);
      });
    });
  }
  config_ = std::move(config);
  refreshInterfaces();
}

void Server::refreshInterfaces() {
  auto found = io::discoverInterfaces();
  if (!found) {
    logger_.error("Can't list network interfaces: {}", found.error().message());
    return;
  }
  auto choices = io::chooseInterfaces(*found, settings_.interfaces, config_->networks());
  for (const auto& choice : choices) {
    auto& last = lastState_[choice.name];
    bool changed = last != choice.state;
    last = choice.state;
    auto existing = served_.find(choice.name);
    if (choice.state != io::InterfaceState::Ready) {
      if (existing != served_.end()) {
        existing->second.stream->release();
        served_.erase(existing);
        logger_.warning("Stopped serving {}: {}", choice.name, describe(choice.state));
      } else if (changed && !settings_.interfaces.empty()) {
        logger_.warning("Waiting for {}: {}", choice.name, describe(choice.state));
      }
      continue;
    }
    if (existing != served_.end()) {
      existing->second.choice = choice;  // the address may have changed
      continue;
    }
    io::PacketSocket::Settings capture;
    capture.filter = fmt::format("ip and udp dst port {}", settings_.serverPort);
    auto socket = io::PacketSocket::open(choice.name, capture);
    if (!socket) {
      logger_.error("Can't listen on {}: {}", choice.name, socket.error().message());
      continue;
    }
    Served served;
    served.choice = choice;
    served.socket = std::make_unique<io::PacketSocket>(std::move(*socket));
    served.stream = std::make_unique<StreamDescriptor>(io_, served.socket->fileDescriptor());
    served.readTimer = std::make_unique<asio::steady_timer>(io_);
    auto [it, inserted] = served_.emplace(choice.name, std::move(served));
    std::string where = fmt::format("LPF/{}/{}/{}", choice.name,
                                    choice.mac ? choice.mac->toString() : "-",
                                    choice.subnet ? choice.subnet->toString() : "-");
    logger_.info("Listening on {}", where);
    logger_.info("Sending on   {}", where);
    if (settings_.trace) {
      traceRecord(trace::Type::Interface,
                  trace::encodeInterface({choice.address, traceIndex(choice.name), choice.mac,
                                          choice.name}));
    }
    readFrames(it->second);
  }
}

void Server::readFrames(Served& served) {
  served.stream->async_wait(StreamDescriptor::wait_read,
                            [this, name = served.choice.name, alive = alive_](auto error) {
                              if (!error && *alive) drainFrames(name);
                            });
}

void Server::readFramesAt(Served& served, ReadPacer::Clock::time_point when) {
  served.readTimer->expires_at(when);
  served.readTimer->async_wait([this, name = served.choice.name, alive = alive_](auto error) {
    if (!error && *alive) drainFrames(name);
  });
}

void Server::drainFrames(const std::string& name) {
  auto found = served_.find(name);
  if (found == served_.end()) return;
  Served& current = found->second;
  const auto start = ReadPacer::Clock::now();
  std::size_t frames = 0;
  {
    const log::Logger::Hold hold(logger_);  // the burst's lines leave together
    auto drained = current.socket->drain([&](auto frame) { onFrame(current, frame); });
    if (drained) {
      frames = *drained;
    } else {
      logger_.error("receive on {}: {}", name, drained.error().message());
    }
  }
  // onFrame never removes interfaces, so `current` is still valid here. While reads are paced
  // the socket is out of the loop's epoll set: registered (edge-triggered, as Asio does), each
  // frame would still wake the loop, only to find nothing waiting on it.
  if (auto next = current.pacer.afterRead(start, frames)) {
    if (current.stream->is_open()) current.stream->release();
    readFramesAt(current, *next);
  } else {
    if (!current.stream->is_open()) {
      boost::system::error_code error;
      current.stream->assign(current.socket->fileDescriptor(), error);
      if (error) {
        logger_.error("watch {} again: {}; retrying in a second", name, error.message());
        readFramesAt(current, start + std::chrono::seconds(1));
        return;
      }
    }
    readFrames(current);
  }
}

void Server::onFrame(Served& served, std::span<const std::uint8_t> frame) {
  auto udp = net::parseUdpFrame(frame);
  if (!udp || udp->header.destinationPort != settings_.serverPort) return;
  // Our own replies to relays are not requests.
  if (served.choice.mac && udp->header.sourceMac == *served.choice.mac) return;
  if (settings_.trace) {
    traceRecord(trace::Type::InPacket,
                trace::encodeInPacket({traceIndex(served.choice.name), udp->header.sourceAddress,
                                       udp->header.sourcePort, udp->header.sourceMac,
                                       udp->payload}));
  }
  auto request = dhcp::decode(udp->payload);
  if (!request) {
    logger_.debug("dropped a malformed DHCP packet from {}: {}",
                  udp->header.sourceAddress.toString(), dhcp::toString(request.error().code));
    return;
  }
  engine::Engine engine(*config_, *store_, offers_, billing_);
  engine::Arrival arrival{served.choice.name, served.choice.address, udp->payload.size()};
  auto outcome = engine.handle(*request, arrival, now());
  execute(arrival, *request, std::move(outcome));
}

void Server::execute(const engine::Arrival& arrival, const dhcp::Message& request,
                     engine::Outcome outcome) {
  // The reply's own line ("DHCPACK on ...") is the engine's last: it is logged when the reply
  // actually leaves, which for an ACK is after its lease is durable.
  std::string replyLine;
  if (outcome.reply && !outcome.log.empty()) {
    replyLine = std::move(outcome.log.back());
    outcome.log.pop_back();
  }
  for (const auto& line : outcome.log) logger_.write(log::Level::Info, line);
  if (outcome.probe) startProbe(arrival, request, *outcome.probe);
  if (outcome.release) {
    store_->release(*outcome.release, now(), [this](const auto& result) {
      if (result) return;
      fromJournal([this, detail = result.error().detail] {
        logger_.error("release not recorded: {}", detail);
      });
    });
  }
  if (!outcome.reply) {
    for (const auto& lease : outcome.commits) store_->commit(lease, [](const auto&) {});
    return;
  }
  struct Pending {
    std::string logLine;
    std::string interface;
    dhcp::EncodeLimits limits;
    dhcp::Message reply;
    engine::Destination destination;
    std::size_t waiting = 0;
    bool failed = false;
  };
  if (outcome.commits.empty()) {  // an OFFER: nothing to wait for
    logger_.write(log::Level::Info, replyLine);
    send(arrival.interface, outcome.limits, *outcome.reply, outcome.destination);
    return;
  }
  auto pending = std::make_shared<Pending>(
      Pending{std::move(replyLine), arrival.interface, outcome.limits,
              std::move(*outcome.reply), outcome.destination, outcome.commits.size(), false});
  for (const auto& lease : outcome.commits) {
    // The journal thread reports; the reply leaves from the loop, after the last commit is durable.
    store_->commit(lease, [this, pending](const leases::CommitResult& result) {
      bool ok = result.has_value();
      std::string detail = ok ? std::string() : result.error().detail;
      fromJournal([this, pending, ok, detail = std::move(detail)] {
        if (!ok) {
          pending->failed = true;
          logger_.error("lease not recorded, no reply sent: {}", detail);
        }
        if (--pending->waiting == 0 && !pending->failed) {
          logger_.write(log::Level::Info, pending->logLine);
          send(pending->interface, pending->limits, pending->reply, pending->destination);
        }
      });
    });
  }
}

void Server::fromJournal(std::function<void()> work) {
  bool first = false;
  {
    std::lock_guard lock(journalReports_->mutex);
    first = journalReports_->waiting.empty();
    journalReports_->waiting.push_back(std::move(work));
  }
  if (!first) return;
  asio::post(io_, [this, reports = journalReports_, alive = alive_] {
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(reports->mutex);
      ready.swap(reports->waiting);
    }
    if (!*alive) return;
    const log::Logger::Hold hold(logger_);
    for (auto& report : ready) report();
  });
}

void Server::startProbe(const engine::Arrival& arrival, const dhcp::Message& request,
                        const engine::Probe& probe) {
  const std::uint32_t address = probe.address.value();
  const std::uint16_t sequence = ++nextSequence_;
  if (!icmp_) {
    // No ICMP socket: settled at once, from the loop (not from inside this call).
    probes_.insert_or_assign(address, PendingProbe{probe, arrival, request, sequence, nullptr});
    asio::post(io_, [this, alive = alive_, address, sequence] {
      if (*alive) settleProbe(address, sequence, engine::ProbeResult::Silent);
    });
    return;
  }
  if (settings_.trace) {
    traceRecord(trace::Type::IcmpOutput,
                trace::encodeIcmpOutput({probe.address, icmp_->identifier(), sequence}));
  }
  if (auto sent = icmp_->sendEcho(probe.address, sequence); !sent) {
    // ISC logs the failure and still waits ping-timeout before it offers.
    logger_.error("icmp_echorequest {}: {}", probe.address.toString(), sent.error().message());
  }
  auto timer = std::make_unique<asio::steady_timer>(io_, probe.timeout);
  timer->async_wait([this, alive = alive_, address, sequence](auto error) {
    if (error || !*alive) return;
    settleProbe(address, sequence, engine::ProbeResult::Silent);
  });
  // A probe still listed for this address is stale (its offer was given up): replaced.
  probes_.insert_or_assign(address,
                           PendingProbe{probe, arrival, request, sequence, std::move(timer)});
}

void Server::readEchoReplies() {
  icmpStream_->async_wait(StreamDescriptor::wait_read, [this, alive = alive_](auto error) {
    if (error || !*alive) return;
    for (int i = 0; i < 64; ++i) {
      auto reply = icmp_->receive();
      if (!reply) {
        logger_.error("icmp_echoreply: {}", reply.error().message());
        break;
      }
      if (!*reply) break;
      auto pending = probes_.find((*reply)->source.value());
      if (pending == probes_.end() || !icmp_->ours(**reply) ||
          (*reply)->sequence != pending->second.sequence) {
        // ISC's debug line; a forged reply must not cost more than a lookup.
        logger_.debug("unexpected ICMP Echo Reply from {}", (*reply)->source.toString());
        continue;
      }
      // Only the replies that count: a replay settles a probe on any reply it reads.
      if (settings_.trace) {
        traceRecord(trace::Type::IcmpInput,
                    trace::encodeIcmpInput({(*reply)->source, (*reply)->identifier,
                                            (*reply)->sequence}));
      }
      settleProbe(pending->first, pending->second.sequence, engine::ProbeResult::Answered);
    }
    readEchoReplies();
  });
}

void Server::settleProbe(std::uint32_t address, std::uint16_t sequence,
                         engine::ProbeResult result) {
  auto found = probes_.find(address);
  if (found == probes_.end() || found->second.sequence != sequence) return;
  PendingProbe pending = std::move(found->second);
  probes_.erase(found);
  if (pending.timer) pending.timer->cancel();
  engine::Engine engine(*config_, *store_, offers_, billing_);
  auto outcome = engine.probed(pending.request, pending.arrival, pending.probe, result, now());
  execute(pending.arrival, pending.request, std::move(outcome));
}

void Server::send(const std::string& interface, const dhcp::EncodeLimits& limits,
                  const dhcp::Message& reply, const engine::Destination& destination) {
  auto served = served_.find(interface);
  if (served == served_.end()) return;
  const auto& choice = served->second.choice;
  std::array<std::uint8_t, 1500> payload{};
  auto encoded = dhcp::encode(reply, limits, payload);
  if (!encoded) {
    logger_.error("reply to {} not sent: {}", reply.yiaddr.toString(),
                  dhcp::toString(encoded.error()));
    return;
  }
  const bool kernel = destination.via == engine::Destination::Via::Kernel;
  if (settings_.trace) {
    std::optional<net::MacAddress> toMac;
    if (!kernel) toMac = destination.mac;
    traceRecord(trace::Type::OutPacket,
                trace::encodeOutPacket({traceIndex(kernel ? trace::kFallbackInterface : interface),
                                        choice.address, destination.address, destination.port,
                                        toMac, *encoded}));
  }
  if (kernel) {
    auto sent = udp_->sendTo(*encoded, destination.address, destination.port, 0, choice.address);
    if (!sent) {
      logger_.error("send to {}: {}", destination.address.toString(), sent.error().message());
    }
    return;
  }
  if (!choice.mac) return;
  net::UdpFrameHeader header;
  header.sourceMac = *choice.mac;
  header.destinationMac = destination.mac;
  header.sourceAddress = choice.address;
  header.destinationAddress = destination.address;
  header.sourcePort = settings_.serverPort;
  header.destinationPort = destination.port;
  header.timeToLive = engine::kRawTimeToLive;
  header.typeOfService = engine::kRawTypeOfService;
  header.identification = 0;
  std::array<std::uint8_t, 1600> frame{};
  auto emitted = net::emitUdpFrame(header, *encoded, frame);
  if (!emitted) return;
  if (auto sent = served->second.socket->send(*emitted); !sent) {
    logger_.error("send on {}: {}", interface, sent.error().message());
  }
}

void Server::traceRecord(trace::Type type, const std::vector<std::uint8_t>& payload) {
  if (auto failed = settings_.trace->record(type, payload)) logger_.error("{}", *failed);
}

std::uint32_t Server::traceIndex(std::string_view interface) {
  auto found = traceIndexes_.find(interface);
  if (found != traceIndexes_.end()) return found->second;
  const auto next = static_cast<std::uint32_t>(traceIndexes_.size());
  traceIndexes_.emplace(std::string(interface), next);
  return next;
}

void Server::watchLinks() {
  monitorStream_->async_wait(StreamDescriptor::wait_read, [this, alive = alive_](auto error) {
    if (error || !*alive) return;
    auto changed = monitor_->drainChanges();
    if (!changed) {
      logger_.error("netlink: {}", changed.error().message());
    } else if (*changed) {
      refreshInterfaces();
    }
    watchLinks();
  });
}

void Server::scheduleExpiry() {
  expiryTimer_.expires_after(kExpiryInterval);
  expiryTimer_.async_wait([this, alive = alive_](auto error) {
    if (error || !*alive) return;
    expireAt(now(), *store_, offers_, billing_);
    scheduleExpiry();
  });
}

}  // namespace snowboot::dhcpd::server
