#pragma once
// Netlink notifications of links and IPv4 addresses coming and going, so dhcpd can wait for an
// interface that is not up yet at boot instead of dying as ISC dhcpd does.

#include "common/daemon/system_error.hpp"
#include "common/daemon/unique_fd.hpp"

namespace snowboot::dhcpd::io {

class LinkMonitor {
 public:
  static daemon::SystemResult<LinkMonitor> open();

  int fileDescriptor() const { return fd_.get(); }
  // Reads every waiting notification; true if a link or an IPv4 address changed (the caller
  // then discovers interfaces again: notifications only say that something changed).
  daemon::SystemResult<bool> drainChanges();

 private:
  explicit LinkMonitor(int fd) : fd_(fd) {}
  daemon::UniqueFd fd_;
};

}  // namespace snowboot::dhcpd::io
