# Sourced by tests and benchmarks that run servers in a private network namespace.

# make_loopback_namespace NAME: a namespace with loopback up and one non-loopback address
# (198.18.0.1/24 on a veth whose peer stays inside): servers that resolve their listen address
# with AI_ADDRCONFIG, like tftpd-hpa, ignore loopback-only hosts. Nothing is sent to it.
make_loopback_namespace() {
  local ns=$1
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$ns" link add sbaddr0 type veth peer name sbaddr1
  ip -n "$ns" addr add 198.18.0.1/24 dev sbaddr0
  ip -n "$ns" link set sbaddr0 up
}

# wait_for_udp_listener NAMESPACE ADDRESS:PORT: up to 5 s.
wait_for_udp_listener() {
  local ns=$1 endpoint=$2
  for _ in $(seq 50); do
    ip netns exec "$ns" ss -lun | grep -q "$endpoint " && return 0
    sleep 0.1
  done
  return 1
}
