#!/bin/bash
# test_helper_tray.sh - sstp-tray on a real X display (Xvfb) against a running sstp helper, as an
# unprivileged user of the helper's group: the icon sits in a real system tray (trayer, through
# the AppIndicator's XEmbed fallback), the menu is opened with a mouse click and driven with the
# keyboard (xdotool), notifications go to a real notification daemon (dunst) and are checked on
# the session bus (dbus-monitor). The helper runs fake sessions (the test_helper_service binary
# acts as `sstp connect`), so every state is reached on cue: disconnected, connecting,
# connected, error, a drop and a reconnect, the helper going away and coming back.
# Screenshots of each state are kept in $SSTP_BUILD_DIR/test-artifacts/helper-tray/.
# Needs root (users, group); skips (77) when a tool or the tray build is missing.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SSTP_BUILD_DIR:-$SRC/build}
SSTP_BIN=${SSTP_BIN:-$BUILD/sstp}
TRAY_BIN=$BUILD/sstp-tray
FAKE=$BUILD/tests/test_helper_service
ART=$BUILD/test-artifacts/helper-tray

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (creates a user and a group)"
for t in Xvfb xdotool import trayer dunst dbus-daemon dbus-monitor setpriv useradd groupadd; do
    command -v "$t" >/dev/null || skip "$t is not installed (.ci/deps-debian.sh installs it)"
done
[ -x "$SSTP_BIN" ] || skip "no sstp binary at $SSTP_BIN"
[ -x "$TRAY_BIN" ] || skip "sstp-tray was not built (needs libgtk-3-dev, libayatana-appindicator3-dev)"
[ -x "$FAKE" ] || skip "no fake session binary at $FAKE (unit tests not built)"

ID=$$
USR=sstptray$ID
GRP=sstptray$ID
TMP=$(mktemp -d /tmp/sstp-tray-test.XXXXXX)
chmod 755 "$TMP"
PIDS=()
FAILS=0
mkdir -p "$ART"
rm -f "$ART"/*.png

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.3
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    userdel "$USR" 2>/dev/null
    groupdel "$GRP" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

log() { echo "# $*"; }
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi; }
# wait_for SECS DESC CMD...: poll every 100 ms
wait_for() {
    local secs=$1 d=$2 end=$((SECONDS + $1)); shift 2
    while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && { ok "$d"; return 0; }; sleep 0.1; done
    bad "$d (waited ${secs}s)"; return 1
}

groupadd "$GRP" || skip "groupadd failed"
useradd -M -N -g "$GRP" -s /bin/sh -d "$TMP/home" "$USR" || skip "useradd failed"
mkdir -p "$TMP/home"
chown "$USR:$GRP" "$TMP/home"

# profiles the fake sessions act out
mkdir -p "$TMP/etc" "$TMP/state"
for p in office slow fail4 flaky; do
    mkdir -p "$TMP/etc/$p"
    printf 'server = 127.0.0.1\n' > "$TMP/etc/$p/profile.conf"
done
chmod -R a+rX "$TMP/etc"
SOCK=$TMP/state/control

start_helper() {
    SSTP_SYSTEM_DIR=$TMP/etc "$SSTP_BIN" helper --state-dir "$TMP/state" --socket "$SOCK" \
        --group "$GRP" --session-exe "$FAKE" -v >> "$TMP/helper.log" 2>&1 &
    HELPER_PID=$!
    PIDS+=("$HELPER_PID")
    wait_for 5 "helper listens" test -S "$SOCK"
}
start_helper

# the desktop, as the user
DNUM=$((90 + ID % 100))
while [ -e /tmp/.X11-unix/X$DNUM ]; do DNUM=$((DNUM + 1)); done
export DISPLAY=:$DNUM
Xvfb ":$DNUM" -screen 0 800x600x24 -nolisten tcp -ac > "$TMP/xvfb.log" 2>&1 &
PIDS+=($!)
wait_for 10 "Xvfb is up" xdotool getdisplaygeometry || exit 1
# setpriv execs in place: the pids in PIDS are the programs themselves
as_user() { setpriv --reuid="$USR" --regid="$GRP" --init-groups env -i PATH=/usr/bin:/bin HOME="$TMP/home" DISPLAY="$DISPLAY" \
    DBUS_SESSION_BUS_ADDRESS="${BUS:-}" SSTP_HELPER_SOCKET="$SOCK" SSTP_USE_HELPER=1 "$@"; }
out=$(as_user dbus-daemon --session --fork --print-address=1 --print-pid=1) || exit 1
BUS=$(echo "$out" | sed -n 1p)
PIDS+=("$(echo "$out" | sed -n 2p)")
as_user trayer --edge top --align right --widthtype pixel --width 120 --height 32 \
    --transparent false --tint 0x333333 > "$TMP/trayer.log" 2>&1 &
PIDS+=($!)
as_user dunst > "$TMP/dunst.log" 2>&1 &
PIDS+=($!)
as_user dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" \
    > "$TMP/notify.log" 2>&1 &
PIDS+=($!)
sleep 1
STATE=$TMP/home/tray.state
as_user "$TRAY_BIN" --state-file "$STATE" --details --exit-after 600 > "$TMP/tray.log" 2>&1 &
TRAY_PID=$!
PIDS+=("$TRAY_PID")

look_is() { grep -qx "look: $1" "$STATE"; }
shot() { import -window root "$ART/$1.png" 2>/dev/null && log "screenshot $ART/$1.png"; }
icon_window() { xdotool search --name '^sstp: ' 2>/dev/null | head -1; }
# Open the tray menu with a click on the icon, then pick the Nth focusable item (the "item:"
# lines of the state file, in order) with the keyboard.
menu_pick() {
    local label=$1 n w
    n=$(grep -E '^item: ' "$STATE" | grep -nxF "item: $label" | cut -d: -f1)
    [ -n "$n" ] || { bad "menu has '$label'"; cat "$STATE"; return 1; }
    w=$(icon_window)
    [ -n "$w" ] || { bad "tray icon window found"; return 1; }
    xdotool mousemove --window "$w" 12 12 click 1
    sleep 0.6
    [ -n "${2:-}" ] && shot "$2"
    xdotool key --delay 80 $(yes Down | head -n "$n") Return
    ok "menu: $label"
}

wait_for 15 "tray shows the icon in the system tray" sh -c "[ -n \"\$(xdotool search --name '^sstp: ')\" ]"
wait_for 10 "tray is disconnected, profiles listed" sh -c "grep -qx 'look: disconnected' '$STATE' && grep -q 'item: *Connect office' '$STATE'"
sleep 0.5
shot 01-disconnected
check "menu lists all four profiles" test "$(grep -c '^item: *Connect ' "$STATE")" = 4
as_user "$SSTP_BIN" status > "$TMP/status.out" 2>&1
check "'sstp status' as the user: no sessions (exit 10, not 11)" test $? = 10

# connecting
menu_pick "    Connect slow" 02-menu
wait_for 10 "tray shows connecting" look_is connecting && { sleep 0.5; shot 03-connecting; }
check "the tray asked the helper" grep -q "connect slow" "$TMP/helper.log"
as_user "$SSTP_BIN" status slow > "$TMP/status.out" 2>&1
check "'sstp status slow' (user, through the helper) says it is connecting" grep -q "tls" "$TMP/status.out"
menu_pick "    Disconnect slow"
wait_for 10 "disconnect from the menu: disconnected again" look_is disconnected

# connected
menu_pick "    Connect office"
wait_for 10 "tray shows connected" look_is connected
check "menu shows the address" grep -q "line: office: connected, 10.9.0.2" "$STATE"
sleep 0.5
shot 04-connected
menu_pick "    Disconnect office"
wait_for 10 "office disconnected" look_is disconnected
check "no error after a requested disconnect" sh -c "! grep -q 'last error' '$STATE'"

# error
menu_pick "    Connect fail4"
wait_for 10 "tray shows the error" look_is error
check "menu shows the last error" grep -q "last error: cannot connect to 127.0.0.1 port 443: Connection refused" "$STATE"
wait_for 5 "a notification for the failure" grep -q "VPN fail4 could not connect" "$TMP/notify.log"
sleep 0.5
shot 05-error

# a drop and a reconnect: two notifications
menu_pick "    Connect flaky"
wait_for 30 "drop notified" grep -q "VPN flaky dropped" "$TMP/notify.log"
sleep 0.3
shot 06-dropped
wait_for 30 "reconnect notified" grep -q "VPN flaky reconnected" "$TMP/notify.log"
wait_for 5 "tray shows connected after the reconnect" look_is connected
sleep 0.3
shot 07-reconnected

# the helper goes away (its sessions with it) and comes back
kill "$HELPER_PID"
wait_for 15 "helper stopped" sh -c "! kill -0 $HELPER_PID"
wait_for 10 "tray shows the helper is unreachable" sh -c "grep -qx 'look: error' '$STATE' && grep -q 'helper unreachable' '$STATE'"
sleep 0.3
shot 08-helper-down
start_helper
wait_for 10 "tray finds the helper again" sh -c "grep -q 'item: *Connect office' '$STATE'"
check "tray never read a profile or key file itself" sh -c "! grep -q '$TMP/etc' '$TMP/tray.log'"
check "the tray still runs" kill -0 "$TRAY_PID"

if [ "$FAILS" != 0 ]; then
    echo "--- helper log"; tail -40 "$TMP/helper.log"
    echo "--- tray log"; cat "$TMP/tray.log"; echo "--- state"; cat "$STATE"
    echo "--- notifications"; grep -A3 Notify "$TMP/notify.log" | head -40
    echo "$FAILS check(s) failed"
    exit 1
fi
echo "all checks passed; screenshots in $ART"
