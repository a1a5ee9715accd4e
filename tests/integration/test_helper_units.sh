#!/bin/bash
# test_helper_units.sh - the systemd units of dist/systemd/ (sstp-helper.service, sstp@.service)
# pass `systemd-analyze verify` with ExecStart pointing at the built sstp, and keep the hardening
# the helper's design relies on. Skips (77) without systemd-analyze.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SSTP_BIN=${SSTP_BIN:-$SRC/build/sstp}
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }
[ -x "$SSTP_BIN" ] || { echo "SKIP: no sstp binary at $SSTP_BIN"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { if "$@" >/dev/null 2>&1; then echo "ok - ${desc}"; else echo "FAIL - ${desc}"; fails=$((fails + 1)); fi; }

for u in sstp-helper.service sstp@.service; do
    sed "s#@SSTP_BINDIR@#$(dirname "$SSTP_BIN")#" "$SRC/dist/systemd/$u" > "$tmp/$u"
done
out=$(cd "$tmp" && systemd-analyze verify --man=no ./sstp-helper.service ./sstp@.service 2>&1)
rc=$?
[ -n "$out" ] && echo "$out"
desc="systemd-analyze verify accepts both units"; check test "$rc" = 0 -a -z "$out"
for u in sstp-helper.service sstp@.service; do
    desc="$u is Type=notify"; check grep -qx 'Type=notify' "$tmp/$u"
    desc="$u keeps only CAP_NET_ADMIN (+CAP_CHOWN for the helper)"
    check grep -qE '^CapabilityBoundingSet=CAP_NET_ADMIN( CAP_CHOWN)?$' "$tmp/$u"
    for k in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=read-only PrivateTmp=yes \
             RuntimeDirectory=sstp RuntimeDirectoryPreserve=yes StateDirectory=sstp; do
        desc="$u has $k"; check grep -qx "$k" "$tmp/$u"
    done
done
desc="sstp@.service restarts on failure"; check grep -qx 'Restart=on-failure' "$tmp/sstp@.service"
desc="sstp@.service connects profile %i"; check grep -q 'sstp connect %i' "$tmp/sstp@.service"
desc="sstp-helper.service runs 'sstp helper'"; check grep -q '/sstp helper$' "$tmp/sstp-helper.service"
# the exposure score systemd computes for the helper stays low (OK or better: below 4.0)
if score=$(cd "$tmp" && systemd-analyze security --offline=yes ./sstp-helper.service 2>/dev/null |
           sed -n 's/.*Overall exposure level for sstp-helper.service: \([0-9.]*\).*/\1/p') &&
   [ -n "$score" ]; then
    desc="helper exposure score $score < 4.0"; check awk -v s="$score" 'BEGIN { exit !(s < 4.0) }'
fi
[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
