#include "dhcpd/io/packet_socket.hpp"

#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <utility>

#include <fmt/format.h>

namespace snowboot::dhcpd::io {

namespace {

std::unexpected<daemon::SystemError> pcapError(std::string operation, pcap* handle) {
  return std::unexpected(daemon::SystemError{std::move(operation), 0, ::pcap_geterr(handle)});
}

}  // namespace

daemon::SystemResult<PacketSocket> PacketSocket::open(const std::string& interface,
                                                      const Settings& settings) {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap* handle = ::pcap_create(interface.c_str(), error);
  if (handle == nullptr) {
    return std::unexpected(daemon::SystemError{fmt::format("open {}", interface), 0, error});
  }
  auto fail = [&](std::string operation) {
    auto failure = pcapError(fmt::format("{} on {}", operation, interface), handle);
    ::pcap_close(handle);
    return failure;
  };
  // In immediate mode libpcap uses a TPACKET_V2 ring with one snaplen-sized slot per frame (on
  // links with offloads, veth too), and the kernel drops what finds no free slot. A snaplen of
  // 65535 left ~16 slots in the default 2 MiB: a stall of a few tens of ms (an fsync, the
  // scheduler) lost DISCOVERs and REQUESTs under perfdhcp load (a 0.5 s pause at 300/s lost
  // 119 of 899). 1536 bytes, as much of a frame as ISC's LPF reads, hold a full Ethernet frame
  // with a VLAN tag; two slots fit a page, ~1000 in 2 MiB: seconds of such load, 2 MiB of RSS.
  constexpr int kSnapLength = 1536;
  constexpr int kRingBytes = 2 << 20;
  ::pcap_set_snaplen(handle, kSnapLength);
  ::pcap_set_buffer_size(handle, kRingBytes);
  ::pcap_set_immediate_mode(handle, 1);
  ::pcap_set_promisc(handle, settings.promiscuous ? 1 : 0);
  if (int status = ::pcap_activate(handle); status < 0) return fail("activate packet capture");
  if (::pcap_datalink(handle) != DLT_EN10MB) {
    ::pcap_close(handle);
    return std::unexpected(daemon::SystemError{fmt::format("open {}", interface), 0,
                                               "not an Ethernet interface"});
  }
  if (::pcap_setdirection(handle, PCAP_D_IN) != 0) return fail("set capture direction");
  // libpcap drops outgoing frames only after the kernel has copied them into the ring; a reply
  // to a relay (UDP to port 67) passes the filter, so each one came back to be read, parsed and
  // dropped. The kernel (4.20 and later) can leave them out of the ring; an older one refuses
  // the option, and libpcap's own check (and the server's) still drop them.
  const int ignoreOutgoing = 1;
  (void)::setsockopt(::pcap_fileno(handle), SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignoreOutgoing,
                     sizeof ignoreOutgoing);
  bpf_program program{};
  if (::pcap_compile(handle, &program, settings.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return fail("compile filter");
  }
  const int installed = ::pcap_setfilter(handle, &program);
  ::pcap_freecode(&program);
  if (installed != 0) return fail("install filter");
  if (::pcap_setnonblock(handle, 1, error) != 0) return fail("set non-blocking");
  const int fd = ::pcap_get_selectable_fd(handle);
  if (fd < 0) return fail("get selectable descriptor");
  return PacketSocket(interface, handle, fd);
}

PacketSocket::PacketSocket(PacketSocket&& other) noexcept
    : interface_(std::move(other.interface_)),
      handle_(std::exchange(other.handle_, nullptr)),
      fd_(std::exchange(other.fd_, -1)) {}

PacketSocket& PacketSocket::operator=(PacketSocket&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) ::pcap_close(handle_);
    interface_ = std::move(other.interface_);
    handle_ = std::exchange(other.handle_, nullptr);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

PacketSocket::~PacketSocket() {
  if (handle_ != nullptr) ::pcap_close(handle_);
}

daemon::SystemResult<std::size_t> PacketSocket::drain(const FrameHandler& handler) {
  auto callback = [](u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
    const auto& frameHandler = *reinterpret_cast<const FrameHandler*>(user);
    frameHandler(std::span<const std::uint8_t>(bytes, header->caplen));
  };
  const int count = ::pcap_dispatch(handle_, -1, callback,
                                    reinterpret_cast<u_char*>(const_cast<FrameHandler*>(&handler)));
  if (count < 0) return pcapError(fmt::format("read packets on {}", interface_), handle_);
  return static_cast<std::size_t>(count);
}

daemon::SystemResult<void> PacketSocket::send(std::span<const std::uint8_t> frame) {
  if (::pcap_inject(handle_, frame.data(), frame.size()) != static_cast<int>(frame.size())) {
    return pcapError(fmt::format("send a frame on {}", interface_), handle_);
  }
  return {};
}

}  // namespace snowboot::dhcpd::io
