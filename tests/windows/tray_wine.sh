#!/bin/bash
# tray_wine.sh BUILD_DIR - sstp-tray.exe under Wine on an X display (Xvfb), against sstp.exe
# helper running under Wine too (its named pipe is the control channel): the state file shows the
# disconnected look, the tooltip and the menu with the helper's profiles; tray_probe.exe checks
# from outside that the icon is in the notification area, that it comes back after a
# "TaskbarCreated" broadcast, that the menu opens and its "Details..." item opens the details
# window with the model's text; a profile that needs a password ("locked"): Connect picked from
# the menu with the keyboard opens the password dialog (ES_PASSWORD entry, the user in the
# prompt), Escape cancels it (no session, no error), a password put in and OK'd (BM_CLICK), and
# another with Enter, reach the session program the helper starts - tray_probe.exe standing in
# for sstp.exe (--session-exe) keeps the SHA-256 of the line it reads on its stdin - and the
# password is in no file, log, command line or environment; then the helper stops (the tray shows it unreachable through the
# pipe's hang-up), comes back (found again), and the tray quits by itself (--exit-after).
# Called by tests/windows/build.sh with WINEPREFIX set. Exit 0 ok, 1 a check failed, 77 skipped
# (no Xvfb, or the executables were not built).
set -u
BUILD=$1
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
TRAY=$BUILD/sstp-tray.exe
SSTP=$BUILD/sstp.exe
PROBE=$BUILD/tests/tray_probe.exe

skip() { echo "SKIP: $*"; exit 77; }
command -v Xvfb >/dev/null || skip "Xvfb is not installed (.ci/deps-debian.sh installs xvfb)"
for f in "$TRAY" "$SSTP" "$PROBE"; do [ -f "$f" ] || skip "$f was not built"; done

TMP=$(mktemp -d /tmp/sstp-wintray.XXXXXX)
PIDS=()
FAILS=0
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.5
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    "$(dirname "$WINE")/wineserver" -k >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi; }
# has STATE_LINE REGEX: a line of the state file (CR stripped) matches the extended regex
has() { tr -d '\r' < "$STATE" 2>/dev/null | grep -qE "$1"; }
wait_for() {
    local secs=$1 d=$2 end=$((SECONDS + $1)); shift 2
    while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && { ok "$d"; return 0; }; sleep 0.2; done
    bad "$d (waited ${secs}s)"; return 1
}

# every Wine process of the prefix (the helper starts Wine's desktop process) sees the display
DNUM=$((150 + $$ % 100))
while [ -e "/tmp/.X11-unix/X$DNUM" ] || [ -e "/tmp/.X$DNUM-lock" ]; do DNUM=$((DNUM + 1)); done
export DISPLAY=:$DNUM
Xvfb "$DISPLAY" -screen 0 1024x768x24 -nolisten tcp > "$TMP/xvfb.log" 2>&1 &
PIDS+=($!)
wait_for 10 "Xvfb is up" test -e "/tmp/.X11-unix/X$DNUM" || exit 1
"$(dirname "$WINE")/wineserver" -k >/dev/null 2>&1 # a server started without the display

mkdir -p "$TMP/etc/office" "$TMP/etc/lab" "$TMP/etc/locked" "$TMP/state" "$TMP/pat"
printf 'server = 127.0.0.1\n' > "$TMP/etc/office/profile.conf"
printf 'server = 127.0.0.1\n' > "$TMP/etc/lab/profile.conf"
# needs a password the helper does not have: the tray asks for it
printf 'server = 127.0.0.1\nuser = alice\nauth = mschapv2\n' > "$TMP/etc/locked/profile.conf"
# the passwords typed into the dialog; the pattern file is outside every place searched for them
CANARY=Pw7$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')Qz
CANARY2=Ent$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')Ky
printf '%s\n%s\n' "$CANARY" "$CANARY2" > "$TMP/pat/canary"
export SSTP_SYSTEM_DIR=$TMP/etc   # a path from / is Z:\ under Wine
SOCK=/sstp-wintray-$$/control      # only names the pipe (\\.\pipe\sstp-...)
listening_more_than() { [ "$(grep -c "listening on $SOCK" "$TMP/helper.log" 2>/dev/null)" -gt "$1" ]; }
start_helper() {
    local before
    before=$(grep -c "listening on" "$TMP/helper.log" 2>/dev/null)
    timeout 240 "$WINE" "$SSTP" helper --state-dir "$TMP/state" --socket "$SOCK" -v \
        --session-exe "$PROBE" \
        >> "$TMP/helper.log" 2>&1 &
    HELPER_PID=$!
    PIDS+=("$HELPER_PID")
    wait_for 30 "helper listens" listening_more_than "${before:-0}"
}
start_helper || { cat "$TMP/helper.log"; exit 1; }

STATE=$TMP/tray.state.crlf # written in the C runtime's text mode: CR LF line ends
timeout 240 "$WINE" "$TRAY" --socket "$SOCK" --state-file "$STATE" --exit-after 150 --details \
    > "$TMP/tray.log" 2>&1 &
TRAY_PID=$!
PIDS+=("$TRAY_PID")
wait_for 30 "tray writes its state: disconnected" has '^look: disconnected$'
wait_for 10 "tray talked to the helper (subscribe, status)" \
    sh -c "grep -q ': subscribe' '$TMP/helper.log' && grep -q ': status' '$TMP/helper.log'"
check "tooltip: disconnected" has '^tooltip: sstp: disconnected$'
wait_for 10 "menu lists the helper's profiles" has '^item: +Connect lab$'
check "menu lists office" has '^item: +Connect office$'
check "a line per profile" has '^line: office: disconnected$'
check "menu has Details... and Quit" sh -c "tr -d '\r' < '$STATE' | grep -qx 'item: Details...' && tr -d '\r' < '$STATE' | grep -qx 'item: Quit'"
out=$(timeout 60 "$WINE" "$PROBE" icon 15000 2>&1); rc=$?
echo "# $out"
check "the icon is in the notification area (Shell_NotifyIcon NIM_MODIFY on the tray's hWnd)" test $rc = 0
out=$(timeout 60 "$WINE" "$PROBE" readd 10000 2>&1); rc=$?
echo "# $out"
check "icon added again after TaskbarCreated" test $rc = 0

# the menu, as a click on the icon opens it (then closed with Escape)
out=$(timeout 60 "$WINE" "$PROBE" menu 10000 2>&1); rc=$?
echo "# $out"
check "menu opens on the icon's context-menu message" test $rc = 0
# --details opened the details window; its EDIT control holds the model's text
timeout 60 "$WINE" "$PROBE" details 10000 > "$TMP/details.txt" 2>&1; rc=$?
check "the details window is shown" test $rc = 0
check "details window shows the model's text" grep -q "office: disconnected" "$TMP/details.txt"
sed 's/^/#   /' "$TMP/details.txt" | head -12

# a profile that needs a password; N = the item's place among the menu's non-separators
pick() {
    local n
    n=$(tr -d '\r' < "$STATE" | grep -E '^(line|item|disabled): ' | grep -nxE "item: +$1" | cut -d: -f1)
    [ -n "$n" ] || { bad "menu has '$1'"; return 1; }
    out=$(timeout 60 "$WINE" "$PROBE" pick "$n" 10000 2>&1); rc=$?
    echo "# $out"
    check "menu: picked '$1' (item $n) with the keyboard" test $rc = 0
}
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
pwfile=$TMP/state/locked.password-sha256
wait_for 10 "menu lists locked" has '^item: +Connect locked$'
pick "Connect locked"
wait_for 20 "the helper asked for a password: dialog open (state file)" has '^dialog: password locked$'
timeout 60 "$WINE" "$PROBE" dialog 10000 > "$TMP/dialog.txt" 2>&1; rc=$?
sed 's/^/#   /' "$TMP/dialog.txt"
check "the dialog: an ES_PASSWORD entry, OK and Cancel" test $rc = 0
check "the dialog names the profile and its user" grep -q "prompt: Password for locked (user alice):" "$TMP/dialog.txt"
check "the dialog's title" grep -q "title: Password for locked - sstp VPN" "$TMP/dialog.txt"
check "the helper refused the connect without a password" grep -q "connect locked refused: profile locked authenticates alice" "$TMP/helper.log"
out=$(timeout 60 "$WINE" "$PROBE" cancel 10000 2>&1); rc=$?
echo "# $out"
check "Escape closes the dialog (IsDialogMessage)" test $rc = 0
wait_for 10 "cancelled: no dialog in the state file" sh -c "! tr -d '\r' < '$STATE' | grep -q '^dialog:'"
sleep 1
check "cancelled: still disconnected" has '^look: disconnected$'
check "cancelled: no error" sh -c "! tr -d '\r' < '$STATE' | grep -q error"
check "cancelled: no session started" sh -c "! grep -q 'connect locked (session' '$TMP/helper.log'"

pick "Connect locked"
wait_for 20 "Connect asks again" has '^dialog: password locked$'
timeout 60 "$WINE" "$PROBE" password "$CANARY" 10000 > "$TMP/probe.out" 2>&1; rc=$?
check "password put in, OK pressed (BM_CLICK), dialog closed" test $rc = 0
wait_for 20 "the helper handed a password to the session on its stdin" grep -q "connect locked (session process [0-9]*, password handed over on its stdin)" "$TMP/helper.log"
wait_for 20 "the session got exactly that password (its SHA-256)" sh -c "[ \"\$(cat '$pwfile' 2>/dev/null)\" = '$(sha "$CANARY")' ]"
wait_for 20 "the session's failure shows (no gateway here)" has 'got the password; no gateway in this test'
rm -f "$pwfile"
pick "Connect locked"
wait_for 20 "the next Connect asks again" has '^dialog: password locked$'
timeout 60 "$WINE" "$PROBE" password "$CANARY2" 10000 enter > "$TMP/probe.out" 2>&1; rc=$?
check "password put in, Enter pressed, dialog closed" test $rc = 0
wait_for 20 "the session got the second password" sh -c "[ \"\$(cat '$pwfile' 2>/dev/null)\" = '$(sha "$CANARY2")' ]"
pw_nowhere() {
    ! tr -d '\r' < "$STATE" | grep -qFf "$TMP/pat/canary" &&
    ! grep -rqFf "$TMP/pat/canary" "$TMP/state" "$TMP"/*.log &&
    ! cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | grep -qaFf "$TMP/pat/canary"
}
check "the passwords are in no file, log, command line or environment" pw_nowhere

# the helper goes away: the pipe's hang-up reaches the tray through its watch
for p in $(ps -o pid= --ppid "$HELPER_PID"); do kill "$p" 2>/dev/null; done # wine's process
kill "$HELPER_PID" 2>/dev/null
wait_for 15 "helper stopped" sh -c "! kill -0 $HELPER_PID"
# (the look may be "error" already: the last session failed; wait for the menu's words)
wait_for 20 "tray shows the helper unreachable" has 'helper unreachable'
check "in the error look" has '^look: error$'
start_helper
wait_for 20 "tray finds the helper again" has '^look: disconnected$'
check "the tray still runs" kill -0 "$TRAY_PID"

# --exit-after: the timer quits the message loop, the icon is removed, exit code 0
wait_for 150 "tray quits by itself (--exit-after)" sh -c "! kill -0 $TRAY_PID"
wait "$TRAY_PID"; rc=$?
check "tray exit code 0" test $rc = 0

if [ "$FAILS" != 0 ]; then
    echo "--- tray log"; cat "$TMP/tray.log"; echo "--- state"; tr -d '\r' < "$STATE"
    echo "--- helper log"; tail -30 "$TMP/helper.log"
    echo "$FAILS check(s) failed"
    exit 1
fi
echo "all tray checks passed"
