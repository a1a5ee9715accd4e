# shellcheck shell=bash
# Measurement helpers of the benchmark (tests/bench/run.sh), used where the clients run: inside the
# UML guest (sstp and sstpc+pppd side by side) and in the rig's client namespace (sstp native).
# Every measurement is one line of $BENCH_DIR/raw-<env>.tsv:
#   env  client  metric  run  value  unit
# and every load window one line of $BENCH_DIR/windows-<env>.tsv (env client metric run t0 t1) that
# the host side matches against its samples of SoftEther's CPU. Every wait is bounded; every process
# started here is stopped by its PID.

BENCH_CLK_TCK=$(getconf CLK_TCK)

bench_now() { printf '%s' "$EPOCHREALTIME"; }
bench_log() { printf '[bench %s %s] %s\n' "$BENCH_ENV" "$(date +%T)" "$*" >&2; }
# bench_rec CLIENT METRIC RUN VALUE UNIT
bench_rec() {
    [ -n "$4" ] || return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$BENCH_ENV" "$1" "$2" "$3" "$4" "$5" >> "$BENCH_DIR/raw-$BENCH_ENV.tsv"
}
bench_window() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$BENCH_ENV" "$1" "$2" "$3" "$4" "$5" \
    >> "$BENCH_DIR/windows-$BENCH_ENV.tsv"; }
bench_calc() { awk "BEGIN { printf \"%.6f\", $1 }" | sed -E 's/\.?0+$//'; }
# bench_sleep SECS without a fork (a fork costs milliseconds in the UML guest): read from a FIFO
# nobody writes to, with a timeout
BENCH_SLEEP_FD=""
bench_sleep() {
    if [ -z "$BENCH_SLEEP_FD" ]; then
        local f; f=$(mktemp -u "${TMPDIR:-/tmp}/bench-sleep.XXXXXX")
        mkfifo "$f" && exec {BENCH_SLEEP_FD}<>"$f"; rm -f "$f"
    fi
    read -r -t "$1" -u "$BENCH_SLEEP_FD" _ || true
}

# utime+stime in clock ticks, summed over the PIDs (a PID that is gone counts 0)
bench_ticks() {
    local p s sum=0
    for p in "$@"; do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        s=${s##*) }
        # shellcheck disable=SC2086
        set -- $s
        sum=$(( sum + ${12} + ${13} ))
    done
    echo "$sum"
}
# bench_status_kb FIELD PID...: sum of a /proc/PID/status field (VmHWM, VmRSS) in KiB
bench_status_kb() {
    local f=$1 p v sum=0; shift
    for p in "$@"; do
        v=$(awk -v f="$f:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null)
        sum=$(( sum + ${v:-0} ))
    done
    echo "$sum"
}

# bench_iperf LABEL HOST PORT SECS [IPERF ARGS...]: sets IPERF_BPS and IPERF_BYTES (receiver side),
# empty on failure; JSON kept in $BENCH_DIR/iperf/LABEL.json
bench_iperf() {
    local label=$1 host=$2 port=$3 secs=$4 j; shift 4
    j=$BENCH_DIR/iperf/$label.json
    mkdir -p "$BENCH_DIR/iperf"
    timeout $((secs + 30)) iperf3 -c "$host" -p "$port" -t "$secs" -i 0 -J "$@" > "$j" 2>&1
    IPERF_BPS=$(jq -r '.end.sum_received.bits_per_second // empty' "$j" 2>/dev/null)
    IPERF_BYTES=$(jq -r '.end.sum_received.bytes // empty' "$j" 2>/dev/null)
    if [ -z "$IPERF_BPS" ]; then
        bench_log "iperf3 $label failed: $(jq -r '.error // empty' "$j" 2>/dev/null | head -c 200)"
        return 1
    fi
}

# bench_ping HOST COUNT: sets PING_MIN PING_AVG PING_MAX (ms)
bench_ping() {
    local line
    PING_MIN=""; PING_AVG=""; PING_MAX=""
    line=$(ping -n -q -c "$2" -i 0.2 -W 2 "$1" 2>/dev/null | grep -E '^(rtt|round-trip)')
    [ -n "$line" ] || return 1
    line=${line#*= }; line=${line%% ms*}
    IFS=/ read -r PING_MIN PING_AVG PING_MAX _ <<< "$line"
}

# ---- the clients --------------------------------------------------------------------------------
# bench_client_up CLIENT LABEL: start sstp or sstpc+pppd, measure the time from just before the exec
# to (a) an IPv4 address from the hub's pool on any interface (ip monitor timestamp) and (b) the
# first echo reply from the service host through the tunnel (first_reply.c, started before the
# client, probes every 20 ms; nothing is forked while the client connects). Each client installs its
# own route to the service host: sstp --route, pppd defaultroute (the guest and the client
# namespace have no default route). Sets BC_PIDS (the client's processes), BC_IF, BC_T_ADDR,
# BC_T_USABLE (s).
BC_PID=""; BC_PIDS=""; BC_LABEL=""; BC_CLIENT=""
bench_client_up() {
    local client=$1 label=$2 mon fr t0 end line ts pppd info monpid frpid
    BC_CLIENT=$client; BC_LABEL=$label; BC_PIDS=""; BC_IF=""; BC_T_ADDR=""; BC_T_USABLE=""
    mkdir -p "$BENCH_DIR/logs"
    mon=$BENCH_DIR/logs/$label.mon; fr=$BENCH_DIR/logs/$label.reply
    : > "$mon"; : > "$fr"
    ip -ts -o monitor address > "$mon" 2>/dev/null &
    monpid=$!
    "$BENCH_DIR/first_reply" "$RIG_SVC_IP" 20 "$BENCH_CONNECT_TIMEOUT" > "$fr" 2>/dev/null &
    frpid=$!
    bench_sleep 0.3
    t0=$EPOCHREALTIME
    case "$client" in
        sstp)
            # --no-ipv6: the same NCPs as sstpc's pppd (noipv6). With IPv6CP, SoftEther answers
            # IPCP only ~3 s later (measured), which would hide the clients' own connect time.
            # -v: the log keeps each phase's time since the start (the connect breakdown)
            ( exec "$SSTP_BIN" -v connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --user "$RIG_USER" \
                --password-file "$BENCH_PWFILE" --route "$RIG_HUB_NET" --no-dns --no-ipv6 --no-reconnect \
                --name "$label" --state-dir "$BENCH_STATE" ) </dev/null > "$BENCH_DIR/logs/$label.log" 2>&1 &
            ;;
        sstpc)
            # as tests/integration/lib/sstpc.sh starts it (ipcp-restart 1 included, which makes
            # sstpc faster against SoftEther), with defaultroute instead of nodefaultroute
            ( exec sstpc --log-stderr --log-level 1 --ipparam "bench-$label" --ca-cert "$RIG_PKI/ca.crt" \
                --user "$RIG_USER" --password "$RIG_PASS" "$RIG_GW_NAME" \
                noauth defaultroute noipdefault noipv6 nobsdcomp nodeflate novj ipcp-restart 1 \
                refuse-eap refuse-pap refuse-chap refuse-mschap linkname "bench-$label" \
                logfile "$BENCH_DIR/logs/$label.pppd.log" ) \
                </dev/null > "$BENCH_DIR/logs/$label.log" 2>&1 &
            ;;
    esac
    BC_PID=$!
    end=$(( ${t0/[.,]/} + BENCH_CONNECT_TIMEOUT * 1000000 ))
    # builtins only while the client connects
    while kill -0 "$frpid" 2>/dev/null && kill -0 "$BC_PID" 2>/dev/null && (( ${EPOCHREALTIME/[.,]/} < end )); do
        bench_sleep 0.05
    done
    kill "$frpid" "$monpid" 2>/dev/null; wait "$frpid" "$monpid" 2>/dev/null
    read -r ts _ < "$fr"
    [ -n "$ts" ] && BC_T_USABLE=$(bench_calc "$ts - $t0")
    line=$(grep -m1 -E "inet ${RIG_HUB_NET%.*}\." "$mon")
    if [ -n "$line" ]; then
        ts=${line#[}; ts=${ts%%]*}
        BC_T_ADDR=$(bench_calc "$(date -d "$ts" +%s.%N) - $t0")
        BC_IF=$(awk '{print $3}' <<< "$line")
    fi
    BC_PIDS=$BC_PID
    if [ "$client" = sstpc ] && info=$(cat "/run/ppp-bench-$label.pid" 2>/dev/null); then
        pppd=$(head -1 <<< "$info")
        BC_PIDS="$BC_PID $pppd"
    fi
    [ -n "$BC_T_USABLE" ]
}

# bench_client_down: SIGTERM, wait (10 s at most) for every process of the client; sets BC_T_DOWN
bench_client_down() {
    local t0 p end
    [ -n "$BC_PID" ] || return 0
    t0=$(bench_now)
    kill -TERM "$BC_PID" 2>/dev/null
    end=$(( ${t0/[.,]/} + 10000000 ))
    for p in $BC_PIDS; do
        while kill -0 "$p" 2>/dev/null && (( ${EPOCHREALTIME/[.,]/} < end )); do bench_sleep 0.02; done
    done
    BC_T_DOWN=$(bench_calc "$(bench_now) - $t0")
    for p in $BC_PIDS; do kill -KILL "$p" 2>/dev/null && bench_log "killed $p ($BC_LABEL): ignored SIGTERM"; done
    wait "$BC_PID" 2>/dev/null
    BC_PID=""; BC_PIDS=""
}

# bench_exec_time CLIENT RUN: the fastest of 3 starts of the client's executable that only print
# their usage or version (loading the program and its shared libraries; pppd is not started)
bench_exec_time() {
    local i t0 t best=""
    for i in 1 2 3; do
        t0=$EPOCHREALTIME
        case "$1" in
            sstp) "$SSTP_BIN" --help > /dev/null 2>&1 ;;
            sstpc) sstpc --version > /dev/null 2>&1 ;;
        esac
        t=$(( ${EPOCHREALTIME/[.,]/} - ${t0/[.,]/} ))
        [ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
    done
    bench_rec "$1" exec_s "$2" "$(bench_calc "$best / 1e6")" s
}

# ---- one client, one round ------------------------------------------------------------------------
# bench_client_round CLIENT RUN SOAK: connect, latency, throughput (both directions, each stream count)
# with the client's CPU, peak RSS; with SOAK=1 also SOAK_SECS of load in both directions and the RSS
# before and after it; disconnect.
bench_client_round() {
    local c=$1 r=$2 soak=$3 label dir p t0 t1 k0 k1 el m extra
    label=$c-$BENCH_ENV-$r
    bench_exec_time "$c" "$r"
    # sstpc 1.0.18 sometimes stalls after the HTTP 200 (see tests/integration/lib/sstpc.sh): a
    # connect that gives no usable tunnel is retried twice, for either client, and counted
    local try ok=0 l
    for try in 1 2 3; do
        l=$label; [ "$try" -gt 1 ] && l=$label-retry$((try - 1))
        bench_log "$c round $r: connecting (attempt $try)"
        if bench_client_up "$c" "$l"; then ok=1; break; fi
        bench_log "$c round $r: tunnel not usable within ${BENCH_CONNECT_TIMEOUT}s; last lines of its log:"
        tr -d '\000' < "$BENCH_DIR/logs/$l.log" | tail -5 >&2
        bench_rec "$c" connect_failed "$r" 1 count
        bench_client_down
        bench_sleep 2
    done
    [ "$ok" = 1 ] || return 1
    bench_rec "$c" connect_addr_s "$r" "$BC_T_ADDR" s
    bench_rec "$c" connect_usable_s "$r" "$BC_T_USABLE" s
    bench_log "$c round $r: $BC_IF address after ${BC_T_ADDR}s, usable after ${BC_T_USABLE}s (pids $BC_PIDS)"
    if [ "$c" = sstp ] && [ "$r" = 1 ]; then
        "$SSTP_BIN" status "$label" --json --state-dir "$BENCH_STATE" > "$BENCH_DIR/logs/$label.status.json" 2>/dev/null
        bench_rec "$c" tls "$r" "$(jq -r '.sessions[0].tls.version + " " + .sessions[0].tls.suite' "$BENCH_DIR/logs/$label.status.json" 2>/dev/null | tr ' ' _)" -
    fi
    bench_ping "$RIG_SVC_IP" "$BENCH_PING_COUNT"
    bench_rec "$c" rtt_avg_ms "$r" "$PING_AVG" ms
    bench_rec "$c" rtt_min_ms "$r" "$PING_MIN" ms
    for dir in tx rx; do
        for p in $BENCH_STREAMS; do
            extra=(-P "$p"); [ "$dir" = rx ] && extra+=(-R)
            m=${dir}_p$p
            k0=$(bench_ticks $BC_PIDS); t0=$(bench_now)
            bench_iperf "$label-$m" "$RIG_SVC_IP" "$RIG_IPERF_PORT" "$BENCH_IPERF_SECS" "${extra[@]}"
            k1=$(bench_ticks $BC_PIDS); t1=$(bench_now)
            bench_window "$c" "$m" "$r" "$t0" "$t1"
            [ -n "$IPERF_BPS" ] || continue
            el=$(bench_calc "$t1 - $t0")
            bench_rec "$c" "tput_${m}_mbps" "$r" "$(bench_calc "$IPERF_BPS / 1e6")" Mbit/s
            bench_rec "$c" "cpu_${m}_pct" "$r" "$(bench_calc "100 * ($k1 - $k0) / $BENCH_CLK_TCK / $el")" %
            bench_rec "$c" "cpu_${m}_s_per_gb" "$r" \
                "$(bench_calc "($k1 - $k0) / $BENCH_CLK_TCK / ($IPERF_BYTES / 1e9)")" s/GB
        done
    done
    bench_rec "$c" rss_peak_kib "$r" "$(bench_status_kb VmHWM $BC_PIDS)" KiB
    # what the RSS is made of: the processes' own memory, and pages of mapped files (libraries)
    bench_rec "$c" rss_anon_kib "$r" "$(bench_status_kb RssAnon $BC_PIDS)" KiB
    bench_rec "$c" rss_file_kib "$r" "$(bench_status_kb RssFile $BC_PIDS)" KiB
    if [ "$soak" = 1 ] && [ "$BENCH_SOAK_SECS" -gt 0 ]; then
        local r0 r1
        r0=$(bench_status_kb VmRSS $BC_PIDS)
        bench_log "$c: ${BENCH_SOAK_SECS}s of load in both directions (RSS now $r0 KiB)"
        t0=$(bench_now)
        bench_iperf "$label-soak" "$RIG_SVC_IP" "$RIG_IPERF_PORT" "$BENCH_SOAK_SECS" --bidir
        t1=$(bench_now)
        bench_window "$c" soak "$r" "$t0" "$t1"
        r1=$(bench_status_kb VmRSS $BC_PIDS)
        bench_rec "$c" rss_soak_start_kib "$r" "$r0" KiB
        bench_rec "$c" rss_soak_end_kib "$r" "$r1" KiB
        bench_rec "$c" rss_soak_growth_kib "$r" $((r1 - r0)) KiB
        bench_rec "$c" rss_peak_after_soak_kib "$r" "$(bench_status_kb VmHWM $BC_PIDS)" KiB
        [ -n "$IPERF_BPS" ] && bench_rec "$c" soak_mbps "$r" "$(bench_calc "$IPERF_BPS / 1e6")" Mbit/s
    fi
    bench_client_down
    bench_rec "$c" disconnect_s "$r" "$BC_T_DOWN" s
}

# ---- the path without the tunnel -------------------------------------------------------------------
# bench_plain_round RUN: iperf3 and ping to the gateway's own address (no tunnel), both directions
bench_plain_round() {
    local r=$1 dir p extra m t0 t1
    for dir in tx rx; do
        for p in $BENCH_STREAMS; do
            extra=(-P "$p"); [ "$dir" = rx ] && extra+=(-R)
            m=${dir}_p$p
            t0=$(bench_now)
            bench_iperf "plain-$BENCH_ENV-$r-$m" "$RIG_GW_IP" "$BENCH_PLAIN_PORT" "$BENCH_IPERF_SECS" "${extra[@]}"
            t1=$(bench_now)
            bench_window plain "$m" "$r" "$t0" "$t1"
            [ -n "$IPERF_BPS" ] && bench_rec plain "tput_${m}_mbps" "$r" "$(bench_calc "$IPERF_BPS / 1e6")" Mbit/s
        done
    done
    bench_ping "$RIG_GW_IP" "$BENCH_PING_COUNT"
    bench_rec plain rtt_avg_ms "$r" "$PING_AVG" ms
    bench_rec plain rtt_min_ms "$r" "$PING_MIN" ms
}

# ---- the environment ----------------------------------------------------------------------------------
bench_env_info() {
    local n=20000 t0 t1
    bench_rec env kernel 0 "$(uname -r)" -
    bench_rec env cpus 0 "$(nproc)" -
    t0=$(bench_now); dd if=/dev/zero of=/dev/null bs=1500 count=$n 2>/dev/null; t1=$(bench_now)
    bench_rec env syscall_us 1 "$(bench_calc "($t1 - $t0) / (2 * $n) * 1e6")" us
}

bench_cleanup() {
    [ -n "$BC_PID" ] && bench_client_down
    return 0
}
