// option statements, option definitions and spaces, and server parameters: values are checked
// against the one option catalogue (common/dhcp/option_catalogue).
#include <algorithm>

#include <fmt/format.h>

#include "dhcpd/conf/parser_impl.hpp"

namespace snowboot::dhcpd::conf {
namespace {

// Whether the value at `index` (> 0) must follow a comma, as ISC's parser reads arrays:
// commas separate the records of an array ('A') and the elements of a trailing array ('a'),
// and appear nowhere else.
bool commaExpected(std::string_view format, std::size_t index) {
  std::size_t fields = 0;
  std::size_t repeatFrom = std::string_view::npos;
  bool records = false;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == 'E' || c == 'N') {
      ++fields;
      i = format.find('.', i);
      if (i == std::string_view::npos) break;
    } else if (c == 'A') {
      records = true;
    } else if (c == 'a') {
      repeatFrom = fields - 1;
    } else if (c == 'D') {
      repeatFrom = fields++;  // a domain list: one or more names, comma-separated
    } else if (c != 'o' && c != 'c' && c != 'e') {
      ++fields;
    }
  }
  if (records) return fields > 0 && index % fields == 0;
  if (repeatFrom != std::string_view::npos) return index > repeatFrom;
  return false;
}

constexpr std::string_view kDdnsStyles[] = {"none", "ad-hoc", "interim", "standard"};
constexpr std::string_view kFacilities[] = {
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",  "local0", "local1", "local2", "local3",
    "local4", "local5", "local6", "local7"};
constexpr std::string_view kPrefixModes[] = {"ignore", "prefer", "exact", "minimum", "maximum"};

}  // namespace

bool Parser::parseOptionName(std::string& space, std::string& name, Location& at) {
  const Token& t = peek();
  if (t.kind != TokenKind::Name) {
    errorExpected("an option name", t);
    return false;
  }
  Token token = next();
  at = token.location;
  auto dot = token.text.find('.');
  if (dot == std::string::npos) {
    space = "dhcp";
    name = token.text;
  } else {
    space = token.text.substr(0, dot);
    name = token.text.substr(dot + 1);
    if (name.find('.') != std::string::npos || name.empty()) {
      error(token.location, fmt::format("expected SPACE.NAME, found `{}`", token.text));
      return false;
    }
  }
  if (!result_.catalogue.findSpace(space)) {
    std::vector<std::string> spaceNames;
    error(token.location, fmt::format("no option space named {}", space),
          "declare it first with `option space NAME;`");
    return false;
  }
  return true;
}

void Parser::parseOption(Scope scope, std::vector<Statement>& out, std::string_view how) {
  Token keyword = next();
  Statement statement;
  statement.kind = Statement::Kind::Option;
  statement.location = keyword.location;
  statement.text = how == "default"   ? Text("default")
                   : how == "prepend" ? Text("prepend")
                   : how == "append"  ? Text("append")
                   : how == "send"    ? Text("send")
                                      : Text("supersede");
  const dhcp::OptionDefinition* definition = nullptr;
  if (how == "server-identifier") {
    definition = result_.catalogue.find("dhcp", 54u);
    statement.name = "dhcp.dhcp-server-identifier";
  } else {
    if (how == "option" && peek().is("space")) {
      if (scope != Scope::Root) {
        error(peek().location, "option space definitions may not be scoped",
              "declare option spaces at the top level");
        return skipToSemi();
      }
      return parseOptionSpace(scope, out);
    }
    // A file names the same option again and again (a host-name per host): the last name
    // found is remembered, and forgotten when a definition could change what it finds.
    const Token& first = peek();
    if (lastOption_.definition && first.kind == TokenKind::Name && first.text == lastOption_.token &&
        !peek(1).is("code")) {
      next();
      statement.name = lastOption_.name;
      statement.number = lastOption_.definition->code;
      parseOptionValue(statement, lastOption_.definition->format);
      if (statement.kind == Statement::Kind::Option) out.push_back(std::move(statement));
      return;
    }
    std::string_view token = first.text;
    std::string space;
    std::string name;
    Location nameAt;
    if (!parseOptionName(space, name, nameAt)) return skipToSemi();
    statement.name = internName(space, name);
    if (peek().is("code")) {
      if (scope != Scope::Root) {
        error(peek().location, "option definitions may not be scoped",
              "declare options at the top level");
        return skipToSemi();
      }
      next();
      statement.kind = Statement::Kind::OptionDefinition;
      parseOptionDefinition(statement, space, name);
      if (statement.kind == Statement::Kind::OptionDefinition && !statement.text.empty()) {
        out.push_back(std::move(statement));
      }
      return;
    }
    definition = result_.catalogue.find(space, name);
    if (definition) lastOption_ = {token, statement.name, definition};
    if (!definition) {
      std::vector<std::string_view> names;
      for (const auto& option : dhcp::builtinOptions()) {
        if (option.space == space) names.push_back(option.name);
      }
      std::string guess = closestMatch(name, names);
      std::string hint = guess.empty()
                             ? fmt::format("declare it first: option {} code N = TYPE;", name)
                             : fmt::format("did you mean `{}`?", guess);
      error(nameAt, fmt::format("unknown option {}.{}", space, name), hint);
      return skipToSemi();
    }
  }
  statement.number = definition->code;
  parseOptionValue(statement, definition->format);
  if (statement.kind == Statement::Kind::Option) out.push_back(std::move(statement));
}

bool Parser::collectFields(std::vector<dhcp::OptionField>& fields,
                           std::vector<Location>& locations, std::vector<bool>& commaBefore,
                           std::vector<Location>& commaAt) {
  bool comma = false;
  while (true) {
    const Token& t = peek();
    if (t.isPunct(';')) {
      if (!comma) return true;
      errorExpected("a value after `,`", t);
      return false;
    }
    if (t.isPunct(',')) {
      if (comma || fields.empty()) {
        errorExpected("a value", t);
        return false;
      }
      comma = true;
      commaAt.resize(fields.size() + 1);
      commaAt[fields.size()] = next().location;
      continue;
    }
    switch (t.kind) {
      case TokenKind::String:
      case TokenKind::Number:
      case TokenKind::DottedQuad:
      case TokenKind::HexList:
      case TokenKind::Name: {
        Token token = next();
        // An IPv6 address (2001:db8::1) arrives in pieces; glue the touching ones back.
        if (token.kind != TokenKind::String) {
          while (peek().isPunct(':') && !peek().spaceBefore) {
            glue(token, next());
            const Token& piece = peek();
            if (!piece.spaceBefore && (piece.kind == TokenKind::Number ||
                                       piece.kind == TokenKind::Name ||
                                       piece.kind == TokenKind::HexList)) {
              glue(token, next());
            }
          }
        }
        fields.push_back({token.value, token.kind == TokenKind::String});
        locations.push_back(token.location);
        commaBefore.push_back(comma);
        comma = false;
        continue;
      }
      default: {
        std::string hint;
        if (t.isPunct('}') || t.isEnd()) {
          hint = fmt::format("the statement ending on line {} is missing its `;`", lastEnd_.line);
        }
        errorExpected("`;`", t, hint);
        return false;
      }
    }
  }
}

void Parser::parseOptionValue(Statement& statement, std::string_view format) {
  if (acceptPunct('=')) {
    Expression value;
    if (!parseExpression(value)) {
      statement.kind = Statement::Kind::Ignored;
      return skipToSemi();
    }
    if (value.type == ExprType::Boolean && format != "f") {
      error(value.location, "expected a data expression, found a boolean expression");
      statement.kind = Statement::Kind::Ignored;
      return skipToSemi();
    }
    statement.exprs().push_back(std::move(value));
    if (!expectSemi()) {
      statement.kind = Statement::Kind::Ignored;
      return skipToSemi();
    }
    return;
  }
  // Scratch kept by the parser: a value is checked without allocating.
  auto& fields = scratch_.fields;
  auto& locations = scratch_.locations;
  auto& commaBefore = scratch_.commaBefore;
  auto& commaAt = scratch_.commaAt;
  fields.clear();
  locations.clear();
  commaBefore.clear();
  commaAt.clear();
  if (!collectFields(fields, locations, commaBefore, commaAt)) {
    statement.kind = Statement::Kind::Ignored;
    return skipToSemi();
  }
  Token semi = next();
  auto fail = [&](Location at, std::string message, std::string hint = {}) {
    error(at, std::move(message), std::move(hint));
    statement.kind = Statement::Kind::Ignored;
  };
  for (std::size_t i = 1; i < fields.size(); ++i) {
    bool want = commaExpected(format, i);
    if (want && !commaBefore[i]) {
      return fail(locations[i], fmt::format("expected `,` or `;`, found `{}`", fields[i].text),
                  "values of an array are separated by commas");
    }
    if (!want && commaBefore[i]) {
      return fail(commaAt[i], fmt::format("expected `;`, found `,`"),
                  fmt::format("{} takes {}", statement.name, dhcp::describeFormat(format)));
    }
  }
  if (!format.empty() && format[0] == 'N') {
    // Enumerations of server parameters.
    std::string_view set = format.substr(1, format.find('.') - 1);
    const std::string_view* begin = kDdnsStyles;
    const std::string_view* end = std::end(kDdnsStyles);
    if (set == "syslog-facilities") {
      begin = kFacilities;
      end = std::end(kFacilities);
    } else if (set == "prefix-length-modes") {
      begin = kPrefixModes;
      end = std::end(kPrefixModes);
    }
    std::string word = fields.size() == 1 ? asciiLower(fields[0].text) : "";
    if (word == "ad_hoc") word = "ad-hoc";
    if (fields.size() != 1 || fields[0].quoted || std::find(begin, end, word) == end) {
      std::string choices;
      for (auto it = begin; it != end; ++it) choices += (choices.empty() ? "" : ", ") + std::string(*it);
      Location at = fields.empty() ? semi.location : locations[0];
      return fail(at, fmt::format("expected one of {}, found {}", choices,
                                  fields.empty() ? std::string("`;`")
                                                 : fmt::format("`{}`", fields[0].text)));
    }
    if (set == "ddns-styles" && word == "ad-hoc") {
      return fail(locations[0], "ddns-update-style ad-hoc is no longer supported (ISC dhcpd "
                                "refuses it too)",
                  "use `ddns-update-style none;`");
    }
    addArg(statement, word);
    return;
  }
  if (format == "U") {
    if (fields.size() != 1 || fields[0].quoted) {
      return fail(fields.empty() ? semi.location : locations[0],
                  "expected an option space name");
    }
    if (!result_.catalogue.findSpace(fields[0].text)) {
      return fail(locations[0], fmt::format("no option space named {}", fields[0].text),
                  "declare it first with `option space NAME;`");
    }
    addArg(statement, fields[0].text);
    return;
  }
  auto& bytes = scratch_.bytes;
  auto encoded = dhcp::encodeOptionInto(format, fields, true, bytes);
  if (!encoded) {
    const auto& e = encoded.error();
    Location at = e.field < locations.size() ? locations[e.field] : semi.location;
    std::string found = e.field < fields.size()
                            ? (fields[e.field].quoted ? fmt::format("\"{}\"", fields[e.field].text)
                                                      : fmt::format("`{}`", fields[e.field].text))
                            : "`;`";
    switch (e.code) {
      case dhcp::OptionValueErrorCode::OutOfRange:
        return fail(at, fmt::format("{} is out of range for {}", fields[e.field].text,
                                    e.expected));
      case dhcp::OptionValueErrorCode::ExtraValue:
        return fail(at, fmt::format("expected `;`, found {}", found),
                    fmt::format("{} takes {}", statement.name, dhcp::describeFormat(format)));
      case dhcp::OptionValueErrorCode::BadFormat:
      case dhcp::OptionValueErrorCode::Unsupported:
        return fail(at, fmt::format("values of type {} cannot be written here",
                                    dhcp::describeFormat(format)));
      default: {
        std::string hint;
        if (e.expected == "text" && e.field < fields.size() && !fields[e.field].quoted) {
          hint = "text values are written in double quotes";
        }
        return fail(at, fmt::format("expected {}, found {}", e.expected, found), hint);
      }
    }
  }
  auto& args = scratch_.args;
  args.clear();
  for (const auto& field : fields) args.push_back(field.text);
  setArgs(statement, args, locations);
  statement.value = result_.keep(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// option space NAME [code width N] [length width N] [hash size N];
void Parser::parseOptionSpace(Scope scope, std::vector<Statement>& out) {
  (void)scope;
  Token word = next();  // `space`
  const Token& name = peek();
  if (name.kind != TokenKind::Name) {
    errorExpected("an option space name", name);
    return skipToSemi();
  }
  Statement statement;
  statement.kind = Statement::Kind::OptionSpace;
  statement.location = word.location;
  statement.name = keep(next().text);
  int codeWidth = 1;
  int lengthWidth = 1;
  while (!atPunct(';')) {
    const Token& t = peek();
    if (t.is("code") || t.is("length")) {
      bool code = t.is("code");
      next();
      if (!peek().is("width")) {
        errorExpected("`width`", peek());
        return skipToSemi();
      }
      next();
      const Token& n = peek();
      if (n.kind != TokenKind::Number) {
        errorExpected("a number", n);
        return skipToSemi();
      }
      Token number = next();
      int value = std::atoi(std::string(number.text).c_str());
      if (code && value != 1 && value != 2 && value != 4) {
        error(number.location,
              fmt::format("invalid code width ({}), expecting 1, 2 or 4", value));
        return skipToSemi();
      }
      if (!code && value != 1 && value != 2) {
        error(number.location, fmt::format("invalid length width ({}), expecting 1 or 2", value));
        return skipToSemi();
      }
      (code ? codeWidth : lengthWidth) = value;
    } else if (t.is("hash")) {
      next();
      if (!peek().is("size")) {
        errorExpected("`size`", peek());
        return skipToSemi();
      }
      next();
      if (peek().kind != TokenKind::Number) {
        errorExpected("a number", peek());
        return skipToSemi();
      }
      next();
    } else {
      errorExpected("`code width`, `length width`, `hash size` or `;`", t);
      return skipToSemi();
    }
  }
  next();
  lastOption_ = {};
  result_.catalogue.defineSpace(statement.name, codeWidth, lengthWidth);
  statement.number = codeWidth;
  statement.text = keep(std::to_string(lengthWidth));
  out.push_back(std::move(statement));
}

// After `option NAME code`: N = TYPE;
void Parser::parseOptionDefinition(Statement& statement, std::string_view space,
                                   std::string_view name) {
  const Token& n = peek();
  if (n.kind != TokenKind::Number) {
    errorExpected("an option code (a number)", n);
    statement.text = {};
    return skipToSemi();
  }
  Token codeToken = next();
  long long code = std::atoll(std::string(codeToken.text).c_str());
  const auto* spaceInfo = result_.catalogue.findSpace(space);
  long long maxCode = spaceInfo && spaceInfo->codeWidth == 1   ? 255
                      : spaceInfo && spaceInfo->codeWidth == 2 ? 65535
                                                               : 4294967295LL;
  if (code < 0 || code > maxCode) {
    error(codeToken.location,
          fmt::format("option code {} is out of range for space {} (0 to {})", code, space,
                      maxCode));
    statement.text = {};
    return skipToSemi();
  }
  if (!expectPunct('=')) {
    statement.text = {};
    return skipToSemi();
  }
  std::string format;
  if (!parseOptionType(format, false, false)) {
    statement.text = {};
    return skipToSemi();
  }
  if (!expectSemi()) {
    statement.text = {};
    return skipToSemi();
  }
  statement.number = code;
  statement.text = keep(format);
  lastOption_ = {};
  result_.catalogue.define(space, name, static_cast<std::uint32_t>(code), format);
}

// One type of `option NAME code N = TYPE`, appended to `format` as ISC format letters.
bool Parser::parseOptionType(std::string& format, bool inArray, bool inRecord) {
  const Token& t = peek();
  Location at = t.location;
  if (t.is("array")) {
    next();
    if (!peek().is("of")) {
      errorExpected("`of`", peek());
      return false;
    }
    next();
    if (inArray) {
      error(at, "arrays of arrays are not supported (nor by ISC)");
      return false;
    }
    std::string element;
    if (inRecord) {
      // Inside a record: an array of one simple type (ISC's 'a').
      if (peek().isPunct('{')) {
        error(at, "arrays of records inside records are not supported (nor by ISC)");
        return false;
      }
      if (!parseOptionType(element, true, true)) return false;
      format += element + "a";
      return true;
    }
    if (!parseOptionType(element, true, false)) return false;
    if (element == "t" || element == "X" || element[0] == 'D' || element[0] == 'E') {
      error(at, "arrays of text, string, domain-list or encapsulate are not supported (nor by "
                "ISC)");
      return false;
    }
    format += element;
    format += "A";
    return true;
  }
  if (t.isPunct('{')) {
    next();
    if (inRecord) {
      error(at, "records inside records are not supported (nor by ISC)");
      return false;
    }
    std::string record;
    while (true) {
      Location fieldAt = peek().location;
      if (!parseOptionType(record, false, true)) return false;
      if (acceptPunct(',')) {
        // A text or string field takes the rest of the option: it must come last.
        if (!record.empty() && (record.back() == 't' || record.back() == 'X')) {
          error(fieldAt, "text and string must be at the end of a record (as in ISC)");
          return false;
        }
        continue;
      }
      if (!expectPunct('}')) return false;
      break;
    }
    if (inArray && record.find_first_of("tXDE") != std::string::npos) {
      error(at, "arrays of records holding text or strings are not supported (nor by ISC)");
      return false;
    }
    format += record;
    return true;
  }
  if (t.kind != TokenKind::Name) {
    errorExpected("an option type", t);
    return false;
  }
  Token word = next();
  std::string type = asciiLower(word.text);
  if (type == "unsigned" || type == "signed" || type == "integer") {
    bool isSigned = type != "unsigned";
    if (type != "integer") {
      if (!peek().is("integer")) {
        errorExpected("`integer`", peek());
        return false;
      }
      next();
    }
    const Token& width = peek();
    if (width.text != "8" && width.text != "16" && width.text != "32") {
      errorExpected("an integer width (8, 16 or 32)", width);
      return false;
    }
    std::string_view w = next().text;
    char letter = w == "8" ? 'B' : w == "16" ? 'S' : 'L';
    format += isSigned ? static_cast<char>(std::tolower(letter)) : letter;
    return true;
  }
  if (type == "ip-address") format += 'I';
  else if (type == "ip6-address") format += '6';
  else if (type == "text") format += 't';
  else if (type == "string") format += 'X';
  else if (type == "boolean") format += 'f';
  else if (type == "domain-name") format += 'd';
  else if (type == "zerolen") format += 'Z';
  else if (type == "domain-list") {
    if (inRecord) {
      error(word.location, "domain-list cannot be part of a record");
      return false;
    }
    format += 'D';
    if (peek().is("compressed")) {
      next();
      format += 'c';
    }
  } else if (type == "encapsulate") {
    const Token& space = peek();
    if (space.kind != TokenKind::Name) {
      errorExpected("an option space name", space);
      return false;
    }
    Token spaceToken = next();
    if (!result_.catalogue.findSpace(spaceToken.text)) {
      error(spaceToken.location, fmt::format("no option space named {}", spaceToken.text),
            "declare it first with `option space NAME;`");
      return false;
    }
    if (inRecord) {
      error(word.location, "encapsulate cannot be part of a record");
      return false;
    }
    format += fmt::format("E{}.", spaceToken.text);
  } else {
    static const std::vector<std::string_view> kTypes = {
        "unsigned", "signed", "integer", "ip-address", "ip6-address", "text", "string",
        "boolean", "domain-name", "domain-list", "zerolen", "encapsulate", "array"};
    std::string guess = closestMatch(word.text, kTypes);
    error(word.location, fmt::format("expected an option type, found `{}`", word.text),
          guess.empty() ? "types: unsigned integer 8/16/32, ip-address, text, string, boolean, "
                          "array of ..., { ... }, encapsulate SPACE"
                        : fmt::format("did you mean `{}`?", guess));
    return false;
  }
  return true;
}

void Parser::parseParameter(Scope scope, const ServerParameter& parameter,
                            std::vector<Statement>& out) {
  (void)scope;
  Token word = next();
  Statement statement;
  statement.kind = Statement::Kind::Parameter;
  statement.location = word.location;
  statement.name = Text::kept(parameter.name);  // the static table's name
  if (parameter.treatment == ServerParameter::Treatment::RefuseLdap) {
    notSupported(word.location, fmt::format("LDAP configuration ({})", parameter.name),
                 "ISC dhcpd also refuses it unless built with LDAP; Debian's is not");
    return skipToSemi();
  }
  parseOptionValue(statement, parameter.format);
  if (statement.kind != Statement::Kind::Parameter) return;
  switch (parameter.treatment) {
    case ServerParameter::Treatment::IgnoreDdns:
      if (!warnedDdns_) {
        warnedDdns_ = true;
        if (!(parameter.name == "ddns-update-style" && !statement.args.empty() &&
              statement.args[0] == "none")) {
          warning(word.location, "DNS updates are not supported by snowboot; ddns-* and "
                                 "update-* statements are ignored");
        } else {
          warnedDdns_ = false;
        }
      }
      statement.kind = Statement::Kind::Ignored;
      statement.text = "ddns";
      break;
    case ServerParameter::Treatment::IgnoreOmapi:
      if (parameter.name == "omapi-key" && !statement.args.empty() &&
          !keys_.contains(statement.args[0])) {
        error(statement.argLocations().empty() ? word.location : statement.argLocations()[0],
              fmt::format("OMAPI key {} is not declared", statement.args[0]),
              "declare it with `key NAME { algorithm ...; secret ...; }` first");
        return;
      }
      if (!warnedOmapi_) {
        warnedOmapi_ = true;
        warning(word.location, "OMAPI is not supported by snowboot; omapi-* statements are "
                               "ignored");
      }
      statement.kind = Statement::Kind::Ignored;
      statement.text = "omapi";
      break;
    case ServerParameter::Treatment::IgnoreV6:
      statement.kind = Statement::Kind::Ignored;
      statement.text = "dhcpv6";
      break;
    default: break;
  }
  out.push_back(std::move(statement));
}

}  // namespace snowboot::dhcpd::conf
