// Classes, permits, conditionals and the statements snowboot parses only to ignore or refuse.
#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/conf/parser_impl.hpp"

namespace snowboot::dhcpd::conf {
namespace {

bool isBase64(std::string_view text) {
  std::size_t data = 0;
  std::size_t pad = 0;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (c == '=') {
      ++pad;
      continue;
    }
    if (!ok || pad > 0) return false;
    ++data;
  }
  return pad <= 2 && (data + pad) % 4 == 0 && data % 4 != 1;
}

}  // namespace

// class "name" { ... }, subclass "name" VALUE [{ ... }] or ;, vendor-class/user-class "name".
void Parser::parseClass(std::string_view keyword, std::vector<Statement>& out) {
  const Token& name = peek();
  if (name.kind != TokenKind::String) {
    errorExpected("a class name in quotes", name);
    skipToSemi();
    return;
  }
  Token nameToken = next();
  Statement cls;
  cls.location = nameToken.location;
  cls.name = keep(nameToken.value);
  bool subclass = keyword == "subclass";
  if (keyword == "class") {
    cls.kind = Statement::Kind::Class;
    classes_.emplace(cls.name);
  } else if (subclass) {
    cls.kind = Statement::Kind::Subclass;
    if (!classes_.contains(cls.name)) {
      error(nameToken.location, fmt::format("no class named \"{}\"", cls.name),
            "a subclass needs its class declared before it");
      skipToSemi();
      return;
    }
    const Token& value = peek();
    Expression match;
    match.kind = Expression::Kind::ConstData;
    match.type = ExprType::Data;
    match.location = value.location;
    if (value.kind == TokenKind::String) {
      match.value = next().value;
    } else if (value.kind == TokenKind::HexList || value.kind == TokenKind::Number ||
               value.isHexName()) {
      Token hex = next();
      const dhcp::OptionField field{hex.text, false};
      auto bytes = dhcp::encodeOption("X", {&field, 1});
      if (!bytes) {
        errorExpected("a string or colon-separated hex list", hex);
        skipToSemi();
        return;
      }
      match.value.assign(bytes->begin(), bytes->end());
    } else {
      errorExpected("a string or colon-separated hex list", value);
      skipToSemi();
      return;
    }
    cls.exprs().push_back(std::move(match));
    if (acceptPunct(';')) {
      out.push_back(std::move(cls));
      return;
    }
  } else {
    // ISC's old vendor-class/user-class name subclasses of implicit classes that no
    // configuration can declare, so ISC refuses every one of them; so do we.
    error(nameToken.location, fmt::format("no class named {}", cls.name),
          fmt::format("`{}` is obsolete: use class \"{}\" {{ match if ...; }}", keyword,
                      cls.name));
    skipToSemi();
    return;
  }
  if (!expectPunct('{')) {
    skipToSemi();
    return;
  }
  parseClassBody(cls, subclass);
  out.push_back(std::move(cls));
}

void Parser::parseClassBody(Statement& cls, bool subclass) {
  bool matched = false;
  bool spawned = false;
  while (true) {
    const Token& t = peek();
    if (t.isPunct('}')) {
      next();
      return;
    }
    if (t.isEnd()) {
      errorExpected("`}`", t, fmt::format("class \"{}\" is never closed", cls.name));
      return;
    }
    if (t.is("match") || t.is("spawn")) {
      Token word = next();
      bool spawn = word.is("spawn");
      if (subclass) {
        error(word.location, fmt::format("invalid {} in a subclass", asciiLower(word.text)));
        skipToSemi();
        continue;
      }
      Statement statement;
      statement.location = word.location;
      bool matchIf = false;
      if (spawn) {
        if (!peek().is("with")) {
          errorExpected("`with`", peek());
          skipToSemi();
          continue;
        }
        next();
        statement.kind = Statement::Kind::SpawnWith;
      } else {
        statement.kind = Statement::Kind::Match;
        if (peek().is("if")) {
          next();
          matchIf = true;
        }
      }
      if (matchIf ? matched : spawned) {
        // `match EXPR` and `spawn with EXPR` both set the class's one submatch expression.
        error(word.location, matchIf ? "a class may only have one `match if`"
                                     : "a class may only have one `match` or `spawn with`",
              matchIf ? "" : "`match EXPR` and `spawn with EXPR` set the same thing: keep one");
        skipToSemi();
        continue;
      }
      (matchIf ? matched : spawned) = true;
      statement.flag = matchIf;
      Expression e;
      if (!parseExpression(e)) {
        skipToSemi();
        continue;
      }
      if (!expectType(e, matchIf ? ExprType::Boolean : ExprType::Data,
                      matchIf ? "a boolean expression" : "a data expression")) {
        skipToSemi();
        continue;
      }
      statement.exprs().push_back(std::move(e));
      if (!expectSemi()) {
        skipToSemi();
        continue;
      }
      cls.body.push_back(std::move(statement));
      continue;
    }
    if (t.is("lease")) {
      Token word = next();
      if (!peek().is("limit")) {
        errorExpected("`limit`", peek());
        skipToSemi();
        continue;
      }
      next();
      if (peek().kind != TokenKind::Number) {
        errorExpected("a number", peek());
        skipToSemi();
        continue;
      }
      Statement statement;
      statement.kind = Statement::Kind::Lease;
      statement.location = word.location;
      statement.number = std::stoll(std::string(next().text));
      if (!expectSemi()) {
        skipToSemi();
        continue;
      }
      cls.body.push_back(std::move(statement));
      continue;
    }
    if (t.is("dynamic") || t.is("deleted")) {
      next();
      if (!expectSemi()) skipToSemi();
      continue;
    }
    parseStatement(Scope::Class, cls.body);
  }
}

// allow/deny/ignore KEYWORD; outside pools.
void Parser::parsePermit(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  Token word = next();
  static constexpr std::string_view kKeys[] = {
      "bootp",      "booting",  "dynamic-bootp",  "unknown-clients",
      "duplicates", "declines", "client-updates", "leasequery"};
  const Token& key = peek();
  bool known = std::any_of(std::begin(kKeys), std::end(kKeys),
                           [&](std::string_view k) { return key.is(k); });
  if (!known) {
    std::string hint;
    if (key.is("members") || key.is("known-clients") || key.is("all") || key.is("known") ||
        key.is("unknown")) {
      hint = "this permit belongs in a pool";
    } else if (key.kind == TokenKind::Name) {
      std::vector<std::string_view> keys(std::begin(kKeys), std::end(kKeys));
      std::string guess = closestMatch(key.text, keys);
      if (!guess.empty()) hint = fmt::format("did you mean `{}`?", guess);
    }
    errorExpected("an allow/deny keyword (bootp, booting, unknown-clients, ...)", key, hint);
    skipToSemi();
    return;
  }
  Statement statement;
  statement.kind = Statement::Kind::Permit;
  statement.location = word.location;
  statement.text = keep(asciiLower(word.text));
  addArg(statement, asciiLower(next().text));
  if (!expectSemi()) return skipToSemi();
  if (statement.args[0] == "client-updates" && !warnedDdns_) {
    warnedDdns_ = true;
    warning(statement.location, "DNS updates are not supported by snowboot; the ddns and "
                                "client-updates statements are ignored");
  }
  out.push_back(std::move(statement));
}

// Pool permits: allow/deny [un]known[-]clients, members of "class", all clients, ...
void Parser::parsePoolPermit(std::vector<Statement>& out) {
  Token word = next();
  Statement statement;
  statement.kind = Statement::Kind::Permit;
  statement.location = word.location;
  statement.text = keep(asciiLower(word.text));
  statement.flag = true;  // a pool permit
  const Token& key = peek();
  bool needClients = true;
  if (key.is("unknown-clients") || key.is("known-clients")) {
    addArg(statement, asciiLower(next().text));
    needClients = false;
  } else if (key.is("unknown") || key.is("known") || key.is("authenticated") ||
             key.is("unauthenticated") || key.is("all")) {
    addArg(statement, asciiLower(next().text));
  } else if (key.is("dynamic")) {
    addArg(statement, asciiLower(next().text));
    if (!peek().is("bootp")) {
      errorExpected("`bootp`", peek());
      return skipToSemi();
    }
    addArg(statement, asciiLower(next().text));
  } else if (key.is("members")) {
    next();
    if (!peek().is("of")) {
      errorExpected("`of`", peek());
      return skipToSemi();
    }
    next();
    if (peek().kind != TokenKind::String) {
      errorExpected("a class name in quotes", peek());
      return skipToSemi();
    }
    Token name = next();
    if (!classes_.contains(name.value)) {
      error(name.location, fmt::format("no such class: \"{}\"", name.value),
            "declare the class before the pool that names it");
      return skipToSemi();
    }
    setArgs(statement, {"members", name.value});
    needClients = false;
  } else if (key.is("after")) {
    // `after DATE`: parsed and kept; not evaluated yet, the engine lets it match no client.
    next();
    addArg(statement, "after");
    while (!peek().isPunct(';') && !peek().isEnd() && !peek().isPunct('}')) {
      addArg(statement, next().text);
    }
    needClients = false;
  } else {
    errorExpected("a permit (known-clients, unknown-clients, members of \"class\", ...)", key);
    return skipToSemi();
  }
  if (needClients) {
    if (!peek().is("clients")) {
      errorExpected("`clients`", peek());
      return skipToSemi();
    }
    next();
    addArg(statement, "clients");
  }
  if (!expectSemi()) return skipToSemi();
  out.push_back(std::move(statement));
}

// if EXPR { ... } [elsif EXPR { ... }]* [else { ... }]; `else if` works as `elsif`.
void Parser::parseIf(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  Token word = next();
  Statement statement;
  statement.kind = Statement::Kind::If;
  statement.location = word.location;
  Expression condition;
  if (atPunct('(')) {
    // As ISC: `if (EXPR)` takes exactly the parenthesized expression, so
    // `if (a) or (b) {` is an error there; we give the same verdict.
    next();
    if (!parseExpression(condition) || !expectPunct(')')) return skipToSemi();
  } else if (!parseExpression(condition)) {
    return skipToSemi();
  }
  if (!expectType(condition, ExprType::Boolean, "a boolean expression")) return skipToSemi();
  statement.exprs().push_back(std::move(condition));
  if (!expectPunct('{')) return skipToSemi();
  parseBlock(Scope::Conditional, statement.body);
  if (peek().is("elsif") || (peek().is("else") && peek(1).is("if"))) {
    statement.hasElse = true;
    if (peek().is("else")) next();
    parseIf(Scope::Conditional, statement.elseBody());
  } else if (peek().is("else")) {
    next();
    statement.hasElse = true;
    if (!expectPunct('{')) return skipToSemi();
    parseBlock(Scope::Conditional, statement.elseBody());
  }
  out.push_back(std::move(statement));
}

void Parser::parseSet(std::vector<Statement>& out) {
  Token word = next();
  const Token& name = peek();
  if (name.kind != TokenKind::Name) {
    errorExpected("a variable name", name);
    return skipToSemi();
  }
  Statement statement;
  statement.kind = Statement::Kind::Set;
  statement.location = word.location;
  statement.name = keep(next().text);
  if (word.is("define") && atPunct('(')) {
    notSupported(word.location, "user-defined functions (define NAME (...))");
    return skipToSemi();
  }
  if (!expectPunct('=')) return skipToSemi();
  Expression value;
  if (!parseExpression(value)) return skipToSemi();
  statement.exprs().push_back(std::move(value));
  if (!expectSemi()) return skipToSemi();
  out.push_back(std::move(statement));
}

// log (EXPR); or log (fatal|error|info|debug, EXPR);
void Parser::parseLog(std::vector<Statement>& out) {
  Token word = next();
  Statement statement;
  statement.kind = Statement::Kind::Log;
  statement.location = word.location;
  statement.text = "info";
  if (!expectPunct('(')) return skipToSemi();
  const Token& first = peek();
  if ((first.is("fatal") || first.is("error") || first.is("info") || first.is("debug")) &&
      peek(1).isPunct(',')) {
    statement.text = keep(asciiLower(next().text));
    next();
  }
  Expression value;
  if (!parseExpression(value)) return skipToSemi();
  if (!expectType(value, ExprType::Data, "a data expression")) return skipToSemi();
  statement.exprs().push_back(std::move(value));
  if (!expectPunct(')')) return skipToSemi();
  if (!expectSemi()) return skipToSemi();
  out.push_back(std::move(statement));
}

// on commit|release|expiry [or ...] { ... }: parsed and checked, then ignored with a warning.
void Parser::parseOn(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  Token word = next();
  std::string events;
  while (true) {
    const Token& e = peek();
    if (!e.is("commit") && !e.is("release") && !e.is("expiry")) {
      errorExpected("`commit`, `release` or `expiry`", e);
      return skipToSemi();
    }
    events += (events.empty() ? "" : " or ") + asciiLower(next().text);
    if (!peek().is("or")) break;
    next();
  }
  Statement statement;
  statement.kind = Statement::Kind::Ignored;
  statement.location = word.location;
  statement.text = keep("on " + events);
  if (acceptPunct(';')) return;  // `on expiry;`: an empty hook
  if (!expectPunct('{')) return skipToSemi();
  parseBlock(Scope::Conditional, statement.body);
  warning(word.location,
          fmt::format("`on {}` is not supported by snowboot: the statements in it never run",
                      events),
          "lease event hooks (execute, logging on commit) need another mechanism");
  out.push_back(std::move(statement));
}

// key NAME { algorithm NAME; secret BASE64; } - for DNS updates and OMAPI; checked, ignored.
void Parser::parseKey(std::vector<Statement>& out) {
  Token word = next();
  const Token& name = peek();
  if (name.kind != TokenKind::Name && name.kind != TokenKind::String) {
    errorExpected("a key name", name);
    return skipToSemi();
  }
  Statement statement;
  statement.kind = Statement::Kind::Ignored;
  statement.location = word.location;
  statement.text = "key";
  statement.name = keep(next().value);
  if (!expectPunct('{')) return skipToSemi();
  while (!atPunct('}') && !peek().isEnd()) {
    Token field = next();
    if (field.is("algorithm")) {
      if (peek().kind != TokenKind::Name) {
        errorExpected("an algorithm name", peek());
        skipToSemi();
        continue;
      }
      next();
    } else if (field.is("secret")) {
      std::string secret;
      const Location secretAt = peek().location;
      if (peek().kind == TokenKind::String) {
        secret = next().value;
      } else {
        // ISC reads an unquoted secret as base64 atoms; '=' and '/' arrive as punctuation.
        while (!atPunct(';') && !peek().isEnd() && !atPunct('}')) secret += next().text;
      }
      if (!isBase64(secret)) {
        error(secretAt, "key secret is not valid base64",
              "generate one with `tsig-keygen` or `dnssec-keygen`");
        skipToSemi();
        continue;
      }
    } else {
      errorExpected("`algorithm` or `secret`", field);
      skipToSemi();
      continue;
    }
    if (!expectSemi()) skipToSemi();
  }
  if (!expectPunct('}')) return;
  acceptPunct(';');
  keys_.emplace(statement.name);
  warning(word.location, fmt::format("key {} is ignored: snowboot does no DNS updates and has "
                                     "no OMAPI", statement.name));
  out.push_back(std::move(statement));
}

// zone NAME { primary ADDR; secondary ADDR; key NAME; } - DNS updates; checked, ignored.
void Parser::parseZone(std::vector<Statement>& out) {
  Token word = next();
  if (peek().kind != TokenKind::Name && peek().kind != TokenKind::String &&
      peek().kind != TokenKind::DottedQuad) {
    errorExpected("a zone name", peek());
    return skipToSemi();
  }
  Statement statement;
  statement.kind = Statement::Kind::Ignored;
  statement.location = word.location;
  statement.text = "zone";
  statement.name = keep(next().value);
  // A trailing dot on the zone name arrives as its own token.
  acceptPunct('.');
  if (!expectPunct('{')) return skipToSemi();
  while (!atPunct('}') && !peek().isEnd()) {
    Token field = next();
    if (field.is("primary") || field.is("secondary") || field.is("primary6") ||
        field.is("secondary6")) {
      while (!atPunct(';') && !peek().isEnd() && !atPunct('}')) next();
    } else if (field.is("key")) {
      const Token& k = peek();
      if (k.kind != TokenKind::Name && k.kind != TokenKind::String) {
        errorExpected("a key name", k);
        skipToSemi();
        continue;
      }
      Token keyName = next();
      acceptPunct('.');
      if (!keys_.contains(keyName.value)) {
        error(keyName.location, fmt::format("unknown key {}", keyName.value),
              "declare the key before the zone");
        skipToSemi();
        continue;
      }
    } else {
      errorExpected("`primary`, `secondary` or `key`", field);
      skipToSemi();
      continue;
    }
    if (!expectSemi()) skipToSemi();
  }
  if (!expectPunct('}')) return;
  if (!warnedDdns_) {
    warnedDdns_ = true;
    warning(word.location, "DNS updates are not supported by snowboot; zone, ddns-* and "
                           "update-* statements are ignored");
  }
  out.push_back(std::move(statement));
}

// failover peer "name" { ... } and `failover peer "name";` in pools: refused. Two servers
// that each think they own a pool would hand out the same addresses.
void Parser::parseFailover(std::vector<Statement>& out) {
  (void)out;
  Token word = next();
  notSupported(word.location, "DHCP failover (failover peer)",
               "run one snowboot dhcpd per pool, or keep ISC dhcpd for failover pairs");
  skipToSemi();
}

}  // namespace snowboot::dhcpd::conf
