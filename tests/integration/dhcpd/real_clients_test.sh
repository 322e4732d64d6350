#!/usr/bin/env bash
# snowboot's dhcpd with real DHCP clients, each in its own namespace across a veth pair:
# busybox udhcpc (unicast and broadcast replies), ISC dhclient and dhcpcd must each get an
# address with the configured options. dhcpd is started before its interface exists and must
# wait for it (netlink), as an early-boot unit would. The lease file must hold every ACK.
#   real_clients_test.sh DHCPD
set -euo pipefail
dhcpd=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v busybox >/dev/null || { echo "SKIP: busybox is not installed"; exit 77; }
command -v dhclient >/dev/null || { echo "SKIP: isc-dhcp-client is not installed"; exit 77; }
command -v dhcpcd >/dev/null || { echo "SKIP: dhcpcd-base is not installed"; exit 77; }

source "$(dirname "$0")/../../support/netns_test.sh"
server=sb-rc-s-$$
client=sb-rc-c-$$
make_work rc
fail() { echo "FAIL: $*"; echo "--- dhcpd log"; cat "$work/dhcpd.log"; exit 1; }

cat >"$work/dhcpd.conf" <<'CONF'
authoritative;
default-lease-time 600;
max-lease-time 7200;
option domain-name "pxelab.test";
option domain-name-servers 192.168.7.1;
subnet 192.168.7.0 netmask 255.255.255.0 {
  range 192.168.7.100 192.168.7.149;
  option routers 192.168.7.1;
  next-server 192.168.7.1;
  filename "pxelinux.0";
}
CONF

add_namespaces "$server" "$client"
: >"$work/dhcpd.leases"
ip netns exec "$server" "$dhcpd" -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
  --no-pid s0 >"$work/dhcpd.log" 2>&1 &
track $!
wait_for "$work/dhcpd.log" "Waiting for s0: missing"
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 192.168.7.1/24 dev s0
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up
wait_for "$work/dhcpd.log" "^Listening on LPF/s0/"

# busybox udhcpc: unicast replies, then with the broadcast flag.
cat >"$work/udhcpc.script" <<SCRIPT
#!/bin/sh
[ "\$1" = bound ] && echo "ip=\$ip mask=\$mask router=\$router dns=\$dns domain=\$domain" \
  "lease=\$lease siaddr=\$siaddr boot_file=\$boot_file" >"$work/udhcpc.lease"
exit 0
SCRIPT
chmod +x "$work/udhcpc.script"
for flags in "" "-B"; do
  rm -f "$work/udhcpc.lease"
  timeout 30 ip netns exec "$client" busybox udhcpc -i c0 -f -q -n -t 5 -T 1 $flags \
    -O router -O dns -O domain -s "$work/udhcpc.script" >"$work/udhcpc.log" 2>&1 \
    || fail "udhcpc $flags got no lease: $(cat "$work/udhcpc.log")"
  want="ip=192.168.7.1[0-4][0-9] mask=24 router=192.168.7.1 dns=192.168.7.1 domain=pxelab.test"
  want+=" lease=600 siaddr=192.168.7.1 boot_file=pxelinux.0"
  grep -Eqx "$want" "$work/udhcpc.lease" \
    || fail "udhcpc $flags bound with: $(cat "$work/udhcpc.lease")"
  echo "ok   udhcpc $flags: $(cat "$work/udhcpc.lease")"
done

# ISC dhclient (its own hardware address: give c0 a new one so it is a new client).
ip -n "$client" link set c0 address 02:00:00:00:77:02
cat >"$work/dhclient.script" <<SCRIPT
#!/bin/sh
case "\$reason" in BOUND|RENEW|REBOOT)
  echo "ip=\$new_ip_address mask=\$new_subnet_mask routers=\$new_routers" \
    "dns=\$new_domain_name_servers domain=\$new_domain_name lease=\$new_dhcp_lease_time" \
    "server=\$new_dhcp_server_identifier file=\$new_filename" >"$work/dhclient.lease";;
esac
exit 0
SCRIPT
chmod +x "$work/dhclient.script"
ip netns exec "$client" dhclient -d -4 -sf "$work/dhclient.script" -lf "$work/dhclient.leases" \
  -pf "$work/dhclient.pid" c0 >"$work/dhclient.log" 2>&1 &
track $!
wait_for "$work/dhclient.lease" "^ip="
common="mask=255.255.255.0 routers=192.168.7.1 dns=192.168.7.1 domain=pxelab.test lease=600"
common+=" server=192.168.7.1"
grep -Eqx "ip=192.168.7.1[0-4][0-9] $common file=pxelinux.0" "$work/dhclient.lease" \
  || fail "dhclient bound with: $(cat "$work/dhclient.lease")"
echo "ok   dhclient: $(cat "$work/dhclient.lease")"
stop_last

# dhcpcd (sends a DUID client identifier): one shot, in the foreground, no ARP probe.
ip -n "$client" addr flush dev c0
ip -n "$client" link set c0 address 02:00:00:00:77:03
cat >"$work/dhcpcd.script" <<SCRIPT
#!/bin/sh
case "\$reason" in BOUND|REBOOT)
  echo "ip=\$new_ip_address mask=\$new_subnet_mask routers=\$new_routers" \
    "dns=\$new_domain_name_servers domain=\$new_domain_name lease=\$new_dhcp_lease_time" \
    "server=\$new_dhcp_server_identifier" >"$work/dhcpcd.lease";;
esac
exit 0
SCRIPT
chmod +x "$work/dhcpcd.script"
printf 'option domain_name_servers, domain_name, routers\n' >"$work/dhcpcd.conf"
timeout 40 ip netns exec "$client" dhcpcd -f "$work/dhcpcd.conf" -4 -1 -B --noarp -t 30 \
  -c "$work/dhcpcd.script" c0 >"$work/dhcpcd.log" 2>&1 || fail "dhcpcd: $(cat "$work/dhcpcd.log")"
[ -f "$work/dhcpcd.lease" ] || fail "dhcpcd never bound: $(cat "$work/dhcpcd.log")"
grep -Eqx "ip=192.168.7.1[0-4][0-9] $common" "$work/dhcpcd.lease" \
  || fail "dhcpcd bound with: $(cat "$work/dhcpcd.lease")"
echo "ok   dhcpcd: $(cat "$work/dhcpcd.lease")"

# Every ACK was made durable: the lease file names each client's hardware address.
for mac in 02:00:00:00:77:02 02:00:00:00:77:03; do
  grep -q "hardware ethernet $mac;" "$work/dhcpd.leases" || fail "no lease for $mac in dhcpd.leases"
done
acks=$(grep -c "^DHCPACK on 192.168.7" "$work/dhcpd.log" || true)
[ "$acks" -ge 4 ] || fail "expected at least 4 DHCPACKs in the log, found $acks"
echo "udhcpc, dhclient and dhcpcd all got leases from snowboot dhcpd"
