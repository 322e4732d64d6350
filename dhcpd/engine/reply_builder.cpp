#include "dhcpd/engine/reply_builder.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "dhcpd/engine/destination.hpp"
#include "dhcpd/engine/option_bytes.hpp"

namespace snowboot::dhcpd::engine {

namespace {

using dhcp::MessageType;

// A space's options as sub-options (code, length, data), with the space's field widths.
std::vector<std::uint8_t> encapsulate(const std::map<std::uint32_t, std::vector<std::uint8_t>>& sub,
                                      const dhcp::OptionSpace* space) {
  int codeWidth = space ? space->codeWidth : 1;
  int lengthWidth = space ? space->lengthWidth : 1;
  std::vector<std::uint8_t> out;
  auto put = [&](std::uint32_t value, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
      out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  };
  for (const auto& [code, data] : sub) {
    put(code, codeWidth);
    if (lengthWidth > 0) put(static_cast<std::uint32_t>(data.size()), lengthWidth);
    out.insert(out.end(), data.begin(), data.end());
  }
  return out;
}

// Options of other spaces go where dhcpd.conf says: inside the option that encapsulates their
// space, inside option 43 for the vendor-option-space, at top level for the site-option-space.
void placeSpaceOptions(const ConfigModel& config, const Effective& effective,
                       ReplyValues& options) {
  const auto& catalogue = config.source->catalogue;
  for (const auto& [space, sub] : effective.spaceOptions) {
    if (auto carrier = config.encapsulations.find(space); carrier != config.encapsulations.end()) {
      if (!options.contains(carrier->second)) {
        options.set(carrier->second, encapsulate(sub, catalogue.findSpace(space)));
      }
    }
  }
  if (auto vendor = effective.text("vendor-option-space")) {
    auto sub = effective.spaceOptions.find(*vendor);
    if (sub != effective.spaceOptions.end() && !options.contains(dhcp::option::kVendorSpecific)) {
      options.set(dhcp::option::kVendorSpecific,
                  encapsulate(sub->second, catalogue.findSpace(*vendor)));
    }
  }
  if (auto site = effective.text("site-option-space")) {
    auto sub = effective.spaceOptions.find(*site);
    if (sub != effective.spaceOptions.end()) {
      for (const auto& [code, data] : sub->second) {
        if (code > 0 && code < 255 && !options.contains(static_cast<std::uint8_t>(code))) {
          options.set(static_cast<std::uint8_t>(code), data);
        }
      }
    }
  }
}

}  // namespace

dhcp::Message replyHeaderFor(const dhcp::Message& request) {
  dhcp::Message reply;
  reply.op = static_cast<std::uint8_t>(dhcp::OpCode::BootReply);
  reply.htype = request.htype;
  reply.hlen = request.hlen;
  reply.hops = request.hops;
  reply.xid = request.xid;
  reply.flags = request.flags;
  reply.giaddr = request.giaddr;
  reply.chaddr = request.chaddr;
  return reply;
}

void buildReply(const ConfigModel& config, const dhcp::Message& request, const Arrival& arrival,
                const Effective& effective, const ReplyPlan& plan, ReplyKind kind,
                Outcome& outcome) {
  const bool bootp = kind == ReplyKind::BootpFixed || kind == ReplyKind::BootpDynamic;
  dhcp::Message reply = replyHeaderFor(request);
  reply.secs = request.secs;
  reply.ciaddr = request.ciaddr;
  reply.yiaddr = plan.yiaddr;
  if (auto next = effective.text("next-server")) {
    if (auto address = net::Ipv4Address::parse(*next)) reply.siaddr = *address;
  } else if (kind == ReplyKind::BootpFixed) {
    reply.siaddr = arrival.serverAddress;  // bootp.c: the interface's address
  }
  if (auto file = effective.text("filename")) {
    reply.file = *file;
  } else if (kind == ReplyKind::BootpFixed) {
    reply.file = request.file;  // bootp.c copies the request's
  }
  if (auto name = effective.text("server-name")) reply.sname = *name;
  // ISC copies what fits the field, without a terminating NUL when it fills it.
  if (reply.file.size() > dhcp::kBootFileSize) reply.file.resize(dhcp::kBootFileSize);
  if (reply.sname.size() > dhcp::kServerNameSize) reply.sname.resize(dhcp::kServerNameSize);

  ReplyValues options(effective.options);
  placeSpaceOptions(config, effective, options);
  if (plan.subnet && !options.contains(dhcp::option::kSubnetMask)) {
    options.set(dhcp::option::kSubnetMask, addressBytes(plan.subnet->network.netmask()));
  }
  if (!bootp) {
    options.set(dhcp::option::kMessageType, std::array{static_cast<std::uint8_t>(plan.type)});
    options.set(dhcp::option::kServerIdentifier,
                addressBytes(serverIdentifier(effective, arrival.serverAddress)));
  }
  if (plan.leaseTime) {
    options.set(dhcp::option::kLeaseTime, numberBytes(*plan.leaseTime));
    // ack_lease drops a configured rebinding time not below the lease time, then a renewal
    // time not below what is left.
    std::uint32_t limit = *plan.leaseTime;
    if (auto rebind = options.find(dhcp::option::kRebindingTime)) {
      auto value = optionNumberOf(*rebind);
      if (value && *value >= limit) {
        options.remove(dhcp::option::kRebindingTime);
      } else if (value) {
        limit = *value;
      }
    }
    if (auto renew = options.find(dhcp::option::kRenewalTime)) {
      auto value = optionNumberOf(*renew);
      if (value && *value >= limit) options.remove(dhcp::option::kRenewalTime);
    }
  } else if (kind == ReplyKind::Inform) {
    // RFC 2131 3.4: no time options in an answer to an INFORM.
    options.remove(dhcp::option::kLeaseTime);
    options.remove(dhcp::option::kRenewalTime);
    options.remove(dhcp::option::kRebindingTime);
  }
  // A dhcp-parameter-request-list set in dhcpd.conf replaces the client's (ISC; pxelinux
  // configs append 208-211 to it so those options are sent).
  auto asked = options.find(dhcp::option::kParameterRequestList);
  if (!asked) {
    if (auto list = request.options.find(dhcp::option::kParameterRequestList)) asked = list->data;
  }
  // The list is not sent back (ISC would only if a list asked for 55); ISC leaves out options
  // without data.
  options.remove(dhcp::option::kParameterRequestList);
  options.removeEmpty();
  const auto priority =
      priorityList(kind, request.messageType(), asked, effective.optionOrder, options);
  auto limits = replyLimits(kind, request, arrival.requestSize, options);
  for (auto code : priority) {
    if (auto found = options.find(code)) reply.options.set(code, *found);
  }
  if (kind == ReplyKind::BootpFixed && !request.hasMagicCookie &&
      !isOn(effective, "always-reply-rfc1048")) {
    // bootp.c: a client from before RFC 1048 gets its own vendor area back, at the request's
    // size.
    reply.options = {};
    reply.hasMagicCookie = false;
    reply.vendorArea = request.vendorArea;
    limits.minimumSize = std::max(limits.minimumSize, arrival.requestSize);
    outcome.reply = std::move(reply);
    outcome.limits = limits;
    outcome.destination = replyDestination(request, *outcome.reply);
    return;
  }
  limits.lastIsFinal = !priority.empty() && reply.options.contains(priority.back());
  // RFC 3046: a relay's agent information goes back to it unchanged, last, as ISC echoes it.
  if (!request.giaddr.isAny()) {
    if (const auto agent = request.options.find(dhcp::option::kRelayAgentInformation)) {
      reply.options.set(agent->code, agent->data);
    }
  }
  outcome.reply = std::move(reply);
  outcome.limits = limits;
  outcome.destination = replyDestination(request, *outcome.reply);
}

}  // namespace snowboot::dhcpd::engine
