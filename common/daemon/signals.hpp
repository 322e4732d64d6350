#pragma once
// TERM/INT stop a daemon and HUP reloads it, delivered inside its Boost.Asio event loop, so
// handlers run between packets and never in signal context.

#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace snowboot::daemon {

class SignalDispatcher {
 public:
  SignalDispatcher(boost::asio::io_context& io, std::function<void()> onStop,
                   std::function<void()> onReload);
  // Stop listening; the handlers are not called after this.
  void cancel();

 private:
  void wait();

  boost::asio::signal_set signals_;
  std::function<void()> onStop_;
  std::function<void()> onReload_;
};

}  // namespace snowboot::daemon
