#include "dhcpd/io/link_monitor.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace snowboot::dhcpd::io {

daemon::SystemResult<LinkMonitor> LinkMonitor::open() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return daemon::lastSystemError("create netlink socket");
  LinkMonitor monitor(fd);
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return daemon::lastSystemError("subscribe to link and address changes");
  }
  return monitor;
}

daemon::SystemResult<bool> LinkMonitor::drainChanges() {
  bool changed = false;
  alignas(nlmsghdr) char buffer[16384];
  for (;;) {
    const ssize_t size = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (size < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return changed;
      // Notifications were dropped: assume the worst, the caller re-reads everything.
      if (errno == ENOBUFS) {
        changed = true;
        continue;
      }
      return daemon::lastSystemError("read netlink notifications");
    }
    auto remaining = static_cast<unsigned>(size);
    for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, remaining);
         header = NLMSG_NEXT(header, remaining)) {
      switch (header->nlmsg_type) {
        case RTM_NEWLINK:
        case RTM_DELLINK:
        case RTM_NEWADDR:
        case RTM_DELADDR: changed = true; break;
        default: break;
      }
    }
  }
}

}  // namespace snowboot::dhcpd::io
