#include "dhcpd/conf/lexer.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

namespace snowboot::dhcpd::conf {
namespace {

constexpr bool isAtomChar(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
constexpr bool isDigit(int c) { return c >= '0' && c <= '9'; }
constexpr bool isHexDigit(int c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hexValue(int c) {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool allHex(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return isHexDigit(c); });
}

struct FileNames {
  std::mutex mutex;
  std::deque<std::string> names{"<input>"};  // a deque: references stay valid as it grows
  std::unordered_map<std::string_view, std::uint32_t> ids;
};

FileNames& fileNames() {
  static FileNames table;
  return table;
}

}  // namespace

std::uint32_t internFileName(std::string_view name) {
  FileNames& table = fileNames();
  std::lock_guard lock(table.mutex);
  if (auto it = table.ids.find(name); it != table.ids.end()) return it->second;
  const std::string& kept = table.names.emplace_back(name);
  auto id = static_cast<std::uint32_t>(table.names.size() - 1);
  table.ids.emplace(kept, id);
  return id;
}

const std::string& Location::fileName() const {
  FileNames& table = fileNames();
  std::lock_guard lock(table.mutex);
  return file < table.names.size() ? table.names[file] : table.names[0];
}

std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = asciiLower(c);
  return out;
}

std::string_view tokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::Name: return "name";
    case TokenKind::Number: return "number";
    case TokenKind::DottedQuad: return "IP address";
    case TokenKind::HexList: return "colon-separated hex list";
    case TokenKind::String: return "string";
    case TokenKind::Punct: return "punctuation";
    case TokenKind::End: return "end of file";
  }
  return "token";
}

bool Token::isHexName() const { return kind == TokenKind::Name && allHex(text); }

std::string Token::describe() const {
  switch (kind) {
    case TokenKind::End: return "end of file";
    case TokenKind::String: return fmt::format("\"{}\"", text);
    default: return fmt::format("`{}`", text);
  }
}

std::string LexError::message() const {
  switch (code) {
    case LexErrorCode::UnterminatedString: return "end of file inside a quoted string";
    case LexErrorCode::InvalidEscape: return fmt::format("invalid escape in string: {}", detail);
    case LexErrorCode::UnexpectedCharacter:
      return fmt::format("unexpected character {}", detail);
    case LexErrorCode::TokenTooLong: return "token longer than 8192 bytes";
  }
  return "lexical error";
}

Lexer::Lexer(std::string_view source, std::string_view fileName)
    : source_(source), file_(internFileName(fileName)) {}

std::string& Lexer::decodedSlot() {
  if (!decoded_) decoded_ = std::make_unique<std::array<std::string, kDecodedKept>>();
  std::string& slot = (*decoded_)[nextDecoded_++ % kDecodedKept];
  slot.clear();
  return slot;
}

int Lexer::peekChar(std::size_t ahead) const {
  std::size_t at = pos_ + ahead;
  if (at >= source_.size()) return -1;
  return static_cast<unsigned char>(source_[at]);
}

void Lexer::advance() {
  if (pos_ >= source_.size()) return;
  if (source_[pos_] == '\n') {
    ++line_;
    lineStart_ = pos_ + 1;
  }
  ++pos_;
}

Location Lexer::here() const {
  return Location{file_, line_, static_cast<std::uint32_t>(pos_ - lineStart_ + 1),
                  static_cast<std::uint32_t>(pos_)};
}

bool Lexer::readString(Token& token) {
  advance();  // the opening quote
  const std::size_t start = pos_;
  // Most strings hold no escape: their value is a view of the source, like their text.
  std::size_t end = start;
  while (end < source_.size() && source_[end] != '"' && source_[end] != '\\') ++end;
  if (end < source_.size() && source_[end] == '"') {
    for (std::size_t i = start; i < end; ++i) {
      if (source_[i] == '\n') {
        ++line_;
        lineStart_ = i + 1;
      }
    }
    pos_ = end;
    token.text = token.value = source_.substr(start, end - start);
    advance();  // the closing quote
    if (token.text.size() > kMaxTokenLength) {
      return fail(LexErrorCode::TokenTooLong, token.location);
    }
    return true;
  }
  std::string& value = decodedSlot();
  Location failedAt;
  bool failed = false;
  while (true) {
    int c = peekChar();
    if (c < 0) return fail(LexErrorCode::UnterminatedString, token.location);
    if (c == '"') break;
    if (c != '\\') {
      value.push_back(static_cast<char>(c));
      advance();
      continue;
    }
    Location escapeAt = here();
    advance();
    int e = peekChar();
    if (e < 0) continue;  // reported as unterminated on the next turn
    advance();
    switch (e) {
      case 't': value.push_back('\t'); break;
      case 'r': value.push_back('\r'); break;
      case 'n': value.push_back('\n'); break;
      case 'b': value.push_back('\b'); break;
      case '0': case '1': case '2': case '3': {
        // Octal: up to three digits, the first 0-3, so the value fits a byte (\302, \0, \12).
        int octal = e - '0';
        for (int i = 0; i < 2 && peekChar() >= '0' && peekChar() <= '7'; ++i) {
          octal = octal * 8 + (peekChar() - '0');
          advance();
        }
        value.push_back(static_cast<char>(octal));
        break;
      }
      case 'x': {
        int hex = 0;
        int digits = 0;
        while (digits < 2 && isHexDigit(peekChar())) {
          hex = hex * 16 + hexValue(peekChar());
          advance();
          ++digits;
        }
        if (digits == 0 && !failed) {
          failed = true;
          failedAt = escapeAt;
        }
        value.push_back(static_cast<char>(hex));
        break;
      }
      default: value.push_back(static_cast<char>(e)); break;
    }
  }
  token.text = source_.substr(start, pos_ - start);
  token.value = value;
  advance();  // the closing quote
  if (failed) return fail(LexErrorCode::InvalidEscape, failedAt, "\\x needs a hex digit");
  if (token.text.size() > kMaxTokenLength) {
    return fail(LexErrorCode::TokenTooLong, token.location);
  }
  return true;
}

namespace {

// One table lookup per byte instead of a chain of comparisons.
enum : std::uint8_t { kAtom = 1, kDigit = 2, kHex = 4, kBlank = 8 };
constexpr std::array<std::uint8_t, 256> kClasses = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t bits = 0;
    if (isAtomChar(c)) bits |= kAtom;
    if (isDigit(c)) bits |= kDigit;
    if (isHexDigit(c)) bits |= kHex;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') bits |= kBlank;
    table[static_cast<std::size_t>(c)] = bits;
  }
  return table;
}();

std::uint8_t classOf(char c) { return kClasses[static_cast<unsigned char>(c)]; }

// The atom starting at `pos` ([A-Za-z0-9_-]+): where it ends, and the classes all its bytes
// share (kDigit: all digits; kHex: all hex digits).
struct Atom {
  std::size_t end;
  std::uint8_t all;
};
Atom scanAtomAt(std::string_view source, std::size_t pos) {
  std::uint8_t all = kDigit | kHex;
  while (pos < source.size()) {
    std::uint8_t bits = classOf(source[pos]);
    if (!(bits & kAtom)) break;
    all &= bits;
    ++pos;
  }
  return {pos, all};
}

}  // namespace

bool Lexer::next(Token& token) {
  // White space and comments, with the position kept in registers. The column is not counted
  // byte by byte: it is the distance from the start of the line.
  bool space = false;
  {
    const char* text = source_.data();
    const std::size_t size = source_.size();
    std::size_t pos = pos_;
    std::uint32_t line = line_;
    std::size_t lineStart = lineStart_;
    while (pos < size) {
      char c = text[pos];
      if (c == '\n') {
        ++line;
        lineStart = pos + 1;
      } else if (!(classOf(c) & kBlank)) {
        if (c != '#') break;
        const void* newline = std::memchr(text + pos, '\n', size - pos);
        pos = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - text) : size;
        space = true;
        continue;
      }
      ++pos;
      space = true;
    }
    pos_ = pos;
    line_ = line;
    lineStart_ = lineStart;
  }
  token.location = here();
  token.spaceBefore = space || pos_ == 0;
  int c = peekChar();
  if (c < 0) {
    token.kind = TokenKind::End;
    token.text = token.value = {};
    return true;
  }
  if (c == '"') {
    token.kind = TokenKind::String;
    return readString(token);
  }
  if (classOf(static_cast<char>(c)) & kAtom) {
    // Atoms never hold a newline, so only the column moves.
    const std::size_t start = pos_;
    Atom first = scanAtomAt(source_, start);
    std::size_t end = first.end;
    if (end - start == 1 && source_[start] == '-') {
      pos_ = end;
      token.kind = TokenKind::Punct;
      token.text = token.value = source_.substr(start, 1);
      return true;
    }
    // Glue touching pieces: atom(.atom)* or hexatom(:hexatom)+.
    const bool digits = first.all & kDigit;
    const bool decimal =
        digits || (end - start > 1 && source_[start] == '-' &&
                   (scanAtomAt(source_, start + 1).all & kDigit));
    auto atomAt = [&](std::size_t pos) {
      return pos < source_.size() && (classOf(source_[pos]) & kAtom);
    };
    if (end < source_.size() && source_[end] == '.' && atomAt(end + 1)) {
      int parts = 1;
      bool allDecimal = digits;
      while (end < source_.size() && source_[end] == '.' && atomAt(end + 1)) {
        Atom next = scanAtomAt(source_, end + 1);
        allDecimal = allDecimal && (next.all & kDigit);
        end = next.end;
        ++parts;
      }
      token.kind = (allDecimal && parts == 4) ? TokenKind::DottedQuad : TokenKind::Name;
    } else if (end < source_.size() && source_[end] == ':' && (first.all & kHex)) {
      // Each further piece must be a whole hex atom.
      auto hexAtomAt = [&](std::size_t pos) {
        Atom next = scanAtomAt(source_, pos);
        return next.end > pos && (next.all & kHex) ? next.end : std::size_t{0};
      };
      std::size_t pieceEnd = 0;
      bool glued = false;
      while (end < source_.size() && source_[end] == ':' && (pieceEnd = hexAtomAt(end + 1))) {
        end = pieceEnd;
        glued = true;
      }
      token.kind = glued ? TokenKind::HexList : (decimal ? TokenKind::Number : TokenKind::Name);
    } else {
      token.kind = decimal ? TokenKind::Number : TokenKind::Name;
    }
    pos_ = end;
    token.text = token.value = source_.substr(start, end - start);
    if (token.text.size() > kMaxTokenLength) {
      return fail(LexErrorCode::TokenTooLong, token.location);
    }
    return true;
  }
  advance();
  if (c < 0x20 || c >= 0x7f) {
    return fail(LexErrorCode::UnexpectedCharacter, token.location, fmt::format("0x{:02x}", c));
  }
  token.kind = TokenKind::Punct;
  token.text = token.value = source_.substr(pos_ - 1, 1);
  return true;
}

std::string_view Lexer::lineText(std::uint32_t line) const {
  if (lineStarts_.empty()) {
    lineStarts_.push_back(0);
    for (std::size_t i = 0; i < source_.size(); ++i) {
      if (source_[i] == '\n') lineStarts_.push_back(i + 1);
    }
  }
  if (line == 0 || line > lineStarts_.size()) return {};
  std::size_t start = lineStarts_[line - 1];
  std::size_t end = source_.find('\n', start);
  if (end == std::string_view::npos) end = source_.size();
  std::string_view text = source_.substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

std::string formatLocated(const Location& location, std::string_view lineText,
                          std::string_view message) {
  std::string caret;
  // Keep tabs so the caret lines up under the token however the terminal expands them.
  for (std::uint32_t i = 1; i < location.column && i - 1 < lineText.size(); ++i) {
    caret.push_back(lineText[i - 1] == '\t' ? '\t' : ' ');
  }
  caret.push_back('^');
  return fmt::format("{} line {}, column {}: {}\n{}\n{}\n", location.fileName(), location.line,
                     location.column, message, lineText, caret);
}

}  // namespace snowboot::dhcpd::conf
