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
# Warnings about the machine's own unit files (e.g. freeradius.service's MemoryLimit=, which the
# rig's packages install) are not ours to judge: only lines about sstp's units count.
out=$(grep -vE '^/(usr/)?(lib|etc)/systemd/system/[^/]+:[0-9]+: ' <<<"$out")
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
desc="sstp@.service does not restart after a rejected certificate, password or profile"
check grep -qx 'RestartPreventExitStatus=5 6 9' "$tmp/sstp@.service"
desc="sstp@.service connects profile %i"; check grep -q 'sstp connect %i' "$tmp/sstp@.service"
desc="sstp-helper.service runs 'sstp helper'"; check grep -q '/sstp helper$' "$tmp/sstp-helper.service"
# the exposure score systemd computes for the helper stays low (OK or better: below 4.0)
if score=$(cd "$tmp" && systemd-analyze security --offline=yes ./sstp-helper.service 2>/dev/null |
           sed -n 's/.*Overall exposure level for sstp-helper.service: \([0-9.]*\).*/\1/p') &&
   [ -n "$score" ]; then
    desc="helper exposure score $score < 4.0"; check awk -v s="$score" 'BEGIN { exit !(s < 4.0) }'
fi
# Type=notify for real: the helper sends READY=1 on $NOTIFY_SOCKET once its socket listens and
# STOPPING=1 on SIGTERM; its session children do not inherit NOTIFY_SOCKET (only the main
# process may speak for the service). A stalling TCP server keeps a child alive to look at.
if [ "$(id -u)" = 0 ] && command -v python3 >/dev/null; then
    python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(30)
with open(sys.argv[2], "a") as f:
    try:
        while True:
            f.write(s.recv(4096).decode() + "\n---\n"); f.flush()
    except socket.timeout:
        pass
PY
    LPID=$!
    python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen()
open(sys.argv[1],"w").write(str(s.getsockname()[1]))
c=s.accept(); time.sleep(30)' "$tmp/port" &
SPID=$!
    for _ in $(seq 50); do [ -s "$tmp/port" ] && [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
    mkdir -p "$tmp/etc/stall" "$tmp/state"
    printf 'server = 127.0.0.1:%s\ncert = %s\nkey = %s\n' "$(cat "$tmp/port")" "$tmp/c.pem" "$tmp/k.pem" \
        > "$tmp/etc/stall/profile.conf"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" -subj /CN=t \
        -days 1 >/dev/null 2>&1
    NOTIFY_SOCKET=$tmp/notify.sock SSTP_SYSTEM_DIR=$tmp/etc "$SSTP_BIN" helper \
        --state-dir "$tmp/state" --socket "$tmp/state/control" > "$tmp/helper.log" 2>&1 &
    HPID=$!
    for _ in $(seq 50); do grep -q READY=1 "$tmp/notify.log" 2>/dev/null && break; sleep 0.1; done
    desc="helper sends READY=1"; check grep -q "READY=1" "$tmp/notify.log"
    desc="its socket listens by then"; check test -S "$tmp/state/control"
    SSTP_HELPER_SOCKET=$tmp/state/control SSTP_USE_HELPER=1 timeout 20 "$SSTP_BIN" connect stall \
        --timeout 15 > "$tmp/conn.out" 2>&1 &
    CPID=$!
    child=
    for _ in $(seq 50); do
        child=$(pgrep -P "$HPID" | head -1)
        [ -n "$child" ] && break
        sleep 0.1
    done
    desc="the helper started a session child"; check test -n "$child"
    desc="the child does not inherit NOTIFY_SOCKET"
    check sh -c "[ -r /proc/$child/environ ] && ! tr '\\0' '\\n' < /proc/$child/environ | grep -q '^NOTIFY_SOCKET='"
    desc="the helper itself still has it for STOPPING=1"
    kill "$HPID"; wait "$HPID" 2>/dev/null
    for _ in $(seq 30); do grep -q STOPPING=1 "$tmp/notify.log" && break; sleep 0.1; done
    check grep -q "STOPPING=1" "$tmp/notify.log"
    kill "$CPID" "$SPID" "$LPID" 2>/dev/null
    wait "$CPID" "$SPID" "$LPID" 2>/dev/null
else
    echo "# notify checks skipped: need root and python3"
fi

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
