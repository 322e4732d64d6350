#!/usr/bin/env bash
# SIGHUP reloads dhcpd.conf: a configuration with errors leaves the running one serving; a good
# one takes over at once, new ranges included. Checked with busybox udhcpc in a namespace.
#   reload_test.sh DHCPD
set -euo pipefail
dhcpd=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }

server=sb-hup-s-$$
client=sb-hup-c-$$
work=$(mktemp -d /tmp/snowboot-hup-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- dhcpd log"; cat "$work/dhcpd.log"; exit 1; }
wait_for() {  # wait_for PATTERN
  for _ in $(seq 200); do grep -q "$1" "$work/dhcpd.log" && return 0; sleep 0.05; done
  fail "dhcpd never said '$1'"
}
lease_for() {  # lease_for MAC: prints "ip=... domain=..." or fails
  ip -n "$client" link set c0 address "$1"
  rm -f "$work/lease"
  timeout 30 ip netns exec "$client" busybox udhcpc -i c0 -f -q -n -t 4 -T 1 -O domain \
    -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 || fail "udhcpc $1: $(cat "$work/udhcpc.log")"
  cat "$work/lease"
}

conf() {  # conf DOMAIN EXTRA_RANGE
  cat >"$work/dhcpd.conf" <<CONF
authoritative;
default-lease-time 600;
option domain-name "$1";
subnet 192.168.8.0 netmask 255.255.255.0 {
  range 192.168.8.100 192.168.8.100;
  $2
}
CONF
}
cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "ip=\$ip domain=\$domain" >"$work/lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"

ip netns add "$server"
ip netns add "$client"
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 192.168.8.1/24 dev s0
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up
conf a.test ""
: >"$work/dhcpd.leases"
ip netns exec "$server" "$dhcpd" -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
  --no-pid s0 >"$work/dhcpd.log" 2>&1 &
pid=$!
wait_for "^Server starting service."

got=$(lease_for 02:00:00:00:88:01)
[ "$got" = "ip=192.168.8.100 domain=a.test" ] || fail "first lease: $got"
echo "ok   served from the first configuration: $got"

echo "subnet 192.168.8.0 netmask 255.255.255.0 { range 192.168.8.100 }" >"$work/dhcpd.conf"
kill -HUP "$pid"
wait_for "errors in the new configuration; keeping the running one"
got=$(lease_for 02:00:00:00:88:01)
[ "$got" = "ip=192.168.8.100 domain=a.test" ] || fail "after a bad reload: $got"
echo "ok   a bad configuration keeps the running one: $got"

conf b.test "range 192.168.8.150 192.168.8.150;"
kill -HUP "$pid"
wait_for "^Reloaded $work/dhcpd.conf"
got=$(lease_for 02:00:00:00:88:02)
[ "$got" = "ip=192.168.8.150 domain=b.test" ] || fail "after a good reload: $got"
echo "ok   a good configuration takes over, with its new range: $got"

# The range goes away again: its lease is dropped as ISC drops it on a restart ("no subnet"),
# and the rewritten lease file no longer holds it.
conf c.test ""
kill -HUP "$pid"
wait_for "lease 192.168.8.150: no subnet."
for _ in $(seq 100); do
  grep -q "^lease 192.168.8.150 " "$work/dhcpd.leases" || break
  sleep 0.05
done
grep -q "^lease 192.168.8.150 " "$work/dhcpd.leases" && fail "removed range's lease still in the file"
grep -q "^lease 192.168.8.100 " "$work/dhcpd.leases" || fail "the kept range's lease was lost"
echo "ok   a removed range's lease is dropped from the store and the file"

# Back again: the address is free for anyone, as after a restart.
conf d.test "range 192.168.8.150 192.168.8.150;"
kill -HUP "$pid"
for _ in $(seq 200); do
  [ "$(grep -c "^Reloaded" "$work/dhcpd.log")" -ge 3 ] && break
  sleep 0.05
done
[ "$(grep -c "^Reloaded" "$work/dhcpd.log")" -ge 3 ] || fail "the third reload was not logged"
got=$(lease_for 02:00:00:00:88:03)
[ "$got" = "ip=192.168.8.150 domain=d.test" ] || fail "after the range came back: $got"
echo "ok   the range comes back free: $got"
kill -0 "$pid" || fail "dhcpd exited"
