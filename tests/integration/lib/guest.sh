# shellcheck shell=bash
# The engines that boot the PPP-capable guest (this machine's kernel may have no /dev/ppp): UML
# (user-mode-linux, see uml.sh) or QEMU with Debian's own kernel. Sourced by uml.sh and by
# test_ppp_pppd.sh; needs nothing from rig.sh. UML does not boot on Intel CPUs with AMX ("ptrace
# set fp regs failed", then a panic); QEMU runs with KVM where /dev/kvm opens, TCG otherwise.
#
# The QEMU guest sees the host's / read-only over virtio-9p (tag hostroot, its root; like UML's
# hostfs) and read-write (tag hostrw, for the directories the guest writes back, see guest-lib.sh);
# /run and /tmp are tmpfs (the init script mounts them, as under UML). Its kernel and an initramfs
# (guest-qemu-init.c + the virtio, 9p, PPP and TUN modules) are prepared once from
# `apt-get download linux-image-amd64` into $SSTP_GUEST_CACHE (default /var/cache/sstp-test-guest):
# nothing is installed, the host's /boot and boot loader are untouched.
#
#   guest_engine            uml or qemu: $RIG_GUEST_ENGINE (auto|uml|qemu, default auto); auto gives
#                           qemu when the CPU has AMX, else uml (callers fall back to qemu if UML
#                           does not boot: guest_uml_failed)
#   guest_qemu_check        0 if a QEMU guest can be booted here (prepares the kernel), else prints why
#   guest_qemu_start LOG NS TAP MEM INIT [KEY=VALUE...]
#                           starts QEMU in the background (in namespace NS with its NIC on tap TAP
#                           renamed vec0 in the guest, or no NIC if NS is empty); INIT is run as the
#                           guest's PID 1 with the KEY=VALUEs in its environment, plus
#                           RIG_GUEST_ENGINE=qemu. Sets GUEST_PID. The guest powers off with
#                           `echo o > /proc/sysrq-trigger`; QEMU then exits.
#   guest_qemu_kvm          0 if KVM works here (else QEMU runs with TCG, several times slower)
#   guest_wait_started PID FILE SECS
#                           0 once FILE exists; 1 if PID ended without it; 2 after SECS (PID killed)
#   guest_uml_failed LOG    0 if the UML console LOG shows the AMX failure or a panic
# GUEST_BOOT_MS: the last guest_wait_started's time from start to FILE.

: "${SSTP_GUEST_CACHE:=/var/cache/sstp-test-guest}"
: "${RIG_GUEST_ENGINE:=auto}"
GUEST_LIB_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
GUEST_MODULES="virtio_pci virtio_net 9p 9pnet_virtio ppp_async ppp_generic ppp_mppe tun"

_guest_ms() { echo $(( $(date +%s%N) / 1000000 )); }

guest_engine() {
    case "$RIG_GUEST_ENGINE" in
        uml|qemu) echo "$RIG_GUEST_ENGINE" ;;
        *) if grep -qw -m1 -E 'amx_tile|amx_bf16|amx_int8' /proc/cpuinfo 2>/dev/null; then
               echo qemu
           else
               echo uml
           fi ;;
    esac
}

guest_uml_failed() {
    grep -q -E 'ptrace set fp regs failed|Kernel panic|kernel panic' "$1" 2>/dev/null
}

# _guest_qemu_build DIR: download Debian's kernel and build DIR/{vmlinuz,initrd.gz}
_guest_qemu_build() {
    local dir=$1 pkg tmp ver m n=0 mods
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$pkg" ] || { echo "apt knows no linux-image-amd64" >&2; return 1; }
    tmp=$(mktemp -d "$dir.tmp.XXXXXX") || return 1
    chmod 755 "$tmp"
    if ! (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1); then
        echo "apt-get download $pkg failed" >&2; rm -rf "$tmp"; return 1
    fi
    dpkg -x "$tmp"/*.deb "$tmp/k" && rm -f "$tmp"/*.deb
    for ver in "$tmp"/k/lib/modules/*; do ver=${ver##*/}; break; done
    depmod -b "$tmp/k" "$ver" || { rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/i/m"
    # shellcheck disable=SC2086
    mods=$(for m in $GUEST_MODULES; do modprobe -d "$tmp/k" -S "$ver" --show-depends "$m"; done |
           awk '$1 == "insmod" && !seen[$2]++ {print $2}')
    for m in $mods; do
        cp "$m" "$tmp/i/m/$(printf %02d $n)-$(basename "$m")"; n=$((n + 1))
    done
    gcc -static -O2 -Wall -Wextra -Werror -o "$tmp/i/init" "$GUEST_LIB_DIR/guest-qemu-init.c" ||
        { echo "cannot build the guest's init (gcc -static)" >&2; rm -rf "$tmp"; return 1; }
    python3 - "$tmp/i" "$tmp/initrd" <<'EOF' || { rm -rf "$tmp"; return 1; }
import os, sys
# a newc cpio archive of the directory argv[1] (the kernel's initramfs format)
src, out = sys.argv[1], sys.argv[2]
ino = [1]
def entry(f, name, mode, data=b""):
    hdr = "070701" + "".join("%08x" % v for v in (ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0,
                                                  len(name) + 1, 0))
    ino[0] += 1
    b = hdr.encode() + name.encode() + b"\0"
    b += b"\0" * (-len(b) % 4) + data
    f.write(b + b"\0" * (-len(b) % 4))
with open(out, "wb") as f:
    for root, dirs, files in os.walk(src):
        dirs.sort()
        rel = os.path.relpath(root, src)
        if rel != ".":
            entry(f, rel, 0o40755)
        for n in sorted(files):
            p = os.path.join(root, n)
            name = n if rel == "." else rel + "/" + n
            entry(f, name, 0o100000 | (os.stat(p).st_mode & 0o777), open(p, "rb").read())
    entry(f, "TRAILER!!!", 0)
EOF
    gzip -1 "$tmp/initrd"
    mv "$tmp/k/boot/vmlinuz-$ver" "$tmp/vmlinuz"
    rm -rf "$tmp/k" "$tmp/i"
    echo "$ver" > "$tmp/version"
    rm -rf "$dir" && mv "$tmp" "$dir"
}

_guest_qemu_ready() { [ -s "$1/vmlinuz" ] && [ -s "$1/initrd.gz" ] && [ "$(cat "$1/source.sum" 2>/dev/null)" = "$2" ]; }

# _guest_qemu_prepare: sets GUEST_QEMU_DIR to a directory with vmlinuz and initrd.gz
_guest_qemu_prepare() {
    local dir=$SSTP_GUEST_CACHE/qemu-debian rc=0 sum
    GUEST_QEMU_DIR=$dir
    # The cache is rebuilt when the init's source or the module list changes.
    sum=$({ cat "$GUEST_LIB_DIR/guest-qemu-init.c"; echo "$GUEST_MODULES"; } | sha256sum | cut -c1-16)
    _guest_qemu_ready "$dir" "$sum" && return 0
    mkdir -p "$SSTP_GUEST_CACHE" || return 1
    # One preparation at a time (tests run in parallel); the others wait for it.
    exec {lk}>"$SSTP_GUEST_CACHE/.lock"
    flock -w 600 "$lk" || { echo "timed out waiting for $SSTP_GUEST_CACHE/.lock" >&2; exec {lk}>&-; return 1; }
    if ! _guest_qemu_ready "$dir" "$sum"; then
        echo "guest: preparing Debian's kernel for QEMU in $dir (once)" >&2
        _guest_qemu_build "$dir" && echo "$sum" > "$dir/source.sum"; rc=$?
    fi
    exec {lk}>&-
    return $rc
}

guest_qemu_check() {
    local -; set +e +o pipefail
    command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "qemu-system-x86_64 not found (Debian package qemu-system-x86)" >&2; return 1; }
    local t
    for t in gcc python3 apt-get dpkg depmod modprobe gzip flock; do
        command -v "$t" >/dev/null 2>&1 || { echo "$t not found (needed to prepare the QEMU guest)" >&2; return 1; }
    done
    _guest_qemu_prepare || { echo "could not prepare Debian's kernel for the QEMU guest in $SSTP_GUEST_CACHE" >&2; return 1; }
}

guest_qemu_start() {
    local log=$1 ns=$2 tap=$3 mem=$4 init=$5; shift 5
    local accel=(-accel tcg -cpu max) net=(-nic none) wrap=()
    _guest_qemu_prepare || return 1
    if guest_qemu_kvm; then
        accel=(-accel kvm -cpu host)
    elif [ -f /usr/share/qemu/qboot.rom ]; then
        # qboot instead of SeaBIOS: under TCG it boots the kernel a few seconds sooner
        accel+=(-bios /usr/share/qemu/qboot.rom)
    fi
    if [ -n "$ns" ]; then
        wrap=(ip netns exec "$ns")
        # shellcheck disable=SC2054 # commas belong to QEMU's option syntax
        net=(-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" -device virtio-net-pci,netdev=n0)
    fi
    ( exec "${wrap[@]}" qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp 1 -nodefaults -no-user-config \
        -display none -monitor none -serial stdio -no-reboot \
        -kernel "$GUEST_QEMU_DIR/vmlinuz" -initrd "$GUEST_QEMU_DIR/initrd.gz" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
        -virtfs local,path=/,mount_tag=hostrw,security_model=passthrough,multidevs=remap \
        "${net[@]}" \
        -append "console=ttyS0 quiet panic=-1 no_timer_check net.ifnames=0 guest_init=$init RIG_GUEST_ENGINE=qemu $*" ) \
        </dev/null >"$log" 2>&1 &
    # shellcheck disable=SC2034 # for the caller
    GUEST_PID=$!
}

# guest_qemu_kvm: 0 if KVM works here (/dev/kvm opens and answers KVM_GET_API_VERSION)
guest_qemu_kvm() {
    [ -c /dev/kvm ] && python3 -c 'import fcntl, os; fcntl.ioctl(os.open("/dev/kvm", os.O_RDWR), 0xAE00)' 2>/dev/null
}

guest_wait_started() {
    local pid=$1 file=$2 secs=$3 t0 end
    t0=$(_guest_ms); end=$(( t0 + secs * 1000 ))
    while [ "$(_guest_ms)" -lt "$end" ]; do
        # shellcheck disable=SC2034 # for the caller
        [ -e "$file" ] && { GUEST_BOOT_MS=$(( $(_guest_ms) - t0 )); return 0; }
        kill -0 "$pid" 2>/dev/null || { [ -e "$file" ] && return 0; return 1; }
        sleep 0.1
    done
    kill "$pid" 2>/dev/null
    return 2
}
