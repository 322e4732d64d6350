#include "tftpd/session.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace snowboot::tftpd {

namespace {

// tftpd-hpa gives up when the doubled timeout reaches 63 times the base value: with the default
// one second that is retransmissions after 1, 2, 4, 8, 16 and 32 seconds.
constexpr int kTimeoutLimit = 63;

// tftpd-hpa accepts only plain decimal numbers as option values.
std::optional<std::uint64_t> number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool refused(const SessionLimits& limits, std::string_view name) {
  return std::any_of(limits.refused.begin(), limits.refused.end(),
                     [name](const std::string& r) { return tftp::equalsIgnoreCase(r, name); });
}

}  // namespace

std::string_view toString(Outcome outcome) {
  switch (outcome) {
    case Outcome::Running: return "running";
    case Outcome::Completed: return "completed";
    case Outcome::PeerError: return "client error";
    case Outcome::TimedOut: return "timed out";
    case Outcome::LocalError: return "local error";
    case Outcome::ProtocolError: return "protocol error";
  }
  return "unknown";
}

Negotiation negotiate(const tftp::Request& request, const SessionLimits& limits,
                      std::optional<std::uint64_t> fileSize) {
  Negotiation result;
  result.retransmit = limits.retransmit;
  std::optional<std::size_t> windowAt;  // where windowsize sits in the OACK
  std::uint64_t window = 1;
  const bool isRead = request.opcode == tftp::Opcode::Rrq;
  for (const auto& option : request.options) {
    if (refused(limits, option.name)) continue;
    auto value = number(option.value);
    if (!value) continue;
    auto accept = [&](std::uint64_t v) {
      result.accepted.push_back(tftp::Option{option.name, std::to_string(v)});
    };
    const std::string_view name = option.name;
    if (tftp::equalsIgnoreCase(name, "blksize") || tftp::equalsIgnoreCase(name, "blksize2")) {
      if (*value < 8) continue;
      std::uint64_t size = std::min<std::uint64_t>(*value, limits.maxBlockSize);
      if (tftp::equalsIgnoreCase(name, "blksize2")) {
        std::uint64_t power = 1;
        while (power * 2 <= size) power *= 2;
        size = power;
      }
      result.blockSize = static_cast<std::size_t>(size);
      accept(size);
    } else if (tftp::equalsIgnoreCase(name, "tsize")) {
      if (isRead) {
        if (!fileSize) continue;  // netascii: the size on the wire is not known in advance
        accept(*fileSize);
      } else {
        accept(*value);
      }
    } else if (tftp::equalsIgnoreCase(name, "timeout")) {
      if (*value < 1 || *value > 255) continue;
      result.retransmit = std::chrono::seconds(*value);
      accept(*value);
    } else if (tftp::equalsIgnoreCase(name, "utimeout")) {
      if (*value < 10'000 || *value > 255'000'000) continue;
      result.retransmit = Microseconds(*value);
      accept(*value);
    } else if (tftp::equalsIgnoreCase(name, "rollover")) {
      if (*value > 65535) continue;
      result.rollover = static_cast<std::uint16_t>(*value);
      accept(*value);
    } else if (tftp::equalsIgnoreCase(name, "windowsize")) {
      if (*value < 1) continue;
      window = *value;
      windowAt = result.accepted.size();
      accept(*value);  // the final value depends on blksize, which may come later
    }
  }
  if (windowAt) {
    const std::uint64_t byBytes =
        std::max<std::uint64_t>(1, limits.maxWindowBytes / result.blockSize);
    window = std::min({window, static_cast<std::uint64_t>(limits.maxWindowSize), byBytes});
    result.windowSize = static_cast<std::size_t>(std::max<std::uint64_t>(window, 1));
    result.accepted[*windowAt].value = std::to_string(result.windowSize);
  }
  return result;
}

std::unique_ptr<Session> Session::startRead(const tftp::Request& request,
                                            std::unique_ptr<FileSource> source,
                                            std::uint64_t fileSize, const SessionLimits& limits,
                                            TimePoint now) {
  std::unique_ptr<Session> session(new Session());
  session->read_ = true;
  session->netascii_ = tftp::equalsIgnoreCase(request.mode, "netascii");
  session->source_ = std::move(source);
  session->negotiation_ = negotiate(
      request, limits,
      session->netascii_ ? std::nullopt : std::optional<std::uint64_t>(fileSize));
  const auto& n = session->negotiation_;
  session->slots_.resize(n.windowSize);
  session->slotLength_.resize(n.windowSize);
  for (auto& slot : session->slots_) slot.resize(tftp::kHeaderSize + n.blockSize);
  session->base_ = session->filled_ = 0;
  session->armTimer(now, true);
  if (!n.accepted.empty()) {
    session->phase_ = Phase::WaitOackAck;
    session->queueControl(tftp::OptionAck{n.accepted});
    return session;
  }
  session->phase_ = Phase::Sending;
  session->fillWindow();
  if (!session->finished_) session->sendWindow();
  return session;
}

std::unique_ptr<Session> Session::startWrite(const tftp::Request& request,
                                             std::unique_ptr<FileSink> sink,
                                             const SessionLimits& limits, TimePoint now) {
  std::unique_ptr<Session> session(new Session());
  session->read_ = false;
  session->netascii_ = tftp::equalsIgnoreCase(request.mode, "netascii");
  session->sink_ = std::move(sink);
  session->negotiation_ = negotiate(request, limits, std::nullopt);
  session->phase_ = Phase::Receiving;
  session->armTimer(now, true);
  // An OACK replaces ACK 0.
  if (!session->negotiation_.accepted.empty()) {
    session->queueControl(tftp::OptionAck{session->negotiation_.accepted});
  } else {
    session->queueControl(tftp::Ack{0});
  }
  return session;
}

std::optional<TimePoint> Session::deadline() const {
  if (finished_) return std::nullopt;
  return deadline_;
}

void Session::armTimer(TimePoint now, bool progress) {
  if (progress) {
    timeout_ = negotiation_.retransmit;
    maxTimeout_ = negotiation_.retransmit * kTimeoutLimit;
  }
  deadline_ = now + timeout_;
}

std::uint16_t Session::nextBlock(std::uint16_t block) const {
  return block == 65535 ? negotiation_.rollover : static_cast<std::uint16_t>(block + 1);
}

void Session::queueControl(const tftp::Packet& packet) {
  control_.resize(tftp::bufferLength(packet));
  (void)tftp::emit(packet, control_);
  outbox_.push_back(control_);
}

void Session::finish(Outcome outcome, std::string detail) {
  finished_ = true;
  outcome_ = outcome;
  detail_ = std::move(detail);
}

void Session::fail(Outcome outcome, tftp::ErrorCode code, std::string message) {
  queueControl(tftp::ErrorPacket{static_cast<std::uint16_t>(code), message});
  finish(outcome, std::move(message));
}

void Session::onTimeout(TimePoint now) {
  outbox_.clear();
  if (finished_ || now < deadline_) return;
  if (phase_ == Phase::Dallying) {
    finish(Outcome::Completed);
    return;
  }
  timeout_ *= 2;
  if (timeout_ >= maxTimeout_) {
    finish(Outcome::TimedOut);
    return;
  }
  if (phase_ == Phase::Sending) {
    sendWindow();
  } else {
    outbox_.push_back(control_);  // the OACK, or the last ACK
  }
  armTimer(now, false);
}

void Session::onPacket(std::span<const std::uint8_t> bytes, TimePoint now) {
  outbox_.clear();
  if (finished_) return;
  auto view = tftp::PacketView::check(bytes);
  if (!view) return;  // garbage from the client's TID is ignored, as tftpd-hpa does
  if (view->opcode() == tftp::Opcode::Error) {
    auto parsed = tftp::parse(bytes);
    std::string text = parsed ? std::get<tftp::ErrorPacket>(*parsed).message : std::string();
    finish(Outcome::PeerError,
           "code " + std::to_string(view->block()) + (text.empty() ? "" : ": " + text));
    return;
  }
  if (read_ && view->opcode() == tftp::Opcode::Ack) {
    onAck(view->block(), now);
  } else if (!read_ && view->opcode() == tftp::Opcode::Data) {
    onData(view->block(), view->payload(), now);
  }
}

// ---- read side ----

std::expected<std::size_t, int> Session::readBlock(std::span<std::uint8_t> out) {
  std::size_t produced = 0;
  while (produced < out.size()) {
    if (!netascii_) {
      if (sourceEnded_) break;
      auto n = source_->read(out.subspan(produced));
      if (!n) return std::unexpected(n.error());
      if (*n == 0) sourceEnded_ = true;
      produced += *n;
      continue;
    }
    if (rawAt_ == raw_.size() && !sourceEnded_) {
      raw_.resize(std::max<std::size_t>(out.size(), 4096));
      auto n = source_->read(raw_);
      if (!n) return std::unexpected(n.error());
      raw_.resize(*n);
      rawAt_ = 0;
      if (*n == 0) sourceEnded_ = true;
    }
    auto progress = encoder_.encode(std::span(raw_).subspan(rawAt_), out.subspan(produced));
    rawAt_ += progress.consumed;
    produced += progress.produced;
    if (progress.produced == 0 && sourceEnded_ && !encoder_.hasPending()) break;
  }
  return produced;
}

void Session::fillWindow() {
  const std::size_t window = slots_.size();
  while (filled_ < base_ + window && !(last_ && filled_ > *last_)) {
    auto& slot = slots_[filled_ % window];
    auto n = readBlock(std::span(slot).subspan(tftp::kHeaderSize));
    if (!n) {
      outbox_.clear();
      fail(Outcome::LocalError, tftp::ErrorCode::Undefined, std::strerror(n.error()));
      return;
    }
    tftp::writeDataHeader(nextWire_, slot);
    nextWire_ = nextBlock(nextWire_);
    slotLength_[filled_ % window] = tftp::kHeaderSize + *n;
    if (*n < negotiation_.blockSize) last_ = filled_;
    ++filled_;
  }
}

void Session::sendWindow() {
  const std::size_t window = slots_.size();
  for (std::uint64_t i = base_; i < filled_; ++i) {
    const auto& slot = slots_[i % window];
    outbox_.push_back(std::span<const std::uint8_t>(slot).first(slotLength_[i % window]));
  }
}

void Session::onAck(std::uint16_t block, TimePoint now) {
  if (phase_ == Phase::WaitOackAck) {
    if (block != 0) {
      // tftpd-hpa resynchronises by sending the OACK again.
      outbox_.push_back(control_);
      return;
    }
    phase_ = Phase::Sending;
    fillWindow();
    if (finished_) return;
    sendWindow();
    armTimer(now, true);
    return;
  }
  // Which block of the window does it acknowledge? Anything else is stale or foreign and is
  // ignored: answering a duplicate ACK is the Sorcerer's Apprentice bug.
  const std::size_t window = slots_.size();
  std::optional<std::uint64_t> acked;
  for (std::uint64_t i = base_; i < filled_; ++i) {
    const auto& slot = slots_[i % window];
    if (static_cast<std::uint16_t>(slot[2] << 8 | slot[3]) == block) {
      acked = i;
      break;
    }
  }
  if (!acked) return;
  for (std::uint64_t i = base_; i <= *acked; ++i) {
    bytes_ += slotLength_[i % window] - tftp::kHeaderSize;
  }
  base_ = *acked + 1;
  if (last_ && base_ > *last_) {
    finish(Outcome::Completed);
    return;
  }
  // RFC 7440: whatever followed the acknowledged block is sent again, then the window is
  // topped up with new blocks.
  fillWindow();
  if (finished_) return;
  sendWindow();
  armTimer(now, true);
}

// ---- write side ----

void Session::sendAck(std::uint16_t block) {
  queueControl(tftp::Ack{block});
  lastAcked_ = block;
  inWindow_ = 0;
}

void Session::onData(std::uint16_t block, std::span<const std::uint8_t> payload, TimePoint now) {
  if (phase_ == Phase::Dallying) {
    if (block == lastAcked_) outbox_.push_back(control_);  // our final ACK was lost
    return;
  }
  if (block != expected_) {
    if (block == lastAcked_ && lastAcked_ == received_) {
      // The sender did not get our ACK and sent the block again.
      outbox_.push_back(control_);
    } else if (received_ != lastAcked_) {
      // RFC 7440: a gap in the window; acknowledge what arrived in order so the sender
      // restarts from there.
      sendAck(received_);
    }
    return;
  }
  if (payload.size() > negotiation_.blockSize) {
    fail(Outcome::ProtocolError, tftp::ErrorCode::IllegalOperation, "Data packet too large");
    return;
  }
  std::expected<void, int> written;
  if (netascii_) {
    decoded_.clear();
    decoder_.decode(payload, decoded_);
    written = sink_->write(decoded_);
  } else {
    written = sink_->write(payload);
  }
  const bool final = payload.size() < negotiation_.blockSize;
  if (written && final) {
    if (netascii_) {
      decoded_.clear();
      decoder_.finish(decoded_);
      written = sink_->write(decoded_);
    }
    if (written) written = sink_->finish();
  }
  if (!written) {
    const int error = written.error();
    if (error == ENOSPC) {
      fail(Outcome::LocalError, tftp::ErrorCode::DiskFull,
           std::string(tftp::defaultMessage(tftp::ErrorCode::DiskFull)));
    } else {
      fail(Outcome::LocalError, tftp::ErrorCode::Undefined, std::strerror(error));
    }
    return;
  }
  bytes_ += payload.size();
  received_ = block;
  expected_ = nextBlock(block);
  ++inWindow_;
  if (final || inWindow_ == negotiation_.windowSize) {
    sendAck(block);
    armTimer(now, true);
    // tftpd-hpa waits one timeout for a repeated last DATA (our ACK lost) before it goes.
    if (final) phase_ = Phase::Dallying;
    return;
  }
  armTimer(now, true);
}

}  // namespace snowboot::tftpd
