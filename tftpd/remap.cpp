#include "tftpd/remap.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace snowboot::tftpd {

namespace {

bool isBlank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

struct Token {
  std::string text;
  std::size_t column = 0;  // 0-based start in the line
};

// The next token: leading blanks skipped; it ends at a blank or `#` that is not escaped. The
// backslashes stay in the token (the regex compiler and the replacement expander read them).
Token nextToken(std::string_view line, std::size_t& at) {
  while (at < line.size() && isBlank(line[at])) ++at;
  Token token;
  token.column = at;
  bool escaped = false;
  while (at < line.size()) {
    const char c = line[at];
    if (!escaped && (isBlank(c) || c == '#')) break;
    escaped = !escaped && c == '\\';
    token.text += c;
    ++at;
  }
  return token;
}

enum class Case { Keep, Upper, Lower };

void put(std::string& out, std::string_view text, Case mode) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += mode == Case::Upper   ? static_cast<char>(std::toupper(u))
           : mode == Case::Lower ? static_cast<char>(std::tolower(u))
                                 : c;
  }
}

// The replacement with its escapes expanded against `input` and the match `m`.
std::string expand(std::string_view pattern, std::string_view input, const regmatch_t* m,
                   const RemapClient& client) {
  std::string out;
  Case mode = Case::Keep;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\\') {
      put(out, pattern.substr(i, 1), mode);
      continue;
    }
    if (i + 1 == pattern.size()) {
      out += '\\';
      break;
    }
    const char macro = pattern[++i];
    if (macro >= '0' && macro <= '9') {
      const regmatch_t& group = m[macro - '0'];
      if (group.rm_so >= 0 && group.rm_eo >= group.rm_so) {
        put(out, input.substr(static_cast<std::size_t>(group.rm_so),
                              static_cast<std::size_t>(group.rm_eo - group.rm_so)),
            mode);
      }
    } else if (macro == 'U') {
      mode = Case::Upper;
    } else if (macro == 'L') {
      mode = Case::Lower;
    } else if (macro == 'E') {
      mode = Case::Keep;
    } else if (macro == '\\') {
      out += '\\';
    } else if (macro == 'i') {
      put(out, client.address, mode);
    } else if (macro == 'x') {
      put(out, client.hexAddress, mode);
    } else {
      put(out, std::string_view(&pattern[i], 1), mode);  // "\ " is a blank, "\#" a hash, ...
    }
  }
  return out;
}

// glibc's regcomp needs memory exponential in stacked repetitions ("(a)++++..."); POSIX leaves
// them undefined and no real rule uses more than two, so longer runs are refused up front.
std::optional<std::size_t> stackedRepetition(std::string_view regex) {
  std::size_t run = 0;
  bool inBounds = false;  // inside {m,n}
  for (std::size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (inBounds) {
      inBounds = c != '}';
    } else if (c == '\\') {
      ++i;
      run = 0;
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      if (++run > 2) return i;
      inBounds = c == '{';
    } else {
      run = 0;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string RemapError::format() const {
  std::string out = column ? fmt::format("{} line {}, column {}: {}", file, line, column, message)
                           : fmt::format("{} line {}: {}", file, line, message);
  if (!text.empty()) {
    out += "\n" + text;
    if (column) out += "\n" + std::string(column - 1, ' ') + "^";
  }
  return out;
}

std::expected<RemapRules, RemapError> RemapRules::parse(std::string_view text,
                                                        const std::string& fileName) {
  RemapRules rules;
  unsigned lineNumber = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++lineNumber;
    // tftpd-hpa drops CR and NUL bytes wherever they are.
    std::string line;
    for (const char c : text.substr(start, end - start)) {
      if (c != '\r' && c != '\0') line += c;
    }
    start = end + 1;
    auto error = [&](std::size_t column, std::string message) {
      return std::unexpected(RemapError{fileName, lineNumber, static_cast<unsigned>(column + 1),
                                        std::move(message), line});
    };
    std::size_t at = 0;
    const Token operation = nextToken(line, at);
    if (operation.text.empty()) continue;  // blank or comment
    Rule rule;
    rule.line = lineNumber;
    int flags = REG_EXTENDED;
    for (std::size_t i = 0; i < operation.text.size(); ++i) {
      switch (operation.text[i]) {
        case 'r': rule.rewrite = true; break;
        case 'g': rule.global = true; break;
        case 'i': flags |= REG_ICASE; break;
        case 'e': rule.exit = true; break;
        case 's': rule.restart = true; break;
        case 'a': rule.abort = true; break;
        case 'G': rule.getOnly = true; break;
        case 'P': rule.putOnly = true; break;
        case '4': rule.ipv4Only = true; break;
        case '6': rule.ipv6Only = true; break;
        case '~':
          rule.inverse = true;
          flags |= REG_NOSUB;
          break;
        default:
          return error(operation.column + i,
                       fmt::format("invalid operation flag \"{}\" (expected one of "
                                   "r g i e s a G P 4 6 ~)",
                                   operation.text[i]));
      }
    }
    if (rule.rewrite && rule.inverse) {
      return error(operation.column, "flags r and ~ cannot be combined");
    }
    const Token regex = nextToken(line, at);
    if (regex.text.empty()) return error(at, "regex missing");
    if (auto stacked = stackedRepetition(regex.text)) {
      return error(regex.column + *stacked, "bad regex: more than two repetition operators in a row");
    }
    regex_t compiled;
    if (const int rc = ::regcomp(&compiled, regex.text.c_str(), flags); rc != 0) {
      char message[256];
      ::regerror(rc, &compiled, message, sizeof message);
      return error(regex.column, fmt::format("bad regex: {}", message));
    }
    // regex_t holds no pointer to itself: the compiled form can move into its owner.
    rule.regex = std::make_shared<Regex>();
    rule.regex->compiled = compiled;
    rule.replacement = nextToken(line, at).text;
    rules.rules_.push_back(std::move(rule));
  }
  return rules;
}

std::expected<std::string, std::string> RemapRules::apply(std::string_view name,
                                                          const RemapClient& client) const {
  std::string current(name);
  int steps = kMaxSteps;
  regmatch_t m[10];
  std::size_t index = 0;
  while (index < rules_.size()) {
    const Rule& rule = rules_[index];
    std::size_t next = index + 1;
    if ((rule.getOnly && !client.read) || (rule.putOnly && client.read) ||
        (rule.ipv4Only && client.ipv6) || (rule.ipv6Only && !client.ipv6)) {
      index = next;
      continue;
    }
    if (steps-- <= 0) return std::unexpected(std::string("Remap table failure"));
    for (auto& group : m) group.rm_so = group.rm_eo = -1;
    const bool matched =
        ::regexec(&rule.regex->compiled, current.c_str(), rule.inverse ? 0 : 10, m, 0) == 0;
    if (matched == rule.inverse) {
      index = next;
      continue;
    }
    if (rule.rewrite) {
      for (;;) {
        const auto from = static_cast<std::size_t>(m[0].rm_so);
        const auto to = static_cast<std::size_t>(m[0].rm_eo);
        current = current.substr(0, from) + expand(rule.replacement, current, m, client) +
                  current.substr(to);
        if (!rule.global) break;
        for (auto& group : m) group.rm_so = group.rm_eo = -1;
        if (::regexec(&rule.regex->compiled, current.c_str(), 10, m, 0) != 0) break;
        if (steps-- <= 0) return std::unexpected(std::string("Remap table failure"));
      }
    }
    if (rule.abort) {
      // An abort rule's replacement is its error text, expanded against the match alone.
      std::string message = expand(rule.replacement, current, m, client);
      if (message.empty()) message = "Access denied";
      return std::unexpected(std::move(message));
    }
    if (rule.exit) return current;
    if (rule.restart) next = 0;
    index = next;
  }
  return current;
}

std::expected<RemapRules, RemapError> loadRemapFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(
        RemapError{path, 0, 0, fmt::format("cannot open map file: {}", std::strerror(errno)), {}});
  }
  std::ostringstream content;
  content << in.rdbuf();
  return RemapRules::parse(content.str(), path);
}

}  // namespace snowboot::tftpd
