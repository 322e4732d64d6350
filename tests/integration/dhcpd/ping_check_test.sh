#!/usr/bin/env bash
# ping-check with real clients on a switched segment the test builds from network namespaces:
# server, client(s) and a host that already uses the pool's first address without a lease.
#   1. busybox udhcpc gets the second address; the first is abandoned ("pinged before offer")
#      and recorded in dhcpd.leases exactly as ISC dhcpd records it (ISC run on the same set-up
#      when /usr/sbin/dhcpd is installed, and the log lines compared);
#   2. with nobody answering, the OFFER comes ping-timeout (2 s here) after the DISCOVER, once,
#      however often the client repeats it meanwhile;
#   3. while that probe waits, a fixed-address client is answered at once and a second dynamic
#      client's probe runs alongside (its offer does not wait for the first one's).
#   ping_check_test.sh DHCPD DHCP_EXCHANGE
set -euo pipefail
dhcpd=$1
exchange_tool=$2
isc=/usr/sbin/dhcpd
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }

p=sb-pc-$$
work=$(mktemp -d /tmp/snowboot-ping-XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  for n in s w c d h; do ip netns delete "$p-$n" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- server log"; cat "$work/server.log" 2>/dev/null; exit 1; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# One bridge in namespace w; s (server), c and d (clients) and h (the squatter) hang off it.
for n in s w c d h; do ip netns add "$p-$n"; ip -n "$p-$n" link set lo up; done
ip -n "$p-w" link add br0 type bridge stp_state 0 forward_delay 0
ip -n "$p-w" link set br0 up
for n in s c d h; do
  ip link add "${n}0" netns "$p-$n" type veth peer name "w$n" netns "$p-w"
  ip -n "$p-w" link set "w$n" master br0
  ip -n "$p-w" link set "w$n" up
  ip -n "$p-$n" link set "${n}0" up
done
ip -n "$p-s" addr add 10.77.0.1/24 dev s0
ip -n "$p-h" addr add 10.77.0.100/24 dev h0  # answers ping for the pool's first address

cat >"$work/dhcpd.conf" <<'CONF'
authoritative;
default-lease-time 600;
max-lease-time 7200;
ping-timeout 2;
subnet 10.77.0.0 netmask 255.255.255.0 {
  range 10.77.0.100 10.77.0.109;
}
host fixed-client {
  hardware ethernet 02:00:00:00:77:f0;
  fixed-address 10.77.0.50;
}
CONF

start() {  # start BINARY: a server on s0 with a fresh lease file
  : >"$work/dhcpd.leases"
  : >"$work/server.log"
  local extra=(--no-pid)
  [ "$1" = "$isc" ] && extra=(-pf "$work/dhcpd.pid")
  ip netns exec "$p-s" "$1" -4 -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
    "${extra[@]}" s0 >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "^Server starting service" "$work/server.log" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  fail "$1 did not start"
}
stop() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  # Under the asan preset a sanitizer report fails the run even when the clients were served.
  ! grep -qE "Sanitizer|runtime error" "$work/server.log" || fail "sanitizer report"
}

cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "\$ip" >"$work/udhcpc.lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"

# The abandoned address's record, its times replaced by its length: ISC's and ours must match.
abandoned_record() {
  awk '/^lease 10.77.0.100 \{/ {block=""; keep=1} keep {block=block $0 "\n"}
       keep && /^\}/ {last=block; keep=0} END {printf "%s", last}' "$1" >"$2.raw"
  local starts ends
  starts=$(sed -nE 's/^  starts [0-9] ([0-9/]+ [0-9:]+);/\1/p' "$2.raw")
  ends=$(sed -nE 's/^  ends [0-9] ([0-9/]+ [0-9:]+);/\1/p' "$2.raw")
  [ -n "$starts" ] && [ -n "$ends" ] || fail "no abandoned record for 10.77.0.100 in $1"
  echo "abandoned for $(( $(date -ud "$ends" +%s) - $(date -ud "$starts" +%s) )) s" >"$2"
  sed -E '/^  (starts|ends|cltt) /d' "$2.raw" >>"$2"
}

abandon_run() {  # abandon_run BINARY NAME: udhcpc must get .101; keeps log and record as NAME
  start "$1"
  rm -f "$work/udhcpc.lease"
  timeout 30 ip netns exec "$p-c" busybox udhcpc -i c0 -f -q -n -t 8 -T 1 \
    -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 || fail "$2: udhcpc got no lease"
  [ "$(cat "$work/udhcpc.lease")" = 10.77.0.101 ] \
    || fail "$2: udhcpc bound $(cat "$work/udhcpc.lease"), not 10.77.0.101"
  stop
  grep -E "10\.77\.0\.100" "$work/server.log" >"$work/$2.lines" || true
  abandoned_record "$work/dhcpd.leases" "$work/$2.record"
  cp "$work/server.log" "$work/$2.log"
}

# 1. The squatter answers: abandoned, recorded, and the client served with the next address.
abandon_run "$dhcpd" snowboot
want="ICMP Echo reply while lease 10.77.0.100 valid.
Abandoning IP address 10.77.0.100: pinged before offer"
[ "$(cat "$work/snowboot.lines")" = "$want" ] \
  || fail "log lines for 10.77.0.100: $(cat "$work/snowboot.lines")"
want_record="abandoned for 86400 s
lease 10.77.0.100 {
  binding state abandoned;
  next binding state free;
  rewind binding state free;
}"
[ "$(cat "$work/snowboot.record")" = "$want_record" ] \
  || fail "abandoned record: $(cat "$work/snowboot.record.raw")"
echo "ok   udhcpc got 10.77.0.101; 10.77.0.100 abandoned: pinged before offer"
if [ -x "$isc" ]; then
  abandon_run "$isc" isc
  diff -u "$work/isc.lines" "$work/snowboot.lines" || fail "log lines differ from ISC dhcpd's"
  diff -u "$work/isc.record" "$work/snowboot.record" || fail "lease record differs from ISC's"
  echo "ok   ISC dhcpd on the same segment: same log lines and lease record for 10.77.0.100"
else
  echo "note: $isc not installed, no side-by-side run"
fi

# 2 and 3. Nobody answers for .101 on: offers wait ping-timeout, other clients do not.
ip -n "$p-h" link set h0 down
start "$dhcpd"
exchange() {  # exchange NAMESPACE IFACE MAC XID OUT: one DISCOVER; summary and elapsed ms
  local t0
  t0=$(ms)
  ip netns exec "$1" "$exchange_tool" --interface "$2" --type discover --mac "$3" --xid "$4" \
    --timeout-ms 6000 >"$5" || true
  echo "$(( $(ms) - t0 ))" >"$5.ms"
}
# udhcpc repeats its DISCOVER every second of the 2 s probe: one OFFER all the same.
rm -f "$work/udhcpc.lease"
t0=$(ms)
timeout 30 ip netns exec "$p-c" busybox udhcpc -i c0 -f -q -n -t 8 -T 1 \
  -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 &
udhcpc_pid=$!
sleep 0.3
exchange "$p-d" d0 02:00:00:00:77:f0 0x7701 "$work/fixed"       # fixed address: no ping
sleep 0.2
exchange "$p-d" d0 02:00:00:00:77:d2 0x7702 "$work/dynamic"     # a probe of its own
wait "$udhcpc_pid" || fail "udhcpc got no lease: $(cat "$work/udhcpc.log")"
udhcpc_ms=$(( $(ms) - t0 ))
first=$(cat "$work/udhcpc.lease")
mac_c=$(ip -n "$p-c" -br link show c0 | awk '{print $3}')
offers=$(grep -c "^DHCPOFFER on $first to $mac_c" "$work/server.log" || true)
discovers=$(grep -c "^DHCPDISCOVER from $mac_c" "$work/server.log" || true)
repeats=$(grep -c "broadcasting discover" "$work/udhcpc.log" || true)
stop
[ "$offers" = 1 ] || fail "udhcpc's address $first was offered $offers times"
[ "$discovers" = 1 ] || fail "$discovers DHCPDISCOVER lines for udhcpc (ISC logs repeats during a ping not at all)"
[ "$repeats" -ge 2 ] || fail "udhcpc did not repeat its DISCOVER during the probe"
[ "$udhcpc_ms" -ge 1900 ] || fail "udhcpc bound after $udhcpc_ms ms, before ping-timeout"
echo "ok   udhcpc bound $first after $udhcpc_ms ms (ping-timeout 2 s); $repeats DISCOVERs, 1 OFFER"
grep -q "yiaddr=10.77.0.50 " "$work/fixed" || fail "fixed client: $(cat "$work/fixed")"
fixed_ms=$(cat "$work/fixed.ms")
[ "$fixed_ms" -lt 1000 ] || fail "the fixed-address client waited $fixed_ms ms behind a probe"
echo "ok   a fixed-address client was answered in $fixed_ms ms while the probe waited"
grep -q "reply DHCPOFFER" "$work/dynamic" || fail "second dynamic client: $(cat "$work/dynamic")"
dynamic_ms=$(cat "$work/dynamic.ms")
[ "$dynamic_ms" -ge 1900 ] && [ "$dynamic_ms" -lt 3000 ] \
  || fail "second dynamic client offered after $dynamic_ms ms (its own 2 s probe, not queued)"
echo "ok   a second dynamic client was offered after $dynamic_ms ms: its probe ran alongside"
echo "ping-check: abandon, delay and concurrency as ISC dhcpd"
