#pragma once
// Which options a reply carries, in which order, and how much room they get: ISC dhcpd 4.4's
// rules (common/options.c cons_options and store_options, server/dhcp.c, server/bootp.c), so
// replies match its bytes. Pure functions of the request and what the scopes configured.

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "common/dhcp/message.hpp"

namespace snowboot::dhcpd::engine {

// ISC's paths to a reply, which differ in priority list and room.
enum class ReplyKind {
  Lease,         // OFFER or ACK (ack_lease, dhcp_reply)
  Inform,        // ACK to an INFORM (dhcpinform): no overload, no subnet mask added
  Nak,           // nak_lease: no overload
  BootpFixed,    // a host's fixed address (bootp.c): the vendor area only, no overload
  BootpDynamic,  // a dynamic BOOTP lease (ack_lease): the vendor area, file and sname
};

using OptionValues = std::map<std::uint8_t, std::vector<std::uint8_t>>;

// A reply's option values: those its scopes set, read where they are (a copy per reply was a
// map node and a vector per option), with what the reply itself sets or takes away.
class ReplyValues {
 public:
  ReplyValues() = default;  // no scope's values
  explicit ReplyValues(const OptionValues& scoped) : scoped_(&scoped) {}

  std::optional<std::span<const std::uint8_t>> find(std::uint8_t code) const;
  bool contains(std::uint8_t code) const { return find(code).has_value(); }
  void set(std::uint8_t code, std::span<const std::uint8_t> data);
  void remove(std::uint8_t code) { removed_.set(code); }
  // Takes away every option without data (ISC sends none of those).
  void removeEmpty();
  // The codes that have a value.
  std::bitset<256> codes() const;

 private:
  const OptionValues& scoped() const {
    static const OptionValues kNone;
    return scoped_ != nullptr ? *scoped_ : kNone;
  }
  const OptionValues* scoped_ = nullptr;
  dhcp::OptionList set_;      // set by the reply, over the scopes' value
  std::bitset<256> removed_;  // taken away: wins over both
};

// ISC's option hash (17 buckets) orders options within a space: by bucket, and in a bucket the
// one set last first.
std::size_t optionHashBucket(std::uint8_t code);

// The codes ISC tries, best first, duplicates removed and the subnet mask moved before the
// routers (RFC 2132 3.3), as store_options does. `asked` is the parameter request list (the
// configured one, else the client's); `configured` the codes in the order the scopes first set
// them; `values` every option the reply may carry.
std::vector<std::uint8_t> priorityList(ReplyKind kind, std::optional<dhcp::MessageType> type,
                                       std::optional<std::span<const std::uint8_t>> asked,
                                       const std::vector<std::uint8_t>& configured,
                                       const ReplyValues& values);

// The room ISC gives a reply's options: the client's option 57, else (for OFFER and ACK) the
// configured dhcp-max-message-size, else 576 bytes, or for BOOTP the request's own vendor area
// (64 bytes, more when the request was longer than 300). `requestSize` is the request's DHCP
// message size as received (0 when not known: taken as 300).
dhcp::EncodeLimits replyLimits(ReplyKind kind, const dhcp::Message& request,
                               std::size_t requestSize, const ReplyValues& values);

}  // namespace snowboot::dhcpd::engine
