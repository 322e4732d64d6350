#pragma once
// `dhcpd -tf FILE`: records what the server reads (configuration, lease file, interfaces,
// packets, ping-check echoes) in ISC's trace format, so `dhcpd -play FILE` (ours or ISC's)
// replays the run. Each record is one write(2), unbuffered, so a crash tears at most the last.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/daemon/system_error.hpp"
#include "common/daemon/unique_fd.hpp"
#include "dhcpd/trace/trace_format.hpp"

namespace snowboot::dhcpd::trace {

class Writer {
 public:
  struct Created;
  // Creates the file (mode 0600) or empties the one there, as ISC does.
  static daemon::SystemResult<Created> create(const std::string& path);

  // A record stamped with the wall-clock second, as ISC's. The first failed write stops the
  // recording (the server goes on): its message, once; nothing after that.
  std::optional<std::string> record(Type type, std::span<const std::uint8_t> payload);

 private:
  explicit Writer(daemon::UniqueFd fd) : fd_(std::move(fd)) {}
  std::optional<std::string> writeAll(std::span<const std::uint8_t> bytes);

  daemon::UniqueFd fd_;
};

struct Writer::Created {
  std::unique_ptr<Writer> writer;
  bool replaced = false;  // a file was there: ISC warns that it overwrites it
};

}  // namespace snowboot::dhcpd::trace
