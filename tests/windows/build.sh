#!/bin/bash
# The Windows stage: builds the dependencies for x86_64-w64-mingw32 from Debian's source packages
# (deps.sh, cached), cross-builds the unit tests listed in tests/windows/tests.txt, the Windows
# platform tests (tests/windows/unit/) and sstp.exe with cmake/toolchain-mingw64.cmake, and runs
# the tests under wine64 (test_win_service installs, starts, stops and removes the helper as a
# service of Wine's service control manager). Exit 0 = all passed, 1 = a failure, 77 = skipped
# because the cross compiler or Wine is not installed (.ci/deps-debian.sh installs them).
# Knobs: SSTP_WIN_BUILD (build dir, default build-windows), SSTP_WIN_DEPS_DIR (where the
# dependencies are built and cached, default SSTP_WIN_BUILD/deps), SSTP_JOBS (2), SSTP_WIN_LOGS.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${SSTP_WIN_BUILD:-$ROOT/build-windows}
JOBS=${SSTP_JOBS:-2}
LOGS=${SSTP_WIN_LOGS:-$BUILD/logs}
mkdir -p "$LOGS"
T0=$SECONDS

say() { printf '[windows] %s\n' "$*"; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAIL: $*"; exit 1; }
# run_logged LOG CMD...: quiet unless it fails
run_logged() {
    local log=$1; shift
    "$@" >"$log" 2>&1 && return 0
    say "command failed: $*"
    tail -n 40 "$log" | sed 's/^/    /'
    say "full log: $log"
    return 1
}

# ---- tools ----------------------------------------------------------------------------------------
missing=""
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing="$missing gcc-mingw-w64-x86-64"
WINE=$(command -v wine64 || ls /usr/lib/wine/wine64 2>/dev/null) || missing="$missing wine64"
command -v dpkg-source >/dev/null 2>&1 || missing="$missing dpkg-dev"
command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
[ -n "$missing" ] && skip "not installed:$missing (run .ci/deps-debian.sh as root)"

# ---- dependencies ------------------------------------------------------------------------------------
t=$SECONDS
DEPS=${SSTP_WIN_DEPS_DIR:-$BUILD/deps}
"$HERE/deps.sh" "$DEPS" || fail "building the Windows dependencies"
say "dependencies ready ($((SECONDS - t)) s)"
export SSTP_WIN_DEPS=$DEPS/prefix

# ---- cross build ---------------------------------------------------------------------------------------
t=$SECONDS
run_logged "$LOGS/configure.log" cmake -S "$ROOT" -B "$BUILD" \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-mingw64.cmake" -DSSTP_WIN_DEPS="$SSTP_WIN_DEPS" \
    -DCMAKE_BUILD_TYPE=Release -DSSTP_TESTS=ON || fail "configuring the cross build"
mapfile -t PORTABLE < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HERE/tests.txt" | awk '{print $1}')
WINTESTS=()
for f in "$HERE"/unit/test_win_*.c; do WINTESTS+=("$(basename "$f" .c)"); done
targets=("${PORTABLE[@]}" "${WINTESTS[@]}")
run_logged "$LOGS/build.log" cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}" ||
    fail "cross-building the tests"
say "cross-built ${#targets[@]} test programs ($((SECONDS - t)) s)"

# sstp.exe: reported on its own line; see tests/windows/README.md for what it needs. The service
# test (unit/test_win_service.c) runs it, so it fails when sstp.exe is not built.
t=$SECONDS
if cmake --build "$BUILD" -j "$JOBS" --target sstp >"$LOGS/sstp-exe.log" 2>&1; then
    SSTP_EXE="built ($(du -k "$BUILD/sstp.exe" | cut -f1) KiB)"
else
    SSTP_EXE="not built: $(grep -m1 -E 'error|Error' "$LOGS/sstp-exe.log" | sed "s|$ROOT/||" | cut -c1-150)"
fi
say "sstp.exe: $SSTP_EXE ($((SECONDS - t)) s)"
# sstp-tray.exe and the probe its Wine test uses (tray_wine.sh, run after the unit tests)
t=$SECONDS
if cmake --build "$BUILD" -j "$JOBS" --target sstp-tray tray_probe >"$LOGS/sstp-tray.log" 2>&1; then
    TRAY_EXE="built ($(du -k "$BUILD/sstp-tray.exe" | cut -f1) KiB)"
else
    TRAY_EXE="not built: $(grep -m1 -E 'error|Error' "$LOGS/sstp-tray.log" | sed "s|$ROOT/||" | cut -c1-150)"
fi
say "sstp-tray.exe: $TRAY_EXE ($((SECONDS - t)) s)"

# ---- run under Wine --------------------------------------------------------------------------------------
t=$SECONDS
export WINEPREFIX=$BUILD/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    run_logged "$LOGS/wineboot.log" "$WINE" wineboot --init || fail "creating the Wine prefix"
    # let the first session end: a test started while its wineserver shuts down can talk to
    # the service manager that is going away (test_win_service saw its services vanish)
    timeout 60 "$(dirname "$WINE")/wineserver" -w >/dev/null 2>&1 || true
    say "Wine prefix created ($((SECONDS - t)) s)"
fi
regex="^(unit|windows)/($(IFS='|'; echo "${targets[*]}"))\$"
xml=$LOGS/windows.xml
rm -f "$xml"
ctest --test-dir "$BUILD" -R "$regex" -j "$JOBS" --output-on-failure --timeout 300 \
    --output-junit "$xml" >"$LOGS/ctest.log" 2>&1
rc=$?
grep -E '^ *[0-9]+/[0-9]+ Test|tests passed|tests failed|\*\*\*Failed|Not Run' "$LOGS/ctest.log" |
    sed 's/^/    /'
"$(dirname "$WINE")/wineserver" -k >/dev/null 2>&1 || true
# the tray under Wine on Xvfb against sstp.exe helper: one more test in the stage's count
if [ -f "$BUILD/sstp-tray.exe" ]; then
    tt=$SECONDS
    WINE=$WINE timeout 400 "$HERE/tray_wine.sh" "$BUILD" >"$LOGS/tray-wine.log" 2>&1
    trc=$?
    case $trc in
        0) say "tray under Wine: passed ($((SECONDS - tt)) s)" ;;
        77) say "tray under Wine: SKIPPED: $(grep -m1 '^SKIP' "$LOGS/tray-wine.log")" ;;
        *) say "tray under Wine: FAILED (log: $LOGS/tray-wine.log)"
           grep -E '^FAIL' "$LOGS/tray-wine.log" | sed 's/^/    /' ;;
    esac
    "$(dirname "$WINE")/wineserver" -k >/dev/null 2>&1 || true
else
    trc=1
    say "tray under Wine: FAILED: sstp-tray.exe $TRAY_EXE"
fi
head=$(tr '\n\t' '  ' <"$xml" 2>/dev/null | grep -o '<testsuite [^>]*>' | head -1)
total=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$head")
failed=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$head")
total=${total:-0}; failed=${failed:-0}
[ "$trc" != 77 ] && total=$((total + 1)) && [ "$trc" != 0 ] && failed=$((failed + 1)) && rc=1
[ "$rc" != 0 ] && [ "$failed" = 0 ] && failed=1
say "ran under Wine in $((SECONDS - t)) s; whole Windows stage $((SECONDS - T0)) s"
echo "windows: $((total - failed)) passed, $failed failed"
[ "$rc" = 0 ] && [ "$total" -gt 0 ]
