#!/bin/bash
# run.sh - benchmark of sstp beside the reference client (Debian's sstpc + pppd) on the integration
# rig with SoftEther: throughput, client CPU per GB, connect time, RSS, added latency, ceilings.
# Both clients run alternately in the same user-mode-linux guest (this kernel has no PPP); sstp also
# runs natively in the client namespace. Prints one table, writes bench-results.json. Not part of
# the default test run; see tests/bench/README.md. As root:  tests/bench/run.sh
#
# Knobs: RUNS (3), IPERF_SECS (10), PING_COUNT (20), SOAK_MIN (5; SOAK_SECS overrides, 0 = no soak),
# STREAMS ("1 4"), MODES ("native uml"), CONNECT_TIMEOUT (60), SSTP_BIN (default build/sstp),
# BENCH_OUT (output directory; default /tmp/sstp-bench-<date>), RIG_KEEP=1 (keep the rig's state).
set -u -o pipefail
BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$BENCH_HERE/../.." && pwd)

# ---- the client side: in the UML guest (--side uml) or in the client namespace (--side native) ----
if [ "${1:-}" = --side ]; then
    BENCH_ENV=$2; shift 2
    # shellcheck source=/dev/null
    . "$RIG_DIR/rig.env"
    # shellcheck source=/dev/null
    . "$RIG_DIR/bench/bench.env"
    # shellcheck source=lib.sh
    . "$BENCH_HERE/lib.sh"
    trap bench_cleanup EXIT
    trap "exit 143" TERM INT HUP
    bench_env_info
    clients=("$@")
    for (( r = 1; r <= BENCH_RUNS; r++ )); do
        bench_log "round $r of $BENCH_RUNS: no tunnel"
        bench_plain_round "$r"
        # alternate the order: the first client of a round must not always be the same
        order=("${clients[@]}")
        if [ $((r % 2)) = 0 ] && [ ${#clients[@]} = 2 ]; then order=("${clients[1]}" "${clients[0]}"); fi
        for c in "${order[@]}"; do
            soak=0; [ "$r" = "$BENCH_RUNS" ] && soak=1
            bench_client_round "$c" "$r" "$soak"
            sleep 1
        done
    done
    bench_log "done"
    exit 0
fi

# ---- the host's CPU sampler (runs in the background until rig_down stops it) -----------------------
# Every 0.5 s, on stdout: time, SoftEther's utime+stime (ticks), the machine's busy and total jiffies.
if [ "${1:-}" = --sampler ]; then
    vpn=$2
    while :; do
        s=$(cat "/proc/$vpn/stat" 2>/dev/null) || s=""
        if [ -n "$s" ]; then
            s=${s##*) }
            # shellcheck disable=SC2086
            set -- $s
            v=$(( ${12} + ${13} ))
        else
            v=""
        fi
        read -r _ u n sy id io irq sirq st _ < /proc/stat
        printf '%s\t%s\t%s\t%s\n' "$EPOCHREALTIME" "$v" $((u + n + sy + irq + sirq + st)) \
            $((u + n + sy + id + io + irq + sirq + st))
        sleep 0.5
    done
fi

# ---- the host side ----------------------------------------------------------------------------------
: "${RUNS:=3}" "${IPERF_SECS:=10}" "${PING_COUNT:=20}" "${SOAK_MIN:=5}" "${STREAMS:=1 4}"
: "${MODES:=native uml}" "${CONNECT_TIMEOUT:=60}"
: "${SOAK_SECS:=$((SOAK_MIN * 60))}"
: "${SSTP_BIN:=${SSTP_BUILD_DIR:-$SRC/build}/sstp}"
: "${BENCH_OUT:=${TMPDIR:-/tmp}/sstp-bench-$(date +%Y%m%d-%H%M%S)}"
PLAIN_PORT=5202

# shellcheck source=../integration/lib/rig.sh
. "$SRC/tests/integration/lib/rig.sh"
rig_require
SSTP_BIN=$(readlink -f "$SSTP_BIN")
[ -x "$SSTP_BIN" ] || rig_skip "sstp binary not found at $SSTP_BIN (set SSTP_BIN or SSTP_BUILD_DIR)"
for t in jq python3 cc; do command -v "$t" >/dev/null || rig_skip "$t is missing"; done
case " $MODES " in *" uml "*)
    reason=$(rig_uml_check 2>&1) || rig_skip "no PPP-capable guest (UML or QEMU) can run here: $reason"
    command -v sstpc >/dev/null && command -v pppd >/dev/null || rig_skip "sstpc/pppd missing (sstp-client, ppp)"
esac
mkdir -p "$BENCH_OUT" || rig_fatal "cannot create $BENCH_OUT"
BENCH_OUT=$(readlink -f "$BENCH_OUT")

# the native side's shell ends its client on SIGTERM (trap in lib.sh); rig_down sweeps the rest
SIDE_PID=""
stop_side() {
    [ -n "$SIDE_PID" ] || return 0
    kill -TERM "$SIDE_PID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$SIDE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SIDE_PID" 2>/dev/null
    wait "$SIDE_PID" 2>/dev/null
    SIDE_PID=""
}
host_rec() { printf 'host\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$BENCH_DIR/raw-host.tsv"; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

rig_up
BENCH_DIR=$RIG_DIR/bench
mkdir -p "$BENCH_DIR/logs"
save_results() { [ -d "$BENCH_DIR" ] && cp -a "$BENCH_DIR/." "$BENCH_OUT/" 2>/dev/null; return 0; }
rig_on_down save_results
printf '%s\n' "$RIG_PASS" > "$BENCH_DIR/password"; chmod 600 "$BENCH_DIR/password"
{
    printf 'BENCH_DIR=%q\n' "$BENCH_DIR"
    printf 'BENCH_HERE=%q\n' "$BENCH_HERE"
    printf 'SSTP_BIN=%q\n' "$SSTP_BIN"
    printf 'BENCH_PWFILE=%q\n' "$BENCH_DIR/password"
    printf 'BENCH_RUNS=%q\nBENCH_IPERF_SECS=%q\nBENCH_PING_COUNT=%q\n' "$RUNS" "$IPERF_SECS" "$PING_COUNT"
    printf 'BENCH_SOAK_SECS=%q\nBENCH_STREAMS=%q\nBENCH_CONNECT_TIMEOUT=%q\n' "$SOAK_SECS" "$STREAMS" "$CONNECT_TIMEOUT"
    printf 'BENCH_PLAIN_PORT=%q\n' "$PLAIN_PORT"
    # the guest's /run is its own tmpfs; natively the state lives with the rig
    # shellcheck disable=SC2016
    printf 'if [ -n "${RIG_IN_GUEST:-}" ]; then BENCH_STATE=/run/sstp-bench; else BENCH_STATE=%q; fi\n' \
        "$BENCH_DIR/state-native"
} > "$BENCH_DIR/bench.env"

# an iperf3 server on the gateway's own address: the path without the tunnel
rig_spawn bench-iperf-plain srv iperf3 -s -B "$RIG_GW_IP" -p "$PLAIN_PORT"
rig_wait 10 "plain iperf3 server" _rig_listening srv "$PLAIN_PORT" || rig_fatal "no plain iperf3 server"
read -r VPN_PID _ < "$RIG_DIR/pids/vpnserver.pid"
# rig_spawn sends stdout to its log: the samples are there
rig_spawn bench-sampler cli bash "$BENCH_HERE/run.sh" --sampler "$VPN_PID"
SAMPLES=$RIG_DIR/logs/bench-sampler.log

rig_log "bench: RUNS=$RUNS IPERF_SECS=$IPERF_SECS PING_COUNT=$PING_COUNT SOAK_SECS=$SOAK_SECS STREAMS='$STREAMS' MODES='$MODES'; results in $BENCH_OUT"
host_rec meta commit 0 "$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)$(git -C "$SRC" diff --quiet HEAD -- client ppp tls platform 2>/dev/null || echo +dirty)" -
host_rec meta date 0 "$(date -u +%Y-%m-%dT%H:%M:%SZ)" -
host_rec meta host_kernel 0 "$(uname -r)" -
host_rec meta cpu 0 "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo | tr ' ' _)x$(nproc)" -
host_rec meta knobs 0 "RUNS=$RUNS,IPERF_SECS=$IPERF_SECS,PING_COUNT=$PING_COUNT,SOAK_SECS=$SOAK_SECS,STREAMS=${STREAMS// /+}" -
host_rec meta load_before 0 "$(load_now | tr ' ' /)" -
host_rec meta clk_tck 0 "$(getconf CLK_TCK)" -
host_rec meta sstpc_version 0 "$(sstpc --version 2>&1 | awk '/version/ {print $NF; exit}')" -
host_rec meta mbedtls 0 "$(dpkg-query -W -f '${Version}' libmbedtls-dev 2>/dev/null)" -
host_rec meta openssl 0 "$(openssl version | cut -d' ' -f2)" -

# ---- ceilings that need no tunnel: one core of AES-GCM (CPU time, so the load does not matter) ----
rig_log "bench: AES-GCM speed (openssl, mbedTLS)"
for size in 1500 16384; do
    kbs=$(openssl speed -seconds 2 -bytes "$size" -evp aes-256-gcm 2>/dev/null |
          awk 'tolower($1) == "aes-256-gcm" {v = $NF; sub(/k$/, "", v); print v}')
    [ -n "$kbs" ] && host_rec ceiling "openssl_aes256gcm_${size}_mbps" 1 "$(awk -v k="$kbs" 'BEGIN {printf "%.0f", k * 8 / 1000}')" Mbit/s
done
cc -O2 -o "$BENCH_DIR/first_reply" "$BENCH_HERE/first_reply.c" 2>"$BENCH_DIR/logs/first_reply.err" ||
    rig_fatal "first_reply.c did not build: $(head -3 "$BENCH_DIR/logs/first_reply.err")"
if cc -O2 -o "$BENCH_DIR/gcm_speed" "$BENCH_HERE/gcm_speed.c" -lmbedcrypto 2>"$BENCH_DIR/logs/gcm_speed.err"; then
    "$BENCH_DIR/gcm_speed" 2 1500 16384 | while read -r alg size bps; do
        [ "$alg" = aes-256-gcm ] && host_rec ceiling "mbedtls_aes256gcm_${size}_mbps" 1 "$(awk -v b="$bps" 'BEGIN {printf "%.0f", b / 1e6}')" Mbit/s
    done
else
    rig_log "bench: gcm_speed did not build: $(head -3 "$BENCH_DIR/logs/gcm_speed.err")"
fi
# nettle: what sstp's record layer uses after the handshake (tls/tls_record.c)
if cc -O2 -DGCM_NETTLE -o "$BENCH_DIR/gcm_speed_nettle" "$BENCH_HERE/gcm_speed.c" -lnettle \
        2>"$BENCH_DIR/logs/gcm_speed_nettle.err"; then
    "$BENCH_DIR/gcm_speed_nettle" 2 1500 16384 | while read -r alg size bps; do
        [ "$alg" = aes-256-gcm ] && host_rec ceiling "nettle_aes256gcm_${size}_mbps" 1 "$(awk -v b="$bps" 'BEGIN {printf "%.0f", b / 1e6}')" Mbit/s
    done
else
    rig_log "bench: gcm_speed (nettle) did not build: $(head -3 "$BENCH_DIR/logs/gcm_speed_nettle.err")"
fi

# ---- the client sides ---------------------------------------------------------------------------------
case " $MODES " in *" native "*)
    rig_log "bench: sstp natively in the client namespace"
    # in the background, so that a signal reaches our trap (and rig_down) at once
    rig_ns_exec cli env RIG_DIR="$RIG_DIR" bash "$BENCH_HERE/run.sh" --side native sstp &
    SIDE_PID=$!
    rig_on_down stop_side
    wait "$SIDE_PID" || rig_log "bench: the native side failed (exit $?)"
    SIDE_PID=""
esac
case " $MODES " in *" uml "*)
    rig_log "bench: sstpc+pppd and sstp in the UML guest"
    # generous: the guest's own steps are bounded; this only stops a hung guest
    per_round=$(( 4 * (IPERF_SECS + 8) * 3 + 3 * (2 * CONNECT_TIMEOUT + PING_COUNT) ))
    RIG_UML_EXPORTS="$(dirname "$SSTP_BIN") ${RIG_UML_EXPORTS:-}" \
        rig_uml_run --timeout $(( RUNS * per_round + 2 * SOAK_SECS + 300 )) "$BENCH_HERE/run.sh" --side uml sstpc sstp
    rc=$?
    [ $rc = 0 ] || rig_log "bench: the UML side failed (exit $rc; console $RIG_UML_LOG)"
    cp "$RIG_UML_LOG" "$BENCH_DIR/logs/uml-console.log" 2>/dev/null
esac

host_rec meta load_after 0 "$(load_now | tr ' ' /)" -
rig_stop bench-sampler 2
cp "$SAMPLES" "$BENCH_DIR/samples.tsv"
python3 "$BENCH_HERE/summarize.py" "$BENCH_DIR" | tee "$BENCH_DIR/table.txt"
save_results
rig_log "bench: results in $BENCH_OUT (bench-results.json, table.txt, table.md, raw-*.tsv)"
