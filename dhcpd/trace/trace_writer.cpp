#include "dhcpd/trace/trace_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace snowboot::dhcpd::trace {

namespace {

std::uint32_t wallClock() { return static_cast<std::uint32_t>(std::time(nullptr)); }

}  // namespace

daemon::SystemResult<Writer::Created> Writer::create(const std::string& path) {
  Created created;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    created.replaced = true;
    fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  }
  if (fd < 0) return daemon::lastSystemError("open trace file " + path);
  created.writer.reset(new Writer(daemon::UniqueFd(fd)));
  if (auto failed = created.writer->writeAll(encodeFileStart(wallClock()))) {
    return std::unexpected(daemon::SystemError{"write trace file " + path, 0, *failed});
  }
  return created;
}

std::optional<std::string> Writer::record(Type type, std::span<const std::uint8_t> payload) {
  if (!fd_.valid()) return std::nullopt;
  return writeAll(encodeRecord(type, wallClock(), payload));
}

std::optional<std::string> Writer::writeAll(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t wrote = ::write(fd_.get(), bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      std::string message = wrote < 0 ? std::strerror(errno) : "nothing written";
      fd_.reset();
      return "trace file: " + message + "; recording stopped";
    }
    bytes = bytes.subspan(static_cast<std::size_t>(wrote));
  }
  return std::nullopt;
}

}  // namespace snowboot::dhcpd::trace
