#!/bin/bash
# The dhcpd binary's command line as admins and init scripts call it: -t success text and exit
# status, located errors, a missing file, -6 refused, -T on lease files,
# serving's start-up failures.
# Usage: dhcpd_cli_test.sh DHCPD REPO_ROOT
set -u
dhcpd=$1
conf=$2/tests/conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
check() {  # check NAME EXPECTED_STATUS PATTERN -- COMMAND...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  local matched=1
  if [ "$pattern" = EMPTY ]; then
    [ -z "$out" ] || matched=0
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    matched=0
  fi
  if [ $rc -ne "$want" ] || [ $matched -eq 0 ]; then
    echo "FAIL $name: status $rc (want $want), output:"
    echo "$out" | head -8
    failed=$((failed + 1))
  else
    echo "ok   $name"
  fi
}

check "-t on a good config prints ISC's summary" 0 \
  "^Config file: $conf/01-debian-wiki-pxe.conf$" -- \
  "$dhcpd" -t -cf "$conf/01-debian-wiki-pxe.conf" -lf /var/lib/dhcp/dhcpd.leases
check "-t names the database and pid files" 0 "^PID file: $tmp/x.pid$" -- \
  "$dhcpd" -t -cf "$conf/01-debian-wiki-pxe.conf" -pf "$tmp/x.pid"
check "-t -q prints nothing on success" 0 EMPTY -- "$dhcpd" -t -q -cf "$conf/09-shared-network.conf"
check "-t on a bad config: located error, caret, ISC's last line" 1 \
  "30-bad-missing-semicolon.conf line 4, column 3: expected \`;\`, found \`option\`" -- \
  "$dhcpd" -t -cf "$conf/30-bad-missing-semicolon.conf"
check "-t on a bad config ends like ISC" 1 "^Configuration file errors encountered -- exiting$" -- \
  "$dhcpd" -t -cf "$conf/31-bad-unknown-option.conf"
check "-t on a missing file" 1 "^Can't open $tmp/none.conf: No such file or directory$" -- \
  "$dhcpd" -t -cf "$tmp/none.conf"
check "-6 is refused" 1 "DHCPv6 is not supported by snowboot" -- "$dhcpd" -6 -t -cf "$conf/01-debian-wiki-pxe.conf"
check "unknown flags are refused with usage" 1 "Usage: dhcpd" -- "$dhcpd" -frobnicate
leases=$2/tests/fixtures/leases/isc-dhclient.leases
check "-T reads a lease file ISC dhcpd wrote" 0 "isc-dhclient.leases: 5 lease records, 4 leases, 0 host records, 0 errors" -- \
  "$dhcpd" -T -lf "$leases"
head -c 700 "$leases" >"$tmp/torn.leases"
check "-T reports a torn tail where it is and still exits 0, like ISC" 0 \
  "torn.leases line 24: unexpected end of file" -- "$dhcpd" -T -lf "$tmp/torn.leases"
check "-T on a missing lease file fails" 1 "^Can't open lease database $tmp/none.leases" -- \
  "$dhcpd" -T -lf "$tmp/none.leases"
printf 'lease 10.0.0.5 {\n  starts 4 2026/11/26 07:00:00;\n  ends 4 2026/11/26 08:00:00;\n%s\n}\n' \
  '  binding state active;' >"$tmp/good.leases"
check "-T on a good lease file" 0 \
  "good.leases: 1 lease records, 1 leases, 0 host records, 0 errors" \
  -- "$dhcpd" -T -lf "$tmp/good.leases"
printf 'lease 10.0.0.5 {\n  starts 4 2026/11/26 07:00:00\n}\n' >"$tmp/bad.leases"
check "-T on a bad lease file: reported, and status 0 as ISC's" 0 \
  "bad.leases line 3: expecting a semicolon" -- "$dhcpd" -T -lf "$tmp/bad.leases"
# Serving is exercised in network namespaces (differential_test.sh); here only failures before
# any socket is opened, so nothing is ever sent on this host's interfaces.
check "serving with a lease file that cannot be opened fails before listening" 1 \
  "^Can't open lease database $tmp/no/dir/l" -- \
  "$dhcpd" -f -d -cf "$conf/01-debian-wiki-pxe.conf" -lf "$tmp/no/dir/l" --no-pid eth0
printf 'subnet 10.0.0.0 netmask 255.0.0.0 { }\nhost a { fixed-address localhost; }\nhost b { fixed-address nosuch.invalid; }\n' >"$tmp/names.conf"
check "-t does not resolve host names (nor does ISC's)" 0 "^Config file:" -- \
  "$dhcpd" -t -cf "$tmp/names.conf"
check "starting resolves them: a name that does not resolve is a located error" 1 \
  "names.conf line 3, column 24: host name nosuch.invalid does not resolve" -- \
  "$dhcpd" -f -d -cf "$tmp/names.conf" -lf "$tmp/no/dir/l" --no-pid
check "-play without -lf is refused with ISC's words" 1 \
  "You must specify a lease file with -lf" -- "$dhcpd" -f -d -play "$tmp/trace"
check "-t -tf records the configuration it checks, as ISC's" 0 "^Config file:" -- \
  "$dhcpd" -t -tf "$tmp/trace" -cf "$conf/01-debian-wiki-pxe.conf"
check "-play reads that configuration back from the trace" 0 \
  "^Config file: $conf/01-debian-wiki-pxe.conf .from the trace.$" -- \
  "$dhcpd" -f -d -play "$tmp/trace" -lf "$tmp/replayed.leases"
check "--version" 0 "^snowboot dhcpd " -- "$dhcpd" --version
[ $failed -eq 0 ]
