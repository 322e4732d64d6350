#!/usr/bin/env bash
# perfdhcp (kea-admin) load on our dhcpd and on ISC dhcpd, one after the other, with the same
# configuration in the same pair of network namespaces (perfdhcp acts as a relay on the client
# side, so replies go through the kernel to giaddr:67). Lease files on /var/tmp (a real disk:
# every ACK waits for its fsync). Run as root, through the shared lock:
#   flock /tmp/snowboot-build.lock bench/dhcpd_perfdhcp.sh OUR_DHCPD [RATE] [SECONDS]
set -euo pipefail
ours=$1
rate=${2:-1000}
seconds=${3:-10}
isc=/usr/sbin/dhcpd
command -v perfdhcp >/dev/null || { echo "perfdhcp is not installed (kea-admin)" >&2; exit 1; }
server=sb-pf-s-$$
client=sb-pf-c-$$
work=$(mktemp -d /var/tmp/snowboot-perfdhcp-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$server"
ip netns add "$client"
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 192.168.0.1/16 dev s0
ip -n "$client" addr add 192.168.0.2/16 dev c0
for ns in "$server" "$client"; do ip -n "$ns" link set lo up; done
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up
cat >"$work/dhcpd.conf" <<'CONF'
authoritative;
ping-check false;
default-lease-time 600;
max-lease-time 7200;
option domain-name "bench.test";
subnet 192.168.0.0 netmask 255.255.0.0 {
  range 192.168.10.0 192.168.250.255;
  option routers 192.168.0.1;
}
CONF

run() {  # run NAME BINARY
  : >"$work/dhcpd.leases"
  ip netns exec "$server" "$2" -f -d -q -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
    -pf "$work/dhcpd.pid" s0 >"$work/$1.log" 2>&1 &
  pid=$!
  sleep 1
  ip netns exec "$client" perfdhcp -4 -l c0 -r "$rate" -R 100000 -p "$seconds" \
    >"$work/$1.out" 2>&1 || true
  local cpu
  cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat")
  local rss
  rss=$(awk '/VmHWM/ {print $2 / 1024 " MB"}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=
  awk -v name="$1" -v cpu="$cpu" -v rss="$rss" '
    /Statistics for: DISCOVER-OFFER/ {section = "DO"}
    /Statistics for: REQUEST-ACK/ {section = "RA"}
    /^sent packets/ {sent[section] = $3} /^received packets/ {got[section] = $3}
    /^avg delay/ {avg[section] = $3} /^max delay/ {max[section] = $3}
    END {printf "%-8s DO %s/%s avg %s ms max %s ms | RA %s/%s avg %s ms max %s ms | " \
                "cpu %s s, peak rss %s\n", name, got["DO"], sent["DO"], avg["DO"], max["DO"],
                got["RA"], sent["RA"], avg["RA"],
         max["RA"], cpu, rss}' "$work/$1.out"
}
fs=$(df -T "$work" | awk 'NR==2 {print $2}')
echo "perfdhcp -r $rate for $seconds s, relayed, lease file on $fs"
run snowboot "$ours"
[ -x "$isc" ] && run isc "$isc"
