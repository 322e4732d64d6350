// `dhcpd -play` reads trace files an administrator hands it: any bytes must end in records or
// one error, never a crash; every record that decodes must encode to bytes that decode the same.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "dhcpd/trace/trace_format.hpp"

using namespace snowboot::dhcpd::trace;

namespace {

template <class Decoded, class Decode, class Encode>
void roundTrip(std::span<const std::uint8_t> payload, Decode decode, Encode encode,
               bool (*same)(const Decoded&, const Decoded&)) {
  auto decoded = decode(payload);
  if (!decoded) return;
  const std::vector<std::uint8_t> again = encode(*decoded);
  auto twice = decode(again);
  if (!twice || !same(*decoded, *twice)) std::abort();
}

bool sameBytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto reader = Reader::open(std::span(data, size));
  if (!reader) return 0;
  for (int records = 0; records < 100000; ++records) {
    auto next = reader->next();
    if (!next || !*next) return 0;
    const auto payload = (*next)->payload;
    switch ((*next)->type) {
      case Type::ReadConf:
      case Type::ReadLeases:
        roundTrip<FileRecord>(payload, decodeFile, [](const FileRecord& f) {
          return encodeFile(f.name, f.contents);
        }, [](const FileRecord& a, const FileRecord& b) {
          return a.name == b.name && a.contents == b.contents;
        });
        break;
      case Type::Interface:
        roundTrip<InterfaceRecord>(payload, decodeInterface, encodeInterface,
                                   [](const InterfaceRecord& a, const InterfaceRecord& b) {
          // Names are cut to IFNAMSIZ - 1 on writing, as the kernel's are.
          return a.address == b.address && a.index == b.index && a.mac == b.mac &&
                 a.name.substr(0, 15) == b.name;
        });
        break;
      case Type::InPacket:
        roundTrip<InPacketRecord>(payload, decodeInPacket, encodeInPacket,
                                  [](const InPacketRecord& a, const InPacketRecord& b) {
          return a.index == b.index && a.source == b.source && a.sourcePort == b.sourcePort &&
                 a.sourceMac == b.sourceMac && sameBytes(a.message, b.message);
        });
        break;
      case Type::OutPacket:
        roundTrip<OutPacketRecord>(payload, decodeOutPacket, encodeOutPacket,
                                   [](const OutPacketRecord& a, const OutPacketRecord& b) {
          return a.index == b.index && a.from == b.from && a.to == b.to &&
                 a.toPort == b.toPort && a.toMac == b.toMac && sameBytes(a.message, b.message);
        });
        break;
      case Type::IcmpOutput:
        roundTrip<IcmpOutputRecord>(payload, decodeIcmpOutput, encodeIcmpOutput,
                                    [](const IcmpOutputRecord& a, const IcmpOutputRecord& b) {
          return a.address == b.address && a.identifier == b.identifier &&
                 a.sequence == b.sequence;
        });
        break;
      case Type::IcmpInput:
        (void)decodeIcmpInput(payload);  // ISC's are cut short: only the source round-trips
        break;
      case Type::RandomSeed:
      case Type::Unknown:
        break;
    }
  }
  return 0;
}
