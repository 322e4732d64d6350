#include "dhcpd/server/lease_setup.hpp"

namespace snowboot::dhcpd::server {

std::expected<std::unique_ptr<leases::FileLeaseStore>, std::string> openLeaseStore(
    const std::string& path, const engine::ConfigModel& config, leases::Time now,
    const log::Logger& logger, std::optional<std::string_view> contents) {
  leases::FileLeaseStore::Options options;
  options.path = path;
  options.contents = contents;
  options.ranges = config.allRanges();
  options.dropOutsideRanges = true;
  leases::FileStoreLoad load;
  auto store = leases::FileLeaseStore::open(options, now, &load);
  if (!store) return std::unexpected("Can't open lease database " + path + ": " +
                                     store.error().message());
  for (const auto& problem : load.errors) logger.error("{}", problem.message);
  for (const auto& note : load.notes) logger.write(log::Level::Info, note);
  return std::move(*store);
}

void rebuildBilling(engine::BillingBook& billing, const leases::MemoryLeaseStore& leases) {
  billing.clear();
  leases.forEachLease([&](const leases::Lease& lease) {
    if (lease.state != leases::BindingState::Active) return;
    for (const auto& statement : lease.extraStatements) {
      if (auto key = engine::parseBillingStatement(statement)) billing.bill(lease.address, *key);
    }
  });
}

void expireAt(leases::Time now, leases::FileLeaseStore& store, engine::OfferBook& offers,
              engine::BillingBook& billing) {
  for (const auto& lease : store.expire(now)) {
    if (lease.state != leases::BindingState::Active) billing.unbill(lease.address);
  }
  offers.expire(now);
}

}  // namespace snowboot::dhcpd::server
