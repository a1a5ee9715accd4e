#!/bin/bash
# README command 1: install dependencies, build, start a local SSTP gateway (SoftEther) in network
# namespaces, connect to it, show the assigned address and traffic crossing the tunnel (ping, HTTP,
# iperf3), disconnect and tear everything down. Uses build/sstp once it can connect; until then the
# reference client (Debian's sstpc + pppd in a user-mode-linux guest), and says so.
# SSTP_BIN=/path/to/sstp uses that binary and skips the build.
set -u -o pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/rig.sh
. "$ROOT/tests/integration/lib/rig.sh"
SSTP=${SSTP_BIN:-$ROOT/build/sstp}

step() { printf '\n==> %s\n' "$*"; }

# ---- traffic through whatever tunnel is up (runs in the client namespace or the UML guest) --------
demo_traffic() {
    local ok=0 body
    step "ping the service host $RIG_SVC_IP (behind the gateway, reachable only through the tunnel)"
    ping -c 3 -i 0.3 -W 2 "$RIG_SVC_IP" || ok=1
    step "HTTP GET http://$RIG_SVC_NAME/token.txt"
    body=$(curl -sS --fail --max-time 30 "http://$RIG_SVC_NAME/token.txt") || ok=1
    echo "$body"
    [ "$body" = "$RIG_HTTP_TOKEN" ] && echo "(the service host's token: the request crossed the tunnel)" || ok=1
    step "iperf3, 3 seconds, client -> service host"
    timeout 60 iperf3 -c "$RIG_SVC_IP" -p "$RIG_IPERF_PORT" -t 3 -f m | grep -E 'sender|receiver' || ok=1
    return $ok
}

# ---- sstp (used once build/sstp can connect) ----------------------------------------------------------
demo_sstp_ready() {
    [ -x "$SSTP" ] && "$SSTP" connect --help >/dev/null 2>&1
}

demo_connect_sstp() {
    local rc=0 state=$RIG_DIR/sstp-state pwfile=$RIG_DIR/sstp-password
    printf '%s\n' "$RIG_PASS" > "$pwfile" && chmod 600 "$pwfile"
    rig_on_down "rig_ns_exec cli '$SSTP' -q disconnect --all --state-dir '$state' >/dev/null 2>&1"
    step "connecting with $SSTP to $RIG_GW_NAME (client namespace $RIG_NS_CLI)"
    rig_ns_exec cli "$SSTP" connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --user "$RIG_USER" \
        --password-file "$pwfile" --route "$RIG_HUB_NET" --name demo --background --state-dir "$state" \
        >/dev/null || { echo "sstp connect failed"; return 1; }
    step "assigned address"
    rig_ns_exec cli "$SSTP" status demo --state-dir "$state" || rc=1
    rig_ns_exec cli ip -4 -brief addr show | grep -v -E '^(lo|veth-cli|uml0)[@ ]' || rc=1
    rig_ns_exec cli bash -c ". '$RIG_DIR/rig.env'; $(declare -f step demo_traffic); demo_traffic" || rc=1
    step "disconnecting"
    rig_ns_exec cli "$SSTP" disconnect demo --state-dir "$state" || rc=1
    return $rc
}

# ---- the reference client, inside the UML guest ---------------------------------------------------------
demo_guest() {
    step "connecting with sstpc + pppd (MS-CHAPv2) to $RIG_GW_NAME"
    rig_sstpc_connect || { echo "sstpc did not connect"; return 1; }
    step "assigned address (from the gateway's DHCP pool, in ${RIG_SSTPC_MS} ms)"
    ip -4 addr show dev "$RIG_PPP_IF" | sed -n 's/^ *//; /inet /p'
    local rc=0
    demo_traffic || rc=1
    step "disconnecting"
    rig_sstpc_disconnect && echo "sstpc and pppd stopped, $RIG_PPP_IF removed" || rc=1
    return $rc
}

demo_connect_reference() {
    local why
    why=$(rig_uml_check 2>&1) || { echo "cannot run the reference client either: $why"; return 1; }
    cat <<EOF

NOTE: the sstp client cannot connect yet ($SSTP is missing or has no 'connect'), so this
      demo shows the same rig with the reference client instead: Debian's sstpc + pppd, run
      inside a guest (user-mode-linux or QEMU) because this machine's kernel has no PPP driver.
EOF
    rig_uml_run --timeout 600 --show "$0" --guest
}

if [ "${1:-}" = --guest ]; then
    demo_guest
    exit $?
fi

# ---- main -------------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "demo.sh needs root (it installs packages and creates network namespaces): sudo $0" >&2; exit 1; }
step "dependencies (.ci/deps-debian.sh)"
sh "$ROOT/.ci/deps-debian.sh" || exit 1
if [ -n "${SSTP_BIN:-}" ]; then
    step "using SSTP_BIN=$SSTP_BIN (not building)"
else
    step "building sstp (build/)"
    if cmake -S "$ROOT" -B "$ROOT/build" >/dev/null && cmake --build "$ROOT/build" -j 2 >/dev/null; then
        echo "built $SSTP"
    else
        echo "the build failed (see: cmake --build build); the demo goes on with the reference client"
    fi
fi
step "starting the gateway rig (SoftEther VPN Server in network namespaces)"
(rig_require) || exit $?
rig_up
echo "gateway    $RIG_GW_NAME = $RIG_GW_IP:$RIG_SSTP_PORT (namespace $RIG_NS_SRV), certificate from a test CA"
echo "user       $RIG_USER (password authentication)"
echo "service    $RIG_SVC_IP ($RIG_SVC_NAME): HTTP and iperf3, behind the gateway's virtual hub"
if demo_sstp_ready; then
    demo_connect_sstp
else
    demo_connect_reference
fi
rc=$?
step "gateway log"
grep -E 'Successfully authenticated|An IP address is assigned|PPP session is disconnected\.' \
    "$RIG_DIR/logs/vpnserver.log" | cut -c1-160
step "tearing the rig down"
rig_down
if [ $rc = 0 ]; then echo "demo: OK"; else echo "demo: FAILED (exit $rc)"; fi
exit $rc
