# shellcheck shell=bash
# The reference client (Debian's sstpc + pppd) against the rig's gateway. Sourced by rig.sh; use it
# where pppd works, i.e. inside the UML guest (rig_uml_run) on machines whose kernel has no PPP.
#
#   rig_sstpc_connect [--user U] [--password P] [--auth mschapv2|pap|eap-tls] [--server HOST]
#                     [--timeout S (45)] [--retries N] [--label L] [--no-route] [-- PPPD_OPTIONS...]
#       Starts sstpc (server certificate checked against the rig CA) and waits until its PPP
#       interface has an IPv4 address. eap-tls uses $RIG_PKI/<user>.{crt,key} (rig_add_cert_user).
#       pppd gets ipcp-restart 1: SoftEther often leaves the first IPCP request unanswered (it answers
#       once its DHCP lease is in), and the default 3 s retransmit made every connect 3 s slower.
#       Unless --no-route, routes $RIG_HUB_NET (the service host's net) through the tunnel.
#       Sets RIG_SSTPC_PID, RIG_PPP_IF, RIG_PPP_ADDR, RIG_PPP_PEER, RIG_SSTPC_MS (start -> address),
#       RIG_SSTPC_TRIES, RIG_SSTPC_LOG (sstpc's log; pppd's is $RIG_SSTPC_LOG.pppd).
#       sstpc 1.0.18 sometimes stalls after the HTTP 200 (it does not drain OpenSSL's buffer, see
#       reference-rig RESULTS.md; seen three times in a row in CI), so an attempt whose pppd has not
#       started after RIG_SSTPC_STALL_S (25) seconds ends early, and a connect that gets no address
#       is retried (default 4 more times, each logged); --retries 0 for negative tests. Returns 1 if no address was obtained;
#       then RIG_SSTPC_GAVE_UP=1 if sstpc exited by itself (e.g. authentication refused), 0 if the
#       timeout ran out, and RIG_SSTPC_STALLS counts the attempts that stalled before sstpc sent its
#       Connect-Request (so a caller can tell that defect from a failure of the rig).
#   rig_sstpc_disconnect [SECS]
#       SIGTERM to sstpc; waits until sstpc and pppd are gone and the interface is removed.
#       Sets RIG_SSTPC_RC (sstpc's exit code). Returns 1 if anything is left after SECS (default 10).

RIG_SSTPC_N=0

_rig_ppp_info() { # linkname -> "pid ifname" from pppd's /run/ppp-<linkname>.pid once the unit exists
    local f=/run/ppp-$1.pid pid ifname
    [ -f "$f" ] || return 1
    { read -r pid; read -r ifname; } < "$f"
    [ -n "$ifname" ] || return 1
    echo "$pid $ifname"
}

_rig_sstpc_attempt() {
    local label=$1 server=$2 timeout=$3; shift 3
    # $@: sstpc options, then "--", then pppd options
    local sopts=() end pid info
    while [ $# -gt 0 ] && [ "$1" != -- ]; do sopts+=("$1"); shift; done
    shift
    RIG_SSTPC_LOG=$RIG_DIR/results/sstpc-$label.log
    # A distinct --ipparam: otherwise every sstpc shares one pppd-plugin socket path.
    ( exec sstpc --log-stderr --log-level "${RIG_SSTPC_LOGLEVEL:-2}" --ipparam "rig-$label" \
        --ca-cert "$RIG_PKI/ca.crt" "${sopts[@]}" "$server" \
        noauth nodefaultroute noipdefault noipv6 nobsdcomp nodeflate novj ipcp-restart 1 \
        linkname "rig-$label" logfile "$RIG_SSTPC_LOG.pppd" "$@" ) </dev/null >"$RIG_SSTPC_LOG" 2>&1 &
    pid=$!
    RIG_SSTPC_PID=$pid
    local t0; t0=$(_rig_ms)
    end=$(( t0 + timeout * 1000 ))
    RIG_SSTPC_GAVE_UP=0
    # sstpc starts pppd once the SSTP call is connected; if pppd has not started after
    # RIG_SSTPC_STALL_S (25) seconds, this is sstpc's stall after the HTTP 200: give up early.
    local stall=$(( t0 + ${RIG_SSTPC_STALL_S:-25} * 1000 ))
    RIG_SSTPC_STALLED=0
    while [ "$(_rig_ms)" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
        if [ ! -s "$RIG_SSTPC_LOG.pppd" ] && [ "$(_rig_ms)" -gt "$stall" ]; then
            RIG_SSTPC_STALLED=1
            break
        fi
        if info=$(_rig_ppp_info "rig-$label"); then
            RIG_PPP_IF=${info#* }
            # pppd sets the address before it brings the link up: wait for both.
            RIG_PPP_ADDR=$(ip -4 -o addr show dev "$RIG_PPP_IF" up 2>/dev/null | awk '{print $4; exit}')
            if [ -n "$RIG_PPP_ADDR" ]; then
                RIG_SSTPC_MS=$(( $(_rig_ms) - t0 ))
                RIG_PPP_PEER=$(ip -4 -o addr show dev "$RIG_PPP_IF" | awk '{print $6; exit}')
                RIG_PPP_PEER=${RIG_PPP_PEER%/*}
                RIG_PPP_ADDR=${RIG_PPP_ADDR%/*}
                return 0
            fi
        fi
        sleep 0.05
    done
    kill -0 "$pid" 2>/dev/null || RIG_SSTPC_GAVE_UP=1
    return 1
}

rig_sstpc_connect() {
    local -; set +e +o pipefail
    local user=$RIG_USER pass=$RIG_PASS auth=mschapv2 server=$RIG_GW_NAME timeout=45 retries=4
    local label="" route=1 extra=() aopts=() sopts=() try
    while [ $# -gt 0 ]; do
        case "$1" in
            --user) user=$2; shift 2 ;;
            --password) pass=$2; shift 2 ;;
            --auth) auth=$2; shift 2 ;;
            --server) server=$2; shift 2 ;;
            --timeout) timeout=$2; shift 2 ;;
            --retries) retries=$2; shift 2 ;;
            --label) label=$2; shift 2 ;;
            --no-route) route=0; shift ;;
            --) shift; extra=("$@"); break ;;
            *) echo "rig_sstpc_connect: unknown option $1" >&2; return 2 ;;
        esac
    done
    RIG_SSTPC_N=$((RIG_SSTPC_N + 1))
    [ -n "$label" ] || label=c$RIG_SSTPC_N
    sopts=(--user "$user")
    case "$auth" in
        mschapv2) sopts+=(--password "$pass"); aopts=(refuse-eap refuse-pap refuse-chap refuse-mschap) ;;
        pap) sopts+=(--password "$pass"); aopts=(refuse-eap refuse-chap refuse-mschap refuse-mschap-v2) ;;
        eap-tls) aopts=(refuse-pap refuse-chap refuse-mschap refuse-mschap-v2 ca "$RIG_PKI/ca.crt"
                        cert "$RIG_PKI/$user.crt" key "$RIG_PKI/$user.key" remotename "$RIG_GW_NAME") ;;
        *) echo "rig_sstpc_connect: unknown --auth $auth" >&2; return 2 ;;
    esac
    RIG_PPP_IF=""; RIG_PPP_ADDR=""; RIG_PPP_PEER=""; RIG_SSTPC_MS=""; RIG_SSTPC_STALLS=0
    for (( try=0; try<=retries; try++ )); do
        RIG_SSTPC_TRIES=$((try + 1))
        local l=$label; [ "$try" -gt 0 ] && l=$label-retry$try
        if _rig_sstpc_attempt "$l" "$server" "$timeout" "${sopts[@]}" -- "${aopts[@]}" "${extra[@]}"; then
            [ "$route" = 1 ] && { rig_wait 5 "a route through $RIG_PPP_IF" \
                                    ip route replace "$RIG_HUB_NET" dev "$RIG_PPP_IF" || return 1; }
            return 0
        fi
        if [ "$RIG_SSTPC_GAVE_UP" = 1 ]; then
            rig_log "sstpc ($l) exited without an IPv4 address; last lines of its log:"
        elif [ "$RIG_SSTPC_STALLED" = 1 ]; then
            tr -d '\000' < "$RIG_SSTPC_LOG" | grep -q "Sending Connect-Request" ||
                RIG_SSTPC_STALLS=$((RIG_SSTPC_STALLS + 1))
            rig_log "sstpc ($l) started no pppd within ${RIG_SSTPC_STALL_S:-25}s (its stall after HTTP 200); last lines of its log:"
        else
            rig_log "sstpc ($l): no IPv4 address within ${timeout}s; last lines of its log:"
        fi
        tr -d '\000' < "$RIG_SSTPC_LOG" | tail -4 >&2
        [ -s "$RIG_SSTPC_LOG.pppd" ] && { echo "  pppd:" >&2; tr -d '\000' < "$RIG_SSTPC_LOG.pppd" | tail -8 >&2; }
        rig_sstpc_disconnect 5 >/dev/null 2>&1
        if [ "$try" -lt "$retries" ]; then
            rig_log "retrying in 2 s (sstpc 1.0.18 stalls or aborts now and then)"
            sleep 2
        fi
    done
    return 1
}

rig_sstpc_disconnect() {
    local -; set +e +o pipefail
    local secs=${1:-10} pid=${RIG_SSTPC_PID:-} end pppd="" info
    [ -n "$pid" ] || return 0
    info=$(_rig_ppp_info "$(_rig_sstpc_linkname)" 2>/dev/null) && pppd=${info%% *}
    kill -TERM "$pid" 2>/dev/null
    end=$(( $(_rig_ms) + secs * 1000 ))
    while [ "$(_rig_ms)" -lt "$end" ]; do
        kill -0 "$pid" 2>/dev/null || { [ -n "$pppd" ] && kill -0 "$pppd" 2>/dev/null; } || break
        sleep 0.05
    done
    local left=0
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; left=1; fi
    if [ -n "$pppd" ] && kill -0 "$pppd" 2>/dev/null; then kill -KILL "$pppd" 2>/dev/null; left=1; fi
    wait "$pid" 2>/dev/null
    RIG_SSTPC_RC=$?
    RIG_SSTPC_PID=""
    if [ -n "$RIG_PPP_IF" ] && ip link show "$RIG_PPP_IF" >/dev/null 2>&1; then
        rig_wait 3 "$RIG_PPP_IF to disappear" _rig_no_link "$RIG_PPP_IF" || left=1
    fi
    return $left
}
_rig_no_link() { ! ip link show "$1" >/dev/null 2>&1; }
_rig_sstpc_linkname() { basename "$RIG_SSTPC_LOG" .log | sed 's/^sstpc-/rig-/'; }
