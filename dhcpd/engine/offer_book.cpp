#include "dhcpd/engine/offer_book.hpp"

namespace snowboot::dhcpd::engine {

void OfferBook::remember(net::Ipv4Address address, const std::string& client, leases::Time until) {
  if (auto old = byClient_.find(client); old != byClient_.end() && old->second != address.value()) {
    byAddress_.erase(old->second);
  }
  if (auto old = byAddress_.find(address.value()); old != byAddress_.end()) {
    byClient_.erase(old->second.client);
  }
  byAddress_[address.value()] = Entry{client, until};
  byClient_[client] = address.value();
}

std::optional<net::Ipv4Address> OfferBook::offeredTo(std::string_view client,
                                                     leases::Time now) const {
  auto found = byClient_.find(std::string(client));
  if (found == byClient_.end()) return std::nullopt;
  auto entry = byAddress_.find(found->second);
  if (entry == byAddress_.end() || entry->second.until <= now) return std::nullopt;
  return net::Ipv4Address(found->second);
}

std::optional<std::string> OfferBook::holder(net::Ipv4Address address, leases::Time now) const {
  auto found = byAddress_.find(address.value());
  if (found == byAddress_.end() || found->second.until <= now) return std::nullopt;
  return found->second.client;
}

void OfferBook::forget(net::Ipv4Address address) {
  auto found = byAddress_.find(address.value());
  if (found == byAddress_.end()) return;
  byClient_.erase(found->second.client);
  byAddress_.erase(found);
}

void OfferBook::expire(leases::Time now) {
  for (auto it = byAddress_.begin(); it != byAddress_.end();) {
    if (it->second.until <= now) {
      byClient_.erase(it->second.client);
      it = byAddress_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace snowboot::dhcpd::engine
