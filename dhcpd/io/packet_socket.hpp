#pragma once
// A libpcap handle on one interface: receives the DHCP server's inbound frames (UDP to port 67)
// and injects whole Ethernet frames, for replies to clients that have no address yet.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "common/daemon/system_error.hpp"

struct pcap;

namespace snowboot::dhcpd::io {

class PacketSocket {
 public:
  using FrameHandler = std::function<void(std::span<const std::uint8_t> frame)>;

  struct Settings {
    // A pcap filter for inbound frames: by default what a DHCP server must see, so the process
    // only wakes for DHCP.
    std::string filter = "ip and udp dst port 67";
    // Test clients that pose as other hardware addresses need frames sent to those addresses.
    bool promiscuous = false;
  };

  // Opens the interface in immediate, non-blocking mode, inbound frames only.
  static daemon::SystemResult<PacketSocket> open(const std::string& interface,
                                                 const Settings& settings);
  static daemon::SystemResult<PacketSocket> open(const std::string& interface) {
    return open(interface, Settings{});
  }

  PacketSocket(PacketSocket&&) noexcept;
  PacketSocket& operator=(PacketSocket&&) noexcept;
  ~PacketSocket();

  const std::string& interface() const { return interface_; }
  // Becomes readable when frames wait; hand it to the event loop.
  int fileDescriptor() const { return fd_; }
  // Passes every waiting frame to `handler`; returns how many. The span is valid during the call.
  daemon::SystemResult<std::size_t> drain(const FrameHandler& handler);
  daemon::SystemResult<void> send(std::span<const std::uint8_t> frame);

 private:
  PacketSocket(std::string interface, pcap* handle, int fd)
      : interface_(std::move(interface)), handle_(handle), fd_(fd) {}

  std::string interface_;
  pcap* handle_ = nullptr;
  int fd_ = -1;
};

}  // namespace snowboot::dhcpd::io
