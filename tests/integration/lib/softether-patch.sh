# shellcheck shell=bash
# Makes a copy of Debian 12's SoftEther vpnserver that can serve SSTP (the packaged build hangs every
# SSTP call). Sourced by rig.sh; also runnable: `bash softether-patch.sh DIR` writes DIR/vpnserver.
#
# The bug: in 5.01.9674+git20200806+8181039 (Debian 12), ProtoHandleConnection() in src/Cedar/Proto.c
# reads container->Impl while `container` is still NULL (upstream fixed it in commit 5611156c, Dec 2020:
# "container = tmp;"). GCC treats that dereference as unreachable and drops the path, so for "SSTP"
# the function returns false and the server never answers SSTP_DUPLEX_POST. The 65 bytes at file
# offset 0x3a00f (the container lookup loop) are rewritten so the loop keeps the container it found
# and continues to the protocol's Init, which is what the fixed source does:
#     xor  %r12d,%r12d                       ; i = 0
#  L: mov  0x8(%r15),%rdx ; test %rdx,%rdx ; je out     ; proto->Containers
#     cmp  0x8(%rdx),%r12d ; jae out                      ; i < LIST_NUM
#     mov  0x10(%rdx),%rdx ; mov (%rdx,%r12,8),%r13       ; tmp = LIST_DATA(i)
#     mov  0x0(%r13),%rdi ; mov %rbp,%rsi ; call StrCmp   ; tmp->Name vs protocol
#     add  $1,%r12d ; test %eax,%eax ; jne L
#     mov  %r13,%rax ; jmp found                          ; container = tmp
#     nop x 11
# Both the input and the result are checked by sha256, so no other binary is ever modified.
# A fixed build (upstream >= Dec 2020) can be used instead: SOFTETHER_VPNSERVER=/path/to/vpnserver.

SE_DEB_VPNSERVER=/usr/libexec/softether/vpnserver/vpnserver
SE_DEB_VPNCMD=/usr/libexec/softether/vpncmd/vpncmd
SE_DEB_SHA256=487e51a73f152c9042837975044edd6d11cef4f29eaff2162512f2b897054212
SE_FIXED_SHA256=7aa51f2ad7ec74c7af8c9a36c862cf040fe846355c88e0c5f1c2a62318c2ba4f
SE_PATCH_OFFSET=$((0x3a00f))
SE_PATCH_OLD=488b470831db4889c24885c07528eb3190488b521089d84889ee488b04c2488b38e89b1b130085c07417498b570883c3014885d2740b3b5a0872d6660f1f440000
SE_PATCH_NEW=4531e4498b57084885d27435443b6208732f488b52104e8b2ce2498b7d004889eee89b1b13004183c40185c075d54c89e8e9640000009090909090909090909090

# se_patch_vpnserver DEST_DIR: writes DEST_DIR/vpnserver (patched, sha256-checked) and a hamcore.se2
# link next to it (SoftEther loads its string table from its own directory). Returns 0 on success;
# on failure prints why on stderr and returns 1 (2 when the installed binary is not the known one).
se_patch_vpnserver() {
    local dest=$1 src=$SE_DEB_VPNSERVER sum old tmp
    if [ ! -f "$src" ]; then
        echo "softether-patch: $src not found (install softether-vpnserver)" >&2
        return 2
    fi
    sum=$(sha256sum "$src" | cut -d' ' -f1)
    if [ "$sum" != "$SE_DEB_SHA256" ]; then
        echo "softether-patch: $src has sha256 $sum; the SSTP fix is known only for" \
             "5.01.9674+git20200806+8181039+dfsg2-2+b2 ($SE_DEB_SHA256)." \
             "Set SOFTETHER_VPNSERVER to a fixed vpnserver build instead." >&2
        return 2
    fi
    mkdir -p "$dest" || return 1
    tmp=$dest/vpnserver.tmp
    cp "$src" "$tmp" || return 1
    old=$(od -An -v -tx1 -j "$SE_PATCH_OFFSET" -N 65 "$tmp" | tr -d ' \n')
    if [ "$old" != "$SE_PATCH_OLD" ]; then
        echo "softether-patch: the bytes at the patch site are not the expected ones" >&2
        rm -f "$tmp"
        return 1
    fi
    # shellcheck disable=SC2059  # the format is built from hex digits only
    printf "$(printf '%s' "$SE_PATCH_NEW" | sed 's/../\\x&/g')" \
        | dd of="$tmp" bs=1 seek="$SE_PATCH_OFFSET" conv=notrunc status=none || return 1
    sum=$(sha256sum "$tmp" | cut -d' ' -f1)
    if [ "$sum" != "$SE_FIXED_SHA256" ]; then
        echo "softether-patch: patched binary has sha256 $sum, expected $SE_FIXED_SHA256" >&2
        rm -f "$tmp"
        return 1
    fi
    chmod 755 "$tmp" && mv -f "$tmp" "$dest/vpnserver" || return 1
    ln -sf "$(readlink -f "$(dirname "$src")/hamcore.se2")" "$dest/hamcore.se2"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    [ $# -eq 1 ] || { echo "usage: $0 DEST_DIR" >&2; exit 2; }
    se_patch_vpnserver "$1" && echo "patched vpnserver written to $1/vpnserver"
fi
