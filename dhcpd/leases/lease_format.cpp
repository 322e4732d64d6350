#include "dhcpd/leases/lease_format.hpp"

#include <bit>
#include <iterator>

#include <fmt/format.h>

#include "common/bytes.hpp"

namespace snowboot::dhcpd::leases {

namespace {

// The journal formats a record per lease on the event loop: plain appends, no format strings
// or temporary strings, since this runs for every lease the server commits.
// Writes `value` as at least `width` digits ending at `end`; returns where they start.
char* writeDigits(char* end, unsigned value, int width) {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
    --width;
  } while (value != 0 || width > 0);
  return end;
}

void appendPadded(std::string& out, unsigned value, int width) {
  char digits[16];
  char* end = digits + sizeof digits;
  out.append(writeDigits(end, value, width), end);
}

// "4 2026/11/26 06:44:29;" built in place, then appended once.
void appendTime(std::string& out, Time time) {
  if (time == kNever) {
    out += "never;";
    return;
  }
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss clock{time - days};
  const int year = int{date.year()};
  char text[32];
  char* end = text + sizeof text;
  char* p = end;
  *--p = ';';
  p = writeDigits(p, static_cast<unsigned>(clock.seconds().count()), 2);
  *--p = ':';
  p = writeDigits(p, static_cast<unsigned>(clock.minutes().count()), 2);
  *--p = ':';
  p = writeDigits(p, static_cast<unsigned>(clock.hours().count()), 2);
  *--p = ' ';
  p = writeDigits(p, unsigned{date.day()}, 2);
  *--p = '/';
  p = writeDigits(p, unsigned{date.month()}, 2);
  *--p = '/';
  p = writeDigits(p, static_cast<unsigned>(year < 0 ? -year : year), 4);
  if (year < 0) *--p = '-';
  *--p = ' ';
  p = writeDigits(p, std::chrono::weekday{days}.c_encoding(), 1);
  out.append(p, end);
}

void appendQuoted(std::string& out, std::string_view bytes) {
  out.push_back('"');
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == ' ') {
      out.push_back(' ');
    } else if (byte < 0x21 || byte > 0x7e) {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + (byte >> 6)));
      out.push_back(static_cast<char>('0' + ((byte >> 3) & 7)));
      out.push_back(static_cast<char>('0' + (byte & 7)));
    } else if (byte == '"' || byte == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string formatTime(Time time) {
  std::string out;
  appendTime(out, time);
  return out;
}

std::string quoteBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 2);
  appendQuoted(out, bytes);
  return out;
}

std::string formatLease(const Lease& lease) {
  std::string out;
  out.reserve(320);
  out += "lease ";
  out += lease.address.toString();
  out += " {";
  auto time = [&out](std::string_view name, const std::optional<Time>& value) {
    // ISC omits zero times; a loaded 0 stays absent the same way.
    if (value && value->time_since_epoch().count() != 0) {
      out += "\n  ";
      out += name;
      out.push_back(' ');
      appendTime(out, *value);
    }
  };
  time("starts", lease.starts);
  time("ends", lease.ends);
  time("tstp", lease.tstp);
  time("tsfp", lease.tsfp);
  time("atsfp", lease.atsfp);
  time("cltt", lease.cltt);
  out += "\n  binding state ";
  out += toString(lease.state);
  out.push_back(';');
  if (lease.nextState && *lease.nextState != lease.state) {
    out += "\n  next binding state ";
    out += toString(*lease.nextState);
    out.push_back(';');
  }
  if (lease.rewindState && *lease.rewindState != lease.state) {
    out += "\n  rewind binding state ";
    out += toString(*lease.rewindState);
    out.push_back(';');
  }
  if (lease.reserved) out += "\n  reserved;";
  if (lease.bootp) out += "\n  dynamic-bootp;";
  if (!lease.hardware.empty()) {
    const std::string_view typeName = hardwareTypeName(lease.hardware.type);
    out += "\n  hardware ";
    if (typeName.empty()) {
      out += "unknown-";
      appendPadded(out, lease.hardware.type, 1);
    } else {
      out += typeName;
    }
    out.push_back(' ');
    appendColonHex(out, {lease.hardware.address.data(), lease.hardware.address.size()});
    out.push_back(';');
  }
  if (!lease.uid.empty()) {
    out += "\n  uid ";
    appendQuoted(out, lease.uid);
    out.push_back(';');
  }
  for (const Variable& variable : lease.variables) {
    out += "\n  set ";
    out += variable.name;
    out += " = ";
    switch (variable.kind) {
      case Variable::Kind::Data: appendQuoted(out, variable.data); break;
      case Variable::Kind::Number: fmt::format_to(std::back_inserter(out), "%{}", variable.number); break;
      case Variable::Kind::Boolean: out += variable.number ? "true" : "false"; break;
    }
    out.push_back(';');
  }
  // ISC writes agent options before the hostname and on-events after; extras keep file order.
  if (lease.clientHostname) {
    out += "\n  client-hostname ";
    appendQuoted(out, *lease.clientHostname);
    out.push_back(';');
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
