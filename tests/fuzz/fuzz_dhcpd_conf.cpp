// libFuzzer: dhcpd.conf lexer + parser + checker. Any input must give a result and
// diagnostics, never a crash, hang or sanitizer report. Includes resolve to the input itself
// once (so the include path is exercised), then to nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dhcpd/conf/checker.hpp"
#include "dhcpd/conf/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  int includes = 0;
  snowboot::dhcpd::conf::FileReader reader =
      [&](const std::string&) -> std::expected<std::string, std::string> {
    if (includes++ > 0) return std::unexpected(std::string("No such file or directory"));
    return text;
  };
  auto result = snowboot::dhcpd::conf::parseConfig(text, "fuzz.conf", reader);
  snowboot::dhcpd::conf::checkConfig(result);
  for (const auto& diagnostic : result.diagnostics) {
    (void)snowboot::dhcpd::conf::formatDiagnostic(diagnostic);
  }
  return 0;
}
