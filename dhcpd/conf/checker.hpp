#pragma once
// The checks ISC dhcpd makes after parsing: subnets and their masks, ranges inside their
// subnet, addresses declared twice, pools without ranges, empty shared networks, hosts with
// two hardware addresses. Appends to the parse result's diagnostics.

#include "dhcpd/conf/parser.hpp"

namespace snowboot::dhcpd::conf {

void checkConfig(ParseResult& result);

}  // namespace snowboot::dhcpd::conf
