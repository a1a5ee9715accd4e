/* test_session_flow.c - the session end to end without root or network: a scripted SSTP/PPP
 * server in a child process on a socketpair (the session's test transport) and the fake network
 * backend. Covers the whole sequence (HTTP, CALL_CONNECT, LCP, PAP, crypto binding, IPCP, network
 * set-up), the data path in both directions through the fake TUN, `status` over the control
 * socket, clean teardown (LCP Terminate, CALL_DISCONNECT, journal undone), and the exit code and
 * sentence of each failure: PAP refused (6), HTTP 503 (4), silence (3), CALL_ABORT (7), the server
 * closing after up (8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_status.h"
#include "exit_codes.h"
#include "log.h"
#include "plat_net_fake.h"
#include "route_set.h"
#include "session.h"
#include "sstp_codec.h"

enum srv_mode { SRV_NORMAL, SRV_PAP_REJECT, SRV_HTTP_503, SRV_SILENT, SRV_ABORT, SRV_CLOSE_AFTER_UP };

static const uint8_t cert_der[] = { 0x30, 0x03, 0x02, 0x01, 0x01 }; /* any bytes: hashed only */

/* ---- the scripted server (child process) ---------------------------------------------------- */

struct srv {
	int fd;
	enum srv_mode mode;
	struct sstp_reasm reasm;
	int lcp_open_sent, ipcp_req_sent, up, echoed_up;
	int call_connected; /* CALL_CONNECTED received (RRAS drops the call on NCP before it) */
};

static void srv_send(struct srv *v, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(v->fd, p, n);

		if (w <= 0)
			_exit(10);
		p += w;
		n -= (size_t)w;
	}
}

static void srv_ppp(struct srv *v, uint16_t proto, uint8_t code, uint8_t id, const uint8_t *opt,
		    size_t optlen)
{
	uint8_t f[512], pkt[600];
	size_t n = 8 + optlen, len;

	f[0] = 0xff;
	f[1] = 0x03;
	f[2] = (uint8_t)(proto >> 8);
	f[3] = (uint8_t)proto;
	f[4] = code;
	f[5] = id;
	f[6] = (uint8_t)((4 + optlen) >> 8);
	f[7] = (uint8_t)(4 + optlen);
	if (optlen)
		memcpy(f + 8, opt, optlen);
	len = sstp_encode_data(pkt, sizeof(pkt), f, n);
	srv_send(v, pkt, len);
}

static void srv_ctrl(struct srv *v, uint16_t type)
{
	uint8_t pkt[64];
	uint8_t nonce[SSTP_NONCE_LEN];
	size_t n;

	memset(nonce, 0x5a, sizeof(nonce));
	if (type == SSTP_MSG_CALL_CONNECT_ACK)
		n = sstp_encode_connect_ack(pkt, sizeof(pkt), SSTP_HASH_MASK_SHA256, nonce);
	else if (type == SSTP_MSG_CALL_ABORT)
		n = sstp_encode_abort(pkt, sizeof(pkt), 1, 0, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	else
		n = sstp_encode_simple(pkt, sizeof(pkt), type);
	srv_send(v, pkt, n);
}

static void srv_frame(struct srv *v, const uint8_t *f, size_t n)
{
	size_t off = (n >= 2 && f[0] == 0xff) ? 2 : 0;
	uint16_t proto;
	uint8_t code, id;
	const uint8_t *opt;
	size_t optlen;

	if (n < off + 6)
		return;
	proto = (uint16_t)(f[off] << 8 | f[off + 1]);
	code = f[off + 2];
	id = f[off + 3];
	opt = f + off + 6;
	optlen = n - off - 6;
	if (proto == 0xc021) {
		if (code == 1) { /* Configure-Request: ack it, then ask for PAP */
			srv_ppp(v, 0xc021, 2, id, opt, optlen);
			if (!v->lcp_open_sent) {
				static const uint8_t pap[] = { 0x03, 0x04, 0xc0, 0x23 };
				srv_ppp(v, 0xc021, 1, 1, pap, sizeof(pap));
				v->lcp_open_sent = 1;
			}
		} else if (code == 5) { /* Terminate-Request */
			srv_ppp(v, 0xc021, 6, id, NULL, 0);
		} else if (code == 9) { /* Echo-Request */
			static const uint8_t magic[4] = { 0 };
			srv_ppp(v, 0xc021, 10, id, magic, sizeof(magic));
			v->echoed_up = v->up; /* the client's readiness echo */
		}
	} else if (proto == 0xc023 && code == 1) { /* PAP Authenticate-Request */
		size_t ul = optlen ? opt[0] : 0;
		size_t pl = optlen > ul + 1 ? opt[1 + ul] : 0;
		int ok = ul == 5 && memcmp(opt + 1, "alice", 5) == 0 && pl == 6 &&
			 memcmp(opt + 2 + ul, "secret", 6) == 0 && v->mode != SRV_PAP_REJECT;
		static const uint8_t msg_ok[] = { 0 };
		static const uint8_t msg_bad[] = { 13, 'b', 'a', 'd', ' ', 'p', 'a', 's', 's', 'w', 'o', 'r', 'd', '!' };

		if (ok)
			srv_ppp(v, 0xc023, 2, id, msg_ok, sizeof(msg_ok));
		else
			srv_ppp(v, 0xc023, 3, id, msg_bad, sizeof(msg_bad));
	} else if (proto == 0x8021) {
		if (!v->call_connected) { /* MS-SSTP: CALL_CONNECTED comes before any NCP frame */
			srv_ctrl(v, SSTP_MSG_CALL_ABORT);
			return;
		}
		if (code == 1) {
			uint8_t want[] = { 0x03, 0x06, 10, 0, 0, 2, 0x81, 0x06, 10, 0, 0, 53, 0x83, 0x06, 10, 0, 0, 54 };

			if (optlen >= 6 && opt[0] == 3 && opt[2] == 10) {
				srv_ppp(v, 0x8021, 2, id, opt, optlen); /* our address: ack */
			} else {
				srv_ppp(v, 0x8021, 3, id, want, optlen < sizeof(want) ? optlen : sizeof(want));
			}
			if (!v->ipcp_req_sent) {
				static const uint8_t me[] = { 0x03, 0x06, 10, 0, 0, 1 };
				srv_ppp(v, 0x8021, 1, 1, me, sizeof(me));
				v->ipcp_req_sent = 1;
			}
		} else if (code == 2) {
			v->up = 1;
		}
	}
}

static void srv_echo_ip(struct srv *v, const uint8_t *f, size_t n)
{
	uint8_t pkt[4200];
	size_t len = sstp_encode_data(pkt, sizeof(pkt), f, n);

	srv_send(v, pkt, len);
}

static void srv_packet(struct srv *v, const uint8_t *p, size_t n)
{
	if (p[1] & 1) {
		uint16_t type = (uint16_t)(p[4] << 8 | p[5]);

		switch (type) {
		case SSTP_MSG_CALL_CONNECT_REQUEST:
			if (v->mode == SRV_SILENT)
				return;
			srv_ctrl(v, v->mode == SRV_ABORT ? SSTP_MSG_CALL_ABORT : SSTP_MSG_CALL_CONNECT_ACK);
			break;
		case SSTP_MSG_CALL_CONNECTED:
			v->call_connected = 1;
			break;
		case SSTP_MSG_CALL_DISCONNECT:
			srv_ctrl(v, SSTP_MSG_CALL_DISCONNECT_ACK);
			break;
		case SSTP_MSG_ECHO_REQUEST:
			srv_ctrl(v, SSTP_MSG_ECHO_RESPONSE);
			break;
		default:
			break;
		}
		return;
	}
	if (n >= 8 && p[4] == 0xff && p[6] == 0x00 && p[7] == 0x21) {
		srv_echo_ip(v, p + 4, n - 4);
		return;
	}
	srv_frame(v, p + 4, n - 4);
	if (v->echoed_up && v->mode == SRV_CLOSE_AFTER_UP) {
		usleep(200000);
		_exit(0);
	}
}

static void srv_run(int fd, enum srv_mode mode)
{
	struct srv v;
	uint8_t buf[8192];
	size_t have = 0;
	int http_done = 0;

	memset(&v, 0, sizeof(v));
	v.fd = fd;
	v.mode = mode;
	sstp_reasm_init(&v.reasm);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		size_t off = 0;

		if (poll(&p, 1, 10000) <= 0)
			_exit(2);
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			_exit(0);
		have += (size_t)n;
		if (!http_done) {
			char *end = memmem(buf, have, "\r\n\r\n", 4);
			static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
						 "Server: Microsoft-HTTPAPI/2.0\r\n\r\n";
			static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n\r\n";

			if (!end)
				continue;
			if (mode == SRV_HTTP_503) {
				srv_send(&v, (const uint8_t *)busy, sizeof(busy) - 1);
				usleep(100000);
				_exit(0);
			}
			srv_send(&v, (const uint8_t *)ok, sizeof(ok) - 1);
			http_done = 1;
			off = (size_t)(end + 4 - (char *)buf);
		}
		while (off < have) {
			const uint8_t *pkt;
			size_t used = 0, plen = 0;
			enum sstp_perr e;
			enum sstp_reasm_rc rc = sstp_reasm_feed(&v.reasm, buf + off, have - off, &used,
								&pkt, &plen, &e);

			if (rc == SSTP_REASM_FATAL)
				_exit(3);
			off += used;
			if (rc == SSTP_REASM_PACKET)
				srv_packet(&v, pkt, plen);
		}
		have = 0;
	}
}

/* ---- the test side --------------------------------------------------------------------------- */

struct run {
	struct plat_net *net;
	char dir[64];
	int code;
	char err[320];
	int up_calls;
	int child_code;
	struct sstp_conn_status up_status;
	int tun_peer;
	int retries;
};

static struct run *g_run;

/* In a child while the session runs: one packet each way through the fake TUN, and `status`
 * over the control socket. */
static int tun_and_status_check(struct run *r)
{
	uint8_t ip[48], back[256];
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_msg m;
	struct sstp_conn_status st;
	char err[256];
	struct pollfd p;
	ssize_t n;

	memset(ip, 0, sizeof(ip));
	ip[0] = 0x45;
	ip[3] = sizeof(ip);
	ip[9] = 17;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 10, 9, 9, 9 }, 4);
	memcpy(ip + 28, "sstp-test-payload", 17);
	if (write(r->tun_peer, ip, sizeof(ip)) != (ssize_t)sizeof(ip))
		return 20;
	p.fd = r->tun_peer;
	p.events = POLLIN;
	if (poll(&p, 1, 3000) <= 0)
		return 21;
	n = read(r->tun_peer, back, sizeof(back));
	if (n != (ssize_t)sizeof(ip) || memcmp(back, ip, sizeof(ip)) != 0)
		return 22;
	if (sstp_ctl_request(r->dir, "flow", SSTP_CTL_REQ_STATUS, 2000, buf, sizeof(buf), &m, err,
			     sizeof(err)) != 0 || m.type != SSTP_CTL_RESP_STATUS ||
	    sstp_ctl_get_status(&m, &st, NULL) != 0)
		return 23;
	if (st.state != SSTP_STATE_CONNECTED || strcmp(st.ipv4_local, "10.0.0.2") != 0 ||
	    st.bytes_out != sizeof(ip) || st.bytes_in != sizeof(ip) || strcmp(st.auth_method, "PAP") != 0)
		return 24;
	return 0;
}

static int hook_up(void *ctx, struct sstp_session *s)
{
	struct run *r = ctx;
	pid_t c;

	r->up_calls++;
	sstp_session_status(s, &r->up_status);
	r->tun_peer = plat_net_fake_peer_fd(r->net);
	c = fork();
	if (c == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(tun_and_status_check(r));
	}
	assert_true(c > 0);
	assert_int_equal(sstp_session_watch_child(s, (int)c), 0);
	return 0;
}

static int hook_child(void *ctx, struct sstp_session *s, int pid, int code)
{
	struct run *r = ctx;

	(void)s;
	(void)pid;
	r->child_code = code;
	return 0; /* end the session cleanly: exit 0 */
}

/* The route set of an Azure-shaped package (issue 22): the VNet route equal to the pool and given
 * twice, a nested --route, the peer's host route, and a VNet route the LAN has with our metric. */
static bool g_route_set;

static void set_routes(struct sstp_session_cfg *cfg, struct plat_net *net)
{
	static struct plat_prefix p[5];
	static const unsigned src[5] = { ROUTE_SRC_PACKAGE, ROUTE_SRC_POOL, ROUTE_SRC_OPTION,
					 ROUTE_SRC_PACKAGE, ROUTE_SRC_PACKAGE };
	static const char *const cidr[5] = { "10.9.0.0/16", "10.9.0.0/16", "10.9.128.0/17",
					     "10.0.0.1/32", "10.8.0.0/16" };
	struct plat_route_info lan;

	for (int i = 0; i < 5; i++)
		assert_int_equal(plat_prefix_parse(cidr[i], false, &p[i]), 0);
	cfg->routes = p;
	cfg->route_srcs = src;
	cfg->n_routes = 5;
	memset(&lan, 0, sizeof(lan));
	assert_int_equal(plat_prefix_parse("10.8.0.0/16", false, &lan.dst), 0);
	snprintf(lan.ifname, sizeof(lan.ifname), "eth0");
	lan.metric = PLAT_NET_DEFAULT_METRIC;
	lan.table = 254;
	assert_int_equal(plat_net_fake_add_route(net, &lan), 0);
}

static bool g_report_only; /* run_session: routes and DNS left to the caller */
static bool g_retry;       /* run_session: --reconnect --wait (retries where retrying helps) */

static void hook_retry(void *ctx, struct sstp_session *s, int code, const char *msg,
		       uint32_t delay_ms)
{
	struct run *r = ctx;

	(void)s;
	(void)code;
	(void)msg;
	(void)delay_ms;
	r->retries++;
	sstp_session_stop(s, SSTP_EXIT_ERROR, "the test allows no retry");
}

static void run_session(struct run *r, enum srv_mode mode, uint32_t phase_ms)
{
	struct sstp_session_cfg cfg;
	struct sstp_session_hooks hooks;
	struct plat_net_config nc;
	struct sstp_session *s;
	struct plat_prefix route;
	int sv[2], st;
	pid_t srv;
	char err[256];

	memset(r, 0, sizeof(*r));
	r->child_code = -1;
	g_run = r;
	snprintf(r->dir, sizeof(r->dir), "/tmp/sstp-flow-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	srv = fork();
	assert_true(srv >= 0);
	if (srv == 0) {
		close(sv[0]);
		srv_run(sv[1], mode);
		_exit(0);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);

	memset(&nc, 0, sizeof(nc));
	nc.session = "flow";
	assert_int_equal(plat_net_fake_open(&nc, &r->net), 0);
	sstp_session_cfg_init(&cfg);
	cfg.name = "flow";
	cfg.state_dir = r->dir;
	cfg.server = "gw.test";
	cfg.user = "alice";
	cfg.password = "secret";
	cfg.auth = 0x01; /* PPP_AUTH_PAP */
	cfg.want_ipv6 = false;
	assert_int_equal(plat_prefix_parse("10.9.0.0/16", false, &route), 0);
	cfg.routes = &route;
	cfg.n_routes = 1;
	if (g_route_set)
		set_routes(&cfg, r->net);
	cfg.phase_timeout_ms = phase_ms;
	cfg.report_only = g_report_only;
	cfg.reconnect = cfg.wait = g_retry;
	cfg.test_plain_fd = sv[0];
	cfg.test_cert_der = cert_der;
	cfg.test_cert_len = sizeof(cert_der);
	memset(&hooks, 0, sizeof(hooks));
	hooks.ctx = r;
	hooks.up = hook_up;
	hooks.child_exit = hook_child;
	hooks.retry = hook_retry;
	s = sstp_session_new(&cfg, r->net, &hooks, err, sizeof(err));
	assert_non_null(s);
	r->code = sstp_session_run(s);
	snprintf(r->err, sizeof(r->err), "%s", sstp_session_error(s));
	sstp_session_free(s);
	close(sv[0]);
	kill(srv, SIGKILL);
	waitpid(srv, &st, 0);
	assert_int_equal(plat_net_fake_applied(r->net), 0); /* everything undone */
	rmdir(r->dir);
}

static void test_full_flow(void **state)
{
	struct run r;

	(void)state;
	run_session(&r, SRV_NORMAL, 5000);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.up_calls, 1);
	assert_int_equal(r.child_code, 0); /* data both ways and status over the socket */
	assert_string_equal(r.up_status.ipv4_local, "10.0.0.2");
	assert_string_equal(r.up_status.ipv4_peer, "10.0.0.1");
	assert_string_equal(r.up_status.auth_method, "PAP");
	assert_string_equal(r.up_status.binding_hash, "SHA-256");
	assert_int_equal(r.up_status.nroutes, 1);
	assert_string_equal(r.up_status.routes[0], "10.9.0.0/16");
	assert_int_equal(r.up_status.ndns, 2);
	assert_string_equal(r.up_status.dns[0], "10.0.0.53");
	assert_true(plat_net_fake_logged(r.net, "tun_create sstp0"));
	assert_true(plat_net_fake_logged(r.net, "addr_add 10.0.0.2 peer 10.0.0.1/32"));
	assert_true(plat_net_fake_logged(r.net, "route_add 10.9.0.0/16"));
	assert_non_null(strstr(plat_net_fake_log(r.net), "dns_apply"));
	assert_true(plat_net_fake_logged(r.net, "undo_all"));
	plat_net_close(r.net);
}

static size_t count_lines(const char *log, const char *prefix)
{
	size_t n = 0, k = strlen(prefix);

	for (const char *l = log; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
		if (strncmp(l, prefix, k) == 0 && (l[k] == '\n' || l[k] == '\0' || l[k] == ' '))
			n++;
	return n;
}

static void test_route_set(void **state)
{
	struct run r;
	const char *log;

	(void)state;
	g_route_set = true;
	run_session(&r, SRV_NORMAL, 5000);
	g_route_set = false;
	assert_int_equal(r.code, 0);
	assert_int_equal(r.up_calls, 1);
	log = plat_net_fake_log(r.net);
	assert_int_equal(count_lines(log, "route_add 10.9.0.0/16"), 1);
	assert_int_equal(count_lines(log, "undo route 10.9.0.0/16"), 1);
	assert_int_equal(count_lines(log, "route_add 10.8.0.0/16 metric 49"), 1);
	assert_int_equal(count_lines(log, "route_add 10.9.128.0/17"), 0);
	assert_int_equal(count_lines(log, "route_add 10.0.0.1/32"), 0);
	assert_int_equal(r.up_status.nroutes, 2);
	assert_string_equal(r.up_status.routes[0], "10.8.0.0/16");
	assert_string_equal(r.up_status.route_src[0], "package");
	assert_string_equal(r.up_status.routes[1], "10.9.0.0/16");
	assert_string_equal(r.up_status.route_src[1], "package,pool");
	assert_string_equal(r.up_status.pin, ""); /* the test transport pins nothing */
	plat_net_close(r.net);
}

/* report_only (the NetworkManager plugin): the tunnel and its address as usual, but no route and
 * no DNS installed; the status still lists the routes and the servers IPCP gave. */
static void test_report_only(void **state)
{
	struct run r;

	(void)state;
	g_report_only = true;
	run_session(&r, SRV_NORMAL, 5000);
	g_report_only = false;
	assert_int_equal(r.code, 0);
	assert_int_equal(r.up_calls, 1);
	assert_int_equal(r.up_status.nroutes, 1);
	assert_string_equal(r.up_status.routes[0], "10.9.0.0/16");
	assert_int_equal(r.up_status.ndns, 2);
	assert_string_equal(r.up_status.dns[0], "10.0.0.53");
	assert_string_equal(r.up_status.dns_backend, "none");
	assert_true(plat_net_fake_logged(r.net, "addr_add 10.0.0.2 peer 10.0.0.1/32"));
	assert_null(strstr(plat_net_fake_log(r.net), "route_add"));
	assert_null(strstr(plat_net_fake_log(r.net), "dns_apply"));
	plat_net_close(r.net);
}

static void test_pap_rejected(void **state)
{
	struct run r;

	(void)state;
	run_session(&r, SRV_PAP_REJECT, 5000);
	assert_int_equal(r.code, SSTP_EXIT_AUTH);
	assert_non_null(strstr(r.err, "authentication rejected by server"));
	assert_int_equal(r.up_calls, 0);
	assert_false(plat_net_fake_logged(r.net, "tun_create sstp0"));
	plat_net_close(r.net);
}

/* A rejected password is final even with --reconnect --wait (sstp@.service and the helper's
 * sessions run so): retrying would only lock the account (issue 18). */
static void test_pap_rejected_no_retry(void **state)
{
	struct run r;

	(void)state;
	g_retry = true;
	run_session(&r, SRV_PAP_REJECT, 5000);
	g_retry = false;
	assert_int_equal(r.code, SSTP_EXIT_AUTH);
	assert_int_equal(r.retries, 0);
	plat_net_close(r.net);
	/* the same settings do retry a gateway that is only unavailable (HTTP 503) */
	g_retry = true;
	run_session(&r, SRV_HTTP_503, 5000);
	g_retry = false;
	assert_int_equal(r.retries, 1);
	plat_net_close(r.net);
}

static void test_http_503(void **state)
{
	struct run r;

	(void)state;
	run_session(&r, SRV_HTTP_503, 5000);
	assert_int_equal(r.code, SSTP_EXIT_UNREACHABLE);
	assert_non_null(strstr(r.err, "503"));
	plat_net_close(r.net);
}

static void test_silent_server_times_out(void **state)
{
	struct run r;

	(void)state;
	run_session(&r, SRV_SILENT, 300);
	assert_int_equal(r.code, SSTP_EXIT_TIMEOUT);
	assert_non_null(strstr(r.err, "waiting for the SSTP call"));
	plat_net_close(r.net);
}

static void test_call_abort(void **state)
{
	struct run r;

	(void)state;
	run_session(&r, SRV_ABORT, 5000);
	assert_int_equal(r.code, SSTP_EXIT_NEGOTIATION);
	assert_non_null(strstr(r.err, "SSTP"));
	plat_net_close(r.net);
}

static void test_close_after_up(void **state)
{
	struct run r;

	(void)state;
	run_session(&r, SRV_CLOSE_AFTER_UP, 5000);
	/* the server goes away right after the tunnel is up (IPCP, then its answer to the readiness
	 * echo): the session sees the connection end (exit 8) */
	assert_int_equal(r.code, SSTP_EXIT_PEER_DEAD);
	assert_non_null(strstr(r.err, "gw.test"));
	assert_int_equal(r.up_calls, 1);
	plat_net_close(r.net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_flow),
		cmocka_unit_test(test_route_set),
		cmocka_unit_test(test_report_only),
		cmocka_unit_test(test_pap_rejected),
		cmocka_unit_test(test_pap_rejected_no_retry),
		cmocka_unit_test(test_http_503),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_call_abort),
		cmocka_unit_test(test_close_after_up),
	};

	sstp_log_init("sstp-test", getenv("SSTP_TEST_VERBOSE") ? SSTP_LOG_TRACE : SSTP_LOG_ERROR,
		      SSTP_LOG_TO_STDERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
