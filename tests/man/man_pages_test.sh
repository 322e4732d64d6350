#!/usr/bin/env bash
# Every page in man/ renders with `groff -man -ww` without a warning; dhcpd.8 names every flag
# dhcpd/command_line.cpp accepts or refuses; an install to a scratch prefix places each page in
# share/man/manN.
#   man_pages_test.sh SOURCE_DIR BINARY_DIR
set -euo pipefail
source_dir=$1
binary_dir=$2
command -v groff >/dev/null || { echo "SKIP: groff is not installed (groff-base)"; exit 77; }
work=$(mktemp -d /tmp/snowboot-man-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

pages=("$source_dir"/man/*.[1-8])
[ ${#pages[@]} -ge 3 ] || fail "expected at least dhcpd.8, dhcpd.conf.5 and in.tftpd.8"
for page in "${pages[@]}"; do
  warnings=$(groff -man -ww -z "$page" 2>&1)
  [ -z "$warnings" ] || fail "$(basename "$page"): $warnings"
done

# Flags: every "-x" literal compared with an argument in the parser must appear in the page,
# written as roff writes a minus (\-x).
flags=$(grep -oE 'arg == "-[-a-z0-9]+"' "$source_dir/dhcpd/command_line.cpp" |
        sed -E 's/arg == "(.*)"/\1/' | sort -u)
[ -n "$flags" ] || fail "no flags found in dhcpd/command_line.cpp"
for flag in $flags; do
  roff=${flag//-/\\-}
  grep -qF -- "$roff" "$source_dir/man/dhcpd.8" || fail "dhcpd.8 does not mention $flag"
done

cmake --install "$binary_dir" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install failed"; }
for page in "${pages[@]}"; do
  name=$(basename "$page")
  section=${name##*.}
  installed=$(find "$work/prefix" -path "*/man/man$section/$name" | head -1)
  [ -n "$installed" ] || fail "$name is not installed under share/man/man$section"
  cmp -s "$page" "$installed" || fail "$installed differs from $page"
done
echo "man pages: ${#pages[@]} render cleanly, $(wc -w <<<"$flags") dhcpd flags documented, all installed"
