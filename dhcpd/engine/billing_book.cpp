#include "dhcpd/engine/billing_book.hpp"

#include <fmt/format.h>

#include "common/bytes.hpp"

namespace snowboot::dhcpd::engine {

std::optional<std::string> BillingBook::billedTo(net::Ipv4Address address) const {
  auto found = byAddress_.find(address);
  if (found == byAddress_.end()) return std::nullopt;
  return found->second;
}

std::size_t BillingBook::count(std::string_view key) const {
  auto found = counts_.find(key);
  return found == counts_.end() ? 0 : found->second;
}

void BillingBook::bill(net::Ipv4Address address, const std::string& key) {
  unbill(address);
  byAddress_.emplace(address, key);
  ++counts_[key];
}

void BillingBook::unbill(net::Ipv4Address address) {
  auto found = byAddress_.find(address);
  if (found == byAddress_.end()) return;
  auto count = counts_.find(found->second);
  if (count != counts_.end() && --count->second == 0) counts_.erase(count);
  byAddress_.erase(found);
}

void BillingBook::clear() {
  byAddress_.clear();
  counts_.clear();
}

std::string billingKey(std::string_view className, const std::optional<std::string>& value) {
  std::string key(className);
  if (value) {
    key.push_back('\0');
    key += *value;
  }
  return key;
}

std::string billingStatement(std::string_view key) {
  auto nul = key.find('\0');
  if (nul == std::string_view::npos) return fmt::format("billing class \"{}\";", key);
  auto name = key.substr(0, nul);
  auto value = key.substr(nul + 1);
  bool printable = !value.empty();
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    // ISC quotes the value when every byte is printable ASCII (its print_hash_string); a
    // quote or backslash would not survive its own reader, so those go as hex too.
    if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\') printable = false;
  }
  if (printable) return fmt::format("billing subclass \"{}\" \"{}\";", name, value);
  std::string hex;
  appendColonHex(hex, std::span(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  return fmt::format("billing subclass \"{}\" {};", name, hex);
}

namespace {

// A quoted name at the start of `text` (no escapes: class names and values we write have none).
std::optional<std::string> quoted(std::string_view& text) {
  if (text.empty() || text.front() != '"') return std::nullopt;
  auto end = text.find('"', 1);
  if (end == std::string_view::npos) return std::nullopt;
  std::string out(text.substr(1, end - 1));
  text.remove_prefix(end + 1);
  return out;
}

void skipSpace(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
}

std::optional<std::string> hexList(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = std::min(text.find(':', start), text.size());
    auto part = text.substr(start, end - start);
    if (part.empty() || part.size() > 2) return std::nullopt;
    unsigned value = 0;
    for (char c : part) {
      int digit = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    out.push_back(static_cast<char>(value));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> parseBillingStatement(std::string_view statement) {
  auto take = [&](std::string_view word) {
    skipSpace(statement);
    if (statement.substr(0, word.size()) != word) return false;
    statement.remove_prefix(word.size());
    return true;
  };
  if (!take("billing")) return std::nullopt;
  bool subclass = take("subclass");
  if (!subclass && !take("class")) return std::nullopt;
  skipSpace(statement);
  auto name = quoted(statement);
  if (!name) return std::nullopt;
  skipSpace(statement);
  if (!statement.empty() && statement.back() == ';') statement.remove_suffix(1);
  while (!statement.empty() && (statement.back() == ' ' || statement.back() == '\t')) {
    statement.remove_suffix(1);
  }
  if (!subclass) {
    if (!statement.empty()) return std::nullopt;
    return billingKey(*name, std::nullopt);
  }
  std::optional<std::string> value;
  if (!statement.empty() && statement.front() == '"') {
    value = quoted(statement);
    if (!statement.empty()) return std::nullopt;
  } else {
    value = hexList(statement);
  }
  if (!value) return std::nullopt;
  return billingKey(*name, value);
}

}  // namespace snowboot::dhcpd::engine
