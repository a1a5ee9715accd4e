# shellcheck shell=bash
# long.sh - shared start of the long-run commands in tests/reliability/ (link-faults.sh,
# crash-matrix.sh, cycles.sh, soak.sh): finds the builds the README's test command makes (build/
# and build-asan/) and builds what is missing, then exports SSTP_BIN, SSTP_BUILD_DIR and
# SSTP_ASAN_BIN for the test scripts. Knobs: SSTP_BIN, SSTP_ASAN_BIN (use these binaries),
# SSTP_JOBS (build parallelism, default 2).
REL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

rel_long_build() { # DIR CMAKE_ARGS...: configure when needed, build the sstp target
    local dir=$1; shift
    if [ ! -f "$dir/CMakeCache.txt" ]; then
        cmake -S "$REL_ROOT" -B "$dir" "$@" >"$dir.configure.log" 2>&1 ||
            { tail -20 "$dir.configure.log" >&2; return 1; }
    fi
    cmake --build "$dir" -j "${SSTP_JOBS:-2}" --target sstp >"$dir.build.log" 2>&1 ||
        { tail -30 "$dir.build.log" >&2; return 1; }
}

rel_long_setup() {
    [ "$(id -u)" = 0 ] || { echo "$(basename "$0"): run as root (network namespaces)" >&2; exit 77; }
    if [ -z "${SSTP_BIN:-}" ]; then
        echo "[long] building $REL_ROOT/build (release)" >&2
        rel_long_build "$REL_ROOT/build" -DCMAKE_BUILD_TYPE=Release -DSSTP_TESTS=ON || exit 2
        export SSTP_BIN=$REL_ROOT/build/sstp SSTP_BUILD_DIR=$REL_ROOT/build
    fi
    export SSTP_BUILD_DIR=${SSTP_BUILD_DIR:-$(dirname "$SSTP_BIN")}
    if [ -z "${SSTP_ASAN_BIN:-}" ]; then
        echo "[long] building $REL_ROOT/build-asan (ASan + UBSan)" >&2
        rel_long_build "$REL_ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DSSTP_SANITIZE=ON -DSSTP_TESTS=ON || exit 2
        export SSTP_ASAN_BIN=$REL_ROOT/build-asan/sstp
    fi
    echo "[long] sstp: $SSTP_BIN; ASan build: $SSTP_ASAN_BIN" >&2
}
