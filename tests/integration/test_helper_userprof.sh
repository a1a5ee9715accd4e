#!/bin/bash
# test_helper_userprof.sh - users connect their own profiles through the sstp helper. alice (in
# group sstp) imports the real Azure package (its gateway name mapped to the rig's gateway) with
# her own PKCS#12 (EAP-TLS, CN=$AZ_USER from the package's P2S root) into ~/.config/sstp and,
# without sudo, runs `sstp connect NAME --cert-password-file ~/pw`, `sstp status`, traffic and
# `sstp disconnect`: all exit 0. Her files are read by her CLI only: they are mode 0600 in a
# 0700 home that root's helper never opens (the helper keeps its copies in a 0700 directory of
# its state directory, removed when the session ends). bob (in sstp) can neither inspect nor
# stop her session (11); carol (not in sstp) cannot connect (11); the policy file
# (/etc/sstp/policy.conf) can refuse a gateway and the full tunnel (11). Exit 0/1, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/.." && pwd)/data
PKG_ZIP=${SSTP_AZURE_PACKAGE:-$DATA/pkg/gw-demo.zip}
P2S_KEY=${SSTP_AZURE_ROOT_KEY:-$DATA/session/azure-p2s-root-key.pem}
AZ_HOST=azuregateway-eb180077-da16-41b1-aeb5-5ee425b85e57-586939d8f69b.vpn.azure.com
AZ_USER=azclient
export RIG_GW_SANS="DNS:$AZ_HOST"
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"
[ -f "$PKG_ZIP" ] && [ -f "$P2S_KEY" ] || rig_skip "fixture package or P2S root key not found"

ALICE=alice$$
BOB=bob$$
CAROL=carol$$
sx_helper_setup "$ALICE" "$BOB" "$CAROL"
usermod -a -G sstp "$BOB" || rig_fatal "usermod $BOB failed"

# alice's certificate from the package's P2S root (renewed, as test_sstp_eaptls.sh does)
rig_eaptls_azure "$P2S_KEY" "$AZ_USER" "$AZ_HOST" || rig_fatal "could not prepare EAP-TLS"
AZ=$RIG_DIR/azure

# alice's home: her PKCS#12, its password, the package and the rig's CA, all hers and private
AH=$RIG_DIR/home-alice
mkdir -p "$AH"
P12PW=alice-p12-$$
openssl pkcs12 -export -in "$AZ/client.crt" -inkey "$AZ/client.key" -passout "pass:$P12PW" \
    -name alice -out "$AH/alice.p12" 2>/dev/null || rig_fatal "could not make alice's PKCS#12"
printf '%s\n' "$P12PW" > "$AH/pw"
cp "$PKG_ZIP" "$AH/package.zip"
cp "$RIG_PKI/ca.crt" "$AH/rig-ca.crt"
chown -R "$ALICE:$ALICE" "$AH"
chmod 700 "$AH"
chmod 600 "$AH"/*

# the administrator's directory: only the policy file
ETC=$RIG_DIR/etc
mkdir -p "$ETC"
policy() { printf '%s\n' "$@" > "$ETC/policy.conf"; chmod 644 "$ETC/policy.conf"; }
policy "# users may connect their own profiles to these gateways" "allowed-gateway = $AZ_HOST"

rig_spawn helper cli env SSTP_SYSTEM_DIR="$ETC" "$SSTP_BIN" helper --state-dir "$SX_STATE" \
    --socket "$SOCK" -v
HELPER_PIDFILE=$RIG_DIR/pids/helper.pid
rig_wait 10 "helper to listen" test -S "$SOCK"
HLOG=$RIG_DIR/logs/helper.log

as() { # as USER HOME LABEL ARGS...: sstp as USER (no sudo), through the helper
    local u=$1 home=$2 label=$3; shift 3
    ip netns exec "$RIG_NS_CLI" setsid -w setpriv --reuid="$u" --regid="$u" --init-groups \
        env -i PATH=/usr/bin:/bin HOME="$home" SSTP_HELPER_SOCKET="$SOCK" timeout 120 "$SSTP_BIN" "$@" \
        < /dev/null > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    return 0
}
expect() { # expect LABEL CODE [REGEX]
    rig_check "$1: exit $2" [ "$SX_RC" = "$2" ] || { echo "# got $SX_RC:"; sed 's/^/# /' "$SX_OUT/$1.err"; tail -5 "$HLOG" | sed 's/^/# helper: /'; }
    [ -n "${3:-}" ] || return 0
    rig_check "$1: says why" grep -Eq -- "$3" "$SX_OUT/$1.err" || sed 's/^/# /' "$SX_OUT/$1.err"
}

BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"

# 1. import as alice, into her own profile directory
as "$ALICE" "$AH" imp import "$AH/package.zip" --name corp --cert "$AH/alice.p12" --ca "$AH/rig-ca.crt"
expect imp 0
rig_check "import wrote alice's own profile" test -f "$AH/.config/sstp/corp/profile.conf"
# the hub's network through the tunnel (alice edits her own profile)
echo "route = $RIG_HUB_NET" >> "$AH/.config/sstp/corp/profile.conf"

# 2. connect without sudo, status, traffic, disconnect
as "$ALICE" "$AH" conn connect corp --cert-password-file "$AH/pw" --timeout 60
expect conn 0
as "$ALICE" "$AH" st status corp --json
rig_check "alice: status says connected" [ "$(sx_json "$SX_OUT/st.out" 'j["state"]')" = connected ]
rig_check "alice: authenticated with EAP-TLS" [ "$(sx_json "$SX_OUT/st.out" 'j["auth"]')" = EAP-TLS ]
rig_check "alice: ping the service host through the tunnel" sx_ping "$RIG_SVC_IP"
rig_check "alice: HTTP token from the service host" [ "$(sx_http token.txt)" = "$RIG_HTTP_TOKEN" ]
# privilege separation (issue 17): the process holding the TLS socket to the gateway is alice's,
# with no capabilities and no_new_privs; root keeps only the network changes
TPID=$(rig_ns_exec cli ss -tnpH state established "dst $RIG_GW_IP" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
rig_check "the process holding the TLS socket is found (pid ${TPID:-none})" [ -n "$TPID" ]
pst() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$TPID/status" 2>/dev/null | tr -s ' \t' ' '; }
AU=$(id -u "$ALICE")
rig_check "it runs as alice (Uid: $(pst Uid))" [ "$(pst Uid)" = "$AU $AU $AU $AU" ]
rig_check "it has no capabilities (CapEff: $(pst CapEff))" [ "$(pst CapEff)" = 0000000000000000 ]
rig_check "it cannot regain any (CapPrm: $(pst CapPrm))" [ "$(pst CapPrm)" = 0000000000000000 ]
rig_check "it runs with no_new_privs (NoNewPrivs: $(pst NoNewPrivs))" [ "$(pst NoNewPrivs)" = 1 ]
UDIR=$(ls -d "$SX_STATE"/user-*-corp 2>/dev/null | head -1)
rig_check "the helper's copy is in a root-only 0700 directory" \
    [ -n "$UDIR" ] && [ "$(stat -c '%U %a' "$UDIR")" = "root 700" ]
printf '%s\n' "$P12PW" > "$RIG_DIR/p12.pat" # grep -f: never on a command line of the test
no_p12pw() { grep -saqFf "$RIG_DIR/p12.pat" /proc/[0-9]*/cmdline /proc/[0-9]*/environ; [ $? != 0 ]; }
has_p12pw() { grep -saqFf "$RIG_DIR/p12.pat" "$@"; }
rig_check "alice's PKCS#12 password is not on any command line or environment" no_p12pw
rig_check "detector: finds the PKCS#12 password where it is" has_p12pw "$AH/pw"
rig_check "alice's PKCS#12 password is not in the helper's log" sh -c "! grep -saqFf '$RIG_DIR/p12.pat' '$HLOG'"
as "$BOB" "$RIG_DIR" b-st status corp
expect b-st 11 "belongs to another user"
as "$BOB" "$RIG_DIR" b-dc disconnect corp
expect b-dc 11 "belongs to another user"
as "$ALICE" "$AH" dc disconnect corp
expect dc 0
rig_check "the helper's copy is removed when the session ends" sh -c "! ls -d '$SX_STATE'/user-*-corp 2>/dev/null | grep -q ."
rig_check "client namespace as before" sx_same_as "$BEFORE"
rig_check "no process of alice is left" rig_wait 10 "alice's processes to end" sh -c "! pgrep -u '$ALICE' >/dev/null"
rig_check "no journal or control socket of corp is left" sh -c "[ -z \"\$(find '$SX_STATE' -name '*corp*' 2>/dev/null)\" ]"

# 3. carol is not in group sstp
as "$CAROL" "$AH" c-conn connect corp --timeout 30
expect c-conn 11

# 4. the policy: another gateway, then the full tunnel, are refused
policy "allowed-gateway = vpn.example.test"
as "$ALICE" "$AH" gw connect corp --cert-password-file "$AH/pw" --timeout 30
expect gw 11 "does not allow the gateway $AZ_HOST"
policy "user-profiles-group = nosuchgroup$$"
as "$ALICE" "$AH" grp connect corp --cert-password-file "$AH/pw" --timeout 30
expect grp 11 "only members of group 'nosuchgroup$$' may connect their own profiles"
policy "# defaults"
echo "full-tunnel = yes" >> "$AH/.config/sstp/corp/profile.conf"
as "$ALICE" "$AH" full connect corp --cert-password-file "$AH/pw" --timeout 30
expect full 11 "take the full tunnel"
rig_check "after the refusals: client namespace as before" sx_same_as "$BEFORE"

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
