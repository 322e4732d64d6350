#pragma once
// dhcpd.conf -> syntax tree, with ISC's syntax and type checks made while parsing (an option's
// value is checked against its declared type, which only the text before it defines).
// Every error is collected; the parser recovers at the next `;` or `}` as ISC does.

#include <expected>
#include <functional>
#include <map>
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

struct ParseResult {
  ConfigFile config;
  std::vector<Diagnostic> diagnostics;
  dhcp::OptionCatalogue catalogue;  // built-in options plus what the file declared
  std::map<std::string, std::string, std::less<>> sources;  // file name -> text, for echoes

  // The text of the line `at` points into, for echoing under a message.
  std::string lineText(const Location& at) const;

  bool ok() const { return !hasErrors(diagnostics); }
};

ParseResult parseConfig(std::string_view source, std::string fileName, const FileReader& reader);
// The same, taking the text over instead of copying it (a 50,000-host file is megabytes).
ParseResult parseConfig(std::string&& source, std::string fileName, const FileReader& reader);

}  // namespace snowboot::dhcpd::conf
