#!/bin/bash
# test_helper_owner.sh - session ownership in the sstp helper, with real users made for the test:
# alice and bob in group sstp, carol outside it. A session belongs to the uid that started it
# (SO_PEERCRED): alice connects the administrator's profile `work`, pings through it, sees it in
# `status`; bob can neither see its details, stop it, connect the same profile, nor stop it with
# `disconnect --all` (which stops only his own session), each refused with exit 11 and a sentence;
# a session root started itself (outside the helper) is root's; carol is refused outright (11).
# Users and the group (if made here) are removed afterwards. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

ALICE=alice$$
BOB=bob$$
CAROL=carol$$
sx_helper_setup "$ALICE" "$BOB" "$CAROL"
usermod -a -G sstp "$BOB" || rig_fatal "usermod $BOB failed"

PW=$RIG_DIR/pw # root's 0600: the profiles' password-file
printf '%s\n' "$RIG_PASS" > "$PW"; chmod 600 "$PW"
profile() { # profile NAME [route]
    mkdir -p "$RIG_DIR/etc/$1"
    {
        echo "server = $RIG_GW_NAME"
        echo "ca = $RIG_PKI/ca.crt"
        echo "user = $RIG_USER"
        echo "auth = mschapv2"
        echo "password-file = $PW"
        [ -n "${2:-}" ] && echo "route = $2"
    } > "$RIG_DIR/etc/$1/profile.conf"
}
profile work "$RIG_HUB_NET"
profile work2
profile rootown
chmod -R a+rX "$RIG_DIR/etc"

rig_spawn helper cli env SSTP_SYSTEM_DIR="$RIG_DIR/etc" "$SSTP_BIN" helper \
    --state-dir "$SX_STATE" --socket "$SOCK" -v
HELPER_PIDFILE=$RIG_DIR/pids/helper.pid
rig_wait 10 "helper to listen" test -S "$SOCK"
HLOG=$RIG_DIR/logs/helper.log

as() { # as USER LABEL ARGS...: sstp as USER through the helper, in the client namespace
    local u=$1 label=$2; shift 2
    ip netns exec "$RIG_NS_CLI" setsid -w setpriv --reuid="$u" --regid="$u" --init-groups \
        env -i PATH=/usr/bin:/bin HOME=/ SSTP_HELPER_SOCKET="$SOCK" timeout 120 "$SSTP_BIN" "$@" \
        < /dev/null > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    return 0
}
expect() { # expect LABEL CODE [REGEX]
    rig_check "$1: exit $2" [ "$SX_RC" = "$2" ] || { echo "# got $SX_RC:"; sed 's/^/# /' "$SX_OUT/$1.err"; }
    [ -n "${3:-}" ] || return 0
    rig_check "$1: says why" grep -Eq -- "$3" "$SX_OUT/$1.err" || sed 's/^/# /' "$SX_OUT/$1.err"
}
state_of() { sx_json "$SX_OUT/$1.out" 'j["state"]'; }
DENY="permission denied: session %s belongs to another user; only that user or root may"

BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"

# alice's session
as "$ALICE" a-conn connect work --timeout 60 -v
expect a-conn 0
as "$ALICE" a-st status work --json
rig_check "alice: status work says connected" [ "$(state_of a-st)" = connected ]
rig_wait 10 "ping through alice's tunnel" rig_ns_exec cli ping -c 1 -W 1 -q "$RIG_SVC_IP"
rig_check "alice: the service host answers through the tunnel" rig_ns_exec cli ping -c 1 -W 2 -q "$RIG_SVC_IP"

# bob: no details, no stop, no takeover
as "$BOB" b-st status work
expect b-st 11 "$(printf "$DENY" work) inspect it"
as "$BOB" b-list status
expect b-list 10
rig_check "bob: the overview does not list alice's session" sh -c "! grep -q work '$SX_OUT/b-list.out'"
as "$BOB" b-dc disconnect work
expect b-dc 11 "$(printf "$DENY" work) stop it"
as "$BOB" b-conn connect work --timeout 30
expect b-conn 11 "$(printf "$DENY" work) connect it"
as "$BOB" b-all disconnect --all
expect b-all 10 "no session of yours is running"
# bob's own session, then his --all stops only it
as "$BOB" b-conn2 connect work2 --timeout 60
expect b-conn2 0
as "$BOB" b-all2 disconnect --all
expect b-all2 0
as "$BOB" b-st2 status work2
rig_check "bob: his own session ended" [ "$SX_RC" = 10 ]
as "$ALICE" a-st2 status work --json
rig_check "alice: her session is still connected after bob's --all" [ "$(state_of a-st2)" = connected ]
rig_check "the helper logged bob's refusals" grep -q "stop work refused: not the session's owner" "$HLOG"

# a hand-made request with --verbose twice (the CLI sends it once): bob's session gets one -v
as_py() { # as_py USER: send the frame to the helper as USER, print the reply's type
    ip netns exec "$RIG_NS_CLI" setpriv --reuid="$1" --regid="$1" --init-groups /usr/bin/python3 -c '
import socket, struct, sys
def attr(tag, val): return struct.pack(">HH", tag, len(val)) + val
body = attr(0x03, b"work2") + attr(0x04, b"--verbose") + attr(0x04, b"--verbose") + \
       attr(0x04, b"--timeout=60") + attr(0x31, b"")
frame = b"SC" + bytes([1, 3]) + struct.pack(">II", 9, len(body)) + body
s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sys.argv[1]); s.sendall(frame)
print(s.recv(12)[3])' "$SOCK"
}
rig_check "bob: a raw CONNECT with --verbose twice is accepted" [ "$(as_py "$BOB")" = "$(printf '%d' 0x81)" ] ||
    tail -5 "$HLOG" | sed 's/^/# helper: /'
CPID=$(pgrep -f -- "connect work2 --name work2" | head -1)
rig_check "bob's session process runs" [ -n "$CPID" ]
NV=$(tr '\0' '\n' < "/proc/$CPID/cmdline" 2>/dev/null | grep -c -- '^-v$')
rig_check "bob's session got one -v, not two (no packet dumps for non-root)" [ "$NV" = 1 ] ||
    tr '\0' ' ' < "/proc/$CPID/cmdline" | sed 's/^/# /'
no_core() { grep -Eq '^Max core file size +0 +0 ' "/proc/$1/limits"; }
rig_check "bob's session process writes no core file (RLIMIT_CORE 0)" no_core "$CPID"
rig_check "the helper writes no core file (RLIMIT_CORE 0)" no_core "$(cut -d' ' -f1 "$HELPER_PIDFILE")"
as "$BOB" b-dc3 disconnect work2
rig_check "bob stops that session" [ "$SX_RC" = 0 ] || sed 's/^/# /' "$SX_OUT/b-dc3.err"

# carol: not a member
as "$CAROL" c-conn connect work2 --timeout 30
expect c-conn 11 "group 'sstp'"
as "$CAROL" c-dc disconnect work
expect c-dc 11

# a session root started itself belongs to root
SSTP_SYSTEM_DIR=$RIG_DIR/etc timeout 120 ip netns exec "$RIG_NS_CLI" setsid -w "$SSTP_BIN" connect rootown \
    --background --timeout 60 --state-dir "$SX_STATE" < /dev/null > "$SX_OUT/root.out" 2> "$SX_OUT/root.err"
rig_check "root: connect rootown outside the helper" [ "$?" = 0 ] || sed 's/^/# /' "$SX_OUT/root.err"
as "$ALICE" a-rdc disconnect rootown
expect a-rdc 11 "$(printf "$DENY" rootown) stop it"
as "$ALICE" a-rst status rootown
expect a-rst 11
as "$ALICE" a-all disconnect --all
expect a-all 0
sx r-st status rootown --json
rig_check "root's session survived alice's --all" [ "$(state_of r-st)" = connected ]
as "$ALICE" a-st3 status work
rig_check "alice's --all stopped her session" [ "$SX_RC" = 10 ]
sx r-dc disconnect rootown
rig_check "root stops its own session" [ "$SX_RC" = 0 ]
rig_check "client namespace as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
