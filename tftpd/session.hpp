#pragma once
// One TFTP transfer as a pure state machine: packets and timeouts go in with the time they
// happened, packets to send and the next deadline come out. No sockets, no clock; the file is
// reached through FileSource/FileSink so tests use memory.
//
// Behaviour follows tftpd-hpa 5.2 (option rules, backoff, error texts, no resend on a stale
// ACK) plus RFC 7440 windowsize, which tftpd-hpa ignores: a window of blocks is sent at once,
// and an ACK for a block inside the window makes the window restart after that block.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/tftp/netascii.hpp"
#include "common/tftp/packet.hpp"

namespace snowboot::tftpd {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Microseconds = std::chrono::microseconds;

// The file being read: sequential reads; 0 at the end; an errno on failure.
class FileSource {
 public:
  virtual ~FileSource() = default;
  virtual std::expected<std::size_t, int> read(std::span<std::uint8_t> out) = 0;
};

// The file being written.
class FileSink {
 public:
  virtual ~FileSink() = default;
  virtual std::expected<void, int> write(std::span<const std::uint8_t> data) = 0;
  virtual std::expected<void, int> finish() = 0;
};

struct SessionLimits {
  std::size_t maxBlockSize = tftp::kMaxBlockSize;  // -B
  Microseconds retransmit{1'000'000};              // -T
  std::vector<std::string> refused;                // -r, compared without case
  // Memory per transfer is bounded by window x block size.
  std::size_t maxWindowSize = 64;
  std::size_t maxWindowBytes = 1 << 20;
};

// What the options of a request came to.
struct Negotiation {
  std::size_t blockSize = tftp::kDefaultBlockSize;
  std::size_t windowSize = 1;
  Microseconds retransmit{1'000'000};
  std::uint16_t rollover = 0;
  std::vector<tftp::Option> accepted;  // the OACK, in the client's order; empty: no OACK
};

// tftpd-hpa's option table (blksize, blksize2, tsize, timeout, utimeout, rollover) plus
// windowsize. Unknown, refused and malformed options are left out of the OACK. `fileSize` is
// the size to announce for tsize on a read, nothing when it is unknown (netascii).
Negotiation negotiate(const tftp::Request& request, const SessionLimits& limits,
                      std::optional<std::uint64_t> fileSize);

enum class Outcome {
  Running,
  Completed,
  PeerError,       // the client sent ERROR (ERROR 8 after our OACK: a size probe, say)
  TimedOut,        // no answer after the last retransmission
  LocalError,      // reading or writing the file failed; the client got an ERROR
  ProtocolError,   // the client broke the protocol (oversized DATA); it got an ERROR
};

std::string_view toString(Outcome outcome);

class Session {
 public:
  // RRQ. `fileSize` feeds tsize (octet mode only, like tftpd-hpa).
  static std::unique_ptr<Session> startRead(const tftp::Request& request,
                                            std::unique_ptr<FileSource> source,
                                            std::uint64_t fileSize, const SessionLimits& limits,
                                            TimePoint now);
  // WRQ.
  static std::unique_ptr<Session> startWrite(const tftp::Request& request,
                                             std::unique_ptr<FileSink> sink,
                                             const SessionLimits& limits, TimePoint now);

  // A datagram from the client's TID.
  void onPacket(std::span<const std::uint8_t> bytes, TimePoint now);
  // The deadline passed; a call before the deadline does nothing.
  void onTimeout(TimePoint now);

  // What to send now, in order; valid until the next call.
  const std::vector<std::span<const std::uint8_t>>& outbox() const { return outbox_; }
  // When onTimeout must be called; nothing once finished.
  std::optional<TimePoint> deadline() const;
  bool finished() const { return finished_; }
  Outcome outcome() const { return outcome_; }
  // For the log: the client's error text, the errno text, ...
  const std::string& detail() const { return detail_; }
  const Negotiation& negotiation() const { return negotiation_; }
  std::uint64_t bytes() const { return bytes_; }
  bool isRead() const { return read_; }

 private:
  enum class Phase { WaitOackAck, Sending, Receiving, Dallying };

  Session() = default;

  // Read side.
  void fillWindow();
  void sendWindow();
  void onAck(std::uint16_t block, TimePoint now);
  std::expected<std::size_t, int> readBlock(std::span<std::uint8_t> out);
  // Write side.
  void onData(std::uint16_t block, std::span<const std::uint8_t> payload, TimePoint now);
  void sendAck(std::uint16_t block);

  void queueControl(const tftp::Packet& packet);
  void fail(Outcome outcome, tftp::ErrorCode code, std::string message);
  void finish(Outcome outcome, std::string detail = {});
  void armTimer(TimePoint now, bool progress);
  std::uint16_t nextBlock(std::uint16_t block) const;

  bool read_ = true;
  bool netascii_ = false;
  Phase phase_ = Phase::Sending;
  Negotiation negotiation_;
  Microseconds timeout_{};
  Microseconds maxTimeout_{};
  TimePoint deadline_{};
  bool finished_ = false;
  Outcome outcome_ = Outcome::Running;
  std::string detail_;
  std::uint64_t bytes_ = 0;

  std::vector<std::span<const std::uint8_t>> outbox_;
  std::vector<std::uint8_t> control_;  // OACK, ACK or ERROR being sent (and resent)

  // Read side: a ring of window slots, each a whole DATA packet.
  std::unique_ptr<FileSource> source_;
  tftp::NetasciiEncoder encoder_;
  std::vector<std::uint8_t> raw_;  // netascii: file bytes read but not yet encoded
  std::size_t rawAt_ = 0;
  bool sourceEnded_ = false;
  std::vector<std::vector<std::uint8_t>> slots_;
  std::vector<std::size_t> slotLength_;
  std::uint64_t base_ = 0;    // logical index of the first unacknowledged block
  std::uint64_t filled_ = 0;  // logical index of the next block to read
  std::optional<std::uint64_t> last_;  // logical index of the short, final block
  std::uint16_t nextWire_ = 1;

  // Write side.
  std::unique_ptr<FileSink> sink_;
  tftp::NetasciiDecoder decoder_;
  std::vector<std::uint8_t> decoded_;
  std::uint16_t expected_ = 1;
  std::uint16_t lastAcked_ = 0;
  std::uint16_t received_ = 0;  // the last block received in order
  std::size_t inWindow_ = 0;
};

}  // namespace snowboot::tftpd
