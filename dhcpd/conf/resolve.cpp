#include "dhcpd/conf/resolve.hpp"

#include <fmt/format.h>

namespace snowboot::dhcpd::conf {
namespace {

bool isAddress(std::string_view text) { return dhcp::parseDottedQuad(text).has_value(); }

class Resolver {
 public:
  Resolver(ParseResult& result, const HostResolver& resolver)
      : result_(result), resolver_(resolver) {}

  void walk(std::vector<Statement>& statements) {
    for (auto& s : statements) {
      if (s.kind == Statement::Kind::FixedAddress ||
          (s.kind == Statement::Kind::Parameter && s.name == "next-server")) {
        for (std::size_t i = 0; i < s.args.size(); ++i) {
          Location at = i < s.argLocations().size() ? s.argLocations()[i] : s.location;
          resolve(s.args[i], at);
        }
      }
      walk(s.body);
      if (s.detail) walk(s.detail->elseBody);
    }
  }

  std::size_t resolved() const { return resolved_; }

 private:
  void resolve(Text& name, const Location& at) {
    if (isAddress(name)) return;
    auto address = resolver_(name);
    if (!address) {
      result_.diagnostics.push_back(Diagnostic{
          Diagnostic::Severity::Error, at, true,
          fmt::format("host name {} does not resolve: {}", name, address.error()),
          result_.lineText(at), "write the address, or add the name to DNS or /etc/hosts"});
      return;
    }
    name = result_.keep(address->toString());
    ++resolved_;
  }

  ParseResult& result_;
  const HostResolver& resolver_;
  std::size_t resolved_ = 0;
};

}  // namespace

std::size_t resolveHostNames(ParseResult& result, const HostResolver& resolver) {
  Resolver walker(result, resolver);
  walker.walk(result.config.statements);
  return walker.resolved();
}

}  // namespace snowboot::dhcpd::conf
