#include "dhcpd/engine/offer_book.hpp"

namespace snowboot::dhcpd::engine {

void OfferBook::erase(ByAddress::iterator entry) {
  if (entry->second.check == Check::Probing) --probing_;
  byClient_.erase(entry->second.client);
  byAddress_.erase(entry);
}

void OfferBook::remember(net::Ipv4Address address, const std::string& client, leases::Time until) {
  if (auto old = byAddress_.find(address.value());
      old != byAddress_.end() && old->second.client == client) {
    old->second.until = until;
    return;
  }
  if (auto old = byClient_.find(client); old != byClient_.end()) {
    if (auto entry = byAddress_.find(old->second); entry != byAddress_.end()) {
      erase(entry);
    } else {
      byClient_.erase(old);
    }
  }
  if (auto old = byAddress_.find(address.value()); old != byAddress_.end()) erase(old);
  byAddress_[address.value()] = Entry{client, until, Check::Unchecked};
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
  if (found != byAddress_.end()) erase(found);
}

void OfferBook::expire(leases::Time now) {
  for (auto it = byAddress_.begin(); it != byAddress_.end();) {
    auto next = std::next(it);
    if (it->second.until <= now) erase(it);
    it = next;
  }
}

OfferBook::Check OfferBook::check(net::Ipv4Address address) const {
  auto found = byAddress_.find(address.value());
  return found == byAddress_.end() ? Check::Unchecked : found->second.check;
}

void OfferBook::setCheck(net::Ipv4Address address, Check check) {
  auto found = byAddress_.find(address.value());
  if (found == byAddress_.end()) return;
  if (found->second.check == Check::Probing) --probing_;
  if (check == Check::Probing) ++probing_;
  found->second.check = check;
}

}  // namespace snowboot::dhcpd::engine
