#pragma once
// TFTP packets (RFC 1350) with option extension (RFC 2347 OACK; options of RFC 2348, 2349, 7440
// travel as plain name/value strings here, their meaning is the session's business).
//
// Two layers, as for every snowboot codec: PacketView checks the opcode and the fixed header
// once and then answers the cheap questions the hot path asks (opcode, block number, payload)
// without copying; Packet is the parsed value with parse()/emit() and parse(emit(x)) == x.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.hpp"

namespace snowboot::tftp {

enum class Opcode : std::uint16_t {
  Rrq = 1,    // read request
  Wrq = 2,    // write request
  Data = 3,
  Ack = 4,
  Error = 5,
  Oack = 6,   // option acknowledgement (RFC 2347)
};

// RFC 1350 error codes plus RFC 2347's 8; values outside survive decode as plain numbers.
enum class ErrorCode : std::uint16_t {
  Undefined = 0,
  FileNotFound = 1,
  AccessViolation = 2,
  DiskFull = 3,
  IllegalOperation = 4,
  UnknownTid = 5,
  FileExists = 6,
  NoSuchUser = 7,
  OptionRefused = 8,
};

// The message tftpd-hpa sends with each code when it has nothing more specific to say.
std::string_view defaultMessage(ErrorCode code);

inline constexpr std::size_t kHeaderSize = 4;          // opcode + block number
inline constexpr std::size_t kDefaultBlockSize = 512;  // RFC 1350
inline constexpr std::size_t kMaxBlockSize = 65464;    // RFC 2348
inline constexpr std::size_t kMaxPacketSize = kHeaderSize + kMaxBlockSize;

struct Option {
  std::string name;   // as the peer spelt it; compare with equalsIgnoreCase
  std::string value;

  friend bool operator==(const Option&, const Option&) = default;
};

// RRQ or WRQ. Strings are raw bytes: a file name may carry a PXE ROM's trailing 0xFF.
struct Request {
  Opcode opcode = Opcode::Rrq;
  std::string filename;
  std::string mode;              // "octet", "netascii", "mail", in any case
  std::vector<Option> options;   // in the order the client sent them

  friend bool operator==(const Request&, const Request&) = default;
};

// A DATA packet; payload views the parsed buffer (or the caller's data when emitting).
struct Data {
  std::uint16_t block = 0;
  std::span<const std::uint8_t> payload;

  friend bool operator==(const Data& a, const Data& b);
};

struct Ack {
  std::uint16_t block = 0;

  friend bool operator==(const Ack&, const Ack&) = default;
};

struct ErrorPacket {
  std::uint16_t code = 0;
  std::string message;

  friend bool operator==(const ErrorPacket&, const ErrorPacket&) = default;
};

struct OptionAck {
  std::vector<Option> options;  // in the order of the request they answer

  friend bool operator==(const OptionAck&, const OptionAck&) = default;
};

using Packet = std::variant<Request, Data, Ack, ErrorPacket, OptionAck>;

enum class PacketErrorCode {
  Truncated,         // shorter than the opcode and fixed fields of its kind
  UnknownOpcode,
  UnterminatedText,  // a file name, mode or option without its NUL
  EmptyFilename,
  EmptyMode,
  OptionWithoutValue,
  EmptyOptionName,
  TooLarge,          // DATA payload above 65464 bytes
};

struct PacketError {
  PacketErrorCode code;
  std::size_t offset;  // where in the packet the problem was found

  friend bool operator==(const PacketError&, const PacketError&) = default;
};

std::string_view toString(PacketErrorCode code);

template <class T>
using PacketResult = std::expected<T, PacketError>;

// The cheap, copy-free look at a received datagram.
class PacketView {
 public:
  // Checks the opcode and, for DATA and ACK, the 4-byte header.
  static PacketResult<PacketView> check(std::span<const std::uint8_t> bytes);

  Opcode opcode() const { return opcode_; }
  // DATA and ACK only (guaranteed present by check()).
  std::uint16_t block() const;
  // DATA only: everything after the header.
  std::span<const std::uint8_t> payload() const { return bytes_.subspan(kHeaderSize); }
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  PacketView(std::span<const std::uint8_t> bytes, Opcode opcode)
      : bytes_(bytes), opcode_(opcode) {}

  std::span<const std::uint8_t> bytes_;
  Opcode opcode_;
};

PacketResult<Packet> parse(std::span<const std::uint8_t> bytes);

// The encoded length of a packet.
std::size_t bufferLength(const Packet& packet);
// Writes the packet at the start of `out` and returns the part written.
BytesResult<std::span<const std::uint8_t>> emit(const Packet& packet, std::span<std::uint8_t> out);

// The hot path: a DATA header in front of a payload the caller already placed at out[4...].
void writeDataHeader(std::uint16_t block, std::span<std::uint8_t> out);

// ASCII case-insensitive equality, as RFC 2347 wants for option names and modes.
bool equalsIgnoreCase(std::string_view a, std::string_view b);
// The first option named `name`, without regard to case.
const Option* findOption(const std::vector<Option>& options, std::string_view name);

}  // namespace snowboot::tftp
