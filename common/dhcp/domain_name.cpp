#include "common/dhcp/domain_name.hpp"

#include <algorithm>
#include <optional>

namespace snowboot::dhcp {
namespace {

constexpr std::size_t kMaxName = 255;      // NS_MAXCDNAME: wire form, root byte included
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxPointerTarget = 0x4000;  // 14 bits of offset
// ns_name_pack remembers at most this many label positions (ISC's dnptrs[256], less the
// message start and the terminating NULL slots).
constexpr std::size_t kMaxRemembered = 253;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 0x20) : c; }

bool sameLabel(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::expected<std::vector<std::uint8_t>, DomainNameError> domainNameFromText(
    std::string_view text) {
  std::vector<std::uint8_t> out{0};  // out[label] is the length byte of the label being read
  std::size_t label = 0;
  auto closeLabel = [&]() -> std::optional<DomainNameError> {
    std::size_t length = out.size() - label - 1;
    if (length > kMaxLabel) return DomainNameError::LabelTooLong;
    out[label] = static_cast<std::uint8_t>(length);
    return std::nullopt;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (++i == text.size()) break;  // a lone trailing backslash is dropped, as ISC does
      c = text[i];
      if (c >= '0' && c <= '9') {
        if (i + 2 >= text.size() || text[i + 1] < '0' || text[i + 1] > '9' || text[i + 2] < '0' ||
            text[i + 2] > '9') {
          return std::unexpected(DomainNameError::BadEscape);
        }
        int value = (c - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
        if (value > 255) return std::unexpected(DomainNameError::BadEscape);
        c = static_cast<char>(value);
        i += 2;
      }
    } else if (c == '.') {
      if (auto error = closeLabel()) return std::unexpected(*error);
      bool emptyLabel = out.size() == label + 1;
      if (i + 1 == text.size()) {  // fully qualified: "example.com." or the root "."
        if (!emptyLabel) out.push_back(0);
        if (out.size() > kMaxName) return std::unexpected(DomainNameError::NameTooLong);
        return out;
      }
      if (emptyLabel || text[i + 1] == '.') return std::unexpected(DomainNameError::EmptyLabel);
      label = out.size();
      out.push_back(0);
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(c));
    if (out.size() > kMaxName) return std::unexpected(DomainNameError::NameTooLong);
  }
  if (auto error = closeLabel()) return std::unexpected(*error);
  if (out[label] != 0) out.push_back(0);
  if (out.size() > kMaxName) return std::unexpected(DomainNameError::NameTooLong);
  return out;
}

bool DomainListWriter::matchesAt(std::span<const std::uint8_t> suffix, std::size_t at) const {
  auto stored = readDomainName(bytes_, at);
  if (!stored) return false;
  std::size_t pos = 0;
  for (const auto& label : stored->labels) {
    std::size_t length = suffix[pos];
    if (length == 0) return false;
    std::string_view mine(reinterpret_cast<const char*>(suffix.data() + pos + 1), length);
    if (!sameLabel(mine, label)) return false;
    pos += length + 1;
  }
  return suffix[pos] == 0;
}

void DomainListWriter::add(std::span<const std::uint8_t> wireName) {
  std::size_t pos = 0;
  while (pos < wireName.size()) {
    std::size_t length = wireName[pos];
    if (length != 0 && compress_) {
      auto suffix = wireName.subspan(pos);
      for (std::size_t at : labelStarts_) {
        if (matchesAt(suffix, at)) {
          bytes_.push_back(static_cast<std::uint8_t>(0xc0 | (at >> 8)));
          bytes_.push_back(static_cast<std::uint8_t>(at & 0xff));
          return;
        }
      }
      if (labelStarts_.size() < kMaxRemembered && bytes_.size() < kMaxPointerTarget) {
        labelStarts_.push_back(bytes_.size());
      }
    }
    std::size_t end = std::min(wireName.size(), pos + length + 1);
    bytes_.insert(bytes_.end(), wireName.begin() + static_cast<std::ptrdiff_t>(pos),
                  wireName.begin() + static_cast<std::ptrdiff_t>(end));
    if (length == 0) return;
    pos = end;
  }
}

std::expected<DomainName, DomainNameError> readDomainName(std::span<const std::uint8_t> data,
                                                          std::size_t offset) {
  DomainName name;
  std::size_t pos = offset;
  std::size_t wireLength = 1;  // the root byte
  std::size_t followed = 0;    // bytes of pointers followed: more than the data holds is a loop
  bool jumped = false;
  while (true) {
    if (pos >= data.size()) return std::unexpected(DomainNameError::Truncated);
    std::uint8_t length = data[pos];
    if (length == 0) {
      if (!jumped) name.consumed = pos + 1 - offset;
      return name;
    }
    switch (length & 0xc0) {
      case 0x00: {
        if (pos + 1 + length > data.size()) return std::unexpected(DomainNameError::Truncated);
        wireLength += length + 1u;
        if (wireLength > kMaxName) return std::unexpected(DomainNameError::NameTooLong);
        name.labels.emplace_back(reinterpret_cast<const char*>(data.data() + pos + 1), length);
        pos += length + 1u;
        break;
      }
      case 0xc0: {
        if (pos + 1 >= data.size()) return std::unexpected(DomainNameError::Truncated);
        if (!jumped) name.consumed = pos + 2 - offset;
        jumped = true;
        followed += 2;
        pos = static_cast<std::size_t>(length & 0x3f) << 8 | data[pos + 1];
        if (pos >= data.size() || followed >= data.size()) {
          return std::unexpected(DomainNameError::BadPointer);
        }
        break;
      }
      default: return std::unexpected(DomainNameError::BadLabelType);
    }
  }
}

}  // namespace snowboot::dhcp
