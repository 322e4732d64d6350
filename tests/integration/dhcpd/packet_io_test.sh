#!/usr/bin/env bash
# dhcpd/io with a real client: dhcp_io_probe is started before its interface exists, must say
# it waits, start serving once the interface appears and gets its address (netlink), then
# busybox udhcpc in another namespace gets the offered address through captured and injected
# raw frames, with and without the broadcast flag.
set -euo pipefail
probe=$1
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

server=sb-io-s-$$
client=sb-io-c-$$
work=$(mktemp -d /tmp/snowboot-io-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- probe log"; cat "$work/probe.log"; exit 1; }
wait_for_log() {
  for _ in $(seq 100); do grep -q "$1" "$work/probe.log" && return 0; sleep 0.05; done
  fail "the probe never said: $1"
}

ip netns add "$server"
ip netns add "$client"
ip netns exec "$server" "$probe" s0 192.0.2.0/24 192.0.2.50 >"$work/probe.log" 2>&1 &
pid=$!
wait_for_log "waiting for s0: missing"

ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up
wait_for_log "waiting for s0: no IPv4 address"
ip -n "$server" addr add 192.0.2.1/24 dev s0
wait_for_log "listening on s0 (192.0.2.1)"

cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "ip=\$ip mask=\$mask serverid=\$serverid lease=\$lease" >"$work/lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"

for flags in "" "-B"; do
  rm -f "$work/lease"
  timeout 30 ip netns exec "$client" busybox udhcpc -i c0 -f -q -n -t 5 -T 1 $flags \
    -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 || fail "udhcpc $flags got no lease: $(cat "$work/udhcpc.log")"
  grep -qx "ip=192.0.2.50 mask=24 serverid=192.0.2.1 lease=3600" "$work/lease" \
    || fail "udhcpc $flags bound: $(cat "$work/lease")"
done
grep -q "DHCPACK on 192.0.2.50 to .* via s0 (broadcast)" "$work/probe.log" \
  || fail "no broadcast ACK for udhcpc -B"
echo "udhcpc got 192.0.2.50 through dhcpd/io, unicast and broadcast"
