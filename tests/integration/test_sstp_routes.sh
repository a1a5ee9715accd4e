#!/bin/bash
# The route set of a real-shaped package against the rig's SoftEther gateway (issue 22).
# 1. An Azure package (Generic/VpnSettings.xml made here) whose Routes equal the client pool
#    (10.232.0.0/24, which is also the hub's network), name it twice and nest a /25 in it, used
#    with --route for the same /24: the connect succeeds, traffic flows, `status --json` lists
#    each route once with its sources (and the gateway pin), and after disconnect
#    `ip route show table all` and `ip -6 route show table all` are byte for byte as before.
# 2. A LAN route equal to the VNet route, with the tunnel's metric, on another interface: the
#    connect succeeds with a warning naming both routes; prefer-tunnel (the default) installs the
#    tunnel's route with a lower metric and traffic goes through the tunnel; --route-conflict skip
#    leaves the tunnel's route out (the LAN keeps that traffic). The LAN route stays untouched.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

sx_setup
GWA="--ca $RIG_PKI/ca.crt --user $RIG_USER --password-file $SX_PW"

routes_raw() { # both families, all tables, exactly as ip prints them
    ip -n "$RIG_NS_CLI" route show table all
    echo ---
    ip -n "$RIG_NS_CLI" -6 route show table all
}

# ---- the package -----------------------------------------------------------------------------
PKG=$RIG_DIR/routes-pkg.zip
python3 - "$PKG" "$RIG_GW_NAME" "$RIG_PKI/ca.crt" "$RIG_HUB_NET" <<'EOF' || rig_fatal "cannot build the package"
import base64, ssl, sys, zipfile
out, host, ca, net = sys.argv[1:]
der = ssl.PEM_cert_to_DER_cert(open(ca).read())
half = net.replace("/24", "/25")
xml = f"""<?xml version="1.0"?>
<VpnProfile>
  <VpnServer>{host}</VpnServer>
  <VpnType>SSTP</VpnType>
  <CaCert>{base64.b64encode(der).decode()}</CaCert>
  <Routes>{net} {net} {half}</Routes>
  <VnetName>vnet-routes</VnetName>
  <VpnClientAddressPool>{net}</VpnClientAddressPool>
</VpnProfile>
"""
with zipfile.ZipFile(out, "w") as z:
    z.writestr("Generic/VpnSettings.xml", xml)
EOF

sx_snapshot > "$RIG_DIR/snapshot.before"
routes_raw > "$RIG_DIR/routes.before"

# shellcheck disable=SC2086
sx pkg connect --package "$PKG" $GWA --route "$RIG_HUB_NET" --name rs --background --json -vv
rig_check "package: Routes = pool, twice, a nested /25, and --route: connect exits 0" [ "$SX_RC" = 0 ] \
    || { cat "$SX_OUT/pkg.err" >&2; rig_dump_logs; }
sx st1 status rs --json
J=$SX_OUT/st1.out
rig_check "package: state connected" [ "$(sx_json "$J" 'j["state"]')" = connected ]
rig_check "package: routes lists the /24 once" [ "$(sx_json "$J" '",".join(j["routes"])')" = "$RIG_HUB_NET" ]
rig_check "package: the /24 with all its sources, then the pin" \
    [ "$(sx_json "$J" '";".join(r["route"]+"="+",".join(r["sources"]) for r in j["route_sources"])')" = \
      "$RIG_HUB_NET=package,pool,option;$RIG_GW_IP/32=pin" ]
rig_check "package: one route to $RIG_HUB_NET in the table (ours)" \
    [ "$(ip -n "$RIG_NS_CLI" route show "$RIG_HUB_NET" | grep -c 'proto 83')" = 1 ]
rig_check "package: no route for the nested /25" \
    [ -z "$(ip -n "$RIG_NS_CLI" route show "${RIG_HUB_NET%/24}/25")" ]
rig_check "package: text status shows the sources" \
    grep -qF "$RIG_HUB_NET (package,pool,option)" <(rig_ns_exec cli "$SSTP_BIN" status rs --state-dir "$SX_STATE")
rig_check "package: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "package: HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
rig_check "package: no conflict warning" sx_lacks "$SX_OUT/pkg.err" "route conflict"
sx dc1 disconnect rs
rig_check "package: disconnect exits 0" [ "$SX_RC" = 0 ]
rig_wait 5 "session rs to end" sh -c "! ls '$SX_STATE/rs.journal' 2>/dev/null" >/dev/null
rig_check "package: client namespace as before" sx_same_as "$RIG_DIR/snapshot.before"
routes_raw > "$RIG_DIR/routes.after"
rig_check "package: ip route / ip -6 route show table all byte for byte as before" \
    cmp "$RIG_DIR/routes.before" "$RIG_DIR/routes.after" || diff -u "$RIG_DIR/routes.before" "$RIG_DIR/routes.after" >&2

# ---- a LAN route equal to the VNet route ------------------------------------------------------
rig_ns_exec cli ip link add lan0 type veth peer name lan0p || rig_fatal "veth lan0"
rig_ns_exec cli ip link set lan0 up
rig_ns_exec cli ip link set lan0p up
rig_ns_exec cli ip route add "$RIG_HUB_NET" dev lan0 metric 50 || rig_fatal "LAN route"
LAN_ROUTE=$(ip -n "$RIG_NS_CLI" route show "$RIG_HUB_NET" dev lan0)
sx_snapshot > "$RIG_DIR/snapshot.lan"
routes_raw > "$RIG_DIR/routes.lan"

# shellcheck disable=SC2086
sx pt connect $RIG_GW_NAME $GWA --route "$RIG_HUB_NET" --name lan1 --background --json
rig_check "prefer-tunnel (default): connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/pt.err" >&2
rig_check "prefer-tunnel: the warning names both routes" \
    grep -qE "route conflict: $RIG_HUB_NET .* and $RIG_HUB_NET dev lan0 metric 50 .*metric 49" "$SX_OUT/pt.err"
IFACE=$(sx_json "$SX_OUT/pt.out" 'j["interface"]')
rig_check "prefer-tunnel: the tunnel's route has metric 49 on $IFACE" \
    sh -c "ip -n $RIG_NS_CLI route show $RIG_HUB_NET | grep -q 'dev $IFACE proto 83 .*metric 49'"
rig_check "prefer-tunnel: the LAN route is untouched" \
    [ "$(ip -n "$RIG_NS_CLI" route show "$RIG_HUB_NET" dev lan0)" = "$LAN_ROUTE" ]
rig_check "prefer-tunnel: the service host is reached through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "prefer-tunnel: status lists the route once" \
    [ "$(sx_json "$SX_OUT/pt.out" '",".join(j["routes"])')" = "$RIG_HUB_NET" ]
sx dc2 disconnect lan1
rig_check "prefer-tunnel: disconnect exits 0" [ "$SX_RC" = 0 ]
rig_wait 5 "session lan1 to end" sh -c "! ls '$SX_STATE/lan1.journal' 2>/dev/null" >/dev/null
rig_check "prefer-tunnel: client namespace as before" sx_same_as "$RIG_DIR/snapshot.lan"
routes_raw > "$RIG_DIR/routes.after2"
rig_check "prefer-tunnel: routes byte for byte as before" cmp "$RIG_DIR/routes.lan" "$RIG_DIR/routes.after2"

# shellcheck disable=SC2086
sx sk connect $RIG_GW_NAME $GWA --route "$RIG_HUB_NET" --route-conflict skip --name lan2 --background --json
rig_check "skip: connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/sk.err" >&2
rig_check "skip: the warning names both routes and says it is left out" \
    grep -qE "route conflict: $RIG_HUB_NET .* and $RIG_HUB_NET dev lan0 metric 50 .*left out" "$SX_OUT/sk.err"
rig_check "skip: no tunnel route to $RIG_HUB_NET" \
    [ -z "$(ip -n "$RIG_NS_CLI" route show "$RIG_HUB_NET" proto 83)" ]
rig_check "skip: status lists no route" [ "$(sx_json "$SX_OUT/sk.out" 'len(j["routes"])')" = 0 ]
rig_check "skip: the service host is not reached (the LAN has that prefix)" sx_unreachable "$RIG_SVC_IP"
sx dc3 disconnect lan2
rig_check "skip: disconnect exits 0" [ "$SX_RC" = 0 ]
rig_wait 5 "session lan2 to end" sh -c "! ls '$SX_STATE/lan2.journal' 2>/dev/null" >/dev/null
rig_check "skip: client namespace as before" sx_same_as "$RIG_DIR/snapshot.lan"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
