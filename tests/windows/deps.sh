#!/bin/bash
# Builds the Windows (x86_64-w64-mingw32) static libraries sstp links, from Debian 12's source
# packages (`apt-get source`, needs the deb-src entry .ci/deps-debian.sh adds), into PREFIX:
# mbedTLS, zlib, expat, libzip, libmspack, cmocka, libcurl (HTTP(S) only, mbedTLS backend).
# Usage: deps.sh WORKDIR   (sources in WORKDIR/src, logs in WORKDIR/logs, result in WORKDIR/prefix)
# Cached: a library whose stamp (source package version) is in PREFIX is not rebuilt.
set -u -o pipefail

WORK=${1:?usage: deps.sh WORKDIR}
JOBS=${SSTP_JOBS:-2}
TRIPLE=x86_64-w64-mingw32
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLCHAIN=$(cd "$HERE/../../cmake" && pwd)/toolchain-mingw64.cmake
SRC=$WORK/src
LOGS=$WORK/logs
PREFIX=$WORK/prefix
mkdir -p "$SRC" "$LOGS" "$PREFIX/lib/pkgconfig" "$PREFIX/include"
export SSTP_WIN_DEPS=$PREFIX

say() { printf '[windows-deps] %s\n' "$*"; }
die() { say "$*"; exit 1; }

# Windows-only link flags for the dependencies' own configure checks.
CC=$(command -v $TRIPLE-gcc-win32 || command -v $TRIPLE-gcc) || die "no $TRIPLE-gcc"
CMAKE_COMMON=(-DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DSSTP_WIN_DEPS="$PREFIX"
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
    -DCMAKE_C_FLAGS="-O2 -g0" -DCMAKE_INSTALL_LIBDIR=lib -Wno-dev)

# fetch PKG: unpack Debian's source package PKG (patches applied) under $SRC; prints the
# directory. Tries the candidate version first, then every other version apt knows (a mirror
# may lack the newest security upload's files).
fetch() {
    local pkg=$1 d v
    d=$(find "$SRC" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n 1)
    if [ -n "$d" ] && [ -f "$d/.sstp-unpacked" ]; then echo "$d"; return 0; fi
    rm -rf "${SRC:?}/$pkg"-[0-9]* "${SRC:?}/$pkg"_*
    (
        cd "$SRC" || exit 1
        apt-get source -qq "$pkg" >>"$LOGS/$pkg.fetch.log" 2>&1 && exit 0
        for v in $(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -ru); do
            apt-get source -qq "$pkg=$v" >>"$LOGS/$pkg.fetch.log" 2>&1 && exit 0
        done
        exit 1
    ) || { tail -n 5 "$LOGS/$pkg.fetch.log" >&2; return 1; }
    d=$(find "$SRC" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n 1)
    [ -n "$d" ] || return 1
    touch "$d/.sstp-unpacked"
    echo "$d"
}

# version of the unpacked source (from debian/changelog)
srcver() { sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$1/debian/changelog"; }

cmake_build() { # SRCDIR BUILDDIR LOG [cmake args]
    local s=$1 b=$2 log=$3; shift 3
    cmake -S "$s" -B "$b" "${CMAKE_COMMON[@]}" "$@" >>"$log" 2>&1 &&
        cmake --build "$b" -j "$JOBS" >>"$log" 2>&1 &&
        cmake --install "$b" >>"$log" 2>&1
}

# Add a define to a .pc file's Cflags (static libraries need them on Windows).
pc_cflags() { # PCFILE FLAG
    grep -q -- "$2" "$1" || sed -i "s|^Cflags:\(.*\)|Cflags:\1 $2|" "$1"
}

build_mbedtls() { # mirrors Debian's debian/rules config, except threading (pthread-only)
    local s=$1 log=$2
    (cd "$s" && for o in MBEDTLS_DEPRECATED_WARNING MBEDTLS_HAVEGE_C MBEDTLS_MD2_C MBEDTLS_MD4_C \
        MBEDTLS_CMAC_C MBEDTLS_SSL_DTLS_SRTP; do python3 scripts/config.py set $o || exit 1; done) \
        >>"$log" 2>&1 || return 1
    cmake_build "$s" "$s/_build" "$log" -DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF \
        -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON \
        -DMBEDTLS_FATAL_WARNINGS=OFF || return 1
    cat >"$PREFIX/lib/pkgconfig/mbedtls.pc" <<EOF
prefix=$PREFIX
Name: mbedtls
Description: mbedTLS (static, Windows)
Version: $(srcver "$s" | sed 's/-.*//')
Cflags: -I\${prefix}/include
Libs: -L\${prefix}/lib -lmbedtls -lmbedx509 -lmbedcrypto
Libs.private: -lws2_32 -lbcrypt -ladvapi32
EOF
}

build_zlib() {
    local s=$1 log=$2
    # Debian's dfsg tarball has no win32/ makefile: compile the library's files directly.
    local f o objs=()
    mkdir -p "$s/_build"
    for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate \
        inftrees trees uncompr zutil; do
        o=$s/_build/$f.o
        "$CC" -O2 -D_LARGEFILE64_SOURCE=1 -c "$s/$f.c" -o "$o" >>"$log" 2>&1 || return 1
        objs+=("$o")
    done
    rm -f "$PREFIX/lib/libz.a"
    $TRIPLE-ar rcs "$PREFIX/lib/libz.a" "${objs[@]}" >>"$log" 2>&1 &&
        install -m 644 "$s/zlib.h" "$s/zconf.h" "$PREFIX/include/" || return 1
    cat >"$PREFIX/lib/pkgconfig/zlib.pc" <<EOF
prefix=$PREFIX
Name: zlib
Description: zlib (static, Windows)
Version: $(srcver "$s" | sed 's/[.-]dfsg.*//')
Cflags: -I\${prefix}/include
Libs: -L\${prefix}/lib -lz
EOF
}

build_expat() {
    local s=$1 log=$2 b=$1/_build
    cmake -S "$s/expat" -B "$b" "${CMAKE_COMMON[@]}" -DEXPAT_SHARED_LIBS=OFF \
        -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF \
        -DEXPAT_BUILD_DOCS=OFF -DEXPAT_BUILD_FUZZERS=OFF >>"$log" 2>&1 || return 1
    # Debian's security patches test "#if XML_DTD == 1" (autoconf's config.h says 1; CMake's
    # template leaves the macro empty)
    sed -i 's/^#define XML_DTD$/#define XML_DTD 1/' "$b/expat_config.h"
    cmake --build "$b" -j "$JOBS" >>"$log" 2>&1 && cmake --install "$b" >>"$log" 2>&1 || return 1
    pc_cflags "$PREFIX/lib/pkgconfig/expat.pc" -DXML_STATIC
}

build_libzip() {
    local s=$1 log=$2
    cmake_build "$s" "$s/_build" "$log" -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF \
        -DENABLE_GNUTLS=OFF -DENABLE_OPENSSL=OFF -DENABLE_MBEDTLS=OFF -DENABLE_COMMONCRYPTO=OFF \
        -DENABLE_WINDOWS_CRYPTO=OFF -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF \
        -DBUILD_DOC=OFF -DZLIB_INCLUDE_DIR="$PREFIX/include" -DZLIB_LIBRARY="$PREFIX/lib/libz.a" ||
        return 1
    # (zipconf.h defines ZIP_STATIC itself for a static build)
    grep -q '^Requires.private:.*zlib' "$PREFIX/lib/pkgconfig/libzip.pc" ||
        echo 'Requires.private: zlib' >>"$PREFIX/lib/pkgconfig/libzip.pc"
}

build_libmspack() {
    local s=$1 log=$2
    (cd "$s" && ./configure --host=$TRIPLE --prefix="$PREFIX" --disable-shared --enable-static \
        CC="$CC" CFLAGS="-O2" && make -j "$JOBS" && make install) >>"$log" 2>&1
}

build_cmocka() {
    local s=$1 log=$2
    cmake_build "$s" "$s/_build" "$log" -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF \
        -DUNIT_TESTING=OFF -DPICKY_DEVELOPER=OFF || return 1
    # link the static library, never the DLL's import library
    if [ -f "$PREFIX/lib/libcmocka-static.a" ]; then
        sed -i 's/-lcmocka\b/-lcmocka-static/' "$PREFIX/lib/pkgconfig/cmocka.pc"
        rm -f "$PREFIX/lib/libcmocka.dll.a"
    fi
}

build_curl() { # HTTP(S) only, mbedTLS as the TLS backend, nothing else
    local s=$1 log=$2
    cmake_build "$s" "$s/_build" "$log" -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
        -DCURL_USE_MBEDTLS=ON -DCURL_USE_OPENSSL=OFF -DCURL_USE_SCHANNEL=OFF \
        -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF -DUSE_NGHTTP2=OFF \
        -DUSE_LIBIDN2=OFF -DUSE_WIN32_IDN=OFF -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF \
        -DHTTP_ONLY=ON -DCURL_DISABLE_LDAP=ON -DENABLE_UNIX_SOCKETS=OFF -DCURL_DISABLE_NTLM=ON \
        -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DENABLE_MANUAL=OFF \
        -DMBEDTLS_INCLUDE_DIRS="$PREFIX/include" -DMBEDTLS_LIBRARY="$PREFIX/lib/libmbedtls.a" \
        -DMBEDX509_LIBRARY="$PREFIX/lib/libmbedx509.a" \
        -DMBEDCRYPTO_LIBRARY="$PREFIX/lib/libmbedcrypto.a" || return 1
    pc_cflags "$PREFIX/lib/pkgconfig/libcurl.pc" -DCURL_STATICLIB
    # curl uses Win32 threads; its .pc still names -lpthread, which CMake would resolve to
    # winpthread's DLL import library
    sed -i 's/ -lpthread//g' "$PREFIX/lib/pkgconfig/libcurl.pc"
}

# Order matters: libzip needs zlib, curl needs mbedTLS.
DEPS="mbedtls zlib expat libzip libmspack cmocka curl"
t_all=$SECONDS
for pkg in $DEPS; do
    stamp=$(ls "$PREFIX"/.built-"$pkg"_* 2>/dev/null | head -n 1)
    if [ -n "$stamp" ]; then
        say "$pkg: cached (${stamp##*/.built-})"
        continue
    fi
    t0=$SECONDS
    log=$LOGS/$pkg.log
    : >"$log"
    dir=$(fetch "$pkg") || die "$pkg: apt-get source failed (is there a deb-src entry? run .ci/deps-debian.sh)"
    ver=$(srcver "$dir")
    rm -rf "$dir/_build"
    if ! "build_${pkg//-/_}" "$dir" "$log"; then
        say "$pkg $ver: build FAILED; last lines of $log:"
        tail -n 30 "$log" | sed 's/^/    /'
        exit 1
    fi
    touch "$PREFIX/.built-${pkg}_$ver"
    say "$pkg $ver: built in $((SECONDS - t0)) s"
done
say "all dependencies in $PREFIX ($((SECONDS - t_all)) s)"
