#!/usr/bin/env bash
# perfdhcp (kea-admin) load on dhcpd, relayed as in bench/dhcpd_perfdhcp.sh: perfdhcp sets giaddr
# to its interface address and sends to the server's address, the server answers to giaddr:67.
# This checks behaviour under load, never speed (a few hundred DORA/s for a few seconds):
#   1. DORA and renewals, 400 clients, 512 addresses, dhcpd paused for 0.3 s midway: every
#      DISCOVER gets an OFFER, every REQUEST and renewal an ACK; the lease file then holds
#      exactly one active lease for each address perfdhcp was ACKed, one per client, all in the
#      pool; ISC's `dhcpd -T` reads it.
#   2. Then releases too, some repeated: each one is logged as found (as ISC does), each
#      released lease is written free.
#   3. A fresh server with 64 addresses for 128 clients: 64 clients get one address each, no
#      address goes to two clients, the others are refused with ISC's "no free leases" line.
#   4. A fresh server at 1000 DORA/s, paused for 10 ms every 50 ms: each pause leaves a burst
#      that switches our reads to the clock (dhcpd/server/read_pacer.hpp) and back, forty
#      times; every exchange is still answered, one address per client.
# perfdhcp's drop time (-d) and exit wait (-W) are long, so a slow answer on a busy machine is
# counted as an answer: only a missing one is a drop. The script passes against ISC dhcpd
# (/usr/sbin/dhcpd) too.
#   perfdhcp_test.sh DHCPD
set -euo pipefail
dhcpd=$1
isc=/usr/sbin/dhcpd
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v perfdhcp >/dev/null || { echo "SKIP: perfdhcp is not installed (kea-admin)"; exit 77; }
[ -x "$isc" ] || { echo "SKIP: $isc (isc-dhcp-server) is not installed"; exit 77; }

server=sb-pd-s-$$
client=sb-pd-c-$$
serverAddress=10.88.0.1
giaddr=10.88.0.2
work=$(mktemp -d /tmp/snowboot-perfdhcp-XXXXXX)
pid=
pauser=
cleanup() {
  if [ -n "$pauser" ]; then
    kill "$pauser" 2>/dev/null || true
    wait "$pauser" 2>/dev/null || true
  fi
  if [ -n "$pid" ]; then
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
current=  # the perfdhcp run whose output fail() shows
fail() {
  echo "FAIL: $*"
  [ -n "$current" ] && { echo "--- perfdhcp $current"; sed '/^\*\*\*Leases for/,$d' \
    "$work/$current.out"; }
  echo "--- dhcpd log (last 40 lines)"
  tail -n 40 "$work/dhcpd.log"
  # Where a lost packet went: UDP receive buffer overflows (RcvbufErrors) on either side.
  for ns in "$server" "$client"; do
    echo "--- UDP counters in $ns"
    ip netns exec "$ns" grep '^Udp:' /proc/net/snmp 2>/dev/null || true
  done
  exit 1
}

ip netns add "$server"
ip netns add "$client"
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add "$serverAddress/16" dev s0
ip -n "$client" addr add "$giaddr/16" dev c0
for ns in "$server" "$client"; do ip -n "$ns" link set lo up; done
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up

start_dhcpd() {  # start_dhcpd FIRST LAST: a fresh server with an empty lease file
  cat >"$work/dhcpd.conf" <<CONF
authoritative;
ping-check false;
default-lease-time 600;
max-lease-time 7200;
subnet 10.88.0.0 netmask 255.255.0.0 {
  range $1 $2;
}
CONF
  poolFirst=$1
  poolLast=$2
  : >"$work/dhcpd.leases"
  : >"$work/dhcpd.log"
  ip netns exec "$server" "$dhcpd" -4 -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
    --no-pid s0 >"$work/dhcpd.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    grep -q "^Server starting service" "$work/dhcpd.log" && return 0
    kill -0 "$pid" 2>/dev/null || fail "dhcpd exited at start"
    sleep 0.05
  done
  fail "dhcpd did not start within 5 s"
}
stop_dhcpd() {
  kill "$pid" 2>/dev/null || fail "dhcpd had exited"
  wait "$pid" 2>/dev/null || true
  pid=
}

# run_perfdhcp NAME ARGS...: perfdhcp's output in NAME.out, with the leases it received (-x l).
# Its exit status is 3 whenever an exchange is incomplete, and a RELEASE never is (no answer):
# the statistics are judged below instead.
run_perfdhcp() {
  local name=$1
  shift
  current=$name
  timeout 60 ip netns exec "$client" perfdhcp -4 -l c0 -d 3 -W 3000000 -x l "$@" \
    "$serverAddress" >"$work/$name.out" 2>&1 || true
  grep -q '^\*\*\*Statistics for: DISCOVER-OFFER\*\*\*' "$work/$name.out" \
    || fail "perfdhcp printed no statistics"
}
field() {  # field NAME EXCHANGE FIELD: e.g. field a REQUEST-ACK "sent packets"
  awk -v section="***Statistics for: $2***" -v field="$3" '
    /^\*\*\*/ {inside = ($0 == section)}
    inside && index($0, field ": ") == 1 {sub(/.*: /, ""); print; found = 1; exit}
    END {if (!found) print "missing"}' "$work/$1.out"
}
addresses() {  # addresses NAME EXCHANGE: the distinct addresses perfdhcp got in that exchange
  awk -F, -v section="***Leases for $2***" '
    /^\*\*\*/ {inside = ($0 == section); next}
    inside && $2 ~ /^[0-9.]+$/ {print $2}' "$work/$1.out" | sort -u
}
expect() {  # expect DESCRIPTION ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: $2, expected $3"
}
# every_answered NAME EXCHANGE: sent > 0, all received, nothing rejected, nothing malformed.
every_answered() {
  local sent
  sent=$(field "$1" "$2" "sent packets")
  [ "$sent" -gt 0 ] 2>/dev/null || fail "$2: perfdhcp sent $sent packets"
  expect "$2 received" "$(field "$1" "$2" "received packets")" "$sent"
  expect "$2 drops" "$(field "$1" "$2" drops)" 0
  expect "$2 rejected leases" "$(field "$1" "$2" "rejected leases")" 0
  expect "$2 non unique addresses" "$(field "$1" "$2" "non unique addresses")" 0
}
# No reply that perfdhcp cannot place: a renewal's ACK is first tried against the 4-way
# exchanges (an orphan there) and then matched as a renewal, so those orphans are the
# renewals' ACKs and nothing else.
no_stray_replies() {  # no_stray_replies NAME
  grep -q '^Malformed packets: 0$' "$work/$1.out" || fail "perfdhcp saw malformed packets"
  expect "DISCOVER-OFFER orphans" "$(field "$1" DISCOVER-OFFER orphans)" 0
  local renewed=0
  grep -q '^\*\*\*Statistics for: REQUEST-ACK (renewal)' "$work/$1.out" \
    && renewed=$(field "$1" "REQUEST-ACK (renewal)" "received packets")
  expect "REQUEST-ACK orphans (renewal ACKs)" "$(field "$1" REQUEST-ACK orphans)" "$renewed"
}

# leases_by_address: "address state mac" for each address in the lease file, the last record
# winning as when ISC dhcpd reads the file.
leases_by_address() {
  awk '
    /^lease [0-9.]+ \{/ {address = $2; state = ""; mac = ""}
    /^  binding state / {state = $3; sub(/;$/, "", state)}
    /^  hardware ethernet / {mac = $3; sub(/;$/, "", mac)}
    /^\}/ && address != "" {last[address] = state " " mac; address = ""}
    END {for (a in last) print a, last[a]}' "$work/dhcpd.leases" | sort
}
toNumber() { local IFS=.; set -- $1; echo $((($1 << 24) + ($2 << 16) + ($3 << 8) + $4)); }
# check_active_leases EXPECTED_ADDRESS_FILE: the active leases are exactly those addresses,
# each held by a different client, all inside the pool.
check_active_leases() {
  leases_by_address | awk '$2 == "active"' >"$work/active"
  awk '{print $1}' "$work/active" | sort >"$work/active.addresses"
  cmp -s "$work/active.addresses" "$1" || fail "active leases in dhcpd.leases are not the" \
    "$(wc -l <"$1") addresses perfdhcp was given:$(diff "$work/active.addresses" "$1" | head)"
  local duplicates
  duplicates=$(awk '{print $3}' "$work/active" | sort | uniq -d | head -3)
  [ -z "$duplicates" ] || fail "clients with more than one active lease: $duplicates"
  local first last address number
  first=$(toNumber "$poolFirst")
  last=$(toNumber "$poolLast")
  while read -r address; do
    number=$(toNumber "$address")
    [ "$number" -ge "$first" ] && [ "$number" -le "$last" ] \
      || fail "lease $address is outside the pool $poolFirst - $poolLast"
  done <"$work/active.addresses"
}
# check_acks_one_to_one: in the dhcpd log, no address is ACKed to two clients, no client gets
# two addresses (no RELEASE in between).
check_acks_one_to_one() {
  local pairs
  pairs=$(sed -n 's/^DHCPACK on \([0-9.]*\) to \([0-9a-f:]*\) .*/\1 \2/p' "$work/dhcpd.log" \
    | sort -u)
  [ -n "$pairs" ] || fail "dhcpd logged no DHCPACK"
  local shared
  shared=$(awk '{print $1}' <<<"$pairs" | uniq -d | head -3)
  [ -z "$shared" ] || fail "addresses ACKed to two clients: $shared"
  shared=$(awk '{print $2}' <<<"$pairs" | sort | uniq -d | head -3)
  [ -z "$shared" ] || fail "clients ACKed two addresses: $shared"
}
check_lease_file_with_isc() {
  # -T writes the leases it read to a temporary file next to the original, so test a copy.
  cp "$work/dhcpd.leases" "$work/check.leases"
  local out
  out=$("$isc" -4 -T -cf "$work/dhcpd.conf" -lf "$work/check.leases" 2>&1) \
    || fail "ISC dhcpd -T rejected the lease file: $out"
  grep -q '^Lease file test successful' <<<"$out" && ! grep -q ' line [0-9]*: ' <<<"$out" \
    || fail "ISC dhcpd -T complained about the lease file: $out"
  echo "ok   ISC dhcpd -T: $(grep -o 'Wrote [0-9]* leases' <<<"$out")"
}
acks_logged() { grep -c '^DHCPACK on ' "$work/dhcpd.log" || true; }

# 1. DORA and renewals. dhcpd is paused for 0.3 s in the middle, as a busy machine pauses it
# (a slow fsync, the scheduler): what arrives meanwhile must wait in the kernel, not be lost.
start_dhcpd 10.88.1.0 10.88.2.255
( sleep 1.5; kill -STOP "$pid"; sleep 0.3; kill -CONT "$pid" ) &
pauser=$!
run_perfdhcp dora -r 200 -R 400 -p 3 -f 40
wait "$pauser"
pauser=
every_answered dora DISCOVER-OFFER
every_answered dora REQUEST-ACK
every_answered dora "REQUEST-ACK (renewal)"
no_stray_replies dora
expect "REQUESTs sent" "$(field dora REQUEST-ACK "sent packets")" \
  "$(field dora DISCOVER-OFFER "received packets")"
expect "DHCPACK lines logged" "$(acks_logged)" \
  $(($(field dora REQUEST-ACK "received packets") + $(field dora "REQUEST-ACK (renewal)" \
  "received packets")))
addresses dora REQUEST-ACK >"$work/dora.acked"
expect "clients perfdhcp was ACKed" "$(wc -l <"$work/dora.acked")" 400
check_active_leases "$work/dora.acked"
check_acks_one_to_one
check_lease_file_with_isc
echo "ok   DORA: $(field dora DISCOVER-OFFER "sent packets") DISCOVERs and" \
  "$(field dora REQUEST-ACK "sent packets") REQUESTs all answered," \
  "$(field dora "REQUEST-ACK (renewal)" "sent packets") renewals ACKed; 400 active leases"

# 2. The same server, the first 100 of those clients, with many releases. A released lease is
# written free and keeps its client (ISC's format); a client may come back for an address after
# releasing it. Each client makes several exchanges, so perfdhcp, which releases from the ACKs
# it stored, releases some leases twice.
releasesBefore=$(grep -c '^  binding state free;' "$work/dhcpd.leases" || true)
expect "free leases before any RELEASE" "$releasesBefore" 0
logLines=$(wc -l <"$work/dhcpd.log")
run_perfdhcp release -r 200 -R 100 -p 3 -f 50 -F 100
every_answered release DISCOVER-OFFER
every_answered release REQUEST-ACK
every_answered release "REQUEST-ACK (renewal)"
no_stray_replies release
released=$(field release RELEASE "sent packets")
[ "$released" -gt 0 ] 2>/dev/null || fail "perfdhcp sent $released RELEASEs"
tail -n "+$((logLines + 1))" "$work/dhcpd.log" \
  | sed -n 's/^DHCPRELEASE of \([0-9.]*\) from \([0-9a-f:]*\) via [0-9.]* (found)$/\1 \2/p' \
  >"$work/released"
expect "DHCPRELEASE ... (found) lines logged" "$(wc -l <"$work/released")" "$released"
# perfdhcp may release a lease twice: ISC logs the second "found" too (the lease at ciaddr has
# the client's hardware address) but, the lease having ended, writes nothing.
freeRecords=$(grep -c '^  binding state free;' "$work/dhcpd.leases" || true)
[ "$freeRecords" -ge 1 ] && [ "$freeRecords" -le "$released" ] \
  || fail "$freeRecords free leases written for $released RELEASEs"
awk '/^lease / {address = $2} /^  binding state free;/ {free[address] = 1}
     /^  hardware ethernet / && free[address] {sub(/;$/, "", $3); print address, $3}
     /^\}/ {delete free[address]}' "$work/dhcpd.leases" | sort -u >"$work/written.free"
sort -u "$work/released" | comm -23 - "$work/written.free" >"$work/unwritten"
[ ! -s "$work/unwritten" ] || fail "RELEASEs never written free: $(head -3 "$work/unwritten")"
# Each address's last record: active for its one client, or free and released by its client.
leases_by_address >"$work/final"
while read -r address mac; do
  grep -q "^$address \(active\|free\) $mac$" "$work/final" \
    || fail "released $address ($mac) is now: $(grep "^$address " "$work/final")"
done <"$work/released"
sort -u "$work/dora.acked" <(addresses release REQUEST-ACK) >"$work/all.acked"
awk '{print $1}' "$work/final" | cmp -s - "$work/all.acked" \
  || fail "dhcpd.leases holds other addresses than the $(wc -l <"$work/all.acked") ACKed ones"
awk '$2 != "active" && $2 != "free" {exit 1}' "$work/final" \
  || fail "leases neither active nor free: $(awk '$2 != "active" && $2 != "free"' "$work/final")"
awk '$2 == "active" {print $1}' "$work/final" >"$work/release.active"
check_active_leases "$work/release.active"
check_lease_file_with_isc
echo "ok   with releases: $released RELEASEs logged found, $freeRecords free leases written," \
  "$(wc -l <"$work/release.active") active leases, one per client"
stop_dhcpd

# 3. 64 addresses for 128 clients.
start_dhcpd 10.88.1.0 10.88.1.63
run_perfdhcp small -r 200 -R 128 -p 2
every_answered small REQUEST-ACK
no_stray_replies small
discovers=$(field small DISCOVER-OFFER "sent packets")
offers=$(field small DISCOVER-OFFER "received packets")
[ "$offers" -gt 0 ] && [ "$offers" -lt "$discovers" ] 2>/dev/null \
  || fail "$offers OFFERs for $discovers DISCOVERs with 64 addresses for 128 clients"
addresses small REQUEST-ACK >"$work/small.acked"
expect "clients perfdhcp was ACKed" "$(wc -l <"$work/small.acked")" 64
check_active_leases "$work/small.acked"
check_acks_one_to_one
# ISC 4.4 (server/dhcp.c): "<DHCPDISCOVER line>: network <shared network>: no free leases", the
# shared network being named after the subnet when none is declared.
refusal='^DHCPDISCOVER from [0-9a-f:]+ via 10\.88\.0\.2: network 10\.88\.0\.0/16: no free leases$'
{ grep -E "$refusal" "$work/dhcpd.log" || true; } | awk '{print $3}' | sort -u >"$work/refused"
expect "clients refused with 'no free leases'" "$(wc -l <"$work/refused")" 64
awk '{print $3}' "$work/active" | sort | comm -12 - "$work/refused" | grep -q . \
  && fail "clients both leased and refused: $(awk '{print $3}' "$work/active" | sort \
    | comm -12 - "$work/refused" | head -3)"
check_lease_file_with_isc
echo "ok   small pool: $offers OFFERs for $discovers DISCOVERs, 64 clients leased once each," \
  "64 refused with 'no free leases'"
stop_dhcpd
# 4. Bursts: in and out of paced reads, many times.
start_dhcpd 10.88.4.0 10.88.7.255
( for _ in $(seq 40); do sleep 0.04; kill -STOP "$pid"; sleep 0.01; kill -CONT "$pid"; done ) &
pauser=$!
run_perfdhcp bursts -r 1000 -R 800 -p 2
wait "$pauser"
pauser=
every_answered bursts DISCOVER-OFFER
every_answered bursts REQUEST-ACK
no_stray_replies bursts
addresses bursts REQUEST-ACK >"$work/bursts.acked"
check_active_leases "$work/bursts.acked"
check_acks_one_to_one
echo "ok   bursts: $(field bursts DISCOVER-OFFER "sent packets") DISCOVERs and" \
  "$(field bursts REQUEST-ACK "sent packets") REQUESTs all answered through 40 pauses," \
  "$(wc -l <"$work/bursts.acked") clients leased once each"
stop_dhcpd
echo "perfdhcp load on $dhcpd: no drops, no NAK, leases consistent"
