#!/bin/bash
# Security: a gateway (tests/reliability/hostile_server.py, scenario good-pap, in the rig's gateway
# namespace) that assigns hostile IPCP addresses - the gateway's own address (also the LAN router
# of the client's namespace), an address inside the client's LAN, loopback, multicast, link-local,
# broadcast - is refused: exit 7 with a sentence naming the address, and the client namespace's
# links, addresses, routes and rules exactly as before. An ordinary pool address still connects.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"
# shellcheck source=../reliability/lib/rel.sh
. "$HERE/../reliability/lib/rel.sh"

rel_setup
BIN=$SSTP_BIN
BEFORE=$RIG_DIR/before.snap
rel_snapshot > "$BEFORE"
PORT=9443
printf 'ipcp-test-pw\n' > "$RIG_DIR/pw"; chmod 600 "$RIG_DIR/pw"
CONTROL=$RIG_DIR/hostile-control.json
printf '{"scenario": "tls-only", "cert": "%s", "key": "%s"}\n' "$RIG_PKI/server.crt" \
    "$RIG_PKI/server.key" > "$CONTROL"
rig_spawn hostile srv "$REL_PY" -u "$REL_HOME/hostile_server.py" --port "$PORT" --control "$CONTROL" --serve 2
rig_wait 15 "the hostile server" _rig_listening srv "$PORT" || rig_fatal "the hostile server did not start"

# ipcp LABEL LOCAL PEER CODE REGEX: one connection (no --no-routes: the profile's split tunnel)
N=0
ipcp() {
    local label=$1 loc=$2 peer=$3 code=$4 re=$5 last
    N=$((N + 1))
    HLOG=$RIG_DIR/logs/ipcp-$label.jsonl
    printf '{"scenario": "good-pap", "cert": "%s", "key": "%s", "log": "%s", "serve": 3, "ipcp_local": "%s", "ipcp_peer": "%s"}\n' \
        "$RIG_PKI/server.crt" "$RIG_PKI/server.key" "$HLOG" "$loc" "$peer" > "$CONTROL"
    rel_sx "$BIN" "$label" 60 connect "$RIG_GW_NAME:$PORT" --ca "$RIG_PKI/ca.crt" --name "i$N" \
        --user ipcp --password-file "$RIG_DIR/pw" --auth pap --no-reconnect
    last=$(grep -v '^  ' "$SX_OUT/$label.err" | tail -n 1)
    printf '   %-18s local %-15s peer %-15s exit %-3s %s\n' "$label" "$loc" "$peer" "$SX_RC" "${last#sstp: }"
    rig_check "$label: exit $code" [ "$SX_RC" = "$code" ] || tail -5 "$SX_OUT/$label.err" >&2
    rig_check "$label: clear message /$re/" grep -qE -- "$re" <<<"$last"
    rig_check "$label: IPCP was completed by the server" grep -q '"ev": "ipcp_opened"' "$HLOG"
    rig_check "$label: client namespace exactly as before" rel_same_as "$BEFORE"
}

GW=$RIG_GW_IP
ipcp peer-gateway 10.77.0.2 "$GW" 7 "its own address $GW as the peer address.*refused"
ipcp local-gateway "$GW" 10.77.0.1 7 "its own address $GW as the local address.*refused"
ipcp local-in-lan 10.231.0.77 10.77.0.1 7 "10.231.0.77 as the local address.*inside the local network $RIG_LINK_NET"
ipcp peer-in-lan 10.77.0.2 10.231.0.99 7 "10.231.0.99 as the peer address.*inside the local network $RIG_LINK_NET"
ipcp peer-loopback 10.77.0.2 127.0.0.1 7 "127.0.0.1 as the peer address.*loopback"
ipcp local-loopback 127.0.0.1 10.77.0.1 7 "127.0.0.1 as the local address.*loopback"
ipcp peer-multicast 10.77.0.2 224.0.0.1 7 "224.0.0.1 as the peer address.*multicast"
ipcp local-linklocal 169.254.7.7 10.77.0.1 7 "169.254.7.7 as the local address.*link-local"
ipcp peer-broadcast 10.77.0.2 255.255.255.255 7 "broadcast address"
# control: an ordinary address connects (the server hangs up after a few seconds: exit 8)
ipcp ordinary 10.77.0.2 10.77.0.1 8 "closed the connection"
rig_check "ordinary: the tunnel came up with 10.77.0.2" grep -q "10.77.0.2" "$SX_OUT/ordinary.err" "$SX_OUT/ordinary.out"

rig_check "nothing left in the state directory" [ -z "$(ls "$SX_STATE" 2>/dev/null)" ]
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
