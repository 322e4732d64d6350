#include "dhcpd/leases/lease_format.hpp"

#include <bit>

#include <fmt/format.h>

namespace snowboot::dhcpd::leases {

std::string formatTime(Time time) {
  if (time == kNever) return "never;";
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss clock{time - days};
  const unsigned weekday = std::chrono::weekday{days}.c_encoding();
  return fmt::format("{} {:04}/{:02}/{:02} {:02}:{:02}:{:02};", weekday, int{date.year()},
                     unsigned{date.month()}, unsigned{date.day()}, clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count());
}

std::string quoteBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 2);
  out.push_back('"');
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == ' ') {
      out.push_back(' ');
    } else if (byte < 0x21 || byte > 0x7e) {
      out += fmt::format("\\{:03o}", byte);
    } else if (byte == '"' || byte == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string formatLease(const Lease& lease) {
  std::string out = fmt::format("lease {} {{", lease.address.toString());
  auto time = [&out](std::string_view name, const std::optional<Time>& value) {
    // ISC omits zero times; a loaded 0 stays absent the same way.
    if (value && value->time_since_epoch().count() != 0) {
      out += fmt::format("\n  {} {}", name, formatTime(*value));
    }
  };
  time("starts", lease.starts);
  time("ends", lease.ends);
  time("tstp", lease.tstp);
  time("tsfp", lease.tsfp);
  time("atsfp", lease.atsfp);
  time("cltt", lease.cltt);
  out += fmt::format("\n  binding state {};", toString(lease.state));
  if (lease.nextState && *lease.nextState != lease.state) {
    out += fmt::format("\n  next binding state {};", toString(*lease.nextState));
  }
  if (lease.rewindState && *lease.rewindState != lease.state) {
    out += fmt::format("\n  rewind binding state {};", toString(*lease.rewindState));
  }
  if (lease.reserved) out += "\n  reserved;";
  if (lease.bootp) out += "\n  dynamic-bootp;";
  if (!lease.hardware.empty()) {
    const std::string_view typeName = hardwareTypeName(lease.hardware.type);
    out += "\n  hardware ";
    out += typeName.empty() ? fmt::format("unknown-{}", lease.hardware.type) : typeName;
    char separator = ' ';
    for (std::uint8_t byte : lease.hardware.address) {
      out += fmt::format("{}{:02x}", separator, byte);
      separator = ':';
    }
    out += ';';
  }
  if (!lease.uid.empty()) out += fmt::format("\n  uid {};", quoteBytes(lease.uid));
  for (const Variable& variable : lease.variables) {
    switch (variable.kind) {
      case Variable::Kind::Data:
        out += fmt::format("\n  set {} = {};", variable.name, quoteBytes(variable.data));
        break;
      case Variable::Kind::Number:
        out += fmt::format("\n  set {} = %{};", variable.name, variable.number);
        break;
      case Variable::Kind::Boolean:
        out += fmt::format("\n  set {} = {};", variable.name, variable.number ? "true" : "false");
        break;
    }
  }
  // ISC writes agent options before the hostname and on-events after; extras keep file order.
  if (lease.clientHostname) {
    out += fmt::format("\n  client-hostname {};", quoteBytes(*lease.clientHostname));
  }
  for (const std::string& statement : lease.extraStatements) {
    out += "\n  ";
    out += statement;
  }
  out += "\n}\n";
  return out;
}

std::string formatHeader(std::string_view writer) {
  return fmt::format(
      "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
      "# This lease file was written by {}\n\n"
      "# authoring-byte-order entry is generated, DO NOT DELETE\n"
      "authoring-byte-order {};\n\n",
      writer, std::endian::native == std::endian::little ? "little-endian" : "big-endian");
}

}  // namespace snowboot::dhcpd::leases
