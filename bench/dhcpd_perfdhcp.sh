#!/usr/bin/env bash
# perfdhcp (kea-admin) DORA load on our dhcpd, ISC dhcpd and Kea (memfile, persist true), one
# after the other, on the same pools in the same pair of network namespaces. perfdhcp acts as a
# relay (giaddr 10.0.0.2) and sends to the server's address, so every server sees the same
# unicast relayed traffic and answers through the kernel to giaddr:67.
#
# For each pool size (10k addresses, 130k, a /8; ISC only up to 130k, it needs ~0.33 KB per
# address and minutes to start on a /8) and each server, rates climb a ladder; each step is a
# fresh server with an empty lease file on /var/tmp (a real disk) and STEP seconds of load. The
# highest step with < 1% of DISCOVERs or REQUESTs unanswered is reported, with its delays, the
# server's CPU seconds per 1000 ACKs and its peak RSS, then ratios to ISC and Kea.
# The server runs on CPU 0 and perfdhcp on CPU 1. Run as root, through the shared lock:
#   flock /tmp/snowboot-build.lock bench/dhcpd_perfdhcp.sh OUR_DHCPD [STEP_SECONDS] [POOLS]
# POOLS is a space-separated subset of "10k 130k 8" (default all three); LADDER overrides the
# rates tried and SERVERS the servers run (a subset of "snowboot isc kea").
# Durability differs: ours and ISC fsync every lease before its ACK; Kea's memfile never fsyncs.
# Logging is each server's packaged default: ours and ISC send a line per packet to syslog, Kea
# writes its INFO lines (one per lease) to a file.
set -euo pipefail
# Every server logs each packet through syslog(3), which reconnects to /dev/log on every line
# when no syslog daemon listens (a third of the CPU here, where none runs). Measure what an
# installed system pays instead: in a private mount namespace, /dev is a directory of the few
# devices the servers open plus the /dev/log of a busybox syslogd writing to /dev/null.
if [ -z "${SNOWBOOT_BENCH_PRIVATE_DEV:-}" ]; then
  SNOWBOOT_BENCH_PRIVATE_DEV=1 exec unshare --mount --propagation private "$0" "$@"
fi
ours=$(realpath "$1")
step_seconds=${2:-5}
pools=${3:-"10k 130k 8"}
servers=${SERVERS:-"snowboot isc kea"}
isc=/usr/sbin/dhcpd
kea=/usr/sbin/kea-dhcp4
ladder=(${LADDER:-50 100 250 500 1000 2000 4000 6000 8000 10000 12000 14000 16000 20000})
command -v perfdhcp >/dev/null || { echo "perfdhcp is not installed (kea-admin)" >&2; exit 1; }
server=sb-pf-s-$$
client=sb-pf-c-$$
work=$(mktemp -d /var/tmp/snowboot-perfdhcp-XXXXXX)
pid=
syslogd=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$syslogd" ]; then kill "$syslogd" 2>/dev/null || true; wait "$syslogd" 2>/dev/null || true; fi
  ip netns delete "$server" 2>/dev/null || true
  ip netns delete "$client" 2>/dev/null || true
  umount /dev 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/dev"
for device in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9; do
  IFS=: read -r name major minor <<<"$device"
  mknod -m 666 "$work/dev/$name" c "$major" "$minor"
done
ln -s /proc/self/fd "$work/dev/fd"
mount --bind "$work/dev" /dev
ip netns add "$server"
ip netns add "$client"
# An installed Debian has systemd's net.unix.max_dgram_qlen = 512 (sysctl.d/50-default.conf);
# the kernel's default of 10 would make every server block on /dev/log each tenth line. The
# setting is per network namespace: syslogd's socket is made in the server's.
ip netns exec "$server" sysctl -qw net.unix.max_dgram_qlen=512
ip netns exec "$server" taskset -c 0 busybox syslogd -n -O /dev/null >/dev/null 2>&1 &
syslogd=$!
for ((i = 0; i < 50; i++)); do [ -S /dev/log ] && break; sleep 0.1; done
[ -S /dev/log ] || { echo "busybox syslogd did not create /dev/log" >&2; exit 1; }
preload=$work/perfdhcp_rcvbuf.so
cc -O2 -shared -fPIC -o "$preload" "$(dirname "$0")/perfdhcp_rcvbuf.c" -ldl
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 10.0.0.1/8 dev s0
ip -n "$client" addr add 10.0.0.2/8 dev c0
for ns in "$server" "$client"; do ip -n "$ns" link set lo up; done
ip -n "$server" link set s0 up
ip -n "$client" link set c0 up

address() {  # address N: the dotted quad of 10.1.0.0 + N
  local n=$((0x0a010000 + $1))
  echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}

write_configs() {  # write_configs FIRST LAST
  cat >"$work/dhcpd.conf" <<CONF
authoritative;
ping-check false;
default-lease-time 600;
max-lease-time 7200;
option domain-name "bench.test";
subnet 10.0.0.0 netmask 255.0.0.0 {
  range $1 $2;
  option routers 10.0.0.1;
}
CONF
  cat >"$work/kea.json" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "s0/10.0.0.1" ], "dhcp-socket-type": "udp" },
  "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0,
                      "name": "$work/kea-leases4.csv" },
  "valid-lifetime": 600, "max-valid-lifetime": 7200, "authoritative": true,
  "option-data": [ { "name": "domain-name", "data": "bench.test" } ],
  "subnet4": [ { "subnet": "10.0.0.0/8", "pools": [ { "pool": "$1 - $2" } ],
                 "option-data": [ { "name": "routers", "data": "10.0.0.1" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                 "output_options": [ { "output": "$work/kea-dhcp4.log" } ] } ]
} }
CONF
}

start_server() {  # start_server NAME
  rm -f "$work"/dhcpd.leases* "$work"/kea-leases4.csv* "$work"/*.pid
  : >"$work/dhcpd.leases"
  case $1 in
    snowboot | isc)
      local binary=$ours
      [ "$1" = isc ] && binary=$isc
      ip netns exec "$server" taskset -c 0 "$binary" -f -q -cf "$work/dhcpd.conf" \
        -lf "$work/dhcpd.leases" -pf "$work/dhcpd.pid" s0 >"$work/server.log" 2>&1 &
      ;;
    kea)
      KEA_PIDFILE_DIR=$work KEA_LOCKFILE_DIR=$work ip netns exec "$server" taskset -c 0 \
        "$kea" -c "$work/kea.json" >"$work/server.log" 2>&1 &
      ;;
  esac
  pid=$!
  # Ready when the server's port 67 is bound, bounded at 300 s (ISC builds its pool at start).
  local i
  for ((i = 0; i < 3000; i++)); do
    if ip netns exec "$server" ss -Hlun 'sport = :67' | grep -q .; then sleep 0.2; return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$1 did not bind port 67 within 300 s" >&2
  return 1
}

stop_server() {
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=
}

# CPU time from the scheduler's per-thread run time (nanoseconds), not from utime + stime:
# those are 250 Hz tick samples here, and a server that runs in bursts of tens of microseconds
# read 10-25% high or low from one run to the next.
cpu_seconds() { cat /proc/"$pid"/task/*/schedstat | awk '{ns += $1} END {printf "%.4f\n", ns / 1e9}'; }

link_packets() {  # link_packets: "received sent" packets of the server's interface
  ip -n "$server" -s link show s0 2>/dev/null | awk 'f == 1 {rx = $2; f = 0} f == 2 {tx = $2; f = 0}
    /RX:/ {f = 1} /TX:/ {f = 2} END {print rx, tx}'
}

client_overflow() {  # UDP datagrams the client namespace dropped for a full socket buffer
  ip netns exec "$client" awk '/^Udp:/ && !header {header = 1; for (i = 1; i <= NF; i++)
    if ($i == "RcvbufErrors") column = i; next} /^Udp:/ {print $column}' /proc/net/snmp
}

# One step: prints "rate sentDO gotDO sentRA gotRA avgDO avgRA maxRA cpu rssMB serverIn
# serverOut clientOverflow": the last three tell the server's drops (packets that reached its
# interface and got no reply) from perfdhcp's (replies its full socket buffer refused).
step() {  # step NAME RATE CLIENTS
  start_server "$1" || return 1
  local cpu0 link0
  cpu0=$(cpu_seconds)
  link0=$(link_packets)
  local overflow0
  overflow0=$(client_overflow)
  ip netns exec "$client" env LD_PRELOAD="$preload" taskset -c 1 perfdhcp -4 -l c0 -r "$2" -R "$3" -p "$step_seconds" \
    -W 1000000 10.0.0.1 >"$work/perfdhcp.out" 2>&1 || true
  local cpu1 rss link1 overflow
  cpu1=$(cpu_seconds)
  link1=$(link_packets)
  overflow=$(($(client_overflow) - overflow0))
  rss=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
  stop_server
  awk -v rate="$2" -v cpu="$(echo "$cpu1 - $cpu0" | bc -l)" -v rss="$rss" \
      -v link="$link0 $link1" -v overflow="$overflow" '
    /Statistics for: DISCOVER-OFFER/ {s = "DO"} /Statistics for: REQUEST-ACK/ {s = "RA"}
    /^sent packets/ {sent[s] = $3} /^received packets/ {got[s] = $3}
    /^avg delay/ {avg[s] = $3} /^max delay/ {max[s] = $3}
    END {split(link, l, " ")
         print rate, sent["DO"] + 0, got["DO"] + 0, sent["RA"] + 0, got["RA"] + 0,
               avg["DO"] + 0, avg["RA"] + 0, max["RA"] + 0, cpu, rss, l[3] - l[1], l[4] - l[2],
               overflow}' "$work/perfdhcp.out"
}

# The ladder for one server and pool: prints the best passing step (or "none").
climb() {  # climb NAME CLIENTS
  local best=none rate line
  for rate in "${ladder[@]}"; do
    line=$(step "$1" "$rate" "$2") || break
    awk -v name="$1" '{printf "    %-8s %6d/s: DO %d/%d RA %d/%d, server answered %d of %d " \
      "packets, perfdhcp overflowed %d, %.2f CPU-s, RSS %s MB\n", name, $1, $3, $2, $5, $4,
      $12, $11, $13, $9, $10}' <<<"$line" >&2
    if ! awk '{exit !($2 > 0 && $3 >= 0.99 * $2 && $4 > 0 && $5 >= 0.99 * $4)}' <<<"$line"; then
      break
    fi
    best=$line
  done
  echo "$best"
}

report() {  # report NAME LINE
  if [ "$2" = none ]; then printf '  %-9s no rate passed\n' "$1"; return; fi
  awk -v name="$1" '{printf "  %-9s %6d DORA/s  DO avg %.3f ms  RA avg %.3f ms max %.3f ms  " \
                     "%.4f CPU-s/1000 leases  RSS %s MB\n", name, $1, $6, $7, $8,
                     ($5 > 0 ? $9 / $5 * 1000 : 0), $10}' <<<"$2"
}

ratio() {  # ratio LINE_OURS LINE_OTHER OTHER_NAME
  [ "$1" = none ] || [ "$2" = none ] && return 0
  paste -d' ' <(echo "$1") <(echo "$2") | awk -v other="$3" '{
    printf "  vs %-5s rate %.2fx  CPU/lease %.2fx  RSS %.2fx\n", other, $1 / $14,
           ($5 > 0 && $18 > 0 ? ($9 / $5) / ($22 / $18) : 0), $10 / $23}'
}

fs=$(df -T "$work" | awk 'NR==2 {print $2}')
echo "perfdhcp ladder ${ladder[*]} DORA/s, $step_seconds s per step, relayed," \
  "lease files on $fs; server on CPU 0, perfdhcp on CPU 1"
for pool in $pools; do
  case $pool in
    10k) size=10000 clients=9000 ;;
    130k) size=130000 clients=117000 ;;
    8) size=$((0x00feffff)) clients=1000000 ;;
    *) echo "unknown pool $pool" >&2; exit 2 ;;
  esac
  write_configs "$(address 0)" "$(address $((size - 1)))"
  echo "pool $pool: $(address 0) - $(address $((size - 1))), $clients clients"
  runs() { [[ " $servers " == *" $1 "* ]]; }
  results_ours=none
  runs snowboot && results_ours=$(climb snowboot "$clients")
  results_isc=none
  runs isc && [ "$pool" != 8 ] && [ -x "$isc" ] && results_isc=$(climb isc "$clients")
  results_kea=none
  runs kea && [ -x "$kea" ] && results_kea=$(climb kea "$clients")
  report snowboot "$results_ours"
  report isc "$results_isc"
  report kea "$results_kea"
  ratio "$results_ours" "$results_isc" isc
  ratio "$results_ours" "$results_kea" kea
done
