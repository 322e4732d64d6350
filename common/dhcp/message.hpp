#pragma once
// DHCPv4 and BOOTP messages (RFC 951, 2131, 2132, 3396): one value type with decode and encode.
//
// Options are kept as raw code + bytes in the order they first appeared; repeated instances are
// concatenated (RFC 3396) and option overload (52) is followed on decode, so the engine sees one
// list and never the wire layout. Encode lays the list out in order as ISC dhcpd does, splitting
// long options and overloading file/sname only when the peer's size limit demands it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/ipv4.hpp"
#include "common/net/mac.hpp"

namespace snowboot::dhcp {

inline constexpr std::size_t kFixedFieldsSize = 236;        // op .. file
inline constexpr std::size_t kServerNameSize = 64;          // sname
inline constexpr std::size_t kBootFileSize = 128;           // file
inline constexpr std::size_t kClientHardwareSize = 16;      // chaddr
inline constexpr std::uint32_t kMagicCookie = 0x63825363;   // RFC 2131 section 3
inline constexpr std::size_t kIpUdpOverhead = 28;           // option 57 counts IP + UDP headers
inline constexpr std::size_t kMinimumMaxMessageSize = 576;  // RFC 2131: every client takes this
inline constexpr std::size_t kBootpMinimumSize = 300;       // RFC 951 size; relays drop shorter
inline constexpr std::uint16_t kBroadcastFlag = 0x8000;

enum class OpCode : std::uint8_t { BootRequest = 1, BootReply = 2 };

enum class MessageType : std::uint8_t {
  Discover = 1, Offer = 2, Request = 3, Decline = 4, Ack = 5, Nak = 6, Release = 7, Inform = 8,
};
std::string_view toString(MessageType type);  // "DHCPDISCOVER", as ISC logs it

namespace option {
inline constexpr std::uint8_t kPad = 0;
inline constexpr std::uint8_t kSubnetMask = 1;
inline constexpr std::uint8_t kRouters = 3;
inline constexpr std::uint8_t kHostName = 12;
inline constexpr std::uint8_t kDomainName = 15;
inline constexpr std::uint8_t kVendorSpecific = 43;
inline constexpr std::uint8_t kRequestedAddress = 50;
inline constexpr std::uint8_t kLeaseTime = 51;
inline constexpr std::uint8_t kOverload = 52;
inline constexpr std::uint8_t kMessageType = 53;
inline constexpr std::uint8_t kServerIdentifier = 54;
inline constexpr std::uint8_t kParameterRequestList = 55;
inline constexpr std::uint8_t kMessage = 56;
inline constexpr std::uint8_t kMaxMessageSize = 57;
inline constexpr std::uint8_t kRenewalTime = 58;
inline constexpr std::uint8_t kRebindingTime = 59;
inline constexpr std::uint8_t kVendorClass = 60;
inline constexpr std::uint8_t kClientIdentifier = 61;
inline constexpr std::uint8_t kTftpServerName = 66;
inline constexpr std::uint8_t kBootFileName = 67;
inline constexpr std::uint8_t kUserClass = 77;
inline constexpr std::uint8_t kRelayAgentInformation = 82;
inline constexpr std::uint8_t kClientSystemArchitecture = 93;
inline constexpr std::uint8_t kClientNetworkInterface = 94;
inline constexpr std::uint8_t kClientMachineIdentifier = 97;
inline constexpr std::uint8_t kEnd = 255;
}  // namespace option

// One option of a list: its code and a view of its data (any length: encode splits past 255
// bytes, RFC 3396), valid until the list changes.
struct Option {
  std::uint8_t code = 0;
  std::span<const std::uint8_t> data;

  std::vector<std::uint8_t> bytes() const { return {data.begin(), data.end()}; }
};

// Options in order; at most one entry per code. All their data lives in one buffer: a packet's
// options were an allocation each (a tenth of a busy server's time went to malloc and free).
class OptionList {
 public:
  // By value: keep the Option or its span, never a reference into the temporary.
  std::optional<Option> find(std::uint8_t code) const;
  bool contains(std::uint8_t code) const;
  // Replaces the data of an existing entry in place, or appends a new one. `data` may be a
  // view into this list.
  void set(std::uint8_t code, std::span<const std::uint8_t> data);
  void set(std::uint8_t code, std::initializer_list<std::uint8_t> data) {
    set(code, std::span<const std::uint8_t>(data.begin(), data.size()));
  }
  // Appends to an existing entry's data (RFC 3396 concatenation), or appends a new one.
  void append(std::uint8_t code, std::span<const std::uint8_t> data);
  void remove(std::uint8_t code);

  // The options in order, as Option values (a random-access view, valid until the list changes).
  auto entries() const {
    return entries_ | std::views::transform([this](const Entry& entry) { return view(entry); });
  }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // The same options with the same data in the same order.
  friend bool operator==(const OptionList& a, const OptionList& b);

 private:
  struct Entry {
    std::uint8_t code;
    std::uint32_t offset;  // into bytes_
    std::uint32_t length;
  };
  Option view(const Entry& entry) const {
    return {entry.code, std::span(bytes_).subspan(entry.offset, entry.length)};
  }
  Entry* entryFor(std::uint8_t code);
  // Room made at the first entry: requests and replies carry 5-20 options in a few hundred
  // bytes (a 576-byte message has 312 for them), so a packet's list is two allocations.
  static constexpr std::size_t kTypicalCount = 16;
  static constexpr std::size_t kTypicalBytes = 320;
  std::vector<Entry> entries_;
  // Entries' data; data an entry no longer uses (replaced, removed) stays until the list goes.
  std::vector<std::uint8_t> bytes_;
};

struct Message {
  std::uint8_t op = static_cast<std::uint8_t>(OpCode::BootRequest);
  std::uint8_t htype = 1;  // ARP hardware type: 1 = Ethernet
  std::uint8_t hlen = 6;
  std::uint8_t hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint16_t flags = 0;
  net::Ipv4Address ciaddr;
  net::Ipv4Address yiaddr;
  net::Ipv4Address siaddr;
  net::Ipv4Address giaddr;
  std::array<std::uint8_t, kClientHardwareSize> chaddr{};
  std::string sname;  // bytes before the first NUL; empty when overloaded with options
  std::string file;   // likewise
  // A plain BOOTP message may carry no cookie; its 64-byte vendor area then holds no options.
  bool hasMagicCookie = true;
  OptionList options;  // never holds Pad, End or Overload: those are wire layout
  // Without a cookie: the vendor area's bytes (RFC 951's opaque `vend`) up to its last non-zero
  // one; the zeros after it are padding. Encoded in place of the options when there are none.
  std::vector<std::uint8_t> vendorArea;

  std::optional<MessageType> messageType() const;  // nothing for BOOTP or an unknown type
  bool broadcastFlag() const { return (flags & kBroadcastFlag) != 0; }
  // chaddr as an Ethernet address, when htype/hlen say it is one.
  std::optional<net::MacAddress> ethernetAddress() const;
  // The first hlen bytes of chaddr (at most 16).
  std::span<const std::uint8_t> hardwareAddress() const;

  friend bool operator==(const Message&, const Message&) = default;
};

enum class DecodeErrorCode {
  TooShort,             // shorter than the fixed BOOTP fields
  BadHardwareLength,    // hlen above 16
  TruncatedOption,      // an option's length runs past its area
  BadOverload,          // option 52 with a length other than 1 or a value other than 1..3
};

struct DecodeError {
  DecodeErrorCode code;
  std::size_t offset;       // in the message
  std::uint8_t option = 0;  // the option concerned, where there is one

  friend bool operator==(const DecodeError&, const DecodeError&) = default;
};
std::string_view toString(DecodeErrorCode code);

std::expected<Message, DecodeError> decode(std::span<const std::uint8_t> bytes);

// ISC dhcpd's layout (common/options.c, cons_options and store_options), which replies must
// match byte for byte. Options go out in the message's order; each goes whole into the options
// field while 3 bytes stay free for option 52, else whole into file, else into sname (where
// those are empty and overloading is allowed), else it is split over what is left of them in
// that order; longer than 255 bytes it is split into 255-byte pieces from the start (RFC 3396).
// An option that does not fit at all is left out, as ISC leaves it out. Relay agent information
// (82) goes last, after option 52, in room of its own beyond the limit.
inline constexpr std::size_t kMinimumOptionsField =  // 312: what a 576-byte message holds
    kMinimumMaxMessageSize - kIpUdpOverhead - kFixedFieldsSize;
inline constexpr std::size_t kMaximumMessageSize = 1500;  // ISC's DHCP_MTU_MAX: one frame
inline constexpr std::size_t kMaximumOptionsField =
    kMaximumMessageSize - kIpUdpOverhead - kFixedFieldsSize;
inline constexpr std::size_t kBootpVendorAreaSize = 64;  // RFC 951's vend field

struct EncodeLimits {
  // Bytes for the magic cookie, the options and End in the options field (ISC's mb_size).
  std::size_t optionsField = kMinimumOptionsField;
  // Options may go into file and sname when those are empty (option 52), file first.
  bool overload = true;
  // The last option is the last the sender meant to send at all (the end of ISC's priority
  // list), so it may take the 3 bytes otherwise kept for option 52.
  bool lastIsFinal = false;
  // Pad the message with zeros up to this size, as ISC dhcpd does (300).
  std::size_t minimumSize = kBootpMinimumSize;
};

// The options field for a peer's maximum message size (option 57, IP and UDP headers
// included), as ISC takes it: below 576 as 576, above 1500 as 1500.
std::size_t optionsFieldFor(std::size_t maxMessageSize);

enum class EncodeErrorCode {
  BufferTooSmall,  // the output buffer is smaller than the message
  FieldTooLong,    // sname or file longer than its field
};
std::string_view toString(EncodeErrorCode code);

// Returns the encoded part of `out`. The codes of options left out for want of room go to
// `dropped` when given.
std::expected<std::span<const std::uint8_t>, EncodeErrorCode> encode(
    const Message& message, const EncodeLimits& limits, std::span<std::uint8_t> out,
    std::vector<std::uint8_t>* dropped = nullptr);

}  // namespace snowboot::dhcp
