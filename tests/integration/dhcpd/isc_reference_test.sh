#!/usr/bin/env bash
# Runs the differential scenarios against ISC dhcpd and compares its replies with the fixtures
# recorded from it (tests/fixtures/isc-replies). This keeps the fixtures and the harness honest;
# the same scenarios judge snowboot's dhcpd. With --record, rewrites the fixtures instead.
#   isc_reference_test.sh DHCP_EXCHANGE [--record]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$(cd "$here/../../fixtures/isc-replies" && pwd)
exchange_tool=$1
record=${2:-}
isc=/usr/sbin/dhcpd
[ -x "$isc" ] || { echo "SKIP: isc-dhcp-server is not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

server_ns=sb-isc-s-$$
client_ns=sb-isc-c-$$
work=$(mktemp -d /tmp/snowboot-isc-XXXXXX)
out=$work/replies
mkdir -p "$out"
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  ip netns delete "$server_ns" 2>/dev/null || true
  ip netns delete "$client_ns" 2>/dev/null || true
  rm -rf "/etc/netns/$server_ns"
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/scenarios.sh"

start_server() {
  : >"$work/dhcpd.leases"
  ip netns exec "$server_ns" "$isc" -4 -f -d -cf "$1" -lf "$work/dhcpd.leases" \
    -pf "$work/dhcpd.pid" s0 >>"$work/isc.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "^Sending on   LPF/s0" "$work/isc.log" && return 0
    sleep 0.05
  done
  echo "FAIL: ISC dhcpd did not start"; cat "$work/isc.log"; exit 1
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
  cat "$work/isc.log" >>"$work/isc-all.log"
  : >"$work/isc.log"
}

scenario_topology
scenario_name_files
run_scenarios "$fixtures"

if [ "$record" = --record ]; then
  rm -f "$fixtures"/*.dhcp
  cp "$out"/*.dhcp "$fixtures"/ 2>/dev/null || true
  cp "$out/summary.txt" "$fixtures/summary.txt"
  echo "recorded $(ls "$out"/*.dhcp | wc -l) replies into $fixtures"
  exit 0
fi
if ! diff -u "$fixtures/summary.txt" "$out/summary.txt"; then
  echo "FAIL: ISC dhcpd's replies differ from the recorded summary"; exit 1
fi
for reply in "$fixtures"/*.dhcp; do
  cmp "$reply" "$out/$(basename "$reply")" || { echo "FAIL: $(basename "$reply") differs"; exit 1; }
done
echo "ISC dhcpd answered all $(wc -l <"$fixtures/summary.txt") scenarios as recorded"
