#!/usr/bin/env bash
# Instructions our dhcpd spends per DORA, counted by callgrind while perfdhcp runs 1000 DORA
# exchanges at 200/s against it (bench/dhcpd_perfdhcp.sh's setup; POOL picks the pool, 10k by
# default; at this count nearly every exchange makes a new lease). CPU seconds on this shared
# machine differ by up to 10% between identical runs; these counts repeat to a
# fraction of a percent, so they tell whether a change to the hot path helped.
# Run as root, through the shared lock:
#   flock /tmp/snowboot-build.lock bench/dhcpd_callgrind.sh OUR_DHCPD [CALLGRIND_OUT]
# Prints the DORAs answered, the instructions of the whole process, and those of the packet
# path (Server::onFrame: decode, engine, reply, lease record) per DORA. Inspect the file with
# `callgrind_annotate --inclusive=yes CALLGRIND_OUT`.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUR_DHCPD [CALLGRIND_OUT]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
ours=$(realpath "$1")
out=${2:-/tmp/snowboot-dhcpd-callgrind.out}
wrapper=$(mktemp /tmp/snowboot-callgrind-XXXXXX.sh)
log=$(mktemp /tmp/snowboot-callgrind-XXXXXX.log)
trap 'rm -f "$wrapper" "$log"' EXIT
printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s %s "$@"\n' \
  "$out" "$ours" >"$wrapper"
chmod +x "$wrapper"
rm -f "$out"
SERVERS=snowboot LADDER=200 "$(dirname "$0")/dhcpd_perfdhcp.sh" "$wrapper" 5 "${POOL:-10k}" >"$log" 2>&1 \
  || { cat "$log" >&2; exit 1; }
acks=$(grep -o 'RA [0-9]*/' "$log" | head -1 | tr -dc 0-9)
[ -s "$out" ] && [ "${acks:-0}" -gt 0 ] || { cat "$log" >&2; echo "no profile or no ACKs" >&2; exit 1; }
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v acks="$acks" '
  /PROGRAM TOTALS/ {gsub(",", "", $1); total = $1}
  /Server::onFrame\(/ && !frame {gsub(",", "", $1); frame = $1}
  END {printf "%d DORAs; process %.0f instructions per DORA (start-up included), packet path " \
              "%.0f per DORA\n", acks, total / acks, frame / acks}'
