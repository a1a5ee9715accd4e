/* session.c - the session's life: the event loop (wait on socket, TUN, control socket, resolver
 * and signals until the earliest engine or phase deadline), the phase timeouts, the mapping of
 * every failure to one exit code and sentence, clean teardown, and reconnect with backoff. */
#include "session_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"
#include "plat_paths.h"
#include "plat_proc.h"

#define BACKOFF_FIRST_MS 1000u
#define BACKOFF_MAX_MS 60000u

void sstp_session_cfg_init(struct sstp_session_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 443;
	cfg->test_plain_fd = -1;
}

struct sstp_session *sstp_session_new(const struct sstp_session_cfg *cfg, struct plat_net *net,
				      const struct sstp_session_hooks *hooks, char *err,
				      size_t errlen)
{
	struct sstp_session *s;

	if (!cfg || !cfg->name || !cfg->name[0] || !net ||
	    (cfg->test_plain_fd < 0 && (!cfg->server || !cfg->server[0]))) {
		snprintf(err, errlen, "session needs a name, a server and a network handle");
		return NULL;
	}
	if (cfg->kill_switch && (!cfg->full_tunnel || cfg->no_routes || cfg->proxy || cfg->script ||
				 cfg->report_only)) {
		snprintf(err, errlen, "the kill switch needs a full tunnel that sstp routes itself, "
			 "straight to the gateway (no proxy, no script)");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	if (!s->cfg.port)
		s->cfg.port = 443;
	if (hooks)
		s->hooks = *hooks;
	s->net = net;
	s->ctl_fd = -1;
	s->sock = -1;
	s->plain_fd = cfg->test_plain_fd;
	for (int i = 0; i < SESS_MAX_CTL; i++)
		s->ctl[i].fd = -1;
	s->phase_deadline = UINT64_MAX;
	s->backoff_ms = BACKOFF_FIRST_MS;
	if (sstp_session_ctl_path(cfg->state_dir, cfg->name, s->ctl_path, sizeof(s->ctl_path)) < 0) {
		snprintf(err, errlen, "state directory path too long");
		free(s);
		return NULL;
	}
	SSTP_STATUS_SET(s->st.name, cfg->name);
	SSTP_STATUS_SET(s->st.server, cfg->server ? cfg->server : "test");
	s->st.port = s->cfg.port;
	s->st.pid = (uint32_t)plat_getpid();
	s->state = SSTP_STATE_IDLE;
	return s;
}

void sstp_session_free(struct sstp_session *s)
{
	if (!s)
		return;
	sess_link_close(s);
	sess_conn_close(s);
	sess_ctl_close(s);
	sess_wake_close(s);
	plat_loop_free(s->loop);
	memset(s, 0, sizeof(*s));
	free(s);
}

const char *sstp_session_error(const struct sstp_session *s)
{
	return s->err;
}

const char *sstp_session_ifname(const struct sstp_session *s)
{
	return s->st.ifname;
}

void sstp_session_status(const struct sstp_session *s, struct sstp_conn_status *out)
{
	*out = s->st;
	out->state = s->state;
	out->uptime_s = s->state == SSTP_STATE_CONNECTED && s->up_since
				? (plat_now_ms() - s->up_since) / 1000u : 0;
}

int sstp_session_watch_child(struct sstp_session *s, int pid)
{
	for (int i = 0; i < SESS_MAX_CHILDREN; i++) {
		if (s->children[i] <= 0) {
			s->children[i] = pid;
			return 0;
		}
	}
	return -1;
}

static const char *phase_what(const struct sstp_session *s, enum sstp_conn_state st, char *buf,
			      size_t len)
{
	switch (st) {
	case SSTP_STATE_RESOLVING: snprintf(buf, len, "the address of %s", s->cfg.server); break;
	case SSTP_STATE_CONNECTING:
		if (s->proxy_host[0])
			snprintf(buf, len, "the proxy %s port %u to open a tunnel to %s port %u",
				 s->proxy_host, s->proxy_port, s->cfg.server, s->cfg.port);
		else
			snprintf(buf, len, "the TCP connection to %s port %u", s->cfg.server,
				 s->cfg.port);
		break;
	case SSTP_STATE_TLS: snprintf(buf, len, "the TLS handshake with %s", s->cfg.server); break;
	case SSTP_STATE_HTTP: snprintf(buf, len, "the HTTP answer of %s", s->cfg.server); break;
	case SSTP_STATE_SSTP: snprintf(buf, len, "the SSTP call to be accepted"); break;
	case SSTP_STATE_PPP: snprintf(buf, len, "PPP link negotiation (LCP)"); break;
	case SSTP_STATE_AUTH: snprintf(buf, len, "authentication"); break;
	case SSTP_STATE_NETWORK: snprintf(buf, len, "an IP address (IPCP)"); break;
	case SSTP_STATE_CONFIGURING: snprintf(buf, len, "the network set-up"); break;
	default: snprintf(buf, len, "the connection"); break;
	}
	return buf;
}

uint64_t sess_phase_budget(const struct sstp_session *s, enum sstp_conn_state st)
{
	if (s->cfg.phase_timeout_ms)
		return s->cfg.phase_timeout_ms;
	switch (st) {
	case SSTP_STATE_RESOLVING: return 10000;
	case SSTP_STATE_CONNECTING: return 10000;
	case SSTP_STATE_TLS: return 15000;
	case SSTP_STATE_HTTP: return 15000;
	case SSTP_STATE_SSTP: return 20000;
	case SSTP_STATE_PPP: return 20000;
	case SSTP_STATE_AUTH: return 30000;
	case SSTP_STATE_NETWORK: return 20000;
	case SSTP_STATE_CONFIGURING: return 15000;
	default: return 0;
	}
}

void sess_set_state(struct sstp_session *s, enum sstp_conn_state st, uint64_t now)
{
	uint64_t budget = sess_phase_budget(s, st);

	if (s->state == st)
		return;
	sstp_dbg("state %s -> %s", sstp_state_name(s->state), sstp_state_name(st));
	s->state = st;
	s->st.state = st;
	s->phase_deadline = budget ? now + budget : UINT64_MAX;
	sess_ctl_event(s);
}

void sess_fail(struct sstp_session *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (s->stopping)
		return; /* the first failure is the one reported */
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	sstp_log_redact(s->err, sizeof(s->err));
	s->exit_code = code;
	s->stopping = true;
	s->teardown_deadline = plat_now_ms() + SESS_TEARDOWN_MS;
	if (code) {
		SSTP_STATUS_SET(s->st.last_error, s->err);
		s->st.last_exit = code;
		sstp_dbg("failed (exit %d): %s", code, s->err);
	}
}

static bool retryable(int code);

void sstp_session_stop(struct sstp_session *s, int code, const char *why)
{
	if (s->stopping && s->stop_requested)
		return;
	if (s->stopping) { /* already tearing down after a failure: make it final */
		s->stop_requested = true;
		/* a failure this session would have retried was not its end: the user's disconnect
		 * is, and it went as asked */
		if (code == 0 && retryable(s->exit_code) &&
		    ((s->ever_up && s->cfg.reconnect) || (!s->ever_up && s->cfg.wait))) {
			s->exit_code = 0;
			snprintf(s->err, sizeof(s->err), "%s", why ? why : "disconnected");
		}
		return;
	}
	s->stop_requested = true;
	sess_fail(s, code, "%s", why ? why : "disconnected");
}

void sess_tunnel_up(struct sstp_session *s, uint64_t now)
{
	int rc;

	s->up_since = now;
	s->backoff_ms = BACKOFF_FIRST_MS;
	if (s->ever_up)
		s->st.reconnects++;
	s->ever_up = true;
	s->phase_deadline = UINT64_MAX;
	sess_set_state(s, SSTP_STATE_CONNECTED, now);
	sess_wake_target(s); /* the path to the gateway as it is now is the good one */
	sstp_info("connected to %s: %s on %s%s%s", s->cfg.server, s->st.ipv4_local, s->st.ifname,
		  s->st.reconnects ? " (reconnect " : "",
		  s->st.reconnects ? "done)" : "");
	sess_hook_up(s);
	if (s->hooks.up && (rc = s->hooks.up(s->hooks.ctx, s)) != 0)
		sstp_session_stop(s, rc, NULL);
}

static bool retryable(int code)
{
	return code == SSTP_EXIT_TIMEOUT || code == SSTP_EXIT_UNREACHABLE ||
	       code == SSTP_EXIT_NEGOTIATION || code == SSTP_EXIT_PEER_DEAD;
}

static void start_attempt(struct sstp_session *s, uint64_t now)
{
	s->stopping = false;
	s->transport_dead = false;
	s->lcp_closing = false;
	s->sstp_disconnecting = false;
	s->exit_code = 0;
	s->err[0] = '\0';
	if (sess_conn_start(s, now) < 0 && !s->stopping)
		sess_fail(s, SSTP_EXIT_ERROR, "cannot start the connection");
}

/* The attempt is over (torn down): reconnect, or finish. */
static void end_attempt(struct sstp_session *s, uint64_t now)
{
	uint32_t cap = s->cfg.backoff_max_ms ? s->cfg.backoff_max_ms : BACKOFF_MAX_MS;
	uint32_t delay;
	bool again;

	sess_link_close(s);
	sess_conn_close(s);
	s->up_since = 0;
	again = !s->stop_requested && retryable(s->exit_code) &&
		((s->ever_up && s->cfg.reconnect) || (!s->ever_up && s->cfg.wait));
	if (again && !s->ever_up && s->cfg.timeout_ms &&
	    now + s->backoff_ms >= s->start_ms + s->cfg.timeout_ms) {
		char last[sizeof(s->err)];

		memcpy(last, s->err, sizeof(last));
		snprintf(s->err, sizeof(s->err), "no tunnel within %u s; last attempt: %.240s",
			 s->cfg.timeout_ms / 1000u, last);
		s->exit_code = SSTP_EXIT_TIMEOUT;
		again = false;
	}
	if (!again || !s->ever_up)
		sess_net_undo(s); /* kept only for a reconnect of a tunnel that was up */
	else
		sess_net_keep(s);
	if (!again) {
		sess_set_state(s, SSTP_STATE_DISCONNECTED, now);
		s->finished = true;
		return;
	}
	/* a drop right after a path change or a resume reconnects at once (session_wake.c) */
	delay = sess_wake_retry_delay(s->backoff_ms, s->wake_at, now);
	s->wake_at = 0;
	sstp_warn("%s; trying again in %u s", s->err, delay / 1000u);
	if (s->hooks.retry)
		s->hooks.retry(s->hooks.ctx, s, s->exit_code, s->err, delay);
	s->stopping = false; /* a stop request now ends the wait (see step) */
	s->retry_at = now + delay;
	s->backoff_ms = s->backoff_ms * 2 > cap ? cap : s->backoff_ms * 2;
	sess_set_state(s, SSTP_STATE_RECONNECTING, now);
	s->phase_deadline = UINT64_MAX;
}

static void check_timeouts(struct sstp_session *s, uint64_t now)
{
	char what[640];

	if (s->stopping)
		return;
	if (!s->ever_up && s->cfg.timeout_ms && s->state != SSTP_STATE_RECONNECTING &&
	    now >= s->start_ms + s->cfg.timeout_ms) {
		sess_fail(s, SSTP_EXIT_TIMEOUT, "no tunnel within %u s (still waiting for %s)",
			  s->cfg.timeout_ms / 1000u, phase_what(s, s->state, what, sizeof(what)));
		return;
	}
	if (now >= s->phase_deadline) {
		uint64_t b = sess_phase_budget(s, s->state);

		sess_fail(s, SSTP_EXIT_TIMEOUT, "timed out after %u %s waiting for %s",
			  (unsigned)(b % 1000u ? b : b / 1000u), b % 1000u ? "ms" : "s",
			  phase_what(s, s->state, what, sizeof(what)));
	}
}

static void reap_children(struct sstp_session *s)
{
	for (int i = 0; i < SESS_MAX_CHILDREN; i++) {
		int code = 0, pid = s->children[i];

		if (pid <= 0 || plat_reap(pid, &code) != 1)
			continue;
		s->children[i] = 0;
		if (s->hooks.child_exit) {
			int rc = s->hooks.child_exit(s->hooks.ctx, s, pid, code);

			if (rc >= 0)
				sstp_session_stop(s, rc, rc ? s->err[0] ? s->err : "stopped" : "done");
		}
	}
}

static void handle_signals(struct sstp_session *s)
{
	enum plat_signal sig;

	while ((sig = plat_loop_next_signal(s->loop)) != PLAT_SIG_NONE) {
		if (sig == PLAT_SIG_CHLD) {
			reap_children(s);
			continue;
		}
		sstp_info("%s: disconnecting", sig == PLAT_SIG_INT ? "interrupted" :
			  sig == PLAT_SIG_TERM ? "terminated" : "hang-up");
		if (s->ever_up || s->state == SSTP_STATE_RECONNECTING)
			sstp_session_stop(s, 0, "disconnected by signal");
		else
			sstp_session_stop(s, SSTP_EXIT_ERROR, "interrupted before the tunnel was up");
	}
}

static void step(struct sstp_session *s, uint64_t now)
{
	if (s->state == SSTP_STATE_RECONNECTING) {
		if (s->stop_requested) {
			sess_net_undo(s); /* the tunnel kept for the reconnect goes now */
			s->finished = true;
			sess_set_state(s, SSTP_STATE_DISCONNECTED, now);
		} else if (now >= s->retry_at) {
			start_attempt(s, now);
		}
		return;
	}
	if (!s->stopping)
		check_timeouts(s, now);
	if (s->state >= SSTP_STATE_RESOLVING && s->state <= SSTP_STATE_HTTP)
		sess_conn_drive(s, now);
	if (s->state >= SSTP_STATE_SSTP && s->state <= SSTP_STATE_DISCONNECTING)
		sess_link_drive(s, now);
	if (s->stopping) {
		if (s->state != SSTP_STATE_DISCONNECTING && s->state != SSTP_STATE_DISCONNECTED)
			sess_set_state(s, SSTP_STATE_DISCONNECTING, now);
		if (sess_link_teardown(s, now))
			end_attempt(s, now);
	}
}

static int64_t next_timeout(struct sstp_session *s, uint64_t now)
{
	uint64_t d = UINT64_MAX;

	if (s->state == SSTP_STATE_RECONNECTING)
		d = s->retry_at;
	else {
		d = s->phase_deadline;
		if (sess_proxy_deadline(s) < d)
			d = sess_proxy_deadline(s); /* curl's timer while it opens the proxy tunnel */
		if (!s->ever_up && s->cfg.timeout_ms && s->start_ms + s->cfg.timeout_ms < d)
			d = s->start_ms + s->cfg.timeout_ms;
		if (s->stopping && s->teardown_deadline < d)
			d = s->teardown_deadline;
		if (s->stopping && s->lcp_closing && s->lcp_term_deadline < d)
			d = s->lcp_term_deadline;
		if (s->state >= SSTP_STATE_SSTP) {
			uint64_t l = sess_link_deadline(s);

			if (l < d)
				d = l;
		}
		if (sess_xport_pending(s) > 0)
			return 0; /* decrypted bytes wait in the TLS layer: never poll before draining */
		if (!s->transport_dead && (s->sock_readable || s->sock_writable))
			return 0; /* work a phase left for the next round (e.g. the first handshake step) */
		if (s->tun_readable && sess_link_wants_tun(s))
			return 0;
	}
	if (d == UINT64_MAX)
		return -1;
	return d <= now ? 0 : (int64_t)(d - now);
}

static void update_watches(struct sstp_session *s)
{
	int fd = sess_xport_fd(s);
	unsigned ev = 0;

	if (fd >= 0) {
		ev = PLAT_EV_READ;
		if (s->want_write)
			ev |= PLAT_EV_WRITE;
		if (s->transport_dead)
			ev = 0;
		plat_loop_watch(s->loop, fd, ev, (void *)(uintptr_t)TAG_SOCK);
	}
	fd = plat_net_tun_fd(s->net);
	if (fd >= 0)
		plat_loop_watch(s->loop, fd, sess_link_wants_tun(s) ? PLAT_EV_READ : 0,
				(void *)(uintptr_t)TAG_TUN);
}

int sstp_session_run(struct sstp_session *s)
{
	struct plat_loop_event evs[16];
	int r;

	s->loop = plat_loop_new();
	if (!s->loop || plat_loop_catch_signals(s->loop, (void *)(uintptr_t)TAG_SIGNAL) < 0) {
		snprintf(s->err, sizeof(s->err), "cannot set up the event loop: %s", strerror(errno));
		return SSTP_EXIT_ERROR;
	}
	if ((r = sess_ctl_open(s)) != 0)
		return r;
	sess_wake_open(s);
	if (s->hooks.started && (r = s->hooks.started(s->hooks.ctx, s)) != 0)
		return r;
	sess_script_pre_init(s);
	s->start_ms = plat_now_ms();
	start_attempt(s, s->start_ms);
	while (!s->finished) {
		uint64_t now = plat_now_ms();
		int n;

		sess_wake_turn(s, now);
		step(s, now);
		if (s->finished)
			break;
		update_watches(s);
		n = plat_loop_wait(s->loop, sess_wake_cap(s, next_timeout(s, plat_now_ms())), evs, 16);
		if (n < 0) {
			sess_fail(s, SSTP_EXIT_ERROR, "event loop failed: %s", strerror(errno));
			continue;
		}
		for (int i = 0; i < n; i++) {
			uintptr_t tag = (uintptr_t)evs[i].tag;

			switch (tag) {
			case TAG_SIGNAL: handle_signals(s); break;
			case TAG_SOCK:
				if (evs[i].events & (PLAT_EV_READ | PLAT_EV_ERROR))
					s->sock_readable = true;
				if (evs[i].events & (PLAT_EV_WRITE | PLAT_EV_ERROR))
					s->sock_writable = true;
				break;
			case TAG_TUN: s->tun_readable = true; break;
			case TAG_RESOLVER: break; /* sess_conn_drive looks at the result */
			case TAG_CTL_LISTEN: sess_ctl_accept(s); break;
			default:
				if (tag >= TAG_CTL0 && tag < TAG_CTL0 + SESS_MAX_CTL)
					sess_ctl_input(s, (int)(tag - TAG_CTL0));
				else if (tag == TAG_PATHMON || tag == TAG_SLEEPMON)
					sess_wake_input(s, tag, plat_now_ms());
				break;
			}
		}
	}
	/* children outlive nothing */
	for (int i = 0; i < SESS_MAX_CHILDREN; i++) {
		int code;

		if (s->children[i] <= 0)
			continue;
		plat_terminate(s->children[i], false);
		for (int k = 0; k < 20 && plat_reap(s->children[i], &code) == 0; k++)
			plat_loop_wait(s->loop, 50, evs, 1);
		if (plat_reap(s->children[i], &code) == 0) {
			plat_terminate(s->children[i], true);
			plat_loop_wait(s->loop, 50, evs, 1);
			plat_reap(s->children[i], &code);
		}
		s->children[i] = 0;
	}
	sess_ctl_close(s);
	sess_wake_close(s);
	return s->exit_code;
}
