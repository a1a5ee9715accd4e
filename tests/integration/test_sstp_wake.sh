#!/bin/bash
# End-to-end (issue 18, faster detection): a session up through the rig's gateway notices a dead
# path from the events that announce it, not only from its echoes 20-25 s later:
#   1. a resume (logind's PrepareForSleep(false), sent by tests/integration/fake_logind on a system
#      bus of the test's own dbus-daemon) over a live path: a probe, the tunnel stays;
#   2. the same over a black-holed path: the probe finds it dead, the reconnect starts at once;
#   3. the route to the gateway moved to an interface where nothing answers: the same;
#   4. the client's uplink down (and up again: the reconnect starts as soon as it is back);
#   5. a black hole with no event at all: the echoes still find it.
# Each time from the event to the reconnect's start is measured and printed (the design goal is
# within 5 s: a 2.5 s probe); the checks allow for a loaded machine but stay below the 20 s the
# echoes alone would take. The TUN (its ifindex) stays throughout, and systemd's notify socket
# (a socat of the test's) hears STATUS= on the reconnect. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

FAKE_LOGIND=${SSTP_BUILD_DIR:-$HERE/../../build}/tests/fake_logind
[ -x "$FAKE_LOGIND" ] || rig_skip "fake_logind not built ($FAKE_LOGIND)"
command -v dbus-daemon >/dev/null || rig_skip "dbus-daemon missing (Debian package dbus)"
command -v nft >/dev/null || rig_skip "nft missing (Debian package nftables)"
T_START=$(sx_ms)
sx_setup
GW="$(sx_gw_args) --no-ipv6"
LOG=$SX_OUT/wake.log
GW_IP=10.231.0.1
BOUND=15 # seconds: well above the ~2.5 s expected, well below the echoes' 20-25 s

# ---- a system bus of our own: logind's name can be taken on it ----------------------------------
BUS=$RIG_DIR/bus
mkdir -p "$BUS"
cat > "$BUS/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS/socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$BUS/system.conf" --nofork --nopidfile >"$BUS/daemon.log" 2>&1 &
BUS_PID=$!
rig_on_down "kill $BUS_PID 2>/dev/null"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS/socket
rig_check "private system bus up" rig_wait 10 "bus socket" test -S "$BUS/socket" || exit 1

field() { sx st status wk --json; sx_json "$SX_OUT/st.out" "$1"; }
reconnected() { [ "$(field 'str(j["reconnects"])+j["state"]')" = "$1connected" ]; }
ifindex() { rig_ns_exec cli cat "/sys/class/net/$(field 'j["interface"]')/ifindex"; }
count() { grep -c -- "$1" "$LOG"; }
more_than() { [ "$(count "$1")" -gt "$2" ]; }
# the milliseconds from T0 until a new line matching $1 (after N0 of them) shows up, or "none"
until_new() {
    local pat=$1 n0=$2
    if rig_wait "$BOUND" "$pat" more_than "$pat" "$n0"; then echo $(( $(sx_ms) - T0 )); else echo none; fi
}
blackhole() { # on|off: the gateway drops all SSTP traffic, no link or route changes anywhere
    if [ "$1" = on ]; then
        rig_ns_exec srv nft -f - <<'EOF'
table inet d18bh {
  chain in { type filter hook input priority 0; tcp dport 443 drop; }
  chain out { type filter hook output priority 0; tcp sport 443 drop; }
}
EOF
    else
        rig_ns_exec srv nft delete table inet d18bh
    fi
}
START='trying again in 0 s'
PROBE='checking that .* still answers'

# what systemd would hear (sd_notify): READY=1, then STATUS= on each reconnect
NOTIFY=$RIG_DIR/notify.sock
NLOG=$SX_OUT/notify.log
socat -u UNIX-RECV:"$NOTIFY" OPEN:"$NLOG",creat,append &
rig_on_down "kill $! 2>/dev/null"
rig_wait 5 "notify socket" test -S "$NOTIFY"
NOTIFY_SOCKET=$NOTIFY ip netns exec "$RIG_NS_CLI" "$SSTP_BIN" -v connect $GW --name wk --reconnect \
    --state-dir "$SX_STATE" >"$SX_OUT/wake.out" 2>"$LOG" &
SESS=$!
rig_on_down "kill $SESS 2>/dev/null"
rig_check "session up" rig_wait 40 "connected" reconnected 0 || { cat "$LOG" >&2; exit 1; }
IFX=$(ifindex)
rig_check "logind watcher subscribed (no 'no system bus' in the log)" \
    sx_lacks "$LOG" "no system bus"

# 1. resume over a live path: probed, nothing else
n0=$(count "$PROBE")
T0=$(sx_ms)
rig_check "fake logind sent PrepareForSleep true/false" "$FAKE_LOGIND"
D=$(until_new "$PROBE" "$n0")
echo "   resume (live path): probe started after $D ms"
rig_check "resume noticed through logind" grep -q "resumed from sleep (logind): checking" "$LOG"
sleep 3
rig_check "live path: still connected, no reconnect" reconnected 0

# 2. resume over a black-holed path: the probe fails, the reconnect starts at once
blackhole on
n0=$(count "$START")
T0=$(sx_ms)
"$FAKE_LOGIND"
D=$(until_new "$START" "$n0")
echo "   resume (dead path): reconnect started after $D ms"
rig_check "resume over a dead path: reconnect started within ${BOUND} s ($D ms)" [ "$D" != none ]
blackhole off
rig_check "reconnected after the resume (reconnects 1)" rig_wait 40 "reconnect" reconnected 1
rig_check "same TUN after the reconnect" [ "$(ifindex)" = "$IFX" ]
rig_check "systemd heard STATUS=reconnecting in 0 s, then STATUS=connected (reconnect 1)" \
    grep -q "STATUS=reconnecting in 0 s.*STATUS=connected (reconnect 1)" "$NLOG"

# 3. the route to the gateway moves to an interface where nothing answers
# a veth pair whose far end has no address: what goes into d18 is never answered
rig_ns_exec cli ip link add d18 type veth peer name d18p
rig_ns_exec cli ip link set d18p up
rig_ns_exec cli ip link set d18 up
OLD=$(rig_ns_exec cli ip -4 route show $GW_IP/32)
n0=$(count "$START")
T0=$(sx_ms)
rig_ns_exec cli ip route replace $GW_IP/32 dev d18
D=$(until_new "$START" "$n0")
echo "   route change: reconnect started after $D ms"
rig_check "route change: reconnect started within ${BOUND} s ($D ms)" [ "$D" != none ]
rig_check "the log names the route change" grep -q "route to the gateway moved" "$LOG"
# the pinned route (if any) has a metric of its own and is still there: the new one goes
rig_ns_exec cli ip route del $GW_IP/32 dev d18
[ -z "$OLD" ] || rig_check "the pinned route is still in place" \
    [ "$(rig_ns_exec cli ip -4 route show $GW_IP/32)" = "$OLD" ]
T0=$(sx_ms)
rig_check "reconnected once the route is back (reconnects 2)" rig_wait 40 "reconnect" reconnected 2
echo "   route back: connected again after $(( $(sx_ms) - T0 )) ms"
rig_ns_exec cli ip link del d18

# 4. the client's uplink goes down, then up
n0=$(count "$START")
T0=$(sx_ms)
rig_ns_exec cli ip link set veth-cli down
D=$(until_new "$START" "$n0")
echo "   uplink down: reconnect started after $D ms"
rig_check "uplink down: reconnect started within ${BOUND} s ($D ms)" [ "$D" != none ]
sleep 2
rig_ns_exec cli ip link set veth-cli up
T0=$(sx_ms)
rig_check "reconnected once the uplink is up (reconnects 3)" rig_wait 40 "reconnect" reconnected 3
echo "   uplink up: connected again after $(( $(sx_ms) - T0 )) ms"
rig_check "the log says the path came back and the attempt started now" \
    grep -q "path to the gateway is back.*: reconnecting now" "$LOG"
rig_check "same TUN after the uplink came back" [ "$(ifindex)" = "$IFX" ]
rig_check "ping through the tunnel" sx_ping "$RIG_SVC_IP"

# 5. a black hole announced by nothing: the echoes still find it
blackhole on
T0=$(sx_ms)
state_not() { [ "$(field 'j["state"]')" != connected ]; }
rig_check "silent black hole noticed by the echoes within 40 s" rig_wait 40 "dead peer" state_not
echo "   silent black hole: noticed after $(( $(sx_ms) - T0 )) ms"
blackhole off

sx stop disconnect wk
rig_check "disconnected" [ "$SX_RC" = 0 ]
wait "$SESS" 2>/dev/null
echo "   whole test: $(( $(sx_ms) - T_START )) ms"
[ "$RIG_FAILS" = 0 ] || { echo "--- session log" >&2; cat "$LOG" >&2; }
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
