#include "common/daemon/signals.hpp"

#include <csignal>

namespace snowboot::daemon {

SignalDispatcher::SignalDispatcher(boost::asio::io_context& io, std::function<void()> onStop,
                                   std::function<void()> onReload)
    : signals_(io, SIGTERM, SIGINT, SIGHUP),
      onStop_(std::move(onStop)),
      onReload_(std::move(onReload)) {
  wait();
}

void SignalDispatcher::cancel() {
  boost::system::error_code ignored;
  signals_.cancel(ignored);
}

void SignalDispatcher::wait() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;  // cancelled
    if (signal == SIGHUP) {
      if (onReload_) onReload_();
      wait();
      return;
    }
    if (onStop_) onStop_();
  });
}

}  // namespace snowboot::daemon
