#!/bin/bash
# pppd-guest.sh - PID 1 of the guest (UML or QEMU, see lib/guest.sh) booted by tests/integration/test_ppp_pppd.sh:
# loads the PPP modules, gives pppd a private /etc/ppp, then runs each interop case (Debian's pppd
# as the server, our engine through ppp_pppd_driver as the client) and powers off. PPP_WORK,
# PPP_DRIVER and PPP_DATA come from the kernel command line.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
# (read before /tmp is hidden: the source tree may be under /tmp)
# shellcheck source=../../integration/lib/guest-lib.sh
. "$(dirname "$PPP_DATA")/../integration/lib/guest-lib.sh"
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts 2>/dev/null
for d in "$PPP_WORK" "$(dirname "$PPP_DRIVER")" "$(dirname "$PPP_DATA")"; do
    case "$d" in /tmp/*|/run/*) mountpoint -q "$d" || guest_mount_host "$d" ;; esac
done
mountpoint -q "$PPP_WORK" || guest_mount_host "$PPP_WORK" 2>/dev/null
echo started > "$PPP_WORK/started"
guest_load_ppp >> "$PPP_WORK/guest.log" 2>&1
ip link set lo up

# pppd reads /etc/ppp/options and the secrets files: use our own.
mount -t tmpfs tmpfs /etc/ppp
: > /etc/ppp/options
printf '%s\n' 'papuser * "pap pass" *' > /etc/ppp/pap-secrets
printf '%s\n' 'chapuser srv "clientPass" *' 'DOM\\domuser srv "clientPass" *' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/pap-secrets /etc/ppp/chap-secrets
T=$(readlink -f "$PPP_DATA/../tls")
printf '* srv - %s %s %s *\n' "$T/server.pem" "$T/ca.pem" "$T/server.key" > /etc/ppp/eaptls-server
chmod 600 /etc/ppp/eaptls-server

common=(notty nodetach debug name srv 10.99.0.1:10.99.0.2 ms-dns 10.99.0.53 ms-dns 10.99.0.54
        lcp-echo-interval 1 lcp-echo-failure 3 nodefaultroute)
run() { # name driver-args... -- pppd-args...
    local name=$1; shift
    local dargs=() 
    while [ "$1" != "--" ]; do dargs+=("$1"); shift; done
    shift
    timeout 120 "$PPP_DRIVER" "${dargs[@]}" -- pppd "${common[@]}" logfile "$PPP_WORK/$name.pppd.log" "$@" \
        > "$PPP_WORK/$name.out" 2>&1
    echo $? > "$PPP_WORK/$name.rc"
}

run pap --user papuser --password "pap pass" --dns --hold 4000 --expect ipv4 -- auth require-pap
run mschapv2 --user chapuser --password clientPass --dns --hold 1000 --expect ipv4 -- auth require-mschap-v2
run mschapv2_domain --user 'DOM\domuser' --password clientPass --hold 500 --expect ipv4 -- auth require-mschap-v2
run mschapv2_wrong --user chapuser --password wrong --expect authfail -- auth require-mschap-v2
run peerterm --user papuser --password "pap pass" --hold 500 --expect peerterm -- auth require-pap
run noauth --hold 500 --expect ipv4 -- noauth
run ipv6 --user papuser --password "pap pass" --ipv6 --hold 500 --expect ipv4 -- auth require-pap +ipv6 ipv6 ::1,::2
run eaptls --auth eaptls --user "sstp test client" --cert "$T/client.pem" --key "$T/client.key" --ca "$T/ca.pem" \
    --hold 500 --expect ipv4 -- auth require-eap ca "$T/ca.pem" cert "$T/server.pem" key "$T/server.key"
run eaptls_badca --auth eaptls --user "sstp test client" --cert "$T/client.pem" --key "$T/client.key" \
    --ca "$T/other-ca.pem" --expect authfail -- auth require-eap ca "$T/ca.pem" cert "$T/server.pem" key "$T/server.key"
echo done > "$PPP_WORK/finished"
sync
echo o > /proc/sysrq-trigger
sleep 30
