#!/bin/bash
# Integration test of the Linux network backend (platform/linux/) with tests/plat_driver in a
# network namespace and a private mount namespace (a temp file bind-mounted on /etc/resolv.conf):
# apply TUN, addresses, gateway pins, routes and DNS, then undo (normal, error path, SIGTERM);
# kill -9 at several points and replay the journal; the user's own routes and a resolv.conf the
# user edited meanwhile must survive. `ip -j addr/route/link` and the resolver state must be
# identical before and after every case. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail

skip() { echo "SKIP: $*"; exit 77; }

if [ "${1:-}" != --inner ]; then
    [ "$(id -u)" = 0 ] || skip "needs root"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    command -v ip >/dev/null && command -v unshare >/dev/null || skip "needs iproute2 and unshare"
    DRIVER=${PLAT_DRIVER:-${SSTP_BUILD_DIR:-}/tests/plat_driver}
    [ -x "$DRIVER" ] || skip "plat_driver not built ($DRIVER)"
    NS=sstp-t-$$
    TMP=$(mktemp -d /tmp/sstp-plat.XXXXXX)
    cleanup() {
        # the driver runs inside the namespace; take down anything still there
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$NS" 2>/dev/null
        rm -rf "$TMP"
    }
    trap cleanup EXIT
    trap 'exit 1' INT TERM HUP
    ip netns add "$NS" || skip "cannot create a network namespace"
    ip netns exec "$NS" unshare --mount --propagation private "$0" --inner "$TMP" "$DRIVER"
    exit $?
fi

# ---- inside the namespaces ---------------------------------------------------------------------
TMP=$2
DRIVER=$3
STATE=$TMP/state
FAILS=0
PASSES=0

ip link set lo up
ip link add v0 type veth peer name v1 || skip "no veth support"
ip addr add 192.0.2.2/24 dev v0
ip -6 addr add 2001:db8::2/64 dev v0 nodad
ip link set v0 up
ip link set v1 up
ip route add default via 192.0.2.1
ip -6 route add default via 2001:db8::1
# the user's own configuration that looks like ours (same prefix, same metric): must survive
ip route add 10.60.0.0/16 via 192.0.2.1 metric 50
ip route add 198.51.100.8/32 via 192.0.2.1 metric 50
# let IPv6 duplicate address detection settle so the snapshots are stable
for _ in $(seq 1 100); do
    grep -q tentative <<< "$(ip -6 addr)" || break
    sleep 0.1
done

printf 'nameserver 192.0.2.53\nsearch home.example\noptions edns0\n' > "$TMP/resolv.conf"
mount --bind "$TMP/resolv.conf" /etc/resolv.conf || skip "cannot bind-mount /etc/resolv.conf"

# resolvconf: an installed resolvconf or openresolv keeps state in the host's /run and /etc, so
# the test never runs it. SSTP_TEST_OPENRESOLV may name an unpacked openresolv package
# (dpkg -x openresolv_*.deb DIR); the test runs a copy with every path moved into its temp dir.
RESOLVCONF=""
if [ -n "${SSTP_TEST_OPENRESOLV:-}" ] && [ -x "$SSTP_TEST_OPENRESOLV/sbin/resolvconf" ]; then
    R=$TMP/openresolv
    mkdir -p "$R/etc" "$R/run"
    cp -a "$SSTP_TEST_OPENRESOLV/lib/resolvconf" "$R/lib"
    sed -e "s|^SYSCONFDIR=.*|SYSCONFDIR=$R/etc|" -e "s|^LIBEXECDIR=.*|LIBEXECDIR=$R/lib|" \
        -e "s|^VARDIR=.*|VARDIR=$R/run|" "$SSTP_TEST_OPENRESOLV/sbin/resolvconf" > "$R/resolvconf"
    chmod +x "$R/resolvconf"
    # the file bind-mounted on /etc/resolv.conf; its .bak goes next to it in the temp dir
    printf 'resolv_conf=%s\n' "$TMP/resolv.conf" > "$R/etc/resolvconf.conf"
    RESOLVCONF=$R/resolvconf
fi
RCARG=()
[ -n "$RESOLVCONF" ] && RCARG=(--resolvconf "$RESOLVCONF")

snapshot() {
    ip -p -j addr
    ip -p -j -4 route show table all
    ip -p -j -6 route show table all
    ip -p -j link
    echo "--- resolv.conf"
    cat /etc/resolv.conf
    if [ -n "$RESOLVCONF" ]; then
        echo "--- resolvconf -l"
        "$RESOLVCONF" -l 2>/dev/null
    fi
}

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
bad() { FAILS=$((FAILS + 1)); echo "not ok - $*"; }

same_as_before() { # LABEL
    snapshot > "$TMP/after"
    if diff -u "$TMP/before" "$TMP/after" > "$TMP/diff"; then
        ok "$1: system identical to before"
    else
        bad "$1: system differs from before"
        cat "$TMP/diff"
    fi
    if [ -e "$STATE/test.journal" ]; then
        bad "$1: journal left behind"
        cat "$STATE/test.journal"
    fi
}

drv() { "$DRIVER" --state "$STATE" "${RCARG[@]}" "$@"; }

# start_paused LABEL STEPS...: run the driver in the background until its pause=LABEL step
start_paused() {
    local label=$1
    shift
    : > "$TMP/out"
    # a simple command, not the drv function: $! must be the driver itself
    "$DRIVER" --state "$STATE" "${RCARG[@]}" "$@" "pause=$label" > "$TMP/out" 2> "$TMP/err" &
    PID=$!
    for _ in $(seq 1 200); do
        grep -q "^PAUSED $label" "$TMP/out" && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "driver did not reach pause=$label:"; cat "$TMP/out" "$TMP/err"
    kill -9 "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    return 1
}

finish() { # STATUS-EXPECTED: wait for the background driver
    wait "$PID"
    local st=$?
    [ "$st" = "$1" ] || { echo "driver exit $st, expected $1"; cat "$TMP/out" "$TMP/err"; return 1; }
}

kill9() {
    kill -9 "$PID"
    wait "$PID" 2>/dev/null
}

DNS='dns=10.1.0.53,fd00::53;corp.example,vnet.example;split;resolv.conf'
TUN=(tun mtu=1400 up addr=10.0.0.2,10.0.0.1/32 addr=fe80::2/64 addr=fd00:9::2/64)
ROUTES=(pin=198.51.100.7 pin=2001:db8:5::7 pin=198.51.100.8 route=10.1.0.0/16 route=fd00:1::/64
        route?=10.60.0.0/16 full=4 full=6)

snapshot > "$TMP/before"

# 1. everything applied, checked, then undone by the undo step
if start_paused applied "${TUN[@]}" "${ROUTES[@]}" "$DNS"; then
    routes=$(ip route; ip -6 route)
    for want in "10.1.0.0/16 dev sstp0 proto 83" "0.0.0.0/1 dev sstp0 proto 83" \
                "128.0.0.0/1 dev sstp0 proto 83" "198.51.100.7 via 192.0.2.1 dev v0 proto 83" \
                "2001:db8:5::7 via 2001:db8::1 dev v0 proto 83" "fd00:1::/64 dev sstp0 proto 83" \
                "::/1 dev sstp0 proto 83" "8000::/1 dev sstp0 proto 83"; do
        grep -qF "$want" <<< "$routes" && ok "applied: $want" || bad "applied: missing $want"
    done
    grep -q "inet 10.0.0.2 peer 10.0.0.1/32" <<< "$(ip addr show sstp0)" && ok "applied: p2p address" \
        || bad "applied: p2p address"
    grep -q "mtu 1400" <<< "$(ip link show sstp0)" && ok "applied: mtu" || bad "applied: mtu"
    grep -q "^nameserver 10.1.0.53" /etc/resolv.conf && grep -q "^search corp.example vnet.example home.example" /etc/resolv.conf \
        && ok "applied: resolv.conf" || bad "applied: resolv.conf"
    grep -q "refused" "$TMP/out" && ok "user's identical route refused, not replaced" \
        || bad "user's route 10.60.0.0/16 not reported"
    # a cleanup run while the owner lives must not touch anything
    drv cleanup > "$TMP/cl" 2>&1
    grep -q "live=1" "$TMP/cl" && grep -q "10.1.0.0/16 dev sstp0" <<< "$(ip route)" \
        && ok "cleanup leaves a live session alone" || { bad "cleanup vs live session"; cat "$TMP/cl"; }
    # a second session of the same name is refused
    if drv tun >/dev/null 2>"$TMP/err2"; then bad "second session with the same name"; \
        else grep -q "already running" "$TMP/err2" && ok "same session name refused" \
        || { bad "same name: wrong error"; cat "$TMP/err2"; }; fi
    kill -USR1 "$PID"
    finish 0 || bad "driver failed"
fi
# the driver ends with pause; its close() undoes (the session's normal disconnect)
same_as_before "undo on disconnect"

# 1a. a reconnect's new address swapped in place: the new one added, the old one removed (and no
# longer journaled), the TUN and its routes untouched; an address not ours is refused
if start_paused swap "${TUN[@]}" route=10.1.0.0/16 addr=10.0.0.3,10.0.0.1/32 addr_del=10.0.0.2; then
    a=$(ip -4 addr show sstp0)
    grep -q "inet 10.0.0.3 peer 10.0.0.1/32" <<< "$a" && ! grep -q "inet 10.0.0.2 " <<< "$a" \
        && grep -qF "10.1.0.0/16 dev sstp0 proto 83" <<< "$(ip route)" \
        && ok "address swapped in place (routes kept)" || { bad "address swap"; echo "$a"; ip route; cat "$TMP/out" "$TMP/err"; }
    kill -USR1 "$PID"
    finish 0 || bad "driver failed (swap)"
fi
same_as_before "undo after an address swap"
if drv tun addr_del=10.9.9.9 > "$TMP/out" 2>&1; then bad "removing an address not added was accepted"
else ok "removing an address not added is refused"; fi
same_as_before "refused address removal"

# 1b. packets through the real TUN (batched read, write), the route lookup and the resolver
if drv "${TUN[@]}" io=10.0.0.1 route_get=198.51.100.7 resolve=localhost undo > "$TMP/out" 2>&1 \
   && grep -q "io reply received" "$TMP/out" \
   && grep -q "route_get 198.51.100.7/32 via 192.0.2.1 dev v0" "$TMP/out" \
   && grep -q "resolved 127.0.0.1" "$TMP/out"; then
    ok "TUN packets, route lookup, resolver"
else
    bad "TUN packets, route lookup, resolver"
    cat "$TMP/out"
fi
same_as_before "TUN packets"

# 1c. two sessions to the same gateway: each owns a pin (the second with the next metric), and
# the first one's undo leaves the second's in place
if start_paused pin1 --session s1 pin=198.51.100.9; then
    PID1=$PID
    if start_paused pin2 --session s2 pin=198.51.100.9; then
        n=$(ip route show 198.51.100.9 | grep -c "via 192.0.2.1 dev v0 proto 83")
        [ "$n" = 2 ] && ok "second session pins the same gateway with its own route" \
            || { bad "second session's pin: $n routes"; ip route show 198.51.100.9; cat "$TMP/out"; }
        kill -USR1 "$PID1"
        wait "$PID1" || bad "first pinning session failed"
        n=$(ip route show 198.51.100.9 | grep -c "via 192.0.2.1 dev v0 proto 83")
        [ "$n" = 1 ] && ok "first session's undo keeps the second session's pin" \
            || { bad "after the first session: $n pins"; ip route show 198.51.100.9; }
        kill -USR1 "$PID"
        finish 0 || bad "second pinning session failed"
    else
        kill -USR1 "$PID1"; wait "$PID1"
    fi
fi
same_as_before "two sessions pinning one gateway"

# 2. explicit undo step, then the handle closes empty
drv "${TUN[@]}" "${ROUTES[@]}" "$DNS" undo > "$TMP/out" 2>&1 || { bad "undo step"; cat "$TMP/out"; }
same_as_before "undo step"

# 3. error path: a failing step undoes everything applied so far
drv "${TUN[@]}" "${ROUTES[@]}" "$DNS" fail > "$TMP/out" 2>&1 && bad "fail step did not fail"
same_as_before "error path"

# 4. SIGTERM while connected
if start_paused term "${TUN[@]}" "${ROUTES[@]}" "$DNS"; then
    kill -TERM "$PID"
    finish 143 || bad "SIGTERM exit"
fi
same_as_before "SIGTERM"

# 5. kill -9 at several points, then the cleanup entry point
kill9_case() { # LABEL STEPS...
    local label=$1
    shift
    if start_paused "$label" "$@"; then
        kill9
        [ -e "$STATE/test.journal" ] && ok "kill -9 $label: journal present" \
            || bad "kill -9 $label: no journal"
        drv cleanup > "$TMP/cl" 2>&1 || { bad "kill -9 $label: cleanup failed"; cat "$TMP/cl"; }
        grep -q "replayed=1" "$TMP/cl" || { bad "kill -9 $label: not replayed"; cat "$TMP/cl"; }
    fi
    same_as_before "kill -9 $label + cleanup"
}
kill9_case after-tun tun
kill9_case after-addr "${TUN[@]}"
kill9_case after-routes "${TUN[@]}" "${ROUTES[@]}"
kill9_case after-dns "${TUN[@]}" "${ROUTES[@]}" "$DNS"
kill9_case dns-only tun "$DNS"

# 6. a resolv.conf the user changed after we wrote it is not clobbered
if start_paused edited "${TUN[@]}" "$DNS"; then
    echo "nameserver 203.0.113.99" >> /etc/resolv.conf
    cp /etc/resolv.conf "$TMP/edited"
    kill9
    drv cleanup > "$TMP/cl" 2>&1
    if cmp -s /etc/resolv.conf "$TMP/edited" && grep -q "was changed after sstp wrote it" "$TMP/cl" \
       && [ -e "$STATE/test.resolv.conf.orig" ]; then
        ok "edited resolv.conf kept, original saved, user told"
    else
        bad "edited resolv.conf"
        cat "$TMP/cl" /etc/resolv.conf
    fi
    # put the original back by hand for the cases below
    cat "$STATE/test.resolv.conf.orig" > /etc/resolv.conf
    rm -f "$STATE/test.resolv.conf.orig"
fi
same_as_before "edited resolv.conf"

# 7. the resolvconf backend, where installed
if [ -n "$RESOLVCONF" ]; then
    DNSRC='dns=10.1.0.53;corp.example;split;resolvconf'
    if start_paused rc "${TUN[@]}" "$DNSRC"; then
        grep -q 10.1.0.53 <<< "$("$RESOLVCONF" -l 2>/dev/null)" && ok "resolvconf entry added" \
            || bad "resolvconf entry missing"
        grep -q "^nameserver 10.1.0.53" /etc/resolv.conf && ok "resolvconf rewrote resolv.conf" \
            || bad "resolvconf did not update resolv.conf"
        kill -USR1 "$PID"
        finish 0 || bad "resolvconf run"
    fi
    same_as_before "resolvconf undo"
    kill9_case rc-kill "${TUN[@]}" "$DNSRC"
else
    echo "# note: resolvconf backend not exercised (set SSTP_TEST_OPENRESOLV to an unpacked openresolv)"
fi

# 8. the journal names a device that is now someone else's: left alone. The device holds the very
# address the journal names, so a replay that touched it would show in same_as_before. Both records
# are skipped (confined replay: the link is no longer a TUN, the address is refused on a non-TUN).
mkdir -p "$STATE"
ip link add sstp7 type veth peer name sstp7p
ip addr add 10.0.0.2/32 dev sstp7
idx=$(cat /sys/class/net/sstp7/ifindex)
cp "$TMP/before" "$TMP/before.save"
snapshot > "$TMP/before"
printf 'sstp-journal 1\nowner 1 1 -\n+ 1 link sstp7 %s\n+ 2 addr sstp7 %s 10.0.0.2/32 -\n' "$idx" "$idx" \
    > "$STATE/test.journal"
drv cleanup > "$TMP/cl" 2>&1
ip link show sstp7 >/dev/null 2>&1 && grep -q "undone=0 gone=0 skipped=2 failed=0" "$TMP/cl" \
    && grep -q "record 2 names interface sstp7 ($idx), which is not a TUN device: refused" "$TMP/cl" \
    && grep -q "sstp7 is no longer a TUN device: left alone" "$TMP/cl" \
    && ok "foreign device with a journaled name left alone" || { bad "foreign device"; cat "$TMP/cl"; }
same_as_before "foreign device"
ip link del sstp7
cp "$TMP/before.save" "$TMP/before"

# 9. systemd-resolved: a real one (installed, or SSTP_TEST_RESOLVED naming the binary, e.g. from
# dpkg -x systemd-resolved_*.deb) on its own D-Bus daemon, with /run private to this namespace
RESOLVED=${SSTP_TEST_RESOLVED:-/lib/systemd/systemd-resolved}
if [ -x "$RESOLVED" ] && command -v dbus-daemon >/dev/null && command -v busctl >/dev/null; then
    mount -t tmpfs tmpfs /run
    mkdir -p /run/dbus /run/systemd
    if ! getent passwd systemd-resolve >/dev/null; then # resolved drops privileges to this user
        cp /etc/passwd "$TMP/passwd"
        cp /etc/group "$TMP/group"
        echo 'systemd-resolve:x:990:990:resolved:/:/usr/sbin/nologin' >> "$TMP/passwd"
        echo 'systemd-resolve:x:990:' >> "$TMP/group"
        mount --bind "$TMP/passwd" /etc/passwd
        mount --bind "$TMP/group" /etc/group
    fi
    cat > "$TMP/bus.conf" <<'EOC'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOC
    export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
    dbus-daemon --config-file="$TMP/bus.conf" --fork --print-pid > "$TMP/dbus.pid"
    "$RESOLVED" > "$TMP/resolved.log" 2>&1 &
    RPID=$!
    up=0
    end=$((SECONDS + 15))
    while [ "$SECONDS" -lt "$end" ]; do
        if grep -q "b true" <<< "$(busctl --system --timeout=3 call org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus NameHasOwner s org.freedesktop.resolve1 2>/dev/null)"; then
            up=1
            break
        fi
        sleep 0.05
    done
    if [ "$up" = 1 ]; then
        rprop() { busctl --system --timeout=3 get-property org.freedesktop.resolve1 /org/freedesktop/resolve1 \
                  org.freedesktop.resolve1.Manager "$1" 2>&1; }
        snapshot() {
            ip -p -j addr; ip -p -j -4 route show table all; ip -p -j -6 route show table all
            ip -p -j link; echo "--- resolv.conf"; cat /etc/resolv.conf
            echo "--- resolved"; rprop DNS; rprop Domains
        }
        snapshot > "$TMP/before"
        DNSR='dns=10.1.0.53,fd00::53;corp.example;split;auto'
        if start_paused resolved "${TUN[@]}" "$DNSR"; then
            idx=$(cat /sys/class/net/sstp0/ifindex)
            grep -q "dns-backend systemd-resolved" "$TMP/out" && ok "resolved detected and used" \
                || bad "resolved not chosen"
            grep -q " $idx 2 4 10 1 0 53 $idx 10 16 253 0 0 " <<< "$(rprop DNS)" \
                && ok "resolved: per-link servers" || { bad "resolved: servers"; rprop DNS; }
            grep -q "$idx \"corp.example\" true" <<< "$(rprop Domains)" \
                && ok "resolved: routing domain" || { bad "resolved: domains"; rprop Domains; }
            kill -USR1 "$PID"
            finish 0 || bad "resolved run"
        fi
        same_as_before "resolved undo"
        DNSF='dns=10.1.0.53;corp.example;full;resolved'
        if start_paused resolvedfull "${TUN[@]}" "$DNSF"; then
            idx=$(cat /sys/class/net/sstp0/ifindex)
            grep -q "$idx \".\" true" <<< "$(rprop Domains)" && ok "resolved: full tunnel ~." \
                || { bad "resolved: ~."; rprop Domains; }
            kill -TERM "$PID"
            finish 143 || bad "resolved SIGTERM"
        fi
        same_as_before "resolved full tunnel, SIGTERM"
        kill9_case resolved-kill "${TUN[@]}" "$DNSF"
    else
        bad "systemd-resolved did not start"
        cat "$TMP/resolved.log"
    fi
    kill "$RPID" 2>/dev/null
    kill "$(cat "$TMP/dbus.pid")" 2>/dev/null
    wait "$RPID" 2>/dev/null
else
    echo "# note: systemd-resolved is not installed (set SSTP_TEST_RESOLVED): its backend was not exercised"
fi
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
