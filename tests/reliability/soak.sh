#!/bin/bash
# soak.sh - MINUTES (default 30) of iperf3 through one tunnel of the ASan+UBSan (LSan) build of
# `sstp connect` on the rig: one-minute rounds of TCP (1 stream), TCP (4 streams) and UDP (50 Mbit/s)
# in turn. The session's RSS and fd count are sampled every 10 s; after a warm-up (5 min, or a fifth
# of a shorter run) RSS must not grow by 1 MiB or more, fds must not grow, the session must never
# reconnect, and at the clean disconnect LeakSanitizer must report nothing. Prints the numbers and
# writes them to $SOAK_OUT (default build/soak-<date>.txt).
# Usage (as root): tests/reliability/soak.sh [MINUTES]
set -u -o pipefail
MIN=${1:-30}
case "$MIN" in ''|*[!0-9]*) echo "usage: $0 [MINUTES]" >&2; exit 2 ;; esac
# shellcheck source=lib/long.sh
. "$(dirname "$0")/lib/long.sh"
rel_long_setup
HERE=$REL_ROOT/tests/integration
# shellcheck source=../integration/lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=../integration/sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"
# shellcheck source=lib/rel.sh
. "$REL_ROOT/tests/reliability/lib/rel.sh"
OUT=${SOAK_OUT:-$REL_ROOT/build/soak-$(date +%Y%m%d-%H%M%S).txt}
mkdir -p "$(dirname "$OUT")"

rel_setup
[ -n "$REL_ASAN_BIN" ] || rig_fatal "no ASan build of sstp (SSTP_ASAN_BIN)"
LOG=$SX_OUT/soak.log
REL_BIN=$REL_ASAN_BIN
# shellcheck disable=SC2086
rel_session_fg soak "$LOG" $(sx_gw_args) --no-reconnect
FG=$REL_FG_PID
rig_on_down "kill -TERM $FG 2>/dev/null; wait $FG 2>/dev/null"
rig_check "session up" rel_wait_connected soak 0 60 || { cat "$LOG" >&2; exit 1; }
PID=$(rel_pid_of_session soak)
WARM=$(( MIN >= 25 ? 300 : MIN * 60 / 5 ))
END=$(( SECONDS + MIN * 60 ))
SAMPLES=$RIG_DIR/samples
: > "$SAMPLES"
T0=$SECONDS
(
    while kill -0 "$PID" 2>/dev/null; do
        echo "$((SECONDS - T0)) $(rel_rss_kb "$PID") $(rel_fds "$PID")"
        sleep 10
    done
) >> "$SAMPLES" &
SAMPLER=$!
ROUND=0
BAD_ROUNDS=0
RESULTS=""
while [ "$SECONDS" -lt "$END" ]; do
    left=$(( END - SECONDS )); t=$(( left < 60 ? left : 60 )); [ "$t" -lt 5 ] && break
    case $(( ROUND % 3 )) in
        0) what="tcp-1"; args=(-t "$t") ;;
        1) what="tcp-4"; args=(-t "$t" -P 4) ;;
        2) what="udp-50M"; args=(-t "$t" -u -b 50M) ;;
    esac
    res=$(timeout $((t + 30)) ip netns exec "$RIG_NS_CLI" iperf3 -J -c "$RIG_SVC_IP" -p "$RIG_IPERF_PORT" "${args[@]}" 2>/dev/null |
        "$REL_PY" -c 'import json,sys
j = json.load(sys.stdin); e = j.get("end", {})
s = e.get("sum_received") or e.get("sum") or {}
print("%.1f" % (s.get("bits_per_second", 0) / 1e6), s.get("lost_percent", ""))' 2>/dev/null)
    echo "   round $ROUND $what ${t}s: ${res:-failed} Mbit/s"
    [ -n "$res" ] || BAD_ROUNDS=$((BAD_ROUNDS + 1))
    RESULTS="$RESULTS $what:${res%% *}"
    ROUND=$((ROUND + 1))
done
kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null
RECON=$(rel_status_field soak 'j["reconnects"]')
kill -TERM "$FG"; wait "$FG"; RC=$?
read -r RSS_W FD_W < <(awk -v w="$WARM" '$1 >= w { print $2, $3; exit }' "$SAMPLES")
read -r _ RSS_E FD_E < <(tail -n 1 "$SAMPLES")
RSS_MAX=$(awk 'BEGIN{m=0} $2 > m {m=$2} END{print m}' "$SAMPLES")
RSS_0=$(head -n 1 "$SAMPLES" | awk '{print $2}')
{
    echo "soak: $MIN min of iperf3 through sstp (ASan+UBSan+LSan build $REL_ASAN_BIN), $(date -u +%FT%TZ)"
    echo "rounds ($ROUND):$RESULTS"
    echo "RSS KiB: start $RSS_0, after warm-up (${WARM}s) $RSS_W, end $RSS_E, max $RSS_MAX; growth after warm-up $(( RSS_E - RSS_W )) KiB"
    echo "fds: after warm-up $FD_W, end $FD_E; reconnects: $RECON; exit on SIGTERM: $RC"
    echo "samples (s rss_kib fds):"; cat "$SAMPLES"
} > "$OUT"
head -4 "$OUT"
rig_check "all $ROUND iperf3 rounds ran" [ "$BAD_ROUNDS" = 0 ]
rig_check "no reconnect during the soak" [ "$RECON" = 0 ]
rig_check "clean exit on SIGTERM (0)" [ "$RC" = 0 ]
rig_check "RSS growth after warm-up under 1 MiB ($(( RSS_E - RSS_W )) KiB)" [ $(( RSS_E - RSS_W )) -lt 1024 ]
rig_check "no fd growth after warm-up ($FD_W -> $FD_E)" [ "$FD_E" -le "$FD_W" ]
rig_check "no LeakSanitizer/ASan/UBSan report" rel_san_clean "$LOG"
echo "numbers in $OUT"
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
