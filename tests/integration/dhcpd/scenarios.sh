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
  stop_server

  start_server "$conf_dir/dhcpd-times.conf"
  exchange times-offer --type discover --mac 52:54:00:00:00:30 --xid 0x1030 --option 55:0103
  exchange times-long-lease --type discover --mac 52:54:00:00:00:31 --xid 0x1031 \
    --option 51:00000e10 --option 55:01033a3b
  exchange times-inform --type inform --mac 52:54:00:00:00:32 --xid 0x1032 \
    --ciaddr 192.168.0.2 --to 192.168.0.1 --option 55:01033a3b
  stop_server
}
