#!/usr/bin/env bash
# The differential scenarios (scenarios.sh) against snowboot's dhcpd, with the configurations
# ISC dhcpd answered them with; every reply is compared with ISC's recorded one
# (tests/fixtures/isc-replies): how it travelled (summary line) and its DHCP bytes.
#   differential_test.sh DHCPD DHCP_EXCHANGE
# Differences are failures unless listed in `allowed` below with the reason.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$(cd "$here/../../fixtures/isc-replies" && pwd)
dhcpd=$1
exchange_tool=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

# scenario -> why its reply may differ from ISC's (empty: none may).
declare -A allowed=()

server_ns=sb-dif-s-$$
client_ns=sb-dif-c-$$
work=$(mktemp -d /tmp/snowboot-diff-XXXXXX)
out=$work/replies
mkdir -p "$out"
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null || true
  fi
  ip netns delete "$server_ns" 2>/dev/null || true
  ip netns delete "$client_ns" 2>/dev/null || true
  rm -rf "/etc/netns/$server_ns"
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
source "$here/scenarios.sh"

start_server() {
  : >"$work/dhcpd.leases"
  ip netns exec "$server_ns" "$dhcpd" -4 -f -d -cf "$1" -lf "$work/dhcpd.leases" \
    --no-pid s0 >>"$work/dhcpd.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "^Sending on   LPF/s0" "$work/dhcpd.log" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "FAIL: snowboot dhcpd did not start"; cat "$work/dhcpd.log"; exit 1
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
  cat "$work/dhcpd.log" >>"$work/dhcpd-all.log"
  : >"$work/dhcpd.log"
}

scenario_topology
scenario_name_files
run_scenarios "$fixtures"

total=0
identical=0
failed=0
while IFS= read -r expected; do
  name=${expected%%:*}
  total=$((total + 1))
  actual=$(grep -m1 "^$name: " "$out/summary.txt" || echo "$name: (not run)")
  same=yes
  [ "$expected" = "$actual" ] || same=no
  if [ -f "$fixtures/$name.dhcp" ]; then
    if [ ! -f "$out/$name.dhcp" ] || ! cmp -s "$fixtures/$name.dhcp" "$out/$name.dhcp"; then
      same=no
    fi
  elif [ -f "$out/$name.dhcp" ]; then
    same=no
  fi
  if [ $same = yes ]; then
    identical=$((identical + 1))
    continue
  fi
  echo "DIFFERS $name"
  echo "  ISC:      $expected"
  echo "  snowboot: $actual"
  if [ -f "$fixtures/$name.dhcp" ] && [ -f "$out/$name.dhcp" ]; then
    # cmp exits 1 on a difference: under pipefail that must not end the comparison here.
    { cmp -l "$fixtures/$name.dhcp" "$out/$name.dhcp" 2>&1 || true; } | head -5 | sed 's/^/  byte /'
  fi
  if [ -n "${allowed[$name]:-}" ]; then
    echo "  allowed: ${allowed[$name]}"
  else
    failed=$((failed + 1))
  fi
done <"$fixtures/summary.txt"

echo "snowboot dhcpd: $identical of $total scenarios identical to ISC dhcpd"
# Under the asan preset a sanitizer report fails the run even when every reply was right.
if grep -qE "Sanitizer|runtime error" "$work/dhcpd-all.log"; then
  echo "FAIL: sanitizer report in the server log:"
  grep -E -A8 "Sanitizer|runtime error" "$work/dhcpd-all.log" | head -40
  exit 1
fi
if [ $failed -ne 0 ]; then
  echo "FAIL: $failed scenarios differ without an allowed reason; server log:"
  cat "$work/dhcpd-all.log"
  exit 1
fi
