#!/bin/bash
# End-to-end: every way a connection to the rig's gateway can fail ends with its documented exit
# code and one sentence naming the layer: wrong password (6), unknown CA (5), another CA (5), wrong
# host name (5), wrong key pin (5), nothing listening (4), unknown host (4), no such profile and a
# broken profile (9), a server that never answers (3), a password on argv (2), a proxy that
# refuses (4) or wants authentication (6), the gateway down (4); a right pin without a CA
# connects, and so does a connection through an HTTP CONNECT proxy. The client namespace is left
# exactly as before after each. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
CA=$RIG_PKI/ca.crt
AUTH="--user $RIG_USER --password-file $SX_PW --route $RIG_HUB_NET"

# expect LABEL CODE REGEX: the last sx run exited with CODE and said REGEX on stderr
expect() {
    local label=$1 code=$2 re=$3
    rig_check "$label: exit $code (got $SX_RC)" [ "$SX_RC" = "$code" ] || cat "$SX_OUT/$label.err" >&2
    rig_check "$label: says \"$re\"" grep -qE "$re" "$SX_OUT/$label.err" || cat "$SX_OUT/$label.err" >&2
    rig_check "$label: client namespace as before" sx_same_as "$BEFORE"
}

printf 'not-the-password\n' > "$RIG_DIR/wrong-pw"
# shellcheck disable=SC2086
sx wrongpw connect "$RIG_GW_NAME" --ca "$CA" --user "$RIG_USER" --password-file "$RIG_DIR/wrong-pw" --timeout 20
expect wrongpw 6 '^sstp: authentication rejected by server: E=691 bad user name or password \(MS-CHAPv2\)$'

# shellcheck disable=SC2086
sx noca connect "$RIG_GW_NAME" $AUTH --timeout 20
expect noca 5 '^sstp: server certificate rejected: .+'

rig_pki_ca other "some other CA"
# shellcheck disable=SC2086
sx otherca connect "$RIG_GW_NAME" --ca "$RIG_PKI/other.crt" $AUTH --timeout 20
expect otherca 5 '^sstp: server certificate rejected: .+'

# another name for the same gateway, not in its certificate
printf '%s\twrong-name.rig.test\n' "$RIG_GW_IP" >> "/etc/netns/$RIG_NS_CLI/hosts"
# shellcheck disable=SC2086
sx wrongname connect wrong-name.rig.test --ca "$CA" $AUTH --timeout 20
expect wrongname 5 '^sstp: server certificate rejected: .*wrong-name\.rig\.test'

# shellcheck disable=SC2086
sx badpin connect "$RIG_GW_NAME" --pin-sha256 "$(rig_spki_pin "$RIG_PKI/other.crt")" $AUTH --timeout 20
expect badpin 5 '^sstp: server certificate rejected: .+'

# a right pin is enough without any CA
# shellcheck disable=SC2086
sx pin connect "$RIG_GW_NAME" --pin-sha256 "$(rig_spki_pin "$RIG_PKI/server.crt")" $AUTH --name pin --background --timeout 20
rig_check "pin: the pinned key is accepted without a CA" [ "$SX_RC" = 0 ] || cat "$SX_OUT/pin.err" >&2
sx pindc disconnect pin
rig_check "pin: disconnect" [ "$SX_RC" = 0 ]
rig_check "pin: client namespace as before" sx_same_as "$BEFORE"

# shellcheck disable=SC2086
sx refused connect "$RIG_GW_NAME:4443" --ca "$CA" $AUTH --timeout 20
expect refused 4 "^sstp: cannot connect to $RIG_GW_NAME port 4443 \($RIG_GW_IP\): Connection refused$"

# shellcheck disable=SC2086
sx nohost connect no-such-host.rig.test --ca "$CA" $AUTH --timeout 20
expect nohost 4 '^sstp: cannot resolve no-such-host\.rig\.test: '

# a TCP listener on the gateway that never speaks TLS
rig_spawn silent srv python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8443)); s.listen(5)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)'
rig_wait 10 "silent listener" _rig_listening srv 8443
T0=$(sx_ms)
# shellcheck disable=SC2086
sx silent connect "$RIG_GW_NAME:8443" --ca "$CA" $AUTH --timeout 3
T1=$(sx_ms)
expect silent 3 '^sstp: no tunnel within 3 s \(still waiting for the TLS handshake with '
rig_check "silent: gave up after about 3 s ($((T1 - T0)) ms)" [ $((T1 - T0)) -ge 2900 -a $((T1 - T0)) -lt 6000 ]
rig_stop silent

# profiles: a name that is no profile, and a broken profile file (9)
export SSTP_SYSTEM_DIR=$RIG_DIR/profiles
mkdir -p "$SSTP_SYSTEM_DIR/broken"
printf 'server = %s\nrout = 10.0.0.0/8\n' "$RIG_GW_NAME" > "$SSTP_SYSTEM_DIR/broken/profile.conf"
# shellcheck disable=SC2086
sx noprofile connect nosuchprofile $AUTH --timeout 20
expect noprofile 9 "^sstp: no profile named 'nosuchprofile'"
# shellcheck disable=SC2086
sx badprofile connect broken $AUTH --timeout 20
expect badprofile 9 'line 2'
unset SSTP_SYSTEM_DIR

# secrets are refused on the command line
sx argvpw connect "$RIG_GW_NAME" --ca "$CA" --user "$RIG_USER" --password "$RIG_PASS"
expect argvpw 2 'is not accepted: secrets on the command line'

# through an HTTP CONNECT proxy on the gateway host: connects; a refusing proxy is 4, one that
# wants authentication is 6
rig_spawn proxy srv python3 "$HERE/sstp_connect_proxy.py" 3128 allow
rig_spawn proxydeny srv python3 "$HERE/sstp_connect_proxy.py" 3129 deny
rig_spawn proxyauth srv python3 "$HERE/sstp_connect_proxy.py" 3130 auth
rig_wait 10 "proxies" sh -c "ip netns exec $RIG_NS_SRV ss -ltn | grep -q ':3130 '"
# shellcheck disable=SC2086
sx proxied connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$RIG_GW_IP:3128" --name px --background --json --timeout 20
rig_check "proxy: connects through HTTP CONNECT" [ "$SX_RC" = 0 ] || cat "$SX_OUT/proxied.err" >&2
rig_check "proxy: the proxy saw CONNECT $RIG_GW_NAME:443 with SSTPVERSION" \
    grep -q "request: CONNECT $RIG_GW_NAME:443 HTTP/1.1 True" "$RIG_DIR/logs/proxy.log"
rig_check "proxy: ping the service host" sx_ping "$RIG_SVC_IP"
sx pxdc disconnect px
rig_check "proxy: client namespace as before" sx_same_as "$BEFORE"
# shellcheck disable=SC2086
sx proxydeny connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$RIG_GW_IP:3129" --timeout 20
expect proxydeny 4 "^sstp: proxy $RIG_GW_IP:3129 refused the tunnel to $RIG_GW_NAME:443: HTTP/1.1 403 Forbidden\$"
# shellcheck disable=SC2086
sx proxyauth connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$RIG_GW_IP:3130" --timeout 20
expect proxyauth 6 "^sstp: proxy wants authentication: use --proxy-user and --proxy-password-file \\(HTTP 407 from $RIG_GW_IP:3130\\)\$"
# shellcheck disable=SC2086
sx proxydown connect "$RIG_GW_NAME" --ca "$CA" $AUTH --proxy "http://$RIG_GW_IP:3131" --timeout 20
expect proxydown 4 "^sstp: cannot connect to proxy $RIG_GW_IP port 3131"

# the gateway itself is down
rig_stop vpnserver 5
# shellcheck disable=SC2086
sx gwdown connect "$RIG_GW_NAME" --ca "$CA" $AUTH --timeout 20
expect gwdown 4 "^sstp: cannot connect to $RIG_GW_NAME port 443 \($RIG_GW_IP\): Connection refused$"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
