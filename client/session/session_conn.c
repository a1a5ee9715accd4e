/* session_conn.c - the first phases of a connection: resolve (on a worker thread), TCP
 * (non-blocking, every resolved address in turn), TLS (verification failures are exit 5), and the
 * SSTP_DUPLEX_POST / HTTP 200 exchange; then it hands the byte stream to session_link.c.
 * With --proxy, session_proxy.c opens the TCP connection (a CONNECT tunnel) instead.
 * Also the transport wrappers: TLS normally, a plain socketpair in unit tests. */
#include "session_int.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "log.h"

int sess_xport_fd(const struct sstp_session *s)
{
	if (s->plain_fd >= 0)
		return s->plain_fd;
	if (s->tls)
		return tls_session_fd(s->tls);
	return s->sock;
}

size_t sess_xport_pending(const struct sstp_session *s)
{
	return s->tls && s->http_req_len ? tls_pending(s->tls) : 0;
}

int sess_xport_read(struct sstp_session *s, uint8_t *buf, size_t n)
{
	ssize_t r;

	if (s->tls)
		return tls_read(s->tls, buf, n);
	r = read(s->plain_fd, buf, n);
	if (r > 0)
		return (int)r;
	if (r == 0)
		return TLS_CLOSED;
	return errno == EAGAIN || errno == EINTR ? TLS_WANT_READ : TLS_ERR_IO;
}

int sess_xport_write(struct sstp_session *s, const uint8_t *buf, size_t n)
{
	ssize_t r;

	if (s->tls)
		return tls_write(s->tls, buf, n);
	r = write(s->plain_fd, buf, n);
	if (r > 0)
		return (int)r;
	return r < 0 && (errno == EAGAIN || errno == EINTR) ? TLS_WANT_WRITE : TLS_ERR_IO;
}

static void start_http(struct sstp_session *s, uint64_t now)
{
	uint8_t rnd[16];
	const char *host = s->cfg.sni ? s->cfg.sni : s->cfg.server;

	if (!host)
		host = "localhost";
	sess_set_state(s, SSTP_STATE_HTTP, now);
	if (tls_random(rnd, sizeof(rnd)) < 0) {
		sess_fail(s, SSTP_EXIT_ERROR, "the random number generator failed");
		return;
	}
	s->http_req_len = sstp_http_build_request(s->http_req, sizeof(s->http_req), host,
						  s->cfg.port, rnd);
	s->http_req_off = 0;
	if (!s->http_req_len) {
		sess_fail(s, SSTP_EXIT_PROFILE, "cannot use '%s' as an HTTP host name", host);
		return;
	}
	sstp_http_resp_init(&s->http, SSTP_HTTP_PEER_GATEWAY);
	s->sock_writable = true; /* the request can go out at once */
	sstp_trace("HTTP request:\n%s", s->http_req);
}

static void start_tls(struct sstp_session *s, uint64_t now)
{
	struct tls_config tc;
	char err[256];

	memset(&tc, 0, sizeof(tc));
	tc.server_name = s->cfg.server;
	tc.sni = s->cfg.sni;
	tc.ca_paths = s->cfg.ca_paths;
	tc.ca_blobs = s->cfg.ca_blobs;
	tc.n_ca_blobs = s->cfg.n_ca_blobs;
	tc.no_system_ca = s->cfg.no_system_ca;
	tc.pin_sha256 = s->cfg.pin_sha256;
	tc.insecure = s->cfg.insecure;
	tc.client_creds = s->cfg.tls_creds; /* sent only when the server asks for one */
	sess_set_state(s, SSTP_STATE_TLS, now);
	s->tls = tls_session_new(&tc, err, sizeof(err));
	if (!s->tls) {
		sess_fail(s, SSTP_EXIT_PROFILE, "TLS set-up failed: %s", err);
		return;
	}
	tls_session_set_fd(s->tls, s->sock);
	s->sock = -1; /* the TLS session owns and closes it now */
	s->sock_readable = s->sock_writable = true;
}

static void try_connect(struct sstp_session *s, uint64_t now)
{
	char ip[PLAT_IP_STRMAX];
	int r;

	while (s->addr_idx < s->n_addrs) {
		const struct plat_ip *a = &s->addrs[s->addr_idx];

		plat_ip_format(a, ip, sizeof(ip));
		SSTP_STATUS_SET(s->st.server_addr, ip);
		sstp_dbg("connecting to %s port %u", ip, s->cfg.port);
		r = plat_tcp_connect(a, s->cfg.port, &s->sock);
		if (r == 0) {
			start_tls(s, now);
			return;
		}
		if (r == -EINPROGRESS) {
			s->want_write = true;
			s->sock_writable = false;
			return;
		}
		sstp_dbg("connect to %s: %s", ip, strerror(-r));
		s->addr_idx++;
		if (s->addr_idx >= s->n_addrs) {
			sess_fail(s, SSTP_EXIT_UNREACHABLE, "cannot connect to %s port %u (%s): %s",
				  s->cfg.server, s->cfg.port, ip, strerror(-r));
			return;
		}
	}
}

int sess_conn_start(struct sstp_session *s, uint64_t now)
{
	struct plat_ip lit;

	s->http_req_len = 0;
	s->want_write = false;
	s->sock_readable = s->sock_writable = false;
	if (s->plain_fd >= 0) {
		s->cert_der = s->cfg.test_cert_der;
		s->cert_len = s->cfg.test_cert_len;
		SSTP_STATUS_SET(s->st.tls_version, "none (test transport)");
		start_http(s, now);
		return 0;
	}
	s->proxy_host[0] = '\0';
	if (s->cfg.proxy)
		return sess_proxy_start(s, now);
	sess_set_state(s, SSTP_STATE_RESOLVING, now);
	if (s->net_kept && s->ks_gw.family) {
		/* the kill switch lets only this address through: no new look-up */
		s->addrs[0] = s->ks_gw;
		s->n_addrs = 1;
		s->addr_idx = 0;
		sess_set_state(s, SSTP_STATE_CONNECTING, now);
		try_connect(s, now);
		return 0;
	}
	if (plat_ip_parse(s->cfg.server, &lit) == 0) {
		s->addrs[0] = lit;
		s->n_addrs = 1;
		s->addr_idx = 0;
		sess_set_state(s, SSTP_STATE_CONNECTING, now);
		try_connect(s, now);
		return 0;
	}
	s->resolver = plat_resolve_start(s->cfg.server);
	if (!s->resolver)
		return -1;
	plat_loop_watch(s->loop, plat_resolve_fd(s->resolver), PLAT_EV_READ,
			(void *)(uintptr_t)TAG_RESOLVER);
	return 0;
}

static void drive_resolve(struct sstp_session *s, uint64_t now)
{
	char err[160] = "";
	int r = plat_resolve_result(s->resolver, s->addrs, SESS_MAX_ADDRS, err, sizeof(err));

	if (r == -EINPROGRESS)
		return;
	plat_loop_unwatch(s->loop, plat_resolve_fd(s->resolver));
	plat_resolve_free(s->resolver);
	s->resolver = NULL;
	if (r < 0) {
		sess_fail(s, SSTP_EXIT_UNREACHABLE, "cannot resolve %s: %s", s->cfg.server,
			  r == -ENOENT ? "no such host" : err);
		return;
	}
	s->n_addrs = r;
	s->addr_idx = 0;
	sess_set_state(s, SSTP_STATE_CONNECTING, now);
	try_connect(s, now);
}

static void drive_tcp(struct sstp_session *s, uint64_t now)
{
	char ip[PLAT_IP_STRMAX];
	int r;

	if (s->proxy_multi) {
		if (s->sock < 0 && sess_proxy_drive(s, now) == 1)
			start_tls(s, now);
		return;
	}
	if (!s->sock_writable)
		return;
	s->sock_writable = false;
	r = plat_tcp_connect_result(s->sock);
	if (r == 0) {
		s->want_write = false;
		start_tls(s, now);
		return;
	}
	plat_ip_format(&s->addrs[s->addr_idx], ip, sizeof(ip));
	plat_loop_unwatch(s->loop, s->sock);
	plat_sock_close(s->sock);
	s->sock = -1;
	s->want_write = false;
	if (++s->addr_idx < s->n_addrs) {
		sstp_dbg("connect to %s: %s; trying the next address", ip, strerror(-r));
		try_connect(s, now);
		return;
	}
	sess_fail(s, SSTP_EXIT_UNREACHABLE, "cannot connect to %s port %u (%s): %s",
		  s->cfg.server, s->cfg.port, ip, strerror(-r));
}

static void drive_tls(struct sstp_session *s, uint64_t now)
{
	const char *warn;
	char pin[64];
	int r;

	if (!s->sock_readable && !s->sock_writable)
		return;
	s->sock_readable = s->sock_writable = false;
	r = tls_handshake(s->tls);
	switch (r) {
	case TLS_OK: break;
	case TLS_WANT_READ: s->want_write = false; return;
	case TLS_WANT_WRITE: s->want_write = true; return;
	case TLS_ERR_CERT:
		sess_fail(s, SSTP_EXIT_CERT, "server certificate rejected: %s", tls_error(s->tls));
		return;
	case TLS_ERR_CONFIG:
		sess_fail(s, SSTP_EXIT_PROFILE, "TLS configuration: %s", tls_error(s->tls));
		return;
	case TLS_ERR_PROTO:
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "TLS handshake with %s failed: %s", s->cfg.server,
			  tls_error(s->tls));
		return;
	case TLS_CLOSED:
	case TLS_ERR_IO:
	default:
		sess_fail(s, SSTP_EXIT_UNREACHABLE, "connection to %s lost during the TLS handshake: %s",
			  s->cfg.server, tls_error(s->tls)[0] ? tls_error(s->tls) : "closed by the server");
		return;
	}
	s->want_write = false;
	SSTP_STATUS_SET(s->st.tls_version, tls_version_name(s->tls));
	SSTP_STATUS_SET(s->st.tls_suite, tls_cipher_name(s->tls));
	sstp_dbg("TLS: %s %s (records sealed by %s)", s->st.tls_version, s->st.tls_suite,
		 tls_record_layer(s->tls));
	if ((warn = tls_warning(s->tls)) != NULL)
		sstp_warn("server certificate accepted although: %s%s", warn,
			  s->cfg.insecure ? " (--insecure)" : " (pinned key)");
	if (tls_peer_pin_sha256(s->tls, pin, sizeof(pin)) == 0)
		sstp_dbg("server key pin: sha256//%s", pin);
	if (tls_peer_cert_der(s->tls, &s->cert_der, &s->cert_len) < 0) {
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "the server sent no certificate");
		return;
	}
	start_http(s, now);
}

static void http_failed(struct sstp_session *s)
{
	const char *e = sstp_http_resp_error(&s->http);
	int code = s->http.status >= 500 ? SSTP_EXIT_UNREACHABLE : SSTP_EXIT_NEGOTIATION;

	sess_fail(s, code, "%s", e[0] ? e : "invalid HTTP answer from the gateway");
}

static void drive_http(struct sstp_session *s, uint64_t now)
{
	for (int rounds = 0; rounds < 64 && !s->stopping; rounds++) {
		int r;
		size_t used = 0;

		if (s->http_req_off < s->http_req_len) {
			r = sess_xport_write(s, (const uint8_t *)s->http_req + s->http_req_off,
					     s->http_req_len - s->http_req_off);
			if (r > 0) {
				s->http_req_off += (size_t)r;
				continue;
			}
			if (r == TLS_WANT_WRITE) {
				s->want_write = true;
				return;
			}
			if (r != TLS_WANT_READ) {
				sess_fail(s, SSTP_EXIT_UNREACHABLE, "connection to %s lost while sending "
					  "the HTTP request", s->cfg.server);
				return;
			}
		}
		s->want_write = false;
		r = sess_xport_read(s, s->rx, sizeof(s->rx));
		if (r == TLS_WANT_READ || r == TLS_WANT_WRITE) {
			s->want_write = r == TLS_WANT_WRITE;
			return;
		}
		if (r <= 0) {
			sess_fail(s, SSTP_EXIT_UNREACHABLE, "%s closed the connection before answering the "
				  "HTTP request%s%s", s->cfg.server, s->tls && r != TLS_CLOSED ? ": " : "",
				  s->tls && r != TLS_CLOSED ? tls_error(s->tls) : "");
			return;
		}
		sstp_log_hex("HTTP answer", s->rx, (size_t)r, 512);
		switch (sstp_http_resp_feed(&s->http, s->rx, (size_t)r, &used)) {
		case SSTP_HTTP_NEED_MORE: continue;
		case SSTP_HTTP_ERROR: http_failed(s); return;
		case SSTP_HTTP_DONE:
			sstp_dbg("HTTP %d from %s: SSTP call starts", s->http.status, s->cfg.server);
			sess_link_start(s, s->rx + used, (size_t)r - used, now);
			return;
		}
	}
}

void sess_conn_drive(struct sstp_session *s, uint64_t now)
{
	if (s->stopping)
		return;
	switch (s->state) {
	case SSTP_STATE_RESOLVING: drive_resolve(s, now); break;
	case SSTP_STATE_CONNECTING: drive_tcp(s, now); break;
	case SSTP_STATE_TLS: drive_tls(s, now); break;
	case SSTP_STATE_HTTP:
		if (s->sock_readable || s->sock_writable || s->http_req_off == 0 ||
		    sess_xport_pending(s)) {
			s->sock_readable = s->sock_writable = false;
			drive_http(s, now);
		}
		break;
	default: break;
	}
}

void sess_conn_close(struct sstp_session *s)
{
	int fd = sess_xport_fd(s);

	if (s->loop && fd >= 0)
		plat_loop_unwatch(s->loop, fd);
	if (s->resolver) {
		if (s->loop)
			plat_loop_unwatch(s->loop, plat_resolve_fd(s->resolver));
		plat_resolve_free(s->resolver);
		s->resolver = NULL;
	}
	sess_proxy_close(s); /* before TLS closes the tunnel socket curl opened */
	if (s->tls) {
		tls_session_free(s->tls);
		s->tls = NULL;
	}
	if (s->sock >= 0) {
		plat_sock_close(s->sock);
		s->sock = -1;
	}
	s->cert_der = NULL;
	s->cert_len = 0;
	s->http_req_len = 0;
	s->want_write = false;
	s->wsrc = WSRC_NONE;
	s->wbuf = NULL;
	s->wlen = 0;
}
