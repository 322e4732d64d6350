#include "dhcpd/server/trace_player.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/server/lease_setup.hpp"

namespace snowboot::dhcpd::server {

TracePlayer::TracePlayer(const log::Logger& logger, std::string leaseFile, ModelLoader loader)
    : logger_(logger), leaseFile_(std::move(leaseFile)), loader_(std::move(loader)) {}

std::optional<std::string> TracePlayer::play(std::span<const std::uint8_t> file) {
  auto opened = trace::Reader::open(file);
  if (!opened) return fmt::format("byte {}: {}", opened.error().offset, opened.error().message);
  reader_.emplace(std::move(*opened));
  Failure failure;
  std::optional<std::uint32_t> second;
  while (!failure) {
    // As ISC: a record of another second first runs the timers due by then, which may read
    // records themselves (an echo request); then the loop looks again.
    auto next = reader_->peek();
    if (!next) {
      failure = fmt::format("byte {}: {}", next.error().offset, next.error().message);
      break;
    }
    if (!*next) break;
    if (second != (*next)->when) {
      second = (*next)->when;
      advanceClock(*second);
      continue;
    }
    const trace::Record record = **reader_->next();
    if (auto failed = handle(record)) {
      failure = fmt::format("record at byte {} ({}): {}", record.offset, record.name, *failed);
    }
  }
  drain();
  // As in ISC: the trace ends, and with it the clock; a ping still waiting never times out.
  if (!probes_.empty()) {
    logger_.info("{} ping-check probe(s) still waiting at the end of the trace: not offered",
                 probes_.size());
  }
  if (store_) {
    logger_.info("Replayed {} packet(s) and {} ping-check echo(es); leases in {}", packets_,
                 pings_, leaseFile_);
  } else {
    logger_.info("Replayed {} packet(s); the trace holds no lease file, so {} was not written",
                 packets_, leaseFile_);
  }
  return failure;
}

TracePlayer::Failure TracePlayer::handle(const trace::Record& record) {
  switch (record.type) {
    case trace::Type::ReadConf:
      return readConfiguration(record);
    case trace::Type::ReadLeases:
      return readLeases(record);
    case trace::Type::Interface:
      return addInterface(record);
    case trace::Type::InPacket:
      return receive(record);
    case trace::Type::OutPacket: {
      // What the recorded server sent: a replay makes its own replies and sends none.
      auto sent = trace::decodeOutPacket(record.payload);
      if (!sent) return sent.error();
      return std::nullopt;
    }
    case trace::Type::IcmpOutput: {
      auto echo = trace::decodeIcmpOutput(record.payload);
      if (!echo) return echo.error();
      logger_.debug("the trace pinged {} where this replay did not", echo->address.toString());
      return std::nullopt;
    }
    case trace::Type::IcmpInput: {
      auto reply = trace::decodeIcmpInput(record.payload);
      if (!reply) return reply.error();
      settleProbe(reply->source.value(), engine::ProbeResult::Answered);
      return std::nullopt;
    }
    case trace::Type::RandomSeed:
      return std::nullopt;  // nothing here draws from random()
    case trace::Type::Unknown:
      if (skippedTypes_.insert(std::string(record.name)).second) {
        logger_.info("{} records are not replayed by this dhcpd; skipped", record.name);
      }
      return std::nullopt;
  }
  return std::nullopt;
}

TracePlayer::Failure TracePlayer::readConfiguration(const trace::Record& record) {
  auto file = trace::decodeFile(record.payload);
  if (!file) return file.error();
  if (config_) {
    // ISC would parse it into the configuration it has; a trace of ours never holds one.
    logger_.error("a second configuration ({}) in the trace: ignored", file->name);
    return std::nullopt;
  }
  // An include is the next record, as ISC recorded it when the parser met the statement.
  conf::FileReader includes =
      [this](const std::string& path) -> std::expected<std::string, std::string> {
    auto next = reader_->peek();
    if (!next) {
      return std::unexpected(fmt::format("byte {}: {}", next.error().offset, next.error().message));
    }
    if (!*next || (*next)->type != trace::Type::ReadConf) {
      return std::unexpected("the trace does not hold it next");
    }
    auto included = trace::decodeFile((*next)->payload);
    if (!included) return std::unexpected(included.error());
    if (included->name != path) {
      return std::unexpected("the trace holds " + included->name + " there");
    }
    (void)reader_->next();
    return std::string(included->contents);
  };
  logger_.info("Config file: {} (from the trace)", file->name);
  config_ = loader_(std::string(file->contents), file->name, includes);
  if (!config_) return "the configuration in the trace has errors";
  return std::nullopt;
}

TracePlayer::Failure TracePlayer::readLeases(const trace::Record& record) {
  auto file = trace::decodeFile(record.payload);
  if (!file) return file.error();
  if (!config_) return "a lease file before any configuration";
  if (store_) return "a second lease file";
  logger_.info("Database file: {} (recorded as {})", leaseFile_, file->name);
  // The recorded leases replace the file's, as ISC's replay writes them over it.
  auto store = openLeaseStore(leaseFile_, *config_, now_, logger_, file->contents);
  if (!store) return store.error();
  store_ = std::move(*store);
  rebuildBilling(billing_, store_->memory());
  return std::nullopt;
}

TracePlayer::Failure TracePlayer::addInterface(const trace::Record& record) {
  auto recorded = trace::decodeInterface(record.payload);
  if (!recorded) return recorded.error();
  if (!config_) return "an interface before any configuration";
  interfaces_[recorded->index] = Interface{recorded->name, recorded->address};
  if (recorded->name == trace::kFallbackInterface) {
    logger_.info("Listening on Trace/fallback/");
    return std::nullopt;
  }
  std::string subnet = "-";
  for (const auto& network : config_->networks()) {
    if (network.contains(recorded->address)) subnet = network.toString();
  }
  std::string where = fmt::format("Trace/{}/{}/{}", recorded->name,
                                  recorded->mac ? recorded->mac->toString() : "-", subnet);
  logger_.info("Listening on {}", where);
  logger_.info("Sending   on {}", where);
  return std::nullopt;
}

TracePlayer::Failure TracePlayer::receive(const trace::Record& record) {
  auto packet = trace::decodeInPacket(record.payload);
  if (!packet) return packet.error();
  if (!store_) return "a packet before the lease file";
  auto interface = interfaces_.find(packet->index);
  if (interface == interfaces_.end()) {
    return fmt::format("a packet on interface {}, which no interface record named", packet->index);
  }
  ++packets_;
  auto request = dhcp::decode(packet->message);
  if (!request) {
    logger_.debug("dropped a malformed DHCP packet from {}: {}", packet->source.toString(),
                  dhcp::toString(request.error().code));
    return std::nullopt;
  }
  engine::Engine engine(*config_, *store_, offers_, billing_);
  engine::Arrival arrival{interface->second.name, interface->second.address,
                          packet->message.size()};
  execute(arrival, *request, engine.handle(*request, arrival, now_));
  return std::nullopt;
}

void TracePlayer::advanceClock(std::uint32_t when) {
  now_ = leases::Time(std::chrono::seconds(when));
  // ISC fires every timer due by the record's second, earliest first, at that second.
  while (true) {
    auto due = std::min_element(probes_.begin(), probes_.end(), [](const auto& a, const auto& b) {
      return a.second.deadline < b.second.deadline;
    });
    if (due == probes_.end() || due->second.deadline > now_) break;
    settleProbe(due->first, engine::ProbeResult::Silent);
  }
  if (store_) expireAt(now_, *store_, offers_, billing_);
}

void TracePlayer::execute(const engine::Arrival& arrival, const dhcp::Message& request,
                          engine::Outcome outcome) {
  for (const auto& line : outcome.log) logger_.write(log::Level::Info, line);
  if (outcome.probe) {
    // The echo request the recorded server sent is the next record (ISC reads it there too).
    auto next = reader_->peek();
    if (next && *next && (*next)->type == trace::Type::IcmpOutput) {
      (void)reader_->next();
      ++pings_;
      probes_.insert_or_assign(outcome.probe->address.value(),
                               PendingProbe{*outcome.probe, arrival, request,
                                            now_ + outcome.probe->timeout});
    } else {
      // None was sent: the recorded server had no ICMP socket and offered at once, as ours does
      // (ISC would wait ping-timeout).
      engine::Engine engine(*config_, *store_, offers_, billing_);
      execute(arrival, request,
              engine.probed(request, arrival, *outcome.probe, engine::ProbeResult::Silent, now_));
    }
  }
  auto report = [errors = commitErrors_](const leases::CommitResult& result) {
    if (result) return;
    std::lock_guard lock(errors->mutex);
    errors->messages.push_back(result.error().detail);
  };
  if (outcome.release) store_->release(*outcome.release, now_, report);
  for (const auto& lease : outcome.commits) store_->commit(lease, report);
  if (outcome.reply) {
    std::array<std::uint8_t, 1500> payload{};
    if (auto encoded = dhcp::encode(*outcome.reply, outcome.limits, payload); !encoded) {
      logger_.error("reply to {} would not be sent: {}", outcome.reply->yiaddr.toString(),
                    dhcp::toString(encoded.error()));
    }
  }
}

void TracePlayer::settleProbe(std::uint32_t address, engine::ProbeResult result) {
  auto found = probes_.find(address);
  if (found == probes_.end()) return;
  PendingProbe pending = std::move(found->second);
  probes_.erase(found);
  engine::Engine engine(*config_, *store_, offers_, billing_);
  execute(pending.arrival, pending.request,
          engine.probed(pending.request, pending.arrival, pending.probe, result, now_));
}

void TracePlayer::drain() {
  if (!store_) return;
  store_->drain();
  std::lock_guard lock(commitErrors_->mutex);
  for (const auto& message : commitErrors_->messages) {
    logger_.error("lease not recorded: {}", message);
  }
  commitErrors_->messages.clear();
}

}  // namespace snowboot::dhcpd::server
