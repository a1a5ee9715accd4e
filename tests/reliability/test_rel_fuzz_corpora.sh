#!/bin/bash
# Every libFuzzer target (tests/fuzz/fuzz_*.c) has a committed, non-empty seed corpus in
# tests/fuzz/corpus/<target>/ (the fuzz stage of tests/run-all.sh replays them under ASan+UBSan
# before fuzzing), and every regression test of a crash found by fuzzing or by the reliability
# suite (tests/unit/test_regress_*.c) says what it guards. Needs no root. Exit 0 pass, 1 fail.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
n=0
for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    n=$((n + 1))
    seeds=$(find "$ROOT/tests/fuzz/corpus/$t" -type f -size +0 2>/dev/null | wc -l)
    if [ "$seeds" -gt 0 ]; then
        echo "ok - $t: $seeds seed(s)"
    else
        echo "FAIL - $t: no seed corpus in tests/fuzz/corpus/$t/"
        fails=$((fails + 1))
    fi
    if ! grep -q 'LLVMFuzzerTestOneInput' "$src"; then
        echo "FAIL - $t: no LLVMFuzzerTestOneInput"
        fails=$((fails + 1))
    fi
done
for src in "$ROOT"/tests/unit/test_regress_*.c; do
    [ -e "$src" ] || continue
    if head -n 5 "$src" | grep -qi 'regression'; then
        echo "ok - $(basename "$src"): regression test with its story"
    else
        echo "FAIL - $(basename "$src"): the header comment must say which bug it guards"
        fails=$((fails + 1))
    fi
done
echo "$n fuzz targets; $fails failed checks"
[ "$n" -gt 0 ] && [ "$fails" = 0 ]
