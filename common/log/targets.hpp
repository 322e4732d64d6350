#pragma once
// Where a daemon's log lines go. One rule for both daemons:
//   detached                      -> syslog
//   foreground, stderr is journal -> syslog only (journald already has it; stderr would double it)
//   foreground, on a terminal     -> stderr, plus syslog when the original does both (ISC -d)

#include <string>

#include "common/log/logger.hpp"

namespace snowboot::log {

struct Targets {
  bool standardError = false;
  bool syslog = false;

  friend bool operator==(const Targets&, const Targets&) = default;
};

Targets chooseTargets(bool foreground, bool syslogInForeground, bool stderrIsJournal);

// True when stderr is the journald stream systemd set up for this unit ($JOURNAL_STREAM names
// the device and inode of stderr).
bool stderrIsJournal();

// A logger with the sinks `targets` asks for.
Logger makeLogger(const Targets& targets, std::string ident, int facility, Level threshold);

}  // namespace snowboot::log
