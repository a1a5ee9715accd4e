#!/bin/bash
# End-to-end: "connected" means traffic flows. With default settings (IPv6 on) against the rig's
# SoftEther gateway, `connect --background` returns, then ONE ping (no retry) to the service host
# must be answered, READY_RUNS times (default 20). Prints connect-to-first-answer figures
# (min/median/max, from connect returning to the echo reply) and the connect times.
# Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"

RUNS=${READY_RUNS:-20}
sx_setup
GW=$(sx_gw_args)
answered=0 first=() conn=()
stats() { # stats NUMBERS...: "min/median/max"
    local s; s=$(printf '%s\n' "$@" | sort -n | tr '\n' ' ')
    # shellcheck disable=SC2086
    set -- $s
    echo "$1/${@:$(( ($# + 1) / 2 )):1}/${!#}"
}
for n in $(seq 1 "$RUNS"); do
    T0=$(sx_ms)
    # shellcheck disable=SC2086
    sx c$n connect $GW --name ready --background
    T1=$(sx_ms)
    if [ "$SX_RC" != 0 ]; then
        rig_log "run $n: connect failed (exit $SX_RC): $(tail -n 2 "$SX_OUT/c$n.err")"
        continue
    fi
    # one echo request, no retry; -W bounds the wait for its answer
    if rig_ns_exec cli ping -n -c 1 -W 2 "$RIG_SVC_IP" > "$SX_OUT/p$n.out" 2>&1; then
        T2=$(sx_ms)
        answered=$((answered + 1))
        first+=($((T2 - T1)))
        conn+=($((T1 - T0)))
    else
        rig_log "run $n: the first ping after connect got no answer"
        cat "$SX_OUT/p$n.out" >&2
    fi
    sx d$n disconnect ready
    [ "$SX_RC" = 0 ] || rig_log "run $n: disconnect exit $SX_RC"
done
if [ "$answered" -gt 0 ]; then
    echo "   connect-to-first-answer ms (min/median/max): $(stats "${first[@]}")"
    echo "   connect ms (min/median/max): $(stats "${conn[@]}")"
fi
rig_check "first ping right after connect answered: $answered of $RUNS" [ "$answered" = "$RUNS" ]
echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
