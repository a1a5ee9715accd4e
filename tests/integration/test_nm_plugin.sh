#!/bin/bash
# The NetworkManager VPN plugin (nm-sstp-service) with a real NetworkManager: its own system D-Bus
# (a private socket in the rig's directory) and its own config/state/runtime directories and VPN
# plugin directory (bind mounts in a mount namespace of its own), in the rig's client namespace,
# every device unmanaged but the client's veth (NetworkManager activates a VPN only on top of a
# connection with a default route: a profile with the veth's own address and the gateway). An sstp connection to the rig's gateway with the password given by
# nmcli as a secret agent (never stored): `nmcli connection up` brings the tunnel up, the service
# host answers through it, `nmcli connection show` lists the address, routes and DNS the plugin
# reported, `nmcli connection down` leaves the namespace as it was; a wrong password fails with
# NetworkManager's "login failed" reason. Then `nmcli connection import type sstp` of the real Azure
# package (test_sstp_eaptls.sh sets the hub up the same way) and EAP-TLS with a client certificate
# from the package's P2S root. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

NM_SERVICE=${NM_SSTP_SERVICE:-$(dirname "$SSTP_BIN")/client/nm-sstp-service}
[ -x "$NM_SERVICE" ] || NM_SERVICE=$(dirname "$SSTP_BIN")/nm-sstp-service
for t in NetworkManager nmcli dbus-daemon unshare nsenter; do
    command -v "$t" >/dev/null || rig_skip "$t not installed (network-manager, dbus, util-linux)"
done
[ -x "$NM_SERVICE" ] || rig_skip "nm-sstp-service not built (libnm-dev missing?)"
NM_EDITOR=$(dirname "$NM_SERVICE")/libnm-vpn-plugin-sstp.so
[ -f "$NM_EDITOR" ] || NM_EDITOR=$(dirname "$NM_SERVICE")/client/libnm-vpn-plugin-sstp.so
DATA=$(cd "$HERE/.." && pwd)/data
PKG_ZIP=$DATA/pkg/gw-demo.zip                          # a real Azure package (pkg tests keep it)
P2S_KEY=$DATA/session/azure-p2s-root-key.pem           # its P2S root's key
AZ_HOST=azuregateway-eb180077-da16-41b1-aeb5-5ee425b85e57-586939d8f69b.vpn.azure.com
AZ_USER=azclient
export RIG_GW_SANS="DNS:$AZ_HOST"
sx_setup
NM=$RIG_DIR/nm
BUS=$NM/system_bus_socket
mkdir -p "$NM"/{etc/system-connections,lib,run,vpn,log}
# ---- a private system bus, and NetworkManager on it -------------------------------------------------
cat > "$NM/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
  </policy>
  <include>$(cd "$HERE/../.." && pwd)/dist/NetworkManager/nm-sstp-service.conf</include>
</busconfig>
CONF
cat > "$NM/etc/NetworkManager.conf" <<CONF
[main]
plugins=keyfile
auth-polkit=false
dns=none
rc-manager=unmanaged
no-auto-default=*
[keyfile]
unmanaged-devices=except:interface-name:veth-cli
[logging]
level=INFO
CONF
cat > "$NM/vpn/nm-sstp-service.name" <<CONF
[VPN Connection]
name=sstp
service=org.freedesktop.NetworkManager.sstp
program=$NM_SERVICE
supports-multiple-connections=true
[GNOME]
auth-dialog=$(dirname "$NM_SERVICE")/nm-sstp-auth-dialog
supports-external-ui-mode=true
[libnm]
plugin=$NM_EDITOR
CONF
# NetworkManager sees only the test's directories; the host's stay as they are
cat > "$NM/start.sh" <<CONF
set -e
mount --bind "$NM/etc" /etc/NetworkManager
mount --bind "$NM/lib" /var/lib/NetworkManager
mkdir -p /run/NetworkManager
mount --bind "$NM/run" /run/NetworkManager
mkdir -p /usr/lib/NetworkManager/VPN
mount --bind "$NM/vpn" /usr/lib/NetworkManager/VPN
mount -t tmpfs -o mode=0755 none /run/sstp 2>/dev/null || { mkdir -p /run/sstp; mount -t tmpfs -o mode=0755 none /run/sstp; }
# a read-only /sys: NetworkManager then waits for no udev (there is none for this namespace)
mount -o remount,bind,ro /sys
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS
exec NetworkManager --debug --log-level=DEBUG --log-domains=AGENTS,VPN,VPN_PLUGIN --config /etc/NetworkManager/NetworkManager.conf --state-file /var/lib/NetworkManager/NetworkManager.state
CONF
rig_spawn nm-dbus cli dbus-daemon --config-file="$NM/bus.conf" --nofork --nopidfile
rig_wait 10 "the private system bus" [ -S "$BUS" ] || rig_fatal "dbus-daemon did not start"
rig_spawn nm cli unshare -m --propagation private bash "$NM/start.sh"
rig_on_down "rig_stop nm 10; rig_stop nm-dbus"
NMPID=$(_rig_pid_alive nm)

# nmcli in NetworkManager's namespaces (it reads the plugin's .name file there too)
nmc() {
    timeout 90 nsenter -t "$NMPID" -n -m env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BUS" \
        nmcli "$@"
}
rig_check "NetworkManager runs on the private bus" rig_wait 30 "NetworkManager" nmc -t general status
rig_check "every device but veth-cli unmanaged" \
    sh -c "! nsenter -t $NMPID -n -m env DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS nmcli -t -f DEVICE,STATE device | grep -v '^veth-cli:' | grep -v ':unmanaged$'"
rig_check "the base connection on veth-cli" nmc connection add type ethernet con-name base \
    ifname veth-cli connection.autoconnect no ipv4.method manual ipv4.addresses "$RIG_CLI_IP/24" \
    ipv4.gateway "$RIG_GW_IP" ipv6.method ignore
nmc device >&2
rig_check "the base connection comes up" nmc --wait 30 connection up id base
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
rig_check "service host unreachable before connecting" sx_unreachable "$RIG_SVC_IP"

# ---- an sstp connection, the password from nmcli's agent ---------------------------------------------
PWF=$NM/secrets
printf 'vpn.secrets.password:%s\n' "$RIG_PASS" > "$PWF"
chmod 600 "$PWF"
rig_check "nmcli connection add type vpn vpn-type sstp" nmc connection add type vpn con-name sstp-t \
    vpn-type sstp vpn.data "gateway=$RIG_GW_NAME, ca=$RIG_PKI/ca.crt, user=$RIG_USER, routes=$RIG_HUB_NET, dns=$RIG_SVC_IP, dns-search=sstp.test, password-flags=2"
rig_check "the password is in no connection file" \
    sh -c "! grep -rqF -- '$RIG_PASS' '$NM/etc' '$NM/lib'"

nmc --wait 60 connection up id sstp-t passwd-file "$PWF" > "$NM/log/up.out" 2>&1
RC=$?
rig_check "nmcli connection up exits 0" [ "$RC" = 0 ] || { cat "$NM/log/up.out" >&2; tail -n 40 "$RIG_DIR/logs/nm.log" >&2; }
nmc -t connection show sstp-t > "$NM/log/show.out" 2>&1
grep -E '^(GENERAL.STATE|VPN.VPN-STATE|IP4)' "$NM/log/show.out"
rig_check "connection show: activated" grep -q '^GENERAL.STATE:activated' "$NM/log/show.out"
rig_check "connection show: VPN connected" grep -qi '^VPN.VPN-STATE:.*VPN connected' "$NM/log/show.out"
ADDR=$(sed -n 's|^IP4.ADDRESS\[1\]:\(.*\)/32$|\1|p' "$NM/log/show.out")
rig_check "connection show: address $ADDR/32 from the hub's pool" sx_in_pool "$ADDR"
rig_check "connection show: route $RIG_HUB_NET" grep -q "^IP4.ROUTE\[[0-9]*\]:dst = $RIG_HUB_NET," "$NM/log/show.out"
rig_check "connection show: DNS $RIG_SVC_IP" grep -qx "IP4.DNS\[1\]:$RIG_SVC_IP" "$NM/log/show.out"
rig_check "connection show: search domain sstp.test" grep -qx "IP4.DOMAIN\[1\]:sstp.test" "$NM/log/show.out"
TUN=$(rig_ns_exec cli ip -o addr show | awk -v a="$ADDR" '$4 ~ "^"a"(/|$)" {print $2; exit}')
rig_check "the tunnel device ${TUN:-?} has the address" [ -n "$TUN" ]
rig_check "ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
rig_check "the password is not in the plugin's log" sx_lacks "$RIG_DIR/logs/nm.log" "$RIG_PASS"

rig_check "nmcli connection down exits 0" nmc --wait 30 connection down id sstp-t
rig_check "the tunnel device is gone" rig_wait 10 "$TUN to go" sh -c "! ip netns exec $RIG_NS_CLI ip link show '$TUN' 2>/dev/null"
rig_check "service host unreachable again" sx_unreachable "$RIG_SVC_IP"
rig_check "client namespace exactly as before" sx_same_as "$BEFORE"
rig_check "nm-sstp-service and its session ended" \
    rig_wait 10 "nm-sstp-service to end" sh -c "! pgrep -f '^$NM_SERVICE' >/dev/null"

# ---- a wrong password: NetworkManager's "login failed" ---------------------------------------------
printf 'vpn.secrets.password:%s\n' "not-$RIG_PASS" > "$PWF"
nmc --wait 60 connection up id sstp-t passwd-file "$PWF" > "$NM/log/bad.out" 2>&1
RC=$?
cat "$NM/log/bad.out"
rig_check "wrong password: nmcli connection up fails" [ "$RC" != 0 ]
# nmcli words NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED as "Invalid secrets"
rig_check "wrong password: the reason is login failed (nmcli: Invalid secrets)" \
    grep -q "Connection activation failed: Invalid secrets" "$NM/log/bad.out"
rig_check "wrong password: the plugin reported login-failed" grep -q "failure: login-failed" "$RIG_DIR/logs/nm.log"
rig_check "wrong password: client namespace exactly as before" sx_same_as "$BEFORE"

# ---- import of an Azure package (the editor plugin), EAP-TLS ---------------------------------------
# the fixture's P2S root expired: the same root (key, subject) with fresh dates, and a client
# certificate from it; the hub takes any certificate from that root with CN=$AZ_USER
rig_eaptls_azure "$P2S_KEY" "$AZ_USER" "$AZ_HOST" || rig_fatal "could not prepare EAP-TLS"
AZ=$RIG_DIR/azure

# the import writes the package's server roots under XDG_DATA_HOME (here: the test's directory)
XDG_DATA_HOME=$NM/data nmc connection import type sstp file "$PKG_ZIP" > "$NM/log/import.out" 2>&1
RC=$?
cat "$NM/log/import.out"
rig_check "nmcli connection import type sstp exits 0" [ "$RC" = 0 ]
AZC=$(sed -n "s/.*(\([0-9a-f-]\{36\}\)) successfully added.*/\1/p" "$NM/log/import.out")
nmc -t -g vpn.data connection show "$AZC" > "$NM/log/import.data" 2>&1
cat "$NM/log/import.data"
rig_check "import: the package's gateway" grep -q "gateway = $AZ_HOST" "$NM/log/import.data"
rig_check "import: the package's VNet route" grep -q "routes = 10.0.0.0/16" "$NM/log/import.data"
rig_check "import: EAP-TLS (the package's Auth)" grep -q "auth = eap-tls" "$NM/log/import.data"
rig_check "import: the package's server root written" \
    sh -c "ls '$NM'/data/sstp/nm/*/server-root-1.pem"
# the rig's gateway has a certificate from the rig's CA, and the service host's network
rig_check "nmcli connection modify: certificate, rig CA, route" nmc connection modify "$AZC" \
    +vpn.data "cert=$AZ/client.crt" +vpn.data "key=$AZ/client.key" +vpn.data "ca=$RIG_PKI/ca.crt" \
    +vpn.data "routes=10.0.0.0/16 $RIG_HUB_NET"
nmc --wait 60 connection up uuid "$AZC" > "$NM/log/tls.out" 2>&1
RC=$?
rig_check "EAP-TLS: nmcli connection up exits 0" [ "$RC" = 0 ] || { cat "$NM/log/tls.out" >&2; tail -n 20 "$RIG_DIR/logs/nm.log" >&2; }
rig_check "EAP-TLS: the plugin authenticated with EAP-TLS" grep -q "authenticated with EAP-TLS" "$RIG_DIR/logs/nm.log"
rig_check "EAP-TLS: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "EAP-TLS: nmcli connection down exits 0" nmc --wait 30 connection down uuid "$AZC"
rig_check "EAP-TLS: client namespace exactly as before" sx_same_as "$BEFORE"

# ---- nm-sstp-service killed (SIGKILL): its session child ends with it ---------------------------
# gone PID: the process has ended (no such process, or a zombie nobody has reaped yet)
gone() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null); [ -z "$st" ] || [ "${st#Z}" != "$st" ]; }
printf 'vpn.secrets.password:%s\n' "$RIG_PASS" > "$PWF"   # the wrong-password case left another
nmc --wait 60 connection up id sstp-t passwd-file "$PWF" > "$NM/log/k9.out" 2>&1
RC=$?
rig_check "kill -9: nmcli connection up exits 0" [ "$RC" = 0 ] || cat "$NM/log/k9.out" >&2
SVC=$(pgrep -o -f "^$NM_SERVICE")
CHILD=$([ -n "$SVC" ] && pgrep -P "$SVC" | head -n 1)
rig_check "kill -9: nm-sstp-service ($SVC) runs a session child (${CHILD:-none})" [ -n "$CHILD" ]
[ -n "$SVC" ] && kill -KILL "$SVC"
rig_check "kill -9: the session child ends with nm-sstp-service" \
    rig_wait 20 "session child $CHILD to end" gone "${CHILD:-0}"
rig_check "kill -9: no nm-sstp-service process is left" \
    rig_wait 20 "nm-sstp-service to end" sh -c "! pgrep -f '^$NM_SERVICE' >/dev/null"
[ -n "$CHILD" ] && ! gone "$CHILD" && kill -KILL "$CHILD" 2>/dev/null # do not leave it running

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
