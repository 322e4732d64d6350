#!/bin/bash
# Parse + check of a generated dhcpd.conf: 200 subnets with a range each and 50,000 host
# declarations, ours (`dhcpd -t`) against ISC's (`/usr/sbin/dhcpd -t`) in one run.
# Prints the best wall time of three and the peak RSS of each, and the ratio.
# Usage: bench/dhcpd_conf_check.sh [OUR_DHCPD]   (run through the shared build lock)
set -eu
ours=${1:-$(dirname "$0")/../build/release/dhcpd/dhcpd}
isc=/usr/sbin/dhcpd
hosts=${HOSTS:-50000}
subnets=${SUBNETS:-200}
[ -x "$ours" ] || { echo "no snowboot dhcpd at $ours (build the release preset)"; exit 1; }
[ -x "$isc" ] || { echo "ISC dhcpd not installed (apt-get install isc-dhcp-server)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
conf=$tmp/dhcpd.conf
{
  echo "authoritative;"
  echo "default-lease-time 600;"
  echo "option arch code 93 = unsigned integer 16;"
  for ((s = 0; s < subnets; s++)); do
    a=$((10 + s / 250)) b=$((s % 250))
    echo "subnet 10.$a.$b.0 netmask 255.255.255.0 {"
    echo "  range 10.$a.$b.100 10.$a.$b.200;"
    echo "  option routers 10.$a.$b.1;"
    echo "  if option arch = 00:07 { filename \"bootx64.efi\"; } else { filename \"pxelinux.0\"; }"
    echo "}"
  done
  for ((h = 0; h < hosts; h++)); do
    s=$((h % subnets)) a=$((10 + (h % subnets) / 250)) b=$(((h % subnets) % 250))
    printf 'host node%d {\n  hardware ethernet 52:54:%02x:%02x:%02x:%02x;\n  fixed-address 10.%d.%d.%d;\n  option host-name "node%d";\n}\n' \
      "$h" $((h >> 24 & 255)) $((h >> 16 & 255)) $((h >> 8 & 255)) $((h & 255)) "$a" "$b" \
      $((2 + (h / subnets) % 97)) "$h"
  done
} >"$conf"
echo "config: $subnets subnets, $hosts hosts, $(wc -c <"$conf") bytes"

# run NAME BINARY -> best seconds and peak KiB in globals
run() {
  local best="" rss=0 t
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$2" -t -q -cf "$conf" >/dev/null 2>"$tmp/err" || {
      echo "$1 rejected the config:"; head -5 "$tmp/err"; exit 1; }
    read -r t kib <"$tmp/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$kib" -gt "$rss" ] && rss=$kib
  done
  echo "$1: best of 3 ${best}s, peak RSS ${rss} KiB"
  eval "${1}_time=$best ${1}_rss=$rss"
}
run snowboot "$ours"
run isc "$isc"
awk -v o="$snowboot_time" -v i="$isc_time" -v orss="$snowboot_rss" -v irss="$isc_rss" \
  'BEGIN { printf "ISC/snowboot time ratio: %.1fx, RSS: snowboot %.0f%% of ISC\n", (o > 0 ? i / o : 0), 100 * orss / irss }'
