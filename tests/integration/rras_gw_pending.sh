# shellcheck shell=bash
# Sourced by test_rras_gw.sh: cases against the faithful gateways that today's client fails, each
# behind its flag (see the head of test_rras_gw.sh), and the checks around them that pass today.

# ---- EAP-TLS with a three-level RSA-4096 chain at MRU 4091 (client flight over 5 KB) ---------------
# Fails today: ppp/eap_tls.c sizes fragments from the peer MRU (4091), the frame exceeds the SSTP
# limit and is dropped; waits for the frame clamp (information field <= 4087).
if pending BIGCHAIN; then
    big_issue() {   # big_issue NAME CN ISSUER CA|leaf
        local ext=$RIG_PKI/$1.ext
        if [ "$4" = CA ]; then
            printf '%s\n' "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign" > "$ext"
        else
            printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
                "extendedKeyUsage=clientAuth" "subjectAltName=otherName:1.3.6.1.4.1.311.20.2.3;UTF8:$2@rig.test" > "$ext"
        fi
        openssl req -newkey rsa:4096 -nodes -subj "/CN=$2" -keyout "$RIG_PKI/$1.key" -out "$RIG_PKI/$1.csr" 2>/dev/null &&
        openssl x509 -req -sha256 -days 30 -in "$RIG_PKI/$1.csr" -CA "$RIG_PKI/$3.crt" -CAkey "$RIG_PKI/$3.key" \
            -CAcreateserial -extfile "$ext" -out "$RIG_PKI/$1.crt" 2>/dev/null
    }
    big_issue int1 "rig intermediate 1" ca CA && big_issue int2 "rig intermediate 2" int1 CA &&
        big_issue bigcert bigcert int2 leaf || rig_fatal "big chain"
    cat "$RIG_PKI/bigcert.crt" "$RIG_PKI/int2.crt" "$RIG_PKI/int1.crt" > "$RIG_PKI/bigchain.pem"
    rig_log "client chain: $(openssl crl2pkcs7 -nocrl -certfile "$RIG_PKI/bigchain.pem" -outform DER | wc -c) bytes of DER"
    up_case bigchain rras-eap 8443 "RRAS EAP-TLS, 3-level RSA-4096 chain, MRU 4091" \
        --cert "$RIG_PKI/bigchain.pem" --key "$RIG_PKI/bigcert.key" --auth eap-tls
fi

# ---- PEAPv0 / EAP-MSCHAPv2 (NPS policy "PEAP only"; FreeRADIUS offers PEAP to this user) ----------
# Fails today: no PEAP (EAP type 25) in the client; waits for PEAP with the MS-SSTP HLAK.
if pending PEAP; then
    up_case peap rras-eap 8443 "RRAS PEAP-MSCHAPv2" --user "$RGW_PEAP_USER" --password-file "$SX_PW" \
        --auth "${RGW_PEAP_AUTH:-peap}"
    mark rras-eap
    # shellcheck disable=SC2086
    sx peapbad connect "$RIG_GW_NAME:8443" $COMMON --user "$RGW_PEAP_USER" --password-file "$RIG_DIR/wrong-pw" \
        --auth "${RGW_PEAP_AUTH:-peap}" --name peapbad
    rig_check "wrong PEAP password: exit 6 (exit $SX_RC)" [ "$SX_RC" = 6 ] || cat "$SX_OUT/peapbad.err" >&2
    rig_check "wrong PEAP password: NPS (FreeRADIUS) rejected it" has rras-eap "Access-Reject (EAP)"
    rig_check "client namespace as before" sx_same_as "$BEFORE"
fi

# ---- MikroTik with verify-client-certificate=yes ------------------------------------------------------
rgw_start mikrotik-cert 8446 --variant mikrotik --auth mschapv2,pap --client-ca "$RIG_PKI/ca.crt" || rig_fatal "gateway"
mark mikrotik-cert
# shellcheck disable=SC2086
sx nocert connect "$RIG_GW_NAME:8446" $COMMON $PWARGS --auth mschapv2 --name nocert
rig_check "MikroTik requiring a client certificate: a client without one fails (exit $SX_RC)" [ "$SX_RC" != 0 ]
rig_check "MikroTik requiring a client certificate: the gateway refused the TLS handshake" \
    has mikrotik-cert "TLS handshake failed"
rig_check "client namespace as before" sx_same_as "$BEFORE"
# Fails today: no client certificate on the outer TLS; waits for --tls-cert/--tls-key.
if pending TLSCERT; then
    up_case mtcert mikrotik-cert 8446 "MikroTik, client certificate on the outer TLS" $PWARGS --auth mschapv2 \
        --tls-cert "$RIG_PKI/certuser.crt" --tls-key "$RIG_PKI/certuser.key"
    rig_check "MikroTik: the gateway saw the client certificate" has mikrotik-cert "client certificate: CN=certuser"
fi

# ---- a server that reuses EAP identifiers -------------------------------------------------------------
# Fails today: a repeated EAP Identifier is always taken as a retransmission; waits for duplicate
# detection by identifier and content.
if pending EAPID; then
    rgw_start rras-eapid 8447 --auth eap --reuse-eap-id || rig_fatal "gateway"
    up_case eapid rras-eapid 8447 "RRAS reusing EAP identifiers, EAP-MSCHAPv2" $PWARGS --auth eap-mschapv2
fi

# ---- SSTP echo answered, LCP echo not: the session must stay up -----------------------------------
# Fails today: the client gives up after 4 unanswered LCP Echo-Requests (~20-25 s) although the
# SSTP layer answers; waits for the liveness rework (LCP echo backed off / SSTP echo counted).
if pending LCPECHO; then
    rgw_start rras-noecho 8448 --auth mschapv2 --no-lcp-echo --hello 10 --hold 45 || rig_fatal "gateway"
    mark rras-noecho
    # shellcheck disable=SC2086
    sx noecho connect "$RIG_GW_NAME:8448" $COMMON $PWARGS --auth mschapv2 --name noecho --background --json
    rig_check "no LCP echo: connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/noecho.err" >&2
    rig_check "no LCP echo: the gateway held the call 45 s" rig_wait 70 "hold" has rras-noecho "held 45 s"
    rig_check "no LCP echo: the session is still up" _sx_state_is noecho connected
    rig_check "no LCP echo: ping through the tunnel" sx_ping "$RIG_SVC_IP" 10
    sx noecho-dc disconnect noecho
    rig_check "client namespace as before" sx_same_as "$BEFORE"
fi
