# shellcheck shell=bash
# A rig whose gateway is the RRAS/NPS- or MikroTik-faithful test gateway (tests/integration/rras_gw.py)
# with FreeRADIUS as its NPS, instead of SoftEther. Source after lib/rig.sh (it reuses the rig's
# namespaces, PKI, process handling and cleanup).
#
# Topology (all inside namespaces made here; no default route anywhere):
#   ns $RIG_NS_CLI  veth-cli 10.231.0.2  <-->  ns $RIG_NS_SRV veth-gw 10.231.0.1 (= $RIG_GW_NAME)
#                                              rras_gw.py instances on 443, 8443, ... (rgw_start)
#                                              FreeRADIUS on 127.0.0.1:1812 (config in $RIG_DIR/radius)
#                                              one TUN per call (rgwN, 10.232.0.254 peer <client>)
#                                              veth-svc0 10.232.0.254/24, proxy ARP, forwarding
#   ns $RIG_NS_SVC  veth-svc 10.232.0.1/24 = $RIG_SVC_NAME, HTTP :80 serving $RIG_DIR/www
# Clients get addresses from 10.232.0.10-99 (the rig's pool): the service host reaches them on its own
# subnet through the gateway's proxy ARP, as hosts behind a Windows RRAS server do.
#
#   rgw_up                       build all that (FreeRADIUS included); rig_down tears it down
#   rgw_start NAME PORT ARGS...  start rras_gw.py as NAME on PORT with ARGS; waits until it listens
#   rgw_users                    the FreeRADIUS users (RGW_* variables below)
# Users: $RIG_USER/$RIG_PASS (MS-CHAPv2, EAP-MSCHAPv2, PAP), $RGW_PEAP_USER/$RIG_PASS (PEAP only),
# certificate users by CN (EAP-TLS, any certificate from the rig CA).

RGW_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RGW_SECRET=rgw-radius-secret-$$
RGW_PEAP_USER=peapuser
RGW_SERVER_IP=10.232.0.254

rgw_require() {
    [ "$(id -u)" = 0 ] || rig_skip "needs root (network namespaces)"
    [ -c /dev/net/tun ] || rig_skip "/dev/net/tun is missing"
    local c missing=""
    for c in ip openssl curl python3 freeradius ss timeout; do
        command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
    done
    [ -z "$missing" ] || rig_skip "missing tools:$missing (run .ci/deps-debian.sh as root)"
    ip netns add "$RIG_ID-probe" 2>/dev/null || rig_skip "cannot create network namespaces here"
    ip netns del "$RIG_ID-probe"
}

_rgw_service() {
    ip link add name veth-svc0 netns "$RIG_NS_SRV" type veth peer name veth-svc netns "$RIG_NS_SVC" || return 1
    ip -n "$RIG_NS_SRV" addr add "$RGW_SERVER_IP/24" dev veth-svc0
    ip -n "$RIG_NS_SVC" addr add "$RIG_SVC_IP/24" dev veth-svc
    ip -n "$RIG_NS_SRV" link set veth-svc0 up && ip -n "$RIG_NS_SVC" link set veth-svc up || return 1
    rig_ns_exec srv sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.veth-svc0.proxy_arp=1 || return 1
    mkdir -p "$RIG_DIR/www"
    printf '%s\n' "$RIG_HTTP_TOKEN" > "$RIG_DIR/www/token.txt"
    head -c 1048576 /dev/urandom > "$RIG_DIR/www/1M.bin"
    sha256sum "$RIG_DIR/www/1M.bin" | cut -d' ' -f1 > "$RIG_DIR/www/1M.bin.sha256"
    rig_spawn http svc python3 -u -m http.server "$RIG_HTTP_PORT" --bind "$RIG_SVC_IP" --directory "$RIG_DIR/www"
    rig_wait 20 "HTTP server" _rig_listening svc "$RIG_HTTP_PORT"
}

# FreeRADIUS with a configuration of its own (nothing read from /etc/freeradius): clients.conf for
# the gateway on loopback, EAP (TLS, PEAP, MSCHAPv2) with the "NPS" certificate from the rig CA,
# MS-CHAP with MPPE keys, PAP, users files for the outer and the PEAP inner identity.
_rgw_radius_conf() {
    local d=$RIG_DIR/radius
    mkdir -p "$d/log" "$d/run" && chmod 700 "$d" || return 1
    : > "$d/dictionary"
    {
        printf '%s\tCleartext-Password := "%s", EAP-Type := MSCHAPv2\n' "$RIG_USER" "$RIG_PASS"
        printf '%s\tCleartext-Password := "%s", EAP-Type := PEAP\n' "$RGW_PEAP_USER" "$RIG_PASS"
        printf 'DEFAULT\tEAP-Type := TLS\n'
    } > "$d/users"
    printf '%s\tCleartext-Password := "%s"\n' "$RGW_PEAP_USER" "$RIG_PASS" > "$d/users-inner"
    cat > "$d/radiusd.conf" <<EOF
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = $d
sbindir = /usr/sbin
logdir = $d/log
raddbdir = $d
radacctdir = $d/log
name = freeradius
confdir = $d
modconfdir = $d
certdir = $RIG_PKI
cadir = $RIG_PKI
run_dir = $d/run
db_dir = $d
libdir = /usr/lib/freeradius
pidfile = $d/run/radiusd.pid
max_request_time = 30
cleanup_delay = 2
max_requests = 4096
hostname_lookups = no
log {
	destination = stdout
	auth = yes
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = no
}
thread pool {
	start_servers = 2
	max_servers = 4
	min_spare_servers = 1
	max_spare_servers = 4
	max_requests_per_server = 0
}
client gateway {
	ipaddr = 127.0.0.1
	secret = $RGW_SECRET
	require_message_authenticator = yes
}
modules {
	files outer {
		filename = $d/users
	}
	files inner {
		filename = $d/users-inner
	}
	pap {
	}
	mschap {
		use_mppe = yes
		require_encryption = yes
		require_strong = yes
	}
	eap {
		default_eap_type = mschapv2
		timer_expire = 60
		ignore_unknown_eap_types = no
		max_sessions = 4096
		tls-config tls-common {
			private_key_file = $RIG_PKI/nps.key
			certificate_file = $RIG_PKI/nps.crt
			ca_file = $RIG_PKI/ca.crt
			fragment_size = 1398
			tls_min_version = "1.2"
			tls_max_version = "1.2"
			cipher_list = "DEFAULT"
			cache {
				enable = no
			}
			verify {
			}
			ocsp {
				enable = no
			}
		}
		tls {
			tls = tls-common
			virtual_server = check-eap-tls
		}
		peap {
			tls = tls-common
			default_eap_type = mschapv2
			copy_request_to_tunnel = no
			use_tunneled_reply = no
			virtual_server = inner-tunnel
		}
		mschapv2 {
			send_error = yes
		}
	}
}
server default {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = 1812
	}
	authorize {
		outer
		eap {
			ok = return
		}
		mschap
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type MS-CHAP {
			mschap
		}
		eap
	}
}
# NPS finds the account of an EAP-TLS client by the identity it sends, which Windows takes from the
# certificate's UPN: a certificate with a UPN is refused when the identity is anything else.
server check-eap-tls {
	authorize {
		if (&TLS-Client-Cert-Subject-Alt-Name-Upn && (&User-Name != &TLS-Client-Cert-Subject-Alt-Name-Upn)) {
			update reply {
				&Reply-Message := "identity is not the certificate's UPN"
			}
			update config {
				&Auth-Type := Reject
			}
		}
		else {
			update config {
				&Auth-Type := Accept
			}
		}
	}
}
server inner-tunnel {
	authorize {
		inner
		eap {
			ok = return
		}
		mschap
	}
	authenticate {
		Auth-Type MS-CHAP {
			mschap
		}
		eap
	}
}
EOF
}

_rgw_radius_up() {
    [ -f "$RIG_PKI/nps.crt" ] || rig_pki_issue nps server nps.rig.test "DNS:nps.rig.test" || return 1
    _rgw_radius_conf || return 1
    rig_spawn radius srv freeradius -X -d "$RIG_DIR/radius"
    rig_wait 30 "FreeRADIUS on 1812" sh -c "ip netns exec $RIG_NS_SRV ss -Hlnu 'sport = :1812' | grep -q ." \
        || { tail -20 "$RIG_DIR/logs/radius.log" >&2; return 1; }
}

rgw_up() {
    local -; set +e +o pipefail
    local t0; t0=$(_rig_ms)
    rig_reap_stale
    RIG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$RIG_ID.XXXXXX") || rig_fatal "mktemp failed"
    chmod 755 "$RIG_DIR"
    RIG_PKI=$RIG_DIR/pki
    RIG_HTTP_TOKEN=rig-token-$RIG_ID-$RANDOM$RANDOM
    mkdir -p "$RIG_DIR/pids" "$RIG_DIR/logs" "$RIG_DIR/results"
    trap '_rig_on_exit' EXIT
    trap '_rig_on_signal INT 130' INT
    trap '_rig_on_signal TERM 143' TERM
    trap '_rig_on_signal HUP 129' HUP
    _rig_make_netns || rig_fatal "could not create the namespaces"
    _rig_make_pki > "$RIG_DIR/logs/pki.log" 2>&1 || { cat "$RIG_DIR/logs/pki.log" >&2; rig_fatal "PKI"; }
    printf '%s\n' "$RGW_SECRET" > "$RIG_DIR/radius-secret" && chmod 600 "$RIG_DIR/radius-secret"
    _rgw_service || rig_fatal "the service host did not come up"
    _rgw_radius_up || rig_fatal "FreeRADIUS did not start (log: $RIG_DIR/logs/radius.log)"
    rig_wait 10 "IPv6 DAD in the rig's namespaces" _rig_dad_done || rig_fatal "IPv6 addresses stay tentative"
    _rig_write_env
    RIG_UP_MS=$(( $(_rig_ms) - t0 ))
    rig_log "rras rig up in $((RIG_UP_MS / 1000)).$(printf '%03d' $((RIG_UP_MS % 1000)))s ($RIG_DIR)"
}

# rgw_start NAME PORT ARGS...: a gateway instance with the rig's server certificate
rgw_start() {
    local -; set +e +o pipefail
    local name=$1 port=$2; shift 2
    rig_spawn "$name" srv python3 -u "$RGW_HERE/rras_gw.py" --listen "0.0.0.0:$port" \
        --cert "$RIG_PKI/server.crt" --key "$RIG_PKI/server.key" --secret-file "$RIG_DIR/radius-secret" \
        --pool "${RGW_POOL:-$RIG_POOL_START-$RIG_POOL_END}" --server-ip "$RGW_SERVER_IP" "$@"
    rig_wait 20 "gateway $name on $port" _rig_listening srv "$port" \
        || { cat "$RIG_DIR/logs/$name.log" >&2; return 1; }
}
