# The differential scenarios: scripted client messages (dhcp_exchange) sent to a DHCP server
# running in a namespace, each reply saved under OUT/<scenario>.dhcp and summarised in
# OUT/summary.txt. Sourced; the caller provides start_server CONF (which must leave the server
# listening on s0 in $server_ns, with its pid in $server_pid) and stop_server.
# Topology: $server_ns s0 192.168.0.1/24  <-veth->  $client_ns c0 192.168.0.2/24 + 10.99.0.1/24
# (the relay address); the server routes 10.99.0.0/24 via 192.168.0.2.

scenario_topology() {
  ip netns add "$server_ns"
  ip netns add "$client_ns"
  ip link add s0 netns "$server_ns" address 02:00:00:00:5e:01 type veth \
    peer name c0 netns "$client_ns" address 02:00:00:00:5e:02
  ip -n "$server_ns" addr add 192.168.0.1/24 dev s0
  ip -n "$client_ns" addr add 192.168.0.2/24 dev c0
  ip -n "$client_ns" addr add 10.99.0.1/24 dev c0
  ip -n "$server_ns" link set s0 up
  ip -n "$client_ns" link set c0 up
  ip -n "$server_ns" link set lo up
  ip -n "$client_ns" link set lo up
  ip -n "$server_ns" route add 10.99.0.0/24 via 192.168.0.2
}

# The server namespace's /etc/hosts and an empty resolv.conf (ip netns exec mounts them over
# /etc/...): reverse lookups for get-lease-hostnames answer from here, never from a network.
# The caller's cleanup removes /etc/netns/$server_ns.
scenario_name_files() {
  mkdir -p "/etc/netns/$server_ns"
  printf '%s\n' "127.0.0.1 localhost" "192.168.0.100 lease-100.pxelab.test lease-100" \
    "192.168.0.200 fixed-200.pxelab.test" "192.168.0.201 fixed-201.pxelab.test" \
    >"/etc/netns/$server_ns/hosts"
  : >"/etc/netns/$server_ns/resolv.conf"
}

# exchange NAME ARGS...: one message; "no reply" is a result too.
exchange() {
  local name=$1
  shift
  local line
  line=$(ip netns exec "$client_ns" "$exchange_tool" --interface c0 --save "$out/$name.dhcp" "$@") \
    || true
  echo "$name: $line" >>"$out/summary.txt"
  last_yiaddr=$(sed -nE 's/.* yiaddr=([0-9.]+) .*/\1/p' <<<"$line")
}

readonly prl=0103060f333a3b  # subnet mask, routers, DNS, domain, lease time, T1, T2
readonly prl_pxe=0103060f333a3b2b3c4243  # ... + 43, 60, 66, 67
# 29 options, 465 bytes of them with dhcpd-options.conf: more than a 576-byte reply holds.
readonly prl_many=0103060f77020407090e1112171a1c2128292a2c2e2f4041424546484a
readonly prl_no_mask=03060f2a  # routers, DNS, domain, NTP: no subnet mask

run_scenarios() {
  local conf_dir=$1
  start_server "$conf_dir/dhcpd.conf"

  exchange dora-unicast-offer --type discover --mac 52:54:00:00:00:01 --xid 0x1001 --option 55:$prl
  local first=$last_yiaddr
  exchange dora-unicast-ack --type request --mac 52:54:00:00:00:01 --xid 0x1001 \
    --requested "$first" --server-id 192.168.0.1 --option 55:$prl

  exchange dora-broadcast-offer --type discover --mac 52:54:00:00:00:02 --xid 0x1002 --broadcast \
    --option 55:$prl
  exchange dora-broadcast-ack --type request --mac 52:54:00:00:00:02 --xid 0x1002 --broadcast \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --option 55:$prl

  exchange pxe-bios-offer --type discover --mac 52:54:00:00:00:03 --xid 0x1003 \
    --option 93:0000 --option 94:010201 --text-option 60:PXEClient:Arch:00000:UNDI:002001 \
    --option 55:$prl_pxe
  exchange pxe-uefi-offer --type discover --mac 52:54:00:00:00:04 --xid 0x1004 --broadcast \
    --option 93:0007 --option 94:010300 --text-option 60:PXEClient:Arch:00007:UNDI:003016 \
    --option 55:$prl_pxe
  exchange ipxe-offer --type discover --mac 52:54:00:00:00:05 --xid 0x1005 \
    --option 93:0000 --text-option 77:iPXE --text-option 60:PXEClient:Arch:00000:UNDI:002001 \
    --option 55:$prl_pxe
  exchange bootp-fixed --type bootp --mac 52:54:00:00:00:b0 --xid 0x1006
  exchange relayed-offer --type discover --mac 52:54:00:00:00:07 --xid 0x1007 \
    --giaddr 10.99.0.1 --to 192.168.0.1 --option 55:$prl
  exchange inform --type inform --mac 52:54:00:00:00:08 --xid 0x1008 --ciaddr 192.168.0.2 \
    --to 192.168.0.1 --option 55:$prl
  exchange inform-domain-search --type inform --mac 52:54:00:00:00:08 --xid 0x1012 \
    --ciaddr 192.168.0.2 --to 192.168.0.1 --option 55:${prl}77

  exchange release --type release --mac 52:54:00:00:00:01 --xid 0x1009 --ciaddr "$first" \
    --server-id 192.168.0.1 --to 192.168.0.1 --timeout-ms 1000
  exchange rediscover-after-release --type discover --mac 52:54:00:00:00:01 --xid 0x100a \
    --option 55:$prl

  exchange decline-offer --type discover --mac 52:54:00:00:00:09 --xid 0x100b --option 55:$prl
  local declined=$last_yiaddr
  exchange decline-ack --type request --mac 52:54:00:00:00:09 --xid 0x100b \
    --requested "$declined" --server-id 192.168.0.1 --option 55:$prl
  exchange decline --type decline --mac 52:54:00:00:00:09 --xid 0x100c \
    --requested "$declined" --server-id 192.168.0.1 --timeout-ms 1000
  exchange rediscover-after-decline --type discover --mac 52:54:00:00:00:09 --xid 0x100d \
    --option 55:$prl

  exchange nak-wrong-subnet --type request --mac 52:54:00:00:00:0a --xid 0x100e \
    --requested 10.5.5.5 --option 55:$prl
  stop_server

  start_server "$conf_dir/dhcpd-deny-unknown.conf"
  exchange deny-unknown-unknown --type discover --mac 52:54:00:00:00:c0 --xid 0x1010 \
    --timeout-ms 1500
  exchange deny-unknown-known --type discover --mac 52:54:00:00:00:c1 --xid 0x1011
  stop_server

  start_server "$conf_dir/dhcpd-deny-unknown-scope.conf"
  exchange deny-unknown-scope-request --type request --mac 52:54:00:00:00:c2 --xid 0x1013 \
    --requested 192.168.0.100 --server-id 192.168.0.1 --option 55:$prl --timeout-ms 1500
  exchange deny-unknown-scope-bootp --type bootp --mac 52:54:00:00:00:c3 --xid 0x1014 \
    --timeout-ms 1500
  exchange deny-unknown-scope-known --type request --mac 52:54:00:00:00:c1 --xid 0x1015 \
    --requested 192.168.0.100 --server-id 192.168.0.1 --option 55:$prl
  stop_server

  start_server "$conf_dir/dhcpd-classes.conf"
  exchange class-subclass-allowed --type discover --mac 52:54:00:00:00:d1 --xid 0x1020 \
    --option 55:$prl
  exchange class-subclass-own-body --type discover --mac 52:54:00:00:00:d2 --xid 0x1021 \
    --option 55:$prl
  exchange class-not-member --type discover --mac 52:54:00:00:00:d3 --xid 0x1022 \
    --option 55:$prl
  exchange class-first-wins --type discover --mac 52:54:00:00:00:d4 --xid 0x1023 \
    --text-option 60:order --option 55:$prl
  # 82 = circuit-id (1) "port-1" / "port-2", as a relay agent adds it.
  local port1=0106706f72742d31 port2=0106706f72742d32
  exchange class-spawn-offer --type discover --mac 52:54:00:00:00:e1 --xid 0x1024 \
    --giaddr 10.99.0.1 --to 192.168.0.1 --option 82:$port1 --option 55:$prl
  exchange class-spawn-ack --type request --mac 52:54:00:00:00:e1 --xid 0x1024 \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --giaddr 10.99.0.1 --to 192.168.0.1 \
    --option 82:$port1 --option 55:$prl
  exchange class-spawn-limit-reached --type discover --mac 52:54:00:00:00:e2 --xid 0x1025 \
    --giaddr 10.99.0.1 --to 192.168.0.1 --option 82:$port1 --option 55:$prl --timeout-ms 1500
  exchange class-spawn-other-port --type discover --mac 52:54:00:00:00:e2 --xid 0x1026 \
    --giaddr 10.99.0.1 --to 192.168.0.1 --option 82:$port2 --option 55:$prl
  stop_server

  local prl_name=${prl}0c  # ... + host name
  start_server "$conf_dir/dhcpd-names.conf"
  exchange names-lease-hostname --type discover --mac 52:54:00:00:00:f1 --xid 0x1030 \
    --option 55:$prl_name
  local named=$last_yiaddr
  # Before the ACK, so the offer is a fresh one again (an active lease is re-offered with the
  # time it has left, which depends on the clock).
  exchange names-not-asked --type discover --mac 52:54:00:00:00:f1 --xid 0x1034 \
    --option 55:$prl
  exchange names-lease-hostname-ack --type request --mac 52:54:00:00:00:f1 --xid 0x1030 \
    --requested "$named" --server-id 192.168.0.1 --option 55:$prl_name
  exchange names-no-hostname --type discover --mac 52:54:00:00:00:f2 --xid 0x1031 \
    --option 55:$prl_name
  exchange names-fixed-address --type discover --mac 52:54:00:00:00:f3 --xid 0x1032 \
    --option 55:$prl_name
  exchange names-host-decl --type discover --mac 52:54:00:00:00:f4 --xid 0x1033 \
    --option 55:$prl_name
  stop_server

  start_server "$conf_dir/dhcpd-one-lease.conf"
  exchange one-lease-a-offer --type discover --mac 52:54:00:00:00:a1 --xid 0x1040 \
    --option 55:$prl
  exchange one-lease-a-ack --type request --mac 52:54:00:00:00:a1 --xid 0x1040 \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --option 55:$prl
  exchange one-lease-b-offer --type discover --mac 52:54:00:00:00:b1 --xid 0x1041 \
    --option 55:$prl
  exchange one-lease-b-ack --type request --mac 52:54:00:00:00:b1 --xid 0x1041 \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --option 55:$prl
  # a1 takes an address on the relayed network by INIT-REBOOT (ISC ACKs a free one): that
  # lease knew no client before the ACK, so nothing is released and the local pool stays full.
  exchange one-lease-a-reboot-elsewhere --type request --mac 52:54:00:00:00:a1 --xid 0x1042 \
    --requested 10.99.0.101 --giaddr 10.99.0.1 --to 192.168.0.1 --option 55:$prl
  exchange one-lease-still-full --type discover --mac 52:54:00:00:00:c2 --xid 0x1043 \
    --option 55:$prl --timeout-ms 1500
  # b1 moves to the relayed network by DISCOVER/REQUEST: its offered lease knows it, so its
  # local lease is released and another client gets that address.
  exchange one-lease-b-move-offer --type discover --mac 52:54:00:00:00:b1 --xid 0x1044 \
    --giaddr 10.99.0.1 --to 192.168.0.1 --option 55:$prl
  exchange one-lease-b-move-ack --type request --mac 52:54:00:00:00:b1 --xid 0x1044 \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --giaddr 10.99.0.1 --to 192.168.0.1 \
    --option 55:$prl
  exchange one-lease-freed --type discover --mac 52:54:00:00:00:c2 --xid 0x1045 \
    --option 55:$prl --timeout-ms 1500
  stop_server

  start_server "$conf_dir/dhcpd-repeated-subnet.conf"
  exchange repeated-subnet-offer --type discover --mac 52:54:00:00:00:9a --xid 0x1050 \
    --option 55:$prl
  # Asking for an address of the other declaration's range shows whether it is served.
  exchange repeated-subnet-other-range --type discover --mac 52:54:00:00:00:9b --xid 0x1051 \
    --requested 192.168.0.105 --option 55:$prl
  exchange repeated-subnet-other-request --type request --mac 52:54:00:00:00:9c --xid 0x1052 \
    --requested 192.168.0.106 --option 55:$prl --timeout-ms 1500
  stop_server

  start_server "$conf_dir/dhcpd-server-id.conf"
  exchange server-id-offer --type discover --mac 52:54:00:00:00:5a --xid 0x1060 --option 55:$prl
  exchange server-id-ack --type request --mac 52:54:00:00:00:5a --xid 0x1060 \
    --requested "$last_yiaddr" --server-id 192.168.0.250 --option 55:$prl
  exchange server-id-nak --type request --mac 52:54:00:00:00:5b --xid 0x1061 \
    --requested 10.5.5.5 --option 55:$prl
  exchange server-id-relayed-nak --type request --mac 52:54:00:00:00:5c --xid 0x1062 \
    --requested 192.168.0.105 --giaddr 10.99.0.1 --to 192.168.0.1 --option 55:$prl
  stop_server

  start_server "$conf_dir/dhcpd-variables.conf"
  exchange variables-pxe --type discover --mac 52:54:00:00:00:6a --xid 0x1070 \
    --text-option 60:PXEClient:Arch:00000:UNDI:002001 --option 55:$prl
  exchange variables-other-vendor --type discover --mac 52:54:00:00:00:6b --xid 0x1071 \
    --text-option 60:MSFT --option 55:$prl
  exchange variables-no-vendor --type discover --mac 52:54:00:00:00:6c --xid 0x1072 \
    --option 55:$prl
  stop_server

  start_server "$conf_dir/dhcpd-options.conf"
  exchange no-mask-offer --type discover --mac 52:54:00:00:00:20 --xid 0x1020 \
    --option 55:$prl_no_mask
  exchange no-mask-ack --type request --mac 52:54:00:00:00:20 --xid 0x1020 \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --option 55:$prl_no_mask
  exchange no-mask-inform --type inform --mac 52:54:00:00:00:20 --xid 0x1021 \
    --ciaddr 192.168.0.2 --to 192.168.0.1 --option 55:$prl_no_mask
  exchange many-options-offer --type discover --mac 52:54:00:00:00:22 --xid 0x1022 \
    --option 55:$prl_many
  exchange many-options-ack --type request --mac 52:54:00:00:00:22 --xid 0x1022 \
    --requested "$last_yiaddr" --server-id 192.168.0.1 --option 55:$prl_many
  exchange many-options-max-800 --type discover --mac 52:54:00:00:00:23 --xid 0x1023 \
    --option 57:0320 --option 55:$prl_many
  exchange many-options-max-1500 --type discover --mac 52:54:00:00:00:24 --xid 0x1024 \
    --option 57:05dc --option 55:$prl_many
  exchange many-options-sname-only --type discover --mac 52:54:00:00:00:d1 --xid 0x1025 \
    --option 55:$prl_many
  exchange many-options-relayed --type discover --mac 52:54:00:00:00:26 --xid 0x1026 \
    --giaddr 10.99.0.1 --to 192.168.0.1 --option 82:0104657468300206020000000001 \
    --option 55:$prl_many
  exchange many-options-inform --type inform --mac 52:54:00:00:00:27 --xid 0x1027 \
    --ciaddr 192.168.0.2 --to 192.168.0.1 --option 55:$prl_many
  exchange long-option-offer --type discover --mac 52:54:00:00:00:d2 --xid 0x1028 \
    --option 55:0103e0060f77
  exchange no-list-offer --type discover --mac 52:54:00:00:00:29 --xid 0x1029
  exchange bootp-many-fixed --type bootp --mac 52:54:00:00:00:b1 --xid 0x102a
  exchange bootp-many-dynamic --type bootp --mac 52:54:00:00:00:2b --xid 0x102b \
    --giaddr 10.99.0.1 --to 192.168.0.1
  # BOOTP's room: a longer request's vendor area, or its option 57.
  exchange bootp-many-long-request --type bootp --mac 52:54:00:00:00:b1 --xid 0x102c --pad 400
  exchange bootp-many-max-size --type bootp --mac 52:54:00:00:00:b1 --xid 0x102d \
    --option 57:0240
  # Without RFC 1048's magic cookie ISC sends the request's vendor area back.
  exchange bootp-no-cookie --type bootp --mac 52:54:00:00:00:b1 --xid 0x102e --no-cookie
  # ... whatever it holds, here 40 bytes of a vendor's own format.
  exchange bootp-no-cookie-vendor --type bootp --mac 52:54:00:00:00:b1 --xid 0x102f --no-cookie \
    --vendor-area "ACME-BOOT-1983 vendor area, not RFC 1048"
  stop_server

  start_server "$conf_dir/dhcpd-times.conf"
  exchange times-offer --type discover --mac 52:54:00:00:00:30 --xid 0x1030 --option 55:0103
  exchange times-long-lease --type discover --mac 52:54:00:00:00:31 --xid 0x1031 \
    --option 51:00000e10 --option 55:01033a3b
  exchange times-inform --type inform --mac 52:54:00:00:00:32 --xid 0x1032 \
    --ciaddr 192.168.0.2 --to 192.168.0.1 --option 55:01033a3b
  stop_server

  # A client that names another server: ISC (server-id-check off, its default) still answers
  # when the address is one it offered, and for one it knows nothing of.
  start_server "$conf_dir/dhcpd.conf"
  exchange other-server-offer --type discover --mac 52:54:00:00:00:40 --xid 0x1040 \
    --option 55:$prl
  exchange other-server-offered --type request --mac 52:54:00:00:00:40 --xid 0x1040 \
    --requested "$last_yiaddr" --server-id 192.168.0.99 --option 55:$prl --timeout-ms 1000
  exchange other-server-unknown --type request --mac 52:54:00:00:00:41 --xid 0x1041 \
    --requested 192.168.0.77 --server-id 192.168.0.99 --option 55:$prl --timeout-ms 1000
  stop_server
}
