#include "common/log/targets.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace snowboot::log {

Targets chooseTargets(bool foreground, bool syslogInForeground, bool stderrIsJournal) {
  if (!foreground || stderrIsJournal) return Targets{false, true};
  return Targets{true, syslogInForeground};
}

bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat status {};
  if (::fstat(STDERR_FILENO, &status) != 0) return false;
  return status.st_dev == device && status.st_ino == inode;
}

Logger makeLogger(const Targets& targets, std::string ident, int facility, Level threshold) {
  Logger logger(threshold);
  if (targets.standardError) logger.addSink(stderrSink());
  if (targets.syslog) logger.addSink(syslogSink(std::move(ident), facility));
  return logger;
}

}  // namespace snowboot::log
