// ISC's expressions (dhcp-eval(5)): boolean, data and numeric, typed as ISC types them.
#include <fmt/format.h>

#include "dhcpd/conf/parser_impl.hpp"

namespace snowboot::dhcpd::conf {
namespace {

struct BinaryOperator {
  std::string text;
  int precedence = -1;
  int tokens = 1;
};

std::string_view typeName(ExprType type) {
  switch (type) {
    case ExprType::Boolean: return "a boolean expression";
    case ExprType::Data: return "a data expression";
    case ExprType::Numeric: return "a numeric expression";
    case ExprType::Any: return "an expression";
  }
  return "an expression";
}

struct Builtin {
  std::string_view name;
  ExprType result;
  std::vector<ExprType> args;  // empty with variadic: any number of data arguments
  bool variadic = false;
};

const std::vector<Builtin>& builtins() {
  using E = ExprType;
  static const std::vector<Builtin> list = {
      {"substring", E::Data, {E::Data, E::Numeric, E::Numeric}},
      {"suffix", E::Data, {E::Data, E::Numeric}},
      {"lcase", E::Data, {E::Data}},
      {"ucase", E::Data, {E::Data}},
      {"concat", E::Data, {E::Data, E::Data}, true},
      {"pick-first-value", E::Data, {E::Data}, true},
      {"binary-to-ascii", E::Data, {E::Numeric, E::Numeric, E::Data, E::Data}},
      {"reverse", E::Data, {E::Numeric, E::Data}},
      {"packet", E::Data, {E::Numeric, E::Numeric}},
      {"encode-int", E::Data, {E::Numeric, E::Numeric}},
      {"extract-int", E::Numeric, {E::Data, E::Numeric}},
      {"gethostname", E::Data, {}},
      {"gethostbyname", E::Data, {E::Data}},
  };
  return list;
}

}  // namespace

bool Parser::expectType(Expression& e, ExprType want, std::string_view what) {
  if (e.type == want || e.type == ExprType::Any) return true;
  // Where data is expected, ISC reads a number literal as hex bytes: concat(01, hardware).
  if (want == ExprType::Data && e.kind == Expression::Kind::ConstNumber && e.number >= 0) {
    auto bytes = dhcp::encodeOption(
        "X", std::vector<dhcp::OptionField>{{std::to_string(e.number), false}});
    if (bytes) {
      e.kind = Expression::Kind::ConstData;
      e.type = ExprType::Data;
      e.value.assign(bytes->begin(), bytes->end());
      return true;
    }
  }
  error(e.location, fmt::format("expected {}, found {}", what, typeName(e.type)));
  return false;
}

bool Parser::parseExpression(Expression& out, int minPrecedence) {
  Expression lhs;
  if (!parseUnary(lhs)) return false;
  while (true) {
    const Token& t = peek();
    BinaryOperator op;
    if (t.is("or")) op = {"or", 1};
    else if (t.is("and")) op = {"and", 2};
    else if (t.isPunct('=')) op = {"=", 3};
    else if (t.isPunct('!') && peek(1).isPunct('=')) op = {"!=", 3, 2};
    else if (t.isPunct('~') && peek(1).isPunct('=')) op = {"~=", 3, 2};
    else if (t.isPunct('~') && peek(1).isPunct('~')) op = {"~~", 3, 2};
    else if (t.isPunct('+')) op = {"+", 4};
    else if (t.isPunct('-')) op = {"-", 4};
    else if (t.isPunct('|')) op = {"|", 4};
    else if (t.isPunct('^')) op = {"^", 4};
    else if (t.isPunct('&')) op = {"&", 4};
    else if (t.isPunct('*')) op = {"*", 5};
    else if (t.isPunct('/')) op = {"/", 5};
    else if (t.isPunct('%')) op = {"%", 5};
    if (op.precedence < 0 || op.precedence < minPrecedence) break;
    Location at = t.location;
    for (int i = 0; i < op.tokens; ++i) next();
    Expression rhs;
    if (!parseExpression(rhs, op.precedence + 1)) return false;
    Expression binary;
    binary.kind = Expression::Kind::Binary;
    binary.location = at;
    binary.text = op.text;
    if (op.precedence <= 2) {
      if (!expectType(lhs, ExprType::Boolean, "a boolean expression") ||
          !expectType(rhs, ExprType::Boolean, "a boolean expression")) {
        return false;
      }
      binary.type = ExprType::Boolean;
    } else if (op.precedence == 3) {
      for (const Expression* side : {&lhs, &rhs}) {
        if (side->type == ExprType::Boolean) {
          error(side->location, fmt::format("expected a data or numeric expression, found {}",
                                            typeName(side->type)));
          return false;
        }
      }
      // A number literal compared with data is read as hex bytes, as ISC does: `option
      // arch = 7` compares with the one byte 07, which never equals a two-byte 00:07.
      for (auto [number, other] : {std::pair{&rhs, &lhs}, std::pair{&lhs, &rhs}}) {
        if (number->kind == Expression::Kind::ConstNumber && other->type == ExprType::Data) {
          auto bytes = dhcp::encodeOption(
              "X", std::vector<dhcp::OptionField>{{std::to_string(number->number), false}});
          if (bytes) {
            number->kind = Expression::Kind::ConstData;
            number->type = ExprType::Data;
            number->value.assign(bytes->begin(), bytes->end());
            warning(number->location,
                    fmt::format("the number {} is compared as the data byte(s) {}", number->number,
                                dhcp::formatOption("X", *bytes)),
                    "write the bytes you mean, such as 00:07 for a 16-bit 7");
          }
        }
      }
      if (lhs.type != ExprType::Any && rhs.type != ExprType::Any && lhs.type != rhs.type) {
        error(at, fmt::format("`{}` relates {} to {}", op.text, typeName(lhs.type),
                              typeName(rhs.type)),
              "ISC dhcpd refuses comparing different types; compare data with data");
        return false;
      }
      binary.type = ExprType::Boolean;
    } else {
      if (!expectType(lhs, ExprType::Numeric, "a numeric expression") ||
          !expectType(rhs, ExprType::Numeric, "a numeric expression")) {
        return false;
      }
      binary.type = ExprType::Numeric;
    }
    binary.operands.push_back(std::move(lhs));
    binary.operands.push_back(std::move(rhs));
    lhs = std::move(binary);
  }
  out = std::move(lhs);
  return true;
}

bool Parser::parseUnary(Expression& out) {
  if (peek().is("not")) {
    Token word = next();
    Expression operand;
    if (!parseUnary(operand)) return false;
    if (!expectType(operand, ExprType::Boolean, "a boolean expression")) return false;
    out.kind = Expression::Kind::Not;
    out.type = ExprType::Boolean;
    out.location = word.location;
    out.operands.push_back(std::move(operand));
    return true;
  }
  return parsePrimary(out);
}

bool Parser::parseOptionReference(Expression& out) {
  std::string space;
  std::string name;
  Location at;
  if (!parseOptionName(space, name, at)) return false;
  if (!result_.catalogue.find(space, name)) {
    std::string hint;
    if (name == "arch" || name == "client-arch" || name == "architecture-type" ||
        name == "client-architecture" || name == "system-arch" || name == "pxe-arch") {
      hint = fmt::format("declare it first: option {} code 93 = unsigned integer 16;", name);
    } else {
      std::vector<std::string_view> names;
      for (const auto& option : dhcp::builtinOptions()) {
        if (option.space == space) names.push_back(option.name);
      }
      std::string guess = closestMatch(name, names);
      if (!guess.empty()) hint = fmt::format("did you mean `{}`?", guess);
    }
    error(at, fmt::format("unknown option {}.{}", space, name), hint);
    return false;
  }
  out.text = space + "." + name;
  out.location = at;
  return true;
}

bool Parser::parseArguments(Expression& call, std::size_t count, bool variadic) {
  if (!expectPunct('(')) return false;
  if (count == 0 && !variadic) return expectPunct(')');
  while (true) {
    Expression argument;
    if (!parseExpression(argument)) return false;
    call.operands.push_back(std::move(argument));
    if (acceptPunct(',')) continue;
    if (!expectPunct(')')) return false;
    break;
  }
  if (call.operands.size() < count || (!variadic && call.operands.size() > count)) {
    error(call.location, fmt::format("{} takes {}{} argument{}, found {}", call.text,
                                     variadic ? "at least " : "", count, count == 1 ? "" : "s",
                                     call.operands.size()));
    return false;
  }
  return true;
}

bool Parser::parsePrimary(Expression& out) {
  const Token& t = peek();
  out.location = t.location;
  switch (t.kind) {
    case TokenKind::String:
      out.kind = Expression::Kind::ConstData;
      out.type = ExprType::Data;
      out.value = next().value;
      return true;
    case TokenKind::HexList:
    case TokenKind::DottedQuad: {
      Token token = next();
      auto bytes = dhcp::encodeOption(token.kind == TokenKind::HexList ? "X" : "I",
                                      std::vector<dhcp::OptionField>{{token.text, false}});
      if (!bytes) {
        errorExpected("a colon-separated hex list", token);
        return false;
      }
      out.kind = Expression::Kind::ConstData;
      out.type = ExprType::Data;
      out.value.assign(bytes->begin(), bytes->end());
      return true;
    }
    case TokenKind::Number: {
      Token token = next();
      out.kind = Expression::Kind::ConstNumber;
      out.type = ExprType::Numeric;
      out.number = std::strtoll(std::string(token.text).c_str(), nullptr, 10);
      return true;
    }
    case TokenKind::Punct:
      if (t.isPunct('(')) {
        next();
        if (!parseExpression(out)) return false;
        return expectPunct(')');
      }
      errorExpected("an expression", t);
      return false;
    case TokenKind::End:
      errorExpected("an expression", t);
      return false;
    case TokenKind::Name: break;
  }
  Token word = next();
  std::string name = asciiLower(word.text);
  out.text = name;
  using K = Expression::Kind;
  auto simple = [&](K kind, ExprType type) {
    out.kind = kind;
    out.type = type;
    return true;
  };
  if (name == "option" || name == "config-option" || name == "exists") {
    out.kind = name == "option" ? K::Option : name == "config-option" ? K::ConfigOption : K::Exists;
    out.type = name == "exists" ? ExprType::Boolean : ExprType::Data;
    Location at = out.location;
    if (!parseOptionReference(out)) return false;
    out.location = at;
    return true;
  }
  if (name == "known") return simple(K::Known, ExprType::Boolean);
  if (name == "static") return simple(K::Static, ExprType::Boolean);
  if (name == "hardware") return simple(K::Hardware, ExprType::Data);
  if (name == "leased-address") return simple(K::LeasedAddress, ExprType::Data);
  if (name == "host-decl-name") return simple(K::HostDeclName, ExprType::Data);
  if (name == "filename") return simple(K::Filename, ExprType::Data);
  if (name == "server-name") return simple(K::ServerName, ExprType::Data);
  if (name == "lease-time") return simple(K::LeaseTime, ExprType::Numeric);
  if (name == "client-state") return simple(K::ClientState, ExprType::Numeric);
  if (name == "null") return simple(K::Null, ExprType::Data);
  if (name == "check") {
    const Token& c = peek();
    if (c.kind != TokenKind::String) {
      errorExpected("a collection name in quotes", c);
      return false;
    }
    Token collection = next();
    if (collection.value != "default") {
      error(collection.location, fmt::format("unknown collection \"{}\"", collection.value),
            "the only collection is \"default\"");
      return false;
    }
    return simple(K::Check, ExprType::Boolean);
  }
  if (name == "defined") {
    if (!expectPunct('(')) return false;
    if (peek().kind != TokenKind::Name) {
      errorExpected("a variable name", peek());
      return false;
    }
    out.text = next().text;
    if (!expectPunct(')')) return false;
    return simple(K::Defined, ExprType::Boolean);
  }
  if (name == "v6relay" || name == "execute" || name.starts_with("ns-") ||
      name == "dns-update" || name == "dns-delete") {
    notSupported(word.location, fmt::format("`{}` in expressions", name));
    return false;
  }
  for (const auto& builtin : builtins()) {
    if (builtin.name != name) continue;
    out.kind = K::Function;
    out.type = builtin.result;
    if (!parseArguments(out, builtin.args.size(), builtin.variadic)) return false;
    for (std::size_t i = 0; i < out.operands.size(); ++i) {
      ExprType want = i < builtin.args.size() ? builtin.args[i] : ExprType::Data;
      if (!expectType(out.operands[i], want, typeName(want))) return false;
    }
    if (name == "encode-int" || name == "extract-int") {
      const Expression& width = out.operands[1];
      if (width.kind != K::ConstNumber ||
          (width.number != 8 && width.number != 16 && width.number != 32)) {
        error(width.location, fmt::format("{} needs a width of 8, 16 or 32", name));
        return false;
      }
      out.number = width.number;
    }
    return true;
  }
  // A user function call or a variable set elsewhere: ISC types both as "any".
  out.text = word.text;
  if (atPunct('(')) {
    out.kind = K::FunctionCall;
    out.type = ExprType::Any;
    if (peek(1).isPunct(')')) {
      next();
      next();
      return true;
    }
    return parseArguments(out, 0, true);
  }
  out.kind = K::Variable;
  out.type = ExprType::Any;
  return true;
}

}  // namespace snowboot::dhcpd::conf
