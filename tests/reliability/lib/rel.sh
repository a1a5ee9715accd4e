# shellcheck shell=bash
# rel.sh - helpers shared by the reliability suite (tests/reliability/test_rel_*.sh and the long runs
# in tests/reliability/): which sstp binary to run (the ASan build when there is one), running it with
# sanitizer logs collected, exact network-state snapshots of the client namespace (`ip -j` + resolver),
# fault injection on the rig (BPF packet loss / silence, veth flaps, TCP resets, SoftEther kill and
# restart, a delaying relay), and process probes (fd count, RSS). Source after lib/rig.sh and
# sstp_test_lib.sh; call rel_setup once instead of sx_setup.

REL_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REL_HOME=$(cd "$REL_LIB_DIR/.." && pwd)
REL_PY=/usr/bin/python3
[ -x "$REL_PY" ] || REL_PY=python3

# ---- binaries and sanitizers ----------------------------------------------------------------------
# REL_ASAN_BIN: an ASan+UBSan build of sstp, used where crashes are hunted. Defaults to the sibling
# build-asan/ of the build under test (tests/run-all.sh builds it before the integration stage).
rel_pick_asan() {
    local cand=${SSTP_ASAN_BIN:-}
    if [ -z "$cand" ]; then
        if [ -n "${SSTP_BUILD_DIR:-}" ]; then cand=$(dirname "$SSTP_BUILD_DIR")/build-asan/sstp
        else cand=$(dirname "$SSTP_BIN")/../build-asan/sstp; fi
        # an ASan build older than the binary under test is stale (run-all builds it after build/)
        if [ -x "$cand" ] && [ "$cand" -ot "$SSTP_BIN" ]; then
            echo "   NOTE: $cand is older than $SSTP_BIN: not used (rebuild build-asan/)" >&2
            cand=""
        fi
    fi
    # (no `nm | grep -q`: under pipefail the early exit of grep fails the pipeline)
    if [ -x "$cand" ] && [ "$(nm -D "$cand" 2>/dev/null | grep -c __asan_init)" -gt 0 ]; then
        REL_ASAN_BIN=$cand
    else
        REL_ASAN_BIN=""
    fi
}

rel_setup() {
    sx_setup
    REL_OUT=$SX_OUT
    REL_SAN=$RIG_DIR/sanitizer
    mkdir -p "$REL_SAN"
    rel_pick_asan
    # Every sstp started through rel_* writes sanitizer reports here (also when it daemonises).
    export ASAN_OPTIONS="detect_leaks=1:exitcode=66:log_path=$REL_SAN/asan:abort_on_error=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=67:log_path=$REL_SAN/ubsan"
    export LSAN_OPTIONS="exitcode=66"
}

# The binary for runs that hunt crashes: the ASan one when available, else the one under test.
rel_hunt_bin() { echo "${REL_ASAN_BIN:-$SSTP_BIN}"; }

# rel_sx BIN LABEL TIMEOUT ARGS...: like sx, with a chosen binary and time limit; sets SX_RC and
# REL_MS (wall-clock milliseconds). stdout/stderr in $SX_OUT/LABEL.{out,err}.
rel_sx() {
    local bin=$1 label=$2 secs=$3 t0; shift 3
    t0=$(sx_ms)
    timeout -k 5 "$secs" ip netns exec "$RIG_NS_CLI" "$bin" "$@" --state-dir "$SX_STATE" \
        > "$SX_OUT/$label.out" 2> "$SX_OUT/$label.err"
    SX_RC=$?
    REL_MS=$(( $(sx_ms) - t0 ))
    return 0
}

# rel_san_clean [FILE...]: no sanitizer report in the given stderr files nor in $REL_SAN.
rel_san_clean() {
    local f bad=0
    for f in "$@" "$REL_SAN"/*; do
        [ -f "$f" ] || continue
        if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)' "$f"; then
            echo "sanitizer report in $f:" >&2
            head -40 "$f" >&2
            bad=1
        fi
    done
    return $bad
}

# ---- exact network state of the client namespace -----------------------------------------------------
# Links, addresses, routes (all tables, v4+v6), policy rules as `ip -j` JSON normalised (volatile
# fields such as lifetimes and counters dropped, sorted), the namespace's resolv.conf and the journals
# in the state directory.
rel_snapshot() {
    local ns=${1:-$RIG_NS_CLI}
    # a settled namespace: IPv6 DAD runs again after a link flap (at most 10 s)
    rig_wait 10 "IPv6 DAD" _rig_dad_done "$ns" >/dev/null 2>&1
    {   # two `ip -batch` calls (one JSON document per line, in command order)
        printf 'link show\naddr show\nroute show table all\nrule show\n' | ip -n "$ns" -j -batch - |
            paste -d'\n' <(printf '== link\n== addr\n== route4\n== rule4\n') -
        printf 'route show table all\nrule show\n' | ip -6 -n "$ns" -j -batch - |
            paste -d'\n' <(printf '== route6\n== rule6\n') -
    } | "$REL_PY" -c '
import json, sys
drop = {"valid_life_time", "preferred_life_time", "stats64", "stats", "linkinfo", "txqlen",
        "num_tx_queues", "num_rx_queues", "gso_max_size", "gso_max_segs", "tso_max_size",
        "tso_max_segs", "gro_max_size", "gso_ipv4_max_size", "gro_ipv4_max_size", "operstate",
        "link_netnsid", "expires", "cacheinfo", "qdisc", "linkmode", "group", "min_mtu", "max_mtu",
        "inet6_addr_gen_mode", "addr_info_flags", "altnames", "event"}
def norm(o):
    if isinstance(o, dict):
        return {k: norm(v) for k, v in sorted(o.items()) if k not in drop}
    if isinstance(o, list):
        return [norm(v) for v in o]
    return o
sec = None
for line in sys.stdin:
    line = line.strip()
    if line.startswith("== "):
        sec = line[3:]
        continue
    if not line:
        continue
    items = [norm(x) for x in json.loads(line)]
    if sec == "addr":
        # link-local IPv6 of veths is stable; tentative/dadfailed flags are not
        for it in items:
            for a in it.get("addr_info", []):
                for k in ("tentative", "dadfailed", "optimistic"):
                    a.pop(k, None)
    for s in sorted(json.dumps(x, sort_keys=True) for x in items):
        print(sec, s)
'
    echo "== resolv.conf"
    cat "/etc/netns/$ns/resolv.conf" 2>/dev/null
    echo "== journals"
    ls "$SX_STATE" 2>/dev/null | grep -v '\.sock$'
}

# rel_same_as FILE: the client namespace equals the snapshot in FILE (diff on stderr otherwise)
rel_same_as() {
    local now=$RIG_DIR/rel-snapshot.now
    rel_snapshot > "$now"
    diff -u "$1" "$now" >&2
}

# ---- process probes ------------------------------------------------------------------------------------
rel_fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rel_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
rel_pid_of_session() { # NAME: the pid the session reports
    sx "pid-$1" status "$1" --json
    sx_json "$SX_OUT/pid-$1.out" 'j["pid"]'
}
# rel_status_field NAME EXPR: a field of `sstp status NAME --json`
rel_status_field() {
    sx "stf-$1" status "$1" --json
    sx_json "$SX_OUT/stf-$1.out" "$2"
}

# ---- faults ------------------------------------------------------------------------------------------------
REL_BPF_DIR=""
# rel_bpf_obj PCT PORT: path of a compiled netfault object (cached per setting)
rel_bpf_obj() {
    local pct=$1 port=$2 o
    [ -n "$REL_BPF_DIR" ] || { REL_BPF_DIR=$RIG_DIR/bpf; mkdir -p "$REL_BPF_DIR"; }
    o=$REL_BPF_DIR/nf-$pct-$port.o
    if [ ! -f "$o" ]; then
        clang -O2 -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -DLOSS_PCT="$pct" -DPORT="$port" \
            -c "$REL_LIB_DIR/netfault.bpf.c" -o "$o" 2>"$o.err" || { cat "$o.err" >&2; return 1; }
    fi
    echo "$o"
}
# rel_bpf_ok: can this machine inject loss (clang with the BPF target, tc with clsact + bpf)?
rel_bpf_ok() {
    command -v clang >/dev/null && command -v tc >/dev/null || return 1
    local o; o=$(rel_bpf_obj 0 0) || return 1
    ip netns add "$RIG_ID-bpfprobe" 2>/dev/null || return 1
    ip -n "$RIG_ID-bpfprobe" link add name bp0 type veth peer name bp1 &&
    tc -n "$RIG_ID-bpfprobe" qdisc add dev bp0 clsact &&
    tc -n "$RIG_ID-bpfprobe" filter add dev bp0 ingress bpf da obj "$o" sec tc 2>/dev/null
    local rc=$?
    ip netns del "$RIG_ID-bpfprobe"
    return $rc
}
# rel_loss PCT [PORT]: drop PCT% of IPv4 packets arriving on both ends of the client-gateway link
# (PORT: only TCP to/from that port). 0 removes the fault.
rel_loss() {
    local pct=$1 port=${2:-0} o ns dev
    for ns_dev in "$RIG_NS_CLI:veth-cli" "$RIG_NS_SRV:veth-gw"; do
        ns=${ns_dev%%:*}; dev=${ns_dev#*:}
        tc -n "$ns" qdisc del dev "$dev" clsact 2>/dev/null
        [ "$pct" = 0 ] && continue
        o=$(rel_bpf_obj "$pct" "$port") || return 1
        tc -n "$ns" qdisc add dev "$dev" clsact || return 1
        tc -n "$ns" filter add dev "$dev" ingress bpf da obj "$o" sec tc || return 1
    done
    rig_log "link fault: ${pct}% loss${port:+ (port $port)}"
}

# rel_link_flap SECS: the client's veth down for SECS, then up again (routes via it come back)
rel_link_flap() {
    ip -n "$RIG_NS_CLI" link set veth-cli down
    sleep "$1"
    ip -n "$RIG_NS_CLI" link set veth-cli up
    rig_log "link fault: veth-cli down for $1 s"
}

# rel_rst: the gateway resets every SSTP connection (tcp abort on its side: an RST reaches the client)
rel_rst() {
    ip netns exec "$RIG_NS_SRV" ss -K -tn state established "( sport = :$RIG_SSTP_PORT )" >/dev/null 2>&1
    rig_log "link fault: SSTP connections reset by the gateway"
}

# rel_gw_kill [SIG]: stop SoftEther (default KILL: a crash; TERM: a clean restart)
rel_gw_kill() {
    local sig=${1:-KILL} pid
    pid=$(_rig_pid_alive vpnserver) || return 0
    # SoftEther saves its configuration every 5 minutes and on a clean exit: save it now, as a
    # real gateway's configuration is on disk long before it crashes.
    rig_vpncmd Flush >/dev/null || rig_log "vpncmd Flush failed: the restart may lose the configuration"
    kill "-$sig" "$pid" 2>/dev/null
    rig_wait 15 "vpnserver $pid to exit" sh -c "! kill -0 $pid 2>/dev/null"
    rm -f "$RIG_DIR/pids/vpnserver.pid"
    rig_log "gateway: vpnserver stopped (SIG$sig)"
}
# rel_gw_start: start the (already patched and configured) vpnserver again with its saved
# configuration, and move its re-created bridge tap back into the service namespace.
rel_gw_start() {
    ( _RIG_EXEC=exec; _rig_se_exec "$RIG_DIR/bin/vpnserver" start --foreground ) \
        </dev/null >>"$RIG_DIR/logs/vpnserver.log" 2>&1 &
    local pid=$!
    _rig_pid_record vpnserver "$pid"
    disown "$pid" 2>/dev/null || true
    rig_wait 30 "vpnserver to listen on $RIG_SSTP_PORT" _rig_listening srv "$RIG_SSTP_PORT" || return 1
    if [ "$RIG_SERVICE" = 1 ]; then
        rig_wait 15 "SoftEther to re-create $RIG_TAP" rig_ns_exec srv ip link show "$RIG_TAP" || return 1
        ip -n "$RIG_NS_SRV" link set "$RIG_TAP" netns "$RIG_NS_SVC" || return 1
        ip -n "$RIG_NS_SVC" addr add "$RIG_SVC_IP/24" dev "$RIG_TAP" 2>/dev/null
        ip -n "$RIG_NS_SVC" link set "$RIG_TAP" up || return 1
    fi
    rig_log "gateway: vpnserver running again (pid $pid)"
}

# rel_relay_start NAME PORT DELAY_MS: fault_relay.py in the gateway namespace, PORT -> SoftEther
rel_relay_start() {
    rig_spawn "$1" srv "$REL_PY" -u "$REL_HOME/fault_relay.py" --listen "$RIG_GW_IP:$2" \
        --to "$RIG_GW_IP:$RIG_SSTP_PORT" --delay-ms "$3"
    rig_wait 10 "relay $1 on port $2" _rig_listening srv "$2"
}
rel_relay_signal() { # NAME USR1|USR2
    local pid; pid=$(_rig_pid_alive "$1") || return 1
    # rig_spawn records `ip netns exec`, which execs python: the pid is the relay itself
    kill "-$2" "$pid"
}

# ---- session helpers ----------------------------------------------------------------------------------
# rel_session_fg NAME LOG ARGS...: a foreground `sstp connect` (with -v) in the background of this
# shell; its pid in REL_FG_PID. The session's own timestamps are relative to REL_FG_T0 (epoch ms).
rel_session_fg() {
    local name=$1 log=$2 bin=${REL_BIN:-$SSTP_BIN}; shift 2
    ( exec ip netns exec "$RIG_NS_CLI" "$bin" connect "$@" --name "$name" -v \
        --state-dir "$SX_STATE" ) > "$log.out" 2> "$log" &
    REL_FG_PID=$!
    # The log's clock starts with the process (after exec and, for ASan, its start-up): take the
    # offset from its first line, seen within 50 ms of being written.
    local first
    REL_FG_T0=$(sx_ms)
    if rig_wait 30 "the first log line of $name" test -s "$log"; then
        first=$(head -n 1 "$log" | sed -n 's/^sstp: \[\([0-9]*\)\.\([0-9]*\)\].*/\1\2/p')
        [ -n "$first" ] && REL_FG_T0=$(( $(sx_ms) - 10#$first ))
    fi
}
# rel_wait_connected NAME RECONNECTS SECS: state connected with at least RECONNECTS reconnects
rel_wait_connected() {
    rig_wait "$3" "session $1 connected (reconnects >= $2)" _rel_connected "$1" "$2"
}
_rel_connected() {
    sx "wc-$1" status "$1" --json
    [ "$(sx_json "$SX_OUT/wc-$1.out" 'j["state"]')" = connected ] &&
    [ "$(sx_json "$SX_OUT/wc-$1.out" 'j["reconnects"]')" -ge "$2" ]
}
# rel_log_time LOG REGEX: session seconds (float) of the first log line matching REGEX after
# REL_LOG_FROM lines (0 by default), printed as absolute epoch ms using REL_FG_T0
rel_log_ms() {
    local from=${REL_LOG_FROM:-0}
    tail -n +"$((from + 1))" "$1" | grep -m1 -E "$2" | sed -n 's/^sstp: \[\([0-9]*\)\.\([0-9]*\)\].*/\1\2/p' |
        awk -v t0="$REL_FG_T0" '{ printf "%.0f\n", t0 + $1 }'
}
# Traffic through the tunnel to the service host: a ping answered within 15 s (the hub gives each
# new session a new MAC; the service host's ARP cache needs a few seconds to follow, see sx_ping)
# and a 1 MiB HTTP transfer, sha256 checked.
rel_traffic_ok() {
    sx_ping "$RIG_SVC_IP" 15 >/dev/null && sx_blob_ok
}
# rel_log_has LOG REGEX: a line after REL_LOG_FROM matches
rel_log_has() { [ "$(tail -n +"$(( ${REL_LOG_FROM:-0} + 1 ))" "$1" | grep -c -E "$2")" -gt 0 ]; }
# rel_within T1 T0 MS: T1 is set and T1 - T0 <= MS
rel_within() { [ -n "$1" ] && [ -n "$2" ] && [ $(( $1 - $2 )) -le "$3" ]; }

# ---- certificates for the hostile TLS server --------------------------------------------------------------
# rel_pki_cert NAME CN [--ca CANAME] [--start DATE] [--end DATE] [--eku EKU|none] [--md sha256|sha1]
#              [--sans SANS] [--self] [--ca-cert]
# Issues $RIG_PKI/NAME.{crt,key} with `openssl ca` (dates as YYYYMMDDHHMMSSZ; default: valid from
# yesterday for a year), signed by $RIG_PKI/CANAME.{crt,key} (default: the rig CA) or self-signed.
# --ca-cert makes an intermediate CA certificate instead of a server certificate.
rel_pki_cert() {
    local name=$1 cn=$2 ca=ca start end eku=serverAuth md=sha256 sans="" self=0 isca=0 d
    shift 2
    start=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ); end=$(date -u -d '+365 days' +%Y%m%d%H%M%SZ)
    while [ $# -gt 0 ]; do
        case "$1" in
            --ca) ca=$2; shift ;; --start) start=$2; shift ;; --end) end=$2; shift ;;
            --eku) eku=$2; shift ;; --md) md=$2; shift ;; --sans) sans=$2; shift ;;
            --self) self=1 ;; --ca-cert) isca=1 ;;
            *) echo "rel_pki_cert: unknown option $1" >&2; return 1 ;;
        esac
        shift
    done
    d=$RIG_PKI/relca
    mkdir -p "$d/new"
    [ -f "$d/index.txt" ] || { : > "$d/index.txt"; echo 1000 > "$d/serial"; }
    cat > "$d/ca.cnf" <<CNF
[ ca ]
default_ca = rel
[ rel ]
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
policy = pol
unique_subject = no
email_in_dn = no
[ pol ]
commonName = supplied
CNF
    {
        if [ "$isca" = 1 ]; then
            echo "basicConstraints=critical,CA:TRUE"
            echo "keyUsage=critical,keyCertSign,cRLSign"
        else
            echo "basicConstraints=critical,CA:FALSE"
            echo "keyUsage=critical,digitalSignature,keyEncipherment"
            [ "$eku" != none ] && echo "extendedKeyUsage=$eku"
            echo "subjectAltName=${sans:-DNS:$cn}"
        fi
    } > "$RIG_PKI/$name.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$RIG_PKI/$name.key" \
        -out "$RIG_PKI/$name.csr" 2>"$RIG_PKI/$name.err" || { cat "$RIG_PKI/$name.err" >&2; return 1; }
    local signer=(-cert "$RIG_PKI/$ca.crt" -keyfile "$RIG_PKI/$ca.key")
    [ "$self" = 1 ] && signer=(-selfsign -keyfile "$RIG_PKI/$name.key")
    openssl ca -batch -config "$d/ca.cnf" "${signer[@]}" -in "$RIG_PKI/$name.csr" \
        -out "$RIG_PKI/$name.crt" -startdate "$start" -enddate "$end" -md "$md" -notext \
        -extfile "$RIG_PKI/$name.ext" >>"$RIG_PKI/$name.err" 2>&1 || { cat "$RIG_PKI/$name.err" >&2; return 1; }
    chmod 600 "$RIG_PKI/$name.key"
}

# ---- crashes ----------------------------------------------------------------------------------------------
# rel_kill_when LOG REGEX PID SECS: as soon as a line after REL_LOG_FROM of LOG matches REGEX, kill -9
# PID. Returns 0 when killed, 1 when PID ended first or SECS passed.
rel_kill_when() {
    local log=$1 re=$2 pid=$3 secs=$4 tp rc
    grep -q -m1 -E -- "$re" < <(exec timeout "$secs" tail -n +"$(( ${REL_LOG_FROM:-0} + 1 ))" -F \
        --pid="$pid" "$log" 2>/dev/null)
    rc=$?
    tp=$!
    if [ "$rc" = 0 ] && kill -KILL "$pid" 2>/dev/null; then rc=0; else rc=1; fi
    kill "$tp" 2>/dev/null
    return $rc
}
# rel_last_state LOG: the state the session was in at its last log line
rel_last_state() {
    grep -o 'state [a-z]* -> [a-z]*' "$1" | tail -n 1 | sed 's/.* -> //'
}
