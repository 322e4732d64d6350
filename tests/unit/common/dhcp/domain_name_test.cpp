#include "common/dhcp/domain_name.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace snowboot::dhcp;

namespace {

std::vector<std::uint8_t> wire(std::string_view text) {
  auto name = domainNameFromText(text);
  REQUIRE(name);
  return *name;
}

}  // namespace

TEST_CASE("domainNameFromText follows ns_name_pton", "[dhcp][domain]") {
  CHECK(wire("a.bc") == std::vector<std::uint8_t>{1, 'a', 2, 'b', 'c', 0});
  CHECK(wire("a.bc.") == wire("a.bc"));
  CHECK(wire("") == std::vector<std::uint8_t>{0});
  CHECK(wire(".") == std::vector<std::uint8_t>{0});
  CHECK(wire("a\\.b") == std::vector<std::uint8_t>{3, 'a', '.', 'b', 0});
  CHECK(wire("\\065\\b") == std::vector<std::uint8_t>{2, 'A', 'b', 0});
  CHECK(wire("a b") == std::vector<std::uint8_t>{3, 'a', ' ', 'b', 0});
  CHECK(domainNameFromText("a..b").error() == DomainNameError::EmptyLabel);
  CHECK(domainNameFromText("..").error() == DomainNameError::EmptyLabel);
  CHECK(domainNameFromText(".a").error() == DomainNameError::EmptyLabel);
  CHECK(domainNameFromText("\\12").error() == DomainNameError::BadEscape);
  CHECK(domainNameFromText("\\999").error() == DomainNameError::BadEscape);
  CHECK(domainNameFromText(std::string(64, 'x')).error() == DomainNameError::LabelTooLong);
  // 4 labels of 63 bytes: 4 * 64 + 1 = 257 bytes, above 255.
  std::string label(63, 'x');
  CHECK(domainNameFromText(label + "." + label + "." + label + "." + label).error() ==
        DomainNameError::NameTooLong);
  CHECK(domainNameFromText(label + "." + label + "." + label + "." + std::string(61, 'x')));
}

TEST_CASE("DomainListWriter compresses suffixes already written", "[dhcp][domain]") {
  DomainListWriter list(true);
  list.add(wire("example.com"));
  list.add(wire("www.EXAMPLE.com"));
  list.add(wire("com"));
  list.add(wire("example.com"));
  CHECK(list.bytes() == std::vector<std::uint8_t>{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c',
                                                  'o', 'm', 0, 3, 'w', 'w', 'w', 0xc0, 0,
                                                  0xc0, 8, 0xc0, 0});
  DomainListWriter plain(false);
  plain.add(wire("a.b"));
  plain.add(wire("a.b"));
  CHECK(plain.bytes() == std::vector<std::uint8_t>{1, 'a', 1, 'b', 0, 1, 'a', 1, 'b', 0});
}

TEST_CASE("readDomainName follows pointers and refuses bad ones", "[dhcp][domain]") {
  std::vector<std::uint8_t> data{1, 'a', 0, 1, 'b', 0xc0, 0};
  auto name = readDomainName(data, 3);
  REQUIRE(name);
  CHECK(name->labels == std::vector<std::string>{"b", "a"});
  CHECK(name->consumed == 4);
  CHECK(readDomainName(data, 0)->consumed == 3);
  std::vector<std::uint8_t> loop{0xc0, 0};
  CHECK(readDomainName(loop, 0).error() == DomainNameError::BadPointer);
  std::vector<std::uint8_t> outside{1, 'a', 0xc0, 9};
  CHECK(readDomainName(outside, 0).error() == DomainNameError::BadPointer);
  std::vector<std::uint8_t> cut{3, 'a'};
  CHECK(readDomainName(cut, 0).error() == DomainNameError::Truncated);
  std::vector<std::uint8_t> typed{0x41, 'a'};
  CHECK(readDomainName(typed, 0).error() == DomainNameError::BadLabelType);
  CHECK(readDomainName(data, 7).error() == DomainNameError::Truncated);
}
