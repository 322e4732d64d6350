#!/bin/bash
# Lease store benchmarks next to ISC dhcpd (run as root, from the repository root, after
# `cmake --preset release && cmake --build --preset release --target lease_bench`):
#   bench/leases/run.sh [build/release]
# Prints commits/s with real fsync at 1, 8 and 64 requesters; start-up time and memory with
# 100,000 leases and with an empty /8 range; ISC dhcpd's start-up (-T, and a real start in a
# network namespace of its own) on the same 100,000-lease file, and the ratios; commit latency
# while the file is rewritten.
set -euo pipefail
build=${1:-build/release}
bench=$build/bench/leases/lease_bench
[ -x "$bench" ] || { echo "build $bench first" >&2; exit 1; }
lock=/tmp/snowboot-build.lock
work=$(mktemp -d /var/tmp/snowboot-lease-bench-XXXXXX)  # a real disk: /tmp may be tmpfs
ns=lbench$$
isc_pid=
cleanup() {
  [ -n "$isc_pid" ] && kill "$isc_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== commits with fsync (df: $(df -T "$work" | awk 'NR==2 {print $2}'))"
for requesters in 1 8 64; do
  rm -f "$work"/commit.leases*
  flock "$lock" "$bench" commit "$work/commit.leases" "$requesters" 5
done

echo "== start-up, 100,000 leases (range 10.0.0.1 - 10.1.134.160)"
"$bench" generate "$work/100k.leases" 100000
cp "$work/100k.leases" "$work/ours.leases"
ours=$(flock "$lock" "$bench" startup "$work/ours.leases" 10.0.0.1 10.1.134.160)
echo "snowboot: $ours"
printf 'subnet 10.0.0.0 netmask 255.0.0.0 { range 10.0.0.1 10.1.134.160; }\n' >"$work/isc.conf"
cp "$work/100k.leases" "$work/isc.leases"
isc_t=$(flock "$lock" /usr/bin/time -f "%e %M %U %S" dhcpd -4 -T -q -cf "$work/isc.conf" \
          -lf "$work/isc.leases" 2>&1 | tail -1)
read -r isc_wall isc_peak isc_user isc_sys <<<"$isc_t"
echo "ISC dhcpd -T: $isc_wall s ($(echo "$isc_user + $isc_sys" | bc) s CPU), peak RSS $isc_peak KiB"

# A real ISC start: in a namespace of ours, until it says it serves.
ip netns add "$ns"
ip -n "$ns" link add s0 type veth peer name c0
ip -n "$ns" addr add 10.200.0.1/8 dev s0
ip -n "$ns" link set s0 up
cp "$work/100k.leases" "$work/isc-start.leases"
start=$(date +%s.%N)
ip netns exec "$ns" dhcpd -4 -f -d -cf "$work/isc.conf" -lf "$work/isc-start.leases" \
  -pf "$work/isc.pid" s0 >"$work/isc.log" 2>&1 &
isc_pid=$!
for _ in $(seq 1 600); do
  grep -q "^Server starting service" "$work/isc.log" && break
  sleep 0.05
done
end=$(date +%s.%N)
isc_rss=$(awk '/VmRSS/ {print $2}' "/proc/$isc_pid/status")
kill "$isc_pid"; wait "$isc_pid" 2>/dev/null || true; isc_pid=
echo "ISC dhcpd start: $(echo "$end - $start" | bc) s to 'Server starting service', RSS $isc_rss KiB"

ours_s=$(sed -E 's/^start-up: ([0-9.]+) s.*/\1/' <<<"$ours")
ours_rss=$(sed -E 's/.*RSS after start ([0-9]+) KiB.*/\1/' <<<"$ours")
ours_cpu=$(sed -E 's/^start-up: [0-9.]+ s \(([0-9.]+) s CPU\).*/\1/' <<<"$ours")
echo "ratio ISC -T time / ours: $(echo "scale=2; $isc_wall / $ours_s" | bc)"
echo "ratio ISC -T CPU / ours: $(echo "scale=2; ($isc_user + $isc_sys) / $ours_cpu" | bc)"
echo "ratio ISC start time / ours: $(echo "scale=2; ($end - $start) / $ours_s" | bc)"
echo "ratio ISC RSS after start / ours: $(echo "scale=2; $isc_rss / $ours_rss" | bc)"

echo "== a rewrite of the 100,000-lease file (grown by the commits) while 8 requesters commit"
cp "$work/100k.leases" "$work/rewrite.leases"
flock "$lock" "$bench" rewrite-latency "$work/rewrite.leases" 8

echo "== start-up, empty file, one /8 range"
: >"$work/empty.leases"
flock "$lock" "$bench" startup "$work/empty.leases" 10.0.0.1 10.255.255.254
echo "(ISC on a /8 is not run: it allocates ~0.33 KB per address, ~5.5 GB; see LAB-NOTES)"
printf 'subnet 10.0.0.0 netmask 255.0.0.0 { range 10.0.0.1 10.0.255.254; }\n' >"$work/isc16.conf"
: >"$work/isc16.leases"
isc16=$(flock "$lock" /usr/bin/time -f "%e %M" dhcpd -4 -T -q -cf "$work/isc16.conf" \
          -lf "$work/isc16.leases" 2>&1 | tail -1)
echo "ISC dhcpd -T, empty file, one /16 range: ${isc16%% *} s, peak RSS ${isc16##* } KiB"
