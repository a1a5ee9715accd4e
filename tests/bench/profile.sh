#!/bin/bash
# profile.sh - where sstp spends its time on the data path: connects `sstp` natively on the rig (-v,
# so the log shows the connect timeline), then samples it with `perf record` (cpu-clock, so it works
# without hardware counters) during an iperf3 upload and a download through the tunnel, and prints
# the hottest symbols of sstp and of SoftEther for each. As root:  tests/bench/profile.sh
# Knobs: PROFILE_SECS (10), STREAMS (1), SSTP_BIN, PROFILE_OUT (default /tmp/sstp-profile-<date>),
# CALLGRIND=1 (also run sstp under valgrind --tool=callgrind for a few seconds of each direction).
set -u -o pipefail
BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$BENCH_HERE/../.." && pwd)
: "${PROFILE_SECS:=10}" "${STREAMS:=1}" "${CALLGRIND:=0}"
: "${SSTP_BIN:=${SSTP_BUILD_DIR:-$SRC/build}/sstp}"
: "${PROFILE_OUT:=${TMPDIR:-/tmp}/sstp-profile-$(date +%Y%m%d-%H%M%S)}"

# shellcheck source=../integration/lib/rig.sh
. "$SRC/tests/integration/lib/rig.sh"
rig_require
SSTP_BIN=$(readlink -f "$SSTP_BIN")
[ -x "$SSTP_BIN" ] || rig_skip "sstp binary not found at $SSTP_BIN (set SSTP_BIN or SSTP_BUILD_DIR)"
command -v perf >/dev/null || rig_skip "perf is missing (linux-perf)"
mkdir -p "$PROFILE_OUT" && PROFILE_OUT=$(readlink -f "$PROFILE_OUT")
rig_up
printf '%s\n' "$RIG_PASS" > "$RIG_DIR/password"; chmod 600 "$RIG_DIR/password"
STATE=$RIG_DIR/sstp-state
SSTP_ARGS=(connect "$RIG_GW_NAME" --ca "$RIG_PKI/ca.crt" --user "$RIG_USER" --password-file "$RIG_DIR/password"
           --route "$RIG_HUB_NET" --no-dns --no-ipv6 --no-reconnect --name prof --state-dir "$STATE")

# start [WRAPPER...]: sstp in the client namespace (optionally under a wrapper), wait for the tunnel
start() {
    ( exec ip netns exec "$RIG_NS_CLI" "$@" "$SSTP_BIN" -v "${SSTP_ARGS[@]}" ) </dev/null \
        > "$PROFILE_OUT/sstp$LABEL.log" 2>&1 &
    SSTP_PID=$!
    rig_on_down "kill -TERM $SSTP_PID 2>/dev/null; sleep 1"
    rig_wait 120 "the tunnel" rig_ns_exec cli ping -c 1 -W 1 -q "$RIG_SVC_IP" \
        || { tail -20 "$PROFILE_OUT/sstp$LABEL.log" >&2; rig_fatal "no tunnel"; }
}
stop() {
    kill -TERM "$SSTP_PID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$SSTP_PID" 2>/dev/null || break; sleep 0.1; done
    wait "$SSTP_PID" 2>/dev/null
}
iperf() { # DIR -> Mbit/s
    local extra=(-P "$STREAMS"); [ "$1" = rx ] && extra+=(-R)
    rig_ns_exec cli timeout $((PROFILE_SECS + 30)) iperf3 -c "$RIG_SVC_IP" -p "$RIG_IPERF_PORT" \
        -t "$PROFILE_SECS" -J "${extra[@]}" > "$PROFILE_OUT/iperf-$1$LABEL.json" 2>&1
    jq -r '.end.sum_received.bits_per_second / 1e6 | floor' "$PROFILE_OUT/iperf-$1$LABEL.json" 2>/dev/null
}
ticks() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; s=${s##*) }
          # shellcheck disable=SC2086
          set -- $s; echo $(( ${12} + ${13} )); }

counters() { # "packets_in packets_out" of the session
    rig_ns_exec cli "$SSTP_BIN" status prof --json --state-dir "$STATE" 2>/dev/null |
        jq -r '.sessions[0] | "\(.traffic.packets_in) \(.traffic.packets_out)"'
}

LABEL=""
start
echo "== connect timeline (sstp -v)"
grep -E '\[[0-9]+\.[0-9]+\]' "$PROFILE_OUT/sstp.log" | head -40
read -r VPN _ < "$RIG_DIR/pids/vpnserver.pid"
for dir in tx rx; do
    perf record -q -e cpu-clock -F 2000 -g -p "$SSTP_PID" -o "$PROFILE_OUT/perf-sstp-$dir.data" \
        -- sleep "$PROFILE_SECS" 2>/dev/null &
    p1=$!
    perf record -q -e cpu-clock -F 1000 -p "$VPN" -o "$PROFILE_OUT/perf-vpnserver-$dir.data" \
        -- sleep "$PROFILE_SECS" 2>/dev/null &
    p2=$!
    perf stat -x, -o "$PROFILE_OUT/syscalls-$dir.csv" -p "$SSTP_PID" -e raw_syscalls:sys_enter \
        -e syscalls:sys_enter_read -e syscalls:sys_enter_write -e syscalls:sys_enter_epoll_wait \
        -- sleep "$PROFILE_SECS" 2>/dev/null &
    p3=$!
    c0=$(counters)
    k0=$(ticks "$SSTP_PID"); v0=$(ticks "$VPN"); t0=$EPOCHREALTIME
    mbps=$(iperf "$dir")
    k1=$(ticks "$SSTP_PID"); v1=$(ticks "$VPN"); t1=$EPOCHREALTIME
    c1=$(counters)
    wait "$p1" "$p2" "$p3"
    el=$(awk -v a="$t1" -v b="$t0" 'BEGIN {print a - b}')
    echo
    echo "== $dir: ${mbps:-?} Mbit/s; sstp CPU $(awk -v k=$((k1 - k0)) -v e="$el" 'BEGIN {printf "%.0f", k / e}')%," \
         "SoftEther CPU $(awk -v k=$((v1 - v0)) -v e="$el" 'BEGIN {printf "%.0f", k / e}')% (of one core); load $(cut -d' ' -f1 /proc/loadavg)"
    # packets moved while perf stat counted (its window starts with iperf3's and is as long)
    read -r pi0 po0 <<< "$c0"; read -r pi1 po1 <<< "$c1"
    pk=$(( pi1 - pi0 + po1 - po0 ))
    echo "-- sstp system calls per packet (in+out, $pk packets):" \
        "$(awk -F, -v pk="$pk" '$3 ~ /sys_enter/ && pk > 0 {n = $3; sub(/.*sys_enter_?/, "", n); if (n == "") n = "all";
                                printf "%s %.2f  ", n, $1 / pk}' "$PROFILE_OUT/syscalls-$dir.csv")"
    echo "-- sstp, hottest symbols (self):"
    perf report -i "$PROFILE_OUT/perf-sstp-$dir.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null \
        | grep -E '^ +[0-9]' | head -25 | tee "$PROFILE_OUT/perf-sstp-$dir.txt"
    echo "-- SoftEther, hottest symbols (self):"
    perf report -i "$PROFILE_OUT/perf-vpnserver-$dir.data" --stdio --no-children --sort dso,sym 2>/dev/null \
        | grep -E '^ +[0-9]' | head -12 | tee "$PROFILE_OUT/perf-vpnserver-$dir.txt"
done
stop

if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
    LABEL=-callgrind
    start valgrind --tool=callgrind --callgrind-out-file="$PROFILE_OUT/callgrind.out" --collect-atstart=no \
        --toggle-collect=sess_link_drive
    for dir in tx rx; do echo "callgrind $dir: $(iperf "$dir") Mbit/s"; done
    stop
    callgrind_annotate --inclusive=no "$PROFILE_OUT/callgrind.out" 2>/dev/null | head -40 \
        | tee "$PROFILE_OUT/callgrind.txt"
fi
echo "profile data in $PROFILE_OUT"
