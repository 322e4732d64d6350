#pragma once
// Host names where dhcpd.conf takes addresses (`fixed-address pc.example;`,
// `next-server tftp.example;`) are resolved once, when the daemon starts, as ISC does; a name
// that does not resolve is a located error. `dhcpd -t` does not resolve (nor does ISC's).

#include <expected>
#include <functional>
#include <string>
#include <string_view>

#include "common/net/ipv4.hpp"
#include "dhcpd/conf/parser.hpp"

namespace snowboot::dhcpd::conf {

// name -> address, or the resolver's reason ("Name or service not known").
using HostResolver =
    std::function<std::expected<net::Ipv4Address, std::string>(std::string_view name)>;

// Replaces every host name in fixed-address and next-server by its address; appends an error
// per name that does not resolve. Returns how many names were resolved.
std::size_t resolveHostNames(ParseResult& result, const HostResolver& resolver);

}  // namespace snowboot::dhcpd::conf
