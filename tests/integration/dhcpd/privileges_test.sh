#!/usr/bin/env bash
# -user, -group and -chroot, as Debian's ISC dhcpd takes them in OPTIONS: the daemon must run as
# the user with CAP_NET_RAW alone, still lease to a real client (busybox udhcpc) and write the
# lease, still open an interface named on its command line that appears after the drop, find
# its PID and lease files inside the chroot, and refuse bad names with ISC's messages.
#   privileges_test.sh DHCPD
set -euo pipefail
dhcpd=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) is not installed"; exit 77; }
getent passwd nobody >/dev/null && getent group nogroup >/dev/null \
  || { echo "SKIP: no nobody user or nogroup group"; exit 77; }

source "$(dirname "$0")/../../support/netns_test.sh"
server=sb-pv-s-$$
client=sb-pv-c-$$
make_work pv
chmod 755 "$work"
log=$work/dhcpd.log
fail() { echo "FAIL: $*"; echo "--- dhcpd log"; cat "$log" 2>/dev/null; exit 1; }
status_field() { awk -v f="$2:" '$1 == f {print $2, $3, $4, $5}' "/proc/$1/status"; }

cat >"$work/dhcpd.conf" <<'CONF'
authoritative;
default-lease-time 600;
max-lease-time 7200;
subnet 192.168.41.0 netmask 255.255.255.0 { range 192.168.41.100 192.168.41.149; }
subnet 192.168.42.0 netmask 255.255.255.0 { range 192.168.42.100 192.168.42.149; }
CONF
cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "ip=\$ip" >"$work/udhcpc.lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"

add_namespaces "$server" "$client"
link() {  # link N: veth sN (server, 192.168.4N.1) <-> cN (client)
  ip link add "s$1" netns "$server" type veth peer name "c$1" netns "$client"
  ip -n "$server" addr add "192.168.4$1.1/24" dev "s$1"
  ip -n "$server" link set "s$1" up
  ip -n "$client" link set "c$1" up
}
lease_on() {  # lease_on N: udhcpc on cN must be bound in 192.168.4N.0/24
  rm -f "$work/udhcpc.lease"
  timeout 30 ip netns exec "$client" busybox udhcpc -i "c$1" -f -q -n -t 5 -T 1 \
    -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 \
    || fail "udhcpc on c$1 got no lease: $(cat "$work/udhcpc.log")"
  grep -Eqx "ip=192\.168\.4$1\.1[0-4][0-9]" "$work/udhcpc.lease" \
    || fail "udhcpc on c$1 bound with: $(cat "$work/udhcpc.lease")"
  cut -d= -f2 "$work/udhcpc.lease"
}
link 1

# 1. -user nobody -group nogroup: the lease directory belongs to nobody, as it must for ISC.
mkdir "$work/leases"
: >"$work/leases/dhcpd.leases"
chown -R nobody:nogroup "$work/leases"
ip netns exec "$server" "$dhcpd" -f -d -user nobody -group nogroup -cf "$work/dhcpd.conf" \
  -lf "$work/leases/dhcpd.leases" --no-pid s1 s2 >"$log" 2>&1 &
pid=$!
track "$pid"
wait_for "$log" "^Listening on LPF/s1/"
wait_for "$log" "Waiting for s2: missing"
for _ in $(seq 100); do [ "$(status_field "$pid" Uid)" = "65534 65534 65534 65534" ] && break; sleep 0.05; done
[ "$(status_field "$pid" Uid)" = "65534 65534 65534 65534" ] \
  || fail "uids are $(status_field "$pid" Uid), not nobody's"
[ "$(status_field "$pid" Gid)" = "65534 65534 65534 65534" ] \
  || fail "gids are $(status_field "$pid" Gid), not nogroup's"
groups=$(awk '$1 == "Groups:" {$1 = ""; print}' "/proc/$pid/status" | xargs)
[ "$groups" = 65534 ] || fail "supplementary groups are '$groups', not nogroup"
effective=$(awk '$1 == "CapEff:" {print $2}' "/proc/$pid/status")
permitted=$(awk '$1 == "CapPrm:" {print $2}' "/proc/$pid/status")
[ "$effective" = 0000000000002000 ] && [ "$permitted" = 0000000000002000 ] \
  || fail "capabilities effective $effective permitted $permitted, not CAP_NET_RAW alone"
echo "ok   running as nobody:nogroup with CAP_NET_RAW alone"
address=$(lease_on 1)
grep -q "^lease $address {" "$work/leases/dhcpd.leases" || fail "lease $address not written"
echo "ok   udhcpc leased $address from the unprivileged server; the lease is in the file"
# An interface named on the command line that comes after the drop is still opened.
link 2
wait_for "$log" "^Listening on LPF/s2/"
address=$(lease_on 2)
grep -q "^lease $address {" "$work/leases/dhcpd.leases" || fail "lease $address not written"
echo "ok   s2, created after the drop, was opened and leased $address"
kill "$pid"
wait "$pid" 2>/dev/null || true

# 2. -chroot: the PID and lease files are inside it; the configuration is read before it.
root=$work/root
mkdir -p "$root/leases"
: >"$root/leases/dhcpd.leases"
chown -R nobody:nogroup "$root/leases"
ip netns exec "$server" "$dhcpd" -d -user nobody -chroot "$root" -cf "$work/dhcpd.conf" \
  -lf /leases/dhcpd.leases -pf /dhcpd.pid s1 >"$log" 2>&1 &
pid=$!
track "$pid"
wait_for "$log" "^Listening on LPF/s1/"
[ "$(readlink "/proc/$pid/root")" = "$root" ] || fail "root is $(readlink "/proc/$pid/root")"
wait_for "$root/dhcpd.pid" "^$pid\$"
address=$(lease_on 1)
grep -q "^lease $address {" "$root/leases/dhcpd.leases" \
  || fail "lease $address not in the chroot's lease file"
echo "ok   chrooted to $root: PID file and lease file inside it, $address leased"
kill "$pid"
wait "$pid" 2>/dev/null || true

# 3. Refusals, with ISC's words, before anything is opened.
expect_refusal() {  # expect_refusal MESSAGE COMMAND...
  local message=$1
  shift
  if "$@" >"$work/refusal.log" 2>&1; then fail "started: $*"; fi
  grep -qxF "dhcpd: $message" "$work/refusal.log" \
    || fail "'$*' said: $(cat "$work/refusal.log"), not 'dhcpd: $message'"
  echo "ok   $message"
}
common=(-f -cf "$work/dhcpd.conf" -lf "$work/leases/dhcpd.leases" --no-pid)
expect_refusal "no such user: sb-no-such-user" "$dhcpd" "${common[@]}" -user sb-no-such-user
expect_refusal "no such group: sb-no-such-group" \
  "$dhcpd" "${common[@]}" -user nobody -group sb-no-such-group
expect_refusal "no such group: sb-no-such-group" "$dhcpd" "${common[@]}" -group sb-no-such-group
expect_refusal "you must be root to set user" \
  setpriv --reuid=65534 --regid=65534 --clear-groups "$dhcpd" "${common[@]}" -user nobody
expect_refusal "chroot $work/no-such-dir: No such file or directory" \
  "$dhcpd" "${common[@]}" -chroot "$work/no-such-dir"
echo "PASS"
