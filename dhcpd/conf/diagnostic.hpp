#pragma once
// Located messages about a configuration, formatted as dhcpd -t prints them.

#include <string>
#include <vector>

#include "dhcpd/conf/lexer.hpp"

namespace snowboot::dhcpd::conf {

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  Location location;
  bool located = true;   // false for messages about the whole configuration
  std::string message;   // "expected `;`, found `}`"
  std::string lineText;  // the source line, captured when the message was made
  std::string hint;      // "did you mean `next-server`?"
};

// "FILE line N, column M: MESSAGE", the line, a caret, and "  hint: ..." when there is one.
// Warnings start with "warning: " after the location.
std::string formatDiagnostic(const Diagnostic& diagnostic);

bool hasErrors(const std::vector<Diagnostic>& diagnostics);

// The closest of `candidates` to `word` by edit distance, when it is close enough to be a
// likely typo (for "did you mean" hints); empty otherwise.
std::string closestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace snowboot::dhcpd::conf
