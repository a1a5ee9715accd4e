#!/bin/bash
# Integration test of the rig library itself (no VPN client needed): gateway naming and certificate
# options, the patched SoftEther answering SSTP_DUPLEX_POST, users, extra CAs and certificates, a
# rig without the service host, and that rig_down leaves nothing behind. Exit 0 pass, 1 fail, 77 skip.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"

rig_require
t_start=$(_rig_ms)
# A name like an Azure P2S gateway's, plus an extra SAN.
RIG_GW_NAME=azuregateway-0f0e0d0c-0b0a-0908-0706-050403020100-0123456789ab.vpn.azure.com
RIG_GW_SANS=DNS:alt.rig.test
rig_up

# verify_as NAME CAFILE [openssl options]: the gateway's certificate verifies for NAME against CAFILE
verify_as() {
    local name=$1 cafile=$2; shift 2
    rig_ns_exec cli openssl s_client -connect "$RIG_GW_IP:$RIG_SSTP_PORT" -servername "$name" \
        -CAfile "$cafile" -verify_return_error "$@" </dev/null 2>/dev/null | grep -q 'Verify return code: 0 '
}
served_pin() {
    rig_ns_exec cli openssl s_client -connect "$RIG_GW_IP:$RIG_SSTP_PORT" </dev/null 2>/dev/null |
        openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary |
        openssl base64 -A
}
# The SSTP call request of MS-SSTP 2.2.3; the patched server answers 200 (the packaged one hangs).
sstp_answers() {
    local req
    req="SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1"$'\r\n'
    req+="Host: $RIG_GW_NAME"$'\r\n'"Content-Length: 18446744073709551615"$'\r\n'
    req+="SSTPCORRELATIONID: {2F8A6A54-6E2C-4C6B-9C6C-0F1E2D3C4B5A}"$'\r\n\r\n'
    { printf '%s' "$req"; sleep 3; } |
        rig_ns_exec cli timeout 5 openssl s_client -quiet -connect "$RIG_GW_NAME:$RIG_SSTP_PORT" \
            -CAfile "$RIG_PKI/ca.crt" 2>/dev/null | head -n 1 | grep -q '^HTTP/1.1 200'
}
fails() { ! "$@"; }
resolves() { [ "$(rig_ns_exec "$1" getent hosts "$2" | awk '{print $1}')" = "$3" ]; }
user_auth() { rig_vpncmd --hub UserGet "$1" | grep -q "Auth Type *|$2"; }
p12_ok() { openssl pkcs12 -in "$RIG_PKI/$1.p12" -passin "pass:$RIG_P12_PASS" -nokeys 2>/dev/null | grep -q "subject=CN = $1"; }
direct_unreachable() { ! rig_ns_exec cli ping -c 1 -W 1 "$RIG_SVC_IP" >/dev/null 2>&1; }

rig_check "rig up in ${RIG_UP_MS} ms (under 60 s even on a loaded machine)" [ "$RIG_UP_MS" -lt 60000 ]
rig_check "gateway name resolves in the client namespace" resolves cli "$RIG_GW_NAME" "$RIG_GW_IP"
rig_check "service name resolves in the client namespace" resolves cli "$RIG_SVC_NAME" "$RIG_SVC_IP"
rig_check "certificate verifies for $RIG_GW_NAME" verify_as "$RIG_GW_NAME" "$RIG_PKI/ca.crt" \
    -verify_hostname "$RIG_GW_NAME"
rig_check "certificate verifies for the extra SAN alt.rig.test" verify_as alt.rig.test "$RIG_PKI/ca.crt" \
    -verify_hostname alt.rig.test
rig_check "certificate verifies for the IP SAN $RIG_GW_IP" verify_as "$RIG_GW_IP" "$RIG_PKI/ca.crt" \
    -verify_ip "$RIG_GW_IP"
rig_check "certificate does not verify for another name" fails verify_as other.rig.test "$RIG_PKI/ca.crt" -verify_hostname other.rig.test
rig_pki_ca other "Some other CA" || rig_fatal "rig_pki_ca failed"
rig_check "certificate does not verify against an unrelated CA" fails verify_as "$RIG_GW_NAME" "$RIG_PKI/other.crt"
rig_check "rig_spki_pin matches the served key" [ "$(served_pin)" = "$(rig_spki_pin "$RIG_PKI/server.crt")" ]
rig_check "patched vpnserver answers SSTP_DUPLEX_POST with 200" sstp_answers
rig_check "service host unreachable without the tunnel" direct_unreachable
rig_check "service host serves the token (from its own namespace)" \
    [ "$(rig_http_fetch svc "http://$RIG_SVC_IP/token.txt")" = "$RIG_HTTP_TOKEN" ]

rig_check "rig_add_user" rig_add_user alice alice-pw-1
rig_check "alice has password authentication" user_auth alice "Password Authentication"
rig_check "rig_add_cert_user" rig_add_cert_user bob
rig_check "bob has signed-certificate authentication" user_auth bob "Signed Certificate Authentication"
rig_check "bob.p12 opens with RIG_P12_PASS" p12_ok bob
rig_check "a second certificate user (CA already added)" rig_add_cert_user carol
dup_user() { echo "UserCreate alice /GROUP:none /REALNAME:none /NOTE:none" | rig_vpncmd_batch --hub 2>/dev/null; }
rig_check "rig_vpncmd_batch reports a failing command" fails dup_user

rig_check "rig_pki_issue a server certificate for another name" rig_pki_issue wrong server wrong.rig.test DNS:wrong.rig.test
rig_check "rig_set_server_cert" rig_set_server_cert wrong
rig_check "the gateway now presents the other certificate" verify_as wrong.rig.test "$RIG_PKI/ca.crt" -verify_hostname wrong.rig.test
rig_check "... which does not verify for $RIG_GW_NAME" \
    fails verify_as "$RIG_GW_NAME" "$RIG_PKI/ca.crt" -verify_hostname "$RIG_GW_NAME"

# rig_down leaves nothing: no namespaces, no processes, no files
pids=$(for f in "$RIG_DIR"/pids/*.pid; do awk '{print $1}' "$f"; done)
dir=$RIG_DIR nss="$RIG_NS_CLI $RIG_NS_SRV $RIG_NS_SVC"
rig_down
gone() {
    local p n
    for p in $pids; do kill -0 "$p" 2>/dev/null && { echo "pid $p still runs" >&2; return 1; }; done
    for n in $nss; do
        ip netns list | awk '{print $1}' | grep -qx "$n" && { echo "namespace $n left" >&2; return 1; }
        [ -e "/etc/netns/$n" ] && { echo "/etc/netns/$n left" >&2; return 1; }
    done
    [ ! -e "$dir" ] || { echo "$dir left" >&2; return 1; }
}
rig_check "rig_down removed processes, namespaces, /etc/netns entries and the state directory" gone
rig_check "rig_down is idempotent" rig_down

# A second rig in the same process, without the service host (SecureNAT DHCP only).
RIG_SERVICE=0
rig_up
no_svc_ns() { ! ip netns list | awk '{print $1}' | grep -qx "$RIG_NS_SVC"; }
rig_check "RIG_SERVICE=0: no service namespace" no_svc_ns
rig_check "RIG_SERVICE=0: gateway still answers SSTP" sstp_answers
rig_down

echo "test_rig_lib: $RIG_FAILS failed checks, $(( $(_rig_ms) - t_start )) ms"
[ "$RIG_FAILS" = 0 ]
