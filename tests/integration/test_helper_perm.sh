#!/bin/bash
# test_helper_perm.sh - who the sstp helper serves, with real users made for the test: a member
# of group sstp is served (also when their process does not carry the group: the group database
# counts), a user outside it is refused with exit 11 both by the socket's mode (0660 root:sstp)
# and, with the socket opened up, by the helper's own SO_PEERCRED check, which logs the refusal;
# root is always served. A member's connect runs the administrator's profile (whose key only
# root can read) in a session child and gets its real exit code; options that would bring
# other files or settings in are refused. The users (and the group, if the test made it) are
# removed afterwards, whatever happens. Needs root; exit 77 to skip.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SSTP_BIN=${SSTP_BIN:-${SSTP_BUILD_DIR:-$SRC/build}/sstp}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (creates users)"
for t in useradd userdel groupadd groupdel setpriv openssl; do
    command -v "$t" >/dev/null || skip "$t is not installed"
done
[ -x "$SSTP_BIN" ] || skip "no sstp binary at $SSTP_BIN"

ID=$$
IN=sstpin$ID
OUT=sstpout$ID
GROUP_MADE=0
TMP=$(mktemp -d /tmp/sstp-perm-test.XXXXXX)
chmod 755 "$TMP"
HELPER_PID=
FAILS=0

cleanup() {
    [ -n "$HELPER_PID" ] && kill "$HELPER_PID" 2>/dev/null && sleep 0.5
    [ -n "$HELPER_PID" ] && kill -9 "$HELPER_PID" 2>/dev/null
    userdel "$IN" 2>/dev/null
    userdel "$OUT" 2>/dev/null
    [ "$GROUP_MADE" = 1 ] && groupdel sstp 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
expect() { # expect DESC WANT_RC LABEL: the exit code of the last `run LABEL`
    if [ "$RC" = "$2" ]; then ok "$1"; else bad "$1 (exit $RC, want $2)"; sed 's/^/  | /' "$TMP/$3.err"; fi
}
has() { if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1"; sed 's/^/  | /' "$3"; fi; }
# run LABEL USER [setpriv options] -- sstp args...
run() {
    local label=$1 user=$2; shift 2
    local opts=()
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    if [ "$user" = root ]; then
        env SSTP_HELPER_SOCKET="$SOCK" SSTP_USE_HELPER=1 timeout 60 "$SSTP_BIN" "$@" \
            > "$TMP/$label.out" 2> "$TMP/$label.err"
    else
        setpriv --reuid="$user" --regid="$user" "${opts[@]:---init-groups}" \
            env -i PATH=/usr/bin:/bin HOME=/ SSTP_HELPER_SOCKET="$SOCK" \
            timeout 60 "$SSTP_BIN" "$@" > "$TMP/$label.out" 2> "$TMP/$label.err"
    fi
    RC=$?
}

getent group sstp >/dev/null || { groupadd --system sstp || skip "groupadd failed"; GROUP_MADE=1; }
useradd -M -U -G sstp -s /bin/sh -d / "$IN" || skip "useradd failed"
useradd -M -U -s /bin/sh -d / "$OUT" || skip "useradd failed"

# the administrator's profile: a gateway that is not there, a key only root can read
mkdir -p "$TMP/etc/work" "$TMP/keys" "$TMP/state"
chmod 700 "$TMP/keys"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/keys/key.pem" -out "$TMP/keys/cert.pem" \
    -subj /CN=perm-test -days 2 >/dev/null 2>&1 || skip "openssl could not make a key"
chmod 600 "$TMP/keys/key.pem"
cat > "$TMP/etc/work/profile.conf" <<EOF
server = 127.0.0.1
cert = $TMP/keys/cert.pem
key = $TMP/keys/key.pem
EOF
chmod -R a+rX "$TMP/etc"
SOCK=$TMP/state/control

start_helper() {
    SSTP_SYSTEM_DIR=$TMP/etc "$SSTP_BIN" helper --state-dir "$TMP/state" --socket "$SOCK" -v "$@" \
        >> "$TMP/helper.log" 2>&1 &
    HELPER_PID=$!
    for _ in $(seq 50); do [ -S "$SOCK" ] && return 0; sleep 0.1; done
    bad "helper did not start"; cat "$TMP/helper.log"; exit 1
}
stop_helper() {
    kill "$HELPER_PID"; wait "$HELPER_PID" 2>/dev/null; HELPER_PID=
}

start_helper
mode=$(stat -c '%a %U %G' "$SOCK")
[ "$mode" = "660 root sstp" ] && ok "socket is 0660 root:sstp" || bad "socket is $mode"
mode=$(stat -c '%a %U %G' "$TMP/state")
[ "$mode" = "750 root sstp" ] && ok "state directory is 0750 root:sstp" || bad "state dir is $mode"

run in-status "$IN" -- status
expect "member: status is served (no sessions: 10)" 10 in-status
has "member: status says no sessions" "no sessions are running" "$TMP/in-status.out"
run out-status "$OUT" -- status
expect "outsider: refused with 11" 11 out-status
has "outsider: told about group sstp" "group 'sstp'" "$TMP/out-status.err"
run root-status root -- status
expect "root: served" 10 root-status

# a member connects the profile: the session child runs, fails to reach the gateway: 4
run in-connect "$IN" -- connect work --timeout 10
expect "member: connect runs the profile and returns the session's exit code (4)" 4 in-connect
has "member: the session's own reason" "127.0.0.1" "$TMP/in-connect.err"
run in-status2 "$IN" -- status work
expect "member: status of the failed session: not connected (10)" 10 in-status2
has "member: status keeps the last error" "last error" "$TMP/in-status2.out"
if setpriv --reuid="$IN" --regid="$IN" --init-groups cat "$TMP/keys/key.pem" >/dev/null 2>&1; then
    bad "member can read the profile's private key"
else
    ok "member cannot read the private key the session used"
fi
run in-cert "$IN" -- connect work --cert /etc/shadow
expect "member: --cert needs root (11)" 11 in-cert
has "member: told why" "needs root" "$TMP/in-cert.err"
run in-insecure "$IN" -- connect work --insecure
expect "member: --insecure needs root (11)" 11 in-insecure
run in-server "$IN" -- connect 127.0.0.1:443
expect "member: a bare server (not a profile) needs root (11)" 11 in-server
run in-nope "$IN" -- connect nosuchprofile
expect "member: unknown profile (9)" 9 in-nope
run in-disc "$IN" -- disconnect work
expect "member: disconnect of a session that is not running (10)" 10 in-disc

# the helper's own check: with the socket open to everyone (in a directory everyone may enter),
# the outsider reaches the helper
stop_helper
mkdir -p "$TMP/open"
chmod 755 "$TMP/open"
SOCK=$TMP/open/control
start_helper --socket-mode 0666
run out-status2 "$OUT" -- status
expect "outsider through an open socket: refused by the helper (11)" 11 out-status2
has "outsider: the helper says why" "neither root nor a member of group 'sstp'" "$TMP/out-status2.err"
has "the refusal is logged with the user" "refused a control connection from $OUT" "$TMP/helper.log"
# membership is read from the group database: a member whose process dropped the group is served
run in-nogroups "$IN" --clear-groups -- status
expect "member without the group in its process: served (10)" 10 in-nogroups
stop_helper

# `sstp run` through the helper, with fake sessions (the unit test binary acts as `sstp connect`):
# the command runs as the member, its exit code comes back, the session it needed is ended after
# it, and one that was up before is left up.
FAKE=${SSTP_BUILD_DIR:-$(dirname "$SSTP_BIN")}/tests/test_helper_service
if [ -x "$FAKE" ]; then
    mkdir -p "$TMP/etc/ok1" "$TMP/etc/ok2"
    printf 'server = 127.0.0.1\n' > "$TMP/etc/ok1/profile.conf"
    printf 'server = 127.0.0.1\n' > "$TMP/etc/ok2/profile.conf"
    chmod -R a+rX "$TMP/etc"
    SOCK=$TMP/state/control
    start_helper --session-exe "$FAKE"
    run in-run "$IN" -- run ok1 -- sh -c 'id -un; exit 3'
    expect "member: run returns the command's exit code (3)" 3 in-run
    has "member: the command ran as the member" "^$IN\$" "$TMP/in-run.out"
    run in-run-st "$IN" -- status ok1
    expect "member: after run, its session is ended (10)" 10 in-run-st
    run in-conn2 "$IN" -- connect ok2
    expect "member: connect ok2" 0 in-conn2
    run in-run2 "$IN" -- run ok2 -- true
    expect "member: run on a session that was up: 0" 0 in-run2
    run in-run2-st "$IN" -- status ok2
    expect "member: a session that was up before run stays up" 0 in-run2-st
    run in-disc2 "$IN" -- disconnect ok2
    expect "member: disconnect ok2" 0 in-disc2
    stop_helper
else
    echo "# run checks skipped: no $FAKE (unit tests not built)"
fi

if [ "$FAILS" != 0 ]; then
    echo "--- helper log"; cat "$TMP/helper.log"
    echo "$FAILS check(s) failed"; exit 1
fi
echo "all checks passed"
