#!/bin/bash
# test_plat_journal_confine.sh - journal replay (`sstp cleanup`) touches only what sstp makes. In a
# network namespace and a private mount namespace (where /etc/passwd is a bind-mounted copy), a
# forged journal of a dead session asks to delete the uplink's default route (protocol dhcp), the
# uplink's address, to "restore" /etc/passwd from a planted file and to delete another session's
# kill-switch table (nftables): all refused, nothing changes. The same journal in a group-writable state directory is not replayed at all, and a
# genuine record (a route of sstp's protocol 83, the session's own nftables table) is replayed once the directory is root's 0700,
# so the test can fail. Needs root; exit 0 pass, 1 fail, 77 skip.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SSTP_BIN=${SSTP_BIN:-${SSTP_BUILD_DIR:-$SRC/build}/sstp}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$SSTP_BIN" ] || { echo "SKIP: no sstp binary at $SSTP_BIN"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare missing"; exit 77; }

if [ "${1:-}" != --inside ]; then
    NS=sstpjc$$
    ip netns add "$NS" || { echo "SKIP: cannot make a network namespace"; exit 77; }
    trap 'ip netns del "$NS" 2>/dev/null' EXIT
    ip netns exec "$NS" unshare -m --propagation private "$0" --inside
    exit $?
fi

FAILS=0
check() { local what=$1; shift; if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; FAILS=$((FAILS + 1)); fi; }
TMP=$(mktemp -d /tmp/sstp-jc.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASSWD_MD5=$(md5sum < /etc/passwd)
cp /etc/passwd "$TMP/passwd" && mount --bind "$TMP/passwd" /etc/passwd || { echo "SKIP: bind mount"; exit 77; }

# no IPv6 here: its link-local addresses settle (DAD) while the test runs and would make the
# before/after snapshots differ for reasons of their own
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
ip link add up0 type veth peer name up1 && ip link set up0 up && ip link set up1 up && ip link set lo up
ip addr add 10.9.0.2/24 dev up0
ip route add default via 10.9.0.1 dev up0 proto dhcp
ip route add 10.55.0.0/24 via 10.9.0.1 dev up0 proto 83 metric 7
IDX=$(cat /sys/class/net/up0/ifindex)
HAVE_NFT=0
if command -v nft >/dev/null && nft add table inet sstp_other && nft add table inet sstp_forged; then
    HAVE_NFT=1
fi
snap() { ip -o addr show; ip route show table all; md5sum < /etc/passwd; [ "$HAVE_NFT" = 0 ] || nft list tables; }

STATE=$TMP/state
mkdir -m 700 "$STATE"
printf 'evil::0:0:planted:/:/bin/sh\n' > "$STATE/x.orig"
cp /etc/passwd "$STATE/x.ours"
journal() { # the forged journal of a dead session (pid 4194304 is at least pid_max - 1... unused)
    {
        echo "sstp-journal 1"
        echo "owner 4194304 1 -"
        echo "+ 1 route 0.0.0.0/0 10.9.0.1 up0 $IDX 0 254 16"
        echo "+ 2 addr up0 $IDX 10.9.0.2/24 -"
        echo "+ 3 dns-file /etc/passwd $STATE/x.orig $STATE/x.ours"
        echo "+ 4 dns-file /etc/resolv.conf /etc/shadow $STATE/x.ours"
        echo "+ 5 nft sstp_other"
        [ "${1:-}" = genuine ] && echo "+ 6 route 10.55.0.0/24 10.9.0.1 up0 $IDX 7 254 83"
        [ "${1:-}" = genuine ] && echo "+ 7 nft sstp_forged"
    } > "$STATE/forged.journal"
}
run_cleanup() { "$SSTP_BIN" cleanup --state-dir "$STATE" > "$TMP/$1.out" 2> "$TMP/$1.err"; RC=$?; }

BEFORE=$(snap)
# 1. a group-writable state directory: nothing replayed
journal genuine
chmod 770 "$STATE"
run_cleanup gw
check "group-writable state directory: refused with a sentence" grep -q "writable by group or others" "$TMP/gw.err" "$TMP/gw.out"
check "group-writable state directory: nothing changed" [ "$(snap)" = "$BEFORE" ]
check "group-writable state directory: the journal is left" test -f "$STATE/forged.journal"
chmod 700 "$STATE"

# 2. the forged records are refused, one by one
journal
run_cleanup forged
cat "$TMP/forged.err" "$TMP/forged.out" | sed 's/^/#   /'
check "forged: the default route of protocol dhcp is still there" sh -c 'ip route show default | grep -q "via 10.9.0.1 dev up0 proto dhcp"' 
check "forged: the uplink's address is still there" sh -c 'ip -o addr show dev up0 | grep -q "10.9.0.2/24"' 
check "forged: /etc/passwd unchanged" [ "$(md5sum < /etc/passwd)" = "$PASSWD_MD5" ]
check "forged: nothing changed at all" [ "$(snap)" = "$BEFORE" ]
check "forged: the route refusal is explained" grep -q "protocol 16, not sstp's (83): refused" "$TMP/forged.err" "$TMP/forged.out"
check "forged: the file refusal is explained" grep -q "names the file /etc/passwd, not the configured /etc/resolv.conf" "$TMP/forged.err" "$TMP/forged.out"
check "forged: the copy outside the state directory is refused" grep -q "outside the state directory" "$TMP/forged.err" "$TMP/forged.out"
check "forged: the non-TUN address is refused" grep -q "interface up0 ($IDX), which is not a TUN device" "$TMP/forged.err" "$TMP/forged.out"
check "forged: the planted file is still in the state directory" test -f "$STATE/x.orig"
if [ "$HAVE_NFT" = 1 ]; then
    check "forged: another session's kill-switch table is refused" \
        grep -q "names the nftables table sstp_other, not sstp_forged: refused" "$TMP/forged.err" "$TMP/forged.out"
fi

# 3. a genuine record (sstp's own route protocol) is replayed, the forged ones still refused
journal genuine
run_cleanup genuine
check "genuine: sstp's own route was there before" [ -n "$(echo "$BEFORE" | grep "10.55.0.0/24")" ]
check "genuine: sstp's own route was removed" sh -c "! ip route show 10.55.0.0/24 | grep -q ."
check "genuine: the dhcp default route is still there" sh -c 'ip route show default | grep -q "proto dhcp"' 
check "genuine: /etc/passwd unchanged" [ "$(md5sum < /etc/passwd)" = "$PASSWD_MD5" ]
if [ "$HAVE_NFT" = 1 ]; then
    check "genuine: the session's own kill-switch table was removed" sh -c "! nft list table inet sstp_forged 2>/dev/null"
    check "genuine: the other session's table is still there" sh -c "nft list table inet sstp_other >/dev/null"
fi

echo "$FAILS failed checks"
[ "$FAILS" = 0 ]
