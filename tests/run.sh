#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every test of netprom and prints, as its last line, "N passed, N failed[, N skipped]".
#   tests/run.sh BUILD_DIR [PATTERN]
# Unit tests: the sanitizer build BUILD_DIR/asan/run_tests, and BUILD_DIR/run_tests when it
# exists (Boost.Test; each test case counts once per build). Shell tests: tests/{cli,netns,e2e,ops}/*.sh, one behaviour
# each; exit 0 = pass, 77 = skipped (with its reason on the last line of its output), else fail.
set -u
build=${1:-build}
pattern=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
# NETPROM: the binary the shell tests run (make test: the one from the Debian package it built).
NETPROM=${NETPROM:-$build/netprom}; [[ $NETPROM == /* ]] || NETPROM=$PWD/$NETPROM
export NETPROM NETPROM_ASAN="$build/asan/netprom" RESPONDER="$build/netprom-responder"
export NETPROM_TOP="$top" NETPROM_BUILD="$build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
logdir="$build/test-logs"; rm -rf "$logdir"; mkdir -p "$logdir"
passed=0 failed=0 skipped=0 failures=()

run_boost() {  # $1 = label, $2 = runner
  local label=$1 runner=$2 xml="$logdir/$1.xml"
  [ -x "$runner" ] || { echo "FAIL $label: $runner not built"; failed=$((failed + 1)); failures+=("$label"); return; }
  "$runner" --log_level=error --report_format=XML --report_level=detailed --report_sink="$xml" \
    >"$logdir/$label.log" 2>&1
  local rc=$?
  local p f s
  p=$(grep -o 'test_cases_passed="[0-9]*"' "$xml" 2>/dev/null | head -1 | tr -dc 0-9)
  f=$(grep -o 'test_cases_failed="[0-9]*"' "$xml" 2>/dev/null | head -1 | tr -dc 0-9)
  s=$(grep -o 'test_cases_skipped="[0-9]*"' "$xml" 2>/dev/null | head -1 | tr -dc 0-9)
  p=${p:-0} f=${f:-0} s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or aborted before reporting
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  echo "unit tests ($label): $p passed, $f failed, $s skipped"
  if [ "$f" -ne 0 ]; then failures+=("$label"); sed 's/^/    /' "$logdir/$label.log" | tail -60; fi
}

if [ -z "$pattern" ]; then
  # make test builds the unit tests with ASan+UBSan only; a normal-build runner is run too when
  # it is there (make test-unit builds it).
  [ -x "$build/run_tests" ] && run_boost unit "$build/run_tests"
  run_boost unit-asan "$build/asan/run_tests"
fi

for t in "$top"/tests/{cli,netns,e2e,ops}/*.sh; do
  [ -f "$t" ] || continue
  [ "$(basename "$t")" = lib.sh ] && continue   # helpers sourced by the tests
  name=${t#"$top"/tests/}
  [ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
  log="$logdir/${name//\//_}.log"
  start=$SECONDS
  # The namespace tests drive the ASan+UBSan build: the pinger under sanitizers on real sockets.
  binary=$NETPROM
  [[ $name == netns/* ]] && [ -x "$build/asan/netprom" ] && binary=$build/asan/netprom
  NETPROM=$binary timeout --kill-after=10 400 bash "$t" >"$log" 2>&1 </dev/null
  rc=$?
  took=$((SECONDS - start))
  case $rc in
    0)  passed=$((passed + 1)); echo "ok   $name (${took}s)" ;;
    77) skipped=$((skipped + 1)); echo "skip $name: $(tail -n 1 "$log")" ;;
    *)  failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name (exit $rc, ${took}s)"
        tail -n 40 "$log" | sed 's/^/    /' ;;
  esac
done

[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]} (logs in $logdir)"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
