#pragma once
// The parser's internals, shared by parser.cpp (declarations and statements),
// parser_options.cpp (options, option definitions, parameters) and parser_expressions.cpp.

#include <array>
#include <memory>
#include <set>
#include <unordered_set>
#include <string>
#include <vector>

#include "dhcpd/conf/parser.hpp"

namespace snowboot::dhcpd::conf {

// A server parameter of dhcpd.conf(5) with the ISC format letters of its value.
struct ServerParameter {
  std::string_view name;
  std::string_view format;
  enum class Treatment { Use, IgnoreDdns, IgnoreOmapi, RefuseLdap, IgnoreV6 } treatment;
};
const ServerParameter* findServerParameter(std::string_view name);
std::vector<std::string_view> serverParameterNames();

// Extends `token` over `piece`, the token right after it with no space between (so the two
// are one run of the source): `2001:db8::1` arrives as pieces.
inline void glue(Token& token, const Token& piece) {
  token.text = std::string_view(token.text.data(),
                                static_cast<std::size_t>(piece.text.data() + piece.text.size() -
                                                         token.text.data()));
  token.value = token.text;
}

class Parser {
 public:
  Parser(const FileReader& reader, ParseResult& result) : reader_(reader), result_(result) {}

  void parseFile(std::string source, std::string fileName);

 private:
  struct Source {
    // The parser looks at most two tokens ahead: a ring of views, never allocated.
    static constexpr std::size_t kLookahead = 4;
    std::string_view text;  // owned by the ParseResult's texts
    std::unique_ptr<Lexer> lexer;
    std::array<Token, kLookahead> ahead;
    std::size_t first = 0;  // index of the next token in `ahead`
    std::size_t count = 0;  // tokens lexed ahead
  };

  // Tokens. A reference from peek() dies at the next next(): copy what outlives it.
  // Inline: the parser peeks five times per token.
  const Token& peek(std::size_t n = 0) {
    Source& source = *sources_.back();
    if (n < source.count) return source.ahead[(source.first + n) % Source::kLookahead];
    return fill(n);
  }
  const Token& fill(std::size_t n);
  Token next() {
    Source& source = *sources_.back();
    if (source.count == 0) fill(0);
    const Token& token = source.ahead[source.first];
    source.first = (source.first + 1) % Source::kLookahead;
    --source.count;
    if (!token.isEnd()) {
      lastEnd_ = token.location;
      lastEnd_.column += static_cast<std::uint32_t>(
          token.kind == TokenKind::String ? token.text.size() + 2 : token.text.size());
    }
    return token;
  }
  bool atPunct(char c) { return peek().isPunct(c); }
  bool acceptPunct(char c);
  bool expectPunct(char c);
  bool expectSemi();
  void skipToSemi();
  void skipToEnd();

  // Strings and arguments for the tree: views of the source where they are in it, else
  // copies in the ParseResult's arena.
  Text keep(std::string_view text);
  Text keep(Text text) { return text; }
  // A statement's arguments and their locations, in one block of the arena.
  void setArgs(Statement& statement, std::initializer_list<std::string_view> args,
               std::initializer_list<Location> locations = {});
  void setArgs(Statement& statement, const std::vector<std::string_view>& args,
               const std::vector<Location>& locations);
  void storeArgs(Statement& statement, std::span<const Text> args,
                 std::span<const Location> locations);
  // One more argument (rare statements; the frequent ones set their arguments at once).
  void addArg(Statement& statement, std::string_view text);
  // "space.name", kept once however many statements name it (every host's host-name option).
  Text internName(std::string_view space, std::string_view name);
  void openSource(std::string text, std::string_view fileName);

  // Messages.
  void error(const Location& at, std::string message, std::string hint = {});
  void warning(const Location& at, std::string message, std::string hint = {});
  void errorExpected(std::string_view what, const Token& found, std::string hint = {});
  void notSupported(const Location& at, std::string_view what, std::string hint = {});
  std::string lineOf(const Location& at);

  // Declarations and statements (parser.cpp).
  void parseStatements(Scope scope, std::vector<Statement>& out);
  bool parseBlock(Scope scope, std::vector<Statement>& out);
  void parseStatement(Scope scope, std::vector<Statement>& out);
  void parseInclude(Scope scope, std::vector<Statement>& out);
  void parseHost(Scope scope, std::vector<Statement>& out);
  void parseGroup(std::vector<Statement>& out);
  void parseSharedNetwork(std::vector<Statement>& out);
  void parseSubnet(Scope scope, std::vector<Statement>& out);
  void parsePool(std::vector<Statement>& out);
  void parseClass(std::string_view keyword, std::vector<Statement>& out);
  void parseClassBody(Statement& cls, bool subclass);
  void parseRange(Scope scope, std::vector<Statement>& out);
  void parseHardware(Scope scope, std::vector<Statement>& out);
  void parseFixedAddress(Scope scope, std::vector<Statement>& out);
  void parsePermit(Scope scope, std::vector<Statement>& out);
  void parsePoolPermit(std::vector<Statement>& out);
  void parseIf(Scope scope, std::vector<Statement>& out);
  void parseSet(std::vector<Statement>& out);
  void parseLog(std::vector<Statement>& out);
  void parseOn(Scope scope, std::vector<Statement>& out);
  void parseKey(std::vector<Statement>& out);
  void parseZone(std::vector<Statement>& out);
  void parseFailover(std::vector<Statement>& out);
  void parseEval(Scope scope, std::vector<Statement>& out);
  bool parseAddress(std::string_view& out, Location& at, std::string_view what);

  // Options and parameters (parser_options.cpp).
  void parseOption(Scope scope, std::vector<Statement>& out, std::string_view how);
  void parseOptionSpace(Scope scope, std::vector<Statement>& out);
  void parseOptionDefinition(Statement& statement, std::string_view space, std::string_view name);
  bool parseOptionType(std::string& format, bool inArray, bool inRecord);
  void parseOptionValue(Statement& statement, std::string_view format);
  void parseParameter(Scope scope, const ServerParameter& parameter, std::vector<Statement>& out);
  bool parseOptionName(std::string& space, std::string& name, Location& at);
  bool collectFields(std::vector<dhcp::OptionField>& fields, std::vector<Location>& locations,
                     std::vector<bool>& commaBefore, std::vector<Location>& commaAt);

  // Expressions (parser_expressions.cpp). On failure an error has been reported.
  bool parseExpression(Expression& out, int minPrecedence = 0);
  bool parseUnary(Expression& out);
  bool parsePrimary(Expression& out);
  bool parseArguments(Expression& call, std::size_t count, bool variadic);
  bool parseOptionReference(Expression& out);
  bool expectType(Expression& e, ExprType want, std::string_view what);

  const FileReader& reader_;
  ParseResult& result_;
  std::vector<std::unique_ptr<Source>> sources_;
  Location lastEnd_;  // where the last consumed token ended, for "missing ;" hints
  std::unordered_set<std::string_view> names_;  // views of the arena
  std::vector<Statement> hostBody_;
  struct LastOption {
    std::string_view token;  // the name as written (a view of the source)
    Text name;               // "space.name"
    const dhcp::OptionDefinition* definition = nullptr;
  } lastOption_;  // a host's statements as they are parsed (hosts don't nest)
  struct Scratch {
    std::vector<dhcp::OptionField> fields;
    std::vector<Location> locations;
    std::vector<bool> commaBefore;
    std::vector<Location> commaAt;
    std::vector<std::uint8_t> bytes;
    std::vector<std::string_view> args;
    std::vector<Text> texts;
  } scratch_;
  std::set<std::string, std::less<>> classes_;
  std::set<std::string, std::less<>> keys_;
  std::set<std::string, std::less<>> failoverPeers_;
  bool warnedDdns_ = false;
  bool warnedHostScope_ = false;
  bool warnedOmapi_ = false;
  int includeDepth_ = 0;
};

}  // namespace snowboot::dhcpd::conf
