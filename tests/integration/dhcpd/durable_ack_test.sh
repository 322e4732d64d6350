#!/usr/bin/env bash
# An ACK leaves only once its lease is durable: with the lease file's file system full, the
# DHCPREQUEST gets no ACK (the client gets no lease) and dhcpd says why; the OFFER, which
# writes nothing, still goes out. Checked with busybox udhcpc in a namespace.
#   durable_ack_test.sh DHCPD
set -euo pipefail
dhcpd=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces and mounts"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }

server=sb-dur-s-$$
client=sb-dur-c-$$
work=$(mktemp -d /tmp/snowboot-dur-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  umount "$work/fs" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- dhcpd log"; cat "$work/dhcpd.log"; exit 1; }
wait_for() {
  for _ in $(seq 200); do grep -q "$1" "$work/dhcpd.log" && return 0; sleep 0.05; done
  fail "dhcpd never said '$1'"
}

mkdir "$work/fs"
mount -t tmpfs -o size=256k tmpfs "$work/fs"
cat >"$work/dhcpd.conf" <<'CONF'
default-lease-time 600;
subnet 192.168.6.0 netmask 255.255.255.0 { range 192.168.6.100 192.168.6.110; }
CONF
ip netns add "$server"
ip netns add "$client"
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 192.168.6.1/24 dev s0
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up
ip netns exec "$server" "$dhcpd" -f -d -cf "$work/dhcpd.conf" -lf "$work/fs/dhcpd.leases" \
  --no-pid s0 >"$work/dhcpd.log" 2>&1 &
pid=$!
wait_for "^Server starting service."
# Fill the file system so that every append to dhcpd.leases fails: first pad the lease file
# with a comment (legal in dhcpd.leases; dhcpd appends with O_APPEND) to the end of its last
# page, whose slack would otherwise still take a record, then fill the rest.
size=$(stat -c %s "$work/fs/dhcpd.leases")
slack=$(( (4096 - (size + 2) % 4096) % 4096 ))
{ printf '#'; head -c "$slack" /dev/zero | tr '\0' ' '; printf '\n'; } >>"$work/fs/dhcpd.leases"
dd if=/dev/zero of="$work/fs/filler" bs=4k >/dev/null 2>&1 || true
dd if=/dev/zero of="$work/fs/filler2" bs=1 >/dev/null 2>&1 || true

cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "ip=\$ip" >"$work/lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"
if timeout 30 ip netns exec "$client" busybox udhcpc -i c0 -f -q -n -t 3 -T 1 \
    -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1; then
  fail "udhcpc got a lease that was never written: $(cat "$work/lease")"
fi
grep -q "^DHCPOFFER on 192.168.6.100" "$work/dhcpd.log" || fail "no DHCPOFFER"
grep -q "lease not recorded, no reply sent" "$work/dhcpd.log" || fail "no reason given"
grep -q "^DHCPACK" "$work/dhcpd.log" && fail "an ACK was logged"
echo "ok   file system full: offers go out, no ACK without a durable lease"
