#!/bin/bash
# End-to-end: certificate authentication the way Azure P2S does it (EAP-TLS inside PPP). The rig's
# SoftEther hub trusts the real P2S root of the fixture package (CAAdd) and has a "signed" user
# for CN=$AZ_USER; the client certificate is issued from that root's key. The gateway is reached
# under the package's host name (mapped to the rig's gateway in the client namespace, and in the
# server certificate's SANs), after `sstp import` of the real package with the rig CA given by --ca.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/.." && pwd)/data
PKG_ZIP=${SSTP_AZURE_PACKAGE:-$DATA/pkg/gw-demo.zip}      # the real package (pkg tests keep it)
P2S_KEY=${SSTP_AZURE_ROOT_KEY:-$DATA/session/azure-p2s-root-key.pem}   # its P2S root's key
AZ_HOST=azuregateway-eb180077-da16-41b1-aeb5-5ee425b85e57-586939d8f69b.vpn.azure.com
AZ_USER=azclient
export RIG_GW_SANS="DNS:$AZ_HOST"
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

[ -f "$PKG_ZIP" ] && [ -f "$P2S_KEY" ] || rig_skip "fixture package or P2S root key not found"
sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"

# The fixture's P2S root certificate expired on 2025-08-23: the rig renews it (same key, same
# subject, fresh dates) and issues $AZ/client.{crt,key} for CN=$AZ_USER from it, which the hub
# accepts; the package's gateway name resolves to the rig's gateway.
rig_eaptls_azure "$P2S_KEY" "$AZ_USER" "$AZ_HOST" || rig_fatal "could not prepare EAP-TLS"
AZ=$RIG_DIR/azure

export SSTP_SYSTEM_DIR=$RIG_DIR/profiles
timeout 60 "$SSTP_BIN" import "$PKG_ZIP" --name azure --cert "$AZ/client.crt" --key "$AZ/client.key" \
    --ca "$RIG_PKI/ca.crt" > "$SX_OUT/import.out" 2> "$SX_OUT/import.err"
RC=$?
rig_check "import of the real package exits 0" [ "$RC" = 0 ] || cat "$SX_OUT/import.err" >&2
rig_check "the profile names the package's gateway" grep -q "$AZ_HOST" "$SSTP_SYSTEM_DIR/azure/profile.conf"

sx conn connect azure --route "$RIG_HUB_NET" --background --json --timeout 30 -vv
J=$SX_OUT/conn.out
rig_check "EAP-TLS -vv: EAP frames are traced" grep -q "PPP in: protocol 0xc227 code .*(contents not shown)" "$SX_OUT/conn.err"
rig_check "EAP-TLS -vv: no EAP frame is dumped in hex" sh -c "! grep -Eq '^.*  0000  (ff 03 )?c2 27' '$SX_OUT/conn.err'"
rig_check "EAP-TLS -vv: other PPP frames are dumped (the search covered them)" grep -Eq '  0000  (ff 03 )?c0 21' "$SX_OUT/conn.err"
rig_check "EAP-TLS: connect exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/conn.err" >&2; rig_dump_logs; }
rig_check "EAP-TLS: status says EAP-TLS" [ "$(sx_json "$J" 'j["auth"]')" = EAP-TLS ]
rig_check "EAP-TLS: connected to the package's gateway name" [ "$(sx_json "$J" 'j["server"]')" = "$AZ_HOST" ]
rig_check "EAP-TLS: address from the hub's pool" sx_in_pool "$(sx_json "$J" 'j["ipv4"]["local"]')"
rig_check "EAP-TLS: the package's VNet route is installed" \
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["routes"]; sys.exit(not ("10.0.0.0/16" in r and sys.argv[2] in r))' "$J" "$RIG_HUB_NET"
rig_check "EAP-TLS: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "EAP-TLS: HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
sx dc disconnect azure
rig_check "EAP-TLS: disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "EAP-TLS: client namespace exactly as before" sx_same_as "$BEFORE"

# a certificate from another root is refused by the gateway: authentication (6)
rig_pki_issue stranger client "$AZ_USER"
sx wrongcert connect azure --cert "$RIG_PKI/stranger.crt" --key "$RIG_PKI/stranger.key" --timeout 30
rig_check "EAP-TLS with a certificate from another root: exit 6" [ "$SX_RC" = 6 ] || cat "$SX_OUT/wrongcert.err" >&2
rig_check "EAP-TLS refused: client namespace exactly as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
