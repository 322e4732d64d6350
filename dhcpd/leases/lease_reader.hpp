#pragma once
// Reads dhcpd.leases as ISC dhcpd 4.4 writes it, on the dhcpd.conf lexer (same token language).
//
// Later entries for an address (or a host name) replace earlier ones, as in ISC. A malformed or
// torn record is reported with its line and skipped: reading resumes at the next line that starts
// with a top-level keyword, so every complete record before and after it is kept.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dhcpd/leases/lease.hpp"

namespace snowboot::dhcpd::leases {

struct LeaseFileProblem {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;   // "expecting a semicolon", "numeric month expected"
  std::string lineText;  // the line, for the echo under the message
};

struct LeaseFileContents {
  std::vector<Lease> leases;      // one per address, the file's last entry for it, in address order
  std::vector<HostRecord> hosts;  // one per name, the last entry, in order of first appearance
  std::string serverDuid;         // the whole `server-duid ...;` statement when present (DHCPv6's)
  std::vector<LeaseFileProblem> errors;  // skipped records
  std::vector<std::string> notes;        // things read and deliberately ignored (failover state)
  std::size_t leaseRecords = 0;          // lease entries read, superseded ones included
  bool tornTail = false;                 // the last record ends early (a write cut short)
};

// Every lease record, in file order, goes to `sink` (the store applies them, so later ones
// replace earlier ones without a second copy of the leases); contents.leases stays empty.
using LeaseSink = std::function<void(Lease&&)>;
LeaseFileContents readLeaseFile(std::string_view text, std::string fileName, const LeaseSink& sink);
// The same, collecting the last record per address into contents.leases.
LeaseFileContents readLeaseFile(std::string_view text, std::string fileName);

// ISC's form: "FILE line N: MESSAGE\n<line>\n<caret>\n".
std::string formatProblem(std::string_view fileName, const LeaseFileProblem& problem);

}  // namespace snowboot::dhcpd::leases
