#!/usr/bin/env bash
# Which address a new client is offered, as ISC dhcpd 4.4.3-P1 decides it (measured beside it
# with these very cases): never-used addresses in its hash walk's order, the runs between the
# leases read at start last run first; a range holding a multiple of 100003 from there; offers
# never claimed and released leases behind every never-used address.
#   free_order_test.sh DHCPD DHCP_EXCHANGE    (DHCPD: ours, or ISC's /usr/sbin/dhcpd: both pass)
set -euo pipefail
dhcpd=$1
exchange_tool=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

source "$(dirname "$0")/../../support/netns_test.sh"
server=sb-fo-s-$$
client=sb-fo-c-$$
make_work fo
fail() { echo "FAIL: $*"; echo "--- dhcpd log"; cat "$work/dhcpd.log" 2>/dev/null; exit 1; }

add_namespaces "$server" "$client"
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up

lease() {  # lease ADDRESS STATE ENDS: a lease record for the file read at start
  printf 'lease %s {\n  starts 1 2025/01/06 10:00:00;\n  ends %s;\n  binding state %s;\n' "$1" "$3" "$2"
  [ "$2" = active ] && printf '  next binding state free;\n'
  printf '  hardware ethernet 02:00:00:00:77:%02x;\n}\n' "${1##*.}"
}
future='4 2036/11/27 10:00:00'
past='1 2025/01/06 11:00:00'

# run_case NAME NETWORK FIRST LAST LEASES ACTIONS EXPECTED
#   ACTIONS: dora (DISCOVER, REQUEST), offer (DISCOVER only), release (DORA, then RELEASE)
#   EXPECTED: the last octets offered, in order; "-" for no offer
run_case() {
  local name=$1 network=$2 first=$3 last=$4 leases=$5 actions=$6 expected=$7
  local server_ip=$network.1
  ip -n "$server" addr flush dev s0
  ip -n "$client" addr flush dev c0
  ip -n "$server" addr add "$server_ip/24" dev s0
  ip -n "$client" addr add "$network.2/24" dev c0
  printf 'authoritative;\nping-check false;\ndefault-lease-time 600;\nmax-lease-time 7200;\n%s\n' \
    "subnet $network.0 netmask 255.255.255.0 { range $network.$first $network.$last; }" \
    >"$work/dhcpd.conf"
  printf '%s' "$leases" >"$work/dhcpd.leases"
  : >"$work/dhcpd.log"
  ip netns exec "$server" "$dhcpd" -4 -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
    -pf "$work/dhcpd.pid" s0 >"$work/dhcpd.log" 2>&1 &
  track $!
  wait_for "$work/dhcpd.log" "^Server starting service"
  local got=() i=0 action mac line yiaddr
  for action in $actions; do
    i=$((i + 1))
    mac=$(printf '02:aa:00:00:%02x:%02x' "${#got[@]}" "$i")
    line=$(ip netns exec "$client" "$exchange_tool" --interface c0 --type discover --mac "$mac" \
      --xid "$((0x7000 + i))" --timeout-ms 1500) || true
    yiaddr=$(sed -nE 's/.* yiaddr=([0-9.]+) .*/\1/p' <<<"$line")
    got+=("${yiaddr:+${yiaddr##*.}}")
    [ -n "$yiaddr" ] || { got[-1]=-; continue; }
    [ "$action" = offer ] && continue
    ip netns exec "$client" "$exchange_tool" --interface c0 --type request --mac "$mac" \
      --xid "$((0x7000 + i))" --requested "$yiaddr" --server-id "$server_ip" >/dev/null \
      || fail "$name: no ACK for $yiaddr"
    [ "$action" = release ] || continue
    ip netns exec "$client" "$exchange_tool" --interface c0 --type release --mac "$mac" \
      --xid "$((0x7000 + i))" --ciaddr "$yiaddr" --server-id "$server_ip" --to "$server_ip" \
      --timeout-ms 300 >/dev/null || true
    wait_for "$work/dhcpd.log" "^DHCPRELEASE of $yiaddr "
  done
  stop_last
  [ "${got[*]}" = "$expected" ] || fail "$name: offered ${got[*]}, ISC offers $expected"
  echo "ok   $name: $expected"
}

net=10.77.0
run_case "empty lease file" $net 10 20 "" "dora dora dora dora" "10 11 12 13"
run_case "active .15" $net 10 20 "$(lease $net.15 active "$future")" \
  "dora dora dora dora dora dora" "16 17 18 19 20 10"
run_case "active .10" $net 10 20 "$(lease $net.10 active "$future")" "dora dora dora" "11 12 13"
run_case "active .13 and .17" $net 10 20 \
  "$(lease $net.13 active "$future"; lease $net.17 active "$future")" \
  "dora dora dora dora dora dora dora dora dora dora" "18 19 20 14 15 16 10 11 12 -"
run_case "free .12, ended" $net 10 20 "$(lease $net.12 free "$past")" \
  "dora dora dora dora dora dora dora dora dora dora dora dora" "13 14 15 16 17 18 19 20 10 11 12 -"
run_case "active .12, ended while stopped" $net 10 20 "$(lease $net.12 active "$past")" \
  "dora dora dora dora dora dora dora dora dora dora dora" "13 14 15 16 17 18 19 20 10 11 12"
run_case "offers never claimed" $net 10 20 "" "offer offer dora offer dora" "10 11 12 13 14"
run_case "released" $net 10 20 "" "release dora dora dora dora dora dora dora dora dora dora dora" \
  "10 11 12 13 14 15 16 17 18 19 20 10"
run_case "range holding a multiple of 100003" 10.78.82 220 235 "" \
  "dora dora dora dora dora dora dora dora dora dora dora dora dora dora dora dora" \
  "227 228 229 230 231 232 233 234 235 220 221 222 223 224 225 226"
