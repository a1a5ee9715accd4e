#!/bin/bash
# Security: profiles and packages cannot make `sstp` write outside its own directories, nor send
# control characters to the terminal. Hostile packages (tests/reliability/make_hostile_packages.py:
# a VNet name that climbs out of the profile directory, entry names with ../ ..\ absolute paths and
# drive letters, a symlink entry, escape sequences and C1 controls) go through `sstp package show`
# and `sstp import` (as root into a sandboxed system profile directory, and as an unprivileged user
# into a sandboxed home); hostile session and profile names go through `sstp connect`. Afterwards
# no file carrying the test's token exists outside the sandbox's allowed directories, and no output
# holds a control character. Also checks that the helper's refusal of other users has its test
# (tests/unit/test_helper_service.c) and that it runs. No network is used. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SSTP_BIN=${SSTP_BIN:-${SSTP_BUILD_DIR:-$ROOT/build}/sstp}
[ -x "$SSTP_BIN" ] || { echo "SKIP: sstp binary not found at $SSTP_BIN"; exit 77; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
FAILS=0
check() { # DESC CMD...
    local d=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $d"; else echo "FAIL - $d"; FAILS=$((FAILS + 1)); fi
}
SB=$(mktemp -d "${TMPDIR:-/tmp}/sstp-rel-priv.XXXXXX") || exit 1
chmod 755 "$SB"
TOKEN=relpwn$$x$RANDOM   # every dangerous name in the packages carries it
cleanup() {
    rm -rf "$SB"
    # anything the test made outside the sandbox (there should be nothing) goes too
    find / /tmp /etc /root /run /var/tmp -maxdepth 3 -name "*$TOKEN*" -exec rm -rf {} + 2>/dev/null
    [ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
    return 0
}
trap cleanup EXIT
mkdir -p "$SB/etc" "$SB/state" "$SB/out" "$SB/pkgs"
"$PY" "$ROOT/tests/reliability/make_hostile_packages.py" "$SB/pkgs" "$TOKEN" \
    "$ROOT/tests/data/pkg/gw-demo.zip" >/dev/null || { echo "FAIL - cannot build the packages"; exit 1; }
# no control characters (other than newline and tab) in FILE
no_ctl() { ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; }
# run sstp, capture output: st LABEL ARGS...
st() {
    local label=$1; shift
    SSTP_SYSTEM_DIR="$SB/etc" timeout 60 "$SSTP_BIN" "$@" > "$SB/out/$label.out" 2> "$SB/out/$label.err"
    RC=$?
}

# ---- packages -------------------------------------------------------------------------------------------
for p in "$SB"/pkgs/*.zip; do
    n=$(basename "$p" .zip)
    st "show-$n" package show "$p"
    check "package show $n: exits 0 or 9 (got $RC)" [ "$RC" = 0 -o "$RC" = 9 ]
    check "package show $n: no control characters in the output" no_ctl "$SB/out/show-$n.out"
    check "package show $n: no control characters in the messages" no_ctl "$SB/out/show-$n.err"
    st "json-$n" package show "$p" --json
    check "package show --json $n: no raw control characters" no_ctl "$SB/out/json-$n.out"
    st "import-$n" import "$p"
    check "import $n: exits 0 or 9 (got $RC)" [ "$RC" = 0 -o "$RC" = 9 ]
    check "import $n: no control characters in the messages" no_ctl "$SB/out/import-$n.err"
    st "import-name-$n" import "$p" --name "../$TOKEN-n"
    check "import $n --name ../X: refused (exit 2 or 9, got $RC)" [ "$RC" = 2 -o "$RC" = 9 ]
done
check "the traversing VNet name became a profile inside the profile directory" \
    test -f "$SB/etc/tmp-$TOKEN-vnet/profile.conf"

# as an unprivileged user, into a sandboxed home
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    mkdir -p "$SB/home"
    chown nobody "$SB/home"
    chmod 777 "$SB/pkgs" "$SB/out"
    chmod 644 "$SB"/pkgs/*.zip
    for p in "$SB"/pkgs/*.zip; do
        n=$(basename "$p" .zip)
        setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin HOME="$SB/home" \
            timeout 60 "$SSTP_BIN" import "$p" > "$SB/out/user-$n.out" 2> "$SB/out/user-$n.err"
        rc=$?
        check "user import $n: exits 0 or 9 (got $rc)" [ "$rc" = 0 -o "$rc" = 9 ]
    done
    check "user import: profiles only under \$HOME/.config/sstp" \
        sh -c "[ -z \"\$(find '$SB/home' -mindepth 1 -not -path '$SB/home/.config' -not -path '$SB/home/.config/sstp*')\" ]"
    check "user import: the traversing VNet name stayed inside" test -f "$SB/home/.config/sstp/tmp-$TOKEN-vnet/profile.conf"
else
    echo "# unprivileged part skipped (needs root and setpriv)"
fi

# ---- hostile profile and session names -------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then NS=sstpt-$$-priv; ip netns add "$NS" && ip -n "$NS" link set lo up; fi
in_ns() { if [ -n "${NS:-}" ]; then ip netns exec "$NS" "$@"; else "$@"; fi; }
printf 'x\n' > "$SB/pw"; chmod 600 "$SB/pw"
for name in "../$TOKEN-s" "/tmp/$TOKEN-s" "a/../../$TOKEN-s" ".$TOKEN" "-$TOKEN" "$TOKEN x"; do
    SSTP_SYSTEM_DIR="$SB/etc" in_ns timeout 20 "$SSTP_BIN" connect 127.0.0.1:1 --name "$name" \
        --user u --password-file "$SB/pw" --no-routes --no-dns --timeout 3 --state-dir "$SB/state" \
        > "$SB/out/conn.out" 2> "$SB/out/conn.err"
    rc=$?
    check "connect --name '$name': refused as usage error (exit 2, got $rc)" [ "$rc" = 2 ]
done
mkdir -p "$SB/etc/evil"
printf 'name = ../../%s-p\nserver = 127.0.0.1\nuser = u\n' "$TOKEN" > "$SB/etc/evil/profile.conf"
SSTP_SYSTEM_DIR="$SB/etc" in_ns timeout 20 "$SSTP_BIN" connect evil --password-file "$SB/pw" \
    --timeout 3 --state-dir "$SB/state" > "$SB/out/evil.out" 2> "$SB/out/evil.err"
rc=$?
check "a profile naming itself ../../X is refused (exit 9, got $rc)" [ "$rc" = 9 ]
printf 'server = 127.0.0.1:1\nuser = u\nno-routes = true\nno-dns = true\n' > "$SB/etc/evil/profile.conf"
SSTP_SYSTEM_DIR="$SB/etc" in_ns timeout 20 "$SSTP_BIN" connect "$SB/etc/evil" --password-file "$SB/pw" \
    --timeout 3 --state-dir "$SB/state" > "$SB/out/evil2.out" 2> "$SB/out/evil2.err"
rc=$?
check "a profile loaded by path connects (and fails: nothing listens) with exit 4 (got $rc)" [ "$rc" = 4 ]
check "the state directory holds nothing afterwards" sh -c "[ -z \"\$(ls -A '$SB/state')\" ]"

# ---- nothing escaped --------------------------------------------------------------------------------------
LEAKS=$(find / /tmp /etc /root /run /var/tmp /var/lib -maxdepth 3 -name "*$TOKEN*" -not -path "$SB/*" 2>/dev/null;
        find "$SB" -name "*$TOKEN*" -not -path "$SB/etc/*" -not -path "$SB/home/.config/sstp/*" \
            -not -path "$SB/pkgs/*" 2>/dev/null)
check "no file carrying the token outside the profile directories" [ -z "$LEAKS" ]
[ -n "$LEAKS" ] && echo "$LEAKS" >&2
no_ctl_all() { local f; for f in "$SB"/out/*.err; do no_ctl "$f" || { echo "control characters in $f" >&2; return 1; }; done; }
check "no control characters in any message" no_ctl_all

# ---- the helper's refusal of other users is tested elsewhere: it exists and runs ---------------------
HS=$ROOT/tests/unit/test_helper_service.c
BD=${SSTP_BUILD_DIR:-$(dirname "$SSTP_BIN")}
check "the helper's peer check has a test (tests/unit/test_helper_service.c refuses uid daemon with 11)" \
    grep -q 'refused with 11' "$HS"
if [ -x "$BD/tests/test_helper_service" ] && [ "$(id -u)" = 0 ]; then
    timeout 300 "$BD/tests/test_helper_service" > "$SB/out/helper-test.log" 2>&1
    rc=$?
    check "test_helper_service runs and passes (exit $rc)" [ "$rc" = 0 ]
    [ "$rc" = 0 ] || tail -20 "$SB/out/helper-test.log"
else
    echo "# test_helper_service not built here or not root: not run"
fi

echo "$FAILS failed checks"
[ "$FAILS" = 0 ]
