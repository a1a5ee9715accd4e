#!/bin/bash
# Reliability/security: `sstp connect` (the ASan+UBSan build when there is one) against a hostile
# gateway (tests/reliability/hostile_server.py in the rig's gateway namespace): TLS servers with
# expired, not-yet-valid, self-signed, wrong-EKU, SHA-1-signed and incomplete-chain certificates and
# an old TLS version; a non-TLS peer; HTTP answers that trickle (slowloris), never end, lie about
# Content-Length or carry binary; SSTP packets with bad versions and lengths, unknown and overflowing
# attributes, NAK and echo storms, oversized frames, aborts; crypto binding checks (the gateway
# verifies nonce, certificate hash and compound MAC; a second CONNECT_ACK with another nonce; SHA-1
# only; a gateway rejecting the binding); PPP/EAP attacks (LCP NAK loops and storms, a PAP
# downgrade, an MS-CHAPv2 Success from a server that does not know the password, CVE-2020-8597 and
# CVE-2018-11574 shaped EAP). Every run must end with its documented exit code and one clear sentence
# within a bounded time, with no sanitizer report, and leave the client namespace exactly as before.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib/rig.sh
. "$HERE/../integration/lib/rig.sh"
# shellcheck source=../integration/sstp_test_lib.sh
. "$HERE/../integration/sstp_test_lib.sh"
# shellcheck source=lib/rel.sh
. "$HERE/lib/rel.sh"

rel_setup
rig_add_cert_user hostileuser >/dev/null || rig_fatal "cannot make an EAP-TLS client certificate"
BIN=$(rel_hunt_bin)
[ -n "$REL_ASAN_BIN" ] || echo "   NOTE: no ASan build found (set SSTP_ASAN_BIN); using $BIN"
echo "   client binary: $BIN"
BEFORE=$RIG_DIR/before.snap
rel_snapshot > "$BEFORE"
PORT=9443
HS=$REL_HOME/hostile_server.py
CANARY="canary-hostile-$RANDOM$RANDOM-pw"
printf '%s\n' "$CANARY" > "$RIG_DIR/canary-pw"; chmod 600 "$RIG_DIR/canary-pw"
printf '%s\n' "$RIG_P12_PASS" > "$RIG_DIR/p12-pw"; chmod 600 "$RIG_DIR/p12-pw"
PAP=(--user hostile --password-file "$RIG_DIR/canary-pw" --auth pap)
CHAP=(--user hostile --password-file "$RIG_DIR/canary-pw" --auth mschapv2)
EAPM=(--user hostile --password-file "$RIG_DIR/canary-pw" --auth eap-mschapv2)
EAPTLS=(--cert "$RIG_PKI/hostileuser.p12" --cert-password-file "$RIG_DIR/p12-pw" --auth eap-tls)

# ---- certificates ------------------------------------------------------------------------------------
GW=$RIG_GW_NAME
SANS="DNS:$GW"
mk() { rel_pki_cert "$@" >/dev/null || rig_fatal "could not make certificate $1"; }
mk h-expired "$GW" --start 20200101000000Z --end 20210101000000Z
mk h-notyet "$GW" --start "$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)" --end "$(date -u -d '+400 days' +%Y%m%d%H%M%SZ)"
mk h-self "$GW" --self
mk h-clienteku "$GW" --eku clientAuth
mk h-sha1 "$GW" --md sha1
mk h-inter "sstp rig intermediate" --ca-cert
mk h-leafi "$GW" --ca h-inter
cat "$RIG_PKI/h-leafi.crt" "$RIG_PKI/h-inter.crt" > "$RIG_PKI/h-chain.crt"
cp "$RIG_PKI/h-leafi.key" "$RIG_PKI/h-chain.key"
mk h-wrongname "not-the-gateway.rig.test"

# ---- one run -------------------------------------------------------------------------------------------
# One server serves every run: it reads $CONTROL (scenario, certificate, log file) at each connection.
CONTROL=$RIG_DIR/hostile-control.json
printf '{"scenario": "tls-only", "cert": "%s", "key": "%s"}\n' "$RIG_PKI/server.crt" "$RIG_PKI/server.key" > "$CONTROL"
rig_spawn hostile srv "$REL_PY" -u "$HS" --port "$PORT" --control "$CONTROL" --serve 1
rig_wait 15 "the hostile server" _rig_listening srv "$PORT" || rig_fatal "the hostile server did not start"
# hostile LABEL SCENARIO CERT CODES REGEX MAXSECS [--srv MAX_TLS --] client args...
#   CODES: allowed exit codes, e.g. "7" or "3 7"; REGEX: the last stderr line (the client's sentence)
N=0
hostile() {
    local label=$1 sc=$2 cert=$3 codes=$4 re=$5 max=$6 maxtls=null ok last
    shift 6
    if [ "${1:-}" = --srv ]; then maxtls="\"$2\""; shift 3; fi
    N=$((N + 1))
    HLOG=$RIG_DIR/logs/hostile-$label.jsonl
    printf '{"scenario": "%s", "cert": "%s", "key": "%s", "log": "%s", "max_tls": %s}\n' \
        "$sc" "$RIG_PKI/$cert.crt" "$RIG_PKI/$cert.key" "$HLOG" "$maxtls" > "$CONTROL"
    rel_sx "$BIN" "$label" $((max + 30)) connect "$GW:$PORT" --ca "$RIG_PKI/ca.crt" --no-routes \
        --name "h$N" "$@"
    last=$(grep -v '^  ' "$SX_OUT/$label.err" | tail -n 1)
    ok=0
    for c in $codes; do [ "$SX_RC" = "$c" ] && ok=1; done
    printf '   %-26s exit %-3s %5d ms  %s\n' "$label" "$SX_RC" "$REL_MS" "${last#sstp: }"
    rig_check "$label: exit code in {$codes}" [ "$ok" = 1 ] || tail -5 "$SX_OUT/$label.err" >&2
    rig_check "$label: clear message /$re/" grep -qE -- "$re" <<<"$last"
    rig_check "$label: ended within $max s" [ "$REL_MS" -le $((max * 1000)) ]
    rig_check "$label: no sanitizer report" rel_san_clean "$SX_OUT/$label.err"
    rig_check "$label: canary password not in the client's output" \
        sh -c "! grep -aqF -- '$CANARY' '$SX_OUT/$label.err' '$SX_OUT/$label.out'"
    rig_check "$label: client namespace exactly as before" rel_same_as "$BEFORE"
    rig_check "$label: the hostile server saw this run" test -s "$HLOG"
}
# server log queries
hlog_has() { grep -q "\"ev\": \"$1\"" "$HLOG"; }
hlog_lacks() { ! grep -q "\"ev\": \"$1\"" "$HLOG"; }
hlog_json() { "$REL_PY" -c 'import json,sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j["ev"] == sys.argv[2]:
        print(eval(sys.argv[3])); break' "$HLOG" "$1" "$2"; }

# ---- TLS: the certificate and the protocol ------------------------------------------------------------
CERT_RE='^sstp: server certificate rejected: .+'
for c in expired notyet self clienteku sha1 wrongname; do
    hostile "tls-$c" tls-only "h-$c" 5 "$CERT_RE" 15 "${PAP[@]}"
    rig_check "tls-$c: nothing was sent through the rejected channel" hlog_lacks http_request
done
hostile tls-no-intermediate tls-only h-leafi 5 "$CERT_RE" 15 "${PAP[@]}"
rig_check "tls-no-intermediate: nothing sent" hlog_lacks http_request
hostile tls-with-intermediate good-pap h-chain 8 'closed the connection' 30 "${PAP[@]}"
rig_check "tls-with-intermediate: the full chain is accepted (tunnel came up)" hlog_has ipcp_opened
if "$REL_PY" -c 'import ssl,sys; c=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.set_ciphers("ALL:@SECLEVEL=0"); c.minimum_version=ssl.TLSVersion.TLSv1_1; c.maximum_version=ssl.TLSVersion.TLSv1_1' 2>/dev/null; then
    hostile tls-1.1 tls-only server 7 'TLS handshake with .* failed' 15 --srv 1.1 -- "${PAP[@]}"
    rig_check "tls-1.1: nothing sent over TLS 1.1" hlog_lacks http_request
fi
hostile garbage-tls garbage-tls server 7 'TLS handshake with .* failed' 15 "${PAP[@]}"

# ---- HTTP ------------------------------------------------------------------------------------------------
hostile http-slowloris http-slowloris server 3 'timed out after 15 s waiting for the HTTP answer' 20 "${PAP[@]}"
hostile http-huge-head http-huge-head server 7 'HTTP response head larger than' 15 "${PAP[@]}"
hostile http-many-headers http-many-headers server 7 'more than [0-9]+ HTTP header lines' 15 "${PAP[@]}"
hostile http-503 http-503 server 4 'HTTP 503 from .*Service Unavailable' 15 "${PAP[@]}"
hostile http-bad-length http-bad-length server 7 'Content-Length 12 instead of' 15 "${PAP[@]}"
hostile http-binary http-binary-status server 7 'control character in HTTP response' 15 "${PAP[@]}"

# ---- SSTP framing and messages ---------------------------------------------------------------------------
hostile sstp-bad-version sstp-bad-version server 7 'unsupported SSTP version' 15 "${PAP[@]}"
hostile sstp-short-length sstp-short-length server 7 'invalid length' 15 "${PAP[@]}"
hostile sstp-truncated sstp-truncated-packet server 7 'closed the connection during the SSTP/PPP negotiation' 15 "${PAP[@]}"
hostile sstp-unknown-attr sstp-unknown-attr server 7 'unknown SSTP attribute' 15 "${PAP[@]}"
hostile sstp-extra-attr sstp-extra-unknown-attr server 7 'unknown SSTP attribute' 15 "${PAP[@]}"
hostile sstp-attr-overflow sstp-attr-overflow server 7 'overflows its message' 15 "${PAP[@]}"
hostile sstp-binding-trunc sstp-binding-truncated server 7 'attribute with a wrong length' 15 "${PAP[@]}"
hostile sstp-no-hash sstp-no-hash server 7 'no supported crypto binding hash' 15 "${PAP[@]}"
hostile sstp-nak-storm sstp-nak-storm server 7 'CALL_CONNECT_NAK' 15 "${PAP[@]}"
hostile sstp-echo-flood sstp-echo-flood server 3 'no tunnel within 8 s' 15 "${PAP[@]}" --timeout 8
hostile sstp-oversize sstp-oversize-frames server 8 'closed the connection' 30 "${PAP[@]}"
rig_check "sstp-oversize: the tunnel came up despite the floods" hlog_has ipcp_opened
hostile sstp-abort-in-ppp sstp-abort-in-ppp server 7 'server aborted the SSTP call' 15 "${PAP[@]}"
hostile sstp-disc-in-auth sstp-disconnect-in-auth server 7 'server disconnected the SSTP call during' 15 "${PAP[@]}"
hostile early-data early-data server 8 'closed the connection' 30 "${PAP[@]}"

# ---- crypto binding --------------------------------------------------------------------------------------
hostile binding-sha256 good-pap server 8 'closed the connection' 30 "${PAP[@]}"
rig_check "binding-sha256: nonce echoed, certificate hash and compound MAC right" \
    [ "$(hlog_json call_connected 'j["hash"], j["nonce_ok"], j["cert_hash_ok"], j["cmac_ok"]')" = "('sha256', True, True, True)" ]
hostile binding-sha1 binding-sha1 server 8 'closed the connection' 30 "${PAP[@]}"
rig_check "binding-sha1: SHA-1 binding with nonce, certificate hash and compound MAC right" \
    [ "$(hlog_json call_connected 'j["hash"], j["nonce_ok"], j["cert_hash_ok"], j["cmac_ok"]')" = "('sha1', True, True, True)" ]
hostile binding-nonce-swap binding-nonce-swap server 7 'not allowed in this call state' 15 "${PAP[@]}"
rig_check "binding-nonce-swap: never bound to the second nonce" \
    sh -c "! grep -q '\"nonce_ok\": false' '$HLOG'"
hostile binding-reject binding-reject server 7 'server aborted the SSTP call' 15 "${PAP[@]}"

# ---- PPP and authentication ---------------------------------------------------------------------------
hostile lcp-nak-loop lcp-nak-loop server 7 'keeps refusing our options' 25 "${PAP[@]}"
hostile lcp-storm lcp-confreq-storm server 8 'closed the connection' 30 "${PAP[@]}"
rig_check "lcp-storm: the tunnel came up after the storm" hlog_has ipcp_opened
# A gateway that insists on PAP while only MS-CHAPv2 is allowed: LCP never opens (the phase times
# out, or negotiation fails) and the password never goes out in clear.
hostile pap-downgrade pap-downgrade server "3 7" 'PPP link negotiation|PPP negotiation failed' 15 "${CHAP[@]}" --timeout 8
rig_check "pap-downgrade: no PAP request reached the gateway" hlog_lacks pap_request
hostile chap-bad-success chap-bad-success server 6 "authenticator response" 15 "${CHAP[@]}"
rig_check "chap-bad-success: no CALL_CONNECTED after a forged Success" hlog_lacks call_connected
hostile chap-oversize chap-oversize-name server 6 'E=691' 15 "${CHAP[@]}"
rig_check "chap-oversize: the valid challenge after the malformed ones was answered" \
    [ "$(hlog_json chap_response 'j["ident_ok"]')" = True ]
hostile eap-8597 eap-8597 server 6 'EAP' 15 "${EAPM[@]}"
hostile eap-tls-huge-length eap-tls-huge-length server "6 7" 'TLS Message Length 4294967295 out of range' 15 "${EAPTLS[@]}"
hostile eap-tls-short-length eap-tls-short-length server "6 7" 'more data than the TLS Message Length' 15 "${EAPTLS[@]}"
hostile eap-tls-bad-flags eap-tls-bad-flags server "6 7" 'TLS Message Length is missing' 15 "${EAPTLS[@]}"
hostile eap-tls-endless eap-tls-endless server "6 7" 'more data than the TLS Message Length' 25 "${EAPTLS[@]}"
hostile up-then-garbage up-then-garbage server "7 8" 'unsupported SSTP version|closed the connection' 30 "${PAP[@]}"

echo "   $N hostile runs"
rig_check "nothing left in the state directory" [ -z "$(ls "$SX_STATE" 2>/dev/null)" ]
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
