#!/bin/bash
# End-to-end: the full-tunnel kill switch (--kill-switch, issue 18) against the rig's gateway.
# The outage: the gateway resets every TCP segment to its SSTP port (in its namespace) while the
# local network stays up. The "local network" is the client's uplink
# 10.231.0.0/24, where the gateway's namespace gets a second address, a LAN host.
#  1. without --kill-switch, during the outage, the LAN host answers a ping and the gateway's
#     admin port (5555) accepts a TCP connection: what a full tunnel alone leaks;
#  2. with --kill-switch: status shows the table, the tunnel carries traffic, during the outage
#     the same probes get nothing, the TUN stays; once the gateway takes connections again the
#     session reconnects and traffic flows; a plain drop (SessionDisconnect) is timed too
#     (test_sstp_reconnect.sh times the same drop without the switch); disconnect removes the
#     table; nothing left behind;
#  3. SIGKILL of a session with the kill switch: the table stays (traffic still blocked),
#     `sstp cleanup` removes it and the rest; nothing left behind;
#  4. --kill-switch without a full tunnel is refused with a sentence (exit 2).
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

command -v nft >/dev/null || rig_skip "nft (Debian package nftables) is not installed"
sx_setup
LAN_HOST=10.231.0.7
ip -n "$RIG_NS_SRV" addr add "$LAN_HOST/24" dev veth-gw || rig_fatal "cannot add the LAN host"
# the client namespace as before, nftables tables included
ks_snapshot() { sx_snapshot; ip netns exec "$RIG_NS_CLI" nft list tables; }
BEFORE=$RIG_DIR/snapshot.before
ks_snapshot > "$BEFORE"
ks_same() { local now=$RIG_DIR/snapshot.now; ks_snapshot > "$now"; diff -u "$BEFORE" "$now" >&2; }
GW="$RIG_GW_NAME --ca $RIG_PKI/ca.crt --user $RIG_USER --password-file $SX_PW --full-tunnel --no-ipv6"

field() { sx st status "$1" --json; sx_json "$SX_OUT/st.out" "$2"; }
reconnected() { [ "$(field "$1" 'str(j["reconnects"])+j["state"]')" = "$2connected" ]; }
not_connected() { [ "$(field "$1" 'j["state"]')" != connected ]; }
table_of() { ip netns exec "$RIG_NS_CLI" nft list table inet "sstp_$1" >/dev/null 2>&1; }
no_table() { ! table_of "$1"; }
lan_ping() { rig_ns_exec cli ping -c 1 -W 2 -q "$LAN_HOST" >/dev/null 2>&1; }
lan_tcp() { rig_ns_exec cli timeout 2 bash -c "exec 3<>/dev/tcp/$RIG_GW_IP/$RIG_ADMIN_PORT" 2>/dev/null; }
lan_ping_nothing() { ! lan_ping; }
# both probes at once (the outage stays short): LAN_PING and LAN_TCP get 0 (answered) or 1
lan_probes() {
    local p
    lan_ping & p=$!
    lan_tcp; LAN_TCP=$?
    wait "$p"; LAN_PING=$?
    [ "$LAN_TCP" = 0 ] || LAN_TCP=1
    [ "$LAN_PING" = 0 ] || LAN_PING=1
}
tun_ping() { rig_ns_exec cli ping -c 1 -W 1 -q "$RIG_SVC_IP" >/dev/null 2>&1; }
session_id() {
    rig_vpncmd --hub SessionList | awk -F'|' '/^Session Name/ {gsub(/ /, "", $2); print $2}' \
        | grep -F '[SSTP]' | head -n 1
}
# timed_drop NAME N WHAT: the gateway drops the session; reconnect N; from the drop (vpncmd
# returned) to connected and to the first answer through the tunnel, printed
timed_drop() {
    local t0 t1; drop; t0=$DROP_MS
    rig_check "plain drop ($3): reconnected" rig_wait 30 "reconnect" reconnected "$1" "$2"
    t1=$(sx_ms)
    rig_wait 15 "first answer" tun_ping
    echo "   plain drop ($3): connected again after $((t1 - t0)) ms, traffic after $(( $(sx_ms) - t0 )) ms"
}
# the outage: the gateway resets every TCP segment to its SSTP port (the local network stays up);
# a ping into the tunnel makes the client send, so it meets the reset at once
refuse_on() {
    ip netns exec "$RIG_NS_SRV" nft -f - <<NFT
table inet rigblock {
 chain input { type filter hook input priority filter; tcp dport $RIG_SSTP_PORT reject with tcp reset; }
}
NFT
    tun_ping
}
refuse_off() { ip netns exec "$RIG_NS_SRV" nft delete table inet rigblock; }
rig_on_down "ip netns exec $RIG_NS_SRV nft delete table inet rigblock 2>/dev/null"
# the gateway ends the session (SoftEther's SessionDisconnect); the time it returns is printed
drop() {
    local sid; sid=$(session_id)
    [ -n "$sid" ] && rig_vpncmd --hub SessionDisconnect "$sid" >/dev/null
    DROP_MS=$(sx_ms)
}
# 4. refused without a full tunnel (no gateway needed)
sx split connect "$RIG_GW_NAME" --route "$RIG_HUB_NET" --kill-switch
rig_check "--kill-switch with split routes: exit 2 (got $SX_RC)" [ "$SX_RC" = 2 ]
rig_check "--kill-switch with split routes: says why" grep -q "kill-switch is for a full tunnel" \
    "$SX_OUT/split.err" || cat "$SX_OUT/split.err" >&2
# shellcheck disable=SC2086
sx split2 connect ${GW/--full-tunnel/} --kill-switch
rig_check "--kill-switch without --full-tunnel: exit 2 (got $SX_RC)" [ "$SX_RC" = 2 ]
rig_check "--kill-switch without --full-tunnel: says why" grep -q "needs a full tunnel" \
    "$SX_OUT/split2.err" || cat "$SX_OUT/split2.err" >&2

# 1. without the kill switch, the LAN is reachable during an outage
# shellcheck disable=SC2086
sx bg connect $GW --name plain --background --json
rig_check "full tunnel without kill switch: up" [ "$SX_RC" = 0 ] || cat "$SX_OUT/bg.err" >&2
rig_check "no kill switch in its status" [ -z "$(field plain 'j["kill_switch"]')" ]
refuse_on
rig_check "without kill switch: the outage is noticed" rig_wait 30 "drop" not_connected plain
lan_probes
rig_check "without kill switch, during the outage: the LAN host answers a ping" [ "$LAN_PING" = 0 ]
rig_check "without kill switch, during the outage: TCP to $RIG_GW_IP:$RIG_ADMIN_PORT connects" [ "$LAN_TCP" = 0 ]
refuse_off
sx dc disconnect plain
rig_check "disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "client namespace exactly as before" ks_same

# 2. with the kill switch
# shellcheck disable=SC2086
sx bg connect $GW --name ks --kill-switch --background --json
rig_check "full tunnel with kill switch: up" [ "$SX_RC" = 0 ] || cat "$SX_OUT/bg.err" >&2
PID=$(sx_json "$SX_OUT/bg.out" 'j["pid"]')
rig_check "status --json: kill_switch is inet sstp_ks" [ "$(field ks 'j["kill_switch"]')" = "inet sstp_ks" ]
rig_check "status --json matches doc/json.md" python3 "$HERE/json_check.py" "$HERE/../../doc/json.md" status "$SX_OUT/st.out"
sx stt status ks
rig_check "status: kill switch line" grep -q "kill switch: *on (nftables table inet sstp_ks)" "$SX_OUT/stt.out" \
    || cat "$SX_OUT/stt.out" >&2
rig_check "the table exists" table_of ks
rig_check "journaled" grep -q "nft sstp_ks" "$SX_STATE/ks.journal"
rig_check "ping through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "connected: the LAN host gets nothing" lan_ping_nothing
IFX=$(field ks 'j["interface"]')
IDX=$(rig_ns_exec cli cat "/sys/class/net/$IFX/ifindex")

T0=$(sx_ms); refuse_on
rig_check "with kill switch: the outage is noticed" rig_wait 30 "drop" not_connected ks
lan_probes
rig_check "with kill switch, during the outage: the LAN host gets nothing" [ "$LAN_PING" = 1 ]
rig_check "with kill switch, during the outage: TCP to $RIG_GW_IP:$RIG_ADMIN_PORT gets nothing" \
    [ "$LAN_TCP" = 1 ]
rig_check "during the outage: the TUN and the table stay" \
    [ "$(rig_ns_exec cli cat "/sys/class/net/$IFX/ifindex" 2>/dev/null)" = "$IDX" ]
rig_check "during the outage: the table stays" table_of ks
refuse_off; T1=$(sx_ms)
rig_check "reconnected once the gateway takes connections (reconnects 1)" rig_wait 60 "reconnect" reconnected ks 1
T2=$(sx_ms)
rig_wait 15 "first answer" tun_ping
T3=$(sx_ms)
echo "   outage of $((T1 - T0)) ms: connected again $((T2 - T1)) ms and traffic $((T3 - T1)) ms after the gateway took connections again (reconnect backoff)"
rig_check "traffic through the tunnel after the reconnect" sx_ping "$RIG_SVC_IP"
rig_check "same TUN after the reconnect" [ "$(rig_ns_exec cli cat "/sys/class/net/$IFX/ifindex")" = "$IDX" ]
timed_drop ks 2 "kill switch on"
rig_check "still the table after the drops" table_of ks
sx dc disconnect ks
rig_check "disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "after disconnect: the table is gone" no_table ks
rig_check "client namespace exactly as before" ks_same

# 3. SIGKILL: the table outlives the process, `sstp cleanup` removes it
# shellcheck disable=SC2086
sx bg connect $GW --name ks9 --kill-switch --background --json
rig_check "kill-switch session up" [ "$SX_RC" = 0 ] || cat "$SX_OUT/bg.err" >&2
PID=$(sx_json "$SX_OUT/bg.out" 'j["pid"]')
[ -n "$PID" ] && kill -KILL "$PID"
rig_wait 10 "the killed session to go" sh -c "! kill -0 $PID 2>/dev/null"
rig_check "after SIGKILL: the table is still there" table_of ks9
rig_check "after SIGKILL: the LAN host still gets nothing" lan_ping_nothing
sx cl cleanup
rig_check "cleanup exits 0 (got $SX_RC)" [ "$SX_RC" = 0 ] || cat "$SX_OUT/cl.err" >&2
rig_check "after cleanup: the table is gone" no_table ks9
rig_check "after cleanup: the LAN host answers again" lan_ping
rig_check "client namespace exactly as before" ks_same

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
