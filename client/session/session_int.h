/* session_int.h - the inside of struct sstp_session, shared by the files of the session:
 * session.c (loop, phases, teardown, reconnect), session_conn.c (resolve, TCP, TLS, HTTP),
 * session_link.c (SSTP and PPP events, data path), session_net.c (TUN, addresses, routes, DNS)
 * and session_ctl.c (control socket). Not for use outside client/session*.c. */
#ifndef SSTP_SESSION_INT_H
#define SSTP_SESSION_INT_H

#include "pkg_curl.h"
#include "route_set.h"
#include "plat_loop.h"
#include "plat_net.h"
#include "plat_sock.h"
#include "plat_wake.h"
#include "ppp.h"
#include "session.h"
#include "session_detect.h"
#include "sstp_fsm.h"
#include "sstp_http.h"
#include "sstp_proxy.h"
#include "status.h"
#include "tls.h"
#include "tls_eap.h"

#define SESS_NCP_HELD 4            /* NCP frames held until CALL_CONNECTED is sent */
#define SESS_NCP_HELD_LEN 1024     /* their size (NCP requests are far smaller) */
#define SESS_RX_BUF 16384          /* one TLS record of plaintext */
#define SESS_TX_BUF 16384          /* one batch of data packets = one TLS write */
#define SESS_HEADROOM (SSTP_HDR_LEN + PPP_DATA_HDR_LEN)
#define SESS_MAX_ADDRS 16
#define SESS_MAX_CTL 4
#define SESS_MAX_ROUTES 400        /* entries of the route set (cli_setup gives at most 320) */
#define SESS_CTL_BUF 1024          /* requests are small; replies are built on the stack */
#define SESS_MAX_CHILDREN 8
#define SESS_PROXY_MAX_FDS 4       /* sockets curl may hold at once (happy eyeballs, re-auth) */
#define SESS_TEARDOWN_MS 1500u     /* LCP terminate + SSTP disconnect budget */
#define SESS_LCP_TERM_MS 600u      /* part of it spent waiting for LCP Terminate-Ack */

/* Loop tags. */
enum sess_tag { TAG_SIGNAL = 1, TAG_SOCK, TAG_TUN, TAG_RESOLVER, TAG_CTL_LISTEN, TAG_CTL0 };

/* Which source the TLS writer is emptying; switches only between whole buffers so that the
 * byte stream never interleaves two SSTP packets. */
enum sess_wsrc { WSRC_NONE = 0, WSRC_CTRL, WSRC_DATA, WSRC_HTTP };

struct sess_ctl_conn {
	int fd;                    /* -1 when free */
	uint8_t buf[SESS_CTL_BUF];
	size_t len;
	bool privileged;           /* root or our own uid */
	bool wants_final;          /* a DISCONNECT waits for the end of the session */
	bool subscribed;           /* gets an EVENT frame on every state change */
	uint32_t final_id;
};

struct sstp_session {
	struct sstp_session_cfg cfg;
	struct sstp_session_hooks hooks;
	struct plat_net *net;
	struct plat_loop *loop;
	char ctl_path[256];
	int ctl_fd;
	struct sess_ctl_conn ctl[SESS_MAX_CTL];

	/* overall */
	enum sstp_conn_state state;
	bool stopping;             /* teardown requested */
	bool stop_requested;       /* by the user (signal, disconnect, hook): no reconnect */
	bool transport_dead;       /* the socket failed or closed: nothing more can be sent */
	bool lcp_closing;
	bool sstp_disconnecting;
	bool finished;
	bool ever_up;
	int exit_code;
	char err[320];
	uint64_t start_ms;         /* first attempt */
	uint64_t phase_deadline;   /* UINT64_MAX when none */
	uint64_t teardown_deadline;
	uint64_t lcp_term_deadline;
	uint64_t retry_at;         /* RECONNECTING: when the next attempt starts */
	uint32_t backoff_ms;
	uint64_t up_since;

	/* connection */
	char proxy_host[SSTP_PROXY_HOST_MAX]; /* --proxy: curl opens a CONNECT tunnel through it */
	uint16_t proxy_port;
	bool proxy_v6;             /* proxy_host is an IPv6 literal */
	char proxy_user[SSTP_PROXY_USER_MAX]; /* "" = no proxy authentication */
	const struct sstp_curl *curl; /* libcurl's functions (pkg_curl.h), loaded for a proxy */
	CURLM *proxy_multi;        /* session_proxy.c: alive from start to sess_proxy_close() */
	CURL *proxy_easy;          /* keeps the tunnel's connection; never closes proxy_handed */
	struct curl_slist *proxy_hdrs; /* extra CONNECT headers (SSTPVERSION) */
	int proxy_fds[SESS_PROXY_MAX_FDS]; /* curl's sockets the loop watches (tag TAG_SOCK) */
	int n_proxy_fds;
	int proxy_handed;          /* the tunnel socket once handed to TLS, else -1 */
	uint64_t proxy_timer;      /* curl's next timeout, UINT64_MAX when none */
	char proxy_status[128];    /* the proxy's last HTTP status line, printable */
	char proxy_errbuf[CURL_ERROR_SIZE];
	struct plat_resolver *resolver;
	struct plat_ip addrs[SESS_MAX_ADDRS];
	int n_addrs, addr_idx;
	int sock;                  /* TCP fd until the TLS session owns it */
	struct tls_session *tls;
	int plain_fd;              /* test transport */
	bool sock_readable, sock_writable;
	bool want_write;           /* the transport asked for writability */
	char http_req[SSTP_HTTP_REQUEST_MAX];
	size_t http_req_len, http_req_off;
	struct sstp_http_resp http;
	const uint8_t *cert_der;
	size_t cert_len;

	/* engines */
	struct sstp_call call;
	bool call_started;
	bool call_closed;
	struct ppp *ppp;
	struct tls_eap_engine *eap;
	struct ppp_tls_engine eap_iface;
	bool ppp_up;               /* lower_up done */
	bool link_down;
	bool rng_failed;
	struct sstp_reasm trace_reasm; /* -vv only: shows the SSTP packets we receive */

	/* writer */
	enum sess_wsrc wsrc;
	const uint8_t *wbuf;       /* the exact buffer of a write that must be retried */
	size_t wlen;

	/* PPP frames of the network phase (IPCP, IPv6CP) the engine produced before
	 * CALL_CONNECTED went out: MS-SSTP wants CALL_CONNECTED first (RRAS drops NCP before it). */
	uint8_t ncp_held[SESS_NCP_HELD][SESS_NCP_HELD_LEN];
	size_t ncp_held_len[SESS_NCP_HELD];
	unsigned n_ncp_held;

	/* data path */
	uint8_t rx[SESS_RX_BUF];
	uint8_t tx[SESS_TX_BUF];
	size_t tx_len;             /* bytes of complete packets in tx */
	size_t tx_off;             /* bytes of tx already written */
	bool tun_readable;
	bool data_open;            /* CALL_CONNECTED sent and IPCP up: data may flow */

	/* network */
	bool ipv4_up, ipv6_up, net_ready, net_applied;
	bool script_connected, up_cmd_ran; /* session_script.c */
	uint64_t net_start_ms;     /* the PPP network phase began (IPCP and IPv6CP started) */
	uint64_t ready_probe_ms;   /* the readiness echo left (0: not yet; session_ready.h) */
	uint32_t ready_probe_replies; /* ppp_echo_replies() when it left */
	struct plat_ip ks_gw;      /* the kill switch's gateway address (family 0: switch off) */
	bool net_kept;             /* a drop left TUN, addresses, routes and DNS for the reconnect */
	uint8_t applied_v4[4];     /* the IPv4 address on the TUN */
	uint8_t ipv4_local[4], ipv4_peer[4], dns1[4], dns2[4];
	uint8_t ipv6_local_iid[8], ipv6_peer_iid[8];
	/* the route set of this attempt (session_net.c), computed before anything is installed */
	struct route_set_entry rset[SESS_MAX_ROUTES];
	size_t n_rset;

	/* children (sstp run, probes) */
	int children[SESS_MAX_CHILDREN];

	struct sstp_conn_status st;

	/* early detection of a dead path (session_wake.c) */
	struct plat_pathmon *pathmon;  /* route/link/address changes, NULL when unavailable */
	struct plat_sleepmon *sleepmon; /* logind's PrepareForSleep, NULL without a system bus */
	struct sess_sleepclock sclock;
	uint64_t wake_at;              /* the last event that probed or hurried a reconnect, 0 none */
	bool probing;                  /* a probe waits for an SSTP or LCP echo answer */
	uint32_t probe_lcp;            /* ppp_echo_replies() when the probe started */
};

/* Loop tags of session_wake.c's sources (after the control connections). */
#define TAG_PATHMON (TAG_CTL0 + SESS_MAX_CTL)
#define TAG_SLEEPMON (TAG_CTL0 + SESS_MAX_CTL + 1)

/* session.c */
void sess_fail(struct sstp_session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sess_set_state(struct sstp_session *s, enum sstp_conn_state st, uint64_t now);
uint64_t sess_phase_budget(const struct sstp_session *s, enum sstp_conn_state st);
void sess_tunnel_up(struct sstp_session *s, uint64_t now);

/* session_conn.c */
int sess_conn_start(struct sstp_session *s, uint64_t now);
void sess_conn_drive(struct sstp_session *s, uint64_t now);
void sess_conn_close(struct sstp_session *s);
/* Transport: TLS or the test's plain stream. Same results as tls_read/tls_write. */
int sess_xport_read(struct sstp_session *s, uint8_t *buf, size_t n);
int sess_xport_write(struct sstp_session *s, const uint8_t *buf, size_t n);
size_t sess_xport_pending(const struct sstp_session *s);
int sess_xport_fd(const struct sstp_session *s);

/* session_proxy.c: sess_proxy_start sets up curl (or fails the session); sess_proxy_drive
 * returns 1 once the tunnel stands with its socket in s->sock (then TLS starts), else 0;
 * sess_proxy_deadline is curl's next timer for the loop; sess_proxy_close frees curl (before
 * the TLS session closes the socket). */
int sess_proxy_start(struct sstp_session *s, uint64_t now);
int sess_proxy_drive(struct sstp_session *s, uint64_t now);
uint64_t sess_proxy_deadline(const struct sstp_session *s);
void sess_proxy_close(struct sstp_session *s);

/* session_link.c */
int sess_link_start(struct sstp_session *s, const uint8_t *early, size_t early_len, uint64_t now);
void sess_link_drive(struct sstp_session *s, uint64_t now);
/* Drive the clean shutdown (LCP Terminate, SSTP Call Disconnect); true once it is over. */
bool sess_link_teardown(struct sstp_session *s, uint64_t now);
void sess_link_close(struct sstp_session *s);
/* The IPCP addresses against hostile choices and the local networks (a TUN kept for the reconnect
 * is skipped): 0, or -1 after sess_fail (session_link.c). */
int sess_check_ipcp(struct sstp_session *s);
uint64_t sess_link_deadline(const struct sstp_session *s);
bool sess_link_wants_tun(const struct sstp_session *s);
bool sess_flush(struct sstp_session *s);

/* session_net.c */
int sess_net_apply(struct sstp_session *s, uint64_t now);
void sess_net_apply_ipv6(struct sstp_session *s);
void sess_net_undo(struct sstp_session *s);
/* session_script.c: --script (vpnc-script interface) and the --up/--down commands */
void sess_script_pre_init(struct sstp_session *s);
/* With a script, after the TUN exists: the script configures it (reason connect, or reconnect
 * when it is still configured from before). 0, or -1 after sess_fail. */
int sess_script_connect(struct sstp_session *s);
void sess_script_disconnect(struct sstp_session *s);
void sess_hook_up(struct sstp_session *s);   /* starts --up, not waited for */
void sess_hook_down(struct sstp_session *s); /* runs --down to its end (bounded) */

/* A drop with a reconnect to follow: keep the tunnel's system side (packets to it are dropped,
 * not routed around it) for the next attempt to take over. */
void sess_net_keep(struct sstp_session *s);

/* session_wake.c: open the monitors (each optional), take their loop events, look at the clocks
 * each loop turn, record the path once the tunnel is up, cap the loop's wait where only the
 * clocks can show a suspend, close. */
void sess_wake_open(struct sstp_session *s);
void sess_wake_input(struct sstp_session *s, uintptr_t tag, uint64_t now);
void sess_wake_turn(struct sstp_session *s, uint64_t now);
void sess_wake_target(struct sstp_session *s);
int64_t sess_wake_cap(const struct sstp_session *s, int64_t timeout_ms);
void sess_wake_close(struct sstp_session *s);

/* session_ctl.c */
int sess_ctl_open(struct sstp_session *s);
void sess_ctl_accept(struct sstp_session *s);
void sess_ctl_input(struct sstp_session *s, int idx);
void sess_ctl_event(struct sstp_session *s);
void sess_ctl_close(struct sstp_session *s);

#endif
