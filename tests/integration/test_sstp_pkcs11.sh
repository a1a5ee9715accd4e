#!/bin/bash
# End-to-end: EAP-TLS with the client key on a PKCS#11 token. The rig's EAP-TLS client key and
# certificate go into a SoftHSM2 token made in the rig directory; `sstp connect --cert
# 'pkcs11:token=...;object=...'` (found through p11-kit-proxy, which loads the SoftHSM2 module the
# system registered) reaches the rig, pings the service host, and the PIN (from a file, then from
# standard input with a profile's `cert = pkcs11:...`) shows up in no log, output or command line.
# The VNet-route overlap warning of connect and import, with a veth LAN in the client namespace.
# Also: a wrong PIN, no PIN (exit 9), certstore:/keychain: URIs on Linux (exit 9, what to use
# instead). Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null ||
    rig_skip "softhsm2-util or pkcs11-tool missing (Debian: softhsm2, opensc)"
SOFTHSM=""
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
         /usr/lib64/pkcs11/libsofthsm2.so; do
    [ -r "$m" ] && { SOFTHSM=$m; break; }
done
[ -n "$SOFTHSM" ] || rig_skip "the SoftHSM2 PKCS#11 module is missing"
PROXY_OK=0
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    [ -e "$d/p11-kit-proxy.so" ] && PROXY_OK=1
done
[ "$PROXY_OK" = 1 ] || rig_skip "p11-kit-proxy.so missing (Debian: p11-kit-modules)"

sx_setup
# a local network for the overlap warning: 10.77.1.0/24 on a veth pair inside the client namespace
# (no IPv6 link-local: DAD would change it between snapshots; part of the "before" state)
ip -n "$RIG_NS_CLI" link add p11lan0 type veth peer name p11lan1 &&
    ip -n "$RIG_NS_CLI" link set p11lan0 addrgenmode none &&
    ip -n "$RIG_NS_CLI" link set p11lan1 addrgenmode none &&
    ip -n "$RIG_NS_CLI" addr add 10.77.1.1/24 dev p11lan0 &&
    ip -n "$RIG_NS_CLI" link set p11lan1 up && ip -n "$RIG_NS_CLI" link set p11lan0 up ||
    rig_fatal "could not add the LAN link"
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"

P11USER=p11user
rig_add_cert_user "$P11USER" || rig_fatal "could not add the certificate user"

# the token: its own SoftHSM2 configuration and token directory inside the rig directory
HSM=$RIG_DIR/softhsm
mkdir -p "$HSM/tokens" && chmod 700 "$HSM"
printf '%s\n' "directories.tokendir = $HSM/tokens" "objectstore.backend = file" "log.level = ERROR" \
    > "$HSM/softhsm2.conf"
export SOFTHSM2_CONF=$HSM/softhsm2.conf
TOKEN=sstp-rig-$$
PIN=p11pin-$RANDOM$RANDOM-$$
SO_PIN=p11so-$RANDOM$RANDOM
PINFILE=$HSM/pin
printf '%s\n' "$PIN" > "$PINFILE" && chmod 600 "$PINFILE"
# PINs go to the tools in files/stdin where they take them; softhsm2-util only takes argv, so it
# runs before any sstp process exists and the /proc check below never sees it.
softhsm2-util --init-token --free --label "$TOKEN" --pin "$PIN" --so-pin "$SO_PIN" >/dev/null ||
    rig_fatal "softhsm2-util --init-token failed"
openssl pkcs8 -topk8 -nocrypt -in "$RIG_PKI/$P11USER.key" -out "$HSM/key.p8" 2>/dev/null &&
    softhsm2-util --import "$HSM/key.p8" --token "$TOKEN" --label client --id 01 --pin "$PIN" >/dev/null ||
    rig_fatal "could not put the key on the token"
rm -f "$HSM/key.p8"
openssl x509 -in "$RIG_PKI/$P11USER.crt" -outform DER -out "$HSM/client.der" &&
    pkcs11-tool --module "$SOFTHSM" --token-label "$TOKEN" --login --pin "$PIN" \
        --write-object "$HSM/client.der" --type cert --id 01 --label client >/dev/null 2>&1 ||
    rig_fatal "could not put the certificate on the token"
URI="pkcs11:token=$TOKEN;object=client"

# no PIN in any output, log or state file of ours or the rig's
pin_nowhere() {
    local f
    for f in "$SX_OUT"/* "$RIG_DIR"/logs/* "$SX_STATE"/*; do
        [ -f "$f" ] || continue
        sx_lacks "$f" "$PIN" || { echo "PIN found in $f" >&2; return 1; }
    done
}
# no process's command line holds the PIN while the session runs
pin_not_in_cmdlines() {
    local p
    for p in /proc/[0-9]*/cmdline; do
        { tr '\0' ' ' < "$p"; } 2>/dev/null | grep -qF -- "$PIN" && { echo "PIN in $p" >&2; return 1; }
    done
    return 0
}

# 1. --cert pkcs11:... with the PIN from --cert-password-file, detached (--background forks: the
#    token must be opened in the session's process)
sx p11 connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --cert "$URI" --cert-password-file "$PINFILE" \
    --route "$RIG_HUB_NET" --name p11 --background --json --timeout 30 -v
J=$SX_OUT/p11.out
rig_check "pkcs11: connect exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/p11.err" >&2; rig_dump_logs; }
rig_check "pkcs11: status says EAP-TLS" [ "$(sx_json "$J" 'j["auth"]')" = EAP-TLS ]
rig_check "pkcs11: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "pkcs11: HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
rig_check "pkcs11: the PIN is in no process's command line" pin_not_in_cmdlines
sx p11dc disconnect p11
rig_check "pkcs11: disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "pkcs11: client namespace exactly as before" sx_same_as "$BEFORE"

# 2. a profile with cert = pkcs11:..., the PIN on standard input (no user password to read)
export SSTP_SYSTEM_DIR=$RIG_DIR/profiles
mkdir -p "$SSTP_SYSTEM_DIR/p11prof"
printf '%s\n' "server = $RIG_GW_NAME" "ca = $RIG_PKI/ca.crt" "cert = $URI" "route = $RIG_HUB_NET" \
    "route = 10.77.0.0/16" > "$SSTP_SYSTEM_DIR/p11prof/profile.conf"
printf '%s\n' "$PIN" | sx p11prof connect p11prof --password-stdin --background --json --timeout 30
rig_check "pkcs11 profile, PIN on stdin: connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/p11prof.err" >&2
rig_check "connect warns that the profile's 10.77.0.0/16 overlaps the local 10.77.1.1/24" \
    grep -q "warning: VNet route 10.77.0.0/16 overlaps 10.77.1.1/24 on p11lan0" "$SX_OUT/p11prof.err"
rig_check "pkcs11 profile: ping the service host" sx_ping "$RIG_SVC_IP"
rig_check "pkcs11 profile: the PIN is in no process's command line" pin_not_in_cmdlines
sx p11profdc disconnect p11prof
rig_check "pkcs11 profile: disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "pkcs11 profile: client namespace exactly as before" sx_same_as "$BEFORE"

# the same warning from `sstp import` of the fixture package (VNet 10.0.0.0/16) next to a local
# 10.0.7.0/24 route; the import still succeeds
PKG_ZIP=$(cd "$HERE/.." && pwd)/data/pkg/gw-demo.zip
if [ -f "$PKG_ZIP" ]; then
    ip -n "$RIG_NS_CLI" route add 10.0.7.0/24 dev p11lan0 || rig_fatal "could not add the LAN route"
    sx import import "$PKG_ZIP" --name p11pkg --cert "$URI"
    ip -n "$RIG_NS_CLI" route del 10.0.7.0/24 dev p11lan0
    rig_check "import with an overlapping local route exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/import.err" >&2
    rig_check "import warns that VNet 10.0.0.0/16 overlaps the local route 10.0.7.0/24" \
        grep -q "VNet route 10.0.0.0/16 overlaps 10.0.7.0/24 on p11lan0 (local route)" "$SX_OUT/import.out"
    rig_check "the imported profile keeps the pkcs11: URI" grep -qF "cert = $URI" \
        "$SSTP_SYSTEM_DIR/p11pkg/profile.conf"
fi

# 3. a PIN inside a profile's URI is refused when the profile loads (bad profile: 9)
printf '%s\n' "server = $RIG_GW_NAME" "cert = $URI?pin-value=$PIN" > "$SSTP_SYSTEM_DIR/p11prof/profile.conf"
sx pinuri connect p11prof --timeout 10
rig_check "a PIN in the profile's URI: exit 9" [ "$SX_RC" = 9 ] || cat "$SX_OUT/pinuri.err" >&2
rm -f "$SSTP_SYSTEM_DIR/p11prof/profile.conf"

# 4. a wrong PIN: the token refuses the login before any network change (9)
WRONG=$HSM/wrong-pin
printf 'not-the-pin\n' > "$WRONG" && chmod 600 "$WRONG"
sx wrongpin connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --cert "$URI" --cert-password-file "$WRONG" \
    --route "$RIG_HUB_NET" --timeout 30
rig_check "wrong PIN: exit 9" [ "$SX_RC" = 9 ] || cat "$SX_OUT/wrongpin.err" >&2
rig_check "wrong PIN: the error says the login failed" grep -q "token login failed" "$SX_OUT/wrongpin.err"

# 5. no PIN and no terminal: the token's need for a PIN is explained (9)
sx nopin connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --cert "$URI" --route "$RIG_HUB_NET" \
    --timeout 30 < /dev/null
rig_check "no PIN: exit 9" [ "$SX_RC" = 9 ] || cat "$SX_OUT/nopin.err" >&2
rig_check "no PIN: the error says how to give one" grep -q "cert-password-file" "$SX_OUT/nopin.err"

# 6. keystores this platform does not have: a clear error, exit 9
sx certstore connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" \
    --cert 'certstore:CurrentUser/My?thumbprint=00' --timeout 10
rig_check "certstore: exit 9" [ "$SX_RC" = 9 ] || cat "$SX_OUT/certstore.err" >&2
rig_check "certstore: the platform key store says what to use instead" grep -q "certstore:.*pkcs11:" \
    "$SX_OUT/certstore.err"
sx keychain connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --cert 'keychain:client' --timeout 10
rig_check "keychain: exit 9" [ "$SX_RC" = 9 ] || cat "$SX_OUT/keychain.err" >&2
rig_check "keychain: 'not supported on this platform'" grep -q "not supported on this platform" \
    "$SX_OUT/keychain.err"

rig_check "the PIN is in no output, log or state file" pin_nowhere
rig_check "client namespace exactly as before at the end" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
