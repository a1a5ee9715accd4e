#!/bin/bash
# test_helper_gateway.sh - the sstp helper against the rig's SoftEther gateway: a user of group
# sstp (made for the test) connects the administrator's EAP-TLS profile, whose key only root can
# read, through the helper; `sstp status` as that user shows everything a foreground session
# does; traffic flows; a session child killed with SIGKILL has its network changes undone by
# the helper (journal replay on child exit), and a journal left behind by a session that died
# with the helper itself is replayed when the next helper starts; a disconnect leaves the client
# namespace exactly as before. When Xvfb and the tray are there, sstp-tray shows the real
# session (screenshot in $SSTP_BUILD_DIR/test-artifacts/helper-gateway/). Exit 77 to skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

MEMBER=sstpgw$$
sx_helper_setup "$MEMBER"
BUILD=$(dirname "$SSTP_BIN")
ART=${SSTP_BUILD_DIR:-$BUILD}/test-artifacts/helper-gateway

# the administrator's profile: EAP-TLS with a key readable by root only
rig_add_cert_user hlpuser || rig_fatal "could not add the certificate user"
KEYS=$RIG_DIR/helper-keys
mkdir -p "$KEYS" && chmod 700 "$KEYS"
cp "$RIG_PKI/hlpuser.crt" "$RIG_PKI/hlpuser.key" "$KEYS/"
chmod 600 "$KEYS/hlpuser.key"
mkdir -p "$RIG_DIR/etc/gw"
cat > "$RIG_DIR/etc/gw/profile.conf" <<EOF
server = $RIG_GW_NAME
ca = $RIG_PKI/ca.crt
cert = $KEYS/hlpuser.crt
key = $KEYS/hlpuser.key
route = $RIG_HUB_NET
EOF
chmod -R a+rX "$RIG_DIR/etc"
start_helper() { # the helper runs in the client namespace: its sessions do too
    rig_spawn "helper$1" cli env SSTP_SYSTEM_DIR="$RIG_DIR/etc" "$SSTP_BIN" helper \
        --state-dir "$SX_STATE" --socket "$SOCK" -v
    HELPER_PIDFILE=$RIG_DIR/pids/helper$1.pid # "pid starttime"
    rig_wait 10 "helper$1 to listen" test -S "$SOCK"
}
helper_log() { cat "$RIG_DIR/logs/helper$1.log"; }
# as_member LABEL ARGS...: sstp as the member user (through the helper), like sx
as_member() {
    local label=$1; shift
    setpriv --reuid="$MEMBER" --regid="$MEMBER" --init-groups env -i PATH=/usr/bin:/bin HOME=/ \
        SSTP_HELPER_SOCKET="$SOCK" timeout 120 "$SSTP_BIN" "$@" \
        > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    return 0
}
link_gone() { ! ip -n "$RIG_NS_CLI" link show "$1" >/dev/null 2>&1; }
changed_since() { ! sx_same_as "$1" 2>/dev/null; }
# the helper's log says it undid at least one recorded change of session gw
replayed() { grep -Eq "restored the changes of 1 dead session gw: [1-9][0-9]* undone" "$RIG_DIR/logs/helper$1.log"; }
no_journal() { ! ls "$SX_STATE"/*.journal >/dev/null 2>&1; }

start_helper 1
BEFORE=$RIG_DIR/snapshot.before # with the helper's socket in the state directory
sx_snapshot > "$BEFORE"
as_member conn connect gw --timeout 60
rig_check "member: connect through the helper exits 0" [ "$SX_RC" = 0 ] ||
    { cat "$SX_OUT/conn.err" >&2; helper_log 1 >&2; rig_dump_logs; }
as_member st status gw --json
J=$SX_OUT/st.out
rig_check "member: status exits 0" [ "$SX_RC" = 0 ]
rig_check "status: connected" [ "$(sx_json "$J" 'j["state"]')" = connected ]
rig_check "status: address from the hub's pool" sx_in_pool "$(sx_json "$J" 'j["ipv4"]["local"]')"
rig_check "status: interface" [ -n "$(sx_json "$J" 'j["interface"]')" ]
rig_check "status: TLS version" [ -n "$(sx_json "$J" 'j["tls"]["version"]')" ]
rig_check "status: EAP-TLS" [ "$(sx_json "$J" 'j["auth"]')" = EAP-TLS ]
rig_check "status: crypto binding hash" [ -n "$(sx_json "$J" 'j["crypto_binding"]["hash"]')" ]
rig_check "status: server certificate hash" [ -n "$(sx_json "$J" 'j["crypto_binding"]["server_cert_hash"]')" ]
rig_check "status: the profile's route" python3 -c 'import json,sys; sys.exit(sys.argv[2] not in json.load(open(sys.argv[1]))["sessions"][0]["routes"])' "$J" "$RIG_HUB_NET"
rig_check "HTTP through the helper's tunnel" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
rig_check "member cannot read the key the session uses" \
    sh -c "! setpriv --reuid=$MEMBER --regid=$MEMBER --init-groups cat '$KEYS/hlpuser.key' 2>/dev/null"
IF=$(sx_json "$J" 'j["interface"]')
PID=$(sx_json "$J" 'j["pid"]')

# the tray shows the real session (optional: needs Xvfb and the tray build)
if command -v Xvfb >/dev/null && command -v import >/dev/null && [ -x "$BUILD/sstp-tray" ]; then
    mkdir -p "$ART"
    D=:$((150 + $$ % 50))
    Xvfb "$D" -screen 0 640x400x24 -nolisten tcp -ac > "$RIG_DIR/xvfb.log" 2>&1 &
    XPID=$!
    sleep 1
    setpriv --reuid="$MEMBER" --regid="$MEMBER" --init-groups env -i PATH=/usr/bin:/bin HOME=/tmp \
        DISPLAY="$D" "$BUILD/sstp-tray" --socket "$SOCK" --details --exit-after 60 \
        --state-file /tmp/sstp-gw-tray.$$ > "$RIG_DIR/tray.log" 2>&1 &
    TPID=$!
    rig_wait 15 "tray to show the gateway session" grep -qx "look: connected" /tmp/sstp-gw-tray.$$
    rig_check "tray: the session's address in the menu" grep -q "line: gw: connected, 10.232.0" /tmp/sstp-gw-tray.$$
    sleep 0.5
    DISPLAY=$D import -window root "$ART/gateway-connected.png" 2>/dev/null
    kill "$TPID" "$XPID" 2>/dev/null
    wait "$TPID" "$XPID" 2>/dev/null
    rm -f /tmp/sstp-gw-tray.$$
else
    echo "# tray part skipped: Xvfb, imagemagick or sstp-tray missing"
fi

# a session child killed outright: the helper undoes what its journal holds
kill -9 "$PID"
rig_wait 15 "the helper to replay the killed session's journal" replayed 1
rig_check "killed session: its TUN device is gone" link_gone "$IF"
rig_check "killed session: no journal left" no_journal
rig_check "killed session: client namespace as before" sx_same_as "$BEFORE"
as_member st2 status gw
rig_check "member: status of the killed session: not connected (10)" [ "$SX_RC" = 10 ]
rig_check "member: status says it was killed" grep -q "killed by signal 9" "$SX_OUT/st2.out"

# the helper and its session both die: the next helper replays the journal at start
as_member conn2 connect gw --timeout 60
rig_check "member: connect again" [ "$SX_RC" = 0 ] || cat "$SX_OUT/conn2.err" >&2
as_member st3 status gw --json
IF=$(sx_json "$SX_OUT/st3.out" 'j["interface"]')
PID=$(sx_json "$SX_OUT/st3.out" 'j["pid"]')
kill -9 "$(cut -d' ' -f1 "$HELPER_PIDFILE")"
kill -9 "$PID"
sleep 0.5
rig_check "both dead: the journal is still there" sh -c "ls '$SX_STATE'/*.journal"
rig_check "both dead: their changes are left behind" changed_since "$BEFORE"
sx_same_as "$BEFORE" 2>&1 | grep '^[-+][^-+]' | sed 's/^/# left behind: /' 
start_helper 2
rig_wait 10 "the new helper to replay the journal at start" replayed 2
rig_check "after restart: TUN device gone" link_gone "$IF"
rig_check "after restart: no journal left" no_journal
rig_check "after restart: client namespace as before" sx_same_as "$BEFORE"

# a clean disconnect by the member
as_member conn3 connect gw --timeout 60
rig_check "member: connect a third time" [ "$SX_RC" = 0 ]
as_member dc disconnect gw
rig_check "member: disconnect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/dc.err" >&2
rig_check "after disconnect: client namespace exactly as before" sx_same_as "$BEFORE"

# sstp@.service's contract: `sstp connect NAME` in the foreground says READY=1 on $NOTIFY_SOCKET
# once the tunnel is up (Type=notify), and a SIGTERM (systemctl stop) disconnects cleanly
python3 - "$RIG_DIR/notify.sock" "$RIG_DIR/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(90)
with open(sys.argv[2], "a") as f:
    try:
        while True:
            f.write(s.recv(4096).decode() + "\n"); f.flush()
    except socket.timeout:
        pass
PY
LPID=$!
rig_wait 5 "the notify listener" test -S "$RIG_DIR/notify.sock"
FG_STATE=$RIG_DIR/fg-state
NOTIFY_SOCKET=$RIG_DIR/notify.sock SSTP_SYSTEM_DIR=$RIG_DIR/etc ip netns exec "$RIG_NS_CLI" \
    "$SSTP_BIN" connect gw --reconnect --state-dir "$FG_STATE" > "$SX_OUT/fg.out" 2> "$SX_OUT/fg.err" &
FGPID=$!
rig_wait 60 "READY=1 from the foreground session" grep -q "READY=1" "$RIG_DIR/notify.log"
rig_ns_exec cli "$SSTP_BIN" status gw --json --state-dir "$FG_STATE" > "$SX_OUT/fgst.out" 2>/dev/null
rig_check "at READY=1 the tunnel is up" [ "$(sx_json "$SX_OUT/fgst.out" 'j["state"]')" = connected ]
kill -TERM "$FGPID"
rig_wait 15 "the foreground session to end on SIGTERM" sh -c "! kill -0 $FGPID 2>/dev/null"
wait "$FGPID"
rig_check "SIGTERM: clean exit (0)" [ "$?" = 0 ]
kill "$LPID" 2>/dev/null
rig_check "after SIGTERM: client namespace exactly as before" sx_same_as "$BEFORE"

# `sstp run` as the member: the tunnel exists for the command only (run in the client namespace,
# where the helper's sessions are)
ip netns exec "$RIG_NS_CLI" setpriv --reuid="$MEMBER" --regid="$MEMBER" --init-groups \
    env -i PATH=/usr/bin:/bin HOME=/ SSTP_HELPER_SOCKET="$SOCK" timeout 120 "$SSTP_BIN" run gw -- \
    curl -sS --fail --max-time 20 "http://$RIG_SVC_IP:$RIG_HTTP_PORT/token.txt" \
    > "$SX_OUT/run.out" 2> "$SX_OUT/run.err"
rig_check "member: run exits with the command's code (0)" [ "$?" = 0 ] || cat "$SX_OUT/run.err" >&2
rig_check "member: the command reached the service host through the tunnel" [ "$(cat "$SX_OUT/run.out")" = "$RIG_HTTP_TOKEN" ]
rig_check "after run: client namespace exactly as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
