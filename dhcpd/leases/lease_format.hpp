#pragma once
// dhcpd.leases text as ISC dhcpd 4.4 writes it (server/db.c's write_lease, print_time,
// quotify_buf): pure functions from values to text, so ISC's tools and ISC itself read our file.

#include <string>
#include <string_view>

#include "dhcpd/leases/lease.hpp"

namespace snowboot::dhcpd::leases {

// "4 2026/11/26 06:45:28;" (weekday, UTC date and time, the semicolon) or "never;".
std::string formatTime(Time time);
// Bytes as a quoted string: printable ASCII as is, '"' and '\' escaped, others as \ooo.
std::string quoteBytes(std::string_view bytes);
// "lease 10.0.0.5 {\n  starts ...;\n  ...\n}\n": one journal record.
std::string formatLease(const Lease& lease);
// The comments and authoring-byte-order that open every file ISC writes.
std::string formatHeader(std::string_view writer);

}  // namespace snowboot::dhcpd::leases
