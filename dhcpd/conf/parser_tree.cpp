// Where the syntax tree's strings and arguments live: views of the source where they are in it,
// else copies in the ParseResult's arena; names repeated by every host are kept once.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "dhcpd/conf/parser_impl.hpp"

namespace snowboot::dhcpd::conf {

Text ParseResult::keep(std::string_view text) {
  if (text.empty()) return {};
  char* out = static_cast<char*>(arena->allocate(text.size(), 1));
  std::copy(text.begin(), text.end(), out);
  return Text::kept(std::string_view(out, text.size()));
}

// 200,000 of them in a 50,000-host file: two cache lines, no more.
static_assert(sizeof(Statement) == 128);

const std::vector<Expression> Statement::kNoExprs;
const std::vector<Statement> Statement::kNoBody;

Text Parser::keep(std::string_view text) {
  for (const auto& source : sources_) {
    const char* begin = source->text.data();
    if (text.data() >= begin && text.data() + text.size() <= begin + source->text.size()) {
      return Text::kept(text);
    }
  }
  return result_.keep(text);
}

void Parser::storeArgs(Statement& statement, std::span<const Text> args,
                       std::span<const Location> locations) {
  statement.args = {};
  statement.argLocationCount = 0;
  if (args.empty()) return;  // locations belong to arguments
  static_assert(alignof(Text) >= alignof(Location) && sizeof(Text) % alignof(Location) == 0);
  void* block = result_.arena->allocate(
      args.size() * sizeof(Text) + locations.size() * sizeof(Location), alignof(Text));
  Text* texts = std::uninitialized_copy(args.begin(), args.end(), static_cast<Text*>(block));
  std::uninitialized_copy(locations.begin(), locations.end(),
                          reinterpret_cast<Location*>(texts));
  statement.args = {static_cast<Text*>(block), args.size()};
  statement.argLocationCount = static_cast<std::uint32_t>(locations.size());
}

void Parser::setArgs(Statement& statement, std::initializer_list<std::string_view> args,
                     std::initializer_list<Location> locations) {
  auto& kept = scratch_.texts;
  kept.clear();
  for (auto arg : args) kept.push_back(keep(arg));
  storeArgs(statement, kept, std::span<const Location>(locations.begin(), locations.size()));
}

void Parser::setArgs(Statement& statement, const std::vector<std::string_view>& args,
                     const std::vector<Location>& locations) {
  auto& kept = scratch_.texts;
  kept.clear();
  for (auto arg : args) kept.push_back(keep(arg));
  storeArgs(statement, kept, locations);
}

void Parser::addArg(Statement& statement, std::string_view text) {
  std::vector<Text> args(statement.args.begin(), statement.args.end());
  args.push_back(keep(text));
  auto at = statement.argLocations();
  std::vector<Location> locations(at.begin(), at.end());
  storeArgs(statement, args, locations);
}

Text Parser::internName(std::string_view space, std::string_view name) {
  char buffer[128];
  std::string long_;
  std::string_view joined;
  if (space.size() + 1 + name.size() <= sizeof buffer) {
    std::copy(space.begin(), space.end(), buffer);
    buffer[space.size()] = '.';
    std::copy(name.begin(), name.end(), buffer + space.size() + 1);
    joined = std::string_view(buffer, space.size() + 1 + name.size());
  } else {
    long_ = fmt::format("{}.{}", space, name);
    joined = long_;
  }
  if (auto it = names_.find(joined); it != names_.end()) return Text::kept(*it);
  Text kept = result_.keep(joined);
  names_.insert(kept.view());
  return kept;
}

std::string ParseResult::lineText(const Location& at) const {
  auto it = sources.find(at.fileName());
  if (it == sources.end()) return {};
  std::string_view text = it->second;
  std::size_t start = 0;
  for (std::uint32_t line = 1; line < at.line; ++line) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  std::size_t end = text.find('\n', start);
  std::string_view found = text.substr(start, end == std::string_view::npos ? end : end - start);
  if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
  return std::string(found);
}

}  // namespace snowboot::dhcpd::conf
