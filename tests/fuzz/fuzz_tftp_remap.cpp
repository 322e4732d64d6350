// The --map-file parser and rewriter on any input: the bytes before the first "\n--\n" are a
// rule file, each line after it a request name. Parsing reports or accepts; applying ends
// (the step limit bounds loops) and never crashes.
#include <cstdint>
#include <string>
#include <string_view>

#include "tftpd/remap.hpp"

using namespace snowboot::tftpd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n--\n");
  const std::string_view ruleText = input.substr(0, split);
  auto rules = RemapRules::parse(ruleText, "fuzz.rules");
  if (!rules) {
    (void)rules.error().format();
    return 0;
  }
  if (split == std::string_view::npos) return 0;
  std::string_view names = input.substr(split + 4);
  const RemapClient clients[] = {{true, false, "192.0.2.34", "C0000222"},
                                 {false, true, "2001:db8::1", "20010DB8000000000000000000000001"}};
  while (!names.empty()) {
    const auto end = names.find('\n');
    const std::string name(names.substr(0, end));
    for (const auto& client : clients) (void)rules->apply(name, client);
    if (end == std::string_view::npos) break;
    names.remove_prefix(end + 1);
  }
  return 0;
}
