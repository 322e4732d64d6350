#include "dhcpd/trace/trace_format.hpp"

#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

using namespace snowboot::dhcpd::trace;
using snowboot::net::Ipv4Address;
using snowboot::net::MacAddress;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes readFixture(const std::string& name) {
  std::ifstream in(std::string(SNOWBOOT_FIXTURES_DIR) + "/trace/" + name, std::ios::binary);
  REQUIRE(in);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::uint32_t u32At(const Bytes& bytes, std::size_t at) {
  return std::uint32_t{bytes[at]} << 24 | std::uint32_t{bytes[at + 1]} << 16 |
         std::uint32_t{bytes[at + 2]} << 8 | bytes[at + 3];
}

Bytes slice(const Bytes& bytes, std::size_t at, std::size_t size) {
  return Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(at),
               bytes.begin() + static_cast<std::ptrdiff_t>(at + size));
}

const MacAddress kMac = *MacAddress::parse("52:54:00:12:34:56");
const Bytes kMessage = {1, 1, 6, 0, 0xde, 0xad, 0xbe, 0xef};

Bytes fileWith(std::initializer_list<Bytes> records) {
  Bytes file = encodeFileStart(1000);
  for (const auto& record : records) file.insert(file.end(), record.begin(), record.end());
  return file;
}

std::vector<Record> readAll(const Bytes& file) {
  auto reader = Reader::open(file);
  REQUIRE(reader);
  std::vector<Record> records;
  while (true) {
    auto next = reader->next();
    REQUIRE(next);
    if (!*next) return records;
    records.push_back(**next);
  }
}

std::string firstError(const Bytes& file) {
  auto reader = Reader::open(file);
  if (!reader) return reader.error().message;
  while (true) {
    auto next = reader->next();
    if (!next) return next.error().message;
    if (!*next) return "";
  }
}

}  // namespace

TEST_CASE("a trace starts with ISC's header and its fifteen type names", "[dhcpd][trace]") {
  const Bytes start = encodeFileStart(0x11223344);
  CHECK(slice(start, 0, 16) == Bytes{'d', 'H', 'C', 'p', 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0, 16});
  // The first mapping: index 0, 4 + 17 bytes, the time, 0; then index 1 and the name, padded.
  CHECK(u32At(start, 16) == 0);
  CHECK(u32At(start, 20) == 21);
  CHECK(u32At(start, 24) == 0x11223344);
  CHECK(u32At(start, 32) == 1);
  CHECK(std::string(start.begin() + 36, start.begin() + 53) == "connection-output");
  CHECK(slice(start, 53, 3) == Bytes{0, 0, 0});
  CHECK(start.size() % 8 == 0);
  // ISC's own recording starts with the same bytes, stamped with its second.
  const Bytes isc = readFixture("isc-4.4.3-dora-pingcheck.trace");
  const Bytes same = encodeFileStart(u32At(isc, 24));
  REQUIRE(same.size() == 520);
  CHECK(slice(isc, 0, same.size()) == same);
}

TEST_CASE("records are padded to 8 bytes with zeros", "[dhcpd][trace]") {
  const Bytes record = encodeRecord(Type::RandomSeed, 7, Bytes{1, 2, 3, 4, 5});
  REQUIRE(record.size() == 16 + 8);
  CHECK(u32At(record, 0) == 11);  // random-seed
  CHECK(u32At(record, 4) == 5);
  CHECK(u32At(record, 8) == 7);
  CHECK(u32At(record, 12) == 0);
  CHECK(slice(record, 16, 8) == Bytes{1, 2, 3, 4, 5, 0, 0, 0});
  CHECK(encodeRecord(Type::RandomSeed, 7, Bytes(8, 1)).size() == 16 + 8);
}

TEST_CASE("an interface record has ISC's 48-byte layout", "[dhcpd][trace]") {
  const Bytes bytes = encodeInterface({Ipv4Address(10, 9, 0, 1), 3, kMac, "eth0"});
  REQUIRE(bytes.size() == 48);
  CHECK(slice(bytes, 0, 4) == Bytes{10, 9, 0, 1});
  CHECK(u32At(bytes, 4) == 3);
  CHECK(slice(bytes, 8, 8) == Bytes{7, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56});
  CHECK(std::string(bytes.begin() + 30, bytes.begin() + 34) == "eth0");
  CHECK(bytes[34] == 0);
  auto decoded = decodeInterface(bytes);
  REQUIRE(decoded);
  CHECK(decoded->address == Ipv4Address(10, 9, 0, 1));
  CHECK(decoded->index == 3);
  CHECK(decoded->mac == kMac);
  CHECK(decoded->name == "eth0");

  auto fallback = decodeInterface(encodeInterface({{}, 1, {}, "fallback"}));
  REQUIRE(fallback);
  CHECK_FALSE(fallback->mac);
  CHECK(fallback->name == "fallback");
  CHECK(decodeInterface(Bytes(47)).error() == "interface record of 47 bytes, expected 48");
  CHECK_FALSE(decodeInterface(Bytes(48)));  // no name
}

TEST_CASE("inpacket and outpacket records have ISC's headers before the message",
          "[dhcpd][trace]") {
  const Bytes in = encodeInPacket({2, Ipv4Address(10, 9, 0, 7), 68, kMac, kMessage});
  REQUIRE(in.size() == 52 + kMessage.size());
  CHECK(u32At(in, 0) == 2);
  CHECK(slice(in, 4, 8) == Bytes{0, 0, 0, 4, 10, 9, 0, 7});  // iaddr: length big-endian
  CHECK(slice(in, 24, 4) == Bytes{0, 68, 7, 1});
  CHECK(in[48] == 1);
  CHECK(slice(in, 52, kMessage.size()) == kMessage);
  auto received = decodeInPacket(in);
  REQUIRE(received);
  CHECK(received->index == 2);
  CHECK(received->source == Ipv4Address(10, 9, 0, 7));
  CHECK(received->sourcePort == 68);
  CHECK(received->sourceMac == kMac);
  CHECK(Bytes(received->message.begin(), received->message.end()) == kMessage);
  CHECK_FALSE(decodeInPacket(encodeInPacket({0, {}, 67, {}, kMessage}))->sourceMac);
  CHECK_FALSE(decodeInPacket(Bytes(51)));

  const Bytes out =
      encodeOutPacket({1, Ipv4Address(10, 9, 0, 1), Ipv4Address(10, 9, 0, 10), 68, kMac, kMessage});
  REQUIRE(out.size() == 72 + kMessage.size());
  CHECK(slice(out, 4, 8) == Bytes{4, 0, 0, 0, 10, 9, 0, 1});  // iaddr: length in host order
  CHECK(slice(out, 24, 8) == Bytes{4, 0, 0, 0, 10, 9, 0, 10});
  CHECK(slice(out, 44, 4) == Bytes{0, 68, 7, 1});
  CHECK(out[68] == 1);
  auto sent = decodeOutPacket(out);
  REQUIRE(sent);
  CHECK(sent->from == Ipv4Address(10, 9, 0, 1));
  CHECK(sent->to == Ipv4Address(10, 9, 0, 10));
  CHECK(sent->toPort == 68);
  CHECK(sent->toMac == kMac);
  CHECK(Bytes(sent->message.begin(), sent->message.end()) == kMessage);
  CHECK_FALSE(decodeOutPacket(Bytes(71)));
}

TEST_CASE("ping-check records: the echo as sent and the reply's source", "[dhcpd][trace]") {
  const Bytes echo = encodeIcmpOutput({Ipv4Address(10, 9, 0, 10), 0x9eca, 5});
  REQUIRE(echo.size() == 48);
  CHECK(slice(echo, 0, 8) == Bytes{4, 0, 0, 0, 10, 9, 0, 10});
  CHECK(slice(echo, 20, 8) == Bytes{8, 0, 0x59, 0x30, 0x9e, 0xca, 0, 5});
  CHECK(slice(echo, 28, 20) == Bytes(20, 0));
  auto sent = decodeIcmpOutput(echo);
  REQUIRE(sent);
  CHECK(sent->address == Ipv4Address(10, 9, 0, 10));
  CHECK(sent->identifier == 0x9eca);
  CHECK(sent->sequence == 5);

  auto reply = decodeIcmpInput(encodeIcmpInput({Ipv4Address(10, 9, 0, 10), 0x9eca, 5}));
  REQUIRE(reply);
  CHECK(reply->source == Ipv4Address(10, 9, 0, 10));
  CHECK(reply->identifier == 0x9eca);
  CHECK(reply->sequence == 5);
  // ISC cuts the datagram short and leaves garbage: only the source is taken from it.
  Bytes cut = {0, 0, 0, 4, 10, 9, 0, 11};
  cut.resize(20 + 13, 0xa5);
  REQUIRE(decodeIcmpInput(cut));
  CHECK(decodeIcmpInput(cut)->source == Ipv4Address(10, 9, 0, 11));
  CHECK_FALSE(decodeIcmpInput(Bytes(19)));
}

TEST_CASE("a file record is its name, a NUL and its bytes", "[dhcpd][trace]") {
  const Bytes bytes = encodeFile("/etc/dhcp/dhcpd.conf", "ddns-update-style none;\n");
  auto file = decodeFile(bytes);
  REQUIRE(file);
  CHECK(file->name == "/etc/dhcp/dhcpd.conf");
  CHECK(file->contents == "ddns-update-style none;\n");
  CHECK(decodeFile(encodeFile("empty", ""))->contents.empty());
  CHECK(decodeFile(Bytes{'a', 'b'}).error() == "file record without the NUL after its name");
}

TEST_CASE("ISC's own recording reads record by record", "[dhcpd][trace]") {
  const Bytes isc = readFixture("isc-4.4.3-dora-pingcheck.trace");  // the records point into it
  const auto records = readAll(isc);
  std::vector<std::string_view> names;
  for (const auto& record : records) names.push_back(record.name);
  CHECK(names == std::vector<std::string_view>{"readconf", "readconf", "readleases", "interface",
                                               "interface", "random-seed", "inpacket",
                                               "icmp-output", "outpacket", "inpacket",
                                               "outpacket"});
  CHECK(decodeFile(records[0].payload)->name == "/tmp/trx/d.conf");
  CHECK(decodeFile(records[1].payload)->contents == "max-lease-time 7200;\n");
  CHECK(decodeFile(records[2].payload)->contents.empty());
  auto interface = decodeInterface(records[3].payload);
  REQUIRE(interface);
  CHECK(interface->address == Ipv4Address(10, 9, 0, 1));
  CHECK(interface->index == 0);
  CHECK(interface->mac == MacAddress::parse("06:c3:af:9b:72:a4"));
  CHECK(decodeInterface(records[4].payload)->name == "fallback");
  auto discover = decodeInPacket(records[6].payload);
  REQUIRE(discover);
  CHECK(discover->sourcePort == 68);
  CHECK(discover->sourceMac == MacAddress::parse("3e:36:e9:80:be:13"));
  CHECK(discover->message.size() == 300);
  CHECK(decodeIcmpOutput(records[7].payload)->address == Ipv4Address(10, 9, 0, 10));
  auto offer = decodeOutPacket(records[8].payload);
  REQUIRE(offer);
  CHECK(offer->from == Ipv4Address(10, 9, 0, 1));
  CHECK(offer->to == Ipv4Address(10, 9, 0, 10));
  CHECK(offer->toMac == MacAddress::parse("3e:36:e9:80:be:13"));
  CHECK(records[8].when == records[6].when + 1);  // the ping's second
}

TEST_CASE("damaged traces end with where and why", "[dhcpd][trace]") {
  const Bytes seed = encodeRecord(Type::RandomSeed, 5, Bytes{0, 0, 0, 1});
  const Bytes good = fileWith({seed});
  CHECK(readAll(good).size() == 1);

  CHECK(firstError(Bytes(good.begin(), good.begin() + 10)) ==
        "10 bytes, too short for a trace file header (16 bytes)");
  Bytes magic = good;
  magic[0] = 'D';
  CHECK(firstError(magic) == "not a dhcp trace file");
  Bytes version = good;
  version[7] = 2;
  CHECK(firstError(version) == "trace file version 2 (this dhcpd reads 1)");
  Bytes header = good;
  header[11] = 12;
  CHECK(firstError(header) == "header and record header sizes 12 and 16, expected 16 and 16");

  Bytes cutHeader(good.begin(), good.end() - 24 + 10);
  CHECK(firstError(cutHeader) == "a record header cut short: 10 of 16 bytes");
  Bytes cutPayload(good.begin(), good.end() - 1);
  CHECK(firstError(cutPayload) == "a record of 8 bytes cut short: 7 remain");
  auto reader = Reader::open(cutPayload);
  REQUIRE(reader);
  auto failed = reader->next();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().offset == cutPayload.size() - 23);

  Bytes unmapped = fileWith({seed});
  unmapped[unmapped.size() - 24 + 3] = 40;
  CHECK(firstError(unmapped) == "a record of index 40, which no mapping record names");
}

TEST_CASE("types this server does not replay are returned by name, and peek does not take",
          "[dhcpd][trace]") {
  Bytes mapping(4);
  mapping[3] = 20;
  const std::string name = "omapi-something";
  mapping.insert(mapping.end(), name.begin(), name.end());
  Bytes file = encodeFileStart(0);
  Bytes record(16);
  record[7] = static_cast<std::uint8_t>(mapping.size());
  record.insert(record.end(), mapping.begin(), mapping.end());
  record.resize(16 + (mapping.size() + 7) / 8 * 8);
  file.insert(file.end(), record.begin(), record.end());
  Bytes other(16 + 8);
  other[3] = 20;
  other[7] = 3;
  file.insert(file.end(), other.begin(), other.end());
  const Bytes seed = encodeRecord(Type::RandomSeed, 5, Bytes{0, 0, 0, 1});
  file.insert(file.end(), seed.begin(), seed.end());

  auto reader = Reader::open(file);
  REQUIRE(reader);
  auto peeked = reader->peek();
  REQUIRE(peeked);
  REQUIRE(*peeked);
  CHECK((*peeked)->type == Type::Unknown);
  CHECK((*peeked)->name == "omapi-something");
  auto first = reader->next();
  REQUIRE(first);
  CHECK((*first)->offset == (*peeked)->offset);
  CHECK((*first)->payload.size() == 3);
  auto second = reader->next();
  REQUIRE(second);
  CHECK((*second)->type == Type::RandomSeed);
  auto end = reader->next();
  REQUIRE(end);
  CHECK_FALSE(*end);
}
