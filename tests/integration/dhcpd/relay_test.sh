#!/usr/bin/env bash
# A client behind a DHCP relay: three namespaces, two links, two subnets.
#   server  s0 10.77.1.1/24     ---  r0 10.77.1.2/24      relay (isc-dhcp-relay, forwards)
#   relay   r1 192.168.77.1/24  ---  c0                   client (ISC dhclient)
# dhcpd has no interface in 192.168.77.0/24: it serves that subnet only through the relay's
# giaddr. The client must get an address there with that subnet's options, dhcpd must log
# ISC's `... via <giaddr>` lines (and name the client in them as ISC does: a new client, a
# returning one, a declared host's fixed address), and the lease must be in dhcpd.leases. The
# same script passes against ISC dhcpd (/usr/sbin/dhcpd), which is how those lines were checked.
#   relay_test.sh DHCPD
set -euo pipefail
dhcpd=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
command -v dhcrelay >/dev/null || { echo "SKIP: isc-dhcp-relay is not installed"; exit 77; }
command -v dhclient >/dev/null || { echo "SKIP: isc-dhcp-client is not installed"; exit 77; }

source "$(dirname "$0")/../../support/netns_test.sh"
server=sb-rl-s-$$
relay=sb-rl-r-$$
client=sb-rl-c-$$
mac=02:00:00:00:77:21
giaddr=192.168.77.1
make_work relay
fail() {
  echo "FAIL: $*"
  for log in dhcpd dhcrelay dhclient; do
    echo "--- $log log"
    [ -f "$work/$log.log" ] && cat "$work/$log.log"
  done
  exit 1
}

# The server's own subnet is declared without a range (ISC needs its interface's subnet
# declared); only the relayed subnet has addresses.
cat >"$work/dhcpd.conf" <<'CONF'
authoritative;
default-lease-time 600;
max-lease-time 7200;
option domain-name "relayed.test";
subnet 10.77.1.0 netmask 255.255.255.0 {
}
subnet 192.168.77.0 netmask 255.255.255.0 {
  range 192.168.77.100 192.168.77.149;
  option routers 192.168.77.1;
  option domain-name-servers 10.77.1.53;
  option broadcast-address 192.168.77.255;
  default-lease-time 900;
}
host fixedpc {
  hardware ethernet 02:00:00:00:77:33;
  fixed-address 192.168.77.33;
}
CONF
: >"$work/dhcpd.leases"

add_namespaces "$server" "$relay" "$client"
ip link add s0 netns "$server" type veth peer name r0 netns "$relay"
ip link add r1 netns "$relay" type veth peer name c0 netns "$client"
ip -n "$client" link set c0 address "$mac"
ip -n "$server" addr add 10.77.1.1/24 dev s0
ip -n "$relay" addr add 10.77.1.2/24 dev r0
ip -n "$relay" addr add "$giaddr/24" dev r1
ip -n "$server" link set s0 up
ip -n "$relay" link set r0 up
ip -n "$relay" link set r1 up
ip -n "$client" link set c0 up
# Replies go back to the giaddr; later unicast (renewals) crosses the relay as a router.
ip -n "$server" route add 192.168.77.0/24 via 10.77.1.2
ip netns exec "$relay" sysctl -q -w net.ipv4.ip_forward=1

start_dhcpd() {  # appends to dhcpd.log; its pid is dhcpdPid
  ip netns exec "$server" "$dhcpd" -4 -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
    --no-pid s0 >>"$work/dhcpd.log" 2>&1 &
  dhcpdPid=$!
  track "$dhcpdPid"
}
start_dhcpd
wait_for "$work/dhcpd.log" "^Listening on " 10
# -a adds option 82 (circuit id r1); with -D a reply without it back is dropped.
ip netns exec "$relay" dhcrelay -4 -d --no-pid -a -D -id r1 -iu r0 10.77.1.1 \
  >"$work/dhcrelay.log" 2>&1 &
track $!
wait_for "$work/dhcrelay.log" "^Sending on " 10

cat >"$work/dhclient.script" <<SCRIPT
#!/bin/sh
case "\$reason" in BOUND|RENEW|REBOOT)
  echo "ip=\$new_ip_address mask=\$new_subnet_mask routers=\$new_routers" \
    "dns=\$new_domain_name_servers domain=\$new_domain_name lease=\$new_dhcp_lease_time" \
    "server=\$new_dhcp_server_identifier" >"$work/dhclient.lease";;
esac
exit 0
SCRIPT
chmod +x "$work/dhclient.script"
printf 'send host-name "%s";\n' relayclient >"$work/dhclient.conf"
# boot ROUND IP [remember]: dhclient with no memory of earlier leases (a DISCOVER), or with its
# lease file (an INIT-REBOOT REQUEST), until it is bound to an address matching IP with the
# relayed subnet's options.
boot() {
  local want="ip=$2 mask=255\.255\.255\.0 routers=192\.168\.77\.1 dns=10\.77\.1\.53"
  want+=" domain=relayed\.test lease=900 server=10\.77\.1\.1"
  rm -f "$work/dhclient.lease"
  [ "${3:-}" = remember ] || rm -f "$work/dhclient.leases"
  ip -n "$client" addr flush dev c0
  local started=$SECONDS
  ip netns exec "$client" dhclient -d -4 -cf "$work/dhclient.conf" -sf "$work/dhclient.script" \
    -lf "$work/dhclient.leases" -pf "$work/dhclient.pid" c0 >"$work/dhclient.log" 2>&1 &
  track $!
  wait_for "$work/dhclient.lease" "^ip=" 60
  grep -Eqx "$want" "$work/dhclient.lease" \
    || fail "dhclient bound with: $(cat "$work/dhclient.lease")"
  echo "ok   $1 boot behind the relay, $((SECONDS - started)) s: $(cat "$work/dhclient.lease")"
  stop_last
}
logged=0    # dhcpd log lines already checked
expect_lines() {  # expect_lines LINE...: the DORA lines dhcpd logged since the last check
  local got
  got=$(tail -n "+$((logged + 1))" "$work/dhcpd.log" | grep -E "^DHCP(DISCOVER|OFFER|REQUEST|ACK)" \
    || true)
  logged=$(wc -l <"$work/dhcpd.log")
  [ "$got" = "$(printf '%s\n' "$@")" ] || fail "dhcpd logged, expected: $(printf '\n  %s' "$@")"
  printf 'ok   %s\n' "$@"
}

# ISC's log lines for a relayed client name the relay's giaddr where a local one names the
# interface. The first DISCOVER of a new client shows no hostname; the other lines show the
# one it sent (option 12), and so does its next DISCOVER, with a lease on file.
boot first '192\.168\.77\.1[0-4][0-9]'
address=$(sed -n 's/^ip=\([0-9.]*\) .*/\1/p' "$work/dhclient.lease")
who="$mac (relayclient)"
dora=("DHCPOFFER on $address to $who via $giaddr"
      "DHCPREQUEST for $address (10.77.1.1) from $who via $giaddr"
      "DHCPACK on $address to $who via $giaddr")
expect_lines "DHCPDISCOVER from $mac via $giaddr" "${dora[@]}"
grep -q "^lease $address {" "$work/dhcpd.leases" || fail "no lease for $address in dhcpd.leases"
grep -q "hardware ethernet $mac;" "$work/dhcpd.leases" || fail "no lease for $mac in dhcpd.leases"
boot second "${address//./\\.}"
expect_lines "DHCPDISCOVER from $who via $giaddr" "${dora[@]}"

# The server lost its leases (restarted on an empty file); the client reboots remembering its
# address. ISC ACKs the INIT-REBOOT REQUEST and names the client in the ACK line only.
kill "$dhcpdPid"; wait "$dhcpdPid" 2>/dev/null || true
: >"$work/dhcpd.leases"
logged=$(wc -l <"$work/dhcpd.log")
start_dhcpd
for _ in $(seq 200); do
  [ "$(grep -c "^Listening on " "$work/dhcpd.log")" -ge 2 ] && break
  sleep 0.05
done
[ "$(grep -c "^Listening on " "$work/dhcpd.log")" -ge 2 ] || fail "dhcpd did not start again"
boot init-reboot "${address//./\\.}" remember
expect_lines "DHCPREQUEST for $address from $mac via $giaddr" \
  "DHCPACK on $address to $who via $giaddr"

# A declared host's fixed address: ISC's lease for it is made up and nameless, so no line
# names the client.
fixedMac=02:00:00:00:77:33
ip -n "$client" link set c0 address "$fixedMac"
boot fixed-address '192\.168\.77\.33'
expect_lines "DHCPDISCOVER from $fixedMac via $giaddr" \
  "DHCPOFFER on 192.168.77.33 to $fixedMac via $giaddr" \
  "DHCPREQUEST for 192.168.77.33 (10.77.1.1) from $fixedMac via $giaddr" \
  "DHCPACK on 192.168.77.33 to $fixedMac via $giaddr"

# dhcrelay -a -D drops any reply that does not carry back the option 82 it added, so the
# leases above also show dhcpd echoing it.
echo "relayed clients got $address and 192.168.77.33 from $dhcpd via $giaddr"
