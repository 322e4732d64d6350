#pragma once
// dhcpd.conf as a syntax tree: what the parser produces and the checker and the engine read.
// Every node keeps its Location for messages.
//
// A 50,000-host file holds 200,000 statements, so a Statement is small (128 bytes): its strings
// are Texts, views into the source or into the parse's arena, both owned by the ParseResult
// (which must outlive every use of the tree); its arguments are a span in that arena, with their
// locations stored right after them; what only conditionals and expressions need sits apart,
// allocated for the statements that have it.

#include <compare>
#include <cstdint>
#include <memory>
#include <new>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "dhcpd/conf/lexer.hpp"

namespace snowboot::dhcpd::conf {

// A string of the syntax tree. It is made from a literal, or by the parser from storage the
// ParseResult owns (Text::kept); never from a temporary, which is why it has no constructor
// from std::string or std::string_view.
class Text {
 public:
  constexpr Text() = default;
  template <std::size_t N>
  consteval Text(const char (&literal)[N]) : view_(literal, N - 1) {}
  // `view` must live as long as the tree: a source text, the arena, or static storage.
  static constexpr Text kept(std::string_view view) {
    Text text;
    text.view_ = view;
    return text;
  }

  constexpr operator std::string_view() const { return view_; }
  constexpr std::string_view view() const { return view_; }
  std::string str() const { return std::string(view_); }
  constexpr std::size_t size() const { return view_.size(); }
  constexpr bool empty() const { return view_.empty(); }
  constexpr const char* data() const { return view_.data(); }
  constexpr const char* begin() const { return view_.data(); }
  constexpr const char* end() const { return view_.data() + view_.size(); }
  constexpr char front() const { return view_.front(); }
  constexpr char back() const { return view_.back(); }
  constexpr char operator[](std::size_t i) const { return view_[i]; }
  constexpr std::string_view substr(std::size_t pos, std::size_t n = std::string_view::npos) const {
    return view_.substr(pos, n);
  }
  constexpr std::size_t find(char c, std::size_t pos = 0) const { return view_.find(c, pos); }
  constexpr std::size_t rfind(std::string_view s, std::size_t pos = std::string_view::npos) const {
    return view_.rfind(s, pos);
  }
  constexpr bool starts_with(std::string_view s) const { return view_.starts_with(s); }

  friend constexpr bool operator==(Text a, std::string_view b) { return a.view_ == b; }
  friend constexpr std::strong_ordering operator<=>(Text a, std::string_view b) {
    return a.view_ <=> b;
  }
  friend std::ostream& operator<<(std::ostream& out, Text text) { return out << text.view_; }

 private:
  std::string_view view_;
};

// What an expression yields, as ISC types its expressions.
enum class ExprType { Boolean, Data, Numeric, Any };

struct Expression {
  enum class Kind {
    ConstData,    // "text", 00:07, 10.0.0.1: value holds the bytes
    ConstNumber,  // 42: number
    Variable,     // a name set by `set`: text
    FunctionCall, // name(args...): text, operands
    Option,       // option SPACE.NAME: text = "space.name"
    ConfigOption, // config-option SPACE.NAME
    Exists,       // exists SPACE.NAME
    Known, Static, Hardware, LeasedAddress, HostDeclName, Filename, ServerName, LeaseTime,
    ClientState, Null, GetHostName,
    Defined,      // defined(var)
    Check,        // check "class"
    Not,
    Binary,       // text is the operator: = != ~= ~~ and or + - * / % & | ^
    Function,     // built-in: text is its name (substring, suffix, concat, lcase, ucase,
                  // binary-to-ascii, encode-int, extract-int, pick-first-value, packet,
                  // reverse, gethostbyname); operands are its arguments
  };
  Kind kind = Kind::Null;
  ExprType type = ExprType::Any;
  Location location;
  std::string text;
  std::string value;         // ConstData bytes
  std::int64_t number = 0;   // ConstNumber; encode-int/extract-int width
  std::vector<Expression> operands;
};

enum class Scope { Root, SharedNetwork, Subnet, Pool, Group, Host, Class, Conditional };

struct Statement {
  enum class Kind : std::uint8_t {
    // Declarations: body holds their statements.
    SharedNetwork,  // name
    Subnet,         // args: network, netmask
    Pool, Group,
    Host,           // name
    Class,          // name
    Subclass,       // name (the superclass); exprs[0] the match value; body optional
    // Parameters and executable statements.
    Parameter,      // name = ISC's name (default-lease-time, filename, ...); args or exprs[0]
    Option,         // name = "space.name"; text = supersede/default/append/prepend/send;
                    // args = fields as written, value = encoded bytes, or exprs[0]
    OptionDefinition,  // name = "space.name", number = code, text = ISC format letters
    OptionSpace,    // name; number = code width, text = length width
    Permit,         // text = allow/deny/ignore; args = the permit words
    Range,          // args: low, high (high may equal low); flag = dynamic-bootp
    Hardware,       // args: type, address
    FixedAddress,   // args: addresses or host names
    Authoritative,  // flag = true for `authoritative`, false for `not authoritative`
    If,             // exprs[0] the condition; body; elseBody (an elsif is an If in it)
    Match,          // match if EXPR (exprs[0], Boolean) or match EXPR (Data)
    SpawnWith,      // exprs[0]
    Lease,          // `lease limit N` in a class: number
    Set,            // name, exprs[0]
    Unset,          // name
    Eval,           // exprs[0]: a bare expression (ISC evaluates and discards it)
    Log,            // text = priority; exprs[0]
    Include,        // name = the path; body = the included file's statements
    Interface,      // name
    Ignored,        // parsed and ignored with a warning: text says what (ddns, omapi, key...)
  };
  // What conditionals, classes and expressions need: most statements have none.
  struct Detail {
    std::vector<Expression> exprs;
    std::vector<Statement> elseBody;
  };

  Statement() = default;
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // The small fields together, so they share one word instead of padding three.
  Kind kind = Kind::Parameter;
  bool flag = false;
  bool hasElse = false;
  std::uint32_t argLocationCount = 0;  // Locations stored after `args` (the parser sets both)
  Location location;
  std::int64_t number = 0;
  Text name;
  Text text;
  Text value;                       // Option: the encoded bytes
  std::span<Text> args;             // in the ParseResult's arena
  std::vector<Statement> body;
  std::unique_ptr<Detail> detail;  // made by the parser when a statement has one

  // Where the arguments were written, as the parser recorded them (fewer than args when only
  // some have their own: a hardware statement records its address).
  std::span<const Location> argLocations() const {
    if (argLocationCount == 0) return {};
    const char* after = reinterpret_cast<const char*>(args.data() + args.size());
    return {std::launder(reinterpret_cast<const Location*>(after)), argLocationCount};
  }

  const std::vector<Expression>& exprs() const { return detail ? detail->exprs : kNoExprs; }
  const std::vector<Statement>& elseBody() const { return detail ? detail->elseBody : kNoBody; }
  std::vector<Expression>& exprs() { return ensureDetail().exprs; }
  std::vector<Statement>& elseBody() { return ensureDetail().elseBody; }

 private:
  Detail& ensureDetail() {
    if (!detail) detail = std::make_unique<Detail>();
    return *detail;
  }
  static const std::vector<Expression> kNoExprs;
  static const std::vector<Statement> kNoBody;
};

struct ConfigFile {
  std::string path;
  std::vector<Statement> statements;
};

}  // namespace snowboot::dhcpd::conf

template <>
struct fmt::formatter<snowboot::dhcpd::conf::Text> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(snowboot::dhcpd::conf::Text text, Context& context) const {
    return fmt::formatter<std::string_view>::format(text.view(), context);
  }
};
