#include "common/daemon/privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace snowboot::daemon {

namespace {

template <class Id>
std::optional<Id> parseNumericId(std::string_view text) {
  Id value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::unexpected<SystemError> notFound(std::string what) {
  return std::unexpected(SystemError{std::move(what), 0, "no such user or group"});
}

// glibc has no wrapper for capset(2); libcap would be a dependency for these few lines.
SystemResult<void> limitCapabilities(std::span<const int> keep) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  for (int capability : keep) {
    const auto bit = 1u << (capability % 32);
    data[capability / 32].permitted |= bit;
    data[capability / 32].effective |= bit;
  }
  if (::syscall(SYS_capset, &header, data) != 0) return lastSystemError("capset");
  return {};
}

}  // namespace

SystemResult<Credentials> lookupCredentials(std::string_view user,
                                            std::optional<std::string_view> group) {
  Credentials credentials;
  const std::string userName(user);
  errno = 0;
  if (const passwd* entry = ::getpwnam(userName.c_str())) {
    credentials = {entry->pw_name, entry->pw_uid, entry->pw_gid};
  } else if (auto uid = parseNumericId<uid_t>(user)) {
    const passwd* byId = ::getpwuid(*uid);
    credentials = {byId ? byId->pw_name : userName, *uid, byId ? byId->pw_gid : gid_t(*uid)};
  } else {
    return notFound(fmt::format("user {}", user));
  }
  if (group) {
    auto gid = lookupGroup(*group);
    if (!gid) return std::unexpected(gid.error());
    credentials.gid = *gid;
  }
  return credentials;
}

SystemResult<gid_t> lookupGroup(std::string_view group) {
  const std::string groupName(group);
  if (const struct group* entry = ::getgrnam(groupName.c_str())) return entry->gr_gid;
  if (auto gid = parseNumericId<gid_t>(group)) return *gid;
  return notFound(fmt::format("group {}", group));
}

SystemResult<void> changeGroup(gid_t gid) {
  if (::setgroups(0, nullptr) != 0) return lastSystemError("setgroups");
  if (::setresgid(gid, gid, gid) != 0) return lastSystemError(fmt::format("setgid {}", gid));
  return {};
}

SystemResult<void> dropPrivileges(const Credentials& credentials, std::span<const int> keep) {
  const bool hasPasswdEntry = ::getpwnam(credentials.userName.c_str()) != nullptr;
  if (hasPasswdEntry) {
    if (::initgroups(credentials.userName.c_str(), credentials.gid) != 0) {
      return lastSystemError(fmt::format("initgroups for {}", credentials.userName));
    }
  } else if (::setgroups(1, &credentials.gid) != 0) {
    return lastSystemError("setgroups");
  }
  if (::setresgid(credentials.gid, credentials.gid, credentials.gid) != 0) {
    return lastSystemError(fmt::format("setgid {}", credentials.gid));
  }
  // Without this the uid change clears every capability, the kept ones included.
  if (!keep.empty() && ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
    return lastSystemError("prctl PR_SET_KEEPCAPS");
  }
  if (::setresuid(credentials.uid, credentials.uid, credentials.uid) != 0) {
    return lastSystemError(fmt::format("setuid {}", credentials.uid));
  }
  if (!keep.empty()) {
    ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (auto limited = limitCapabilities(keep); !limited) return limited;
  }

  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  ::getresuid(&ruid, &euid, &suid);
  ::getresgid(&rgid, &egid, &sgid);
  const bool idsMatch = ruid == credentials.uid && euid == credentials.uid &&
                        suid == credentials.uid && rgid == credentials.gid &&
                        egid == credentials.gid && sgid == credentials.gid;
  const bool rootRegained = credentials.uid != 0 && ::setuid(0) == 0;
  if (!idsMatch || rootRegained) {
    return std::unexpected(SystemError{fmt::format("drop privileges to {}", credentials.userName),
                                       0, "ids did not change as requested"});
  }
  return {};
}

SystemResult<void> enterChroot(const std::string& directory) {
  if (::chroot(directory.c_str()) != 0) return lastSystemError(fmt::format("chroot {}", directory));
  if (::chdir("/") != 0) return lastSystemError("chdir / in chroot");
  return {};
}

}  // namespace snowboot::daemon
