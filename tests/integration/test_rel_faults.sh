#!/bin/bash
# Reliability: link faults on the rig while a reconnecting `sstp connect` session runs (ASan build
# when there is one). Three forced drops in a row - the gateway resets the TCP connection, the
# gateway process is killed (-9) and restarted, the client's link goes down and up - each recovered:
# the drop is detected, the session reconnects within its backoff, ping and a 1 MiB transfer work,
# the route and DNS server are applied again. Then a session through a relay adding 150 ms each
# way (+ 5% packet loss when tc/BPF can) carries traffic, its peer goes silent (relay stops
# forwarding, TCP stays open) and the keepalive declares it dead within 45 s; once the peer speaks
# again the session is back. At the end the client namespace equals its first snapshot exactly.
# The long version (20+ drops) is tests/reliability/link-faults.sh. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/rig.sh
. "$HERE/lib/rig.sh"
# shellcheck source=sstp_test_lib.sh
. "$HERE/sstp_test_lib.sh"
# shellcheck source=../reliability/lib/rel.sh
. "$HERE/../reliability/lib/rel.sh"

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
trap 'kill -TERM $FG 2>/dev/null' EXIT
rig_on_down "kill -TERM $FG 2>/dev/null; wait $FG 2>/dev/null"

dns_applied() { grep -q "^nameserver $DNS_IP\$" "/etc/netns/$RIG_NS_CLI/resolv.conf"; }
route_applied() { [ "$(rig_ns_exec cli ip -o route show "$RIG_HUB_NET" | grep -c "dev sstp")" -gt 0 ]; }
recovered() { # LABEL RECONNECTS SECS; FAULT_END: epoch ms when the fault was over
    local up
    if rig_check "$1: session connected again (reconnect #$2)" rel_wait_connected lf "$2" "$3"; then
        up=$(rel_log_ms "$LOG" 'reconnect done')
        [ -n "$up" ] && echo "   $1: tunnel back $((up - FAULT_END)) ms after the fault ended"
        # The gateway's bridge may need a few seconds to learn the new session (the service host's
        # ARP entry still names the previous session's MAC when the address is the same).
        local t0=$(sx_ms)
        rig_check "$1: ping + 1 MiB through the tunnel (within 30 s)" rig_wait 30 "traffic" rel_traffic_ok &&
            echo "   $1: traffic flowed $(( $(sx_ms) - t0 )) ms after the tunnel was back"
        rig_check "$1: route $RIG_HUB_NET re-applied" route_applied
        rig_check "$1: DNS $DNS_IP re-applied" dns_applied
    else
        tail -20 "$LOG" >&2
    fi
}

if ! rig_check "session up" rel_wait_connected lf 0 40; then
    cat "$LOG" >&2; rig_dump_logs; exit 1
fi
rig_check "traffic before any fault" rel_traffic_ok
rig_check "DNS applied" dns_applied

# ---- drop 1: the gateway resets the connection ---------------------------------------------------------
REL_LOG_FROM=$(wc -l < "$LOG")
T=$(sx_ms); rel_rst; FAULT_END=$T
recovered "RST" 1 40
D=$(rel_log_ms "$LOG" 'failed \(exit')
[ -n "$D" ] && echo "   RST: detected after $((D - T)) ms"
rig_check "RST: detected within 2 s" rel_within "$D" "$T" 2000

# ---- drop 2: the gateway crashes and comes back 4 s later ----------------------------------------------
REL_LOG_FROM=$(wc -l < "$LOG")
rel_gw_kill KILL
sleep 4
rig_check "gateway restarted" rel_gw_start || rig_dump_logs
FAULT_END=$(sx_ms)
recovered "gateway crash" 2 75

# ---- drop 3: the client's link goes down for 3 s ---------------------------------------------------------
N=$(rel_status_field lf 'j["reconnects"]')
REL_LOG_FROM=$(wc -l < "$LOG")
rel_link_flap 3; FAULT_END=$(sx_ms)
recovered "link flap" "$N" 75

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
    rig_check "silent peer: declared dead (exit 8) within 45 s" rel_within "$D" "$T" 45000
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
trap - EXIT
rig_check "no sanitizer report" rel_san_clean "$LOG"
rig_check "client namespace exactly as before" rel_same_as "$BEFORE"
rig_check "nothing left in the state directory" [ -z "$(ls "$SX_STATE" 2>/dev/null)" ]

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
