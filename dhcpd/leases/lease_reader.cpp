#include "dhcpd/leases/lease_reader.hpp"

#include <charconv>
#include <expected>
#include <map>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "dhcpd/conf/lexer.hpp"

namespace snowboot::dhcpd::leases {
namespace {

using conf::Lexer;
using conf::Token;
using conf::TokenKind;

struct Failure {
  conf::Location location;
  std::string message;
};

template <class T>
using Parsed = std::expected<T, Failure>;

// 9999/12/31 23:59:59 UTC: four-digit years keep every time we accept writable as we read it.
constexpr std::int64_t kLastSecond = 253402300799;

bool isTopLevelKeyword(const Token& token) {
  for (const char* keyword :
       {"lease", "host", "failover", "server-duid", "authoring-byte-order", "group", "subgroup",
        "class", "subclass", "ia-na", "ia-ta", "ia-pd"}) {
    if (token.is(keyword)) return true;
  }
  return false;
}

// One token of lookahead over the lexer; a lexical error becomes the current token's failure.
//
// ISC never writes a newline inside a quoted string (quotify_buf escapes it), so a string that
// runs past the end of its line is a record cut short: the cursor reports it and lexes again
// from the next line, so the quote cannot swallow the records after it.
class Cursor {
 public:
  Cursor(std::string_view text, std::string fileName)
      : source_(text), fileName_(std::move(fileName)), lexer_(text, fileName_) {
    advance();
  }

  const Token& current() const { return current_; }
  bool lexFailed() const { return lexFailure_.has_value(); }
  void advance() {
    auto next = lexer_.next();
    lexFailure_.reset();
    if (next) {
      current_ = std::move(*next);
      current_.location.line += baseLine_;
      current_.location.offset += baseOffset_;
      if (current_.kind == TokenKind::String && current_.text.find('\n') != std::string::npos) {
        lexFailure_ = Failure{current_.location, "a string cut short by the end of its line"};
        restartAfterLine(current_.location);
      }
    } else {
      conf::Location location = next.error().location;
      location.line += baseLine_;
      location.offset += baseOffset_;
      lexFailure_ = Failure{location, next.error().message()};
      if (next.error().code == conf::LexErrorCode::UnterminatedString) {
        // The lexer reports the end of the file; the string began at the last quote before it.
        const auto quote = source_.rfind('"');
        if (quote != std::string_view::npos && quote >= baseOffset_) {
          conf::Location at = locate(static_cast<std::uint32_t>(quote));
          lexFailure_->location = at;
          restartAfterLine(at);
        }
      }
    }
    if (lexFailure_) {
      current_ = Token{TokenKind::Punct, true, "", "", lexFailure_->location};
    }
  }
  // A failure at the current token: `expecting WHAT`, or the lexer's own complaint.
  Failure fail(std::string_view what) const {
    if (lexFailure_) return *lexFailure_;
    if (current_.isEnd()) return Failure{current_.location, "unexpected end of file"};
    return Failure{current_.location, fmt::format("expecting {}", what)};
  }
  Parsed<void> expectPunct(char c, std::string_view what) {
    if (!current_.isPunct(c)) return std::unexpected(fail(what));
    advance();
    return {};
  }
  Parsed<void> expectKeyword(std::string_view keyword) {
    if (!current_.is(keyword)) return std::unexpected(fail(fmt::format("`{}`", keyword)));
    advance();
    return {};
  }
  Parsed<std::int64_t> number(std::string_view what) {
    if (current_.kind != TokenKind::Number) return std::unexpected(fail(what));
    std::int64_t value = 0;
    std::string_view text = current_.text;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      return std::unexpected(fail(what));
    }
    advance();
    return value;
  }
  // Inside a record a top-level keyword in column 1 means the record was cut short.
  bool atRecordStart() const {
    return current_.location.column == 1 && isTopLevelKeyword(current_);
  }
  std::string_view source() const { return source_; }
  std::string lineText(std::uint32_t line) const {
    std::size_t start = 0;
    for (std::uint32_t i = 1; i < line && start != std::string_view::npos; ++i) {
      start = source_.find('\n', start);
      if (start != std::string_view::npos) ++start;
    }
    if (start == std::string_view::npos) return {};
    const auto end = source_.find('\n', start);
    return std::string(source_.substr(start, end == std::string_view::npos ? end : end - start));
  }

 private:
  conf::Location locate(std::uint32_t offset) const {
    conf::Location at = current_.location;
    at.offset = offset;
    at.line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i) {
      if (source_[i] == '\n') {
        ++at.line;
        lineStart = i + 1;
      }
    }
    at.column = static_cast<std::uint32_t>(offset - lineStart + 1);
    return at;
  }
  void restartAfterLine(const conf::Location& at) {
    const auto newline = source_.find('\n', at.offset);
    const std::size_t offset = newline == std::string_view::npos ? source_.size() : newline + 1;
    baseOffset_ = static_cast<std::uint32_t>(offset);
    baseLine_ = at.line;  // the lexer's line 1 is the line after `at`
    lexer_ = Lexer(source_.substr(offset), fileName_);
  }

  std::string_view source_;
  std::string fileName_;
  Lexer lexer_;
  Token current_;
  std::optional<Failure> lexFailure_;
  std::uint32_t baseOffset_ = 0;
  std::uint32_t baseLine_ = 0;
};

Parsed<Time> parseDate(Cursor& cursor) {
  // "never;" | "epoch N;" | "W YYYY/MM/DD HH:MM:SS;"
  if (cursor.current().is("never")) {
    cursor.advance();
    if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
      return std::unexpected(semi.error());
    }
    return kNever;
  }
  if (cursor.current().is("epoch")) {
    cursor.advance();
    const conf::Location at = cursor.current().location;
    auto seconds = cursor.number("seconds since the epoch");
    if (!seconds) return std::unexpected(seconds.error());
    if (*seconds < 0 || *seconds > kLastSecond) {
      return std::unexpected(Failure{at, "expecting a time between 1970 and 9999"});
    }
    if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
      return std::unexpected(semi.error());
    }
    return Time{std::chrono::seconds{*seconds}};
  }
  auto weekday = cursor.number("a numeric day of week");
  if (!weekday) return std::unexpected(weekday.error());
  auto year = cursor.number("a numeric year");
  if (!year) return std::unexpected(year.error());
  if (auto slash = cursor.expectPunct('/', "a slash"); !slash)
    return std::unexpected(slash.error());
  auto month = cursor.number("a numeric month");
  if (!month) return std::unexpected(month.error());
  if (auto slash = cursor.expectPunct('/', "a slash"); !slash)
    return std::unexpected(slash.error());
  const conf::Location dayAt = cursor.current().location;
  auto day = cursor.number("a numeric day of month");
  if (!day) return std::unexpected(day.error());
  // HH:MM:SS lexes as one colon list.
  const Token clock = cursor.current();
  int parts[3] = {-1, -1, -1};
  if (clock.kind == TokenKind::HexList) {
    std::string_view text = clock.text;
    for (int& part : parts) {
      const auto colon = text.find(':');
      const std::string_view piece = text.substr(0, colon);
      auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), part);
      if (ec != std::errc{} || end != piece.data() + piece.size()) part = -1;
      text = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
      if (colon == std::string_view::npos) break;
    }
    if (!text.empty()) parts[2] = -1;
  }
  if (parts[0] < 0 || parts[0] > 23 || parts[1] < 0 || parts[1] > 59 || parts[2] < 0 ||
      parts[2] > 60) {
    return std::unexpected(cursor.fail("a time of day HH:MM:SS"));
  }
  cursor.advance();
  if (*year < 1970 || *year > 9999 || *month < 1 || *month > 12) {
    return std::unexpected(Failure{dayAt, "expecting a valid date"});
  }
  const std::chrono::year_month_day date{std::chrono::year{static_cast<int>(*year)},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (*day < 1 || *day > 31 || !date.ok()) {
    return std::unexpected(Failure{dayAt, "expecting a valid date"});
  }
  if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
    return std::unexpected(semi.error());
  }
  const Time time = Time{std::chrono::sys_days{date}} + std::chrono::hours{parts[0]} +
                    std::chrono::minutes{parts[1]} + std::chrono::seconds{parts[2]};
  // A leap second at the very end of 9999 would be written back as the year 10000.
  if (time.time_since_epoch().count() > kLastSecond) {
    return std::unexpected(Failure{dayAt, "expecting a time between 1970 and 9999"});
  }
  return time;
}

// A colon list of hex bytes ("52:54:00:12:34:56") or one hex byte ("01").
std::optional<std::string> hexBytes(const Token& token) {
  if (token.kind != TokenKind::HexList && token.kind != TokenKind::Number && !token.isHexName()) {
    return std::nullopt;
  }
  std::string bytes;
  std::string_view text = token.text;
  for (;;) {
    const auto colon = text.find(':');
    const std::string_view piece = text.substr(0, colon);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), value, 16);
    if (piece.empty() || piece.size() > 2 || ec != std::errc{} ||
        end != piece.data() + piece.size()) {
      return std::nullopt;
    }
    bytes.push_back(static_cast<char>(value));
    if (colon == std::string_view::npos) break;
    text = text.substr(colon + 1);
  }
  return bytes;
}

Parsed<BindingState> parseState(Cursor& cursor) {
  if (auto word = cursor.expectKeyword("binding"); !word) return std::unexpected(word.error());
  if (auto word = cursor.expectKeyword("state"); !word) return std::unexpected(word.error());
  std::optional<BindingState> state;
  if (cursor.current().kind == TokenKind::Name) state = parseBindingState(cursor.current().text);
  if (!state) return std::unexpected(cursor.fail("a binding state"));
  cursor.advance();
  if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
    return std::unexpected(semi.error());
  }
  return *state;
}

// Skips a statement or a braced block, balancing braces; returns the source text it covered.
Parsed<std::string> captureStatement(Cursor& cursor) {
  const std::uint32_t start = cursor.current().location.offset;
  int depth = 0;
  for (;;) {
    const Token& token = cursor.current();
    if (cursor.lexFailed() || token.isEnd()) return std::unexpected(cursor.fail("`;`"));
    if (token.location.offset != start && cursor.atRecordStart()) {
      return std::unexpected(cursor.fail("`;` or `}` before the next record"));
    }
    const std::uint32_t end = token.location.offset + 1;
    if (token.isPunct('{')) ++depth;
    if (token.isPunct('}')) {
      if (depth == 0) return std::unexpected(cursor.fail("a statement"));
      --depth;
      if (depth == 0) {
        cursor.advance();
        if (cursor.current().isPunct(';')) cursor.advance();  // `on expiry { ... };` is legal
        return std::string(cursor.source().substr(start, end - start));
      }
    }
    if (token.isPunct(';') && depth == 0) {
      cursor.advance();
      return std::string(cursor.source().substr(start, end - start));
    }
    cursor.advance();
  }
}

Parsed<Variable> parseSet(Cursor& cursor) {
  cursor.advance();  // set
  Variable variable;
  if (cursor.current().kind != TokenKind::Name)
    return std::unexpected(cursor.fail("a variable name"));
  variable.name = cursor.current().text;
  cursor.advance();
  if (auto equals = cursor.expectPunct('=', "`=`"); !equals) return std::unexpected(equals.error());
  const Token& value = cursor.current();
  if (value.kind == TokenKind::String) {
    variable.data = value.value;
    cursor.advance();
  } else if (value.is("true") || value.is("false")) {
    variable.kind = Variable::Kind::Boolean;
    variable.number = value.is("true") ? 1 : 0;
    cursor.advance();
  } else if (value.isPunct('%')) {
    cursor.advance();
    auto number = cursor.number("a number after %");
    if (!number) return std::unexpected(number.error());
    variable.kind = Variable::Kind::Number;
    variable.number = *number;
  } else if (auto bytes = hexBytes(value)) {
    variable.data = std::move(*bytes);
    cursor.advance();
  } else {
    return std::unexpected(cursor.fail("a string, a hex list, true, false or %number"));
  }
  if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
    return std::unexpected(semi.error());
  }
  return variable;
}

Parsed<Lease> parseLease(Cursor& cursor) {
  cursor.advance();  // lease
  Lease lease;
  const Token& addressToken = cursor.current();
  std::optional<net::Ipv4Address> address;
  if (addressToken.kind == TokenKind::DottedQuad)
    address = net::Ipv4Address::parse(addressToken.text);
  if (!address) return std::unexpected(cursor.fail("an IPv4 address"));
  lease.address = *address;
  cursor.advance();
  if (auto brace = cursor.expectPunct('{', "a left brace"); !brace)
    return std::unexpected(brace.error());
  for (;;) {
    const Token& token = cursor.current();
    if (token.isPunct('}')) {
      cursor.advance();
      // ISC writes a next or rewind state only when it differs: one form for one meaning.
      if (lease.nextState == lease.state) lease.nextState.reset();
      if (lease.rewindState == lease.state) lease.rewindState.reset();
      return lease;
    }
    if (cursor.lexFailed() || token.isEnd() || cursor.atRecordStart()) {
      return std::unexpected(cursor.fail("a right brace"));
    }
    std::optional<Time>* time = nullptr;
    if (token.is("starts"))
      time = &lease.starts;
    else if (token.is("ends"))
      time = &lease.ends;
    else if (token.is("tstp"))
      time = &lease.tstp;
    else if (token.is("tsfp"))
      time = &lease.tsfp;
    else if (token.is("atsfp"))
      time = &lease.atsfp;
    else if (token.is("cltt"))
      time = &lease.cltt;
    if (time != nullptr) {
      cursor.advance();
      auto date = parseDate(cursor);
      if (!date) return std::unexpected(date.error());
      // ISC writes no zero times; reading one back as absent keeps the round trip exact.
      if (date->time_since_epoch().count() != 0) *time = *date;
    } else if (token.is("binding")) {
      auto state = parseState(cursor);
      if (!state) return std::unexpected(state.error());
      lease.state = *state;
    } else if (token.is("next") || token.is("rewind")) {
      const bool next = token.is("next");
      cursor.advance();
      auto state = parseState(cursor);
      if (!state) return std::unexpected(state.error());
      (next ? lease.nextState : lease.rewindState) = *state;
    } else if (token.is("hardware")) {
      cursor.advance();
      std::optional<std::uint8_t> type;
      if (cursor.current().kind == TokenKind::Name) {
        type = parseHardwareType(cursor.current().text);
        std::string_view name = cursor.current().text;
        if (!type && name.starts_with("unknown-")) {
          unsigned value = 0;
          auto [end, ec] = std::from_chars(name.data() + 8, name.data() + name.size(), value);
          if (ec == std::errc{} && end == name.data() + name.size() && value < 256) {
            type = static_cast<std::uint8_t>(value);
          }
        }
      }
      if (!type) return std::unexpected(cursor.fail("a hardware type (ethernet, ...)"));
      cursor.advance();
      auto bytes = hexBytes(cursor.current());
      if (!bytes || bytes->size() > 16) return std::unexpected(cursor.fail("a hardware address"));
      lease.hardware = HardwareAddress{*type, {bytes->begin(), bytes->end()}};
      cursor.advance();
      if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
        return std::unexpected(semi.error());
      }
    } else if (token.is("uid")) {
      cursor.advance();
      if (cursor.current().kind == TokenKind::String) {
        lease.uid = cursor.current().value;
      } else if (auto bytes = hexBytes(cursor.current())) {
        lease.uid = std::move(*bytes);
      } else {
        return std::unexpected(cursor.fail("a client identifier"));
      }
      cursor.advance();
      if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
        return std::unexpected(semi.error());
      }
    } else if (token.is("client-hostname")) {
      cursor.advance();
      if (cursor.current().kind != TokenKind::String)
        return std::unexpected(cursor.fail("a string"));
      lease.clientHostname = cursor.current().value;
      cursor.advance();
      if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
        return std::unexpected(semi.error());
      }
    } else if (token.is("abandoned") || token.is("reserved") || token.is("dynamic-bootp") ||
               token.is("bootp")) {
      if (token.is("abandoned"))
        lease.state = BindingState::Abandoned;
      else if (token.is("reserved"))
        lease.reserved = true;
      else
        lease.bootp = true;
      cursor.advance();
      if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) {
        return std::unexpected(semi.error());
      }
    } else if (token.is("set")) {
      auto variable = parseSet(cursor);
      if (!variable) return std::unexpected(variable.error());
      lease.variables.push_back(std::move(*variable));
    } else if (token.is("on") || token.is("option") || token.is("billing") || token.is("unset")) {
      auto text = captureStatement(cursor);
      if (!text) return std::unexpected(text.error());
      lease.extraStatements.push_back(std::move(*text));
    } else {
      return std::unexpected(cursor.fail("a lease statement"));
    }
  }
}

// `host NAME { ... }`: the name, the source text, and whether it is a rubout.
Parsed<HostRecord> parseHost(Cursor& cursor) {
  const std::uint32_t start = cursor.current().location.offset;
  cursor.advance();  // host
  HostRecord host;
  const Token& name = cursor.current();
  if (name.kind == TokenKind::String)
    host.name = name.value;
  else if (name.kind == TokenKind::Name || name.kind == TokenKind::Number)
    host.name = name.text;
  else
    return std::unexpected(cursor.fail("a host name"));
  cursor.advance();
  if (!cursor.current().isPunct('{')) return std::unexpected(cursor.fail("a left brace"));
  int depth = 0;
  for (;;) {
    const Token& token = cursor.current();
    if (cursor.lexFailed() || token.isEnd() || (depth > 0 && cursor.atRecordStart())) {
      return std::unexpected(cursor.fail("a right brace"));
    }
    if (depth == 1 && token.is("deleted")) host.deleted = true;
    if (token.isPunct('{')) ++depth;
    if (token.isPunct('}') && --depth == 0) {
      host.text = std::string(cursor.source().substr(start, token.location.offset + 1 - start));
      cursor.advance();
      return host;
    }
    cursor.advance();
  }
}

// Skips `failover peer "x" state { ... }` and other blocks we read past; returns the text.
Parsed<std::string> skipDeclaration(Cursor& cursor) {
  const std::uint32_t start = cursor.current().location.offset;
  cursor.advance();
  int depth = 0;
  for (;;) {
    const Token& token = cursor.current();
    if (cursor.lexFailed() || token.isEnd() || cursor.atRecordStart()) {
      return std::unexpected(cursor.fail(depth > 0 ? "a right brace" : "a semicolon"));
    }
    const std::uint32_t end = token.location.offset + 1;
    if (token.isPunct('{')) ++depth;
    if (token.isPunct('}') && --depth == 0) {
      cursor.advance();
      return std::string(cursor.source().substr(start, end - start));
    }
    if (token.isPunct(';') && depth == 0) {
      cursor.advance();
      return std::string(cursor.source().substr(start, end - start));
    }
    cursor.advance();
  }
}

}  // namespace

LeaseFileContents readLeaseFile(std::string_view text, std::string fileName) {
  std::map<std::uint32_t, Lease> leases;
  LeaseFileContents contents = readLeaseFile(text, std::move(fileName), [&leases](Lease&& lease) {
    const std::uint32_t address = lease.address.value();
    leases.insert_or_assign(address, std::move(lease));
  });
  contents.leases.reserve(leases.size());
  for (auto& [address, lease] : leases) contents.leases.push_back(std::move(lease));
  return contents;
}

LeaseFileContents readLeaseFile(std::string_view text, std::string fileName,
                                const LeaseSink& sink) {
  LeaseFileContents contents;
  std::unordered_map<std::string, std::size_t> hostIndex;
  Cursor cursor(text, std::move(fileName));

  auto report = [&](const Failure& failure) {
    contents.errors.push_back(LeaseFileProblem{failure.location.line, failure.location.column,
                                               failure.message,
                                               cursor.lineText(failure.location.line)});
  };
  // After a bad record: on to the next line that opens a record.
  auto resync = [&] {
    while (!cursor.current().isEnd() && !cursor.atRecordStart()) cursor.advance();
  };

  while (!cursor.current().isEnd()) {
    const Token& token = cursor.current();
    const std::uint32_t recordStart = token.location.offset;
    std::optional<Failure> failure;
    if (token.is("lease")) {
      auto lease = parseLease(cursor);
      if (lease) {
        ++contents.leaseRecords;
        sink(std::move(*lease));
      } else {
        failure = lease.error();
      }
    } else if (token.is("host")) {
      auto host = parseHost(cursor);
      if (host) {
        auto [it, added] = hostIndex.emplace(host->name, contents.hosts.size());
        if (added)
          contents.hosts.push_back(std::move(*host));
        else
          contents.hosts[it->second] = std::move(*host);
      } else {
        failure = host.error();
      }
    } else if (token.is("authoring-byte-order")) {
      cursor.advance();
      if (!cursor.current().is("little-endian") && !cursor.current().is("big-endian")) {
        failure = cursor.fail("little-endian or big-endian");
      } else {
        cursor.advance();
        if (auto semi = cursor.expectPunct(';', "a semicolon"); !semi) failure = semi.error();
      }
    } else if (token.is("server-duid")) {
      auto statement = skipDeclaration(cursor);
      if (statement)
        contents.serverDuid = std::move(*statement);
      else
        failure = statement.error();
    } else if (isTopLevelKeyword(token)) {
      const std::uint32_t line = token.location.line;
      const std::string keyword(token.text);
      auto skipped = skipDeclaration(cursor);
      if (skipped) {
        contents.notes.push_back(fmt::format("line {}: {} declaration skipped ({})", line, keyword,
                                             keyword == "failover"
                                                 ? "failover is not supported"
                                                 : "not a DHCPv4 lease; kept only by ISC"));
      } else {
        failure = skipped.error();
      }
    } else {
      failure = cursor.fail("a lease, host or failover declaration");
      if (cursor.current().location.offset == recordStart) cursor.advance();
    }
    if (failure) {
      report(*failure);
      resync();
      if (cursor.current().isEnd()) contents.tornTail = true;
    }
  }
  return contents;
}

std::string formatProblem(std::string_view fileName, const LeaseFileProblem& problem) {
  std::string caret;
  for (std::uint32_t i = 1; i < problem.column && i <= problem.lineText.size(); ++i) {
    caret.push_back(problem.lineText[i - 1] == '\t' ? '\t' : ' ');
  }
  return fmt::format("{} line {}: {}\n{}\n{}^\n", fileName, problem.line, problem.message,
                     problem.lineText, caret);
}

}  // namespace snowboot::dhcpd::leases
