#include "common/daemon/privileges.hpp"

#include <grp.h>
#include <pwd.h>
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
    const std::string groupName(*group);
    if (const struct group* entry = ::getgrnam(groupName.c_str())) {
      credentials.gid = entry->gr_gid;
    } else if (auto gid = parseNumericId<gid_t>(*group)) {
      credentials.gid = *gid;
    } else {
      return notFound(fmt::format("group {}", *group));
    }
  }
  return credentials;
}

SystemResult<void> dropPrivileges(const Credentials& credentials) {
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
  if (::setresuid(credentials.uid, credentials.uid, credentials.uid) != 0) {
    return lastSystemError(fmt::format("setuid {}", credentials.uid));
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
