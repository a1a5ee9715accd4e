#!/bin/sh
# Installs every package sstp needs to build and to run its whole test suite on Debian 12 /
# Ubuntu. Idempotent: packages already present are left alone; apt runs only when one is missing.
# Used by the README's commands, by .ci/run and by developers.
set -eu

BUILD="build-essential cmake pkg-config libmbedtls-dev libcurl4-openssl-dev libcmocka-dev
libexpat1-dev libzip-dev zlib1g-dev libmnl-dev libmspack-dev clang libclang-rt-14-dev
libp11-kit-dev nettle-dev
libgtk-3-dev libayatana-appindicator3-dev
libnm-dev libsystemd-dev
libnftables-dev"
TEST="iproute2 iputils-ping procps psmisc openssl ca-certificates curl iperf3 socat
softether-vpnserver softether-vpncmd sstp-client ppp user-mode-linux kmod softhsm2 opensc p11-kit-modules
zip unzip python3 tcpdump tinyproxy freeradius
xvfb xdotool imagemagick trayer dunst dbus systemd
network-manager util-linux"
# the NPS behind the RRAS/MikroTik-faithful test gateway (tests/integration/rras_gw.py, issue 16)
# and hostap's eapol_test, which proves its PEAP MSK
TEST="$TEST freeradius eapoltest"
# the black hole of tests/integration/test_sstp_wake.sh (nft in the gateway's namespace)
TEST="$TEST nftables"
# the QEMU engine of the PPP-capable test guest where UML does not boot (Intel AMX; lib/guest.sh)
TEST="$TEST qemu-system-x86"
# the DNS server on the rig's service host (tests/integration/test_sstp_dns.sh, issue 18); that
# test fetches systemd-resolved with apt-get download and never installs it
TEST="$TEST dnsmasq"

# ---- Windows cross build (issue 12, tests/windows/build.sh) -------------------------------------
# mingw-w64 cross compiler, wine64 to run the unit tests, dpkg-dev for `apt-get source`, and a
# deb-src twin of every apt source so the Windows dependencies can be built from Debian's sources.
# Idempotent: the twin file is written once, only when no deb-src entry exists at all.
WINDOWS="gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev binutils-mingw-w64-x86-64 wine64 dpkg-dev"
if [ "$(id -u)" = 0 ] && ! grep -qsE '^(deb-src |Types:.*deb-src)' /etc/apt/sources.list \
        /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
    src822=$(for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && sed 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' "$f" && echo
    done)
    srclist=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -n 's/^deb[[:space:]]/deb-src /p')
    [ -n "$src822" ] && printf '%s\n' "$src822" > /etc/apt/sources.list.d/sstp-deb-src.sources
    [ -n "$srclist" ] && printf '%s\n' "$srclist" > /etc/apt/sources.list.d/sstp-deb-src.list
    echo "deps-debian.sh: added deb-src sources (for tests/windows/build.sh)"
    apt-get update -qq
fi
# ---- end of the Windows block --------------------------------------------------------------------

if [ "$(id -u)" != 0 ]; then
    echo "deps-debian.sh: run as root (it installs packages with apt-get)" >&2
    exit 1
fi

missing=""
for p in $BUILD $TEST $WINDOWS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && { echo "deps-debian.sh: all packages present"; exit 0; }

echo "deps-debian.sh: installing:$missing"
# Installing softether-vpnserver on a systemd machine would start a system-wide server on :443;
# a temporary policy-rc.d keeps every service this install brings from starting.
policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy=1
fi
cleanup() { [ "$policy" = 1 ] && rm -f /usr/sbin/policy-rc.d; return 0; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now softether-vpnserver.service >/dev/null 2>&1 || true
    systemctl disable --now tinyproxy.service >/dev/null 2>&1 || true # tests run their own
    systemctl disable --now freeradius.service >/dev/null 2>&1 || true # likewise
fi
echo "deps-debian.sh: done"
