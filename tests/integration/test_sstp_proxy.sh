#!/bin/bash
# End-to-end: `sstp connect --proxy` through a real HTTP proxy that wants Basic authentication
# (tinyproxy in the gateway namespace): the right credentials (user in the URL or --proxy-user,
# password from --proxy-password-file or SSTP_PROXY_PASSWORD) connect and reach the service host;
# Digest through a small test proxy works too; a wrong password and missing credentials are exit 6
# with their sentences; the password never shows
# in stderr (-vv) or any /proc/*/cmdline; the client namespace is left as before.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

command -v tinyproxy >/dev/null 2>&1 || rig_skip "tinyproxy is not installed (.ci/deps-debian.sh)"
sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
CA=$RIG_PKI/ca.crt
AUTH="--user $RIG_USER --password-file $SX_PW --route $RIG_HUB_NET"
PX_USER=pxuser
PX_PASS=px-Secret-5678-unique
PX_PORT=3128
PX="$RIG_GW_IP:$PX_PORT"

# tinyproxy with our own configuration, in the foreground, inside the gateway namespace
mkdir -p "$RIG_DIR/tinyproxy"
cat > "$RIG_DIR/tinyproxy/tinyproxy.conf" <<CONF
User nobody
Group nogroup
Port $PX_PORT
Listen $RIG_GW_IP
Timeout 60
LogLevel Info
MaxClients 20
Allow 10.231.0.0/24
ConnectPort 443
BasicAuth $PX_USER $PX_PASS
CONF
chmod 644 "$RIG_DIR/tinyproxy/tinyproxy.conf"
rig_spawn tinyproxy srv tinyproxy -d -c "$RIG_DIR/tinyproxy/tinyproxy.conf"
rig_wait 10 "tinyproxy listens" sh -c "ip netns exec $RIG_NS_SRV ss -ltn | grep -q ':$PX_PORT '" ||
    { cat "$RIG_DIR/logs/tinyproxy.log" >&2; rig_fatal "tinyproxy did not start"; }
printf '%s\n' "$PX_PASS" > "$RIG_DIR/proxy-pw"
chmod 600 "$RIG_DIR/proxy-pw"
printf 'not-the-proxy-password\n' > "$RIG_DIR/proxy-wrong-pw"
chmod 600 "$RIG_DIR/proxy-wrong-pw"

# expect LABEL CODE REGEX: the last sx run exited with CODE and said REGEX on stderr
expect() {
    local label=$1 code=$2 re=$3
    rig_check "$label: exit $code (got $SX_RC)" [ "$SX_RC" = "$code" ] || cat "$SX_OUT/$label.err" >&2
    rig_check "$label: says \"$re\"" grep -qE -- "$re" "$SX_OUT/$label.err" || cat "$SX_OUT/$label.err" >&2
    rig_check "$label: client namespace as before" sx_same_as "$BEFORE"
}
# the session's TCP sockets (the tunnel curl opened) are close-on-exec: children of `sstp run` must
# not inherit the tunnel
tcp_cloexec() {
    local pid fd flags n=0
    pid=$(pgrep -f -- "--name $1 " | head -n 1)
    [ -n "$pid" ] || return 1
    for fd in $(rig_ns_exec cli ss -tnp | grep -o "pid=$pid,fd=[0-9]*" | sed 's/.*fd=//'); do
        flags=$(awk '/^flags/ {print $2}' "/proc/$pid/fdinfo/$fd")
        (( 8#$flags & 8#2000000 )) || { echo "TCP fd $fd of $pid lacks O_CLOEXEC" >&2; return 1; }
        n=$((n + 1))
    done
    [ "$n" -gt 0 ]
}
# the session process no longer has SSTP_PROXY_PASSWORD in /proc/PID/environ
environ_clean() {
    local pid
    pid=$(pgrep -f -- "--name $1 " | head -n 1)
    [ -n "$pid" ] && ! tr '\0' '\n' < "/proc/$pid/environ" | grep -aqFf "$RIG_DIR/proxy-pw"
}
no_password_in() { ! grep -aqF -- "$PX_PASS" "$@"; }
# the pattern comes from the password file: a grep with it on its own command line would match itself
cmdlines_clean() { ! cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' '\n' | grep -aqFf "$RIG_DIR/proxy-pw"; }

# 1. user in the URL, password from a file, -vv: connects, the service host answers
# shellcheck disable=SC2086
sx basic -vv connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX_USER@$PX" \
    --proxy-password-file "$RIG_DIR/proxy-pw" --name pxa --background --timeout 30
rig_check "basic: connects through tinyproxy with Basic auth" [ "$SX_RC" = 0 ] || cat "$SX_OUT/basic.err" >&2
rig_check "basic: ping the service host" sx_ping "$RIG_SVC_IP"
rig_check "basic: the password is in no /proc/*/cmdline" cmdlines_clean
rig_check "basic: the tunnel socket is close-on-exec" tcp_cloexec pxa
rig_check "basic: tinyproxy opened the tunnel" grep -q "CONNECT" "$RIG_DIR/logs/tinyproxy.log"
sx basicdc disconnect pxa
rig_check "basic: disconnect" [ "$SX_RC" = 0 ]
rig_check "basic: client namespace as before" sx_same_as "$BEFORE"
rig_check "basic: the password is not in -vv stderr" no_password_in "$SX_OUT/basic.err" "$SX_OUT/basic.out"
rig_check "basic: -vv stderr shows the proxy phase" grep -q "asking proxy $PX" "$SX_OUT/basic.err"

# 2. --proxy-user with the password in SSTP_PROXY_PASSWORD, the proxy by name (curl resolves it)
# shellcheck disable=SC2086
SSTP_PROXY_PASSWORD=$PX_PASS sx envpw -vv connect "$RIG_GW_NAME" --ca "$CA" $AUTH \
    --proxy "http://$RIG_GW_NAME:$PX_PORT" --proxy-user "$PX_USER" --name pxb --background --timeout 30
rig_check "env: connects with SSTP_PROXY_PASSWORD" [ "$SX_RC" = 0 ] || cat "$SX_OUT/envpw.err" >&2
rig_check "env: ping the service host" sx_ping "$RIG_SVC_IP"
rig_check "env: the password is in no /proc/*/cmdline" cmdlines_clean
rig_check "env: the session's /proc/PID/environ no longer holds it" environ_clean pxb
sx envdc disconnect pxb
rig_check "env: disconnect" [ "$SX_RC" = 0 ]
rig_check "env: client namespace as before" sx_same_as "$BEFORE"
rig_check "env: the password is not in -vv stderr" no_password_in "$SX_OUT/envpw.err" "$SX_OUT/envpw.out"

# 3. a wrong password: 6, naming proxy and user
# shellcheck disable=SC2086
sx wrongpw -vv connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX_USER@$PX" \
    --proxy-password-file "$RIG_DIR/proxy-wrong-pw" --timeout 30
# (tinyproxy answers a wrong Basic password with 401, a missing one with 407)
expect wrongpw 6 "^sstp: (\[[0-9.]+\] )?proxy $PX refused the credentials for $PX_USER \\(HTTP 40[17]\\)\$"
rig_check "wrongpw: the wrong password is not in -vv stderr" \
    sx_lacks "$SX_OUT/wrongpw.err" not-the-proxy-password

# 4. no credentials: 6, saying which options to use
# shellcheck disable=SC2086
sx nocreds connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX" --timeout 30
expect nocreds 6 "^sstp: proxy wants authentication: use --proxy-user and --proxy-password-file"

# 5. Digest (MD5, qop=auth) through the test proxy: the right password connects, a wrong one is 6
rig_spawn digest srv python3 "$HERE/sstp_connect_proxy.py" 3132 digest "$PX_USER" "$RIG_DIR/proxy-pw"
rig_wait 10 "digest proxy listens" sh -c "ip netns exec $RIG_NS_SRV ss -ltn | grep -q ':3132 '"
# shellcheck disable=SC2086
sx digest -vv connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX_USER@$RIG_GW_IP:3132" \
    --proxy-password-file "$RIG_DIR/proxy-pw" --name pxd --background --timeout 30
rig_check "digest: connects with Digest auth" [ "$SX_RC" = 0 ] || cat "$SX_OUT/digest.err" >&2
rig_check "digest: the proxy checked a Digest answer" grep -q "digest: accepted $PX_USER" "$RIG_DIR/logs/digest.log"
rig_check "digest: ping the service host" sx_ping "$RIG_SVC_IP"
sx digestdc disconnect pxd
rig_check "digest: disconnect" [ "$SX_RC" = 0 ]
rig_check "digest: client namespace as before" sx_same_as "$BEFORE"
rig_check "digest: the password is not in -vv stderr" no_password_in "$SX_OUT/digest.err" "$SX_OUT/digest.out"
# shellcheck disable=SC2086
sx digestbad connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX_USER@$RIG_GW_IP:3132" \
    --proxy-password-file "$RIG_DIR/proxy-wrong-pw" --timeout 30
expect digestbad 6 "^sstp: proxy $RIG_GW_IP:3132 refused the credentials for $PX_USER \\(HTTP 407\\)\$"

# 6. usage errors: a proxy user without a password, a password in the URL, options without --proxy
# shellcheck disable=SC2086
sx nopw connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX_USER@$PX" --timeout 30
expect nopw 2 "the proxy user needs a password"
# shellcheck disable=SC2086
sx urlpw connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$PX_USER:$PX_PASS@$PX" --timeout 30
expect urlpw 2 "--proxy must not contain a password"
rig_check "urlpw: the password is not echoed" no_password_in "$SX_OUT/urlpw.err"
# shellcheck disable=SC2086
sx nourl connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy-user "$PX_USER" --timeout 30
expect nourl 2 "need --proxy URL"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
