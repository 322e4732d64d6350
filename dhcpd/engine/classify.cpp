#include "dhcpd/engine/classify.hpp"

#include "dhcpd/engine/billing_book.hpp"

namespace snowboot::dhcpd::engine {

std::string MatchedClass::billingKey() const {
  return engine::billingKey(decl->name, value);
}

std::vector<MatchedClass> classify(const ConfigModel& config, PacketContext& context) {
  std::vector<MatchedClass> matched;
  for (const auto& decl : config.classes) {
    if (matched.size() == kMaxClasses) break;
    if (decl.match && !evaluateBoolean(*decl.match, context).value_or(false)) continue;
    if (!decl.submatch) {
      if (!decl.match) continue;  // a class with neither: only `add` (not supported) fills it
      matched.push_back({&decl, nullptr, std::nullopt});
      context.classes.insert(decl.name);
      continue;
    }
    auto value = evaluateData(*decl.submatch, context);
    // ISC: a null or empty value matches no subclass and spawns none.
    if (!value || value->empty()) continue;
    auto subclass = decl.subclasses.find(*value);
    if (subclass == decl.subclasses.end() && !decl.spawning) continue;
    matched.push_back(
        {&decl, subclass == decl.subclasses.end() ? nullptr : subclass->second, *value});
    context.classes.insert(decl.name);
  }
  context.classScopes.clear();
  for (auto it = matched.rbegin(); it != matched.rend(); ++it) {
    context.classScopes.push_back(it->decl->body);
    if (it->subclassBody) context.classScopes.push_back(it->subclassBody);
  }
  return matched;
}

}  // namespace snowboot::dhcpd::engine
