#!/usr/bin/env bash
# dhcpd as init scripts start it: no -f, so it detaches once it serves, returns 0, writes the
# pid file; a named interface that is missing is waited for in the background; SIGTERM stops
# it and removes the pid file. A client (busybox udhcpc) is served by the detached daemon, and
# its log lines reach a syslog daemon (busybox syslogd on /dev/log, in a private mount
# namespace) in syslog(3)'s format, stamped with the detached process's pid.
#   daemon_test.sh DHCPD
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }
if [ -z "${SNOWBOOT_TEST_PRIVATE_DEV:-}" ]; then
  SNOWBOOT_TEST_PRIVATE_DEV=1 exec unshare --mount --propagation private "$0" "$@"
fi
dhcpd=$1

server=sb-dmn-s-$$
client=sb-dmn-c-$$
work=$(mktemp -d /tmp/snowboot-dmn-XXXXXX)
syslogd=
cleanup() {
  if [ -s "$work/dhcpd.pid" ]; then kill "$(cat "$work/dhcpd.pid")" 2>/dev/null || true; fi
  if [ -n "$syslogd" ]; then kill "$syslogd" 2>/dev/null || true; wait "$syslogd" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  umount /dev 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# This mount namespace's /dev: the few devices used here and a syslog daemon's /dev/log.
mkdir "$work/dev"
for device in null:1:3 zero:1:5 random:1:8 urandom:1:9; do
  IFS=: read -r name major minor <<<"$device"
  mknod -m 666 "$work/dev/$name" c "$major" "$minor"
done
ln -s /proc/self/fd "$work/dev/fd"
mount --bind "$work/dev" /dev
busybox syslogd -n -O "$work/syslog" >/dev/null 2>&1 &
syslogd=$!
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
[ -S /dev/log ] || fail "busybox syslogd did not create /dev/log"

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

# busybox writes "Nov 26 13:10:00 host daemon.info dhcpd[PID]: text" for glibc's format.
for _ in $(seq 50); do grep -q "DHCPACK on 192.168.9.100" "$work/syslog" 2>/dev/null && break; sleep 0.1; done
for line in "DHCPDISCOVER from [0-9a-f:]* via s0" "DHCPOFFER on 192.168.9.100 to [0-9a-f:]* via s0" \
    "DHCPREQUEST for 192.168.9.100 (192.168.9.1) from [0-9a-f:]* via s0" \
    "DHCPACK on 192.168.9.100 to [0-9a-f:]* via s0"; do
  grep -q "^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} [^ ]* daemon.info dhcpd\[$pid\]: $line\$" \
    "$work/syslog" || fail "syslog has no '$line' from dhcpd[$pid]: $(cat "$work/syslog")"
done
echo "ok   syslog got the exchange's four lines from dhcpd[$pid]"

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "dhcpd did not stop on SIGTERM"
[ ! -e "$work/dhcpd.pid" ] || fail "the pid file was left behind"
echo "ok   SIGTERM stops it and removes the pid file"
