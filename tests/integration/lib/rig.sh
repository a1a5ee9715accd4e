# shellcheck shell=bash
# The integration rig: a SoftEther SSTP gateway, a client and a service host in network namespaces of
# their own, for the sstp integration tests, benchmarks and the demo. Source it from bash; it only
# defines variables and functions (uml.sh and sstpc.sh, sourced below, add the UML guest and the
# reference client).
#
# Topology (addresses exist only inside the rig's namespaces; no namespace has a default route):
#
#   ns $RIG_NS_CLI                        ns $RIG_NS_SRV ("gateway")
#    veth-cli 10.231.0.2/24 <-- veth -->   veth-gw 10.231.0.1/24  = $RIG_GW_NAME (hosts file)
#    [uml0 10.233.0.1/24, UML guest .2]    vpnserver :443 SSTP/HTTPS, :5555 admin (patched Debian build)
#                                          hub $RIG_HUB: SecureNAT as DHCP only (10.232.0.254, pool
#                                          .10-.99), local bridge to tap_rig
#                                              |  (tap_rig is moved into the service namespace)
#                                         ns $RIG_NS_SVC ("service host", reachable only through the hub)
#                                          tap_rig 10.232.0.1/24 = $RIG_SVC_NAME
#                                          iperf3 -s :5201, HTTP :80 serving $RIG_DIR/www
#
# Usage (as root):
#   . tests/integration/lib/rig.sh
#   rig_require                 # exit 77 with a message when the rig cannot run here
#   RIG_GW_NAME=gw.example.test rig_up   # build everything; installs the cleanup trap
#   rig_add_user alice secret; rig_add_cert_user bob
#   rig_ns_exec cli <command>   # run a command in the client namespace
#   ...                         # rig_down runs on exit, on INT/TERM/HUP, and may be called early
#
# Settings (set before rig_up; all have defaults): RIG_ID (sstpt-<pid>), RIG_GW_NAME, RIG_GW_SANS
# (extra subjectAltName entries, e.g. "DNS:a.test,IP:10.0.0.9"; the certificate always has
# DNS:$RIG_GW_NAME and IP:10.231.0.1), RIG_GW_CN (default $RIG_GW_NAME, or *.<its parent domain>
# when the name is longer than the 64 characters a CN can hold), RIG_HUB, RIG_USER, RIG_PASS,
# RIG_ADMIN_PASS, RIG_SERVICE (1: bridge + service host; 0: SecureNAT DHCP only), RIG_KEEP (1: keep
# $RIG_DIR after rig_down), RIG_VERBOSE (1: log every step), SOFTETHER_VPNSERVER (use a fixed build).
#
# Functions (return 0 on success; failures print a reason on stderr; each runs with `set +e` and
# `set +o pipefail` of its own (`local -`) and checks its own errors: callers may use set -e):
#   rig_require                       skip (exit 77) unless root, /dev/net/tun and the tools exist
#   rig_skip MSG / rig_fatal MSG      print and exit 77 / exit 1
#   rig_up / rig_down                 build the rig / tear it down (idempotent, safe to call twice)
#   rig_on_down CMD                   run CMD (eval'ed) first during rig_down (your own cleanup)
#   rig_reap_stale                    remove rigs whose owner was killed (rig_up calls it)
#   rig_ns ROLE                       the namespace name of cli|srv|svc
#   rig_ns_exec ROLE CMD...           run CMD in namespace ROLE (hosts/resolv.conf of the rig apply)
#   rig_spawn NAME ROLE CMD...        start CMD in the background in ROLE; pid file NAME, log
#                                     $RIG_DIR/logs/NAME.log; rig_down stops it
#   rig_stop NAME [SECS]              stop a spawned process (TERM, then KILL after SECS, default 5)
#   rig_wait SECS DESC CMD...         poll CMD every 50 ms until it succeeds or SECS pass
#   rig_vpncmd [--hub] CMD ARGS...    one vpncmd command (server admin; --hub selects $RIG_HUB);
#                                     file arguments are relative to $RIG_DIR
#   rig_vpncmd_batch [--hub]          run the vpncmd commands read from stdin in one call; fails if
#                                     any of them failed
#   rig_add_user NAME PASS            hub user with password auth (PAP / MS-CHAPv2 / EAP-MSCHAPv2)
#   rig_add_cert_user NAME            hub user for EAP-TLS: any certificate from the rig CA with
#                                     CN=NAME; writes $RIG_PKI/NAME.{crt,key,p12} (p12 password in
#                                     $RIG_P12_PASS, 3DES so mbedTLS 2.28 reads it)
#   rig_eaptls_azure KEY USER HOST    EAP-TLS the Azure P2S way (the tests with the fixture package):
#                                     renew the package's P2S root from its key KEY (same key and
#                                     subject, fresh dates) as $RIG_PKI/azure-root.crt, issue a client
#                                     certificate CN=USER from it as $RIG_DIR/azure/client.{crt,key},
#                                     make the hub trust the root with a signed user USER, and resolve
#                                     HOST to the gateway in the client namespace
#   rig_pki_issue NAME server|client CN [SANS]   issue $RIG_PKI/NAME.{crt,key} from the rig CA
#   rig_pki_ca NAME CN                make another, unrelated CA ($RIG_PKI/NAME.{crt,key})
#   rig_set_server_cert NAME          make vpnserver present $RIG_PKI/NAME.{crt,key}
#   rig_spki_pin CERT                 base64 sha256 of CERT's public key (for --pin-sha256 tests)
#   rig_http_fetch ROLE URL           fetch URL from namespace ROLE, print the body
#   rig_log MSG / rig_dump_logs       progress to stderr / tails of the rig's logs (for failures)
#   rig_check DESC CMD...             run CMD (stdout discarded); print "ok - DESC" or "FAIL - DESC",
#                                     count failures in RIG_FAILS
# After rig_up: RIG_UP_MS (how long it took); $RIG_DIR/rig.env holds every RIG_* value (the UML guest
# sources it); $RIG_PKI/ca.crt is the CA to trust; the service host serves $RIG_DIR/www: token.txt
# (contains $RIG_HTTP_TOKEN) and 1M.bin (sha256 in 1M.bin.sha256); logs are in $RIG_DIR/logs
# (vpnserver.log is SoftEther's own log, http.log has each request's client address, vpncmd.log).

RIG_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=softether-patch.sh
. "$RIG_LIB_DIR/softether-patch.sh"

: "${RIG_ID:=sstpt-$$}"
: "${RIG_GW_NAME:=sstp-gw.rig.test}"
: "${RIG_GW_SANS:=}"
: "${RIG_SVC_NAME:=svc.rig.test}"
: "${RIG_HUB:=DEFAULT}"
: "${RIG_USER:=riguser}"
: "${RIG_PASS:=rigpass-1234}"
: "${RIG_ADMIN_PASS:=rigadmin-1234}"
: "${RIG_HUB_PASS:=righub-1234}"
: "${RIG_P12_PASS:=rigp12}"
: "${RIG_SERVICE:=1}"
: "${RIG_KEEP:=0}"
: "${RIG_VERBOSE:=0}"

RIG_NS_CLI=$RIG_ID-cli
RIG_NS_SRV=$RIG_ID-srv
RIG_NS_SVC=$RIG_ID-svc
RIG_GW_IP=10.231.0.1
RIG_CLI_IP=10.231.0.2
RIG_LINK_NET=10.231.0.0/24
RIG_HUB_NET=10.232.0.0/24
RIG_HUB_MASK=255.255.255.0
RIG_SVC_IP=10.232.0.1
RIG_SNAT_IP=10.232.0.254
RIG_POOL_START=10.232.0.10
RIG_POOL_END=10.232.0.99
RIG_SSTP_PORT=443
RIG_ADMIN_PORT=5555
RIG_IPERF_PORT=5201
RIG_HTTP_PORT=80
RIG_TAP=tap_rig
RIG_FAILS=${RIG_FAILS:-0}
RIG_ENV_VARS="RIG_ID RIG_DIR RIG_PKI RIG_LIB_DIR RIG_NS_CLI RIG_NS_SRV RIG_NS_SVC RIG_GW_NAME RIG_GW_IP
RIG_CLI_IP RIG_LINK_NET RIG_HUB RIG_HUB_NET RIG_HUB_MASK RIG_SVC_NAME RIG_SVC_IP RIG_SNAT_IP
RIG_POOL_START RIG_POOL_END RIG_SSTP_PORT RIG_IPERF_PORT RIG_HTTP_PORT RIG_USER RIG_PASS RIG_P12_PASS
RIG_HTTP_TOKEN RIG_SERVICE RIG_UML_HOST_IP RIG_UML_GUEST_IP RIG_UML_NET"

# ---- small helpers --------------------------------------------------------------------------------
_rig_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
_RIG_T0=$(_rig_ms)
rig_log() {
    local -; set +e +o pipefail
    local t=$(( $(_rig_ms) - _RIG_T0 ))
    printf '[rig %d.%02ds] %s\n' $((t / 1000)) $((t % 1000 / 10)) "$*" >&2
}
_rig_vlog() { [ "$RIG_VERBOSE" = 1 ] && rig_log "$@"; return 0; }
rig_skip()  { echo "SKIP: $*" >&2; exit 77; }
rig_fatal() { rig_log "ERROR: $*"; exit 1; }

rig_check() {
    local -; set +e +o pipefail
    local desc=$1; shift
    if "$@" >/dev/null; then
        echo "ok - $desc"
    else
        echo "FAIL - $desc"
        RIG_FAILS=$((RIG_FAILS + 1))
        return 1
    fi
}

rig_wait() {
    local -; set +e +o pipefail
    local secs=$1 desc=$2; shift 2
    local end=$(( $(_rig_ms) + secs * 1000 ))
    while :; do
        "$@" >/dev/null 2>&1 && return 0
        if [ "$(_rig_ms)" -ge "$end" ]; then
            rig_log "timed out after ${secs}s waiting for $desc"
            return 1
        fi
        sleep 0.05
    done
}

rig_ns() {
    local -; set +e +o pipefail
    case "$1" in
        cli) echo "$RIG_NS_CLI" ;;
        srv|gw) echo "$RIG_NS_SRV" ;;
        svc) echo "$RIG_NS_SVC" ;;
        *) echo "rig_ns: unknown role '$1' (cli, srv, svc)" >&2; return 1 ;;
    esac
}

rig_ns_exec() {
    local -; set +e +o pipefail
    local ns; ns=$(rig_ns "$1") || return 1; shift
    ip netns exec "$ns" "$@"
}

# ---- processes the rig starts -------------------------------------------------------------------
# Pid files hold "PID STARTTIME" so a recycled PID is never signalled.
_rig_starttime() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    echo "${20}"
}
_rig_pid_record() {
    echo "$2 $(_rig_starttime "$2")" > "$RIG_DIR/pids/$1.pid"
}
# _rig_pid_alive NAME -> prints the pid if the recorded process still runs
_rig_pid_alive() {
    local f=$RIG_DIR/pids/$1.pid pid st
    [ -f "$f" ] || return 1
    read -r pid st < "$f" || return 1
    [ -n "$pid" ] && [ "$(_rig_starttime "$pid")" = "$st" ] || return 1
    echo "$pid"
}

rig_spawn() {
    local -; set +e +o pipefail
    local name=$1 ns; ns=$(rig_ns "$2") || return 1; shift 2
    ( exec ip netns exec "$ns" "$@" ) </dev/null >"$RIG_DIR/logs/$name.log" 2>&1 &
    _rig_pid_record "$name" $!
    disown $! 2>/dev/null || true
    _rig_vlog "started $name (pid $!) in $ns: $*"
}

rig_stop() {
    local -; set +e +o pipefail
    local name=$1 secs=${2:-5} pid end
    pid=$(_rig_pid_alive "$name") || { rm -f "$RIG_DIR/pids/$name.pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null
    end=$(( $(_rig_ms) + secs * 1000 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(_rig_ms)" -lt "$end" ]; do sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
        rig_log "$name (pid $pid) ignored SIGTERM for ${secs}s; killing it"
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$RIG_DIR/pids/$name.pid"
}

# ---- preconditions ----------------------------------------------------------------------------------
rig_require() {
    local -; set +e +o pipefail
    [ "$(id -u)" = 0 ] || rig_skip "the integration rig needs root (network namespaces); run with sudo"
    [ -c /dev/net/tun ] || rig_skip "/dev/net/tun is missing (the gateway's bridge and the client need TUN/TAP)"
    local c missing=""
    for c in ip unshare openssl iperf3 ss timeout curl; do
        command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
    done
    [ -x "$SE_DEB_VPNCMD" ] || missing="$missing vpncmd(softether-vpncmd)"
    [ -n "${SOFTETHER_VPNSERVER:-}" ] || [ -x "$SE_DEB_VPNSERVER" ] || missing="$missing vpnserver(softether-vpnserver)"
    _rig_python >/dev/null || missing="$missing python3"
    [ -z "$missing" ] || rig_skip "missing tools:$missing (run .ci/deps-debian.sh as root)"
    if [ -z "${SOFTETHER_VPNSERVER:-}" ] && \
       [ "$(sha256sum "$SE_DEB_VPNSERVER" | cut -d' ' -f1)" != "$SE_DEB_SHA256" ]; then
        rig_skip "$SE_DEB_VPNSERVER is not the Debian 12 build the SSTP patch is for; set SOFTETHER_VPNSERVER to a fixed vpnserver"
    fi
    ip netns add "$RIG_ID-probe" 2>/dev/null || rig_skip "cannot create network namespaces here"
    ip netns del "$RIG_ID-probe"
}
_rig_python() { local p; for p in /usr/bin/python3 python3; do command -v "$p" && return 0; done; return 1; }

# ---- namespaces and links ------------------------------------------------------------------------------
_rig_hosts_file() {
    printf '127.0.0.1\tlocalhost\n%s\t%s\n%s\t%s\n' "$RIG_GW_IP" "$RIG_GW_NAME" "$RIG_SVC_IP" "$RIG_SVC_NAME"
}

# /etc/netns/<ns>/{hosts,resolv.conf} are bind-mounted over /etc by `ip netns exec`: the gateway's
# name resolves in the rig, and DNS points at nothing (no lookups leave the namespaces).
_rig_etc_netns() {
    local ns=$1 try
    for try in 1 2 3; do
        if [ ! -d /etc/netns ]; then
            mkdir /etc/netns 2>/dev/null && touch "$RIG_DIR/.created-etc-netns"
        fi
        mkdir -p "/etc/netns/$ns" 2>/dev/null && break
    done
    [ -d "/etc/netns/$ns" ] || return 1
    _rig_hosts_file > "/etc/netns/$ns/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "/etc/netns/$ns/resolv.conf"
}

_rig_make_netns() {
    local ns
    for ns in "$RIG_NS_SRV" "$RIG_NS_CLI" "$RIG_NS_SVC"; do
        [ "$ns" = "$RIG_NS_SVC" ] && [ "$RIG_SERVICE" != 1 ] && continue
        ip netns add "$ns" || return 1
        echo "$ns" >> "$RIG_DIR/namespaces"
        ip -n "$ns" link set lo up || return 1
        _rig_etc_netns "$ns" || return 1
    done
    ip link add name veth-gw netns "$RIG_NS_SRV" type veth peer name veth-cli netns "$RIG_NS_CLI" || return 1
    ip -n "$RIG_NS_SRV" addr add "$RIG_GW_IP/24" dev veth-gw
    ip -n "$RIG_NS_CLI" addr add "$RIG_CLI_IP/24" dev veth-cli
    ip -n "$RIG_NS_SRV" link set veth-gw up
    ip -n "$RIG_NS_CLI" link set veth-cli up
}

# _rig_dad_done [NS...]: no IPv6 address is tentative in NS (default: every rig namespace). DAD
# runs when a link comes up (again after a flap) and adds the local fe80 route when it ends.
_rig_dad_done() {
    local ns
    [ $# -gt 0 ] || set -- $(cat "$RIG_DIR/namespaces")
    for ns in "$@"; do
        [ -z "$(ip -n "$ns" -6 addr show tentative 2>/dev/null)" ] || return 1
    done
}

# ---- PKI ---------------------------------------------------------------------------------------------------
# rig_pki_ca NAME CN: self-signed CA $RIG_PKI/NAME.{crt,key}
rig_pki_ca() {
    local -; set +e +o pipefail
    local name=$1 cn=$2
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=$cn" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$RIG_PKI/$name.key" -out "$RIG_PKI/$name.crt" 2>"$RIG_PKI/$name.err" \
        || { cat "$RIG_PKI/$name.err" >&2; return 1; }
}

# rig_pki_issue NAME server|client CN [SANS]: $RIG_PKI/NAME.{crt,key} signed by the rig CA.
rig_pki_issue() {
    local -; set +e +o pipefail
    local name=$1 kind=$2 cn=$3 sans=${4:-} eku
    case "$kind" in server) eku=serverAuth ;; client) eku=clientAuth ;;
        *) echo "rig_pki_issue: kind must be server or client" >&2; return 1 ;; esac
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$eku"
        [ -n "$sans" ] && echo "subjectAltName=$sans"
    } > "$RIG_PKI/$name.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$RIG_PKI/$name.key" \
        -out "$RIG_PKI/$name.csr" 2>"$RIG_PKI/$name.err" &&
    openssl x509 -req -sha256 -days 825 -in "$RIG_PKI/$name.csr" -CA "$RIG_PKI/ca.crt" \
        -CAkey "$RIG_PKI/ca.key" -CAcreateserial -extfile "$RIG_PKI/$name.ext" \
        -out "$RIG_PKI/$name.crt" 2>>"$RIG_PKI/$name.err" \
        || { cat "$RIG_PKI/$name.err" >&2; return 1; }
    chmod 600 "$RIG_PKI/$name.key"
    # SoftEther loads a key only in the traditional "BEGIN RSA PRIVATE KEY" form.
    [ "$kind" = server ] && openssl rsa -in "$RIG_PKI/$name.key" -traditional \
        -out "$RIG_PKI/$name-rsa.key" 2>/dev/null
    return 0
}

rig_spki_pin() {
    local -; set +e +o pipefail
    openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER \
        | openssl dgst -sha256 -binary | openssl base64 -A
}

_rig_make_pki() {
    mkdir -p "$RIG_PKI" && chmod 700 "$RIG_PKI"
    rig_pki_ca ca "sstp rig test CA ($RIG_ID)" || return 1
    local sans="DNS:$RIG_GW_NAME,IP:$RIG_GW_IP" cn=${RIG_GW_CN:-$RIG_GW_NAME}
    [ -n "$RIG_GW_SANS" ] && sans="$sans,$RIG_GW_SANS"
    # A CN holds at most 64 characters (Azure gateway names are longer): then the CN is the
    # wildcard of the parent domain and the full name is in the subjectAltName.
    [ -z "${RIG_GW_CN:-}" ] && [ ${#cn} -gt 64 ] && cn="*.${RIG_GW_NAME#*.}"
    rig_pki_issue server server "$cn" "$sans"
}

# ---- SoftEther ---------------------------------------------------------------------------------------------
# Debian's SoftEther has its directories compiled in (/var/lib/softether, /var/log/softether,
# /run/softether). Every SoftEther process runs in a private mount namespace where /var and /run are
# the rig's own $RIG_DIR/se/{var,run}: nothing is written outside $RIG_DIR and rigs never share state.
# Set _RIG_EXEC=exec (in a subshell) to replace the shell, so that $! is the command's own PID.
# shellcheck disable=SC2016  # $0 and $@ belong to the inner sh
_rig_se_exec() {
    ${_RIG_EXEC:-} ip netns exec "$RIG_NS_SRV" unshare --mount --propagation private sh -c \
        'mount --bind "$0/se/var" /var && mount --bind "$0/se/run" /run && cd "$0" && exec "$@"' \
        "$RIG_DIR" "$@"
}

_rig_se_seed() {
    local se=$RIG_DIR/se
    mkdir -p "$se/var/lib/softether" "$se/var/log/softether" "$se/run/softether" "$se/run/lock" \
        "$se/var/tmp" || return 1
    ln -sfn /run "$se/var/run"; ln -sfn /run/lock "$se/var/lock"
    # Only the listeners 443 (SSTP) and 5555 (admin); no IPv6 listener, no UDP ports; DDNS, NAT
    # traversal, keep-alive and VPN Azure off (the namespace has no route out anyway).
    cat > "$se/var/lib/softether/vpn_server.config" <<'EOF'
# Software Configuration File (seeded by the sstp integration rig)
declare root
{
	declare DDnsClient
	{
		bool Disabled true
	}
	declare ListenerList
	{
		declare Listener0
		{
			bool DisableDos false
			bool Enabled true
			uint Port 443
		}
		declare Listener1
		{
			bool DisableDos false
			bool Enabled true
			uint Port 5555
		}
	}
	declare ServerConfiguration
	{
		bool DisableIPv6Listener true
		bool DisableNatTraversal true
		bool EnableVpnAzure false
		string PortsUDP $
		bool UseKeepConnect false
		bool UseWebUI false
	}
}
EOF
}

_rig_start_vpnserver() {
    local bin
    if [ -n "${SOFTETHER_VPNSERVER:-}" ]; then
        bin=$SOFTETHER_VPNSERVER
        rig_log "using SOFTETHER_VPNSERVER=$bin (not patched)"
    else
        se_patch_vpnserver "$RIG_DIR/bin" || return 1
        bin=$RIG_DIR/bin/vpnserver
    fi
    _rig_se_seed || return 1
    # `start --foreground` is one process (execsvc forks a watchdog) and shuts down on SIGTERM.
    # shellcheck disable=SC2209
    ( _RIG_EXEC=exec; _rig_se_exec "$bin" start --foreground ) \
        </dev/null >"$RIG_DIR/logs/vpnserver.log" 2>&1 &
    local pid=$!
    _rig_pid_record vpnserver "$pid"
    disown "$pid" 2>/dev/null || true
    rig_wait 30 "vpnserver to listen on $RIG_ADMIN_PORT" _rig_listening srv "$RIG_ADMIN_PORT" \
        || { tail -5 "$RIG_DIR/logs/vpnserver.log" >&2; return 1; }
}

# _rig_listening ROLE PORT: something listens on TCP PORT in ROLE's namespace
_rig_listening() {
    rig_ns_exec "$1" ss -Hlnt "sport = :$2" 2>/dev/null | grep -q .
}

_rig_vpncmd_run() {
    local pw=() hub=()
    [ -f "$RIG_DIR/.admin-password-set" ] && pw=("/PASSWORD:$RIG_ADMIN_PASS")
    if [ "${1:-}" = --hub ]; then hub=("/ADMINHUB:$RIG_HUB"); shift; fi
    # vpncmd spins at 100% CPU when it wants to prompt and stdin is at EOF: always bound it.
    # /ADMINHUB (never /HUB: that makes the password the hub's and prompts).
    _rig_se_exec timeout 60 "$SE_DEB_VPNCMD" "localhost:$RIG_ADMIN_PORT" /SERVER "${pw[@]}" "${hub[@]}" "$@" \
        </dev/null
}

rig_vpncmd() {
    local -; set +e +o pipefail
    local hub=() out rc
    if [ "${1:-}" = --hub ]; then hub=(--hub); shift; fi
    out=$(_rig_vpncmd_run "${hub[@]}" /CMD "$@" 2>&1); rc=$?
    printf '%s\n' "$out" >> "$RIG_DIR/logs/vpncmd.log"
    if [ $rc -ne 0 ] || ! grep -q "The command completed successfully" <<<"$out"; then
        echo "vpncmd $1 failed (exit $rc):" >&2
        grep -A2 -E "Error occurred|rror" <<<"$out" | head -5 >&2
        return 1
    fi
    printf '%s\n' "$out"
}

rig_vpncmd_batch() {
    local -; set +e +o pipefail
    local hub=() f out want got
    if [ "${1:-}" = --hub ]; then hub=(--hub); shift; fi
    f=$(mktemp "$RIG_DIR/se/batch-XXXXXX") || return 1
    f=se/${f##*/}       # vpncmd reads /IN: relative to $RIG_DIR (a leading "/" would be a parameter)
    grep -v -E '^[[:space:]]*(#|$)' > "$RIG_DIR/$f"
    want=$(wc -l < "$RIG_DIR/$f")
    out=$(_rig_vpncmd_run "${hub[@]}" "/IN:$f" 2>&1)
    printf '%s\n' "$out" >> "$RIG_DIR/logs/vpncmd.log"
    got=$(grep -c "The command completed successfully" <<<"$out")
    if [ "$got" -ne "$want" ] || grep -q "Error occurred" <<<"$out"; then
        echo "vpncmd batch $f: $got of $want commands succeeded:" >&2
        grep -B3 -A1 "Error occurred" <<<"$out" | grep -v -E '^(--)?$' | head -12 >&2
        return 1
    fi
}

_rig_configure_gateway() {
    {
        echo "ServerPasswordSet $RIG_ADMIN_PASS"
        echo "ServerCertSet /LOADCERT:pki/server.crt /LOADKEY:pki/server-rsa.key"
        echo "ProtoOptionsSet OpenVPN /NAME:Enabled /VALUE:false"
        echo "ProtoOptionsSet SSTP /NAME:Enabled /VALUE:true"
        echo "IPsecEnable /L2TP:no /L2TPRAW:no /ETHERIP:no /PSK:unused-$RIG_ID /DEFAULTHUB:$RIG_HUB"
        echo "HubCreate $RIG_HUB /PASSWORD:$RIG_HUB_PASS"
        echo "Hub $RIG_HUB"
        # SecureNAT only as the hub's DHCP server; its NAT (user, kernel and raw-IP modes) is off.
        echo "ExtOptionSet DisableKernelModeSecureNAT /VALUE:1"
        echo "ExtOptionSet DisableIpRawModeSecureNAT /VALUE:1"
        echo "SecureNatHostSet /MAC:none /IP:$RIG_SNAT_IP /MASK:$RIG_HUB_MASK"
        echo "DhcpSet /START:$RIG_POOL_START /END:$RIG_POOL_END /MASK:$RIG_HUB_MASK /EXPIRE:7200" \
             "/GW:none /DNS:none /DNS2:none /DOMAIN:none /LOG:no"
        echo "NatDisable"
        echo "DhcpEnable"
        echo "SecureNatEnable"
        echo "UserCreate $RIG_USER /GROUP:none /REALNAME:none /NOTE:none"
        echo "UserPasswordSet $RIG_USER /PASSWORD:$RIG_PASS"
        if [ "$RIG_SERVICE" = 1 ]; then echo "BridgeCreate $RIG_HUB /DEVICE:rig /TAP:yes"; fi
    } | rig_vpncmd_batch || return 1
    touch "$RIG_DIR/.admin-password-set"
}

rig_add_user() {
    local -; set +e +o pipefail
    printf '%s\n' "UserCreate $1 /GROUP:none /REALNAME:none /NOTE:none" \
        "UserPasswordSet $1 /PASSWORD:$2" | rig_vpncmd_batch --hub
}

rig_add_cert_user() {
    local -; set +e +o pipefail
    local name=$1 ca=()
    rig_pki_issue "$name" client "$name" || return 1
    openssl pkcs12 -export -in "$RIG_PKI/$name.crt" -inkey "$RIG_PKI/$name.key" \
        -certfile "$RIG_PKI/ca.crt" -name "$name" -passout "pass:$RIG_P12_PASS" \
        -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -out "$RIG_PKI/$name.p12" || return 1
    [ -f "$RIG_DIR/.ca-added" ] || ca=("CAAdd pki/ca.crt")
    printf '%s\n' "${ca[@]}" "UserCreate $name /GROUP:none /REALNAME:none /NOTE:none" \
        "UserSignedSet $name /CN:$name /SERIAL:none" | rig_vpncmd_batch --hub || return 1
    touch "$RIG_DIR/.ca-added"
}

rig_eaptls_azure() {
    local -; set +e +o pipefail
    local key=$1 user=$2 host=$3 d=$RIG_DIR/azure
    mkdir -p "$d" && chmod 700 "$d" || return 1
    # the fixture's P2S root expired (2025-08-23) and SoftEther checks the dates of a CA it
    # trusts: the same root, renewed as an administrator would; its old certificates verify too
    openssl req -x509 -new -sha256 -days 30 -key "$key" -subj "/CN=VPN CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$RIG_PKI/azure-root.crt" 2>/dev/null || { rig_log "could not renew the P2S root"; return 1; }
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=clientAuth" > "$d/client.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$user" -keyout "$d/client.key" -out "$d/client.csr" \
        2>/dev/null &&
    openssl x509 -req -sha256 -days 30 -in "$d/client.csr" -CA "$RIG_PKI/azure-root.crt" -CAkey "$key" \
        -CAcreateserial -CAserial "$d/ca.srl" -extfile "$d/client.ext" -out "$d/client.crt" 2>/dev/null \
        || { rig_log "could not issue the client certificate"; return 1; }
    chmod 600 "$d/client.key"
    # the hub accepts any certificate from that root with CN=$user
    printf '%s\n' "CAAdd pki/azure-root.crt" "UserCreate $user /GROUP:none /REALNAME:none /NOTE:none" \
        "UserSignedSet $user /CN:$user /SERIAL:none" | rig_vpncmd_batch --hub \
        || { rig_log "could not add the certificate user"; return 1; }
    # the package's gateway name points at the rig's gateway inside the client namespace
    printf '%s\t%s\n' "$RIG_GW_IP" "$host" >> "/etc/netns/$RIG_NS_CLI/hosts"
}

rig_set_server_cert() {
    local -; set +e +o pipefail
    rig_vpncmd ServerCertSet "/LOADCERT:pki/$1.crt" "/LOADKEY:pki/$1-rsa.key" >/dev/null
}

# ---- the service host -------------------------------------------------------------------------------------
_rig_start_service() {
    rig_wait 20 "SoftEther to create $RIG_TAP" rig_ns_exec srv ip link show "$RIG_TAP" || return 1
    ip -n "$RIG_NS_SRV" link set "$RIG_TAP" netns "$RIG_NS_SVC" || return 1
    ip -n "$RIG_NS_SVC" addr add "$RIG_SVC_IP/24" dev "$RIG_TAP"
    ip -n "$RIG_NS_SVC" link set "$RIG_TAP" up || return 1
    mkdir -p "$RIG_DIR/www"
    printf '%s\n' "$RIG_HTTP_TOKEN" > "$RIG_DIR/www/token.txt"
    head -c 1048576 /dev/urandom > "$RIG_DIR/www/1M.bin"
    sha256sum "$RIG_DIR/www/1M.bin" | cut -d' ' -f1 > "$RIG_DIR/www/1M.bin.sha256"
    rig_spawn iperf3 svc iperf3 -s -B "$RIG_SVC_IP" -p "$RIG_IPERF_PORT"
    rig_spawn http svc "$(_rig_python)" -u -m http.server "$RIG_HTTP_PORT" --bind "$RIG_SVC_IP" \
        --directory "$RIG_DIR/www"
    rig_wait 20 "iperf3 server" _rig_listening svc "$RIG_IPERF_PORT" &&
    rig_wait 20 "HTTP server" _rig_listening svc "$RIG_HTTP_PORT"
}

rig_http_fetch() {
    local -; set +e +o pipefail
    rig_ns_exec "$1" curl -sS --fail --max-time 30 "$2"
}

# ---- up and down ----------------------------------------------------------------------------------------------
_rig_write_env() {
    local v
    for v in $RIG_ENV_VARS; do printf 'export %s=%q\n' "$v" "${!v:-}"; done > "$RIG_DIR/rig.env"
}

# Rigs whose owner process is gone (killed by a timeout, say) leave namespaces behind: remove
# them, and the processes inside them, which the rig started.
rig_reap_stale() {
    local -; set +e +o pipefail
    local ns owner pid
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^sstpt-[0-9]+(-[A-Za-z0-9]+)*-(cli|srv|svc)$'); do
        owner=${ns#sstpt-}; owner=${owner%%-*}
        kill -0 "$owner" 2>/dev/null && continue
        rig_log "removing stale namespace $ns (its owner, pid $owner, is gone)"
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        sleep 0.1
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    for d in "${TMPDIR:-/tmp}"/sstpt-[0-9]*.*; do
        # Only rigs that never reached rig_down; a directory kept with RIG_KEEP=1 stays.
        [ -d "$d" ] && [ ! -e "$d/.down" ] || continue
        owner=${d##*/sstpt-}; owner=${owner%%[.-]*}
        kill -0 "$owner" 2>/dev/null || rm -rf "$d"
    done
}

rig_up() {
    local -; set +e +o pipefail
    local t0; t0=$(_rig_ms)
    if [ -n "${RIG_DIR:-}" ] && [ -d "$RIG_DIR" ] && [ ! -e "$RIG_DIR/.down" ]; then
        rig_fatal "rig_up called twice without rig_down (RIG_DIR=$RIG_DIR)"
    fi
    rig_reap_stale
    RIG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$RIG_ID.XXXXXX") || rig_fatal "mktemp failed"
    case "$RIG_DIR" in *[[:space:]]*) rig_fatal "RIG_DIR must not contain spaces: $RIG_DIR" ;; esac
    chmod 755 "$RIG_DIR"
    RIG_PKI=$RIG_DIR/pki
    RIG_HTTP_TOKEN=rig-token-$RIG_ID-$RANDOM$RANDOM
    mkdir -p "$RIG_DIR/pids" "$RIG_DIR/logs" "$RIG_DIR/results"
    trap '_rig_on_exit' EXIT
    trap '_rig_on_signal INT 130' INT
    trap '_rig_on_signal TERM 143' TERM
    trap '_rig_on_signal HUP 129' HUP
    rig_log "rig $RIG_ID: state in $RIG_DIR"
    _rig_make_netns || rig_fatal "could not create the namespaces"
    _rig_vlog "namespaces up"
    # The keys are made while vpnserver starts (both take a while on a busy machine).
    ( _rig_make_pki ) >"$RIG_DIR/logs/pki.log" 2>&1 &
    local pki=$!
    _rig_start_vpnserver || rig_fatal "vpnserver did not start (logs: $RIG_DIR/logs/vpnserver.log)"
    _rig_vlog "vpnserver listening"
    wait "$pki" || { cat "$RIG_DIR/logs/pki.log" >&2; rig_fatal "could not create the test PKI"; }
    _rig_vlog "PKI ready"
    _rig_configure_gateway || rig_fatal "configuring SoftEther failed (see $RIG_DIR/logs/vpncmd.log)"
    _rig_vlog "gateway configured"
    if [ "$RIG_SERVICE" = 1 ]; then
        _rig_start_service || rig_fatal "the service host did not come up"
    fi
    rig_wait 20 "SSTP listener" _rig_listening srv "$RIG_SSTP_PORT" || rig_fatal "no listener on 443"
    # IPv6 duplicate address detection ends a second or two after the links come up and then adds
    # local routes: wait for it, so that tests comparing snapshots of a namespace see a settled one.
    rig_wait 10 "IPv6 DAD in the rig's namespaces" _rig_dad_done || rig_fatal "IPv6 addresses stay tentative"
    _rig_write_env
    RIG_UP_MS=$(( $(_rig_ms) - t0 ))
    rig_log "rig up in $((RIG_UP_MS / 1000)).$(printf '%03d' $((RIG_UP_MS % 1000)))s: gateway" \
        "$RIG_GW_NAME ($RIG_GW_IP:$RIG_SSTP_PORT, ns $RIG_NS_SRV), client ns $RIG_NS_CLI," \
        "service $RIG_SVC_IP"
}

rig_on_down() { RIG_DOWN_HOOKS+=("$1"); }
RIG_DOWN_HOOKS=()

rig_down() {
    local -; set +e +o pipefail
    [ -n "${RIG_DIR:-}" ] && [ -d "$RIG_DIR" ] || return 0
    [ -e "$RIG_DIR/.down" ] && return 0
    touch "$RIG_DIR/.down"
    local i f name ns pid left
    for (( i=${#RIG_DOWN_HOOKS[@]}-1; i>=0; i-- )); do eval "${RIG_DOWN_HOOKS[$i]}" || true; done
    RIG_DOWN_HOOKS=()
    # Our own processes by pid file (vpnserver last: SIGTERM is a clean SoftEther shutdown) ...
    for f in "$RIG_DIR"/pids/*.pid; do
        [ -e "$f" ] || continue
        name=$(basename "$f" .pid)
        [ "$name" = vpnserver ] || rig_stop "$name" 3
    done
    rig_stop vpnserver 5
    # ... then whatever still runs inside the rig's namespaces (only the rig starts processes there).
    if [ -f "$RIG_DIR/namespaces" ]; then
        while read -r ns; do
            left=$(ip netns pids "$ns" 2>/dev/null)
            if [ -n "$left" ]; then
                for pid in $left; do kill -TERM "$pid" 2>/dev/null; done
                rig_wait 3 "processes in $ns to exit" _rig_ns_empty "$ns" >/dev/null 2>&1
                for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
                rig_wait 2 "killed processes in $ns" _rig_ns_empty "$ns"
            fi
            ip netns del "$ns" 2>/dev/null || rig_log "could not delete namespace $ns"
            rm -rf "/etc/netns/$ns"
        done < "$RIG_DIR/namespaces"
    fi
    [ -f "$RIG_DIR/.created-etc-netns" ] && rmdir /etc/netns 2>/dev/null || true
    if [ "$RIG_KEEP" = 1 ]; then
        rig_log "rig $RIG_ID down; state kept in $RIG_DIR (RIG_KEEP=1)"
    else
        rm -rf "$RIG_DIR"
        _rig_vlog "rig $RIG_ID down"
    fi
    return 0
}
_rig_ns_empty() { [ -z "$(ip netns pids "$1" 2>/dev/null)" ]; }

_rig_on_exit() {
    local rc=$?
    trap - EXIT
    rig_down
    exit $rc
}
_rig_on_signal() {
    trap - EXIT INT TERM HUP
    rig_log "interrupted (SIG$1): cleaning up"
    rig_down
    exit "$2"
}

rig_dump_logs() {
    local -; set +e +o pipefail
    local f
    [ -n "${RIG_DIR:-}" ] && [ -d "$RIG_DIR" ] || return 0
    for f in "$RIG_DIR"/logs/*.log "$RIG_DIR"/results/*.log "$RIG_DIR"/results/*.pppd; do
        [ -s "$f" ] || continue
        echo "---- ${f#"$RIG_DIR"/} (last 25 lines) ----" >&2
        tail -n 25 "$f" | tr -d '\000' >&2
    done
}

# shellcheck source=uml.sh
. "$RIG_LIB_DIR/uml.sh"
# shellcheck source=sstpc.sh
. "$RIG_LIB_DIR/sstpc.sh"
