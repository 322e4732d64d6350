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
  // Creates the file (mode 0600) or empties the one there, as ISC does; `replaced` says which.
  static daemon::SystemResult<std::unique_ptr<Writer>> create(const std::string& path,
                                                              bool* replaced);

  // A record stamped with the wall-clock second, as ISC's. The first failed write stops the
  // recording (the server goes on): its message, once; nothing after that.
  std::optional<std::string> record(Type type, std::span<const std::uint8_t> payload);
  bool recording() const { return fd_.valid(); }

 private:
  explicit Writer(daemon::UniqueFd fd) : fd_(std::move(fd)) {}
  std::optional<std::string> writeAll(std::span<const std::uint8_t> bytes);

  daemon::UniqueFd fd_;
};

}  // namespace snowboot::dhcpd::trace
