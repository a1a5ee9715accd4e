#!/bin/bash
# End-to-end: a profile with `script = /usr/share/vpnc-scripts/vpnc-script` (Debian's vpnc-scripts,
# unchanged) and `up` / `down` commands, connected to the rig's SoftEther gateway. sstp only
# creates the TUN; the address, the routes (the profile's split route and the pinned gateway)
# and the resolver entries (the profile's dns and dns-domain) are the script's, and must be what
# the profile asks for; traffic flows; `up` saw the vpnc environment; disconnect runs `down` and
# the script's disconnect, and the client namespace is exactly as before. sstp runs in a mount
# namespace of its own: vpnc-script's /etc/resolv.conf is the rig's private bind mount
# (/etc/netns/<ns>/resolv.conf) and its /var/run/vpnc a private tmpfs, so the host is untouched.
# Then a rasphone.pbk entry and a NetworkManager-sstp keyfile, written as Windows and
# NetworkManager write them, import to profiles that connect.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

VPNC_SCRIPT=/usr/share/vpnc-scripts/vpnc-script
[ -x "$VPNC_SCRIPT" ] || rig_skip "$VPNC_SCRIPT missing (Debian package vpnc-scripts)"
command -v unshare >/dev/null || rig_skip "unshare (util-linux) missing"

sx_setup
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
DNS_IP=10.232.0.53
PROF=$RIG_DIR/profiles/scr
mkdir -p "$PROF"
cat > "$PROF/profile.conf" <<EOF
server = $RIG_GW_NAME
ca = $RIG_PKI/ca.crt
user = $RIG_USER
password-file = $SX_PW
route = $RIG_HUB_NET
dns = $DNS_IP
dns-domain = corp.rig.test
script = $VPNC_SCRIPT
up = echo "up \$reason \$TUNDEV \$INTERNAL_IP4_ADDRESS \$VPNGATEWAY \$CISCO_SPLIT_INC" > $RIG_DIR/up.txt
down = echo "down \$reason \$TUNDEV" > $RIG_DIR/down.txt
EOF

# sxp LABEL ARGS...: like sx, inside a private mount namespace with /run on a tmpfs of its own
sxp() {
    local label=$1; shift
    timeout 120 ip netns exec "$RIG_NS_CLI" unshare -m --propagation private \
        sh -c 'mount -t tmpfs sstp-test-run /run && exec "$@"' sh \
        "$SSTP_BIN" "$@" --state-dir "$SX_STATE" > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    return 0
}

sxp conn connect "$PROF" --name scr --background --json -v
rig_check "connect with the vpnc-script exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/conn.err" >&2; rig_dump_logs; }
sx st status scr --json
J=$SX_OUT/st.out
ADDR=$(sx_json "$J" 'j["ipv4"]["local"]')
IFACE=$(sx_json "$J" 'j["interface"]')
PID=$(sx_json "$J" 'j["pid"]')
echo "   scr: $IFACE $ADDR, pid $PID"
rig_check "address $ADDR from the hub's pool" sx_in_pool "$ADDR"
rig_check "connect --json matches doc/json.md" python3 "$HERE/json_check.py" "$HERE/../../doc/json.md" connect "$SX_OUT/conn.out" || cat "$SX_OUT/conn.out" >&2
rig_check "status --json matches doc/json.md" python3 "$HERE/json_check.py" "$HERE/../../doc/json.md" status "$J"
rig_check "the script put $ADDR on $IFACE" \
    rig_ns_exec cli sh -c "ip -o -4 addr show dev '$IFACE' | grep -qF ' $ADDR'"
rig_check "the script routed $RIG_HUB_NET through $IFACE" \
    rig_ns_exec cli sh -c "ip -4 route show '$RIG_HUB_NET' | grep -q 'dev $IFACE'"
rig_check "the script pinned the gateway $RIG_GW_IP outside the tunnel" \
    rig_ns_exec cli sh -c "ip -4 route show '$RIG_GW_IP' | grep -qv 'dev $IFACE'"
rig_check "no default route through the tunnel (split tunnel)" \
    rig_ns_exec cli sh -c "! ip -4 route show default | grep -q 'dev $IFACE'"
RC=/etc/netns/$RIG_NS_CLI/resolv.conf
rig_check "resolver: nameserver $DNS_IP from the profile" grep -qx "nameserver $DNS_IP" "$RC"
rig_check "resolver: search domain corp.rig.test from the profile" grep -q "^search .*corp.rig.test" "$RC"
rig_check "host /etc/resolv.conf untouched" sx_lacks /etc/resolv.conf "$DNS_IP"
rig_check "up ran with the vpnc environment" \
    rig_wait 10 "up.txt" grep -qx "up connect $IFACE $ADDR $RIG_GW_IP 1" "$RIG_DIR/up.txt"
rig_check "ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
sx dc disconnect scr
rig_check "disconnect exits 0" [ "$SX_RC" = 0 ]
rig_check "session process gone" rig_wait 10 "pid $PID to exit" sh -c "! kill -0 $PID"
rig_check "down ran before the tunnel went" grep -qx "down disconnect $IFACE" "$RIG_DIR/down.txt"
rig_check "client namespace (routes, addresses, resolv.conf) exactly as before" sx_same_as "$BEFORE"

# a script that fails ends the connection attempt (exit 1) and leaves nothing behind
printf '#!/bin/sh\n[ "$reason" = connect ] && exit 3\nexit 0\n' > "$RIG_DIR/failing-script"
chmod 755 "$RIG_DIR/failing-script"
# shellcheck disable=SC2046
sxp bad connect $(sx_gw_args) --script "$RIG_DIR/failing-script" --name bad --timeout 30
rig_check "failing script: exit 1" [ "$SX_RC" = 1 ] || cat "$SX_OUT/bad.err" >&2
rig_check "failing script: says so" grep -q "the script $RIG_DIR/failing-script failed" "$SX_OUT/bad.err"
rig_check "failing script: client namespace as before" sx_same_as "$BEFORE"

# ---- profiles imported from a Windows phonebook entry and a NetworkManager-sstp keyfile ------
# written the way Windows (UTF-16LE with a byte order mark, CRLF) and NetworkManager write them
IMP=$RIG_DIR/imported
{
    printf '[Rig SSTP]\r\nEncoding=1\r\nPBVersion=8\r\nType=2\r\nVpnStrategy=5\r\n'
    printf 'ExcludedProtocols=8\r\nIpPrioritizeRemote=0\r\nIpDnsAddress=0.0.0.0\r\n\r\n'
    printf 'MEDIA=rastapi\r\nPort=VPN2-0\r\nDevice=WAN Miniport (SSTP)\r\n\r\n'
    printf 'DEVICE=vpn\r\nPhoneNumber=%s\r\nAreaCode=\r\nCountryCode=0\r\n' "$RIG_GW_NAME"
} | iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } > "$RIG_DIR/rasphone.pbk"
cat > "$RIG_DIR/rig.nmconnection" <<EOF
[connection]
id=rig nm
uuid=3b0d9a52-6a57-4a8e-9a53-1f3c0e0d2a77
type=vpn
autoconnect=false

[vpn]
ca-cert=$RIG_PKI/ca.crt
connection-type=password
gateway=$RIG_GW_NAME
password-flags=1
refuse-eap=yes
user=$RIG_USER
service-type=org.freedesktop.NetworkManager.sstp

[vpn-secrets]
password=$RIG_PASS

[ipv4]
method=auto
never-default=true
route1=$RIG_HUB_NET

[ipv6]
addr-gen-mode=stable-privacy
method=ignore
EOF
SSTP_SYSTEM_DIR=$IMP "$SSTP_BIN" import "$RIG_DIR/rasphone.pbk" --name frompbk --user "$RIG_USER" \
    --ca "$RIG_PKI/ca.crt" > "$SX_OUT/imp1.out" 2>&1
rig_check "import rasphone.pbk exits 0" [ $? = 0 ] || cat "$SX_OUT/imp1.out" >&2
SSTP_SYSTEM_DIR=$IMP "$SSTP_BIN" import "$RIG_DIR/rig.nmconnection" > "$SX_OUT/imp2.out" 2>&1
rig_check "import .nmconnection exits 0" [ $? = 0 ] || cat "$SX_OUT/imp2.out" >&2
rig_check "the keyfile's password is not in the profile" sx_lacks "$IMP/rig-nm/profile.conf" "$RIG_PASS"
rig_check "the keyfile's route is in the profile" grep -qx "route = $RIG_HUB_NET" "$IMP/rig-nm/profile.conf"
for prof in frompbk rig-nm; do
    # a phonebook entry names no routes (Windows keeps them elsewhere): the test adds the hub's
    extra=(); [ "$prof" = frompbk ] && extra=(--route "$RIG_HUB_NET")
    sx "c-$prof" connect "$IMP/$prof" --password-file "$SX_PW" "${extra[@]}" --name "$prof" --background --timeout 60
    rig_check "$prof: connects to the rig" [ "$SX_RC" = 0 ] || cat "$SX_OUT/c-$prof.err" >&2
    rig_check "$prof: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
    sx "d-$prof" disconnect "$prof"
    rig_check "$prof: disconnect exits 0" [ "$SX_RC" = 0 ]
done
rig_check "after the imported profiles: client namespace as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
