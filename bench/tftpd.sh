#!/usr/bin/env bash
# TFTP benchmark: snowboot's in.tftpd against tftpd-hpa and dnsmasq (when installed), same
# workloads in one run, inside a private network namespace on its loopback (port 69).
#   bench/tftpd.sh [--pin]    (as root; builds the release preset first)
# --pin puts every server on CPU 0 and the client on CPU 1 (taskset), which steadies the
# ping-pong workloads on a small shared machine.
# Prints one line per server and workload, then each figure as a ratio to tftpd-hpa.
# Workloads: a 64 MiB file at blksize 512, 1468, 1468 + windowsize 16 and 65464 (best of 3),
# and a storm of 1000 concurrent 1 MiB transfers at blksize 1468.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/netns.sh
[ "$(id -u)" -eq 0 ] || { echo "bench/tftpd.sh: run as root (network namespace)" >&2; exit 1; }

server_cpu=() client_cpu=()
if [ "${1:-}" = --pin ]; then
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
fi

cmake --preset release >/dev/null
cmake --build --preset release --target in.tftpd tftp_load >/dev/null
load=$PWD/build/release/bench/tftp_load
ours=$PWD/build/release/tftpd/in.tftpd

ns=snowboot-bench-$$
root=$(mktemp -d /tmp/snowboot-bench-XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  ip netns delete "$ns" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
make_loopback_namespace "$ns"
chmod 755 "$root"
head -c 64M /dev/urandom >"$root/big.bin"
head -c 1M /dev/urandom >"$root/one.bin"
chmod 644 "$root"/*.bin
ulimit -n "$(ulimit -Hn)"  # 1000 transfers at once need 1000 sockets

declare -A servers=(
  [snowboot]="$ours -L -s $root -a 127.0.0.1:69"
  [tftpd-hpa]="/usr/sbin/in.tftpd -L -s $root -a 127.0.0.1:69"
)
order=(snowboot tftpd-hpa)
if command -v dnsmasq >/dev/null; then
  servers[dnsmasq]="dnsmasq -k --port=0 --enable-tftp --tftp-root=$root --listen-address=127.0.0.1 --bind-interfaces --user=nobody --pid-file= --log-facility=/dev/null"
  order+=(dnsmasq)
fi

workloads=(
  "64MiB/512|--file big.bin --expect $root/big.bin|3"
  "64MiB/1468|--file big.bin --expect $root/big.bin --blksize 1468|3"
  "64MiB/1468+w16|--file big.bin --expect $root/big.bin --blksize 1468 --windowsize 16|3"
  "64MiB/65464|--file big.bin --expect $root/big.bin --blksize 65464|3"
  "storm-1000x1MiB|--file one.bin --expect $root/one.bin --blksize 1468 --count 1000 --concurrency 1000 --timeout-ms 2000|1"
)

declare -A result  # [server|workload] = "seconds cpu rss"
for server in "${order[@]}"; do
  ip netns exec "$ns" "${server_cpu[@]}" ${servers[$server]} &
  server_pid=$!
  if ! wait_for_udp_listener "$ns" 127.0.0.1:69 || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "$server: did not start; skipped" >&2
    server_pid=
    continue
  fi
  for workload in "${workloads[@]}"; do
    IFS='|' read -r name args tries <<<"$workload"
    best=
    for _ in $(seq "$tries"); do
      line=$(timeout 600 ip netns exec "$ns" "${client_cpu[@]}" "$load" --port 69 $args \
             --watch-pid "$server_pid" \
             || echo "failed")
      echo "$server $name: $line"
      case "$line" in *" failed=0 "*) ;; *) continue ;; esac
      seconds=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$line")
      cpu=$(sed -E 's/.* server_cpu_s=([0-9.]+).*/\1/' <<<"$line")
      rss=$(sed -E 's/.* server_peak_rss_kib=([0-9]+).*/\1/' <<<"$line")
      if [ -z "$best" ] || awk -v a="$seconds" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
        best="$seconds $cpu $rss"
      fi
    done
    result["$server|$name"]=${best:-"- - -"}
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
done

echo
printf '%-16s %-10s %9s %9s %10s %12s %12s %12s\n' workload server seconds cpu_s rss_kib \
  speed_vs_hpa cpu_vs_hpa rss_vs_hpa
for workload in "${workloads[@]}"; do
  name=${workload%%|*}
  read -r hs hc hr <<<"${result["tftpd-hpa|$name"]:-"- - -"}"
  for server in "${order[@]}"; do
    read -r s c r <<<"${result["$server|$name"]:-"- - -"}"
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="-"||b=="-"||a==0) print "-"; else printf "%.2fx", b/a }'; }
    inverse() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="-"||b=="-"||b==0) print "-"; else printf "%.2fx", a/b }'; }
    printf '%-16s %-10s %9s %9s %10s %12s %12s %12s\n' "$name" "$server" "$s" "$c" "$r" \
      "$(ratio "$s" "$hs")" "$(inverse "$c" "$hc")" "$(inverse "$r" "$hr")"
  done
done
echo "speed_vs_hpa: tftpd-hpa's time / this server's (above 1 is faster); cpu and rss: this / tftpd-hpa's"
