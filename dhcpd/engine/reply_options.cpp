#include "dhcpd/engine/reply_options.hpp"

#include <algorithm>
#include <bitset>

namespace snowboot::dhcpd::engine {

namespace {

namespace option = dhcp::option;

constexpr std::uint8_t kAssociatedIp = 92;
constexpr std::uint8_t kSubnetSelection = 118;
constexpr std::uint8_t kFqdn = 81;
constexpr std::size_t kPriorityCount = 300;  // ISC's PRIORITY_COUNT

// Options ISC always tries first, in this order (cons_options).
constexpr std::uint8_t kMandatory[] = {option::kMessageType,   option::kServerIdentifier,
                                       option::kLeaseTime,     option::kRenewalTime,
                                       option::kRebindingTime, option::kMessage,
                                       option::kRequestedAddress, kAssociatedIp};
// Without a parameter request list, these come next.
constexpr std::uint8_t kDefaultFirst[] = {option::kSubnetMask, option::kRouters, 6,
                                          option::kHostName, kFqdn};

std::optional<std::uint16_t> maxMessageSize(std::span<const std::uint8_t> data) {
  if (data.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>(data[0] << 8 | data[1]);
}

// store_options: later duplicates go; a subnet mask after the routers trades places with them.
void tidy(std::vector<std::uint8_t>& list) {
  std::bitset<256> seen;
  std::erase_if(list, [&seen](std::uint8_t code) {
    if (seen.test(code)) return true;
    seen.set(code);
    return false;
  });
  auto mask = std::find(list.begin(), list.end(), option::kSubnetMask);
  auto routers = std::find(list.begin(), mask, option::kRouters);
  if (mask != list.end() && routers != mask) std::iter_swap(mask, routers);
}

}  // namespace

std::optional<std::span<const std::uint8_t>> ReplyValues::find(std::uint8_t code) const {
  if (removed_.test(code)) return std::nullopt;
  if (auto own = set_.find(code)) return own->data;
  auto found = scoped().find(code);
  if (found == scoped().end()) return std::nullopt;
  return std::span<const std::uint8_t>(found->second);
}

void ReplyValues::set(std::uint8_t code, std::span<const std::uint8_t> data) {
  removed_.reset(code);
  set_.set(code, data);
}

void ReplyValues::removeEmpty() {
  for (const auto& [code, data] : scoped()) {
    if (data.empty() && !set_.contains(code)) removed_.set(code);
  }
  for (const auto& own : set_.entries()) {
    if (own.data.empty()) removed_.set(own.code);
  }
}

std::bitset<256> ReplyValues::codes() const {
  std::bitset<256> codes;
  for (const auto& [code, data] : scoped()) codes.set(code);
  for (const auto& own : set_.entries()) codes.set(own.code);
  return codes & ~removed_;
}

std::size_t optionHashBucket(std::uint8_t code) { return ((code & 31) + ((code >> 5) & 31)) % 17; }

std::vector<std::uint8_t> priorityList(ReplyKind kind, std::optional<dhcp::MessageType> type,
                                       std::optional<std::span<const std::uint8_t>> asked,
                                       const std::vector<std::uint8_t>& configured,
                                       const ReplyValues& values) {
  std::vector<std::uint8_t> list;
  list.reserve(kPriorityCount);  // once, instead of growing through every size on the way
  list.assign(std::begin(kMandatory), std::end(kMandatory));
  // bootp.c passes no list; a NAK ignores the client's.
  const bool useList = asked && !asked->empty() && kind != ReplyKind::BootpFixed &&
                       kind != ReplyKind::Nak;
  if (useList) {
    if (values.contains(kSubnetSelection)) list.push_back(kSubnetSelection);
    for (auto code : *asked) {
      if (list.size() >= kPriorityCount) break;
      // The relay agent's information keeps its own place, last.
      if (code != option::kRelayAgentInformation) list.push_back(code);
    }
    // Clients rely on the mask they did not ask for; ISC adds it last, for these two only.
    if (type == dhcp::MessageType::Discover || type == dhcp::MessageType::Request) {
      list.push_back(option::kSubnetMask);
    }
  } else {
    list.insert(list.end(), std::begin(kDefaultFirst), std::end(kDefaultFirst));
    // The option hash: by bucket, the most recently added first within one.
    for (std::size_t bucket = 0; bucket < 17; ++bucket) {
      for (auto it = configured.rbegin(); it != configured.rend(); ++it) {
        if (optionHashBucket(*it) == bucket && *it != option::kRelayAgentInformation) {
          list.push_back(*it);
        }
      }
    }
    // Then the options that encapsulate other spaces (ISC goes by space; here by code).
    const auto codes = values.codes();
    for (std::size_t code = 0; code < codes.size(); ++code) {
      if (codes.test(code) && code != option::kRelayAgentInformation &&
          code != option::kVendorSpecific) {
        list.push_back(static_cast<std::uint8_t>(code));
      }
    }
    // The vendor space cannot stand on its own: always tried, last.
    list.push_back(option::kVendorSpecific);
  }
  if (list.size() > kPriorityCount) list.resize(kPriorityCount);
  tidy(list);
  return list;
}

dhcp::EncodeLimits replyLimits(ReplyKind kind, const dhcp::Message& request,
                               std::size_t requestSize, const ReplyValues& values) {
  dhcp::EncodeLimits limits;
  // ack_lease takes the client's option 57 when it has two bytes, else (no option 57 at all)
  // the configured one; cons_options then takes the client's when it is smaller.
  std::optional<std::uint16_t> mms;
  const auto asked = request.options.find(option::kMaxMessageSize);
  const bool viaLease = kind == ReplyKind::Lease || kind == ReplyKind::BootpDynamic;
  if (viaLease) {
    if (!asked) {
      if (auto configured = values.find(option::kMaxMessageSize);
          configured && configured->size() == 2) {
        mms = maxMessageSize(*configured);
      }
    } else if (asked->data.size() == 2) {
      mms = maxMessageSize(asked->data);
    }
  }
  if (asked) {
    if (auto own = maxMessageSize(asked->data); own && (!mms || *mms == 0 || *own < *mms)) {
      mms = own;
    }
  }
  const bool bootp = kind == ReplyKind::BootpFixed || kind == ReplyKind::BootpDynamic;
  if (mms && *mms != 0) {
    limits.optionsField = dhcp::optionsFieldFor(*mms);
  } else if (bootp) {
    const std::size_t size = requestSize == 0 ? dhcp::kBootpMinimumSize : requestSize;
    limits.optionsField = size >= dhcp::kFixedFieldsSize + dhcp::kBootpVendorAreaSize
                              ? size - dhcp::kFixedFieldsSize
                              : dhcp::kBootpVendorAreaSize;
  } else {
    limits.optionsField = dhcp::kMinimumOptionsField;
  }
  limits.overload = viaLease;
  return limits;
}

}  // namespace snowboot::dhcpd::engine
