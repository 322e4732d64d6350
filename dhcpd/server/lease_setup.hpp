#pragma once
// What the live server and a trace replay do alike around the engine: open the lease file for
// a configuration, rebuild `lease limit` billing from it, and expire leases and offers.

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/log/logger.hpp"
#include "dhcpd/engine/billing_book.hpp"
#include "dhcpd/engine/config_model.hpp"
#include "dhcpd/engine/offer_book.hpp"
#include "dhcpd/leases/file_store.hpp"

namespace snowboot::dhcpd::server {

// The configuration's ranges; leases in none of them dropped, as ISC drops them; what the
// load found logged. The error names the file. With `contents`, the leases are those and the
// file is rewritten with them.
std::expected<std::unique_ptr<leases::FileLeaseStore>, std::string> openLeaseStore(
    const std::string& path, const engine::ConfigModel& config, leases::Time now,
    const log::Logger& logger, std::optional<std::string_view> contents = std::nullopt);

// The classes each active lease is billed to, from its `billing class` statement.
void rebuildBilling(engine::BillingBook& billing, const leases::MemoryLeaseStore& leases);

// Ends what has run out at `now`; an ended lease no longer counts against its class's limit.
void expireAt(leases::Time now, leases::FileLeaseStore& store, engine::OfferBook& offers,
              engine::BillingBook& billing);

}  // namespace snowboot::dhcpd::server
