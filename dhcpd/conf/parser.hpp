#pragma once
// dhcpd.conf -> syntax tree, with ISC's syntax and type checks made while parsing (an option's
// value is checked against its declared type, which only the text before it defines).
// Every error is collected; the parser recovers at the next `;` or `}` as ISC does.

#include <algorithm>
#include <deque>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <memory_resource>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/dhcp/option_catalogue.hpp"
#include "dhcpd/conf/ast.hpp"
#include "dhcpd/conf/diagnostic.hpp"

namespace snowboot::dhcpd::conf {

// Reads an included file: its contents, or the reason it cannot be read ("No such file or
// directory"). The daemon passes one that reads the file system; tests pass a map.
using FileReader = std::function<std::expected<std::string, std::string>(const std::string& path)>;

// The tree and everything its Texts and spans point into: keep it alive (and in one place: it
// may be moved, never copied) while the tree is used.
struct ParseResult {
  ConfigFile config;
  std::vector<Diagnostic> diagnostics;
  dhcp::OptionCatalogue catalogue;  // built-in options plus what the file declared
  std::map<std::string, std::string_view, std::less<>> sources;  // file name -> text, for echoes
  std::deque<std::string> texts;  // the files read, which Texts view (a deque: they never move)
  // Strings and spans the source does not hold (decoded strings, encoded values, arguments).
  std::unique_ptr<std::pmr::monotonic_buffer_resource> arena =
      std::make_unique<std::pmr::monotonic_buffer_resource>(64 * 1024);

  // Copies `text` into the arena (unless it is empty).
  Text keep(std::string_view text);

  // The text of the line `at` points into, for echoing under a message.
  std::string lineText(const Location& at) const;

  bool ok() const { return !hasErrors(diagnostics); }
};

ParseResult parseConfig(std::string_view source, std::string fileName, const FileReader& reader);
// The same, taking the text over instead of copying it (a 50,000-host file is megabytes).
ParseResult parseConfig(std::string&& source, std::string fileName, const FileReader& reader);

}  // namespace snowboot::dhcpd::conf
