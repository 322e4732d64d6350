#include "common/daemon/systemd_notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <fmt/format.h>

namespace snowboot::daemon {

SystemdNotifier::SystemdNotifier() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = std::strlen(path);
  if (length >= sizeof address.sun_path) return;
  std::memcpy(address.sun_path, path, length);
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const auto addressLength = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  if (fd && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), addressLength) == 0) {
    fd_ = std::move(fd);
  }
}

void SystemdNotifier::send(std::string_view message) const {
  if (!fd_) return;
  // Best effort, as sd_notify: a supervisor that went away must not stop the daemon.
  [[maybe_unused]] auto sent = ::send(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL);
}

void SystemdNotifier::ready(std::string_view status) const {
  send(status.empty() ? std::string("READY=1") : fmt::format("READY=1\nSTATUS={}", status));
}

void SystemdNotifier::reloading() const {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto microseconds = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                            static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", microseconds));
}

void SystemdNotifier::stopping() const { send("STOPPING=1"); }

void SystemdNotifier::status(std::string_view status) const {
  send(fmt::format("STATUS={}", status));
}

}  // namespace snowboot::daemon
