#pragma once
// tftpd-hpa's --map-file rules: parse a rule file and rewrite request names with it.
//
// Syntax (tftpd(8)): each line is `operation regex [replacement]`, tokens separated by blanks,
// `#` starts a comment unless escaped, `\` escapes blanks and `#` inside tokens. Operation
// letters: r g i e s a G P 4 6 ~. Replacement escapes: \0-\9 \i \x \U \L \E \\ and a backslash
// before anything else stands for that character. Regexes are POSIX extended (regcomp), as
// in tftpd-hpa, so the same patterns match the same names.
//
// Pure apart from libc's regex engine: the client's address and the request kind are inputs.

#include <regex.h>

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace snowboot::tftpd {

// A rule file error, located like our other config errors.
struct RemapError {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;  // 1-based; 0 when the whole line is meant
  std::string message;
  std::string text;  // the offending line

  // "FILE line N, column M: message", then the line and a caret under the column.
  std::string format() const;
};

struct RemapClient {
  bool read = true;   // RRQ (G rules) or WRQ (P rules)
  bool ipv6 = false;  // for 4 and 6 rules
  std::string address;     // \i: 192.0.2.169 or 2001:db8::1
  std::string hexAddress;  // \x: C00002A9 or 32 hex digits
};

class RemapRules {
 public:
  // tftpd-hpa's limit on rule applications per request, against loops made with s and g.
  static constexpr int kMaxSteps = 1024;

  static std::expected<RemapRules, RemapError> parse(std::string_view text,
                                                     const std::string& fileName);

  // The rewritten name, or the text of the refusal (ERROR 2): an `a` rule's own message,
  // tftpd-hpa's "Access denied" without one, or "Remap table failure" when the step limit
  // is hit.
  std::expected<std::string, std::string> apply(std::string_view name,
                                                const RemapClient& client) const;

  std::size_t size() const { return rules_.size(); }

 private:
  struct Regex {
    regex_t compiled;
    ~Regex() { ::regfree(&compiled); }
  };
  struct Rule {
    unsigned line = 0;
    bool rewrite = false, global = false, exit = false, restart = false, abort = false;
    bool inverse = false, getOnly = false, putOnly = false, ipv4Only = false, ipv6Only = false;
    std::shared_ptr<Regex> regex;
    std::string replacement;
  };

  std::vector<Rule> rules_;
};

// The file read from disk; errors include an unreadable file.
std::expected<RemapRules, RemapError> loadRemapFile(const std::string& path);

}  // namespace snowboot::tftpd
