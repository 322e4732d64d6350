#pragma once
// The reply's assembly: BOOTP fields, the options of ISC's priority list that are in scope
// (reply_options), other spaces' options inside their carriers, the relay's agent information.

#include <cstdint>
#include <optional>

#include "common/dhcp/message.hpp"
#include "common/net/ipv4.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/engine.hpp"
#include "dhcpd/engine/evaluate.hpp"
#include "dhcpd/engine/reply_options.hpp"

namespace snowboot::dhcpd::engine {

// What the engine decided for a reply; the rest comes from the request and the scopes.
struct ReplyPlan {
  dhcp::MessageType type = dhcp::MessageType::Offer;
  net::Ipv4Address yiaddr;
  std::optional<std::uint32_t> leaseTime;
  const Subnet* subnet = nullptr;
};

// A BOOTREPLY carrying the request's htype, hlen, hops, xid, flags, giaddr and chaddr.
dhcp::Message replyHeaderFor(const dhcp::Message& request);

// ISC's reply: BOOTP fields copied from the request, then the options of ISC's priority list
// (reply_options) that are in scope, the relay's agent information last; `outcome` gets the
// reply and the room its options have.
void buildReply(const ConfigModel& config, const dhcp::Message& request, const Arrival& arrival,
                const Effective& effective, const ReplyPlan& plan, ReplyKind kind,
                Outcome& outcome);

}  // namespace snowboot::dhcpd::engine
