#include "dhcpd/conf/parser_impl.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace snowboot::dhcpd::conf {
namespace {

// Statements that only a host, a subnet ... can hold, and what ISC calls each scope.
bool isDeclarationScope(Scope scope) { return scope != Scope::Conditional; }

const std::vector<std::string_view>& statementKeywords() {
  static const std::vector<std::string_view> keywords = [] {
    std::vector<std::string_view> k = {
        "include", "host", "group", "shared-network", "subnet", "class", "subclass", "pool",
        "range", "hardware", "fixed-address", "authoritative", "server-identifier", "option",
        "allow", "deny", "ignore", "if", "set", "unset", "log", "interface", "next-server",
        "filename", "server-name"};
    for (auto name : serverParameterNames()) k.push_back(name);
    return k;
  }();
  return keywords;
}

constexpr std::string_view kV6Keywords[] = {"subnet6", "range6", "prefix6", "pool6",
                                            "fixed-address6", "fixed-prefix6", "ia-na", "ia-ta",
                                            "ia-pd", "iaaddr", "iaprefix"};

}  // namespace

// ---------------------------------------------------------------- tokens and messages

const Token& Parser::fill(std::size_t n) {
  Source& source = *sources_.back();
  while (source.count <= n) {
    // Lexed straight into the ring; a failed slot is simply not counted.
    if (source.lexer->next(source.ahead[(source.first + source.count) % Source::kLookahead])) {
      ++source.count;
    } else {
      const LexError& e = source.lexer->error();
      error(e.location, e.message());
    }
  }
  return source.ahead[(source.first + n) % Source::kLookahead];
}

bool Parser::acceptPunct(char c) {
  if (!atPunct(c)) return false;
  next();
  return true;
}

bool Parser::expectPunct(char c) {
  if (acceptPunct(c)) return true;
  errorExpected(fmt::format("`{}`", c), peek());
  return false;
}

bool Parser::expectSemi() {
  if (acceptPunct(';')) return true;
  const Token& found = peek();
  std::string hint;
  if (found.location.line > lastEnd_.line && lastEnd_.file == found.location.file) {
    hint = fmt::format("the statement ending on line {} is missing its `;`", lastEnd_.line);
  }
  errorExpected("`;`", found, hint);
  return false;
}

// As ISC's skip_to_semi: up to and including the next `;` outside braces, or a whole `{...}`
// block; stops before a `}` that closes the enclosing block.
void Parser::skipToSemi() {
  int depth = 0;
  while (true) {
    const Token& t = peek();
    if (t.isEnd()) return;
    if (t.isPunct('}')) {
      if (depth == 0) return;
      next();
      if (--depth == 0) return;
      continue;
    }
    if (t.isPunct('{')) ++depth;
    if (t.isPunct(';') && depth == 0) {
      next();
      return;
    }
    next();
  }
}

void Parser::skipToEnd() {
  while (!peek().isEnd()) next();
}

std::string Parser::lineOf(const Location& at) {
  for (auto it = sources_.rbegin(); it != sources_.rend(); ++it) {
    if ((*it)->lexer->file() == at.file) return std::string((*it)->lexer->lineText(at.line));
  }
  return {};
}

void Parser::error(const Location& at, std::string message, std::string hint) {
  result_.diagnostics.push_back(Diagnostic{Diagnostic::Severity::Error, at, true,
                                           std::move(message), lineOf(at), std::move(hint)});
}

void Parser::warning(const Location& at, std::string message, std::string hint) {
  result_.diagnostics.push_back(Diagnostic{Diagnostic::Severity::Warning, at, true,
                                           std::move(message), lineOf(at), std::move(hint)});
}

void Parser::errorExpected(std::string_view what, const Token& found, std::string hint) {
  // At the end of a file, point just past its last token, where the missing text belongs.
  if (found.isEnd() && lastEnd_.file == found.location.file && lastEnd_.file != 0) {
    error(lastEnd_, fmt::format("expected {}, found {}", what, found.describe()),
          std::move(hint));
    return;
  }
  error(found.location, fmt::format("expected {}, found {}", what, found.describe()),
        std::move(hint));
}

void Parser::notSupported(const Location& at, std::string_view what, std::string hint) {
  error(at, fmt::format("not supported by snowboot: {}", what), std::move(hint));
}

// ---------------------------------------------------------------- files and blocks

void Parser::openSource(std::string text, std::string_view fileName) {
  auto owned = std::make_unique<Source>();
  owned->text = result_.texts.emplace_back(std::move(text));
  owned->lexer = std::make_unique<Lexer>(owned->text, fileName);
  sources_.push_back(std::move(owned));
  // A file included twice keeps the text read first for its echoes (the tree views both).
  result_.sources.emplace(std::string(fileName), sources_.back()->text);
}

void Parser::parseFile(std::string source, std::string fileName) {
  // A root statement takes 100 bytes of source or more (a host declaration about 120): room
  // for one per 64 bytes spares regrowing and moving a list of megabytes, and the part never
  // used is never touched, so it costs no memory.
  result_.config.statements.reserve(source.size() / 64);
  openSource(std::move(source), fileName);
  result_.config.path = fileName;
  parseStatements(Scope::Root, result_.config.statements);
  sources_.pop_back();
}

void Parser::parseStatements(Scope scope, std::vector<Statement>& out) {
  while (!peek().isEnd()) {
    if (atPunct('}')) {
      error(peek().location, "expected a declaration or parameter, found `}`",
            "this `}` closes no block");
      next();
      continue;
    }
    parseStatement(scope, out);
  }
}

// After the `{`: statements up to the matching `}`.
bool Parser::parseBlock(Scope scope, std::vector<Statement>& out) {
  while (true) {
    const Token& t = peek();
    if (t.isPunct('}')) {
      next();
      out.shrink_to_fit();  // blocks are small and many: drop the growth slack
      return true;
    }
    if (t.isEnd()) {
      errorExpected("`}`", t, "a block opened above is never closed");
      return false;
    }
    parseStatement(scope, out);
  }
}

void Parser::parseInclude(Scope scope, std::vector<Statement>& out) {
  Token keyword = next();
  const Token& pathToken = peek();
  if (pathToken.kind != TokenKind::String) {
    errorExpected("a file name in quotes", pathToken);
    skipToSemi();
    return;
  }
  Token path = next();
  Statement statement;
  statement.kind = Statement::Kind::Include;
  statement.location = keyword.location;
  statement.name = keep(path.value);
  if (!expectSemi()) skipToSemi();
  if (includeDepth_ >= 32) {
    error(path.location, fmt::format("include nesting too deep at \"{}\"", path.value),
          "a file probably includes itself");
    out.push_back(std::move(statement));
    return;
  }
  auto contents = reader_(std::string(path.value));
  if (!contents) {
    error(path.location, fmt::format("can't open {}: {}", path.value, contents.error()),
          "relative paths are opened from dhcpd's working directory, as ISC dhcpd does");
    out.push_back(std::move(statement));
    return;
  }
  openSource(std::move(*contents), statement.name);
  ++includeDepth_;
  parseStatements(scope, statement.body);
  --includeDepth_;
  sources_.pop_back();
  out.push_back(std::move(statement));
}

// ---------------------------------------------------------------- statements

void Parser::parseStatement(Scope scope, std::vector<Statement>& out) {
  const Token& t = peek();
  if (t.kind != TokenKind::Name) {
    errorExpected("a declaration or parameter", t);
    next();
    skipToSemi();
    return;
  }
  // Keywords are short: lower-cased on the stack (a long word is no keyword, kept as it is).
  char lowered[64];
  std::string_view keyword = t.text;
  if (keyword.size() <= sizeof lowered) {
    for (std::size_t i = 0; i < keyword.size(); ++i) lowered[i] = asciiLower(keyword[i]);
    keyword = std::string_view(lowered, keyword.size());
  }
  bool declarations = isDeclarationScope(scope);
  auto notHere = [&](std::string_view what) {
    Token token = next();
    error(token.location, fmt::format("{} not allowed here", what),
          scope == Scope::Conditional ? "if/elsif/else bodies hold parameters and options only"
                                      : "");
    skipToSemi();
  };

  // The statements that fill big files come first (host, and in hosts option, hardware,
  // fixed-address; parameters by hash); no server parameter shares a name with a keyword below.
  if (keyword == "option") return parseOption(scope, out, "option");
  if (keyword == "hardware") return parseHardware(scope, out);
  if (keyword == "fixed-address") return parseFixedAddress(scope, out);
  if (keyword == "host") {
    if (scope == Scope::Host || scope == Scope::Class || !declarations) {
      return notHere("host declarations");
    }
    return parseHost(scope, out);
  }
  if (const auto* parameter = findServerParameter(keyword)) {
    return parseParameter(scope, *parameter, out);
  }
  if (std::find(std::begin(kV6Keywords), std::end(kV6Keywords), keyword) !=
      std::end(kV6Keywords)) {
    Token token = next();
    notSupported(token.location, fmt::format("DHCPv6 ({})", keyword),
                 "snowboot's dhcpd serves DHCPv4 only (ISC's `dhcpd -4`)");
    skipToSemi();
    return;
  }
  if (keyword == "server-duid") {
    // The DHCPv6 server's DUID: checked like ISC does, then ignored (it cannot affect DHCPv4).
    Token token = next();
    Statement statement;
    statement.kind = Statement::Kind::Ignored;
    statement.location = token.location;
    statement.text = "dhcpv6";
    auto hardwareType = [&] {
      const Token& type = peek();
      if (type.is("ethernet") || type.is("token-ring") || type.is("fddi") ||
          type.is("infiniband")) {
        next();
        return true;
      }
      errorExpected("a hardware type (ethernet, token-ring, fddi, infiniband)", type);
      return false;
    };
    auto hardwareAddress = [&] {
      const Token& a = peek();
      if (a.kind == TokenKind::HexList || a.isHexName() || a.kind == TokenKind::Number) {
        next();
        return true;
      }
      errorExpected("a hardware address (colon-separated hex)", a);
      return false;
    };
    const Token& kind = peek();
    bool ok = true;
    if (kind.is("llt") || kind.is("ll")) {
      bool llt = kind.is("llt");
      next();
      if (!atPunct(';')) {
        ok = hardwareType();
        if (ok && llt) {
          if (peek().kind != TokenKind::Number) {
            errorExpected("a DUID time (a number)", peek());
            ok = false;
          } else {
            next();
          }
        }
        ok = ok && hardwareAddress();
      }
    } else if (kind.is("en")) {
      next();
      if (peek().kind != TokenKind::Number) {
        errorExpected("an enterprise number", peek());
        ok = false;
      } else {
        next();
        if (peek().kind != TokenKind::String) {
          errorExpected("an enterprise identifier in quotes", peek());
          ok = false;
        } else {
          next();
        }
      }
    } else {
      errorExpected("`llt`, `ll` or `en`", kind);
      ok = false;
    }
    if (!ok || !expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "include") {
    if (!declarations) return notHere("include");
    return parseInclude(scope, out);
  }
  if (keyword == "group") {
    if (scope == Scope::Host || scope == Scope::Class || !declarations) {
      return notHere("group declarations");
    }
    return parseGroup(out);
  }
  if (keyword == "shared-network") {
    if (scope == Scope::SharedNetwork || scope == Scope::Host || scope == Scope::Subnet ||
        scope == Scope::Class || !declarations) {
      return notHere("shared-network declarations");
    }
    return parseSharedNetwork(out);
  }
  if (keyword == "subnet") {
    if (scope == Scope::Host || scope == Scope::Subnet || scope == Scope::Class ||
        !declarations) {
      return notHere("subnet declarations");
    }
    return parseSubnet(scope, out);
  }
  if (keyword == "class" || keyword == "subclass" || keyword == "vendor-class" ||
      keyword == "user-class") {
    if (scope == Scope::Class || !declarations) return notHere("class declarations");
    next();
    return parseClass(keyword, out);
  }
  if (keyword == "pool") {
    if (scope == Scope::Pool) {
      Token token = next();
      error(token.location, "pool declared within pool");
      skipToSemi();
      return;
    }
    if (scope != Scope::Subnet && scope != Scope::SharedNetwork) {
      Token token = next();
      error(token.location, "pool declared outside of a subnet or shared-network");
      skipToSemi();
      return;
    }
    return parsePool(out);
  }
  if (keyword == "range") {
    if (scope != Scope::Subnet && scope != Scope::Pool) return notHere("range declaration");
    return parseRange(scope, out);
  }
  if (keyword == "hardware") return parseHardware(scope, out);
  if (keyword == "fixed-address") return parseFixedAddress(scope, out);
  if (keyword == "authoritative" || keyword == "not") {
    Token token = next();
    Statement statement;
    statement.kind = Statement::Kind::Authoritative;
    statement.location = token.location;
    statement.flag = true;
    if (keyword == "not") {
      if (!peek().is("authoritative")) {
        errorExpected("`authoritative`", peek());
        skipToSemi();
        return;
      }
      next();
      statement.flag = false;
    }
    if (scope == Scope::Host) error(token.location, "authority makes no sense in a host");
    if (!expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "server-identifier") return parseOption(scope, out, "server-identifier");
  if (keyword == "option") return parseOption(scope, out, "option");
  if (keyword == "supersede" || keyword == "default" || keyword == "prepend" ||
      keyword == "append" || keyword == "send") {
    return parseOption(scope, out, keyword);
  }
  if (keyword == "failover") {
    if (!declarations) return notHere("failover peer");
    return parseFailover(out);
  }
  if (keyword == "interface") {
    Token token = next();
    if (scope != Scope::SharedNetwork && scope != Scope::Subnet) {
      error(token.location, "interface not allowed here",
            "`interface` belongs in a subnet or shared-network");
      skipToSemi();
      return;
    }
    const Token& name = peek();
    if (name.kind != TokenKind::Name && name.kind != TokenKind::String) {
      errorExpected("an interface name", name);
      skipToSemi();
      return;
    }
    Statement statement;
    statement.kind = Statement::Kind::Interface;
    statement.location = token.location;
    statement.name = keep(next().value);
    if (!expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "allow" || keyword == "deny") {
    if (scope == Scope::Pool) return parsePoolPermit(out);
    return parsePermit(scope, out);
  }
  if (keyword == "ignore") return parsePermit(scope, out);
  if (keyword == "if") return parseIf(scope, out);
  if (keyword == "set" || keyword == "define") return parseSet(out);
  if (keyword == "unset") {
    Token token = next();
    if (peek().kind != TokenKind::Name) {
      errorExpected("a variable name", peek());
      return skipToSemi();
    }
    Statement statement;
    statement.kind = Statement::Kind::Unset;
    statement.location = token.location;
    statement.name = keep(next().text);
    if (!expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "eval") {
    next();
    return parseEval(scope, out);
  }
  if (keyword == "log") return parseLog(out);
  if (keyword == "on") return parseOn(scope, out);
  if (keyword == "execute") {
    // execute("/path", args...): runs a program; snowboot runs none. Parsed, then ignored.
    Token token = next();
    Statement statement;
    statement.kind = Statement::Kind::Ignored;
    statement.location = token.location;
    statement.text = "execute";
    Expression call;
    call.text = "execute";
    call.location = token.location;
    if (!parseArguments(call, 1, true)) return skipToSemi();
    if (!expectSemi()) return skipToSemi();
    warning(token.location, "execute() is not supported by snowboot: the program is never run");
    statement.exprs().push_back(std::move(call));
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "key") return parseKey(out);
  if (keyword == "zone") return parseZone(out);
  if (keyword == "switch" || keyword == "case") {
    Token token = next();
    notSupported(token.location, fmt::format("`{}` statements", keyword),
                 "rewrite as if/elsif/else, which snowboot supports");
    skipToSemi();
    return;
  }
  if (keyword == "add") {
    Token token = next();
    const Token& name = peek();
    if (name.kind != TokenKind::String) {
      errorExpected("a class name in quotes", name);
      return skipToSemi();
    }
    Token nameToken = next();
    if (!classes_.contains(nameToken.value)) {
      error(nameToken.location, fmt::format("class \"{}\" is not declared", nameToken.value),
            "declare the class before the statement that adds to it");
      return skipToSemi();
    }
    Statement statement;
    statement.kind = Statement::Kind::Parameter;
    statement.location = token.location;
    statement.name = "add";
    addArg(statement, nameToken.value);
    if (!expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "break" || keyword == "return" || keyword == "parse-vendor-option") {
    Token token = next();
    Statement statement;
    statement.kind = Statement::Kind::Parameter;
    statement.location = token.location;
    statement.name = keep(keyword);
    if (keyword == "return") {
      Expression value;
      if (!parseExpression(value)) return skipToSemi();
      statement.exprs().push_back(std::move(value));
    }
    if (!expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "db-time-format") {
    Token token = next();
    if (!peek().is("local") && !peek().is("default")) {
      errorExpected("`local` or `default`", peek());
      return skipToSemi();
    }
    Statement statement;
    statement.kind = Statement::Kind::Parameter;
    statement.location = token.location;
    statement.name = keep(keyword);
    addArg(statement, asciiLower(next().text));
    if (!expectSemi()) return skipToSemi();
    out.push_back(std::move(statement));
    return;
  }
  if (keyword == "match" || keyword == "spawn" || keyword == "lease") {
    Token token = next();
    error(token.location, fmt::format("`{}` only belongs in a class declaration", keyword));
    skipToSemi();
    return;
  }
  if (const auto* parameter = findServerParameter(keyword)) {
    return parseParameter(scope, *parameter, out);
  }
  parseEval(scope, out);
}

// An unknown word: ISC parses it as an expression (a variable or a function call), evaluates
// and discards it, so `authritative;` passes silently there. We accept it too, with a warning.
void Parser::parseEval(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  const Token first = peek();
  Statement statement;
  statement.kind = Statement::Kind::Eval;
  statement.location = first.location;
  Expression value;
  if (!parseExpression(value)) return skipToSemi();
  if (!expectSemi()) return skipToSemi();
  if (value.kind == Expression::Kind::Variable || value.kind == Expression::Kind::Binary) {
    std::string hint;
    std::string guess = closestMatch(first.text, statementKeywords());
    if (!guess.empty()) hint = fmt::format("did you mean `{}`?", guess);
    warning(first.location,
            fmt::format("`{}` is not a known statement; taken as an expression and ignored, as "
                        "ISC dhcpd does",
                        first.text),
            hint);
  }
  statement.exprs().push_back(std::move(value));
  out.push_back(std::move(statement));
}

// ---------------------------------------------------------------- declarations

void Parser::parseHost(Scope scope, std::vector<Statement>& out) {
  Token keyword = next();
  if ((scope == Scope::Subnet || scope == Scope::SharedNetwork) && !warnedHostScope_) {
    warnedHostScope_ = true;
    warning(keyword.location,
            "host declarations are global; they are not limited to the scope they are "
            "declared in (as in ISC dhcpd)");
  }
  const Token& name = peek();
  if (name.kind != TokenKind::Name && name.kind != TokenKind::Number &&
      name.kind != TokenKind::DottedQuad) {
    errorExpected("a host name", name,
                  name.kind == TokenKind::String ? "ISC dhcpd takes host names without quotes" : "");
    skipToSemi();
    return;
  }
  Statement host;
  host.kind = Statement::Kind::Host;
  host.location = keyword.location;
  host.name = keep(next().value);
  if (!expectPunct('{')) return skipToSemi();
  // Parsed into a vector the parser keeps, then moved into one allocation of the exact size:
  // tens of thousands of hosts, no growth slack and no regrowing.
  std::vector<Statement>& body = hostBody_;
  body.clear();
  while (true) {
    const Token& t = peek();
    if (t.isPunct('}')) {
      next();
      break;
    }
    if (t.isEnd()) {
      errorExpected("`}`", t, fmt::format("host {} is never closed", host.name));
      break;
    }
    if (t.is("uid") || t.is("dynamic") || t.is("deleted") ||
        (t.is("group") && peek(1).kind == TokenKind::String)) {
      // Host-only statements: `uid "..."`/`uid 01:...`, `dynamic;`, `group "name";`.
      Token word = next();
      Statement statement;
      statement.kind = Statement::Kind::Parameter;
      statement.location = word.location;
      statement.name = keep(asciiLower(word.text));
      if (!word.is("dynamic") && !word.is("deleted")) {
        const Token& v = peek();
        if (v.kind != TokenKind::String && v.kind != TokenKind::HexList &&
            v.kind != TokenKind::Number && !v.isHexName()) {
          errorExpected("a string or colon-separated hex list", v);
          skipToSemi();
          continue;
        }
        addArg(statement, next().value);
      }
      if (!expectSemi()) {
        skipToSemi();
        continue;
      }
      body.push_back(std::move(statement));
      continue;
    }
    if (t.is("host-identifier")) {
      Token word = next();
      if (!peek().is("option")) {
        errorExpected("`option`", peek());
        skipToSemi();
        continue;
      }
      std::vector<Statement> one;
      parseOption(Scope::Host, one, "option");
      for (auto& s : one) {
        s.text = "host-identifier";
        s.location = word.location;
        body.push_back(std::move(s));
      }
      continue;
    }
    parseStatement(Scope::Host, body);
  }
  host.body.reserve(body.size());
  for (auto& statement : body) host.body.push_back(std::move(statement));
  body.clear();
  out.push_back(std::move(host));
}

void Parser::parseGroup(std::vector<Statement>& out) {
  Token keyword = next();
  Statement group;
  group.kind = Statement::Kind::Group;
  group.location = keyword.location;
  if (peek().kind == TokenKind::String || peek().kind == TokenKind::Name) {
    if (!peek().isPunct('{')) group.name = keep(next().value);
  }
  if (!expectPunct('{')) return skipToSemi();
  parseBlock(Scope::Group, group.body);
  out.push_back(std::move(group));
}

void Parser::parseSharedNetwork(std::vector<Statement>& out) {
  Token keyword = next();
  const Token& name = peek();
  if (name.kind == TokenKind::Punct || name.isEnd()) {
    errorExpected("a shared-network name", name);
    skipToSemi();
    return;
  }
  Statement shared;
  shared.kind = Statement::Kind::SharedNetwork;
  shared.location = keyword.location;
  shared.name = keep(next().value);
  if (!expectPunct('{')) return skipToSemi();
  parseBlock(Scope::SharedNetwork, shared.body);
  out.push_back(std::move(shared));
}

bool Parser::parseAddress(std::string_view& out, Location& at, std::string_view what) {
  const Token& t = peek();
  if (t.kind != TokenKind::DottedQuad) {
    errorExpected(what, t);
    return false;
  }
  Token address = next();
  at = address.location;
  if (!dhcp::parseDottedQuad(address.text)) {
    error(address.location, fmt::format("expected {}, found `{}`", what, address.text),
          "each part of an IPv4 address is 0 to 255");
    return false;
  }
  out = address.text;
  return true;
}

void Parser::parseSubnet(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  Token keyword = next();
  Statement subnet;
  subnet.kind = Statement::Kind::Subnet;
  subnet.location = keyword.location;
  std::string_view network;
  std::string_view mask;
  Location networkAt;
  Location maskAt;
  if (!parseAddress(network, networkAt, "a subnet number (an IPv4 address)")) {
    return skipToSemi();
  }
  if (!peek().is("netmask")) {
    errorExpected("`netmask`", peek());
    return skipToSemi();
  }
  next();
  if (!parseAddress(mask, maskAt, "a netmask (an IPv4 address)")) return skipToSemi();
  setArgs(subnet, {network, mask}, {networkAt, maskAt});
  if (!expectPunct('{')) return skipToSemi();
  parseBlock(Scope::Subnet, subnet.body);
  out.push_back(std::move(subnet));
}

void Parser::parsePool(std::vector<Statement>& out) {
  Token keyword = next();
  Statement pool;
  pool.kind = Statement::Kind::Pool;
  pool.location = keyword.location;
  if (!expectPunct('{')) return skipToSemi();
  parseBlock(Scope::Pool, pool.body);
  out.push_back(std::move(pool));
}

void Parser::parseRange(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  Token keyword = next();
  Statement range;
  range.kind = Statement::Kind::Range;
  range.location = keyword.location;
  if (peek().is("dynamic-bootp")) {
    next();
    range.flag = true;
  }
  std::string_view low;
  Location lowAt;
  if (!parseAddress(low, lowAt, "an IPv4 address")) return skipToSemi();
  std::string_view high = low;
  Location highAt = lowAt;
  if (peek().kind == TokenKind::DottedQuad) {
    if (!parseAddress(high, highAt, "an IPv4 address")) return skipToSemi();
  }
  setArgs(range, {low, high}, {lowAt, highAt});
  if (!expectSemi()) return skipToSemi();
  out.push_back(std::move(range));
}

void Parser::parseHardware(Scope scope, std::vector<Statement>& out) {
  Token keyword = next();
  const Token& type = peek();
  static constexpr std::string_view kTypes[] = {"ethernet", "token-ring", "fddi", "infiniband"};
  bool known = std::any_of(std::begin(kTypes), std::end(kTypes),
                           [&](std::string_view t) { return type.is(t); });
  if (!known) {
    errorExpected("a hardware type (ethernet, token-ring, fddi, infiniband)", type);
    return skipToSemi();
  }
  Statement statement;
  statement.kind = Statement::Kind::Hardware;
  statement.location = keyword.location;
  std::string_view typeText = next().text;
  std::string lowered = asciiLower(typeText);
  Text hardwareType = lowered == typeText ? keep(typeText) : keep(lowered);
  const Token& address = peek();
  if (address.kind != TokenKind::HexList && address.kind != TokenKind::Number &&
      !address.isHexName()) {
    errorExpected("a hardware address (colon-separated hex)", address);
    return skipToSemi();
  }
  Token addressToken = next();
  std::string_view text = addressToken.text;
  // A bad byte (1:2:3:4:5:zz) splits the address into pieces: glue them for the message.
  std::string glued;
  if (peek().isPunct(':') && !peek().spaceBefore) {
    glued = text;
    while (peek().isPunct(':') && !peek().spaceBefore) {
      glued += next().text;
      if (!peek().spaceBefore && peek().kind != TokenKind::Punct && !peek().isEnd()) {
        glued += next().text;
      }
    }
    text = glued;
  }
  auto bytes = dhcp::countHexListBytes(text);
  if (!bytes || *bytes > 16) {
    error(addressToken.location,
          fmt::format("expected a hardware address (colon-separated hex), found `{}`", text),
          "each byte is one or two hex digits, at most 16 bytes");
    return skipToSemi();
  }
  setArgs(statement, {hardwareType, text}, {addressToken.location});
  if (!expectSemi()) return skipToSemi();
  if (scope != Scope::Host) {
    error(keyword.location, "hardware address parameter not allowed here",
          "`hardware` belongs in a host declaration");
    return;
  }
  out.push_back(std::move(statement));
}

void Parser::parseFixedAddress(Scope scope, std::vector<Statement>& out) {
  Token keyword = next();
  Statement statement;
  statement.kind = Statement::Kind::FixedAddress;
  statement.location = keyword.location;
  auto& args = scratch_.args;
  auto& locations = scratch_.locations;
  args.clear();
  locations.clear();
  while (true) {
    const Token& t = peek();
    if (t.kind == TokenKind::DottedQuad) {
      std::string_view address;
      Location at;
      if (!parseAddress(address, at, "an IPv4 address or host name")) return skipToSemi();
      args.push_back(address);
      locations.push_back(at);
    } else if (t.kind == TokenKind::Name || t.kind == TokenKind::Number) {
      // A host name, resolved when the daemon starts.
      args.push_back(t.text);
      locations.push_back(t.location);
      next();
    } else {
      errorExpected("an IPv4 address or host name", t);
      return skipToSemi();
    }
    if (!acceptPunct(',')) break;
  }
  setArgs(statement, args, locations);
  if (!expectSemi()) return skipToSemi();
  if (scope != Scope::Host) {
    error(keyword.location, "fixed-address parameter not allowed here",
          "`fixed-address` belongs in a host declaration");
    return;
  }
  out.push_back(std::move(statement));
}

ParseResult parseConfig(std::string_view source, std::string fileName, const FileReader& reader) {
  return parseConfig(std::string(source), std::move(fileName), reader);
}

ParseResult parseConfig(std::string&& source, std::string fileName, const FileReader& reader) {
  ParseResult result;
  Parser parser(reader, result);
  parser.parseFile(std::move(source), std::move(fileName));
  return result;
}

}  // namespace snowboot::dhcpd::conf
