// ISC's choice, order and room for a reply's options (reply_options), and the engine's replies
// encoded byte for byte as ISC dhcpd 4.4.3-P1 sent them (tests/fixtures/isc-replies).
#include "dhcpd/engine/reply_options.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine_test_support.hpp"
#include "tests/support/fixture.hpp"

using namespace snowboot;
using namespace snowboot::dhcpd::engine;
using namespace snowboot::dhcpd::engine::testing;
using dhcp::MessageType;

namespace {

using Codes = std::vector<std::uint8_t>;
const Codes kMandatory{53, 54, 51, 58, 59, 56, 50, 92};

Codes concat(Codes a, const Codes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// What ISC dhcpd answered one scenario with (tests/integration/dhcpd/scenarios.sh).
std::vector<std::uint8_t> iscReply(const std::string& scenario) {
  return test::readFixture("isc-replies/" + scenario + ".dhcp");
}

std::string fixtureText(const std::string& name) {
  auto bytes = test::readFixture("isc-replies/" + name);
  return {bytes.begin(), bytes.end()};
}

std::vector<std::uint8_t> encoded(const Outcome& outcome) {
  REQUIRE(outcome.reply);
  std::vector<std::uint8_t> out(1500);
  auto bytes = dhcp::encode(*outcome.reply, outcome.limits, out);
  REQUIRE(bytes);
  return {bytes->begin(), bytes->end()};
}

std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// scenarios.sh's 29-option list.
const auto kManyOptions = hex("0103060f77020407090e1112171a1c2128292a2c2e2f4041424546484a");

}  // namespace

TEST_CASE("ISC's option hash buckets", "[reply]") {
  CHECK(optionHashBucket(1) == 1);
  CHECK(optionHashBucket(15) == 15);
  CHECK(optionHashBucket(48) == 0);
  CHECK(optionHashBucket(119) == 9);
  CHECK(optionHashBucket(224) == 7);
}

TEST_CASE("a reply's values: the scopes' with what the reply sets or takes away", "[reply]") {
  using Bytes = std::vector<std::uint8_t>;
  const OptionValues scoped{{1, {255, 255, 255, 0}}, {3, {192, 168, 0, 1}}, {15, {}}};
  ReplyValues values(scoped);
  CHECK(Bytes(values.find(3)->begin(), values.find(3)->end()) == Bytes{192, 168, 0, 1});
  values.set(3, Bytes{10, 0, 0, 1});
  CHECK(Bytes(values.find(3)->begin(), values.find(3)->end()) == Bytes{10, 0, 0, 1});
  values.remove(1);
  CHECK_FALSE(values.contains(1));
  values.set(53, Bytes{2});
  CHECK(values.contains(15));
  values.removeEmpty();
  CHECK_FALSE(values.contains(15));
  auto codes = values.codes();
  CHECK(codes.count() == 2);
  CHECK(codes.test(3));
  CHECK(codes.test(53));
  values.set(1, Bytes{255, 0, 0, 0});  // set again after a removal
  CHECK(values.contains(1));
  CHECK(scoped.at(3) == Bytes{192, 168, 0, 1});  // the scopes' values are never changed
  CHECK_FALSE(ReplyValues().contains(1));
}

TEST_CASE("a subnet mask nobody asked for is tried last, and before the routers", "[reply]") {
  OptionValues values{{1, {255, 255, 255, 0}}, {3, {192, 168, 0, 1}}};
  const Codes asked{3, 6, 15, 42};
  CHECK(priorityList(ReplyKind::Lease, MessageType::Discover, asked, {}, ReplyValues(values)) ==
        concat(kMandatory, {1, 6, 15, 42, 3}));
  CHECK(priorityList(ReplyKind::Lease, MessageType::Request, Codes{6, 15}, {}, ReplyValues(values)) ==
        concat(kMandatory, {6, 15, 1}));
  // Not for an INFORM; and a list that asks for it keeps its own place.
  CHECK(priorityList(ReplyKind::Inform, MessageType::Inform, asked, {}, ReplyValues(values)) ==
        concat(kMandatory, asked));
  CHECK(priorityList(ReplyKind::Lease, MessageType::Discover, Codes{6, 1, 82}, {}, ReplyValues(values)) ==
        concat(kMandatory, {6, 1}));
}

TEST_CASE("without a request list: ISC's defaults, then its option hash, then 43", "[reply]") {
  // Set in this order: 15 (bucket 15), 17 (bucket 0), 48 (bucket 0), 119 (bucket 9).
  const Codes configured{15, 17, 48, 119};
  OptionValues values;
  for (auto code : configured) values[code] = {1};
  CHECK(priorityList(ReplyKind::BootpFixed, std::nullopt, Codes{1, 3}, configured, ReplyValues(values)) ==
        concat(kMandatory, {1, 3, 6, 12, 81, 48, 17, 119, 15, 43}));
  // A NAK ignores the client's list too.
  CHECK(priorityList(ReplyKind::Nak, MessageType::Request, Codes{15}, configured, ReplyValues(values)) ==
        concat(kMandatory, {1, 3, 6, 12, 81, 48, 17, 119, 15, 43}));
}

TEST_CASE("the room for options by kind of reply", "[reply]") {
  auto discover = clientMessage(MessageType::Discover, 1, 1);
  CHECK(replyLimits(ReplyKind::Lease, discover, 300, {}).optionsField == 312);
  CHECK(replyLimits(ReplyKind::Lease, discover, 300, {}).overload);
  // dhcp-max-message-size in scope counts when the client sends no option 57.
  OptionValues configured{{57, {0x03, 0xe8}}};
  CHECK(replyLimits(ReplyKind::Lease, discover, 300, ReplyValues(configured)).optionsField == 1000 - 264);
  discover.options.set(57, {0x03, 0x20});
  CHECK(replyLimits(ReplyKind::Lease, discover, 300, ReplyValues(configured)).optionsField == 800 - 264);
  auto inform = clientMessage(MessageType::Inform, 1, 1);
  CHECK_FALSE(replyLimits(ReplyKind::Inform, inform, 300, ReplyValues(configured)).overload);
  CHECK(replyLimits(ReplyKind::Inform, inform, 300, ReplyValues(configured)).optionsField == 312);
  dhcp::Message bootp;
  CHECK(replyLimits(ReplyKind::BootpFixed, bootp, 300, {}).optionsField == 64);
  CHECK_FALSE(replyLimits(ReplyKind::BootpFixed, bootp, 300, {}).overload);
  CHECK(replyLimits(ReplyKind::BootpFixed, bootp, 0, {}).optionsField == 64);
  CHECK(replyLimits(ReplyKind::BootpFixed, bootp, 400, {}).optionsField == 164);
  CHECK(replyLimits(ReplyKind::BootpDynamic, bootp, 300, {}).overload);
}

TEST_CASE("the engine's replies encode to ISC's bytes", "[reply]") {
  Server server(fixtureText("dhcpd-options.conf"));
  server.arrival.requestSize = dhcp::kBootpMinimumSize;

  SECTION("BOOTP: the 64-byte vendor area in ISC's hash order") {
    dhcp::Message bootp;
    bootp.xid = 0x102a;
    bootp.chaddr = {0x52, 0x54, 0x00, 0x00, 0x00, 0xb1};
    auto outcome = server.handle(bootp, kNow);
    CHECK(encoded(outcome) == iscReply("bootp-many-fixed"));
  }
  // A fresh store offers .100 where ISC's run had given earlier clients addresses.
  auto sameButAddress = [](std::vector<std::uint8_t> ours, const std::vector<std::uint8_t>& isc) {
    REQUIRE(ours.size() == isc.size());
    std::copy(isc.begin() + 16, isc.begin() + 20, ours.begin() + 16);
    CHECK(ours == isc);
  };
  SECTION("DISCOVER without the subnet mask in its list") {
    auto discover = clientMessage(MessageType::Discover, 0x20, 0x1020);
    discover.options.set(dhcp::option::kParameterRequestList, {3, 6, 15, 42});
    auto outcome = server.handle(discover, kNow);
    CHECK(codes(*outcome.reply) == "53,54,51,1,6,15,42,3");
    sameButAddress(encoded(outcome), iscReply("no-mask-offer"));
  }
  SECTION("29 options overloaded into file and sname") {
    auto discover = clientMessage(MessageType::Discover, 0x22, 0x1022);
    discover.options.set(dhcp::option::kParameterRequestList, kManyOptions);
    sameButAddress(encoded(server.handle(discover, kNow)), iscReply("many-options-offer"));
  }
  SECTION("an option of 300 bytes split") {
    auto discover = clientMessage(MessageType::Discover, 0xd2, 0x1028);
    discover.options.set(dhcp::option::kParameterRequestList, {1, 3, 224, 6, 15, 119});
    sameButAddress(encoded(server.handle(discover, kNow)), iscReply("long-option-offer"));
  }
  SECTION("no request list: every option in scope, in ISC's order") {
    auto discover = clientMessage(MessageType::Discover, 0x29, 0x1029);
    sameButAddress(encoded(server.handle(discover, kNow)), iscReply("no-list-offer"));
  }
}
