#!/bin/bash
# PID 1 of the rig's guest, UML or QEMU (started by rig_uml_run in uml.sh): mounts, PPP and TUN
# modules, the guest's network, then runs the requested script and powers off. RIG_DIR comes from
# the kernel command line (unknown KEY=VALUE kernel parameters become init's environment).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# The hostfs root is read-only: private /run and /tmp (sstpc writes its pppd options to /tmp, pppd
# its lock and pid files to /run), and the rig's state directory back at its own path, read-write.
mount -t tmpfs tmpfs /run
mkdir -p /run/lock /dev/pts
mount -t devpts devpts /dev/pts
# (read before /tmp is hidden: the source tree may be under /tmp)
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
mount -t tmpfs tmpfs /tmp
guest_mount_host "$RIG_DIR"
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
    guest_mount_host "$d"
done

guest_load_ppp tun
hostname rig-guest
ip link set lo up
guest_netif
ip addr add "$RIG_UML_GUEST_IP/24" dev vec0
ip link set vec0 up
ip route add "$RIG_LINK_NET" via "$RIG_UML_HOST_IP"

cd /tmp || true
bash "$RIG_GUEST_SCRIPT" "${RIG_GUEST_ARGS[@]}"
echo $? > "$RIG_DIR/uml/rc"
sync
echo o > /proc/sysrq-trigger
sleep 30
