#pragma once
// dhcpd.conf as a syntax tree: what the parser produces and the checker and the engine read.
// Plain values, no pointers into the source: every node keeps its Location for messages.

#include <cstdint>
#include <string>
#include <vector>

#include "dhcpd/conf/lexer.hpp"

namespace snowboot::dhcpd::conf {

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
  enum class Kind {
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
  // The small fields together, so they share one word instead of padding three (a 50,000-host
  // file holds 200,000 statements).
  Kind kind = Kind::Parameter;
  bool flag = false;
  bool hasElse = false;
  Location location;
  std::string name;
  std::string text;
  std::int64_t number = 0;
  std::vector<std::string> args;
  std::vector<Location> argLocations;
  std::string value;
  std::vector<Expression> exprs;
  std::vector<Statement> body;
  std::vector<Statement> elseBody;
};

struct ConfigFile {
  std::string path;
  std::vector<Statement> statements;
};

}  // namespace snowboot::dhcpd::conf
