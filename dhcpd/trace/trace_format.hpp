#pragma once
// ISC dhcpd's trace files (`-tf` writes one, `-play` replays it), byte for byte as ISC 4.4 lays
// them out on Linux, so either daemon replays the other's recordings. Pure: bytes in, bytes out.
//
// A 16-byte header ("dHCp", version 1, header and record-header sizes), then records: a 16-byte
// header (type index, payload length, wall-clock second, zero) and the payload, zero-padded to
// 8 bytes. Types are named per file by index-mapping records (index 0). Integers are
// big-endian except where ISC wrote a host-order length (outpacket, icmp-output); readers
// ignore those lengths and every byte ISC leaves uninitialised.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/ipv4.hpp"
#include "common/net/mac.hpp"

namespace snowboot::dhcpd::trace {

// The record types of ISC's DHCPv4 server, in the order it announces them (index = position
// + 1). Writers announce all of them so the file reads the same as one of ISC's.
inline constexpr std::string_view kTypeNames[] = {
    "connection-output", "connection-input", "disconnect", "connect", "listener-accept",
    "interface", "inpacket", "outpacket", "readconf", "readleases", "random-seed",
    "ddns-output", "ddns-input", "icmp-input", "icmp-output"};

// The types this server writes and replays; each one's value is its index in ISC's list.
enum class Type : std::uint32_t {
  Unknown = 0,  // a name this server does not replay (OMAPI, DDNS) or never heard of
  Interface = 6,
  InPacket = 7,
  OutPacket = 8,
  ReadConf = 9,
  ReadLeases = 10,
  RandomSeed = 11,
  IcmpInput = 14,
  IcmpOutput = 15,
};

Type typeNamed(std::string_view name);
std::string_view nameOf(Type type);  // Unknown: ""

// ISC's pseudo-interface for what the kernel routes (replies to relays and to ciaddr): the
// last interface record, with no address and no hardware.
inline constexpr std::string_view kFallbackInterface = "fallback";

inline constexpr std::size_t kFileHeaderSize = 16;
inline constexpr std::size_t kRecordHeaderSize = 16;

// The file header and one index-mapping record per kTypeNames entry.
std::vector<std::uint8_t> encodeFileStart(std::uint32_t when);
// One record: header, payload, padding. `type` must not be Unknown.
std::vector<std::uint8_t> encodeRecord(Type type, std::uint32_t when,
                                       std::span<const std::uint8_t> payload);

// readconf and readleases: the file's name as the server was given it, and its bytes.
struct FileRecord {
  std::string name;
  std::string_view contents;  // into the record's payload
};
std::vector<std::uint8_t> encodeFile(std::string_view name, std::string_view contents);
std::expected<FileRecord, std::string> decodeFile(std::span<const std::uint8_t> payload);

// An interface the server listens on; index numbers inpacket and outpacket records.
struct InterfaceRecord {
  net::Ipv4Address address;  // 0.0.0.0 when it has none (ISC's "fallback")
  std::uint32_t index = 0;
  std::optional<net::MacAddress> mac;
  std::string name;
};
inline constexpr std::size_t kInterfaceSize = 48;
std::vector<std::uint8_t> encodeInterface(const InterfaceRecord& record);
std::expected<InterfaceRecord, std::string> decodeInterface(std::span<const std::uint8_t> payload);

// A DHCP message as received: the UDP payload and where it came from.
struct InPacketRecord {
  std::uint32_t index = 0;
  net::Ipv4Address source;
  std::uint16_t sourcePort = 0;
  std::optional<net::MacAddress> sourceMac;
  std::span<const std::uint8_t> message;
};
inline constexpr std::size_t kInPacketHeaderSize = 52;
std::vector<std::uint8_t> encodeInPacket(const InPacketRecord& record);
std::expected<InPacketRecord, std::string> decodeInPacket(std::span<const std::uint8_t> payload);

// A DHCP message as sent (ISC records it before sending; a replay sends nothing).
struct OutPacketRecord {
  std::uint32_t index = 0;
  net::Ipv4Address from;
  net::Ipv4Address to;
  std::uint16_t toPort = 0;
  std::optional<net::MacAddress> toMac;  // a raw frame's destination
  std::span<const std::uint8_t> message;
};
inline constexpr std::size_t kOutPacketHeaderSize = 72;
std::vector<std::uint8_t> encodeOutPacket(const OutPacketRecord& record);
std::expected<OutPacketRecord, std::string> decodeOutPacket(std::span<const std::uint8_t> payload);

// ping-check: the echo request sent to an address before it is offered (48 bytes: ISC's
// struct iaddr and the 28-byte ICMP message), and the source of an echo reply.
struct IcmpOutputRecord {
  net::Ipv4Address address;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
};
inline constexpr std::size_t kIcmpOutputSize = 48;
std::vector<std::uint8_t> encodeIcmpOutput(const IcmpOutputRecord& record);
std::expected<IcmpOutputRecord, std::string> decodeIcmpOutput(std::span<const std::uint8_t> payload);

struct IcmpInputRecord {
  net::Ipv4Address source;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
};
// ISC's struct iaddr, then the datagram from its IP header on: here a 20-byte IPv4 header and
// the 8-byte echo reply header. Readers take only the source address, as ISC does.
std::vector<std::uint8_t> encodeIcmpInput(const IcmpInputRecord& record);
std::expected<IcmpInputRecord, std::string> decodeIcmpInput(std::span<const std::uint8_t> payload);

// One record of a file being read.
struct Record {
  Type type = Type::Unknown;
  std::string_view name;  // the mapped name, also for Unknown types
  std::uint32_t when = 0;
  std::span<const std::uint8_t> payload;
  std::size_t offset = 0;  // of its header, for messages
};

// What ends a file early: where and why.
struct ReadError {
  std::size_t offset = 0;
  std::string message;
};

// Walks a whole file held in memory. Index-mapping records are taken in and not returned; a
// record whose index no mapping named is an error, as in ISC (its length is not trusted).
class Reader {
 public:
  static std::expected<Reader, ReadError> open(std::span<const std::uint8_t> file);
  // The next record; nothing at the end of the file.
  std::expected<std::optional<Record>, ReadError> next();
  // The next record without taking it.
  std::expected<std::optional<Record>, ReadError> peek();

 private:
  explicit Reader(std::span<const std::uint8_t> file) : file_(file) {}
  std::expected<std::optional<Record>, ReadError> read(std::size_t& offset);

  std::span<const std::uint8_t> file_;
  std::size_t offset_ = kFileHeaderSize;
  std::vector<std::string_view> names_;  // by index; empty: not mapped
};

}  // namespace snowboot::dhcpd::trace
