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
[ $failed -eq 0 ] && [ $total -ge 40 ]
