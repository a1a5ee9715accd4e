#!/bin/bash
# test_helper_tray.sh - sstp-tray on a real X display (Xvfb) against a running sstp helper, as an
# unprivileged user of the helper's group: the icon sits in a real system tray (trayer, through
# the AppIndicator's XEmbed fallback), the menu is opened with a mouse click and driven with the
# keyboard (xdotool), notifications go to a real notification daemon (dunst) and are checked on
# the session bus (dbus-monitor). The helper runs fake sessions (the test_helper_service binary
# acts as `sstp connect`), so every state is reached on cue: disconnected, connecting,
# connected, error, a drop and a reconnect, the helper going away and coming back. A profile
# that needs a password ("secret"): Connect opens the password dialog, Escape cancels it (no
# error), a password typed with xdotool reaches the session (the fake keeps its SHA-256), a wrong
# one fails like a server's rejection (exit 6) and the next Connect asks again; the password
# never shows in the state file, the logs, the state directory or any /proc/*/cmdline|environ.
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
for p in office slow fail4 flaky secret; do
    mkdir -p "$TMP/etc/$p"
    printf 'server = 127.0.0.1\n' > "$TMP/etc/$p/profile.conf"
done
# needs a password the helper does not have: the tray must ask for it
printf 'user = alice\nauth = mschapv2\n' >> "$TMP/etc/secret/profile.conf"
# the password typed into the dialog: only in this script's memory and in a pattern file
# outside every place that is searched for it (grep -f, so that no grep's command line has it)
CANARY=Pw7$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')Qz
mkdir -p "$TMP/pat"
printf '%s\n' "$CANARY" > "$TMP/pat/canary"
chmod 700 "$TMP/pat"
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
check "menu lists all five profiles" test "$(grep -c '^item: *Connect ' "$STATE")" = 5
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

# a profile that needs a password
PWTITLE='^Password for secret - sstp VPN$'
dialog_window() { xdotool search --onlyvisible --name "$PWTITLE" 2>/dev/null | head -1; }
# wait for the dialog (state file and window), focus its entry, then type keys
dialog_keys() {
    local w
    wait_for 10 "password dialog open (state file)" grep -qx 'dialog: password secret' "$STATE" || return 1
    wait_for 10 "password dialog window '$PWTITLE' shown" sh -c "[ -n \"\$(xdotool search --onlyvisible --name '$PWTITLE')\" ]" || return 1
    w=$(dialog_window)
    xdotool windowactivate --sync "$w" 2>/dev/null || xdotool windowfocus --sync "$w"
    sleep 0.3
    [ -n "${1:-}" ] && shot "$1"
    shift
    "$@"
}
dialog_closed() { ! grep -q '^dialog:' "$STATE" && [ -z "$(dialog_window)" ]; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

menu_pick "    Connect secret"
dialog_keys 04b-password-dialog xdotool key Escape
wait_for 10 "Escape closes the dialog" dialog_closed
sleep 0.5
check "cancelled: the tray stays disconnected" look_is disconnected
check "cancelled: no error for secret" sh -c "! grep -q 'error' '$STATE'"
check "cancelled: no session started" test ! -e "$TMP/state/secret.argv"
check "the helper asked for a password (NEED_PASSWORD)" grep -q "connect secret refused: profile secret authenticates alice with a password" "$TMP/helper.log"

menu_pick "    Connect secret"
dialog_keys "" xdotool type --delay 40 "$CANARY"
xdotool key Return
wait_for 10 "Enter sends the password: connected" look_is connected
check "the dialog is gone" dialog_closed
check "the session got exactly the typed password (its SHA-256)" test "$(cat "$TMP/state/secret.password-sha256" 2>/dev/null)" = "$(sha "$CANARY")"
check "the helper handed it over on the session's stdin" grep -q "connect secret (session process [0-9]*, password handed over on its stdin)" "$TMP/helper.log"
check "the password is not on the session's command line" sh -c "grep -qx -- --password-stdin '$TMP/state/secret.argv' && ! grep -qFf '$TMP/pat/canary' '$TMP/state/secret.argv'"
check "menu: secret connected" grep -q "line: secret: connected, 10.9.0.2" "$STATE"
menu_pick "    Disconnect secret"
wait_for 10 "secret disconnected" look_is disconnected

# a wrong password: the session fails like a server rejection; the next Connect asks again
rm -f "$TMP/state/secret.password-sha256"
menu_pick "    Connect secret"
dialog_keys "" xdotool type --delay 40 "wrong-$CANARY"
xdotool key Return
wait_for 10 "a wrong password: the tray shows the error" look_is error
check "menu shows the server's rejection" grep -q "last error: authentication rejected by server: E=691" "$STATE"
wait_for 5 "a notification for the failure" grep -q "VPN secret could not connect" "$TMP/notify.log"
check "no password reached a session this time" test ! -e "$TMP/state/secret.password-sha256"
sleep 0.3
shot 05b-wrong-password
menu_pick "    Connect secret"
dialog_keys "" xdotool type --delay 40 "$CANARY"
xdotool key Return
wait_for 10 "the next Connect asks again; the right password connects" look_is connected
check "the session got the right password" test "$(cat "$TMP/state/secret.password-sha256" 2>/dev/null)" = "$(sha "$CANARY")"
menu_pick "    Disconnect secret"
wait_for 10 "secret disconnected again" look_is disconnected

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
# the password never shows anywhere (a second notification for the re-typed password is not
# expected either: the wrong one failed once)
pw_nowhere() {
    ! grep -rqFf "$TMP/pat/canary" "$STATE" "$TMP/home" "$TMP/state" "$TMP"/*.log &&
    ! cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | grep -qaFf "$TMP/pat/canary"
}
check "the password is in no file, log, command line or environment" pw_nowhere
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
