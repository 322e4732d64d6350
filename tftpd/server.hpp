#pragma once
// The shell around Session: one io_context, the listening sockets, and per transfer one
// connected UDP socket on its own ephemeral port (its TID) plus a steady_timer set from the
// session's deadline. Receives go through one shared buffer (wait for readable, then read), so
// an idle transfer costs a socket, a timer and its window, not a 64 KiB receive buffer.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/log/logger.hpp"
#include "tftpd/paths.hpp"
#include "tftpd/session.hpp"

namespace snowboot::tftpd {

// A --map-file rewrite: the new name, or the refusal text sent with ERROR 2.
struct RemapRequest {
  std::string_view name;
  bool read = true;
  boost::asio::ip::address client;
};
using Remapper = std::function<std::expected<std::string, std::string>(const RemapRequest&)>;

struct ServerConfig {
  SessionLimits limits;
  std::optional<std::pair<std::uint16_t, std::uint16_t>> portRange;  // -R
  int verbosity = 0;
  // inetd mode: stop after this long without a request and with no transfer running.
  std::optional<std::chrono::seconds> idleExit;
};

class Server {
 public:
  Server(boost::asio::io_context& io, const log::Logger& logger, const PathResolver& resolver,
         ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A bound UDP socket (standalone) or inetd's stdin socket; the server owns it from now on.
  void addListener(int fd);
  void setRemapper(Remapper remapper) { remapper_ = std::move(remapper); }
  // Stop listening and drop every transfer.
  void stop();
  std::size_t activeTransfers() const { return transfers_.size(); }

 private:
  struct Listener;
  struct Transfer;

  void waitListener(Listener& listener);
  void drainListener(Listener& listener);
  void handleRequest(std::span<const std::uint8_t> datagram,
                     const boost::asio::ip::udp::endpoint& client,
                     const std::optional<boost::asio::ip::address>& local);
  std::optional<boost::asio::ip::udp::socket> openTransferSocket(
      const boost::asio::ip::udp::endpoint& client,
      const std::optional<boost::asio::ip::address>& local);
  void nak(boost::asio::ip::udp::socket& socket, const boost::asio::ip::udp::endpoint& client,
           tftp::ErrorCode code, const std::string& message);
  void start(std::shared_ptr<Transfer> transfer);
  void flush(Transfer& transfer);
  void waitPacket(std::shared_ptr<Transfer> transfer);
  void armTimer(std::shared_ptr<Transfer> transfer);
  void afterStep(std::shared_ptr<Transfer> transfer);
  void finish(Transfer& transfer);
  void armIdle();

  boost::asio::io_context& io_;
  const log::Logger& logger_;
  const PathResolver& resolver_;
  ServerConfig config_;
  Remapper remapper_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::map<Transfer*, std::shared_ptr<Transfer>> transfers_;
  std::vector<std::uint8_t> receiveBuffer_;
  std::set<std::string> junkLogged_;  // clients already told about in the log
  boost::asio::steady_timer idleTimer_;
  std::uint32_t portCursor_ = 0;
  bool stopped_ = false;
};

}  // namespace snowboot::tftpd
