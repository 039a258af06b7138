#!/usr/bin/env bash
# A setuid-root (or setgid) copy run by another user refuses to run before reading any file:
# one line, exit 77, and it never opens the config it was given.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (makes a setuid-root copy and runs it as nobody)"; exit 77; }
command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
opts=$(findmnt -n -o OPTIONS --target "$scratch")
case ",$opts," in *,nosuid,*) echo "skipped: $scratch is on a nosuid mount ($opts)"; exit 77 ;; esac
chmod 755 "$scratch"
cp "$NETPROM" "$scratch/netprom"
echo 'secret-first-line' >"$scratch/secret.toml"
chmod 600 "$scratch/secret.toml"
for bits in 4755 2755; do
  chmod "$bits" "$scratch/netprom"
  rc=0
  setpriv --reuid 65534 --regid 65534 --clear-groups "$scratch/netprom" --config "$scratch/secret.toml" -o "$scratch/x.prom" \
    >"$scratch/out" 2>"$scratch/err" || rc=$?
  [ "$rc" = 77 ] || fail "mode $bits: exit $rc, want 77 ($(cat "$scratch/err"))"
  grep -q secret "$scratch/err" && fail "mode $bits: the secret leaked: $(cat "$scratch/err")"
  [ "$(wc -l <"$scratch/err")" = 1 ] || fail "mode $bits: not one line: $(cat "$scratch/err")"
  grep -q '^netprom: error: refusing to run setuid or setgid (real uid 65534 gid 65534, effective uid ' "$scratch/err" ||
    fail "mode $bits: stderr was [$(cat "$scratch/err")]"
  [ ! -e "$scratch/x.prom" ] || fail "mode $bits: wrote the output"
done
# Without the bits, the same copy runs as that user (the refusal is about the bits, not the user).
chmod 755 "$scratch/netprom"
setpriv --reuid 65534 --regid 65534 --clear-groups "$scratch/netprom" --config /dev/null --no-ping -o - >/dev/null ||
  fail "a plain copy as nobody exited $?"
echo ok
