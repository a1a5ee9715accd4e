#!/bin/bash
# End-to-end: the SSTP crypto binding, which SoftEther accepts without checking. A test-only relay
# (sstp_binding_relay.py) terminates TLS with its own certificate in front of SoftEther and checks
# the client's CALL_CONNECTED: nonce, SHA-256 of the relay's certificate, and the compound MAC from
# the HLAK it derives from the MS-CHAPv2 exchange it watches (it knows the user's password). A
# relay that is given a wrong password computes a different MAC and must refuse the client, which
# proves a wrong binding fails. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
rig_pki_issue relay server "$RIG_GW_NAME" "DNS:$RIG_GW_NAME,IP:$RIG_GW_IP" || rig_fatal "relay certificate"
printf 'not-%s\n' "$RIG_PASS" > "$RIG_DIR/relay-wrong-pw"
rig_spawn relay srv python3 "$HERE/sstp_binding_relay.py" 8444 "$RIG_PKI/relay.crt" "$RIG_PKI/relay.key" \
    "$RIG_GW_IP" 443 "$SX_PW"
rig_spawn relaybad srv python3 "$HERE/sstp_binding_relay.py" 8445 "$RIG_PKI/relay.crt" "$RIG_PKI/relay.key" \
    "$RIG_GW_IP" 443 "$RIG_DIR/relay-wrong-pw"
rig_wait 40 "relays" sh -c "ip netns exec $RIG_NS_SRV ss -ltn | grep -q ':8445 '" || rig_fatal "relays did not start"
AUTH="--ca $RIG_PKI/ca.crt --user $RIG_USER --password-file $SX_PW --route $RIG_HUB_NET --auth mschapv2 --no-ipv6"

# shellcheck disable=SC2086
sx good connect "$RIG_GW_NAME:8444" $AUTH --name b1 --background --json --timeout 30
rig_check "through the checking relay: connect exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/good.err" >&2; rig_dump_logs; }
rig_check "the relay verified nonce, certificate hash and compound MAC" \
    grep -q "^binding ok (SHA-256, MAC " "$RIG_DIR/logs/relay.log"
rig_check "status shows the relay's certificate hash (what the binding covers)" \
    [ "$(sx_json "$SX_OUT/good.out" 'j["crypto_binding"]["server_cert_hash"]')" = "$(sx_cert_sha256 "$RIG_PKI/relay.crt")" ]
rig_check "ping the service host through relay and gateway" sx_ping "$RIG_SVC_IP"
sx dc disconnect b1
rig_check "disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "client namespace as before" sx_same_as "$BEFORE"

# shellcheck disable=SC2086
sx bad connect "$RIG_GW_NAME:8445" $AUTH --name b2 --timeout 30
rig_check "a relay expecting another MAC refuses the client (exit $SX_RC, not 0)" [ "$SX_RC" != 0 ]
rig_check "that relay reports the compound MAC mismatch" \
    grep -q "^binding MISMATCH: compound MAC" "$RIG_DIR/logs/relaybad.log"
rig_check "client namespace as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
