#include "dhcpd/conf/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace snowboot::dhcpd::conf {

std::string formatDiagnostic(const Diagnostic& diagnostic) {
  std::string message = diagnostic.severity == Diagnostic::Severity::Warning
                            ? "warning: " + diagnostic.message
                            : diagnostic.message;
  std::string out;
  if (diagnostic.located) {
    out = formatLocated(diagnostic.location, diagnostic.lineText, message);
  } else {
    out = message + "\n";
  }
  if (!diagnostic.hint.empty()) out += fmt::format("  hint: {}\n", diagnostic.hint);
  return out;
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::Error;
  });
}

namespace {

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i - 1])));
      char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j - 1])));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (ca == cb ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t bestDistance = std::max<std::size_t>(2, word.size() / 4) + 1;
  for (auto candidate : candidates) {
    std::size_t d = editDistance(word, candidate);
    if (d < bestDistance && d > 0) {
      best = candidate;
      bestDistance = d;
    }
  }
  return std::string(best);
}

}  // namespace snowboot::dhcpd::conf
