#!/usr/bin/env bash
# ISC's trace files, both ways, with a real client: our dhcpd records (-tf) a DORA with
# ping-check, then a RELEASE, from ISC dhclient, with an included file and a lease file that
# holds a lease already; then our -play and ISC's -play each replay that recording, log the
# same exchange and write the same leases. ISC dhcpd records the same and our -play replays
# its file. Damaged traces and ISC's -play rules
# (-lf required) get clear errors.
#   trace_test.sh DHCPD
set -euo pipefail
dhcpd=$1
isc=/usr/sbin/dhcpd
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
[ -x "$isc" ] || { echo "SKIP: ISC dhcpd (isc-dhcp-server) is not installed"; exit 77; }
command -v dhclient >/dev/null || { echo "SKIP: dhclient (isc-dhcp-client) is not installed"; exit 77; }

source "$(dirname "$0")/../../support/netns_test.sh"
server=sb-tr-s-$$
client=sb-tr-c-$$
make_work tr
log=$work/live.log
fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }
exchange() { grep -aoE '^DHCP(DISCOVER|OFFER|REQUEST|ACK|NAK|RELEASE) .*' "$1" || true; }
same_exchange() {  # same_exchange LIVE_EXCHANGE REPLAY_LOG WHO: the replay logged the live lines
  exchange "$2" | diff "$1" - >"$work/diff.txt" \
    || fail "$3 logged another exchange than the live server: $(cat "$work/diff.txt")"
}

cat >"$work/inc.conf" <<'CONF'
option domain-name "trace.example";
CONF
cat >"$work/dhcpd.conf" <<CONF
authoritative;
default-lease-time 600;
max-lease-time 7200;
ping-check true;
ping-timeout 1;
include "$work/inc.conf";
subnet 10.77.0.0 netmask 255.255.255.0 { range 10.77.0.10 10.77.0.20; }
CONF

add_namespaces "$server" "$client"
ip link add s1 netns "$server" type veth peer name c1 netns "$client"
ip -n "$server" addr add 10.77.0.1/24 dev s1
ip -n "$server" link set s1 up
ip -n "$client" link set c1 up
mac_of() { ip -n "$1" -o link show "$2" | grep -oE 'link/ether [0-9a-f:]+' | cut -d' ' -f2; }
mac=$(mac_of "$client" c1)
server_mac=$(mac_of "$server" s1)

# A lease the server holds at start: replays take it from the trace, not from the disk. (At
# the range's bottom: ISC's free list after reading leases puts later runs of never-used
# addresses first, which snowboot does not yet; see dhcpd/engine/README.md.)
held='lease 10.77.0.10 {
  starts 4 2026/11/26 10:00:00;
  ends 4 2036/11/27 10:00:00;
  binding state active;
  next binding state free;
  hardware ethernet 02:00:00:00:77:10;
}'

lease_and_release() {  # lease_and_release SERVER_LOG: ISC dhclient gets a lease, then releases it
  rm -f "$work/dhclient.leases"
  ip netns exec "$client" timeout 30 dhclient -d -1 -v -sf /bin/true -lf "$work/dhclient.leases" \
    -pf "$work/dhclient.pid" c1 >"$work/dhclient.log" 2>&1 &
  track $!
  wait_for "$1" "^DHCPACK on " 20
  stop_last
  # The RELEASE leaves from the leased address (the script that would set it is /bin/true).
  local leased
  leased=$(awk '$1 == "DHCPACK" {print $3; exit}' <(exchange "$1"))
  ip -n "$client" addr add "$leased/24" dev c1
  ip netns exec "$client" timeout 30 dhclient -r -v -sf /bin/true -lf "$work/dhclient.leases" \
    -pf "$work/dhclient.pid" c1 >>"$work/dhclient.log" 2>&1 || fail "dhclient -r failed"
  wait_for "$1" "^DHCPRELEASE of $leased " 20
  ip -n "$client" addr del "$leased/24" dev c1
}

check_lease() {  # check_lease FILE ADDRESS STATE HARDWARE: its last record is in that state
  awk -v a="$2" '$1 == "lease" && $2 == a {on = 1; block = ""} on {block = block $0 "\n"}
    on && /^}/ {on = 0; last = block} END {printf "%s", last}' "$1" >"$work/lease.txt"
  grep -q "^  binding state $3;" "$work/lease.txt" && grep -q "hardware ethernet $4;" "$work/lease.txt" \
    || fail "$1 has no $3 lease $2 for $4: $(cat "$1")"
}
check_leases() {  # check_leases FILE ADDRESS: our client's released lease and the held one
  check_lease "$1" "$2" free "$mac"
  check_lease "$1" 10.77.0.10 active 02:00:00:00:77:10
}

# 1. Ours records a live exchange.
echo "$held" >"$work/live.leases"
ip netns exec "$server" "$dhcpd" -f -d -tf "$work/ours.trace" -cf "$work/dhcpd.conf" \
  -lf "$work/live.leases" --no-pid s1 >"$log" 2>&1 &
track $!
wait_for "$log" "^Listening on LPF/s1/"
lease_and_release "$log"
stop_last
address=$(exchange "$log" | awk '$1 == "DHCPACK" {print $3; exit}')
[ -n "$address" ] || fail "no DHCPACK in the live log"
exchange "$log" >"$work/live.exchange"
grep -q "DHCPOFFER on $address" "$work/live.exchange" || fail "no OFFER after the ping"
[ "$address" != 10.77.0.10 ] || fail "the held lease's address was given to another client"
[ "$(head -c 4 "$work/ours.trace")" = dHCp ] || fail "ours.trace does not start with dHCp"
echo "ok   live: $(wc -l <"$work/live.exchange") DHCP lines, $address for $mac, recorded"

# 2. Our -play: the same exchange on the recorded clock (ping timeout included), the lease written.
"$dhcpd" -f -d -play "$work/ours.trace" -lf "$work/ours-replay.leases" >"$work/ours-replay.log" 2>&1 \
  || fail "our -play of our trace exited $?"
same_exchange "$work/live.exchange" "$work/ours-replay.log" "our replay"
grep -q "^Listening on Trace/s1/$server_mac/10.77.0.0/24" "$work/ours-replay.log" \
  || fail "our replay did not name the recorded interface"
grep -q "^Replayed 3 packet(s) and 1 ping-check echo(es)" "$work/ours-replay.log" \
  || fail "our replay did not take the recorded ping"
check_leases "$work/ours-replay.leases" "$address"
echo "ok   our -play replays our trace: the same $(wc -l <"$work/live.exchange") lines, the same leases"

# 3. ISC's -play reads our trace: config and include, leases, interfaces, packets, the ping.
"$isc" -4 -f -d -play "$work/ours.trace" -lf "$work/isc-replay.leases" -pf "$work/isc.pid" \
  >"$work/isc-replay.log" 2>&1 || fail "ISC -play of our trace exited $?"
if grep -E "unknown index|mismatch|unexpected token|expecting|Short read|bad parse|not a dhcp" \
    "$work/isc-replay.log"; then
  fail "ISC found fault with our trace"
fi
same_exchange "$work/live.exchange" "$work/isc-replay.log" "ISC's replay of our trace"
check_leases "$work/isc-replay.leases" "$address"
echo "ok   ISC's -play replays our trace: the same exchange, the same leases"

# 4. ISC records; our -play replays its file.
echo "$held" >"$work/isc-live.leases"
ip netns exec "$server" "$isc" -4 -f -d -tf "$work/isc.trace" -cf "$work/dhcpd.conf" \
  -lf "$work/isc-live.leases" -pf "$work/isc-live.pid" s1 >"$work/isc-live.log" 2>&1 &
track $!
wait_for "$work/isc-live.log" "^Server starting service"
lease_and_release "$work/isc-live.log"
stop_last
exchange "$work/isc-live.log" >"$work/isc-live.exchange"
isc_address=$(awk '$1 == "DHCPACK" {print $3; exit}' "$work/isc-live.exchange")
"$dhcpd" -f -d -play "$work/isc.trace" -lf "$work/from-isc.leases" >"$work/from-isc.log" 2>&1 \
  || fail "our -play of ISC's trace exited $?"
same_exchange "$work/isc-live.exchange" "$work/from-isc.log" "our replay of ISC's trace"
grep -q "^Replayed 3 packet(s) and 1 ping-check echo(es)" "$work/from-isc.log" \
  || fail "our replay did not take ISC's recorded ping"
check_leases "$work/from-isc.leases" "$isc_address"
echo "ok   our -play replays ISC's trace: the same $(wc -l <"$work/isc-live.exchange") lines, the same leases"

# 5. What ISC's -play insists on, and damaged traces: a clear error, exit 1, live leases untouched.
expect_refusal() {  # expect_refusal PATTERN ARGS...: dhcpd ARGS exits 1 saying PATTERN
  local pattern=$1
  shift
  if "$dhcpd" -f -d "$@" >"$work/refusal.log" 2>&1; then fail "dhcpd $* succeeded"; fi
  grep -q -- "$pattern" "$work/refusal.log" || fail "dhcpd $* did not say '$pattern': $(cat "$work/refusal.log")"
}
expect_refusal "You must specify a lease file with -lf" -play "$work/ours.trace"
expect_refusal "recording a replay is not supported" -play "$work/ours.trace" -tf "$work/x.trace" -lf "$work/x.leases"
expect_refusal "not a dhcp trace file" -play "$work/dhcpd.conf" -lf "$work/x.leases"
size=$(stat -c %s "$work/ours.trace")
head -c $((size - 5)) "$work/ours.trace" >"$work/cut.trace"
expect_refusal "cut short: .* remain; replay stopped there" -play "$work/cut.trace" -lf "$work/cut.leases"
grep -q "DHCPDISCOVER from $mac" "$work/refusal.log" || fail "the records before the cut were not replayed"
expect_refusal "Can't open tracefile" -play "$work/missing.trace" -lf "$work/x.leases"
echo "ok   -play without -lf, with -tf, of a non-trace, a cut trace, a missing file: refused"
