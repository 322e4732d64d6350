// Option values as text and domain lists. The first byte picks an option of the built-in table:
// formatOption must print any bytes under its format without reading past them. The rest, as
// names one per line, is encoded as a domain list with and without compression: both must
// decode to the same names (compression only matches suffixes without regard to case).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/dhcp/domain_name.hpp"
#include "common/dhcp/option_catalogue.hpp"

using namespace snowboot::dhcp;

namespace {

std::vector<std::string> readAll(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    auto name = readDomainName(bytes, pos);
    if (!name) std::abort();
    std::string text;
    for (const auto& label : name->labels) {
      for (char c : label) text.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
      text.push_back('.');
    }
    names.push_back(text);
    pos += name->consumed;
  }
  return names;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto options = builtinOptions();
  const auto& option = options[data[0] % options.size()];
  std::vector<std::uint8_t> value(data + 1, data + size);
  (void)formatOption(option.format, value);
  (void)formatOption("Dc", value);

  std::vector<OptionField> fields;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  while (!rest.empty()) {
    auto end = rest.find('\n');
    // A field views its text, as the parser's fields view the source: `rest` outlives them.
    fields.push_back(OptionField{rest.substr(0, end), true});
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  auto compressed = encodeOption("Dc", fields);
  auto plain = encodeOption("D", fields);
  if (compressed.has_value() != plain.has_value()) std::abort();
  if (!compressed) return 0;
  if (compressed->size() > plain->size()) std::abort();
  if (readAll(*compressed) != readAll(*plain)) std::abort();
  (void)formatOption("Dc", *compressed);
  return 0;
}
