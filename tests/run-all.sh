#!/bin/bash
# The whole sstp test suite (README command 2; .ci/run calls it): dependencies, release build and its
# unit tests, ASan+UBSan build and its unit tests, libFuzzer build and a fuzz smoke run, then the
# integration tests (as root). Prints one line per stage and a summary line; exits non-zero if any
# stage failed. Knobs: SSTP_STAGES (subset, e.g. "build unit"), SSTP_FUZZ_SECONDS (20), SSTP_JOBS (2),
# SSTP_BUILD_TYPE (Release: -O3 finds maybe-uninitialized warnings that the default -O2 build does not),
# SSTP_TEST_REGEX (only the tests whose names match, e.g. "ref_sstpc|rig_lib").
set -u -o pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
JOBS=${SSTP_JOBS:-2}
STAGES=${SSTP_STAGES:-deps build unit asan fuzz integration demo windows}
LOGS=$ROOT/build/logs
mkdir -p "$LOGS"

T_START=$SECONDS
FAILED=0
SUMMARY=()
RESULTS=()

want() { [[ " $STAGES " == *" $1 "* ]]; }
say() { printf '[run-all] %s\n' "$*"; }
# stage_line NAME STATUS DETAIL SECONDS
stage_line() {
    RESULTS+=("$(printf '%-12s %-5s %s (%d s)' "$1" "$2" "$3" "$4")")
    say "stage $1: $2 $3 ($4 s)"
    [ "$2" = FAIL ] && FAILED=1
    return 0
}

# run_logged LOG CMD...: run quietly into LOG; on failure show its tail
run_logged() {
    local log=$1; shift
    if "$@" >"$log" 2>&1; then return 0; fi
    say "command failed: $*"
    tail -n 60 "$log" | sed 's/^/    /'
    say "full log: $log"
    return 1
}

# ctest_stage NAME BUILD_DIR LABEL [extra ctest args]: run the labelled tests, summarise the JUnit file
ctest_stage() {
    local name=$1 dir=$2 label=$3 t0=$SECONDS xml=$LOGS/$1.xml total fail skip rc; shift 3
    rm -f "$xml"
    local filter=()
    [ -n "${SSTP_TEST_REGEX:-}" ] && filter=(-R "$SSTP_TEST_REGEX")
    ctest --test-dir "$dir" -L "^$label\$" "${filter[@]}" --no-tests=ignore --output-on-failure \
        --output-junit "$xml" "$@" 2>&1 | tee "$LOGS/$name.log"
    rc=${PIPESTATUS[0]}
    if [ -f "$xml" ]; then
        local head; head=$(tr '\n\t' '  ' < "$xml" | grep -o '<testsuite [^>]*>' | head -1)
        total=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$head")
        fail=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$head")
        skip=$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$head")
    fi
    total=${total:-0}; fail=${fail:-0}; skip=${skip:-0}
    local detail="$((total - fail))/$total"
    [ "$skip" != 0 ] && detail="$detail ($skip skipped)"
    SUMMARY+=("$name $detail")
    if [ "$rc" = 0 ] && [ "$fail" = 0 ]; then
        stage_line "$name" ok "$detail" $((SECONDS - t0))
    else
        stage_line "$name" FAIL "$detail, ctest exit $rc" $((SECONDS - t0))
    fi
    [ -f "$xml" ] || return 0
    # Slow tests and skip reasons (ctest hides the output of tests that did not fail).
    grep -o '<testcase name="[^"]*" classname="[^"]*" time="[^"]*" status="[^"]*"' "$xml" |
        sed 's/<testcase name="\([^"]*\)".* time="\([0-9]*\)[^"]*" status="\([^"]*\)"/\2 \1 \3/' |
        awk -v all="$([ "$name" = integration ] && echo 1)" '$1 >= 10 || all {
            printf "    %-40s %4d s  %s\n", $2, $1, ($3 == "run" ? "" : $3) }'
    grep -o 'SKIP: [^<]*' "$xml" | sort -u | sed 's/^/    /'
    return 0
}

# build_stage NAME DIR CMAKE_ARGS...: configure and build; sets BUILT_<NAME>=1 on success
build_stage() {
    local name=$1 dir=$2 t0=$SECONDS; shift 2
    if run_logged "$LOGS/$name-configure.log" cmake -S "$ROOT" -B "$dir" "$@" &&
       run_logged "$LOGS/$name-build.log" cmake --build "$dir" -j "$JOBS"; then
        stage_line "$name" ok "$dir" $((SECONDS - t0))
        eval "BUILT_$name=1"
    else
        stage_line "$name" FAIL "$dir" $((SECONDS - t0))
        SUMMARY+=("$name FAILED")
    fi
}
not_run() { stage_line "$1" FAIL "not run: $2" 0; SUMMARY+=("$1 not run"); }

# ---- 1. dependencies ---------------------------------------------------------------------------------
if want deps; then
    t0=$SECONDS
    if [ "$(id -u)" = 0 ]; then
        if run_logged "$LOGS/deps.log" sh "$ROOT/.ci/deps-debian.sh"; then
            stage_line deps ok "$(tail -n 1 "$LOGS/deps.log")" $((SECONDS - t0))
        else
            stage_line deps FAIL ".ci/deps-debian.sh failed" $((SECONDS - t0))
        fi
    else
        stage_line deps skip "not root: packages not checked; integration tests will skip" 0
    fi
fi

# ---- 2./3. release build and unit tests ------------------------------------------------------------
BUILT_build=0; BUILT_build_asan=0; BUILT_build_fuzz=0
if want build || want unit || want integration; then
    build_stage build "$ROOT/build" -DCMAKE_BUILD_TYPE="${SSTP_BUILD_TYPE:-Release}" -DSSTP_TESTS=ON
fi
if want unit; then
    if [ "$BUILT_build" = 1 ]; then ctest_stage unit "$ROOT/build" unit -j "$JOBS"
    else not_run unit "the release build failed"; fi
fi

# ---- 4. sanitizers -----------------------------------------------------------------------------------
if want asan; then
    build_stage build_asan "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DSSTP_SANITIZE=ON -DSSTP_TESTS=ON
    if [ "$BUILT_build_asan" = 1 ]; then
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            ctest_stage asan "$ROOT/build-asan" unit -j "$JOBS"
    fi
fi

# ---- 5. fuzz smoke -------------------------------------------------------------------------------------
if want fuzz; then
    if command -v clang >/dev/null 2>&1; then
        build_stage build_fuzz "$ROOT/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DSSTP_FUZZ=ON -DSSTP_FUZZ_SECONDS="${SSTP_FUZZ_SECONDS:-20}"
        [ "$BUILT_build_fuzz" = 1 ] && ctest_stage fuzz "$ROOT/build-fuzz" fuzz -j "$JOBS"
    else
        not_run fuzz "clang is not installed (.ci/deps-debian.sh installs it)"
    fi
fi

# ---- 6. integration ---------------------------------------------------------------------------------------
if want integration; then
    # Runs even when the build failed (configure succeeded): the rig's own tests need no binary.
    if [ -f "$ROOT/build/CTestTestfile.cmake" ]; then ctest_stage integration "$ROOT/build" integration
    else not_run integration "the release build could not be configured"; fi
fi

# ---- 6b. demo: README command 1 (tests/integration/demo.sh) with the release build, as root ----------------
want demo && { t0=$SECONDS; if [ "$(id -u)" != 0 ]; then stage_line demo skip "not root" 0; elif [ ! -x "$ROOT/build/sstp" ]; then not_run demo "build/sstp was not built"; else SSTP_BIN="$ROOT/build/sstp" timeout 600 bash "$ROOT/tests/integration/demo.sh" >"$LOGS/demo.log" 2>&1; rc=$?; d=$(grep -E '^demo: ' "$LOGS/demo.log" | tail -n 1); if [ $rc = 0 ]; then stage_line demo ok "${d:-demo: OK}" $((SECONDS - t0)); else stage_line demo FAIL "${d:-exit $rc}, see $LOGS/demo.log" $((SECONDS - t0)); tail -n 40 "$LOGS/demo.log" | sed 's/^/    /'; fi; SUMMARY+=("demo $([ $rc = 0 ] && echo ok || echo FAILED)"); fi; }

# ---- 7. Windows: mingw-w64 cross build + unit tests under wine64 (issue 12; one line, owned by tests/windows/) ----
want windows && { t0=$SECONDS; SSTP_JOBS=$JOBS SSTP_WIN_LOGS="$LOGS/windows" bash "$ROOT/tests/windows/build.sh" >"$LOGS/windows.log" 2>&1; rc=$?; d=$(grep -E '^windows: |SKIP: ' "$LOGS/windows.log" | tail -n 1); case $rc in 0) stage_line windows ok "$d" $((SECONDS - t0)) ;; 77) stage_line windows skip "$d" $((SECONDS - t0)) ;; *) stage_line windows FAIL "${d:-see $LOGS/windows.log}" $((SECONDS - t0)); tail -n 40 "$LOGS/windows.log" | sed 's/^/    /' ;; esac; SUMMARY+=("windows ${d#windows: }"); }

# ---- summary -------------------------------------------------------------------------------------------------
echo
say "stage results:"
for r in "${RESULTS[@]}"; do echo "    $r"; done
line=""
for s in "${SUMMARY[@]}"; do [ -n "$s" ] && line="$line${line:+, }$s"; done
verdict=PASS; [ "$FAILED" = 1 ] && verdict=FAIL
echo "sstp tests: ${line:-nothing run} -- $verdict ($(( (SECONDS - T_START) / 60 )) min $(( (SECONDS - T_START) % 60 )) s)"
[ "$FAILED" = 0 ]
