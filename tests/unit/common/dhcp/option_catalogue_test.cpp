#include "common/dhcp/option_catalogue.hpp"

#include <set>

#include <catch2/catch.hpp>

using namespace snowboot::dhcp;

namespace {

std::vector<OptionField> fields(std::initializer_list<std::pair<const char*, bool>> list) {
  std::vector<OptionField> out;
  for (auto [text, quoted] : list) out.push_back(OptionField{text, quoted});
  return out;
}

std::vector<std::uint8_t> encode(std::string_view format, const std::vector<OptionField>& f) {
  auto bytes = encodeOption(format, f);
  REQUIRE(bytes);
  return *bytes;
}

}  // namespace

TEST_CASE("catalogue finds dhcp-options(5) options by name and code", "[dhcp][catalogue]") {
  OptionCatalogue catalogue;
  const auto* routers = catalogue.find("dhcp", "routers");
  REQUIRE(routers);
  CHECK(routers->code == 3);
  CHECK(routers->format == "IA");
  CHECK(catalogue.find("dhcp", 67)->name == "bootfile-name");
  CHECK(catalogue.find("dhcp", 93)->name == "pxe-system-type");
  CHECK(catalogue.find("agent", "circuit-id")->code == 1);
  CHECK(catalogue.find("dhcp", "no-such-option") == nullptr);
  CHECK(catalogue.find("DHCP", "Routers") == routers);  // ISC ignores case in names
  CHECK(catalogue.find("dhcp", 250u) == nullptr);
  CHECK(catalogue.findSpace("agent"));
  CHECK_FALSE(catalogue.findSpace("ipxe"));
}

TEST_CASE("the built-in table has unique names and codes per space", "[dhcp][catalogue]") {
  std::set<std::pair<std::string_view, std::string_view>> names;
  std::set<std::pair<std::string_view, std::uint32_t>> codes;
  for (const auto& option : builtinOptions()) {
    CHECK(names.insert({option.space, option.name}).second);
    CHECK(codes.insert({option.space, option.code}).second);
  }
  CHECK(builtinOptions().size() > 150);
}

TEST_CASE("declared options and spaces join the catalogue and replace old ones",
          "[dhcp][catalogue]") {
  OptionCatalogue catalogue;
  catalogue.defineSpace("ipxe", 1, 1);
  const auto& def = catalogue.define("ipxe", "no-pxedhcp", 176, "B");
  CHECK(catalogue.find("ipxe", "no-pxedhcp") == &def);
  CHECK(catalogue.find("ipxe", 176u) == &def);
  catalogue.define("dhcp", "arch", 93, "S");
  CHECK(catalogue.find("dhcp", 93u)->name == "arch");
  CHECK(catalogue.find("dhcp", "pxe-system-type")->code == 93);  // ISC keeps the old name
  CHECK(catalogue.find("dhcp", "arch")->format == "S");
}

TEST_CASE("encodeOption encodes each type", "[dhcp][catalogue]") {
  CHECK(encode("IA", fields({{"10.0.0.1", false}, {"192.168.001.010", false}})) ==
        std::vector<std::uint8_t>{10, 0, 0, 1, 192, 168, 1, 10});
  CHECK(encode("t", fields({{"pxelinux.0", true}})).size() == 10);
  CHECK(encode("S", fields({{"1500", false}})) == std::vector<std::uint8_t>{0x05, 0xdc});
  CHECK(encode("l", fields({{"-1", false}})) == std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff});
  CHECK(encode("B", fields({{"0x1f", false}})) == std::vector<std::uint8_t>{0x1f});
  CHECK(encode("f", fields({{"true", false}})) == std::vector<std::uint8_t>{1});
  CHECK(encode("X", fields({{"00:07", false}})) == std::vector<std::uint8_t>{0, 7});
  CHECK(encode("X", fields({{"iPXE", true}})) == std::vector<std::uint8_t>{'i', 'P', 'X', 'E'});
  CHECK(encode("Sa", fields({{"7", false}, {"9", false}})) ==
        std::vector<std::uint8_t>{0, 7, 0, 9});
  CHECK(encode("Dc", fields({{"a.example b.com", true}})) ==
        std::vector<std::uint8_t>{1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 1, 'b', 3,
                                  'c', 'o', 'm', 0});
  CHECK(encode("T", fields({{"infinite", false}})) ==
        std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff});
  CHECK(encode("fto", fields({{"false", false}})) == std::vector<std::uint8_t>{0});
  CHECK(encode("Z", {}).empty());
}

TEST_CASE("encodeOption reports type, range and count errors", "[dhcp][catalogue]") {
  auto check = [](std::string_view format, std::vector<OptionField> f, OptionValueErrorCode code,
                  std::size_t index) {
    auto result = encodeOption(format, f);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == code);
    CHECK(result.error().field == index);
  };
  check("I", fields({{"10.0.0.256", false}}), OptionValueErrorCode::WrongType, 0);
  check("I", fields({{"host.example", false}}), OptionValueErrorCode::HostName, 0);
  check("B", fields({{"256", false}}), OptionValueErrorCode::OutOfRange, 0);
  check("b", fields({{"-129", false}}), OptionValueErrorCode::OutOfRange, 0);
  check("t", fields({{"bare.dotted", false}}), OptionValueErrorCode::WrongType, 0);
  check("t", fields({{"42", false}}), OptionValueErrorCode::WrongType, 0);
  CHECK(encodeOption("t", fields({{"bare", false}})));
  check("I", {}, OptionValueErrorCode::MissingValue, 0);
  check("I", fields({{"1.2.3.4", false}, {"1.2.3.5", false}}), OptionValueErrorCode::ExtraValue,
        1);
  check("IIA", fields({{"1.2.3.4", false}, {"1.2.3.5", false}, {"1.2.3.6", false}}),
        OptionValueErrorCode::MissingValue, 3);
  check("f", fields({{"maybe", false}}), OptionValueErrorCode::WrongType, 0);
  check("X", fields({{"0g:1", false}}), OptionValueErrorCode::WrongType, 0);
  CHECK(encodeOption("I", fields({{"host.example", false}}), true));
}

TEST_CASE("formatOption prints ISC's text and round-trips", "[dhcp][catalogue]") {
  CHECK(formatOption("IA", std::vector<std::uint8_t>{10, 0, 0, 1, 10, 0, 0, 2}) ==
        "10.0.0.1, 10.0.0.2");
  CHECK(formatOption("t", std::vector<std::uint8_t>{'a', '"', 1}) == "\"a\\\"\\001\"");
  CHECK(formatOption("X", std::vector<std::uint8_t>{0, 7}) == "0:7");
  CHECK(formatOption("X", std::vector<std::uint8_t>{'i', 'P', 'X', 'E'}) == "\"iPXE\"");
  CHECK(formatOption("T", std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff}) == "infinite");
  CHECK(formatOption("l", std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xfe}) == "-2");
  CHECK(formatOption("Sa", std::vector<std::uint8_t>{0, 7, 0, 9}) == "7, 9");
  CHECK(formatOption("I", std::vector<std::uint8_t>{1, 2, 3}) == "1:2:3");  // short: hex
  CHECK(formatOption("Dc", std::vector<std::uint8_t>{1, 'a', 0, 1, 'b', 0}) == "\"a\", \"b\"");
  // encode(format(x)) == x for fixed-format options of every kind in the table.
  OptionCatalogue catalogue;
  for (const auto& option : builtinOptions()) {
    if (option.format.empty()) continue;
    if (option.format.find_first_of("tXEDdZ6") != std::string_view::npos) continue;
    std::vector<std::uint8_t> bytes;
    for (char c : option.format) {
      if (c == 'I') bytes.insert(bytes.end(), {10, 1, 2, 3});
      if (c == 'L' || c == 'l' || c == 'T') bytes.insert(bytes.end(), {0, 0, 1, 0});
      if (c == 'S' || c == 's') bytes.insert(bytes.end(), {0, 9});
      if (c == 'B' || c == 'b' || c == 'f') bytes.push_back(1);
    }
    std::string text = formatOption(option.format, bytes);
    std::vector<OptionField> parsed;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto comma = text.find(", ", start);
      parsed.push_back({std::string_view(text).substr(start, comma - start), false});
      if (comma == std::string::npos) break;
      start = comma + 2;
    }
    INFO(option.name << " " << text);
    auto again = encodeOption(option.format, parsed);
    REQUIRE(again);
    CHECK(*again == bytes);
  }
}

TEST_CASE("describeFormat names types as dhcpd.conf writes them", "[dhcp][catalogue]") {
  CHECK(describeFormat("IA") == "array of ip-address");
  CHECK(describeFormat("B") == "unsigned integer 8");
  CHECK(describeFormat("Sa") == "array of unsigned integer 16");
  CHECK(describeFormat("It") == "{ ip-address, text }");
  CHECK(encapsulatedSpace("Eagent.") == "agent");
  CHECK_FALSE(encapsulatedSpace("E."));
  CHECK_FALSE(encapsulatedSpace("IA"));
}

TEST_CASE("dotted quads and hex lists are checked as encodeOption checks them", "[dhcp][catalogue]") {
  for (std::string_view text : {"10.0.0.1", "0.0.0.0", "255.255.255.255", "010.001.000.009",
                                "0000000000001.2.3.4", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3",
                                "1.2.3.4.", ".1.2.3", "-1.2.3.4", "1.2.3.a", "", "99999999999.0.0.1"}) {
    INFO(text);
    OptionField field{text, false};
    auto encoded = encodeOption("I", {&field, 1});
    auto quad = parseDottedQuad(text);
    REQUIRE(quad.has_value() == encoded.has_value());
    if (quad) {
      CHECK(*encoded == std::vector<std::uint8_t>{static_cast<std::uint8_t>(*quad >> 24),
                                                  static_cast<std::uint8_t>(*quad >> 16),
                                                  static_cast<std::uint8_t>(*quad >> 8),
                                                  static_cast<std::uint8_t>(*quad)});
    }
  }
  for (std::string_view text : {"52:54:00:ab:CD:ef", "7", "0:1:2", "abc", "1::2", ":1", "1:",
                                "g1", "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17", "", "@:`"}) {
    INFO(text);
    OptionField field{text, false};
    auto encoded = encodeOption("X", {&field, 1});
    auto count = countHexListBytes(text);
    REQUIRE(count.has_value() == (encoded.has_value() && !text.empty()));
    if (count) CHECK(*count == encoded->size());
  }
}
