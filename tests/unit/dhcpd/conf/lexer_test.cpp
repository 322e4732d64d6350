#include "dhcpd/conf/lexer.hpp"

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::dhcpd::conf;

namespace {

// Tokens are views into the source and the lexer: both stay alive with them.
struct Lexed {
  std::unique_ptr<const std::string> source;  // on the heap: moving a Lexed keeps the views
  std::unique_ptr<Lexer> lexer;
  std::vector<Token> tokens;
  const Token& operator[](std::size_t i) const { return tokens.at(i); }
  std::size_t size() const { return tokens.size(); }
};

// The tokens up to and including End, or the first error.
std::expected<std::vector<Token>, LexError> tokenize(Lexer& lexer) {
  std::vector<Token> tokens;
  while (true) {
    auto token = lexer.next();
    if (!token) return std::unexpected(token.error());
    tokens.push_back(*token);
    if (tokens.back().isEnd()) return tokens;
  }
}

Lexed lex(std::string_view text) {
  Lexed lexed;
  lexed.source = std::make_unique<const std::string>(text);
  lexed.lexer = std::make_unique<Lexer>(*lexed.source, "t.conf");
  auto tokens = tokenize(*lexed.lexer);
  REQUIRE(tokens);
  lexed.tokens = std::move(*tokens);
  return lexed;
}

}  // namespace

TEST_CASE("lexer splits a subnet declaration with locations", "[conf][lexer]") {
  auto t = lex("subnet 192.168.0.0 netmask 255.255.255.0 {\n  range 192.168.0.10 192.168.0.20;\n}\n");
  REQUIRE(t.size() == 11);
  CHECK(t[0].is("SUBNET"));
  CHECK(t[0].kind == TokenKind::Name);
  CHECK(t[1].kind == TokenKind::DottedQuad);
  CHECK(t[1].text == "192.168.0.0");
  CHECK(t[1].location.column == 8);
  CHECK(t[4].isPunct('{'));
  CHECK(t[5].is("range"));
  CHECK(t[5].location.line == 2);
  CHECK(t[5].location.column == 3);
  CHECK(t[8].isPunct(';'));
  CHECK(t[9].isPunct('}'));
  CHECK(t[9].location.line == 3);
  CHECK(t[10].isEnd());
  CHECK(t[10].location.fileName() == "t.conf");
}

TEST_CASE("lexer glues hex lists, dotted names and numbers", "[conf][lexer]") {
  auto t = lex("hardware ethernet 52:54:0:ab:CD:ef; option arch = 00:07; option ipxe.no-pxedhcp 1;"
               " default-lease-time -1; x 0x1f ab 007 a.b.c 1.2.3 1.2.3.4.5");
  CHECK(t[2].kind == TokenKind::HexList);
  CHECK(t[2].text == "52:54:0:ab:CD:ef");
  CHECK(t[7].kind == TokenKind::HexList);
  CHECK(t[7].text == "00:07");
  CHECK(t[10].kind == TokenKind::Name);
  CHECK(t[10].text == "ipxe.no-pxedhcp");
  CHECK(t[11].kind == TokenKind::Number);
  CHECK(t[14].kind == TokenKind::Number);
  CHECK(t[14].text == "-1");
  CHECK(t[17].kind == TokenKind::Name);
  CHECK(t[17].isHexName() == false);
  CHECK(t[18].isHexName());
  CHECK(t[19].kind == TokenKind::Number);
  CHECK(t[19].text == "007");
  CHECK(t[20].kind == TokenKind::Name);
  CHECK(t[21].kind == TokenKind::Name);  // three parts: not an address
  CHECK(t[22].kind == TokenKind::Name);  // five parts
}

TEST_CASE("lexer leaves separated pieces apart and keeps punctuation single", "[conf][lexer]") {
  auto t = lex("a . b 1 : 2 x!=y 4 - 2 (\"s\",=)/foo: bar");
  CHECK(t[0].text == "a");
  CHECK(t[1].isPunct('.'));
  CHECK(t[3].kind == TokenKind::Number);
  CHECK(t[4].isPunct(':'));
  CHECK(t[6].text == "x");
  CHECK(t[7].isPunct('!'));
  CHECK_FALSE(t[7].spaceBefore);
  CHECK(t[8].isPunct('='));
  CHECK(t[11].isPunct('-'));
  CHECK(t[13].isPunct('('));
  CHECK(t[14].kind == TokenKind::String);
  CHECK(t[17].isPunct(')'));
  CHECK(t[18].isPunct('/'));
  CHECK(t[19].text == "foo");  // "foo" is not hex: the colon stays apart
  CHECK(t[20].isPunct(':'));
}

TEST_CASE("lexer decodes string escapes including octal and hex", "[conf][lexer]") {
  auto t = lex(R"("a\tb\n\"q\"\\ \101\302\240 \x41\x4 \0z \9")");
  REQUIRE(t[0].kind == TokenKind::String);
  CHECK(t[0].value == std::string("a\tb\n\"q\"\\ A\302\240 A\x04 ") + std::string(1, '\0') + "z 9");
  CHECK(t[0].text.front() == 'a');
}

TEST_CASE("lexer skips comments and tracks lines", "[conf][lexer]") {
  auto t = lex("# comment \"not a string\n  authoritative; # trailing\n\n\tddns-update-style none;");
  REQUIRE(t.size() == 6);
  CHECK(t[0].is("authoritative"));
  CHECK(t[0].location.line == 2);
  CHECK(t[0].location.column == 3);
  CHECK(t[2].location.line == 4);
  CHECK(t[2].location.column == 2);
}

TEST_CASE("lexer reports errors as values and recovers", "[conf][lexer]") {
  Lexer lexer("a \x01 b \"open", "bad.conf");
  auto a = lexer.next();
  REQUIRE(a);
  auto bad = lexer.next();
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == LexErrorCode::UnexpectedCharacter);
  CHECK(bad.error().location.column == 3);
  auto b = lexer.next();
  REQUIRE(b);
  CHECK(b->text == "b");
  auto open = lexer.next();
  REQUIRE_FALSE(open);
  CHECK(open.error().code == LexErrorCode::UnterminatedString);
  CHECK(open.error().location.column == 7);
  auto end = lexer.next();
  REQUIRE(end);
  CHECK(end->isEnd());

  Lexer escapeLexer("\"\\xZ\"", "e.conf");
  auto escape = tokenize(escapeLexer);
  REQUIRE_FALSE(escape);
  CHECK(escape.error().code == LexErrorCode::InvalidEscape);
}

TEST_CASE("lexer reads lease-file times as their pieces", "[conf][lexer]") {
  auto t = lex("starts 4 2026/11/26 06:44:29;");
  CHECK(t[1].text == "4");
  CHECK(t[2].text == "2026");
  CHECK(t[3].isPunct('/'));
  CHECK(t[6].kind == TokenKind::Number);
  CHECK(t[7].kind == TokenKind::HexList);
  CHECK(t[7].text == "06:44:29");
}

TEST_CASE("formatLocated echoes the line with a caret", "[conf][lexer]") {
  Lexer lexer("subnet 10.0.0.0 netmask 255.0.0.0 {\n\trange 10.0.0.1 10.0.0.9\n}", "d.conf");
  Location at{lexer.file(), 3, 1, 0};
  CHECK(formatLocated(at, lexer.lineText(3), "expected `;`, found `}`") ==
        "d.conf line 3, column 1: expected `;`, found `}`\n}\n^\n");
  Location tab{lexer.file(), 2, 8, 0};
  CHECK(formatLocated(tab, lexer.lineText(2), "m") ==
        "d.conf line 2, column 8: m\n\trange 10.0.0.1 10.0.0.9\n\t      ^\n");
  CHECK(lexer.lineText(9).empty());
}
