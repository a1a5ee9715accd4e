/* session_proxy.c - `--proxy`: the HTTP CONNECT tunnel to the server through libcurl (Basic,
 * Digest and NTLM proxy authentication, as the libcurl build allows), driven by the session's
 * event loop through the curl multi socket interface. Once the proxy answered 2xx the session
 * takes the tunnel's socket for TLS; curl's handles live on (and never close that socket) until
 * sess_proxy_close(). libcurl is reached through pkg_curl.h (loaded at run time on Linux). */
#include "session_int.h"

#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"

static int fd_of(curl_socket_t c)
{
	return (int)(intptr_t)c;
}

/* curl asks us to watch (or stop watching) one of its sockets. */
static int on_socket(CURL *easy, curl_socket_t cs, int what, void *userp, void *socketp)
{
	struct sstp_session *s = userp;
	int fd = fd_of(cs), i;
	unsigned ev = 0;

	(void)easy;
	(void)socketp;
	if (s->proxy_handed >= 0)
		return 0; /* the tunnel socket belongs to the TLS session now */
	for (i = 0; i < s->n_proxy_fds && s->proxy_fds[i] != fd; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < s->n_proxy_fds) {
			s->proxy_fds[i] = s->proxy_fds[--s->n_proxy_fds];
			if (s->loop)
				plat_loop_unwatch(s->loop, fd);
		}
		return 0;
	}
	if (i == s->n_proxy_fds) {
		if (s->n_proxy_fds >= SESS_PROXY_MAX_FDS)
			return -1;
		s->proxy_fds[s->n_proxy_fds++] = fd;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= PLAT_EV_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= PLAT_EV_WRITE;
	return s->loop && plat_loop_watch(s->loop, fd, ev, (void *)(uintptr_t)TAG_SOCK) < 0 ? -1 : 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct sstp_session *s = userp;

	(void)multi;
	s->proxy_timer = timeout_ms < 0 ? UINT64_MAX : plat_now_ms() + (uint64_t)timeout_ms;
	return 0;
}

static int on_close(void *clientp, curl_socket_t cs)
{
	struct sstp_session *s = clientp;

	if (fd_of(cs) != s->proxy_handed)
		plat_sock_close(fd_of(cs));
	return 0;
}

/* curl's sockets must not leak into the children of `sstp run` */
static int on_sockopt(void *clientp, curl_socket_t cs, curlsocktype purpose)
{
	(void)clientp;
	(void)purpose;
	return plat_sock_no_inherit(fd_of(cs)) == 0 ? CURL_SOCKOPT_OK : CURL_SOCKOPT_ERROR;
}

/* Keeps the proxy's last status line for error sentences. */
static size_t on_header(char *buf, size_t size, size_t n, void *userp)
{
	struct sstp_session *s = userp;

	if (size && n <= SIZE_MAX / size)
		sstp_proxy_status_line(buf, size * n, s->proxy_status, sizeof(s->proxy_status));
	return size * n;
}

uint64_t sess_proxy_deadline(const struct sstp_session *s)
{
	return s->proxy_multi && s->proxy_handed < 0 ? s->proxy_timer : UINT64_MAX;
}

static int setup_curl(struct sstp_session *s, const char *user)
{
	char proxy[SSTP_PROXY_HOST_MAX + 32], target[320];
	bool v6 = strchr(s->cfg.server, ':') != NULL;
	const struct sstp_curl *c = s->curl;
	CURL *e;
	int ok = 1;

	snprintf(proxy, sizeof(proxy), "http://%s%s%s:%u", s->proxy_v6 ? "[" : "", s->proxy_host,
		 s->proxy_v6 ? "]" : "", s->proxy_port);
	/* an http:// URL with CONNECT_ONLY: curl opens the tunnel and stops; TLS is ours */
	snprintf(target, sizeof(target), "http://%s%s%s:%u/", v6 ? "[" : "", s->cfg.server,
		 v6 ? "]" : "", s->cfg.port);
	s->proxy_multi = s->curl->multi_init();
	s->proxy_easy = e = s->curl->easy_init();
	if (!s->proxy_multi || !e)
		return -1;
	s->proxy_errbuf[0] = '\0';
#define SET(opt, val) ok &= c->easy_setopt(e, opt, val) == CURLE_OK
	SET(CURLOPT_URL, target);
	SET(CURLOPT_PROXY, proxy);
	SET(CURLOPT_PROXYTYPE, (long)CURLPROXY_HTTP);
	SET(CURLOPT_NOPROXY, ""); /* --proxy wins over no_proxy in the environment */
	SET(CURLOPT_HTTPPROXYTUNNEL, 1L);
	SET(CURLOPT_CONNECT_ONLY, 1L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "sstp");
	s->proxy_hdrs = s->curl->slist_append(NULL, "SSTPVERSION: 1.0");
	SET(CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE);
	SET(CURLOPT_PROXYHEADER, s->proxy_hdrs);
	SET(CURLOPT_ERRORBUFFER, s->proxy_errbuf);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, s);
	SET(CURLOPT_SOCKOPTFUNCTION, on_sockopt);
	SET(CURLOPT_CLOSESOCKETFUNCTION, on_close);
	SET(CURLOPT_CLOSESOCKETDATA, s);
	/* our phase deadline fires first and names the phase; curl's is the backstop */
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)sess_phase_budget(s, SSTP_STATE_CONNECTING) + 2000L);
	if (user[0]) {
		SET(CURLOPT_PROXYUSERNAME, user);
		SET(CURLOPT_PROXYPASSWORD, s->cfg.proxy_password ? s->cfg.proxy_password : "");
		SET(CURLOPT_PROXYAUTH, (long)CURLAUTH_ANY);
	}
#undef SET
	ok &= s->curl->multi_setopt(s->proxy_multi, CURLMOPT_SOCKETFUNCTION, on_socket) == CURLM_OK;
	ok &= s->curl->multi_setopt(s->proxy_multi, CURLMOPT_SOCKETDATA, s) == CURLM_OK;
	ok &= s->curl->multi_setopt(s->proxy_multi, CURLMOPT_TIMERFUNCTION, on_timer) == CURLM_OK;
	ok &= s->curl->multi_setopt(s->proxy_multi, CURLMOPT_TIMERDATA, s) == CURLM_OK;
	if (!ok)
		return -1;
	return s->curl->multi_add_handle(s->proxy_multi, e) == CURLM_OK ? 0 : -1;
}

int sess_proxy_start(struct sstp_session *s, uint64_t now)
{
	struct sstp_proxy_url u;
	const char *user;
	char err[200] = "";

	s->proxy_handed = -1;
	s->n_proxy_fds = 0;
	s->proxy_timer = UINT64_MAX;
	s->proxy_status[0] = '\0';
	if (sstp_proxy_url_parse(s->cfg.proxy, &u) != SSTP_PROXY_URL_OK) {
		sess_fail(s, SSTP_EXIT_USAGE, "cannot use the proxy %s: give http://[USER@]HOST[:PORT] "
			  "(the password comes from --proxy-password-file or SSTP_PROXY_PASSWORD)",
			  s->cfg.proxy);
		return 0;
	}
	memcpy(s->proxy_host, u.host, sizeof(s->proxy_host));
	s->proxy_port = u.port;
	s->proxy_v6 = u.ipv6 != 0;
	user = s->cfg.proxy_user && s->cfg.proxy_user[0] ? s->cfg.proxy_user : u.user;
	snprintf(s->proxy_user, sizeof(s->proxy_user), "%s", user);
	sess_set_state(s, SSTP_STATE_CONNECTING, now);
	if (!s->curl && (s->curl = sstp_curl(err, sizeof(err))) == NULL) {
		sess_fail(s, SSTP_EXIT_ERROR, "an HTTP proxy needs libcurl: %s", err);
		return 0;
	}
	sstp_dbg("asking proxy %s:%u for a tunnel to %s:%u%s%s", s->proxy_host, s->proxy_port,
		 s->cfg.server, s->cfg.port, s->proxy_user[0] ? " as " : "", s->proxy_user);
	if (setup_curl(s, s->proxy_user) < 0) {
		sess_fail(s, SSTP_EXIT_ERROR, "cannot set up libcurl for the proxy %s:%u",
			  s->proxy_host, s->proxy_port);
		return 0;
	}
	return 0;
}

/* The transfer ended: 1 with s->sock set when the tunnel stands, else 0 after sess_fail. */
static int finish(struct sstp_session *s, CURLcode rc)
{
	long code = 0;
	curl_socket_t cs = CURL_SOCKET_BAD;
	const char *why = s->proxy_errbuf[0] ? s->proxy_errbuf : s->curl->easy_strerror(rc);

	s->curl->easy_getinfo(s->proxy_easy, CURLINFO_HTTP_CONNECTCODE, &code);
	if (rc == CURLE_OK && code >= 200 && code < 300 &&
	    s->curl->easy_getinfo(s->proxy_easy, CURLINFO_ACTIVESOCKET, &cs) == CURLE_OK &&
	    cs != CURL_SOCKET_BAD) {
		char ip[64] = "";
		char *pip = NULL;

		for (int i = 0; i < s->n_proxy_fds; i++)
			plat_loop_unwatch(s->loop, s->proxy_fds[i]);
		s->n_proxy_fds = 0;
		s->proxy_handed = fd_of(cs);
		s->sock = s->proxy_handed;
		if (s->curl->easy_getinfo(s->proxy_easy, CURLINFO_PRIMARY_IP, &pip) == CURLE_OK && pip)
			snprintf(ip, sizeof(ip), "%s", pip);
		if (ip[0])
			SSTP_STATUS_SET(s->st.server_addr, ip);
		sstp_dbg("proxy %s:%u: tunnel to %s:%u open", s->proxy_host, s->proxy_port,
			 s->cfg.server, s->cfg.port);
		return 1;
	}
	/* 407 is the proxy's own; some (tinyproxy) answer wrong Basic credentials with 401 */
	if (code == 407 || code == 401) {
		if (!s->proxy_user[0])
			sess_fail(s, SSTP_EXIT_AUTH, "proxy wants authentication: use --proxy-user and "
				  "--proxy-password-file (HTTP %ld from %s:%u)", code, s->proxy_host,
				  s->proxy_port);
		else
			sess_fail(s, SSTP_EXIT_AUTH, "proxy %s:%u refused the credentials for %s "
				  "(HTTP %ld)", s->proxy_host, s->proxy_port, s->proxy_user, code);
		return 0;
	}
	if (code >= 100 && (code < 200 || code >= 300)) {
		if (s->proxy_status[0])
			sess_fail(s, SSTP_EXIT_UNREACHABLE, "proxy %s:%u refused the tunnel to %s:%u: "
				  "%s", s->proxy_host, s->proxy_port, s->cfg.server, s->cfg.port,
				  s->proxy_status);
		else
			sess_fail(s, SSTP_EXIT_UNREACHABLE, "proxy %s:%u refused the tunnel to %s:%u: "
				  "HTTP %ld", s->proxy_host, s->proxy_port, s->cfg.server,
				  s->cfg.port, code);
		return 0;
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
		sess_fail(s, SSTP_EXIT_UNREACHABLE, "cannot resolve the proxy %s: %s", s->proxy_host,
			  why);
		break;
	case CURLE_COULDNT_CONNECT:
		sess_fail(s, SSTP_EXIT_UNREACHABLE, "cannot connect to proxy %s port %u: %s",
			  s->proxy_host, s->proxy_port, why);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		sess_fail(s, SSTP_EXIT_TIMEOUT, "proxy %s:%u: %s", s->proxy_host, s->proxy_port,
			  why);
		break;
	default:
		sess_fail(s, SSTP_EXIT_UNREACHABLE, "proxy %s:%u did not open a tunnel to %s:%u: %s",
			  s->proxy_host, s->proxy_port, s->cfg.server, s->cfg.port, why);
		break;
	}
	return 0;
}

int sess_proxy_drive(struct sstp_session *s, uint64_t now)
{
	int running = 0, left = 0;
	CURLMsg *m;

	if (!s->proxy_multi || s->proxy_handed >= 0)
		return 0;
	if (s->sock_readable || s->sock_writable) {
		int fds[SESS_PROXY_MAX_FDS], n = s->n_proxy_fds;

		s->sock_readable = s->sock_writable = false;
		memcpy(fds, s->proxy_fds, sizeof(fds));
		/* the loop does not say which socket: curl checks each itself (mask 0) */
		for (int i = 0; i < n; i++)
			s->curl->multi_socket_action(s->proxy_multi, (curl_socket_t)(intptr_t)fds[i], 0,
						 &running);
	}
	if (now >= s->proxy_timer) {
		s->proxy_timer = UINT64_MAX;
		s->curl->multi_socket_action(s->proxy_multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	while ((m = s->curl->multi_info_read(s->proxy_multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE)
			return finish(s, m->data.result);
	return 0;
}

void sess_proxy_close(struct sstp_session *s)
{
	if (!s->curl)
		return; /* no proxy was ever used */
	for (int i = 0; i < s->n_proxy_fds; i++)
		if (s->loop)
			plat_loop_unwatch(s->loop, s->proxy_fds[i]);
	s->n_proxy_fds = 0;
	if (s->proxy_multi && s->proxy_easy)
		s->curl->multi_remove_handle(s->proxy_multi, s->proxy_easy);
	if (s->proxy_easy)
		s->curl->easy_cleanup(s->proxy_easy);
	if (s->proxy_multi)
		s->curl->multi_cleanup(s->proxy_multi);
	s->curl->slist_free_all(s->proxy_hdrs);
	s->proxy_hdrs = NULL;
	s->proxy_easy = NULL;
	s->proxy_multi = NULL;
	s->n_proxy_fds = 0;
	s->proxy_handed = -1;
	s->proxy_timer = UINT64_MAX;
	memset(s->proxy_errbuf, 0, sizeof(s->proxy_errbuf));
}
