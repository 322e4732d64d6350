#!/bin/bash
# Our `dhcpd -t` on tests/conf/*.conf: the verdict must equal ISC's recorded one
# (tests/conf/isc-verdicts.txt) and, where ISC names a line, our first error names the same
# line. Exceptions are deliberate and listed here with the reason.
# Usage: conf_tests_test.sh DHCPD REPO_ROOT
set -u
dhcpd=$1
dir=$2/tests/conf

declare -A deliberate=(
  [40-bad-failover.conf]="not supported by snowboot: DHCP failover"
)
# ISC reports a pool without range at the pool's closing brace; we point at `pool` itself.
declare -A otherLine=([46-bad-pool-without-range.conf]=3)

agree=0 failed=0 total=0
while read -r file verdict message; do
  [[ $file == \#* || -z $file ]] && continue
  total=$((total + 1))
  out=$(cd "$dir" && timeout 20 "$dhcpd" -t -q -cf "$file" 2>&1)
  rc=$?
  if [ $rc -gt 1 ]; then
    echo "FAIL $file: exit status $rc"
    failed=$((failed + 1))
    continue
  fi
  ours=accept
  [ $rc -eq 1 ] && ours=reject
  if [ "$ours" != "$verdict" ]; then
    if [ -n "${deliberate[$file]:-}" ] && grep -qF -- "${deliberate[$file]}" <<<"$out"; then
      echo "deliberate $file: ISC $verdict, snowboot $ours: ${deliberate[$file]}"
      continue
    fi
    echo "FAIL $file: ISC $verdict, snowboot $ours"
    echo "$out" | head -4
    failed=$((failed + 1))
    continue
  fi
  if [ "$ours" = reject ]; then
    line=${otherLine[$file]:-}
    if [ -z "$line" ] && [[ $message =~ ^$file\ line\ ([0-9]+): ]]; then
      line=${BASH_REMATCH[1]}
    fi
    first=$(grep -E "^[^ ].* line [0-9]+, column [0-9]+: " <<<"$out" | grep -v ": warning:" | head -1)
    if [ -n "$line" ] && [[ $first != "$file line $line, column "* ]]; then
      echo "FAIL $file: ISC reports line $line, our first error is: $first"
      failed=$((failed + 1))
      continue
    fi
  fi
  agree=$((agree + 1))
done <"$dir/isc-verdicts.txt"
echo "tests/conf: $agree of $total agree with ISC dhcpd; $failed failures"
[ $total -ge 40 ] || failed=$((failed + 1))

# One-line configs (tests/conf/one-liners.txt), each after a fixed subnet line.
# Known difference: after `set x = ...`, ISC fails to parse `if x = 01` ("Bogus number x");
# comparing a variable with the byte 01 is valid dhcp-eval(5), so we accept it.
declare -A oneLinerDifferences=(["set x = option dhcp-message-type; if x = 01 { }"]=1)
prefix='subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.0.100 10.0.0.110; }'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lines=0 lineAgree=0
while IFS=$'\t' read -r verdict line; do
  [[ $verdict == \#* || -z $verdict ]] && continue
  lines=$((lines + 1))
  printf '%s\n%b\n' "$prefix" "$line" >"$tmp/one.conf"
  out=$(cd "$tmp" && timeout 20 "$dhcpd" -t -q -cf one.conf 2>&1)
  rc=$?
  ours=accept
  [ $rc -eq 1 ] && ours=reject
  if [ $rc -gt 1 ]; then
    echo "FAIL one-liner (exit $rc): $line"
    failed=$((failed + 1))
  elif [ "$ours" = "$verdict" ]; then
    lineAgree=$((lineAgree + 1))
  elif [ -n "${oneLinerDifferences[$line]:-}" ]; then
    echo "known difference: ISC $verdict, snowboot $ours: $line"
  else
    echo "FAIL one-liner: ISC $verdict, snowboot $ours: $line"
    echo "$out" | head -3
    failed=$((failed + 1))
  fi
done <"$dir/one-liners.txt"
echo "one-liners: $lineAgree of $lines agree with ISC dhcpd"
[ $failed -eq 0 ] && [ $lines -ge 100 ]
