#!/bin/bash
# End-to-end DNS against the rig's SoftEther gateway.
# 1. resolv.conf backend, crash then reboot: a session with --dns rewrites the client namespace's
#    resolv.conf and keeps the original in the backup directory (--backup-dir, /var/lib/sstp by
#    default), not in the state directory; kill -9, then the "reboot" empties the state directory
#    (the /run of the test) and drops the kernel state; `sstp cleanup` puts resolv.conf back
#    byte for byte and the namespace is exactly as before.
# 2. A real systemd-resolved: Debian's package, fetched with `apt-get download` (cached in
#    $SSTP_RESOLVED_CACHE, default /var/cache/sstp-test-resolved) and unpacked into the test dir,
#    never installed; run in the client namespace in a mount namespace of its own (a tmpfs /run,
#    an empty /etc/resolv.conf: no global servers) on a D-Bus system bus of its own
#    (DBUS_SYSTEM_BUS_ADDRESS). dnsmasq on the service host knows names nobody else knows and logs
#    every query. Split tunnel, package DNS = that dnsmasq:
#    - no domains: the link is the default route and has the reverse zone of the VNet route as a
#      routing domain; `resolvectl query` of the private name and of its address (PTR) resolve
#      through the tunnel, and any other name reaches dnsmasq too (Windows' behaviour);
#    - --dns-domain corp.rig.test: the private name resolves, a name outside the domain never
#      reaches dnsmasq (its query log), status shows the domain.
# Exit 0 pass, 1 fail, 77 skip (part 2 without systemd-resolved: no network and no cache; the
# reason is in the summary line).
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

: "${SSTP_RESOLVED_CACHE:=/var/cache/sstp-test-resolved}"
command -v unshare >/dev/null || rig_skip "unshare (util-linux) missing"

sx_setup
SX_STATE=$RIG_DIR/run-sstp       # the state directory: what a reboot wipes
LIB=$RIG_DIR/var-lib-sstp        # the backup directory: what survives it
BEFORE=$RIG_DIR/snapshot.before
sx_snapshot > "$BEFORE"
GW=$(sx_gw_args)
RESOLV=/etc/netns/$RIG_NS_CLI/resolv.conf
cp "$RESOLV" "$RIG_DIR/resolv.conf.before"
SKIPPED=

# ---- 1. resolv.conf: crash, reboot, cleanup -------------------------------------------------------
# shellcheck disable=SC2086
sx rc connect $GW --name d1 --background --json --dns "$RIG_SVC_IP" --backup-dir "$LIB"
rig_check "resolv.conf: connect exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/rc.err" >&2; rig_dump_logs; }
PID=$(sx_json "$SX_OUT/rc.out" 'j["pid"]')
PID=${PID:-0}
rig_check "resolv.conf: the backend that took it" [ "$(sx_json "$SX_OUT/rc.out" 'j["dns"]["backend"]')" = resolv.conf ]
rig_check "resolv.conf: rewritten, the tunnel's server first" \
    sh -c "grep nameserver '$RESOLV' | head -n 1 | grep -qF '$RIG_SVC_IP'"
rig_check "resolv.conf: the original is kept in the backup directory" \
    cmp -s "$LIB/d1.resolv.conf.orig" "$RIG_DIR/resolv.conf.before"
rig_check "resolv.conf: and not in the state directory" \
    sh -c "! ls '$SX_STATE' | grep -q resolv"
[ "$PID" != 0 ] && kill -KILL "$PID"
rig_wait 5 "pid $PID to die" sh -c "! kill -0 $PID"
# the reboot: /run is empty again and the kernel forgot the pinned route (the TUN died with sstp)
rm -rf "$SX_STATE"
ip -n "$RIG_NS_CLI" route flush proto 83
ip -n "$RIG_NS_CLI" -6 route flush proto 83 2>/dev/null
rig_check "after the reboot resolv.conf is still sstp's" grep -q "Written by sstp" "$RESOLV"
sx cl cleanup --backup-dir "$LIB"
rig_check "cleanup after the reboot exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/cl.err" "$SX_OUT/cl.out" >&2
rig_check "cleanup reports one change undone" grep -q "1 undone" "$SX_OUT/cl.out"
rig_check "resolv.conf restored byte for byte" cmp "$RESOLV" "$RIG_DIR/resolv.conf.before"
rig_check "the backup directory holds no copy any more" sh -c "! ls '$LIB' | grep -q resolv"
rig_check "client namespace exactly as before" sx_same_as "$BEFORE"
sx cl2 cleanup --backup-dir "$LIB"
rig_check "a second cleanup finds nothing" grep -q "0 undone, 0 already gone, 0 skipped, 0 failed" "$SX_OUT/cl2.out"

# ---- 2. a real systemd-resolved ----------------------------------------------------------------------
# resolved_fetch: DIR/root holds the package's files (the version of the installed libsystemd-shared)
resolved_fetch() {
    local ver deb tmp
    ver=$(dpkg-query -W -f '${Version}' libsystemd-shared 2>/dev/null) ||
        { SKIPPED="systemd-resolved part (libsystemd-shared is not installed)"; return 1; }
    deb=$SSTP_RESOLVED_CACHE/systemd-resolved_${ver//:/%3a}.deb
    if [ ! -s "$deb" ] && mkdir -p "$SSTP_RESOLVED_CACHE" &&
        tmp=$(mktemp -d "$SSTP_RESOLVED_CACHE/dl.XXXXXX"); then
        # _apt reads the download directory
        chmod 755 "$tmp"
        (cd "$tmp" && timeout 60 apt-get download "systemd-resolved=$ver" >/dev/null 2>&1) &&
            mv "$tmp"/systemd-resolved_*.deb "$deb"
        rm -rf "$tmp"
    fi
    [ -s "$deb" ] || { SKIPPED="systemd-resolved part (apt-get download systemd-resolved=$ver failed and nothing is cached in $SSTP_RESOLVED_CACHE)"; return 1; }
    dpkg -x "$deb" "$RIG_DIR/resolved/root"
}

BUS=$RIG_DIR/resolved/bus
RD=$RIG_DIR/resolved/root
resolvectl_() { rig_ns_exec cli env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BUS" "$RD/usr/bin/resolvectl" "$@"; }
# rq NAME: resolvectl query without the cache, output in $SX_OUT/rq.out
rq() { resolvectl_ query --cache=no --legend=no "$1" > "$SX_OUT/rq.out" 2>&1; }
queried() { grep -qF "query[A] $1 from" "$RIG_DIR/logs/dnsmasq.log" ||
            grep -qF "query[AAAA] $1 from" "$RIG_DIR/logs/dnsmasq.log"; }

_userdel_resolve() { userdel systemd-resolve 2>/dev/null; return 0; }

resolved_up() {
    command -v dnsmasq >/dev/null || { SKIPPED="systemd-resolved part (dnsmasq is not installed)"; return 1; }
    command -v dbus-daemon >/dev/null || { SKIPPED="systemd-resolved part (dbus-daemon is not installed)"; return 1; }
    mkdir -p "$RIG_DIR/resolved" || return 1
    resolved_fetch || return 1
    [ -x "$RD/lib/systemd/systemd-resolved" ] || { rig_log "no systemd-resolved in the package"; return 1; }
    # resolved drops its privileges to this user (the package's sysusers.d would make it)
    getent passwd systemd-resolve >/dev/null || {
        useradd --system -M -U -s /usr/sbin/nologin -d / systemd-resolve || return 1
        rig_on_down _userdel_resolve
    }
    chmod 755 "$RIG_DIR" "$RIG_DIR/resolved"
    cat > "$RIG_DIR/resolved/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
    rig_spawn resolved-dbus cli dbus-daemon --config-file="$RIG_DIR/resolved/bus.conf" --nofork --nopidfile
    rig_wait 10 "the private system bus" test -S "$BUS" || return 1
    : > "$RIG_DIR/resolved/resolv.conf"
    # no global servers, nothing from /etc/hosts, no stub listener, no cache, no multicast
    cat > "$RIG_DIR/resolved/test.conf" <<EOF
[Resolve]
DNS=
FallbackDNS=
LLMNR=no
MulticastDNS=no
DNSSEC=no
DNSOverTLS=no
DNSStubListener=no
ReadEtcHosts=no
Cache=no
EOF
    # shellcheck disable=SC2016
    rig_spawn resolved cli unshare -m --propagation private sh -c '
        mount -t tmpfs sstp-test-run /run &&
        mkdir -p /run/systemd/resolve /run/systemd/resolved.conf.d &&
        chown systemd-resolve: /run/systemd/resolve &&
        cp "$1/test.conf" /run/systemd/resolved.conf.d/ &&
        mount --bind "$1/resolv.conf" /etc/resolv.conf &&
        exec env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$2" SYSTEMD_LOG_LEVEL=debug "$3"' sh \
        "$RIG_DIR/resolved" "$BUS" "$RD/lib/systemd/systemd-resolved"
    rig_wait 15 "systemd-resolved on the private bus" sh -c \
        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner s org.freedesktop.resolve1 | grep -q true"
}

if resolved_up; then
    rig_spawn dnsmasq svc dnsmasq --no-daemon --user=root --no-resolv --no-hosts --bind-interfaces \
        --listen-address="$RIG_SVC_IP" --port=53 --log-queries --log-facility=- --cache-size=0 \
        --address=/svc-only.corp.rig.test/10.232.0.77 \
        --ptr-record=77.0.232.10.in-addr.arpa,svc-only.corp.rig.test \
        --address=/outside-default.example.net/10.232.0.78
    rig_wait 10 "dnsmasq" grep -q "started" "$RIG_DIR/logs/dnsmasq.log"
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BUS"

    # -- no domains: default route plus the VNet's reverse zone
    # shellcheck disable=SC2086
    sx r1 connect $GW --name r1 --background --json --dns "$RIG_SVC_IP"
    rig_check "resolved: connect exits 0" [ "$SX_RC" = 0 ] || { cat "$SX_OUT/r1.err" >&2; rig_dump_logs; }
    IFACE=$(sx_json "$SX_OUT/r1.out" 'j["interface"]')
    rig_check "resolved: the backend that took it" \
        [ "$(sx_json "$SX_OUT/r1.out" 'j["dns"]["backend"]')" = systemd-resolved ]
    resolvectl_ dns "$IFACE" > "$SX_OUT/r1-dns.out" 2>&1
    rig_check "resolved: the link has the package's server" grep -qF "$RIG_SVC_IP" "$SX_OUT/r1-dns.out"
    resolvectl_ domain "$IFACE" > "$SX_OUT/r1-dom.out" 2>&1
    rig_check "resolved: the link routes the reverse zone of $RIG_HUB_NET" \
        grep -qF "~0.232.10.in-addr.arpa" "$SX_OUT/r1-dom.out" || cat "$SX_OUT/r1-dom.out" >&2
    resolvectl_ default-route "$IFACE" > "$SX_OUT/r1-dr.out" 2>&1
    rig_check "resolved: the link is a default route (no domains)" grep -q "yes" "$SX_OUT/r1-dr.out"
    rq svc-only.corp.rig.test
    rig_check "resolved: resolvectl query of a name only dnsmasq knows" \
        grep -qF "10.232.0.77" "$SX_OUT/rq.out" || cat "$SX_OUT/rq.out" >&2
    rig_check "resolved: the query reached dnsmasq through the tunnel" \
        rig_wait 5 "dnsmasq's log" queried svc-only.corp.rig.test
    rq 10.232.0.77
    rig_check "resolved: its address resolves back (PTR in the reverse zone)" \
        grep -qF "svc-only.corp.rig.test" "$SX_OUT/rq.out" || cat "$SX_OUT/rq.out" >&2
    rq outside-default.example.net
    rig_check "resolved: without domains any other name is asked there too" \
        rig_wait 5 "dnsmasq's log" queried outside-default.example.net
    sx r1d disconnect r1
    rig_check "resolved: disconnect exits 0" [ "$SX_RC" = 0 ]

    # -- with a routing domain: other names never reach the tunnel's server
    # shellcheck disable=SC2086
    sx r2 connect $GW --name r2 --background --json --dns "$RIG_SVC_IP" --dns-domain corp.rig.test
    rig_check "resolved+domain: connect exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/r2.err" >&2
    IFACE=$(sx_json "$SX_OUT/r2.out" 'j["interface"]')
    rig_check "resolved+domain: status --json shows the domain" \
        [ "$(sx_json "$SX_OUT/r2.out" '",".join(j["dns"]["domains"])')" = corp.rig.test ]
    rig_check "resolved+domain: the connect JSON matches doc/json.md" \
        python3 "$HERE/json_check.py" "$HERE/../../doc/json.md" connect "$SX_OUT/r2.out"
    rig_check "resolved+domain: status shows the domain" grep -q "dns domains: *corp.rig.test" \
        <(rig_ns_exec cli "$SSTP_BIN" status r2 --state-dir "$SX_STATE")
    resolvectl_ domain "$IFACE" > "$SX_OUT/r2-dom.out" 2>&1
    rig_check "resolved+domain: the link routes ~corp.rig.test only" \
        sh -c "grep -qF '~corp.rig.test' '$SX_OUT/r2-dom.out' && ! grep -q 'arpa' '$SX_OUT/r2-dom.out'"
    resolvectl_ default-route "$IFACE" > "$SX_OUT/r2-dr.out" 2>&1
    rig_check "resolved+domain: the link is not a default route" grep -q "no" "$SX_OUT/r2-dr.out"
    NONCE=outside-$$-$RANDOM.example.net
    rq svc-only.corp.rig.test
    rig_check "resolved+domain: the name in the domain resolves" grep -qF "10.232.0.77" "$SX_OUT/rq.out" \
        || cat "$SX_OUT/rq.out" >&2
    rq "$NONCE"
    rig_check "resolved+domain: a name outside the domain does not resolve" \
        sh -c "! grep -qF '10.232.0' '$SX_OUT/rq.out'"
    # a name in the domain asked after it: once dnsmasq logged that one, it would have logged NONCE
    rq "after-$$.svc-only.corp.rig.test"
    rig_wait 5 "dnsmasq's log" queried "after-$$.svc-only.corp.rig.test"
    rig_check "resolved+domain: and never reached dnsmasq" sh -c "! grep -qF '$NONCE' '$RIG_DIR/logs/dnsmasq.log'"
    sx r2d disconnect r2
    rig_check "resolved+domain: disconnect exits 0" [ "$SX_RC" = 0 ]
    rig_check "resolved: client namespace exactly as before" sx_same_as "$BEFORE"
elif [ -z "$SKIPPED" ]; then
    rig_check "systemd-resolved runs in the test's namespaces" false
    cat "$RIG_DIR/logs/resolved.log" >&2 2>/dev/null
fi

echo "$RIG_FAILS failed checks${SKIPPED:+; SKIPPED: $SKIPPED}"
[ "$RIG_FAILS" = 0 ] || exit 1
[ -z "$SKIPPED" ] || exit 77
exit 0
