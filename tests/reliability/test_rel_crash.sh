#!/bin/bash
# Reliability: `kill -9` of the client at many distinct points of its life - during TLS, HTTP, the
# SSTP call, LCP, authentication, IPCP, the network set-up, after the route, after DNS, connected,
# waiting to reconnect, renegotiating after a drop, re-configured after a reconnect, while
# disconnecting, and a daemonised session - then either `sstp cleanup` or the next `sstp connect`
# (which replays what the dead session left) must bring the client namespace back to exactly its
# first state: links, addresses, routes, rules (`ip -j`), resolv.conf and the state directory, every
# time. The session runs through a relay adding 100 ms each way so every phase lasts long enough
# to be hit. REL_CRASH_RUNS (default: one pass over the 15 points) sets the number of kills; the long
# version is tests/reliability/crash-matrix.sh. Exit 0 pass, 1 fail, 77 skip.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/lib/rig.sh
. "$HERE/../integration/lib/rig.sh"
# shellcheck source=../integration/sstp_test_lib.sh
. "$HERE/../integration/sstp_test_lib.sh"
# shellcheck source=lib/rel.sh
. "$HERE/lib/rel.sh"

rel_setup
BIN=${REL_CRASH_BIN:-$SSTP_BIN}
echo "   client binary: $BIN"
BEFORE=$RIG_DIR/before.snap
rel_snapshot > "$BEFORE"
rel_relay_start relay 8443 100 || rig_fatal "relay did not start"
DNS_IP=10.232.0.53
ARGS=("$RIG_GW_NAME:8443" --ca "$RIG_PKI/ca.crt" --user "$RIG_USER" --password-file "$SX_PW"
      --route "$RIG_HUB_NET" --dns "$DNS_IP")

# point NAME REGEX [pre]: where to kill; "pre" names a step that must happen first
POINTS=(
    "tls|state connecting -> tls|"
    "http|state tls -> http|"
    "sstp-call|state http -> sstp|"
    "lcp|state sstp -> ppp|"
    "auth|state ppp -> authenticating|"
    "ipcp|state authenticating -> network|"
    "configuring|state network -> configuring|"
    "route-applied|route .* via sstp|"
    "dns-applied|DNS for .* set|"
    "connected|connected to .*sstp|"
    "reconnect-wait|trying again in|drop"
    "reconnect-ipcp|state authenticating -> network|drop"
    "reconnect-configured|reconnect done|drop"
    "disconnecting|disconnect requested|disconnect"
    "daemon|@background|"
)
RUNS=${REL_CRASH_RUNS:-${#POINTS[@]}}
PHASES=""
KILLED=0
RESTORED=0
STALE_SOCKS=0
i=0
for (( run = 0; run < RUNS; run++ )); do
    IFS='|' read -r point re pre <<<"${POINTS[$((run % ${#POINTS[@]}))]}"
    label="kill$run-$point"
    LOG=$SX_OUT/$label.log
    REL_LOG_FROM=0
    mode=cleanup
    (( run % 5 == 4 )) && mode=next-start
    if [ "$re" = "@background" ]; then
        rel_sx "$BIN" "$label-bg" 90 connect "${ARGS[@]}" --name "$label" --background
        pid=$(rel_pid_of_session "$label")
        if [ "$SX_RC" = 0 ] && [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; then
            rig_wait 5 "pid $pid gone" sh -c "! kill -0 $pid 2>/dev/null"
            state=connected; ok=1
        else
            ok=0; cat "$SX_OUT/$label-bg.err" >&2
        fi
    else
        REL_BIN=$BIN rel_session_fg "$label" "$LOG" "${ARGS[@]}" --reconnect
        pid=$REL_FG_PID
        case "$pre" in
            drop)
                rig_wait 60 "$label up" rel_log_has "$LOG" 'connected to .*sstp'
                REL_LOG_FROM=$(wc -l < "$LOG")
                rel_relay_signal relay USR2 ;;
            disconnect)
                rig_wait 60 "$label up" rel_log_has "$LOG" 'connected to .*sstp'
                REL_LOG_FROM=$(wc -l < "$LOG")
                ( sx "dc-$label" disconnect "$label" ) & ;;
        esac
        if rel_kill_when "$LOG" "$re" "$pid" 60; then ok=1; else ok=0; fi
        wait "$pid" 2>/dev/null
        state=$(rel_last_state "$LOG")
    fi
    wait 2>/dev/null  # a pending `sstp disconnect`
    if [ "$ok" = 1 ]; then
        KILLED=$((KILLED + 1))
        PHASES="$PHASES $state"
    else
        tail -5 "$LOG" >&2 2>/dev/null
    fi
    rig_check "$label: killed at '$point' (session state: ${state:-?})" [ "$ok" = 1 ]
    # restore: `sstp cleanup`, or the next start (connect, which replays stale journals, then disconnect)
    if [ "$mode" = cleanup ]; then
        sx "$label-cleanup" cleanup
        rig_check "$label: sstp cleanup exits 0" [ "$SX_RC" = 0 ] || cat "$SX_OUT/$label-cleanup.err" >&2
    else
        # the next start of the same session replays its journal first
        rel_sx "$SSTP_BIN" "$label-next" 90 connect "${ARGS[@]}" --name "$label" --background
        rig_check "$label: the next start connects" [ "$SX_RC" = 0 ] || tail -3 "$SX_OUT/$label-next.err" >&2
        sx "$label-next-dc" disconnect "$label"
        rig_check "$label: ... and disconnects" [ "$SX_RC" = 0 ]
    fi
    # (known, reported: `sstp cleanup` leaves the dead session's NAME.sock; not counted as a failure)
    [ "$mode" = cleanup ] && [ -e "$SX_STATE/$label.sock" ] && STALE_SOCKS=$((STALE_SOCKS + 1))
    if rig_check "$label: restored by $mode: namespace exactly as before" rel_same_as "$BEFORE"; then
        RESTORED=$((RESTORED + 1))
    else
        # leave a clean slate for the next run
        sx "$label-cleanup2" cleanup
    fi
done
rig_check "no sanitizer report" rel_san_clean
DISTINCT=$(tr ' ' '\n' <<<"$PHASES" | grep -v '^$' | sort -u | tr '\n' ' ')
echo "   kills: $KILLED/$RUNS at distinct session states: $DISTINCT"
echo "   restored exactly: $RESTORED/$RUNS"
[ "$STALE_SOCKS" = 0 ] || echo "   NOTE: $STALE_SOCKS dead session control socket(s) (NAME.sock) left in the state directory by sstp cleanup"
rig_check "at least 8 distinct session states were hit" [ "$(wc -w <<<"$DISTINCT")" -ge 8 ]

echo "$RIG_FAILS failed checks"
[ "$RIG_FAILS" = 0 ]
