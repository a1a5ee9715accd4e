# shellcheck shell=bash
# Helpers for the end-to-end tests of the `sstp` client (tests/integration/test_sstp_*.sh) on top of
# the rig (lib/rig.sh): run sstp inside the client namespace with a private state directory,
# read its JSON, snapshot the client namespace's network state to prove a disconnect left the
# machine as it was. Source after lib/rig.sh; call sx_setup once.

: "${SSTP_BIN:=${SSTP_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}/sstp}"

sx_setup() {
    rig_require
    [ -x "$SSTP_BIN" ] || rig_skip "sstp binary not found at $SSTP_BIN (set SSTP_BIN or SSTP_BUILD_DIR)"
    rig_up
    SX_STATE=$RIG_DIR/sstp-state
    SX_PW=$RIG_DIR/sstp-password
    SX_OUT=$RIG_DIR/sstp-out
    mkdir -p "$SX_OUT"
    printf '%s\n' "$RIG_PASS" > "$SX_PW"
    chmod 600 "$SX_PW"
    # every session the tests started is ended before the rig goes away
    rig_on_down "sx_disconnect_all"
}

# sx_helper_setup MEMBER [OTHER...]: the rig plus what a test of the helper needs: root's
# tools, SX_STATE (the helper's state directory), SX_OUT, SOCK (its control socket), group sstp
# (made if missing), MEMBER in it and every OTHER outside it (users made for the test). When the
# rig goes down: the helper whose pid file is $HELPER_PIDFILE stopped, its sessions' journals
# replayed, the users and a group made here deleted.
sx_helper_setup() {
    rig_require
    [ -x "$SSTP_BIN" ] || rig_skip "sstp binary not found at $SSTP_BIN (set SSTP_BIN or SSTP_BUILD_DIR)"
    local t u
    for t in useradd userdel groupadd groupdel setpriv; do
        command -v "$t" >/dev/null || rig_skip "$t is not installed"
    done
    SX_HELPER_USERS=("$@")
    SX_GROUP_MADE=0
    HELPER_PIDFILE=
    rig_up
    SX_STATE=$RIG_DIR/helper-state
    SX_OUT=$RIG_DIR/sstp-out
    mkdir -p "$SX_OUT" "$SX_STATE"
    chmod 755 "$RIG_DIR"
    SOCK=$SX_STATE/control
    rig_on_down _sx_helper_cleanup
    getent group sstp >/dev/null || { groupadd --system sstp || rig_fatal "groupadd failed"; SX_GROUP_MADE=1; }
    useradd -M -U -G sstp -s /bin/sh -d / "$1" || rig_fatal "useradd $1 failed"
    for u in "${@:2}"; do
        useradd -M -U -s /bin/sh -d / "$u" || rig_fatal "useradd $u failed"
    done
}

_sx_helper_cleanup() {
    local u
    [ -n "$HELPER_PIDFILE" ] && [ -f "$HELPER_PIDFILE" ] && kill "$(cut -d' ' -f1 "$HELPER_PIDFILE")" 2>/dev/null
    sleep 1
    rig_ns_exec cli "$SSTP_BIN" -q cleanup --state-dir "$SX_STATE" >/dev/null 2>&1
    for u in "${SX_HELPER_USERS[@]}"; do userdel "$u" 2>/dev/null; done
    [ "$SX_GROUP_MADE" = 1 ] && groupdel sstp 2>/dev/null
    return 0
}

sx_disconnect_all() {
    rig_ns_exec cli "$SSTP_BIN" -q disconnect --all --state-dir "$SX_STATE" >/dev/null 2>&1 || true
}

# sx LABEL ARGS...: run `sstp ARGS --state-dir` in the client namespace; stdout in $SX_OUT/LABEL.out,
# stderr in $SX_OUT/LABEL.err, exit code in SX_RC (the function itself always returns 0).
sx() {
    local label=$1; shift
    timeout 120 ip netns exec "$RIG_NS_CLI" "$SSTP_BIN" "$@" --state-dir "$SX_STATE" \
        > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    return 0
}

# The usual way to reach the rig's gateway with the password user (extra arguments follow).
sx_gw_args() {
    echo "$RIG_GW_NAME --ca $RIG_PKI/ca.crt --user $RIG_USER --password-file $SX_PW --route $RIG_HUB_NET"
}

# sx_json FILE EXPR: evaluate a Python expression on the JSON document in FILE (bound to `j`).
# A `status --json` document ({"schema", "sessions": [...]}) of exactly one session binds `j` to
# that session, so `status NAME --json` reads like the session object (doc/json.md).
sx_json() {
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j=j["sessions"][0] if isinstance(j,dict) and isinstance(j.get("sessions"),list) and len(j["sessions"])==1 else j; v=eval(sys.argv[2]); print("" if v is None else (str(v).lower() if isinstance(v,bool) else v))' "$1" "$2" 2>/dev/null
}

# The client namespace as the tests see it: links, addresses, routes (IPv4 and IPv6), the
# namespace's resolv.conf, and journals left in the state directory.
sx_snapshot() {
    # a settled namespace: IPv6 DAD runs again after a link flap (at most 10 s)
    rig_wait 10 "IPv6 DAD" _rig_dad_done "$RIG_NS_CLI" >/dev/null 2>&1
    {
        ip -n "$RIG_NS_CLI" -o link show | sed -E 's/^[0-9]+: //; s/ (qlen|link-netns) .*//'
        ip -n "$RIG_NS_CLI" -o addr show | sed -E 's/^[0-9]+: //; s/ +valid_lft.*//'
        ip -n "$RIG_NS_CLI" route show table all
        ip -n "$RIG_NS_CLI" -6 route show table all
        cat "/etc/netns/$RIG_NS_CLI/resolv.conf" 2>/dev/null
        ls "$SX_STATE" 2>/dev/null | grep -v '\.sock$'
    } | sort
}

sx_same_as() { # sx_same_as FILE: the namespace is as FILE recorded it (diff on stderr otherwise)
    local now=$RIG_DIR/snapshot.now
    sx_snapshot > "$now"
    diff -u "$1" "$now" >&2
}

sx_in_pool() {
    local last=${1##*.} lo=${RIG_POOL_START##*.} hi=${RIG_POOL_END##*.}
    [ "${1%.*}" = "${RIG_POOL_START%.*}" ] && [ "$last" -ge "$lo" ] && [ "$last" -le "$hi" ]
}

# sx_ping HOST [SECS]: a ping through the tunnel answered within SECS (10) seconds. The hub gives every new PPP session a new virtual
# MAC but the same address from its DHCP pool; the service host keeps the previous session's MAC in
# its ARP cache until it probes again (up to ~6 s), so the first replies of a new session can be lost.
sx_ping() { rig_wait "${2:-10}" "ping $1" rig_ns_exec cli ping -c 1 -W 1 -q "$1"; }
sx_unreachable() { ! rig_ns_exec cli ping -c 1 -W 1 -q "$1" 2>/dev/null; }
sx_http() { rig_ns_exec cli curl -sS --fail --max-time 20 "http://$RIG_SVC_IP:$RIG_HTTP_PORT/$1"; }
sx_blob_ok() {
    [ "$(sx_http 1M.bin | sha256sum | cut -d' ' -f1)" = "$(cat "$RIG_DIR/www/1M.bin.sha256")" ]
}
# sx_upload_ok [MIB]: MIB (4) random MiB sent through the tunnel to a socat listener on the service
# host arrive intact (sha256): TCP super-packets the TUN hands over are cut by sstp (plat_gso.c)
sx_upload_ok() {
    local n=${1:-4} port=5299 src="$RIG_DIR/up.bin" dst="$RIG_DIR/up.rcv"
    head -c $((n * 1048576)) /dev/urandom > "$src" && rm -f "$dst" || return 1
    rig_ns_exec svc timeout 60 socat -u "TCP-LISTEN:$port,bind=$RIG_SVC_IP,reuseaddr" "CREATE:$dst" &
    local lp=$!
    rig_wait 10 "the upload listener" _rig_listening svc "$port" || { kill "$lp"; return 1; }
    rig_ns_exec cli timeout 60 socat -u "OPEN:$src" "TCP:$RIG_SVC_IP:$port" || { kill "$lp"; return 1; }
    wait "$lp" || return 1
    [ "$(sha256sum < "$src")" = "$(sha256sum < "$dst")" ]
}
# sx_wait_state NAME STATE SECS: poll `sstp status NAME --json` until .state is STATE
sx_wait_state() {
    rig_wait "$3" "session $1 to be $2" _sx_state_is "$1" "$2"
}
_sx_state_is() {
    sx "wait-$1" status "$1" --json
    [ "$(sx_json "$SX_OUT/wait-$1.out" 'j["state"]')" = "$2" ]
}
# The SHA-256 of a PEM certificate's DER, lower-case hex (what status shows as server_cert_hash).
sx_cert_sha256() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
# Milliseconds since the epoch.
sx_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
# A file does not contain a string (binary-safe).
sx_lacks() { ! grep -aqF -- "$2" "$1"; }
