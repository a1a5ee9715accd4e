#!/bin/bash
# test_helper_password.sh - MS-CHAPv2 profiles through the sstp helper, as a member of group sstp
# made for the test: the CLI reads --password-file / --password-stdin as that user and sends the
# password in the connect request; a profile's password-file is read by the helper only when it
# is owned by root or the requester and not accessible to group/others (refused otherwise, 11);
# a FIFO, a symbolic link (to a root-only file) or a device as password-file is refused (11)
# while the helper keeps answering; a profile that needs a password and gets none is refused (2); a wrong password
# is exit 6 with the server's sentence; `sstp check` works through the helper. Each connection
# pings the service host through the tunnel and disconnects back to the namespace as it was. A
# canary password never shows in the helper's log, its state directory, status --json, the
# member's output, or any /proc/*/cmdline or /proc/*/environ. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

MEMBER=sstppw$$
OTHER=sstpot$$
sx_helper_setup "$MEMBER" "$OTHER"

# a hub user whose password is a canary: it must never show anywhere
PWUSER=pwuser$$
CANARY=Canary-$$-Zq7xW9
rig_add_user "$PWUSER" "$CANARY" || rig_fatal "could not add the password user"
PAT=$RIG_DIR/canary.pat # grep -f: the canary is never on a command line of the test either
printf '%s\n' "$CANARY" > "$PAT"
chmod 600 "$PAT"

# the member's own password files (read by the CLI as the member)
MHOME=$RIG_DIR/member-home
mkdir -p "$MHOME"
printf '%s\n' "$CANARY" > "$MHOME/pw"
printf 'not-the-password\n' > "$MHOME/wrong"
chown -R "$MEMBER:$MEMBER" "$MHOME"
chmod 700 "$MHOME"
chmod 600 "$MHOME/pw" "$MHOME/wrong"

# the administrator's profiles
PWF=$RIG_DIR/pwfiles
mkdir -p "$PWF" && chmod 755 "$PWF"
printf '%s\n' "$CANARY" > "$PWF/root600";   chmod 600 "$PWF/root600"
printf '%s\n' "$CANARY" > "$PWF/root644";   chmod 644 "$PWF/root644"
printf '%s\n' "$CANARY" > "$PWF/root640";   chmod 640 "$PWF/root640"
printf '%s\n' "$CANARY" > "$PWF/member600"; chown "$MEMBER" "$PWF/member600"; chmod 600 "$PWF/member600"
printf '%s\n' "$CANARY" > "$PWF/other600";  chown "$OTHER" "$PWF/other600"; chmod 600 "$PWF/other600"
profile() { # profile NAME [password-file]
    mkdir -p "$RIG_DIR/etc/$1"
    {
        echo "server = $RIG_GW_NAME"
        echo "ca = $RIG_PKI/ca.crt"
        echo "user = $PWUSER"
        echo "auth = mschapv2"
        echo "route = $RIG_HUB_NET"
        [ -n "${2:-}" ] && echo "password-file = $2"
    } > "$RIG_DIR/etc/$1/profile.conf"
}
profile pw
profile pwf "$PWF/root600"
profile pwmine "$PWF/member600"
profile pw644 "$PWF/root644"
profile pw640 "$PWF/root640"
profile pwother "$PWF/other600"
# files the member controls, named by the administrator's profiles: a FIFO (nobody writes it), a
# symbolic link to a root-only file, a character device; the helper refuses each without hanging
mkfifo "$MHOME/fifo"; chown "$MEMBER" "$MHOME/fifo"; chmod 600 "$MHOME/fifo"
ln -s "$PWF/root600" "$MHOME/link"; chown -h "$MEMBER" "$MHOME/link"
mknod "$MHOME/zero" c 1 5; chown "$MEMBER" "$MHOME/zero"; chmod 600 "$MHOME/zero"
profile pwfifo "$MHOME/fifo"
profile pwlink "$MHOME/link"
profile pwdev "$MHOME/zero"
chmod -R a+rX "$RIG_DIR/etc"

rig_spawn helper cli env SSTP_SYSTEM_DIR="$RIG_DIR/etc" "$SSTP_BIN" helper \
    --state-dir "$SX_STATE" --socket "$SOCK" -v
HELPER_PIDFILE=$RIG_DIR/pids/helper.pid
rig_wait 10 "helper to listen" test -S "$SOCK"
HLOG=$RIG_DIR/logs/helper.log

# as_member LABEL ARGS...: sstp as the member (through the helper), in the client namespace
# (where the helper's sessions are), without a terminal; stdin from $SX_IN (default /dev/null)
as_member() {
    local label=$1; shift
    ip netns exec "$RIG_NS_CLI" setsid -w setpriv --reuid="$MEMBER" --regid="$MEMBER" --init-groups \
        env -i PATH=/usr/bin:/bin HOME=/ SSTP_HELPER_SOCKET="$SOCK" timeout 120 "$SSTP_BIN" "$@" \
        < "${SX_IN:-/dev/null}" > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    return 0
}
# no trace of the canary in these files / directories
clean() { ! grep -raqFf "$PAT" "$@" 2>/dev/null; }
# nor in any process's command line or environment
proc_clean() {
    python3 - "$PAT" <<'PY'
import glob, sys
c = open(sys.argv[1], "rb").read().strip()
bad = []
for f in glob.glob("/proc/[0-9]*/cmdline") + glob.glob("/proc/[0-9]*/environ"):
    try:
        if c in open(f, "rb").read():
            bad.append(f)
    except OSError:
        pass
for f in bad:
    print("# canary in " + f, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
ping_svc() { rig_wait 10 "ping the service host through the tunnel" rig_ns_exec cli ping -c 1 -W 1 -q "$RIG_SVC_IP"; }
expect() { # expect LABEL CODE REGEX: exit code and a line of stderr
    rig_check "$1: exit $2" [ "$SX_RC" = "$2" ] || { echo "# got $SX_RC:"; sed 's/^/# /' "$SX_OUT/$1.err"; }
    rig_check "$1: says why" grep -Eq -- "$3" "$SX_OUT/$1.err" || sed 's/^/# /' "$SX_OUT/$1.err"
}
# connect_ok LABEL NAME ARGS...: connect, status, ping, canary checks while up, disconnect
connect_ok() {
    local label=$1 name=$2; shift 2
    as_member "$label" connect "$name" --timeout 60 "$@"
    rig_check "$label: connect $name through the helper exits 0" [ "$SX_RC" = 0 ] ||
        { sed 's/^/# /' "$SX_OUT/$label.err"; tail -20 "$HLOG" | sed 's/^/# helper: /'; }
    as_member "$label-st" status "$name" --json
    rig_check "$label: status says connected" [ "$(sx_json "$SX_OUT/$label-st.out" 'j["state"]')" = connected ]
    rig_check "$label: authenticated with MS-CHAPv2" [ "$(sx_json "$SX_OUT/$label-st.out" '"CHAP" in (j.get("auth") or "").upper()')" = true ]
    ping_svc
    rig_check "$label: service host answers ping through the tunnel" rig_ns_exec cli ping -c 1 -W 2 -q "$RIG_SVC_IP"
    rig_check "$label: no canary in /proc/*/cmdline or environ while up" proc_clean
    rig_check "$label: no canary in status --json or the member's output" clean "$SX_OUT"
    as_member "$label-dc" disconnect "$name"
    rig_check "$label: disconnect exits 0" [ "$SX_RC" = 0 ] || sed 's/^/# /' "$SX_OUT/$label-dc.err"
    rig_check "$label: client namespace as before" sx_same_as "$BEFORE"
}

BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"

# 1. the member's password file, read by the CLI as the member
connect_ok pwfile pw --password-file "$MHOME/pw"
# 2. the password on standard input
SX_IN=$MHOME/pw # opened by root for the member's stdin, like a shell redirection of theirs
connect_ok pwstdin pw --password-stdin
SX_IN=
# 3. the profile's password-file, root's 0600, and the member's own 0600
connect_ok pfroot pwf
connect_ok pfmine pwmine

# 4. refusals
as_member none connect pw --timeout 30
expect none 2 "profile pw authenticates $PWUSER with a password: give it with --password-file"
as_member open644 connect pw644 --timeout 30
expect open644 11 "password-file $PWF/root644 is accessible by group or others \(mode 644\).*chmod 600"
as_member open640 connect pw640 --timeout 30
expect open640 11 "is accessible by group or others \(mode 640\)"
as_member other connect pwother --timeout 30
expect other 11 "password-file $PWF/other600 is owned by uid [0-9]+; the helper reads it only when it belongs to root or to the requesting user"
for k in fifo:"is a FIFO, not a regular file; refused" link:"is a symbolic link; refused" \
         dev:"is a character device, not a regular file; refused"; do
    as_member "pf${k%%:*}" connect "pw${k%%:*}" --timeout 30
    expect "pf${k%%:*}" 11 "password-file $MHOME/[a-z]+ ${k#*:}"
    as_member "pf${k%%:*}-st" status
    rig_check "pf${k%%:*}: the helper still answers STATUS (nothing runs: 10)" [ "$SX_RC" = 10 ] || sed 's/^/# /' "$SX_OUT/pf${k%%:*}-st.err"
done
as_member wrong connect pw --password-file "$MHOME/wrong" --timeout 30
expect wrong 6 "authentication rejected by server: E=691 bad user name or password \(MS-CHAPv2\)"
as_member wrongst status pw
rig_check "after the wrong password: nothing runs (10)" [ "$SX_RC" = 10 ]
rig_check "after the refusals: client namespace as before" sx_same_as "$BEFORE"

# 5. sstp check through the helper: connect, probe as the member, disconnect
as_member chk check pwf --probe "$RIG_SVC_IP:$RIG_HTTP_PORT" --json
rig_check "check through the helper exits 0" [ "$SX_RC" = 0 ] || sed 's/^/# /' "$SX_OUT/chk.err" "$SX_OUT/chk.out"
rig_check "check: JSON says connected" [ "$(sx_json "$SX_OUT/chk.out" 'j["connected"]')" = true ]
rig_check "check: the probe answered" [ "$(sx_json "$SX_OUT/chk.out" 'j["probes"][0]["ok"]')" = true ]
as_member chkst status pwf
rig_check "check: disconnected afterwards (10)" [ "$SX_RC" = 10 ]
as_member chkbad check pwf --probe "$RIG_SVC_IP:9"
rig_check "check: an unreachable probe is exit 12" [ "$SX_RC" = 12 ] || sed 's/^/# /' "$SX_OUT/chkbad.err" "$SX_OUT/chkbad.out"
rig_check "after check: client namespace as before" sx_same_as "$BEFORE"

# 6. root without the helper (sstp@.service, `sudo sstp connect`): the profile's password-file too
ROOT_STATE=$RIG_DIR/root-state
SSTP_SYSTEM_DIR=$RIG_DIR/etc timeout 120 ip netns exec "$RIG_NS_CLI" setsid -w "$SSTP_BIN" connect pwf \
    --background --timeout 60 --state-dir "$ROOT_STATE" < /dev/null > "$SX_OUT/root.out" 2> "$SX_OUT/root.err"
rig_check "root: connect pwf directly with the profile's password-file" [ "$?" = 0 ] || sed 's/^/# /' "$SX_OUT/root.err"
ping_svc
rig_check "root: service host answers ping through the tunnel" rig_ns_exec cli ping -c 1 -W 2 -q "$RIG_SVC_IP"
rig_ns_exec cli "$SSTP_BIN" disconnect pwf --state-dir "$ROOT_STATE" > "$SX_OUT/rootdc.out" 2> "$SX_OUT/rootdc.err"
rig_check "root: disconnect exits 0" [ "$?" = 0 ] || sed 's/^/# /' "$SX_OUT/rootdc.err"
rig_check "after root's session: client namespace as before" sx_same_as "$BEFORE"

# the detectors find the canary where it is (so their "clean" means something)
detects() { ! clean "$@"; }
rig_check "detector: finds the canary in the password files" detects "$PWF"
python3 -c 'import time; time.sleep(20)' "$CANARY" & # one process with the canary in its argv
DPID=$!
proc_dirty() { ! proc_clean 2>/dev/null; }
rig_wait 5 "the decoy process" proc_dirty
rig_check "detector: finds the canary on a command line" proc_dirty
kill "$DPID" 2>/dev/null
wait "$DPID" 2>/dev/null

# 7. the canary is nowhere the helper writes, nor in anything the member saw
rig_check "no canary in the helper's log" clean "$HLOG"
rig_check "no canary in the helper's state directory" clean "$SX_STATE"
rig_check "no canary in the member's outputs" clean "$SX_OUT"
rig_check "no canary in /proc/*/cmdline or environ at the end" proc_clean
rig_check "the helper logged the hand-over without the password" grep -q "password handed over on its stdin" "$HLOG"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
