# shellcheck shell=bash
# Sourced inside the PPP-capable guest (uml-init.sh, tests/data/ppp/pppd-guest.sh) after /run is
# mounted: what differs between the engines (guest.sh). RIG_GUEST_ENGINE is qemu in a QEMU guest
# (set on its kernel command line), unset under UML.
#
#   guest_mount_host DIR   the host's DIR at DIR in the guest, read-write (UML hostfs; QEMU: a bind
#                          mount from the 9p share hostrw)
#   guest_load_ppp [tun]   PPP (and TUN) kernel support; QEMU's initramfs has loaded it already
#   guest_netif            the guest's NIC is vec0 under both engines (QEMU's eth0 is renamed)

guest_mount_host() {
    local d=$1
    mkdir -p "$d" 2>/dev/null
    if [ "${RIG_GUEST_ENGINE:-}" = qemu ]; then
        if ! mountpoint -q /run/.hostrw; then
            mkdir -p /run/.hostrw
            mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 hostrw /run/.hostrw || return 1
        fi
        mount --bind "/run/.hostrw$d" "$d"
    else
        mount -t hostfs none "$d" -o "$d"
    fi
}

guest_load_ppp() {
    local m M mods="lib/crc-ccitt drivers/net/slip/slhc
        drivers/net/ppp/ppp_generic drivers/net/ppp/ppp_async"
    [ "${1:-}" = tun ] && mods="$mods drivers/net/tun"
    M=/usr/lib/uml/modules/$(uname -r)/kernel
    if [ "${RIG_GUEST_ENGINE:-}" != qemu ]; then
        for m in $mods; do
            insmod "$M/$m.ko" 2>/dev/null || echo "guest: insmod $m failed"
        done
    fi
    [ -e /dev/ppp ] || mknod /dev/ppp c 108 0 2>/dev/null
    return 0
}

guest_netif() {
    [ -e /sys/class/net/vec0 ] && return 0
    [ -e /sys/class/net/eth0 ] && ip link set eth0 name vec0
}
