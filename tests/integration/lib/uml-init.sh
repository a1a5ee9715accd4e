#!/bin/bash
# PID 1 of the rig's User-Mode Linux guest (started by rig_uml_run in uml.sh): mounts, PPP and TUN
# modules, the guest's network, then runs the requested script and powers off. RIG_DIR comes from
# the UML command line (unknown KEY=VALUE kernel parameters become init's environment).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# The hostfs root is read-only: private /run and /tmp (sstpc writes its pppd options to /tmp, pppd
# its lock and pid files to /run), and the rig's state directory back at its own path, read-write.
mount -t tmpfs tmpfs /run
mkdir -p /run/lock /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mkdir -p "$RIG_DIR"
mount -t hostfs none "$RIG_DIR" -o "$RIG_DIR"
touch "$RIG_DIR/uml/started"

# shellcheck source=/dev/null
. "$RIG_DIR/rig.env"
# shellcheck source=/dev/null
. "$RIG_DIR/uml/guest.env"
export RIG_IN_GUEST=1
# Host directories the guest needs that the tmpfs on /tmp hides (a clone or build under /tmp).
for d in "${RIG_GUEST_EXPORTS[@]}"; do
    case "$d" in /tmp/*) ;; *) continue ;; esac
    mountpoint -q "$d" && continue
    mkdir -p "$d" && mount -t hostfs none "$d" -o "$d"
done

M=/usr/lib/uml/modules/$(uname -r)/kernel
for m in lib/crc-ccitt drivers/net/slip/slhc drivers/net/ppp/ppp_generic drivers/net/ppp/ppp_async \
         drivers/net/tun; do
    insmod "$M/$m.ko" 2>/dev/null || echo "uml-init: insmod $m failed"
done
hostname rig-guest
ip link set lo up
ip addr add "$RIG_UML_GUEST_IP/24" dev vec0
ip link set vec0 up
ip route add "$RIG_LINK_NET" via "$RIG_UML_HOST_IP"

cd /tmp || true
bash "$RIG_GUEST_SCRIPT" "${RIG_GUEST_ARGS[@]}"
echo $? > "$RIG_DIR/uml/rc"
sync
echo o > /proc/sysrq-trigger
sleep 30
