#!/bin/bash
# Our `dhcpd -t` over the shared dhcpd.conf corpus (../shared/conf-corpus beside the
# repository): the accept/reject verdict must equal ISC dhcpd 4.4.3-P1's recorded one, except
# for the deliberate refusals listed below, and no input may crash it.
# Usage: conf_corpus_test.sh DHCPD REPO_ROOT. Exit 77 (ctest SKIP) when the corpus is absent.
set -u
dhcpd=$1
corpus=$2/../shared/conf-corpus
if [ ! -d "$corpus" ]; then
  echo "SKIP: no conf corpus at $corpus (the shared directory is not checked out beside the repo)"
  exit 77
fi

# Deliberate disagreements: file -> the message that proves the refusal is the documented one
# (dhcpd/conf/README.md lists these rules).
declare -A deliberate=(
  [008-maas-dhcpd-ha.conf]="not supported by snowboot: DHCP failover"
  [007-voxpupuli-puppet-dhcp-failover-ipxe.conf+includes]="not supported by snowboot: DHCP failover"
  [badstatusdir.err]="expected a declaration or parameter, found \`%\`"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
agree=0 documented=0 failed=0 total=0

# judge NAME ISC_VERDICT DIR FILE
judge() {
  local name=$1 isc=$2 dir=$3 file=$4
  local out rc ours
  out=$(cd "$dir" && timeout 20 "$dhcpd" -t -q -cf "$file" 2>&1)
  rc=$?
  total=$((total + 1))
  if [ $rc -gt 1 ]; then
    echo "FAIL $name: exit status $rc (crash or timeout)"
    echo "$out" | head -5
    failed=$((failed + 1))
    return
  fi
  ours=accept
  [ $rc -eq 1 ] && ours=reject
  if [ "$ours" = "$isc" ]; then
    agree=$((agree + 1))
  elif [ -n "${deliberate[$name]:-}" ] && grep -qF -- "${deliberate[$name]}" <<<"$out"; then
    documented=$((documented + 1))
    echo "deliberate $name: ISC $isc, snowboot $ours: ${deliberate[$name]}"
  else
    echo "FAIL $name: ISC $isc, snowboot $ours"
    echo "$out" | grep -v '^ *hint:' | head -4
    failed=$((failed + 1))
  fi
}

while read -r file verdict _; do
  judge "$file" "$verdict" "$corpus/keama" "$file"
done <"$corpus/keama-labels.txt"

while read -r file verdict _; do
  judge "$file" "$verdict" "$corpus/real" "$file"
done <"$corpus/real-labels.txt"

# With their include files present: copy them beside the main file and point every include
# at the copy, as the corpus README describes.
while read -r file verdict _; do
  base=${file%.conf}
  work=$tmp/$base
  mkdir -p "$work"
  cp "$corpus/real/$file" "$work/$file"
  cp "$corpus/real/includes/$base/"* "$work/"
  while read -r written copy; do
    for f in "$work"/*; do
      sed -i "s|include \"$written\"|include \"$work/$copy\"|g" "$f"
    done
  done <"$corpus/real/includes/$base/MAP"
  judge "$file+includes" "$verdict" "$work" "$file"
done <"$corpus/real-labels-with-includes.txt"

echo "conf corpus: $agree of $total agree with ISC dhcpd; $documented deliberate refusals;" \
     "$failed failures"
[ $failed -eq 0 ]
