#pragma once
// sd_notify(3) messages for Type=notify units; silent when NOTIFY_SOCKET is not set.
//
// libsystemd's sd_notify() connects to $NOTIFY_SOCKET afresh on every call, which fails once a
// daemon has chrooted (the path is outside the new root) or dropped to a user that cannot reach
// it. So the socket is opened and connected once, at construction, before either happens.

#include <string_view>

#include "common/daemon/unique_fd.hpp"

namespace snowboot::daemon {

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET and connects to it; a missing or unusable socket makes this inactive.
  SystemdNotifier();
  bool active() const { return fd_.valid(); }
  void ready(std::string_view status = {}) const;
  // RELOADING=1 with MONOTONIC_USEC, as Type=notify-reload requires; follow with ready().
  void reloading() const;
  void stopping() const;
  void status(std::string_view status) const;

 private:
  void send(std::string_view message) const;
  UniqueFd fd_;
};

}  // namespace snowboot::daemon
