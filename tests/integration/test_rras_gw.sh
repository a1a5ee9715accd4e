#!/bin/bash
# End-to-end against the servers people run: the RRAS/NPS-faithful and MikroTik-faithful test gateway
# (rras_gw.py) with FreeRADIUS as NPS, which VERIFIES the SSTP crypto binding with the MSK from
# RADIUS (SoftEther never does). Each case connects today's sstp with one method, moves traffic to
# the service host behind the gateway and checks the gateway's verdict on the binding.
#
# Two parts, so that each stays well under 2 minutes (ctest shows them separately):
#   RGW_PART=core (default, this file): RRAS MS-CHAPv2, EAP-MSCHAPv2, EAP-TLS, PAP only (allowed and
#       not allowed by the profile); MikroTik PAP,
#       MS-CHAPv2 and an outer-TLS client certificate; SSTP hello; wrong password; binding mismatch;
#       CALL_CONNECTED before any NCP frame.
#   RGW_PART=eap (test_rras_gw_eap.sh, cases in rras_gw_pending.sh): EAP-TLS with a 3-level RSA-4096
#       chain at MRU 4091, EAP-TLS identity = the certificate's UPN, EAP identifiers reused by the
#       server, SSTP echo answered but LCP echo not (45 s hold).
#   RGW_PART=peap (test_rras_gw_peap.sh, cases in rras_gw_pending.sh): PEAPv0/EAP-MSCHAPv2 through
#       FreeRADIUS (and a wrong PEAP password), NPS PEAP with cryptobinding required (and a wrong
#       MAC either way).
# RGW_SOAK=1 adds a hold of RGW_SOAK_SECS (150) with traffic every 10 s; RGW_SOAK_ONLY=1 runs only
# that (ctest -L soak runs it for 600 s; not in CI).
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=lib/rras.sh
. "$HERE/lib/rras.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

RGW_PART=${RGW_PART:-core}
part() { [ "${RGW_SOAK_ONLY:-0}" != 1 ] && [ "$RGW_PART" = "$1" ]; }   # part core|eap|peap

rgw_require
[ -x "$SSTP_BIN" ] || rig_skip "sstp binary not found at $SSTP_BIN (set SSTP_BIN or SSTP_BUILD_DIR)"
rgw_up
rig_check "gateway self-test (MS-SSTP binding vectors, RFC 2548 keys, malformed input)" \
    python3 "$HERE/rras_selftest.py"
SX_STATE=$RIG_DIR/sstp-state
SX_PW=$RIG_DIR/sstp-password
SX_OUT=$RIG_DIR/sstp-out
mkdir -p "$SX_OUT"
printf '%s\n' "$RIG_PASS" > "$SX_PW" && chmod 600 "$SX_PW"
printf 'not-%s\n' "$RIG_PASS" > "$RIG_DIR/wrong-pw" && chmod 600 "$RIG_DIR/wrong-pw"
rig_on_down "sx_disconnect_all"
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
rig_add_cert_user() { :; }   # not SoftEther: FreeRADIUS takes any certificate of the rig CA
rig_pki_issue certuser client certuser || rig_fatal "client certificate"

rgw_start rras-eap 8443 --auth eap || rig_fatal "gateway"
if part core; then
    rgw_start rras-chap 443 --auth mschapv2 || rig_fatal "gateway"
    rgw_start mikrotik 8444 --variant mikrotik --auth pap,mschapv2 || rig_fatal "gateway"
    rgw_start rras-badnonce 8445 --auth mschapv2 --corrupt-nonce || rig_fatal "gateway"
    rgw_start rras-pap 8454 --auth pap || rig_fatal "gateway"
fi

COMMON=(--ca "$RIG_PKI/ca.crt" --route "$RIG_HUB_NET" --no-ipv6 --no-dns --timeout 40)
PWARGS=(--user "$RIG_USER" --password-file "$SX_PW")

# gw_log NAME: the log of a gateway instance since the last call of `mark NAME`
mark() { wc -c < "$RIG_DIR/logs/$1.log" > "$RIG_DIR/mark-$1"; }
since() { tail -c +$(( $(cat "$RIG_DIR/mark-$1") + 1 )) "$RIG_DIR/logs/$1.log"; }
has() { since "$1" | grep -q -- "$2"; }

# up_case LABEL GW PORT METHOD-DESC ARGS...: connect, traffic, binding verdict, disconnect, clean
up_case() {
    local label=$1 gw=$2 port=$3 desc=$4; shift 4
    mark "$gw"
    sx "$label" connect "$RIG_GW_NAME:$port" "${COMMON[@]}" "$@" --name "$label" --background --json
    if ! rig_check "$desc: connect exits 0" [ "$SX_RC" = 0 ]; then
        cat "$SX_OUT/$label.err" >&2; since "$gw" >&2; tail -30 "$RIG_DIR/logs/radius.log" >&2
        return 1
    fi
    rig_check "$desc: the gateway verified nonce, certificate hash and compound MAC" \
        rig_wait 10 "binding verdict" has "$gw" "binding ok (SHA-256"
    rig_check "$desc: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP" 15
    rig_check "$desc: 1 MiB over HTTP intact" sx_blob_ok
    sx "$label-dc" disconnect "$label"
    rig_check "$desc: disconnect exits 0" [ "$SX_RC" = 0 ]
    rig_check "$desc: the gateway saw the call end" rig_wait 10 "call end" has "$gw" "ended:"
    rig_check "$desc: client namespace as before" sx_same_as "$BEFORE"
}

if part core; then   # RGW_SOAK_ONLY=1: the soak alone (ctest label soak)
# ---- RRAS/NPS, MS-CHAPv2 ------------------------------------------------------------------------
up_case chap rras-chap 443 "RRAS MS-CHAPv2" "${PWARGS[@]}" --auth mschapv2
rig_check "RRAS: client rejected Callback, MRRU and Endpoint Discriminator" has rras-chap "LCP-rejected 13,17,19"
rig_check "RRAS: client Protocol-Rejected CCP" has rras-chap "client-protocol-rejected-CCP"
rig_check "RRAS: client Protocol-Rejected BACP" has rras-chap "client-protocol-rejected-BACP"
rig_check "RRAS: no data frame before CALL_CONNECTED" sh -c "! grep -q data-before-CALL_CONNECTED '$RIG_DIR/logs/rras-chap.log'"

# ---- RRAS/NPS, EAP-MSCHAPv2 (the HLAK checked against FreeRADIUS's MS-MPPE keys) ----------------
up_case eapms rras-eap 8443 "RRAS EAP-MSCHAPv2" "${PWARGS[@]}" --auth eap-mschapv2

# ---- RRAS/NPS, EAP-TLS with a one-level chain ------------------------------------------------------
up_case eaptls rras-eap 8443 "RRAS EAP-TLS" --cert "$RIG_PKI/certuser.crt" --key "$RIG_PKI/certuser.key" --auth eap-tls

# ---- MikroTik, PAP (TLS 1.2 only, PAP Ack with trailing bytes, zero HLAK) -------------------------
up_case pap mikrotik 8444 "MikroTik PAP" "${PWARGS[@]}" --auth pap
rig_check "MikroTik: TLS 1.2 was used" has mikrotik "TLS TLSv1.2"
up_case mtchap mikrotik 8444 "MikroTik MS-CHAPv2" "${PWARGS[@]}" --auth mschapv2

# ---- RRAS offering PAP only: connects when the profile allows PAP, a sentence otherwise ---------------
up_case rraspap rras-pap 8454 "RRAS PAP only, --auth pap" "${PWARGS[@]}" --auth pap
mark rras-pap
sx rraspapno connect "$RIG_GW_NAME:8454" "${COMMON[@]}" "${PWARGS[@]}" --auth mschapv2 --name rraspapno
rig_check "RRAS PAP only, profile without PAP: exit 6 (exit $SX_RC)" [ "$SX_RC" = 6 ] || cat "$SX_OUT/rraspapno.err" >&2
rig_check "RRAS PAP only, profile without PAP: sstp names PAP and --auth pap" \
    grep -q "the server asks for PAP.*--auth pap allows it" "$SX_OUT/rraspapno.err"
rig_check "RRAS PAP only: the gateway saw the client refuse PAP" has rras-pap "client-nak-auth-mschapv2"
rig_check "client namespace as before" sx_same_as "$BEFORE"

# ---- the gateway's SSTP hello (ECHO_REQUEST after idle) is answered; the call holds ------------------
rgw_start rras-hello 8449 --auth mschapv2 --hello 4 --hold 15 || rig_fatal "gateway"
mark rras-hello
sx hello connect "$RIG_GW_NAME:8449" "${COMMON[@]}" "${PWARGS[@]}" --auth mschapv2 --name hello --background --json
rig_check "hello: connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/hello.err" >&2
rig_check "hello: the client answered the gateway's SSTP echo" rig_wait 30 "echo" has rras-hello "answered our SSTP ECHO"
rig_check "hello: the call held 15 s" rig_wait 40 "hold" has rras-hello "held 15 s"
rig_check "hello: ping through the tunnel" sx_ping "$RIG_SVC_IP" 10
sx hello-dc disconnect hello
rig_check "client namespace as before" sx_same_as "$BEFORE"

# ---- a wrong password exits 6 ------------------------------------------------------------------------
mark rras-chap
sx wrongpw connect "$RIG_GW_NAME:443" "${COMMON[@]}" --user "$RIG_USER" --password-file "$RIG_DIR/wrong-pw" \
    --auth mschapv2 --name wrongpw
rig_check "wrong password: exit 6 (exit $SX_RC)" [ "$SX_RC" = 6 ] || cat "$SX_OUT/wrongpw.err" >&2
rig_check "wrong password: NPS (FreeRADIUS) rejected it" has rras-chap "Access-Reject (MS-CHAPv2: E=691"
rig_check "client namespace as before" sx_same_as "$BEFORE"

# ---- a binding the gateway does not accept is refused, never hangs ---------------------------------
mark rras-badnonce
T0=$(sx_ms)
sx badnonce connect "$RIG_GW_NAME:8445" "${COMMON[@]}" "${PWARGS[@]}" --auth mschapv2 --name badnonce
rig_check "binding mismatch: connect fails with exit 7 (exit $SX_RC)" [ "$SX_RC" = 7 ] || cat "$SX_OUT/badnonce.err" >&2
rig_check "binding mismatch: the gateway aborted the call" has rras-badnonce "binding MISMATCH: nonce differs"
rig_log "binding mismatch refused after $(( $(sx_ms) - T0 )) ms"
rig_check "client namespace as before" sx_same_as "$BEFORE"

fi

. "$HERE/rras_gw_pending.sh"

rig_check "no gateway bug in any call" sh -c "! grep -q 'GATEWAY BUG' '$RIG_DIR'/logs/*.log"
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
