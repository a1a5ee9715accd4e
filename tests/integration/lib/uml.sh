# shellcheck shell=bash
# User-Mode Linux guest for the rig: runs a script inside a Debian UML kernel that has PPP (this
# machine's kernel has no /dev/ppp, so pppd, and therefore sstpc, cannot run natively). Sourced by
# rig.sh. The guest's root is the host's / through hostfs (read-only), $RIG_DIR is mounted back
# read-write, and its vec0 is the tap uml0 in the client namespace (gro=1: without it host->guest TCP
# collapses to ~0.3 Mbit/s). The client namespace routes between the guest and the gateway.
# Engine (guest.sh): RIG_GUEST_ENGINE=auto|uml|qemu. auto boots UML (QEMU directly on CPUs with AMX,
# where UML panics) and falls back to QEMU with Debian's kernel when UML does not reach its init
# within RIG_GUEST_UML_BOOT_S (60) s; the QEMU guest has the same root, mounts, tap and vec0.
#
#   rig_uml_check            0 if a guest can be booted here, else prints why and returns 1
#   rig_uml_up               create the tap and routes (idempotent; rig_uml_run calls it)
#   rig_uml_run [--timeout S] [--show] SCRIPT [ARGS...]
#                            boot a guest that runs `bash SCRIPT ARGS...` with $RIG_DIR/rig.env
#                            sourced and RIG_IN_GUEST=1, then powers off. Returns the script's exit
#                            code; 124 on timeout; 77 if UML (forced) never reached its init or no
#                            engine can run, 125 if QEMU did not boot. --show
#                            copies the guest console to stdout live. Console: RIG_UML_LOG.
#                            Sets RIG_GUEST_USED (uml|qemu) and RIG_GUEST_BOOT_MS.
#                            The guest's /tmp is its own; host directories under /tmp that the
#                            script needs (besides its own, the source tree's and $RIG_DIR) go in
#                            RIG_UML_EXPORTS (space-separated), e.g. a build directory.
# Inside the guest: ppp_generic, ppp_async and tun are loaded, /tmp and /run are tmpfs, `ps` does not
# work (read /proc), and sourcing rig.sh again gives the helpers (rig_check, rig_wait, sstpc.sh).

: "${RIG_UML_MEM:=512M}"
# shellcheck source=guest.sh
. "$RIG_LIB_DIR/guest.sh"
RIG_UML_TAP=uml0
RIG_UML_HOST_IP=10.233.0.1
RIG_UML_GUEST_IP=10.233.0.2
RIG_UML_NET=10.233.0.0/24

_rig_uml_engine_check() {
    local m
    command -v linux.uml >/dev/null 2>&1 || { echo "linux.uml not found (Debian package user-mode-linux)" >&2; return 1; }
    m=$(ls -d /usr/lib/uml/modules/*/kernel/drivers/net/ppp/ppp_generic.ko 2>/dev/null | head -1)
    [ -n "$m" ] || { echo "no PPP modules for the UML kernel under /usr/lib/uml/modules" >&2; return 1; }
    command -v insmod >/dev/null 2>&1 || { echo "insmod not found (Debian package kmod)" >&2; return 1; }
    return 0
}

rig_uml_check() {
    local -; set +e +o pipefail
    local why
    case "$RIG_LIB_DIR" in *[[:space:]]*) echo "the guest cannot boot an init whose path has spaces: $RIG_LIB_DIR" >&2; return 1 ;; esac
    [ -x "$RIG_LIB_DIR/uml-init.sh" ] || { echo "$RIG_LIB_DIR/uml-init.sh is not executable" >&2; return 1; }
    if [ "$(guest_engine)" = uml ]; then
        why=$(_rig_uml_engine_check 2>&1) && return 0
        [ "$RIG_GUEST_ENGINE" = uml ] && { echo "$why" >&2; return 1; }
        why="UML: $why; QEMU: "
    fi
    local q; q=$(guest_qemu_check 2>&1) && return 0
    echo "$why$q" >&2
    return 1
}

rig_uml_up() {
    local -; set +e +o pipefail
    [ -f "$RIG_DIR/.uml-up" ] && return 0
    ip -n "$RIG_NS_CLI" tuntap add "$RIG_UML_TAP" mode tap || return 1
    ip -n "$RIG_NS_CLI" addr add "$RIG_UML_HOST_IP/24" dev "$RIG_UML_TAP" || return 1
    ip -n "$RIG_NS_CLI" link set "$RIG_UML_TAP" up || return 1
    rig_ns_exec cli sysctl -qw net.ipv4.ip_forward=1 || return 1
    ip -n "$RIG_NS_SRV" route add "$RIG_UML_NET" via "$RIG_CLI_IP" || return 1
    touch "$RIG_DIR/.uml-up"
}

_rig_guest_start_uml() { # N: UML in the client namespace, its vec0 on the tap; $! is its pid
    ( exec ip netns exec "$RIG_NS_CLI" linux.uml mem="$RIG_UML_MEM" rootfstype=hostfs rootflags=/ ro \
        quiet init="$RIG_LIB_DIR/uml-init.sh" uml_dir="$RIG_DIR/uml" umid="$RIG_ID-$1" RIG_DIR="$RIG_DIR" \
        vec0:transport=tap,ifname="$RIG_UML_TAP",gro=1 con0=fd:0,fd:1 con=null ssl=null ) \
        </dev/null >"$RIG_UML_LOG" 2>&1 &
    _rig_pid_record "uml-$1" "$!"
}

rig_uml_run() {
    local -; set +e +o pipefail
    local timeout=300 show=0 n pid tailpid="" end rc
    while [ $# -gt 0 ]; do
        case "$1" in
            --timeout) timeout=$2; shift 2 ;;
            --show) show=1; shift ;;
            *) break ;;
        esac
    done
    [ $# -ge 1 ] || { echo "rig_uml_run: no script" >&2; return 2; }
    rig_uml_up || { echo "rig_uml_run: could not set up the guest's tap" >&2; return 1; }
    mkdir -p "$RIG_DIR/uml"
    rm -f "$RIG_DIR/uml/started" "$RIG_DIR/uml/rc"
    local script exports d
    script=$(readlink -f "$1"); shift
    # Directories the guest must see although its /tmp is a tmpfs: the script's, the source tree's
    # and any in RIG_UML_EXPORTS (space-separated, e.g. a build directory), outermost first.
    exports=$(for d in "$(dirname "$script")" "$(readlink -f "$RIG_LIB_DIR/../../..")" \
                       ${RIG_UML_EXPORTS:-}; do readlink -f "$d"; done | sort -u | awk '
        { for (i = 1; i <= n; i++) if (index($0 "/", k[i] "/") == 1) next; k[++n] = $0; print }')
    {
        printf 'RIG_GUEST_SCRIPT=%q\n' "$script"
        printf 'RIG_GUEST_ARGS=('; printf '%q ' "$@"; printf ')\n'
        printf 'RIG_GUEST_EXPORTS=('; for d in $exports; do printf '%q ' "$d"; done; printf ')\n'
    } > "$RIG_DIR/uml/guest.env"
    n=0; while [ -e "$RIG_DIR/logs/uml-$n.log" ]; do n=$((n + 1)); done
    RIG_UML_LOG=$RIG_DIR/logs/uml-$n.log
    : > "$RIG_UML_LOG"
    local engine t0; engine=$(guest_engine); t0=$(_rig_ms)
    [ "$engine" = uml ] && [ "$RIG_GUEST_ENGINE" != uml ] && ! _rig_uml_engine_check 2>/dev/null && engine=qemu
    if [ "$engine" = uml ]; then
        _rig_guest_start_uml "$n"; pid=$!
        if ! guest_wait_started "$pid" "$RIG_DIR/uml/started" "${RIG_GUEST_UML_BOOT_S:-60}"; then
            rig_log "the UML guest did not boot ($(grep -m1 -E 'ptrace|panic' "$RIG_UML_LOG")); console: $RIG_UML_LOG"
            rig_stop "uml-$n" 5
            if [ "$RIG_GUEST_ENGINE" != uml ]; then
                mv "$RIG_UML_LOG" "$RIG_UML_LOG.uml"
                engine=qemu
            fi
        fi
    fi
    if [ "$engine" = qemu ]; then
        guest_qemu_check >/dev/null 2>&1 || { echo "SKIP: no guest engine: $(guest_qemu_check 2>&1)" >&2; return 77; }
        t0=$(_rig_ms)
        guest_qemu_start "$RIG_UML_LOG" "$RIG_NS_CLI" "$RIG_UML_TAP" "$RIG_UML_MEM" "$RIG_LIB_DIR/uml-init.sh" \
            RIG_DIR="$RIG_DIR" || return 1
        pid=$GUEST_PID
        _rig_pid_record "uml-$n" "$pid"
    fi
    RIG_GUEST_USED=$engine
    # The script's status comes back in $RIG_DIR/uml/rc; UML's own (it sometimes dies of SIGABRT
    # while powering off) is of no interest, and a disowned job is reaped without a shell message.
    disown "$pid" 2>/dev/null
    if [ "$show" = 1 ]; then
        tail -n +1 -F --pid="$pid" "$RIG_UML_LOG" 2>/dev/null | grep --line-buffered -v -E \
            '^(SELinux:|mmapper_init|Failed to initialize ubd|sysrq:|reboot:|epollctl|random:)' &
        tailpid=$!
    fi
    end=$(( t0 + timeout * 1000 ))
    RIG_GUEST_BOOT_MS=""
    while kill -0 "$pid" 2>/dev/null && [ "$(_rig_ms)" -lt "$end" ]; do
        [ -z "$RIG_GUEST_BOOT_MS" ] && [ -f "$RIG_DIR/uml/started" ] && {
            RIG_GUEST_BOOT_MS=$(( $(_rig_ms) - t0 )); rig_log "guest ($engine) booted in $RIG_GUEST_BOOT_MS ms"; }
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        rig_log "guest ($engine) still running after ${timeout}s: stopping it"
        rig_stop "uml-$n" 5
        # The guest's helper processes die with it; the namespace sweep in rig_down catches the rest.
        rc=124
    else
        rm -f "$RIG_DIR/pids/uml-$n.pid"
        if [ ! -f "$RIG_DIR/uml/started" ]; then
            if [ "$engine" = qemu ]; then
                echo "the QEMU guest did not boot (console: $RIG_UML_LOG):" >&2; rc=125
            else
                echo "SKIP: the user-mode-linux guest did not boot (RIG_GUEST_ENGINE=uml; console: $RIG_UML_LOG):" >&2; rc=77
            fi
            tail -5 "$RIG_UML_LOG" >&2
        elif [ -f "$RIG_DIR/uml/rc" ]; then
            rc=$(cat "$RIG_DIR/uml/rc")
        else
            rig_log "guest ($engine) stopped before its script finished (console: $RIG_UML_LOG)"
            rc=125
        fi
    fi
    if [ -n "$tailpid" ]; then
        sleep 0.2
        kill "$tailpid" 2>/dev/null
        wait "$tailpid" 2>/dev/null
    fi
    return "$rc"
}
