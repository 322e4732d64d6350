#include "dhcpd/engine/evaluate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace snowboot::dhcpd::engine {

namespace {

using conf::Expression;
using conf::Statement;

// "space.name" -> the option's code in the packet's (dhcp) space, or nothing.
std::optional<std::uint8_t> dhcpCode(std::string_view spaceName, const PacketContext& context) {
  auto dot = spaceName.find('.');
  if (dot == std::string_view::npos || !context.catalogue) return std::nullopt;
  if (spaceName.substr(0, dot) != "dhcp") return std::nullopt;
  const auto* definition = context.catalogue->find("dhcp", spaceName.substr(dot + 1));
  if (!definition || definition->code > 254) return std::nullopt;
  return static_cast<std::uint8_t>(definition->code);
}

// `option agent.circuit-id`: a sub-option of the relay agent information (82) the packet carries.
std::optional<std::string> agentOption(std::string_view name, const PacketContext& context) {
  if (!context.catalogue || !context.packet) return std::nullopt;
  const auto* definition = context.catalogue->find("agent", name);
  const auto agent = context.packet->options.find(82);
  if (!definition || !agent) return std::nullopt;
  const auto& data = agent->data;
  for (std::size_t at = 0; at + 2 <= data.size();) {
    std::size_t length = data[at + 1];
    if (at + 2 + length > data.size()) return std::nullopt;  // cut short: ISC drops it too
    if (data[at] == definition->code) {
      return std::string(data.begin() + static_cast<std::ptrdiff_t>(at + 2),
                         data.begin() + static_cast<std::ptrdiff_t>(at + 2 + length));
    }
    at += 2 + length;
  }
  return std::nullopt;
}

std::optional<std::string> packetOption(std::string_view spaceName, const PacketContext& context) {
  if (spaceName.substr(0, 6) == "agent.") return agentOption(spaceName.substr(6), context);
  auto code = dhcpCode(spaceName, context);
  if (!code || !context.packet) return std::nullopt;
  const auto option = context.packet->options.find(*code);
  if (!option) return std::nullopt;
  return std::string(option->data.begin(), option->data.end());
}

std::optional<std::int64_t> evaluateNumber(const Expression& expression,
                                           const PacketContext& context) {
  if (expression.kind == Expression::Kind::ConstNumber) return expression.number;
  if (expression.kind == Expression::Kind::Function && expression.text == "extract-int" &&
      !expression.operands.empty()) {
    auto data = evaluateData(expression.operands[0], context);
    std::size_t width = static_cast<std::size_t>(expression.number) / 8;
    if (!data || width == 0 || data->size() < width) return std::nullopt;
    std::int64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = value << 8 | static_cast<std::uint8_t>((*data)[i]);
    }
    return value;
  }
  return std::nullopt;
}

std::optional<std::size_t> operandSize(const Expression& expression, const PacketContext& context) {
  auto number = evaluateNumber(expression, context);
  if (!number || *number < 0) return std::nullopt;
  return static_cast<std::size_t>(*number);
}

}  // namespace

std::optional<std::string> evaluateData(const Expression& expression,
                                        const PacketContext& context) {
  const auto& ops = expression.operands;
  switch (expression.kind) {
    case Expression::Kind::ConstData:
      return expression.value;
    case Expression::Kind::Option:
      return packetOption(expression.text, context);
    case Expression::Kind::Variable: {
      if (context.variables) {
        if (auto bound = context.variables->find(expression.text);
            bound != context.variables->end()) {
          return bound->second;
        }
      }
      // ISC's lexer reads a word of hex digits (`d0`, `e0:01`) as hex data where data is
      // expected; our parser keeps it as a name. An unbound name that is not hex is null.
      std::string out;
      std::size_t start = 0;
      const auto& text = expression.text;
      while (start <= text.size()) {
        auto end = std::min(text.find(':', start), text.size());
        auto part = text.substr(start, end - start);
        if (part.empty() || part.size() > 2 ||
            part.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
          return std::nullopt;
        }
        out.push_back(static_cast<char>(std::stoi(part, nullptr, 16)));
        start = end + 1;
      }
      return out;
    }
    case Expression::Kind::Hardware: {
      if (!context.packet) return std::nullopt;
      auto address = context.packet->hardwareAddress();
      std::string out(1, static_cast<char>(context.packet->htype));
      out.append(address.begin(), address.end());
      return out;
    }
    case Expression::Kind::Function: {
      const auto& name = expression.text;
      if ((name == "substring" && ops.size() == 3) || (name == "suffix" && ops.size() == 2)) {
        auto data = evaluateData(ops[0], context);
        if (!data) return std::nullopt;
        if (name == "suffix") {
          auto length = operandSize(ops[1], context);
          if (!length) return std::nullopt;
          return data->substr(data->size() - std::min(*length, data->size()));
        }
        auto offset = operandSize(ops[1], context);
        auto length = operandSize(ops[2], context);
        if (!offset || !length) return std::nullopt;
        if (*offset >= data->size()) return std::string();
        return data->substr(*offset, *length);
      }
      if (name == "concat") {
        // dhcp-eval(5): a null operand yields the other's value; all null is null.
        std::optional<std::string> out;
        for (const auto& operand : ops) {
          if (auto data = evaluateData(operand, context)) out = out.value_or("") + *data;
        }
        return out;
      }
      if ((name == "lcase" || name == "ucase") && ops.size() == 1) {
        auto data = evaluateData(ops[0], context);
        if (!data) return std::nullopt;
        for (auto& c : *data) {
          c = static_cast<char>(name == "lcase" ? std::tolower(static_cast<unsigned char>(c))
                                                : std::toupper(static_cast<unsigned char>(c)));
        }
        return data;
      }
      if (name == "pick-first-value") {
        for (const auto& operand : ops) {
          if (auto data = evaluateData(operand, context)) return data;
        }
        return std::nullopt;
      }
      if (name == "encode-int" && ops.size() == 1) {
        auto number = evaluateNumber(ops[0], context);
        if (!number) return std::nullopt;
        std::string out;
        for (int shift = static_cast<int>(expression.number) - 8; shift >= 0; shift -= 8) {
          out.push_back(static_cast<char>((*number >> shift) & 0xff));
        }
        return out;
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<bool> evaluateBoolean(const Expression& expression, const PacketContext& context) {
  const auto& ops = expression.operands;
  switch (expression.kind) {
    case Expression::Kind::Exists: {
      if (expression.text.starts_with("agent.")) {
        return agentOption(std::string_view(expression.text).substr(6), context).has_value();
      }
      auto code = dhcpCode(expression.text, context);
      return code && context.packet && context.packet->options.contains(*code);
    }
    case Expression::Kind::Known:
      return context.known;
    case Expression::Kind::Defined:
      return context.variables && context.variables->contains(expression.text);
    case Expression::Kind::Check:
      return context.classes.contains(expression.text);
    case Expression::Kind::Not: {
      if (ops.empty()) return std::nullopt;
      auto value = evaluateBoolean(ops[0], context);
      if (!value) return std::nullopt;
      return !*value;
    }
    case Expression::Kind::Binary: {
      if (ops.size() != 2) return std::nullopt;
      const auto& op = expression.text;
      if (op == "and" || op == "or") {
        auto left = evaluateBoolean(ops[0], context);
        auto right = evaluateBoolean(ops[1], context);
        // ISC: a null operand makes `and` false unless the other is false; keep it simple: null
        // is false, which is what a missing option means in every config we have seen.
        bool l = left.value_or(false);
        bool r = right.value_or(false);
        return op == "and" ? (l && r) : (l || r);
      }
      if (op == "=" || op == "!=") {
        if (ops[0].type == conf::ExprType::Numeric || ops[1].type == conf::ExprType::Numeric) {
          auto left = evaluateNumber(ops[0], context);
          auto right = evaluateNumber(ops[1], context);
          if (!left || !right) return std::nullopt;
          return (op == "=") == (*left == *right);
        }
        auto left = evaluateData(ops[0], context);
        auto right = evaluateData(ops[1], context);
        if (!left || !right) return std::nullopt;  // ISC: comparing with null is null (false)
        return (op == "=") == (*left == *right);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::uint32_t> Effective::number(std::string_view name) const {
  auto found = parameters.find(name);
  if (found == parameters.end()) return std::nullopt;
  std::uint32_t value = 0;
  const auto& text = found->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string_view> Effective::text(std::string_view name) const {
  auto found = parameters.find(name);
  if (found == parameters.end()) return std::nullopt;
  return std::string_view(found->second);
}

namespace {

void executeIn(const std::vector<Statement>& statements, const PacketContext& context,
               Effective& effective);

}  // namespace

bool packetIndependent(const std::vector<Statement>& statements) {
  for (const auto& statement : statements) {
    switch (statement.kind) {
      case Statement::Kind::Parameter:
      case Statement::Kind::Option:
        if (!statement.exprs().empty()) return false;
        break;
      case Statement::Kind::Include:
        if (!packetIndependent(statement.body)) return false;
        break;
      case Statement::Kind::If:
      case Statement::Kind::Set:
      case Statement::Kind::Unset:
        return false;
      default:  // Authoritative, Permit: constants; declarations: not run here
        break;
    }
  }
  return true;
}

void execute(const std::vector<Statement>& statements, const PacketContext& context,
             Effective& effective) {
  // Expressions see the variables bound so far, by this list and the scopes run before it.
  PacketContext withVariables = context;
  withVariables.variables = &effective.variables;
  executeIn(statements, withVariables, effective);
}

namespace {

// An inner scope's value replaces an outer one's in place: no new key string.
void setParameter(Effective& effective, std::string_view name, std::string_view value) {
  if (auto found = effective.parameters.find(name); found != effective.parameters.end()) {
    found->second.assign(value);
  } else {
    effective.parameters.emplace(std::string(name), std::string(value));
  }
}

// An option statement's bytes: a view of its encoded constant, or its expression evaluated on
// the packet into `evaluated`. False when that expression has no value.
bool optionBytes(const Statement& statement, const PacketContext& context, std::string& evaluated,
                 std::string_view& bytes) {
  if (statement.exprs().empty()) {
    bytes = statement.value.view();
    return true;
  }
  auto value = evaluateData(statement.exprs()[0], context);
  if (!value) return false;
  evaluated = std::move(*value);
  bytes = evaluated;
  return true;
}

void executeIn(const std::vector<Statement>& statements, const PacketContext& context,
               Effective& effective) {
  for (const auto& statement : statements) {
    switch (statement.kind) {
      case Statement::Kind::Parameter:
        if (!statement.args.empty()) {
          setParameter(effective, statement.name.view(), statement.args[0].view());
        } else if (!statement.exprs().empty()) {
          if (auto data = evaluateData(statement.exprs()[0], context)) {
            setParameter(effective, statement.name.view(), *data);
          }
        }
        break;
      case Statement::Kind::Authoritative:
        effective.authoritative = statement.flag;
        break;
      case Statement::Kind::Permit:
        if (!statement.flag && !statement.args.empty()) {
          effective.permits[statement.args[0].str()] = statement.text.str();
        }
        break;
      case Statement::Kind::Option: {
        if (statement.name.rfind("dhcp.", 0) != 0) {
          // A sub-option of another space: kept for the option that encapsulates it.
          auto dot = statement.name.find('.');
          if (dot == std::string::npos || statement.number < 0) break;
          std::string evaluated;
          std::string_view bytes;
          if (!optionBytes(statement, context, evaluated, bytes)) break;
          effective.spaceOptions[std::string(statement.name.substr(0, dot))]
                                [static_cast<std::uint32_t>(statement.number)]
                                    .assign(bytes.begin(), bytes.end());
          break;
        }
        if (statement.number < 1 || statement.number > 254) break;
        auto code = static_cast<std::uint8_t>(statement.number);
        std::string evaluated;
        std::string_view bytes;
        if (!optionBytes(statement, context, evaluated, bytes)) break;
        bool had = effective.options.contains(code);
        if (!had) effective.optionOrder.push_back(code);
        auto& slot = effective.options[code];
        if (statement.text == "append") {
          slot.insert(slot.end(), bytes.begin(), bytes.end());
        } else if (statement.text == "prepend") {
          slot.insert(slot.begin(), bytes.begin(), bytes.end());
        } else if (statement.text == "default" && had) {
          // `default` gives way to a value an outer scope set before it.
        } else {
          slot.assign(bytes.begin(), bytes.end());
        }
        break;
      }
      case Statement::Kind::If: {
        bool taken = !statement.exprs().empty() &&
                     evaluateBoolean(statement.exprs()[0], context).value_or(false);
        if (taken) {
          executeIn(statement.body, context, effective);
        } else {
          executeIn(statement.elseBody(), context, effective);
        }
        break;
      }
      case Statement::Kind::Include:
        executeIn(statement.body, context, effective);
        break;
      case Statement::Kind::Set:
        // Data values; a boolean or numeric `set` binds nothing (not evaluated yet).
        if (!statement.exprs().empty() && statement.exprs()[0].type != conf::ExprType::Boolean &&
            statement.exprs()[0].type != conf::ExprType::Numeric) {
          if (auto value = evaluateData(statement.exprs()[0], context)) {
            effective.variables[std::string(statement.name.view())] = *value;
          } else {
            effective.variables.erase(std::string(statement.name.view()));  // ISC binds null: not defined
          }
        }
        break;
      case Statement::Kind::Unset:
        effective.variables.erase(std::string(statement.name.view()));
        break;
      default:
        break;
    }
  }
}

}  // namespace

bool isOn(const Effective& effective, std::string_view name) {
  auto value = effective.text(name);
  return value && (*value == "on" || *value == "true");
}

// The server identifier a scope sends: `option dhcp-server-identifier` when set, else the
// receiving interface's address (ISC's get_server_source_address).
net::Ipv4Address serverIdentifier(const Effective& effective, net::Ipv4Address interface) {
  auto configured = effective.options.find(dhcp::option::kServerIdentifier);
  if (configured == effective.options.end() || configured->second.size() != 4) return interface;
  const auto& d = configured->second;
  return net::Ipv4Address(d[0], d[1], d[2], d[3]);
}

}  // namespace snowboot::dhcpd::engine
