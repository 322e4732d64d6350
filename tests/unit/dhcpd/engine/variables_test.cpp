// `set`/`define`/`unset` variables and `defined()`, as ISC evaluates them while answering, and
// their place in the lease (dhcpd.leases `set NAME = "value";`).
#include <catch2/catch.hpp>

#include "tests/unit/dhcpd/engine/engine_test_support.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;

namespace {

const char* kVariables = R"(
authoritative;
set pxetype = substring(option vendor-class-identifier, 0, 9);
define marker = "set";
unset marker;
subnet 192.168.0.0 netmask 255.255.255.0 {
  range 192.168.0.100 192.168.0.109;
  set where = "lab";
  if pxetype = "PXEClient" { filename "pxelinux.0"; } else { filename "other.img"; }
  if defined(marker) { option domain-name "marker.test"; }
  elsif defined(pxetype) { option domain-name = concat(where, ".has-vendor.test"); }
  else { option domain-name "no-vendor.test"; }
}
)";

dhcp::Message withVendor(dhcp::Message message, const std::string& vendor) {
  message.options.set(60, std::vector<std::uint8_t>(vendor.begin(), vendor.end()));
  message.options.set(dhcp::option::kParameterRequestList, kPrl);
  return message;
}

std::string domain(const dhcp::Message& message) {
  const auto option = message.options.find(15);
  return option ? std::string(option->data.begin(), option->data.end()) : "(none)";
}

}  // namespace

TEST_CASE("set binds values later scopes test, and unset and null values are not defined",
          "[engine][variables]") {
  Server server(kVariables);
  auto pxe = server.handle(
      withVendor(clientMessage(MessageType::Discover, 1, 1), "PXEClient:Arch:00000"), kNow);
  REQUIRE(pxe.reply);
  CHECK(pxe.reply->file == "pxelinux.0");
  CHECK(domain(*pxe.reply) == "lab.has-vendor.test");

  auto other = server.handle(withVendor(clientMessage(MessageType::Discover, 2, 2), "MSFT"), kNow);
  REQUIRE(other.reply);
  CHECK(other.reply->file == "other.img");
  CHECK(domain(*other.reply) == "lab.has-vendor.test");

  auto none = clientMessage(MessageType::Discover, 3, 3);
  none.options.set(dhcp::option::kParameterRequestList, kPrl);
  auto bare = server.handle(none, kNow);
  REQUIRE(bare.reply);
  CHECK(bare.reply->file == "other.img");
  CHECK(domain(*bare.reply) == "no-vendor.test");
}

TEST_CASE("variables set while ACKing are kept in the lease", "[engine][variables]") {
  Server server(kVariables);
  auto request = withVendor(clientMessage(MessageType::Request, 1, 1), "PXEClient");
  request.options.set(dhcp::option::kRequestedAddress, {192, 168, 0, 100});
  auto ack = server.handle(request, kNow);
  REQUIRE(ack.reply);
  REQUIRE(ack.commits.size() == 1);
  const auto& variables = ack.commits[0].variables;
  REQUIRE(variables.size() == 2);
  CHECK(variables[0].name == "pxetype");
  CHECK(variables[0].data == "PXEClient");
  CHECK(variables[1].name == "where");
  CHECK(variables[1].data == "lab");
}
