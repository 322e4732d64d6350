# Sourced by the shell tests that build network namespaces. What a test makes through these
# functions goes away when the script exits, however it exits (a failed check under set -e, a
# signal): its processes are killed by PID and reaped, then its namespaces are deleted, then
# its work directory is removed (kept when KEEP_WORK is set). The test defines `fail MESSAGE`,
# which says what went wrong with its own logs, and exits.
#   source "$(dirname "$0")/../../support/netns_test.sh"

test_pids=()
test_namespaces=()
test_work=
test_cleanup() {
  local pid namespace
  for pid in "${test_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for namespace in "${test_namespaces[@]}"; do ip netns delete "$namespace" 2>/dev/null || true; done
  if [ -n "$test_work" ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$test_work"; fi
}
trap test_cleanup EXIT
trap 'exit 1' INT TERM

make_work() {  # make_work NAME: sets `work` to a new directory, /tmp/snowboot-NAME-XXXXXX
  work=$(mktemp -d "/tmp/snowboot-$1-XXXXXX")
  test_work=$work
}

add_namespaces() {  # add_namespaces NAME...: new network namespaces, loopback up
  local namespace
  for namespace; do
    ip netns add "$namespace"
    test_namespaces+=("$namespace")
    ip -n "$namespace" link set lo up
  done
}

track() { test_pids+=("$1"); }  # track PID: killed at exit

stop_last() {  # stops the process tracked last, now
  kill "${test_pids[-1]}" 2>/dev/null || true
  wait "${test_pids[-1]}" 2>/dev/null || true
  unset 'test_pids[-1]'
}

wait_for() {  # wait_for FILE PATTERN [SECONDS, 10 unless given]: fails when it never appears
  local deadline=$((SECONDS + ${3:-10}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -aq -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "never found '$2' in $1 within ${3:-10} s"
}
