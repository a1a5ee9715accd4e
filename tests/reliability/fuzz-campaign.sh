#!/bin/bash
# fuzz-campaign.sh - runs every libFuzzer target of sstp (tests/fuzz/fuzz_*.c, built with ASan+UBSan)
# for SECONDS_PER_TARGET each, starting from the committed seed corpora, and writes a summary: runs,
# executions, exec/s, coverage (cov/ft), corpus growth, peak RSS and crashes per target, as a table
# (summary.txt) and JSON (summary.json). Crash, leak, timeout and OOM inputs are kept under
# OUT/artifacts/<target>/; turn each into a tests/unit/test_regress_*.c case.
#
# Usage: tests/reliability/fuzz-campaign.sh [SECONDS_PER_TARGET] (default 1800)
# Environment: FUZZ_BUILD (build dir; default build-fuzz, configured and built when missing),
#   FUZZ_OUT (results; default build/fuzz-campaign-<date>), FUZZ_TARGETS (space-separated subset),
#   FUZZ_JOBS (targets run at once; default 1 - the machine is shared), FUZZ_KEEP_CORPUS=1 (keep
#   the grown corpora in FUZZ_OUT/corpus; they are kept anyway, this just says so).
# Exit status: 0 when no target crashed, 1 otherwise, 2 on a setup error.
set -u -o pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-1800}
case "$SECS" in ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac
BUILD=${FUZZ_BUILD:-$ROOT/build-fuzz}
OUT=${FUZZ_OUT:-$ROOT/build/fuzz-campaign-$(date +%Y%m%d-%H%M%S)}
JOBS=${FUZZ_JOBS:-1}
mkdir -p "$OUT/logs" "$OUT/corpus" "$OUT/artifacts" || exit 2

say() { printf '[fuzz-campaign] %s\n' "$*"; }

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    say "configuring $BUILD (clang, libFuzzer, ASan+UBSan)"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSSTP_FUZZ=ON > "$OUT/logs/configure.log" 2>&1 || { tail -20 "$OUT/logs/configure.log"; exit 2; }
fi
say "building the fuzz targets in $BUILD"
cmake --build "$BUILD" -j "${SSTP_JOBS:-2}" > "$OUT/logs/build.log" 2>&1 || { tail -30 "$OUT/logs/build.log"; exit 2; }

if [ -n "${FUZZ_TARGETS:-}" ]; then
    TARGETS=$FUZZ_TARGETS
else
    TARGETS=$(cd "$ROOT/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
fi
for t in $TARGETS; do
    [ -x "$BUILD/fuzz/$t" ] || { say "target $t was not built ($BUILD/fuzz/$t)"; exit 2; }
    [ -n "$(ls -A "$ROOT/tests/fuzz/corpus/$t" 2>/dev/null)" ] || say "warning: $t has no committed seeds"
done

# run_one TARGET: fuzz it for SECS into OUT/corpus/TARGET, log in OUT/logs/TARGET.log
run_one() {
    local t=$1 corpus=$OUT/corpus/$1 art=$OUT/artifacts/$1/ rc
    mkdir -p "$corpus" "$art"
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    nice "$BUILD/fuzz/$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art" "$corpus" "$ROOT/tests/fuzz/corpus/$t" > "$OUT/logs/$t.log" 2>&1
    rc=$?
    echo "$rc" > "$OUT/logs/$t.rc"
}

say "$(echo "$TARGETS" | wc -w) targets x $SECS s, $JOBS at a time; results in $OUT"
T0=$SECONDS
running=0
for t in $TARGETS; do
    say "fuzzing $t"
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

# ---- summary -------------------------------------------------------------------------------------------
FUZZ_SECS=$SECS "${REL_PY:-/usr/bin/python3}" - "$OUT" $TARGETS <<'EOF'
import json, os, re, sys
out, targets = sys.argv[1], sys.argv[2:]
rows = []
for t in targets:
    log = open(os.path.join(out, "logs", t + ".log"), errors="replace").read()
    rc = int(open(os.path.join(out, "logs", t + ".rc")).read().strip() or 0)
    def stat(name):
        m = re.findall(r"stat::%s:\s*(\d+)" % name, log)
        return int(m[-1]) if m else None
    prog = re.findall(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", log)
    init = re.search(r"#\d+\s+INITED cov: (\d+) ft: (\d+) corp: (\d+)", log)
    art_dir = os.path.join(out, "artifacts", t)
    arts = sorted(os.listdir(art_dir)) if os.path.isdir(art_dir) else []
    crash_kind = None
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)[^\n]*|runtime error:[^\n]*", log)
    if m:
        crash_kind = m.group(0)[:160]
    rows.append({
        "target": t,
        "seconds": int(os.environ.get("FUZZ_SECS", "0")),
        "execs": stat("number_of_executed_units"),
        "execs_per_sec": stat("average_exec_per_sec"),
        "new_units": stat("new_units_added"),
        "peak_rss_mb": stat("peak_rss_mb"),
        "cov_start": int(init.group(1)) if init else None,
        "cov": int(prog[-1][1]) if prog else (int(init.group(1)) if init else None),
        "ft": int(prog[-1][2]) if prog else (int(init.group(2)) if init else None),
        "corpus_start": int(init.group(3)) if init else None,
        "corpus": int(prog[-1][3]) if prog else (int(init.group(3)) if init else None),
        "exit": rc,
        "artifacts": arts,
        "crash": crash_kind,
    })
json.dump(rows, open(os.path.join(out, "summary.json"), "w"), indent=1)
fmt = "%-20s %6s %12s %8s %11s %11s %7s %8s  %s"
lines = [fmt % ("target", "secs", "execs", "exec/s", "cov", "ft", "corpus", "rss MB", "result")]
for r in rows:
    res = "ok" if r["exit"] == 0 and not r["artifacts"] else "CRASH %s %s" % (r["artifacts"], r["crash"] or "")
    lines.append(fmt % (r["target"], r["seconds"], r["execs"], r["execs_per_sec"],
                        "%s->%s" % (r["cov_start"], r["cov"]), r["ft"],
                        "%s->%s" % (r["corpus_start"], r["corpus"]), r["peak_rss_mb"], res))
tot = sum(r["execs"] or 0 for r in rows)
bad = [r["target"] for r in rows if r["exit"] != 0 or r["artifacts"]]
lines.append("total: %d targets, %d executions, %d CPU-seconds; crashes: %s" %
             (len(rows), tot, sum(r["seconds"] for r in rows), ", ".join(bad) if bad else "none"))
open(os.path.join(out, "summary.txt"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if bad else 0)
EOF
rc=$?
say "done in $((SECONDS - T0)) s; summary: $OUT/summary.txt"
exit $rc
