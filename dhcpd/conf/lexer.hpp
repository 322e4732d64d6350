#pragma once
// The token language of ISC dhcpd's dhcpd.conf and dhcpd.leases: one lexer for both files.
//
// ISC's own lexer yields atoms ([A-Za-z0-9_-]+), quoted strings and single punctuation
// characters, and leaves `192.168.0.1`, `52:54:00:12:34:56` and `ipxe.no-pxedhcp` for every
// parser to glue back together. We glue them here, once, when the pieces touch (no white space
// between): a run of atoms joined by '.' is a DottedQuad (four decimal parts) or a dotted Name,
// a run of hex atoms joined by ':' is a HexList. The token's text is always the source text, so
// a leases parser can still read `06:44:29` (a HexList) as a time of day.
//
// Keywords are not interned: ISC's keywords are case-insensitive names, so parsers ask
// `token.is("subnet")`. Errors are values: next() returns a LexError and the lexer stays usable,
// resuming after the bad character, so a parser can report every error in a file.

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace snowboot::dhcpd::conf {

// 16 bytes, copied freely: every token and syntax node holds one, so the file is a number
// (from internFileName) rather than a string or a reference-counted pointer.
struct Location {
  std::uint32_t file = 0;    // internFileName(name); 0 names no file ("<input>")
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, in bytes (a tab counts as one)
  std::uint32_t offset = 0;  // byte offset of the token's first character

  const std::string& fileName() const;
};

// The number of a file name for Locations: the same name always gets the same number, never 0.
// Names are kept for the life of the process (a configuration names a handful of files).
std::uint32_t internFileName(std::string_view name);

enum class TokenKind {
  Name,        // atoms and dotted names: subnet, known-clients, ipxe.no-pxedhcp, ab (hex-only)
  Number,      // decimal digits, optionally with a leading '-': 67, -1, 007
  DottedQuad,  // four decimal parts joined by '.': 192.168.0.1 (parts may exceed 255: parser checks)
  HexList,     // two or more hex atoms joined by ':': 00:07, 52:54:0:12:34:56, 06:44:29
  String,      // "..." with escapes decoded into value
  Punct,       // any other single character: ; { } ( ) , = ! . : / + - & | ~ ...
  End,         // end of input (repeated on every later call)
};

std::string_view tokenKindName(TokenKind kind);

// ISC's keywords are ASCII and case-insensitive: lower-case without the locale calls of tolower.
constexpr char asciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string asciiLower(std::string_view text);

// A token is a view: `text` points into the lexer's source, and so does `value` unless a string
// had escapes, whose decoded bytes live in the lexer (the last kDecodedKept of them). Copy what
// must outlive the statement being parsed.
struct Token {
  TokenKind kind = TokenKind::End;
  bool spaceBefore = false;  // white space or a comment separates it from the previous token
  std::string_view text;     // source text (for String: the text between the quotes, undecoded)
  std::string_view value;    // String: the decoded bytes; otherwise equal to text
  Location location;

  // Case-insensitive keyword test, as ISC's keywords are: Name tokens only.
  bool is(std::string_view keyword) const {
    if (kind != TokenKind::Name || text.size() != keyword.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (asciiLower(text[i]) != asciiLower(keyword[i])) return false;
    }
    return true;
  }
  bool isPunct(char c) const { return kind == TokenKind::Punct && text.size() == 1 && text[0] == c; }
  bool isEnd() const { return kind == TokenKind::End; }
  // Name whose every character is a hex digit ("ab", "0c"): ISC's NUMBER_OR_NAME.
  bool isHexName() const;
  // How an error message shows this token: `;`, `"text"`, `end of file`, `subnet`.
  std::string describe() const;
};

enum class LexErrorCode {
  UnterminatedString,  // end of file inside "..."
  InvalidEscape,       // \x without a hex digit
  UnexpectedCharacter,  // a control or non-ASCII byte outside a string
  TokenTooLong,        // more than kMaxTokenLength bytes in one token
};

struct LexError {
  LexErrorCode code;
  Location location;
  std::string detail;  // the offending character or a short description
  std::string message() const;
};

class Lexer {
 public:
  static constexpr std::size_t kMaxTokenLength = 8192;
  // Decoded strings with escapes kept at once: more than any parser's lookahead.
  static constexpr std::size_t kDecodedKept = 16;

  // `source` must outlive the lexer and every Location::offset use; `fileName` names it in
  // messages.
  Lexer(std::string_view source, std::string_view fileName);

  // The next token; End forever at the end. After an error the lexer has skipped the bad part.
  std::expected<Token, LexError> next() {
    Token token;
    if (next(token)) return token;
    return std::unexpected(error_);
  }
  // The same, written into `token` (a parser's lookahead slot, without a copy); false on an
  // error, which error() then describes.
  bool next(Token& token);
  const LexError& error() const { return error_; }

  std::string_view source() const { return source_; }
  std::uint32_t file() const { return file_; }
  // The text of line `line` (1-based) without its newline, for echoing under a message.
  std::string_view lineText(std::uint32_t line) const;

 private:
  int peekChar(std::size_t ahead = 0) const;
  void advance();
  Location here() const;
  bool readString(Token& token);
  bool fail(LexErrorCode code, const Location& at, std::string detail = {}) {
    error_ = LexError{code, at, std::move(detail)};
    return false;
  }
  std::string& decodedSlot();

  std::string_view source_;
  std::uint32_t file_ = 0;
  // On the heap so that moving the lexer leaves token views intact; made on the first escape.
  std::unique_ptr<std::array<std::string, kDecodedKept>> decoded_;
  std::size_t nextDecoded_ = 0;
  LexError error_{LexErrorCode::UnexpectedCharacter, {}, {}};
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t lineStart_ = 0;  // offset of the current line's first byte
  mutable std::vector<std::size_t> lineStarts_;  // built on first lineText() call
};

// "FILE line N, column M: MESSAGE\n<the line>\n<caret under column M>\n" as dhcpd -t prints it.
std::string formatLocated(const Location& location, std::string_view lineText,
                          std::string_view message);

}  // namespace snowboot::dhcpd::conf
