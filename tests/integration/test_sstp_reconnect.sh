#!/bin/bash
# End-to-end: keepalive and reconnect against the rig's gateway. A background session (reconnect on
# by default) survives the gateway dropping it (SessionDisconnect) and the network vanishing (the
# gateway's link down): it notices the dead peer through its echoes, waits without burning CPU,
# reconnects with backoff once the link is back, re-applies address and routes, and counts the
# reconnects. A foreground session with --no-reconnect ends with exit 8 when the peer goes silent,
# and one interrupted (SIGINT) before its tunnel is up with exit 1.
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
GW="$(sx_gw_args) --no-ipv6"
link() { ip -n "$RIG_NS_SRV" link set veth-gw "$1"; }
rig_on_down "link up"
cpu_ticks() { local f; f=$(cut -d' ' -f14,15 "/proc/$1/stat") && echo $(( ${f% *} + ${f#* } )); }
field() { sx st status rc --json; sx_json "$SX_OUT/st.out" "$1"; }
state_not() { [ "$(field 'j["state"]')" != "$1" ]; }
reconnected() { [ "$(field 'str(j["reconnects"])+j["state"]')" = "$1connected" ]; }

# shellcheck disable=SC2086
sx bg connect $GW --name rc --background --json
rig_check "background session up" [ "$SX_RC" = 0 ] || cat "$SX_OUT/bg.err" >&2
PID=$(sx_json "$SX_OUT/bg.out" 'j["pid"]')

# the tunnel as the system sees it: interface index, its IPv4 address and its routes
tun_view() {
    local ifn; ifn=$(field 'j["interface"]')
    [ -n "$ifn" ] || return 1
    echo "$(rig_ns_exec cli cat "/sys/class/net/$ifn/ifindex") $ifn"
    rig_ns_exec cli ip -4 -o addr show dev "$ifn" | awk '{print $4}'
    rig_ns_exec cli ip -4 route show dev "$ifn" | sort
}
VIEW0=$(tun_view)
rig_check "tunnel view recorded ($(echo "$VIEW0" | head -n 1))" [ -n "$VIEW0" ]
same_view() { [ "$(tun_view)" = "$VIEW0" ]; }
# the same TUN and routes; the address may be another one swapped in place when the gateway
# still holds the old one for the session it has not yet seen die (status shows the new one)
same_tun() {
    local now; now=$(tun_view)
    nosrc() { sed -E '1,2d; s/ src [^ ]+//'; }
    [ "$(echo "$now" | sed 1q)" = "$(echo "$VIEW0" | sed 1q)" ] &&
        [ "$(echo "$now" | nosrc)" = "$(echo "$VIEW0" | nosrc)" ] &&
        [ "$(echo "$now" | sed -n '2{s|/.*||;p;}')" = "$(field 'j["ipv4"]["local"]')" ]
}

# 1. the gateway drops the session, three times: the TUN, its address and routes stay throughout
for n in 1 2 3; do
SID=$(rig_vpncmd --hub SessionList | awk -F'|' '/^Session Name/ {gsub(/ /, "", $2); print $2}' | grep -F '[SSTP]' | head -n 1)
rig_check "the gateway lists our session ($SID)" [ -n "$SID" ]
T0=$(sx_ms)
rig_vpncmd --hub SessionDisconnect "$SID" >/dev/null
rig_check "after the gateway dropped it: reconnected (reconnects $n)" rig_wait 30 "reconnect" reconnected $n
rig_wait 10 "first answer" rig_ns_exec cli ping -c 1 -W 1 -q "$RIG_SVC_IP" >/dev/null
echo "   drop $n: traffic again $(( $(sx_ms) - T0 )) ms after the drop"
rig_check "same TUN (ifindex), address and routes after reconnect $n" same_view
rig_check "last error says the server ended the call" \
    grep -q 'server disconnected the SSTP call\|closed the connection\|ended the PPP link' "$SX_OUT/st.out" \
    || cat "$SX_OUT/st.out" >&2
rig_check "ping through the re-established tunnel" sx_ping "$RIG_SVC_IP"
done

# 2. the network goes away: dead peer, quiet waiting, reconnect when it is back
link down
T0=$(sx_ms)
rig_check "dead peer noticed within 40 s" rig_wait 40 "dead peer" state_not connected
echo "   noticed after $(( $(sx_ms) - T0 )) ms: $(field 'j["last_error"]["message"]')"
# After the dead peer the session may spend a moment "disconnecting" (its Call Disconnect goes
# nowhere) before it waits to reconnect.
waiting() { field 'j["state"]' | grep -qE '^(reconnecting|resolving|connecting|tls)$'; }
rig_check "waiting to reconnect" rig_wait 15 "reconnecting state" waiting || cat "$SX_OUT/st.out" >&2
rig_check "TUN, address and routes kept while waiting" same_view
C0=$(cpu_ticks "$PID"); sleep 10; C1=$(cpu_ticks "$PID")
rig_check "no CPU burn while the network is away ($((C1 - C0)) ticks in 10 s)" [ $((C1 - C0)) -le 10 ]
link up
T0=$(sx_ms)
rig_check "reconnected once the link is back (reconnects 4)" rig_wait 90 "reconnect" reconnected 4
echo "   back after $(( $(sx_ms) - T0 )) ms"
rig_check "same TUN (ifindex) and routes after the link came back (the address kept or swapped in place)" rig_wait 10 "the tunnel's routes" same_tun || { echo "before:"; echo "$VIEW0"; echo "now:"; tun_view; } >&2
rig_check "route re-applied" [ "$(field '",".join(j["routes"])')" = "$RIG_HUB_NET" ]
rig_check "ping through the tunnel again" sx_ping "$RIG_SVC_IP" || {
    rig_ns_exec svc ip neigh >&2; rig_vpncmd --hub SessionList | grep -E "Session Name|Source Host" >&2
    field 'j' >&2; rig_ns_exec cli ip -s link show dev "$(field 'j["interface"]')" >&2; }
sx dc disconnect rc
rig_check "disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "client namespace exactly as before" sx_same_as "$BEFORE"

# 3. foreground without reconnect: a silent peer is exit 8
# shellcheck disable=SC2086
( exec ip netns exec "$RIG_NS_CLI" "$SSTP_BIN" connect $GW --name fg --no-reconnect --state-dir "$SX_STATE" \
    > "$SX_OUT/fg.out" 2> "$SX_OUT/fg.err" ) &
FG=$!
if rig_check "foreground session comes up" sx_wait_state fg connected 30; then
    link down
    T0=$(sx_ms)
    rig_wait 45 "the foreground session to end" sh -c "! kill -0 $FG"
    wait "$FG"; RC=$?
    link up
    rig_check "silent peer: exit 8 (got $RC after $(( $(sx_ms) - T0 )) ms)" [ "$RC" = 8 ] || cat "$SX_OUT/fg.err" >&2
    rig_check "silent peer: says it stopped answering" grep -q "stopped answering" "$SX_OUT/fg.err"
else
    kill -TERM "$FG" 2>/dev/null; wait "$FG"
fi
rig_check "client namespace exactly as before" sx_same_as "$BEFORE"

# 4. Ctrl-C while connecting (the gateway silent: its TLS port drops every packet, so the
# connect hangs rather than failing at once as it does when the link is down): exit 1, said so,
# nothing left behind
silent443() {
    if [ "$1" = on ]; then
        printf 'table inet rc_silent {\n chain in {\n  type filter hook input priority 0;\n  tcp dport 443 drop\n }\n}\n' |
            ip netns exec "$RIG_NS_SRV" nft -f -
    else
        ip netns exec "$RIG_NS_SRV" nft delete table inet rc_silent 2>/dev/null || true
    fi
}
rig_on_down "silent443 off"
# the gateway answers again first (a neighbour entry the outage left FAILED would make the
# connect fail at once with "no route to host")
rig_wait 10 "gateway reachable" rig_ns_exec cli ping -c 1 -W 1 -q "$RIG_GW_IP" >/dev/null
silent443 on
# shellcheck disable=SC2086
( exec ip netns exec "$RIG_NS_CLI" "$SSTP_BIN" connect $GW --name intr --no-reconnect --timeout 60 \
    --state-dir "$SX_STATE" > "$SX_OUT/intr.out" 2> "$SX_OUT/intr.err" ) &
INTR=$!
sleep 2
kill -INT "$INTR"
rig_wait 10 "the interrupted connect to end" sh -c "! kill -0 $INTR"
wait "$INTR"; RC=$?
silent443 off
rig_check "interrupted while connecting: exit 1 (got $RC)" [ "$RC" = 1 ] || cat "$SX_OUT/intr.err" >&2
rig_check "interrupted while connecting: says so" grep -q "interrupted before the tunnel was up" "$SX_OUT/intr.err" \
    || cat "$SX_OUT/intr.err" >&2
rig_check "client namespace exactly as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
