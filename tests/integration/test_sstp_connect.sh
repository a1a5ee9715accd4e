#!/bin/bash
# End-to-end: `sstp connect` against the rig's SoftEther gateway. MS-CHAPv2 in the background
# (address from the hub's pool, ping, HTTP and a 1 MiB TCP transfer to the service host only
# reachable through the tunnel, `status --json` with the right fields, `disconnect`), PAP with
# --dns (resolv.conf changed and restored), a foreground session ended by SIGTERM within 2 s,
# `sstp run`, `sstp cleanup` after kill -9, and no secret in logs, JSON or /proc/PID/cmdline.
# After every session the client namespace must be exactly as before.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
GW=$(sx_gw_args)

rig_check "service host unreachable before connecting" sx_unreachable "$RIG_SVC_IP"

# ---- MS-CHAPv2, background ----------------------------------------------------------------------
# shellcheck disable=SC2086
sx bg connect $GW --name t1 --background --json -vv
rig_check "connect --background exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/bg.err" >&2; rig_dump_logs; }
rig_check "connect --background prints the status as JSON" \
    [ "$(sx_json "$SX_OUT/bg.out" 'j["state"]')" = connected ]
sx st1 status t1 --json
J=$SX_OUT/st1.out
ADDR=$(sx_json "$J" 'j["ipv4"]["local"]')
IFACE=$(sx_json "$J" 'j["interface"]')
PID=$(sx_json "$J" 'j["pid"]')
echo "   t1: $IFACE $ADDR, pid $PID"
rig_check "status exits 0" [ "$SX_RC" = 0 ]
rig_check "status: state connected" [ "$(sx_json "$J" 'j["state"]')" = connected ]
rig_check "status: address $ADDR from the hub's pool" sx_in_pool "$ADDR"
rig_check "status: peer is the hub's DHCP host" [ "$(sx_json "$J" 'j["ipv4"]["peer"]')" = "$RIG_SNAT_IP" ]
rig_check "status: interface exists with that address" \
    rig_ns_exec cli sh -c "ip -o addr show dev '$IFACE' | grep -qF ' $ADDR '"
rig_check "status: route $RIG_HUB_NET" [ "$(sx_json "$J" '",".join(j["routes"])')" = "$RIG_HUB_NET" ]
rig_check "status: server and address" \
    [ "$(sx_json "$J" 'j["server"]+" "+j["server_address"]+" "+str(j["port"])')" = "$RIG_GW_NAME $RIG_GW_IP 443" ]
rig_check "status: TLS version and suite" \
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["sessions"][0]["tls"]; sys.exit(not (t["version"].startswith("TLSv1.") and t["suite"]))' "$J"
rig_check "status: auth MS-CHAPv2" [ "$(sx_json "$J" 'j["auth"]')" = MS-CHAPv2 ]
rig_check "status: crypto binding SHA-256 over the server certificate" \
    [ "$(sx_json "$J" 'j["crypto_binding"]["hash"]+" "+j["crypto_binding"]["server_cert_hash"]')" = \
      "SHA-256 $(sx_cert_sha256 "$RIG_PKI/server.crt")" ]
rig_check "ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
rig_check "1 MiB over HTTP through the tunnel, sha256 intact" sx_blob_ok
rig_check "4 MiB uploaded through the tunnel, sha256 intact" sx_upload_ok 4
sx st2 status t1 --json
rig_check "status: byte counters moved (more than 1 MiB in)" \
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["sessions"][0]["traffic"]; sys.exit(not (t["bytes_in"] > 1048576 and t["bytes_out"] > 0 and t["packets_in"] > 0))' "$SX_OUT/st2.out"
rig_check "status (text) names the session and its state" grep -q "^t1: connected" \
    <(rig_ns_exec cli "$SSTP_BIN" status t1 --state-dir "$SX_STATE")
rig_check "password not in /proc/$PID/cmdline" sx_lacks "/proc/$PID/cmdline" "$RIG_PASS"
rig_check "password not in the -vv log" sx_lacks "$SX_OUT/bg.err" "$RIG_PASS"
rig_check "password not in status JSON" sx_lacks "$J" "$RIG_PASS"
# shellcheck disable=SC2086
sx dup connect $GW --name t1 --timeout 10
rig_check "a second session named t1: exit 1, says it is running" \
    sh -c "[ $SX_RC = 1 ] && grep -q 'a session named t1 is already running' '$SX_OUT/dup.err'"
T0=$(sx_ms)
sx dc1 disconnect t1
T1=$(sx_ms)
rig_check "disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "disconnect took less than 2 s ($((T1 - T0)) ms)" [ $((T1 - T0)) -lt 2000 ]
rig_check "session process gone" rig_wait 3 "pid $PID to exit" sh -c "! kill -0 $PID"
sx st3 status t1
rig_check "status after disconnect exits 10" [ "$SX_RC" = 10 ]
rig_check "client namespace exactly as before" sx_same_as "$BEFORE"
rig_check "service host unreachable again" sx_unreachable "$RIG_SVC_IP"

# ---- PAP -----------------------------------------------------------------------------------------
# shellcheck disable=SC2086
sx pap connect $GW --auth pap --name t2 --background --json --dns "$RIG_SVC_IP"
rig_check "PAP: connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/pap.err" >&2
rig_check "PAP: status says PAP" [ "$(sx_json "$SX_OUT/pap.out" 'j["auth"]')" = PAP ]
rig_check "--dns: status shows the server and the backend that took it" \
    [ "$(sx_json "$SX_OUT/pap.out" '",".join(j["dns"]["servers"])+" "+str(j["dns"]["backend"])')" = "$RIG_SVC_IP resolv.conf" ]
rig_check "--dns: the namespace's resolv.conf names it first" \
    sh -c "ip netns exec $RIG_NS_CLI cat /etc/resolv.conf | grep nameserver | head -n 1 | grep -qF '$RIG_SVC_IP'"
rig_check "PAP: address from the pool" sx_in_pool "$(sx_json "$SX_OUT/pap.out" 'j["ipv4"]["local"]')"
rig_check "PAP: ping the service host" sx_ping "$RIG_SVC_IP"
sx dc2 disconnect
rig_check "PAP: disconnect (the only session, no name) exits 0" [ "$SX_RC" = 0 ]
rig_check "PAP: client namespace exactly as before" sx_same_as "$BEFORE"

# ---- foreground, SIGTERM ---------------------------------------------------------------------------
# shellcheck disable=SC2086
( exec ip netns exec "$RIG_NS_CLI" "$SSTP_BIN" connect $GW --name t3 --state-dir "$SX_STATE" \
    > "$SX_OUT/fg.out" 2> "$SX_OUT/fg.err" ) &
FG=$!
if rig_check "foreground session comes up" sx_wait_state t3 connected 30; then
    rig_check "foreground: ping the service host" sx_ping "$RIG_SVC_IP"
    T0=$(sx_ms)
    kill -TERM "$FG"
    wait "$FG"; RC=$?
    T1=$(sx_ms)
    rig_check "foreground: SIGTERM ends it with exit 0" [ "$RC" = 0 ]
    rig_check "foreground: clean shutdown within 2 s ($((T1 - T0)) ms)" [ $((T1 - T0)) -lt 2000 ]
else
    kill -TERM "$FG" 2>/dev/null; wait "$FG"
    cat "$SX_OUT/fg.err" >&2
fi
rig_check "foreground: client namespace exactly as before" sx_same_as "$BEFORE"

# ---- sstp run ----------------------------------------------------------------------------------------
# shellcheck disable=SC2086
sx run run $GW --name t4 -- sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 -q $RIG_SVC_IP >/dev/null && exit 7; done; exit 1"
rig_check "run: exits with the command's code (7: the command reached the service host)" [ "$SX_RC" = 7 ] \
    || cat "$SX_OUT/run.err" >&2
rig_check "run: client namespace exactly as before" sx_same_as "$BEFORE"

# ---- kill -9, then sstp cleanup ------------------------------------------------------------------
# shellcheck disable=SC2086
sx k9 connect $GW --name t5 --background --json
PID=$(sx_json "$SX_OUT/k9.out" 'j["pid"]')
IFACE=$(sx_json "$SX_OUT/k9.out" 'j["interface"]')
rig_check "kill -9: session up ($IFACE, pid $PID)" [ "$SX_RC" = 0 ]
kill -KILL "$PID"
rig_wait 5 "pid $PID to die" sh -c "! kill -0 $PID"
# the TUN dies with its process, the pinned host route to the gateway and the journal do not
rig_check "kill -9: the pinned route to the gateway is left behind" \
    sh -c "ip -n $RIG_NS_CLI route show $RIG_GW_IP | grep -q 'proto 83'"
rig_check "kill -9: the journal is left behind" ls "$SX_STATE/t5.journal"
rig_check "kill -9: the control socket is left behind" test -S "$SX_STATE/t5.sock"
sx st5 status t5
rig_check "kill -9: status exits 10 (stale socket)" [ "$SX_RC" = 10 ]
sx cl cleanup
rig_check "cleanup exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/cl.err" "$SX_OUT/cl.out" >&2
rig_check "cleanup reports a replayed journal" grep -q "1 replayed" "$SX_OUT/cl.out"
rig_check "cleanup removed the dead session's control socket" test ! -e "$SX_STATE/t5.sock"
rig_check "cleanup reports the removed socket" grep -q "dead sessions removed: 1" "$SX_OUT/cl.out"
rig_check "cleanup: client namespace exactly as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
