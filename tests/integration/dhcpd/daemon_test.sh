#!/usr/bin/env bash
# dhcpd as init scripts start it: no -f, so it detaches once it serves, returns 0, writes the
# pid file; a named interface that is missing is waited for in the background; SIGTERM stops
# it and removes the pid file. A client (busybox udhcpc) is served by the detached daemon.
#   daemon_test.sh DHCPD
set -euo pipefail
dhcpd=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }

server=sb-dmn-s-$$
client=sb-dmn-c-$$
work=$(mktemp -d /tmp/snowboot-dmn-XXXXXX)
cleanup() {
  if [ -s "$work/dhcpd.pid" ]; then kill "$(cat "$work/dhcpd.pid")" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$work/dhcpd.conf" <<'CONF'
default-lease-time 600;
subnet 192.168.9.0 netmask 255.255.255.0 { range 192.168.9.100 192.168.9.110; }
CONF
ip netns add "$server"
ip netns add "$client"
: >"$work/dhcpd.leases"
# The interface does not exist yet: start-up still succeeds, the daemon waits for it.
timeout 20 ip netns exec "$server" "$dhcpd" -q -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
  -pf "$work/dhcpd.pid" s0 || fail "dhcpd did not detach with status 0"
pid=$(cat "$work/dhcpd.pid")
kill -0 "$pid" || fail "no process $pid from the pid file"
echo "ok   detached, pid $pid"

ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 192.168.9.1/24 dev s0
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up
cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "ip=\$ip serverid=\$serverid" >"$work/lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"
timeout 30 ip netns exec "$client" busybox udhcpc -i c0 -f -q -n -t 10 -T 1 \
  -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 || fail "udhcpc: $(cat "$work/udhcpc.log")"
[ "$(cat "$work/lease")" = "ip=192.168.9.100 serverid=192.168.9.1" ] \
  || fail "udhcpc bound with $(cat "$work/lease")"
echo "ok   the detached daemon served s0 once it appeared: $(cat "$work/lease")"

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "dhcpd did not stop on SIGTERM"
[ ! -e "$work/dhcpd.pid" ] || fail "the pid file was left behind"
echo "ok   SIGTERM stops it and removes the pid file"
