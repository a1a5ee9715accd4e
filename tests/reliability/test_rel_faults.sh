#!/bin/bash
# Reliability: link faults on the rig while a reconnecting `sstp connect` session runs (ASan build
# when there is one). REL_DROPS (default 3) forced drops in a row - the gateway resets the TCP
# connection, the gateway process is killed (-9) and restarted, the client's socket is aborted, the
# gateway shuts down cleanly and restarts, in turn - plus a 3 s link flap: each is detected, the
# session reconnects within its backoff, ping and a 1 MiB transfer work, the route and DNS server
# are applied again, the session's fd count stays put. Then a session through a relay adding
# 150 ms each way (+ 5% packet loss when tc/BPF can) carries traffic, its peer goes silent (the
# relay stops forwarding, TCP stays open) and the keepalive declares it dead within its bound
# (20-25 s); once the peer speaks again the session is back. At the end the client namespace
# equals its first snapshot exactly.
# The long version (20+ drops) is tests/reliability/link-faults.sh. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib/rig.sh
. "$HERE/../integration/lib/rig.sh"
# shellcheck source=../integration/sstp_test_lib.sh
. "$HERE/../integration/sstp_test_lib.sh"
# shellcheck source=lib/rel.sh
. "$HERE/lib/rel.sh"

rel_setup
REL_BIN=$(rel_hunt_bin)
echo "   client binary: $REL_BIN"
BEFORE=$RIG_DIR/before.snap
rel_snapshot > "$BEFORE"
DNS_IP=10.232.0.53
LOG=$SX_OUT/lf.log
# shellcheck disable=SC2086
rel_session_fg lf "$LOG" $(sx_gw_args) --dns "$DNS_IP" --reconnect
FG=$REL_FG_PID
rig_on_down "kill -TERM $FG 2>/dev/null; wait $FG 2>/dev/null"

dns_applied() { grep -q "^nameserver $DNS_IP\$" "/etc/netns/$RIG_NS_CLI/resolv.conf"; }
route_applied() { [ "$(rig_ns_exec cli ip -o route show "$RIG_HUB_NET" | grep -c "dev sstp")" -gt 0 ]; }
recovered() { # LABEL RECONNECTS SECS; FAULT_END: epoch ms when the fault was over
    local up f0=$RIG_FAILS
    if rig_check "$1: session connected again (reconnect #$2)" rel_wait_connected lf "$2" "$3"; then
        up=$(rel_log_ms "$LOG" 'reconnect done')
        [ -n "$up" ] && echo "   $1: tunnel back $((up - FAULT_END)) ms after the fault ended"
        local t0=$(sx_ms)
        rig_check "$1: ping + 1 MiB through the tunnel" rel_traffic_ok &&
            echo "   $1: traffic flowed $(( $(sx_ms) - t0 )) ms after the tunnel was back"
        rig_check "$1: route $RIG_HUB_NET re-applied" route_applied
        rig_check "$1: DNS $DNS_IP re-applied" dns_applied
    else
        tail -20 "$LOG" >&2
    fi
    [ "$RIG_FAILS" = "$f0" ]
}

if ! rig_check "session up" rel_wait_connected lf 0 40; then
    cat "$LOG" >&2; rig_dump_logs; exit 1
fi
rig_check "traffic before any fault" rel_traffic_ok
rig_check "DNS applied" dns_applied

# ---- forced drops --------------------------------------------------------------------------------------------
# Kinds, in turn: the gateway resets the TCP connection; the gateway process crashes (kill -9) and
# is back 3 s later; the client's own socket is aborted (ECONNABORTED); the gateway shuts down
# cleanly (SIGTERM) and is back 3 s later. Every fourth drop is followed by a 3 s link flap, which
# must leave traffic working and cost at most one reconnect (the path monitor probes the server
# when the link goes down; the probe's 2.5 s are shorter than the flap).
KINDS=(rst gwkill cabort gwterm)
DROPS=${REL_DROPS:-3}
SURVIVED=0
PID=$(rel_pid_of_session lf)
FD0=$(rel_fds "$PID")
FDS=""
for (( d = 1; d <= DROPS; d++ )); do
    kind=${KINDS[$(( (d - 1) % ${#KINDS[@]} ))]}
    label="drop $d ($kind)"
    REL_LOG_FROM=$(wc -l < "$LOG")
    T=$(sx_ms)
    case "$kind" in
        rst) rel_rst ;;
        cabort) ip netns exec "$RIG_NS_CLI" ss -K -tn state established "( dport = :$RIG_SSTP_PORT )" >/dev/null 2>&1
                rig_log "link fault: the client's SSTP socket aborted" ;;
        gwkill|gwterm)
            rel_gw_kill "$([ "$kind" = gwkill ] && echo KILL || echo TERM)"
            sleep 3
            rig_check "$label: gateway restarted" rel_gw_start || rig_dump_logs ;;
    esac
    FAULT_END=$(sx_ms)
    if recovered "$label" "$d" 90; then SURVIVED=$((SURVIVED + 1)); fi
    D=$(rel_log_ms "$LOG" 'failed \(exit')
    [ -n "$D" ] && echo "   $label: detected after $((D - T)) ms: $(tail -n +"$((REL_LOG_FROM + 1))" "$LOG" | grep -m1 'failed (exit' | sed 's/.*: //')"
    [ "$kind" = rst ] || [ "$kind" = cabort ] && rig_check "$label: detected within 2 s" rel_within "$D" "$T" 2000
    FDS="$FDS $(rel_fds "$PID")"
    if (( d % 4 == 3 )) || (( d == DROPS && d < 4 )); then
        N=$(rel_status_field lf 'j["reconnects"]')
        REL_LOG_FROM=$(wc -l < "$LOG")
        rel_link_flap 3
        t0=$(sx_ms)
        rig_check "link flap after drop $d: traffic flows again" rel_traffic_ok &&
            echo "   link flap: traffic after $(( $(sx_ms) - t0 )) ms"
        # the path monitor sees the link go down and probes the server; a flap longer than the
        # probe (2.5 s) may cost one reconnect (TUN, routes and DNS stay), never more
        R=$(rel_status_field lf 'j["reconnects"]')
        rig_check "link flap: at most one reconnect ($N -> $R)" [ "$R" -le $((N + 1)) ]
        echo "   link flap: reconnects $N -> $R"
        rig_check "link flap: tunnel connected" [ "$(rel_status_field lf 'j["state"]')" = connected ]
        rig_check "link flap: route still there" route_applied
    fi
done
echo "   forced drops survived: $SURVIVED/$DROPS; session fds: $FD0 at start, after each drop:$FDS"
rig_check "all $DROPS forced drops recovered" [ "$SURVIVED" = "$DROPS" ]
rig_check "the session's fd count did not grow ($FD0 -> ${FDS##* })" [ "${FDS##* }" -le "$FD0" ]

# ---- delayed, lossy path; silent peer ---------------------------------------------------------------------
sx dc1 disconnect lf
wait "$FG"
rig_check "first session ends with exit 0 on disconnect" [ $? = 0 ]
rig_check "no sanitizer report from the first session" rel_san_clean "$LOG"
rig_check "client namespace exactly as before" rel_same_as "$BEFORE"

rel_relay_start relay 8443 150 || rig_fatal "relay did not start"
LOSS=0
if rel_bpf_ok; then LOSS=5; rel_loss "$LOSS" "$RIG_SSTP_PORT"; else echo "   (no tc/BPF loss injection here: delay only)"; fi
LOG=$SX_OUT/slow.log
# shellcheck disable=SC2086
rel_session_fg slow "$LOG" "$RIG_GW_NAME:8443" --ca "$RIG_PKI/ca.crt" --user "$RIG_USER" \
    --password-file "$SX_PW" --route "$RIG_HUB_NET" --reconnect
FG=$REL_FG_PID
rig_on_down "kill -TERM $FG 2>/dev/null; wait $FG 2>/dev/null"
if rig_check "slow path: session up (150 ms each way, $LOSS% loss)" rel_wait_connected slow 0 60; then
    RTT=$(rig_ns_exec cli ping -c 3 -i 0.3 -W 3 "$RIG_SVC_IP" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
    echo "   slow path: tunnel RTT ${RTT:-?} ms"
    rig_check "slow path: RTT reflects the delay (>= 290 ms)" awk -v r="${RTT:-0}" 'BEGIN { exit !(r >= 290) }'
    rig_check "slow path: 1 MiB intact" sx_blob_ok
    REL_LOG_FROM=$(wc -l < "$LOG")
    T=$(sx_ms); rel_relay_signal relay USR1   # silent
    rig_wait 60 "the silent peer to be declared dead" rel_log_has "$LOG" 'failed \(exit 8\)'
    D=$(rel_log_ms "$LOG" 'failed \(exit 8\)')
    [ -n "$D" ] && echo "   silent peer: declared dead after $((D - T)) ms: $(tail -n +"$((REL_LOG_FROM + 1))" "$LOG" | grep -m1 'failed (exit' | sed 's/.*: //')"
    # keepalive bound: LCP echo every 5 s, dead after 4 unanswered (20-25 s), + 3 s slack for a loaded machine
    rig_check "silent peer: declared dead (exit 8) within the keepalive bound (28 s)" rel_within "$D" "$T" 28000
    rel_relay_signal relay USR1   # speaking again
    rel_loss 0
    recovered_slow() { rig_check "silent peer: session back after the peer speaks again" rel_wait_connected slow 1 90 &&
        rig_check "silent peer: traffic resumes" rel_traffic_ok; }
    recovered_slow || tail -20 "$LOG" >&2
else
    tail -20 "$LOG" >&2
fi
rel_loss 0
sx dc2 disconnect slow
wait "$FG"
rig_check "slow session ends with exit 0" [ $? = 0 ]
rig_check "no sanitizer report" rel_san_clean "$LOG"
rig_check "client namespace exactly as before" rel_same_as "$BEFORE"
rig_check "nothing left in the state directory" [ -z "$(ls "$SX_STATE" 2>/dev/null)" ]

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
