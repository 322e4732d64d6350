#pragma once
// Leaving root: chroot first (it needs root), then groups, gid and uid, then proof that the
// change cannot be undone.

#include <sys/types.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/daemon/system_error.hpp"

namespace snowboot::daemon {

struct Credentials {
  std::string userName;
  uid_t uid = 0;
  gid_t gid = 0;
};

// A user by name or number; the group by name or number, else the user's primary group.
SystemResult<Credentials> lookupCredentials(std::string_view user,
                                            std::optional<std::string_view> group = std::nullopt);
// A group by name or number.
SystemResult<gid_t> lookupGroup(std::string_view group);

// No supplementary groups, then gid `gid` (real, effective and saved); the uid stays.
SystemResult<void> changeGroup(gid_t gid);

// initgroups (or setgroups to the single gid when the user has no passwd entry), setgid,
// setuid; then verifies every id and that root cannot be regained. The capabilities listed in
// `keep` (CAP_NET_RAW...) stay permitted and effective; every other one goes.
SystemResult<void> dropPrivileges(const Credentials& credentials,
                                  std::span<const int> keep = {});

// chroot(dir) and chdir("/").
SystemResult<void> enterChroot(const std::string& directory);

}  // namespace snowboot::daemon
