#pragma once
// ISC's classify_client (server/class.c check_collection): which classes a packet belongs to.
// Classes are tried in declaration order; a `match if` that fails ends the class; a submatch
// (`match EXPR` / `spawn with EXPR`) puts the packet in the subclass declared for its value, or,
// for `spawn with`, in a subclass of its own made for that value. At most kMaxClasses classes
// (ISC's PACKET_MAX_CLASSES).

#include <optional>
#include <string>
#include <vector>

#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/evaluate.hpp"

namespace snowboot::dhcpd::engine {

inline constexpr std::size_t kMaxClasses = 5;

struct MatchedClass {
  const ClassDecl* decl = nullptr;
  const StatementList* subclassBody = nullptr;  // a declared subclass's own statements
  std::optional<std::string> value;             // a subclass's match value
  std::string billingKey() const;
};

// Classifies the packet and records the result in the context: the class names (a subclass
// counts as its class for `members of`) and the statement lists to run, in ISC's order (the
// last class matched first, so the first class's statements have the last word; a subclass's
// body after its class's).
std::vector<MatchedClass> classify(const ConfigModel& config, PacketContext& context);

}  // namespace snowboot::dhcpd::engine
