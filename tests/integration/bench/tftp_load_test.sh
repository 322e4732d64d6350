#!/usr/bin/env bash
# The benchmark's load generator is itself checked against the reference server: tftp_load must
# fetch byte-exact files from tftpd-hpa at several block sizes, across the block-number
# rollover, many at once, and report a missing file as a failure with tftpd-hpa's error.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/netns.sh"
load=$1
server=/usr/sbin/in.tftpd
[ -x "$server" ] || { echo "SKIP: tftpd-hpa is not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for a network namespace"; exit 77; }

ns=sb-load-$$
root=$(mktemp -d /tmp/snowboot-load-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  ip netns delete "$ns" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
make_loopback_namespace "$ns"

chmod 755 "$root"
head -c 33M /dev/urandom >"$root/rollover.bin"   # > 65535 blocks of 512 bytes
head -c 300000 /dev/urandom >"$root/small.bin"
head -c 1024 /dev/urandom >"$root/exact.bin"     # a multiple of 512: ends with an empty block
chmod 644 "$root"/*.bin
ip netns exec "$ns" "$server" -L -s "$root" -a 127.0.0.1:69 &
pid=$!
wait_for_udp_listener "$ns" 127.0.0.1:69

run() { timeout 120 ip netns exec "$ns" "$load" --port 69 "$@"; }
run --file rollover.bin --expect "$root/rollover.bin" --watch-pid "$pid"
run --file small.bin --expect "$root/small.bin" --blksize 1468 --tsize --count 40 --concurrency 20
run --file small.bin --expect "$root/small.bin" --blksize 8
run --file exact.bin --expect "$root/exact.bin"
run --file small.bin --expect "$root/small.bin" --blksize 1468 --windowsize 16

# A wrong expectation and a missing file must both fail.
if run --file small.bin --expect "$root/exact.bin" 2>/dev/null; then
  echo "FAIL: a transfer that does not match the expected file was reported as good"; exit 1
fi
output=$(run --file missing.bin --expect "$root/small.bin" 2>&1) && {
  echo "FAIL: a missing file was reported as transferred"; exit 1; }
grep -q 'ERROR 1 File not found' <<<"$output" || { echo "FAIL: $output"; exit 1; }
echo "tftp_load agrees with tftpd-hpa"
