// readLeaseFile must take any bytes without crashing, and every lease it accepts must format to
// a record that reads back as the same lease (parse(emit(x)) == x).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dhcpd/leases/lease_format.hpp"
#include "dhcpd/leases/lease_reader.hpp"

using namespace snowboot::dhcpd::leases;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LeaseFileContents contents = readLeaseFile(text, "fuzz.leases");
  for (const LeaseFileProblem& problem : contents.errors) {
    (void)formatProblem("fuzz.leases", problem);
  }
  for (const Lease& lease : contents.leases) {
    const LeaseFileContents again = readLeaseFile(formatLease(lease), "again");
    if (!again.errors.empty() || again.leases.size() != 1 || !(again.leases[0] == lease)) {
      std::abort();
    }
  }
  return 0;
}
