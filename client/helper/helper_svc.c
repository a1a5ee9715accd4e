/* helper_svc.c - `sstp helper`: options, start-up (root check, group, journal replay, socket
 * with its owner and mode, readiness notification), the event loop, and the clients of the
 * control socket: peer check, bounded input, queued output, idle timeout. Requests are handled
 * in helper_req.c, session children in helper_sess.c. */
#include "helper_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_status.h"
#include "exit_codes.h"
#include "log.h"
#include "plat_net.h"
#include "plat_paths.h"
#include "plat_proc.h"
#include "plat_svc.h"

void sstp_helper_cfg_init(struct sstp_helper_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->socket_path = plat_default_control_path();
	cfg->state_dir = plat_default_state_dir();
	cfg->group = SSTP_HELPER_DEFAULT_GROUP;
	cfg->socket_mode = 0660;
	cfg->session_exe = plat_self_exe();
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sstp helper [options]\n"
		"       sstp helper install [--start auto|demand] [options]   (Windows service)\n"
		"       sstp helper uninstall\n"
		"Privileged background service: lets members of a group connect the profiles of\n"
		"the system profile directory without being root (sstp-helper.service runs it).\n"
		"  --socket PATH        control socket (default %s)\n"
		"  --state-dir DIR      sessions' sockets and journals (default %s)\n"
		"  --group NAME         group whose members may use it (default %s)\n"
		"  --socket-mode OCTAL  mode of the control socket (default 0660)\n"
		"  --session-exe PATH   sstp binary the sessions run (default: this one)\n"
		"  --no-cleanup         do not replay dead sessions' journals at start\n"
		"  -v, -q               more / less logging\n",
		plat_default_control_path(), plat_default_state_dir(), SSTP_HELPER_DEFAULT_GROUP);
}

int sstp_helper_parse_args(int argc, char **argv, struct sstp_helper_cfg *cfg, char *err,
			   size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char *eq = strchr(a, '=');
		char name[32];
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);

		if (nl >= sizeof(name)) {
			snprintf(err, errlen, "sstp helper: unknown option '%.40s'", a);
			return SSTP_EXIT_USAGE;
		}
		memcpy(name, a, nl);
		name[nl] = '\0';
		if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(name, "-v") || !strcmp(name, "--verbose")) {
			cfg->verbosity = cfg->verbosity < 0 ? 1 : cfg->verbosity + 1;
			continue;
		}
		if (!strcmp(name, "-vv")) {
			cfg->verbosity = 2;
			continue;
		}
		if (!strcmp(name, "-q") || !strcmp(name, "--quiet")) {
			cfg->verbosity = -1;
			continue;
		}
		if (!strcmp(name, "--no-cleanup")) {
			cfg->no_cleanup = true;
			continue;
		}
		if (strcmp(name, "--socket") && strcmp(name, "--state-dir") &&
		    strcmp(name, "--group") && strcmp(name, "--socket-mode") &&
		    strcmp(name, "--session-exe")) {
			snprintf(err, errlen, "sstp helper: unknown option '%.40s'", a);
			return SSTP_EXIT_USAGE;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val || !val[0]) {
			snprintf(err, errlen, "sstp helper: %s needs a value", name);
			return SSTP_EXIT_USAGE;
		}
		if (!strcmp(name, "--socket-mode")) {
			char *end = NULL;
			unsigned long m;

			errno = 0;
			m = strtoul(val, &end, 8);
			if (errno || !end || *end || m > 0777) {
				snprintf(err, errlen, "sstp helper: --socket-mode needs an octal mode "
					 "such as 0660, not '%.20s'", val);
				return SSTP_EXIT_USAGE;
			}
			cfg->socket_mode = (unsigned)m;
			continue;
		}
		if (!plat_path_is_absolute(val) && strcmp(name, "--group") != 0) {
			snprintf(err, errlen, "sstp helper: %s needs an absolute path", name);
			return SSTP_EXIT_USAGE;
		}
		if (!strcmp(name, "--socket"))
			cfg->socket_path = val;
		else if (!strcmp(name, "--state-dir"))
			cfg->state_dir = val;
		else if (!strcmp(name, "--group"))
			cfg->group = val;
		else
			cfg->session_exe = val;
	}
	return 0;
}

/* ---- clients -------------------------------------------------------------------------------- */

static void client_watch(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];
	unsigned ev = 0;

	/* one request at a time: stop reading while one is in progress */
	if (c->pend == PEND_NONE && !c->close_after_flush)
		ev |= PLAT_EV_READ;
	if (c->out_len)
		ev |= PLAT_EV_WRITE;
	plat_loop_watch(h->loop, c->fd, ev, HELPER_TAG(HT_CLIENT, ci));
}

static void client_close(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];

	if (c->fd < 0)
		return;
	plat_loop_unwatch(h->loop, c->fd);
	plat_ctl_close(c->fd);
	if (c->up_fd >= 0) {
		plat_loop_unwatch(h->loop, c->up_fd);
		plat_ctl_close(c->up_fd);
	}
	free(c->out);
	helper_sess_forget_client(h, ci);
	sstp_dbg("client %s left", c->who);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->up_fd = -1;
}

static void client_flush(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];
	ssize_t n;

	if (c->out_len) {
		n = plat_ctl_send(c->fd, c->out, c->out_len, 0);
		if (n < 0) {
			client_close(h, ci);
			return;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	if (!c->out_len && c->close_after_flush) {
		client_close(h, ci);
		return;
	}
	client_watch(h, ci);
}

void helper_send(struct sstp_helper *h, int ci, const uint8_t *frame, long len)
{
	struct helper_client *c = &h->cl[ci];

	if (c->fd < 0 || len <= 0)
		return;
	if (c->out_len + (size_t)len > HELPER_OUT_MAX) {
		sstp_warn("client %s does not read its replies: dropped", c->who);
		client_close(h, ci);
		return;
	}
	if (c->out_len + (size_t)len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 8192;
		uint8_t *p;

		while (cap < c->out_len + (size_t)len)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			client_close(h, ci);
			return;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, frame, (size_t)len);
	c->out_len += (size_t)len;
	client_flush(h, ci);
}

void helper_send_error(struct sstp_helper *h, int ci, uint32_t id, int code, const char *msg)
{
	uint8_t buf[1024];

	helper_send(h, ci, buf, sstp_helper_error_frame(buf, sizeof(buf), id, code, msg));
}

void helper_send_ok(struct sstp_helper *h, int ci, uint32_t id, const char *msg)
{
	uint8_t buf[1024];

	helper_send(h, ci, buf, sstp_helper_ok_frame(buf, sizeof(buf), id, msg));
}

void helper_broadcast(struct sstp_helper *h, const struct sstp_conn_status *st)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_writer w;
	long len;

	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_EVENT, 0);
	sstp_ctl_put_status(&w, st);
	len = sstp_ctl_finish(&w);
	for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++)
		if (h->cl[ci].fd >= 0 && h->cl[ci].subscribed && helper_may_see(h, ci, st->name))
			helper_send(h, ci, buf, len);
}

void helper_pend_done(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];

	if (c->up_fd >= 0) {
		plat_loop_unwatch(h->loop, c->up_fd);
		plat_ctl_close(c->up_fd);
		c->up_fd = -1;
	}
	c->up_rb.len = 0;
	c->pend = PEND_NONE;
	c->pend_deadline = UINT64_MAX;
	c->idle_deadline = plat_now_ms() + HELPER_IDLE_MS;
	if (c->fd >= 0)
		client_watch(h, ci);
}

static bool authorized(struct sstp_helper *h, const struct plat_ctl_peer *p)
{
	if (p->uid == 0)
		return true;
	return h->have_group && plat_uid_in_group(p->uid, h->gid) == 1;
}

static void on_accept(struct sstp_helper *h)
{
	for (int k = 0; k < 16; k++) {
		struct plat_ctl_peer peer;
		char user[48];
		int fd = plat_ctl_accept(h->listen_fd, &peer), ci;

		if (fd < 0)
			return;
		plat_user_name(peer.uid, user, sizeof(user));
		if (!authorized(h, &peer)) {
			uint8_t buf[512];
			char msg[256];
			long len;

			snprintf(msg, sizeof(msg), "permission denied: %s is neither root nor a member of "
				 "group '%s'", user, h->cfg.group);
			sstp_warn("refused a control connection from %s (uid %u, pid %d): not root and "
				  "not in group '%s'", user, (unsigned)peer.uid, (int)peer.pid,
				  h->cfg.group);
			len = sstp_helper_error_frame(buf, sizeof(buf), 0, SSTP_EXIT_PERMISSION, msg);
			if (len > 0)
				plat_ctl_send(fd, buf, (size_t)len, 0);
			plat_ctl_close(fd);
			continue;
		}
		for (ci = 0; ci < HELPER_MAX_CLIENTS && h->cl[ci].fd >= 0; ci++)
			;
		if (ci == HELPER_MAX_CLIENTS) {
			sstp_warn("too many control clients: refused %s", user);
			plat_ctl_close(fd);
			continue;
		}
		struct helper_client *c = &h->cl[ci];

		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->up_fd = -1;
		c->peer = peer;
		snprintf(c->who, sizeof(c->who), "%.30s (uid %u, pid %d)", user, (unsigned)peer.uid,
			 (int)peer.pid);
		c->rb.buf = c->in;
		c->rb.cap = sizeof(c->in);
		c->up_rb.buf = c->up_in;
		c->up_rb.cap = sizeof(c->up_in);
		c->idle_deadline = plat_now_ms() + HELPER_IDLE_MS;
		c->pend_deadline = UINT64_MAX;
		sstp_dbg("client %s connected", c->who);
		client_watch(h, ci);
	}
}

/* Handle the frames buffered for a client, as long as no request is in progress. */
static void client_process(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];

	while (c->fd >= 0 && c->pend == PEND_NONE && !c->close_after_flush) {
		struct sstp_ctl_msg m;
		const char *why = NULL;
		long fl = sstp_ctl_rbuf_frame(&c->rb, &m, &why);

		if (fl == 0)
			return;
		if (fl < 0) {
			sstp_warn("client %s sent garbage (%s): dropped", c->who, why ? why : "?");
			helper_send_error(h, ci, 0, SSTP_EXIT_USAGE, why);
			if (h->cl[ci].fd >= 0) {
				c->close_after_flush = true;
				client_flush(h, ci);
			}
			return;
		}
		c->idle_deadline = plat_now_ms() + HELPER_IDLE_MS;
		helper_handle_request(h, ci, &m);
		if (c->fd < 0)
			return;
		sstp_ctl_rbuf_consume(&c->rb, (size_t)fl);
		client_watch(h, ci); /* no reading while a request is in progress */
	}
}

static void client_input(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];
	size_t room;
	uint8_t *tail = sstp_ctl_rbuf_tail(&c->rb, &room);
	ssize_t n;

	if (room == 0) {
		client_process(h, ci);
		return;
	}
	n = plat_ctl_recv(c->fd, tail, room, 0);
	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		client_close(h, ci);
		return;
	}
	sstp_ctl_rbuf_commit(&c->rb, (size_t)n);
	client_process(h, ci);
}

static void on_client(struct sstp_helper *h, int ci, unsigned events)
{
	struct helper_client *c = &h->cl[ci];

	if (c->fd < 0)
		return;
	if (events & PLAT_EV_WRITE) {
		client_flush(h, ci);
		if (h->cl[ci].fd < 0)
			return;
	}
	if (events & (PLAT_EV_READ | PLAT_EV_ERROR))
		client_input(h, ci);
}

/* ---- the loop ------------------------------------------------------------------------------- */

static uint64_t next_deadline(struct sstp_helper *h)
{
	uint64_t d = helper_sess_deadline(h);

	for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++) {
		const struct helper_client *c = &h->cl[ci];

		if (c->fd < 0)
			continue;
		if (c->pend_deadline < d)
			d = c->pend_deadline;
		if (c->pend == PEND_NONE && !c->subscribed && c->idle_deadline < d)
			d = c->idle_deadline;
	}
	if (h->stopping && h->stop_deadline < d)
		d = h->stop_deadline;
	return d;
}

static void on_timers(struct sstp_helper *h, uint64_t now)
{
	helper_sess_tick(h, now);
	for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++) {
		struct helper_client *c = &h->cl[ci];

		if (c->fd < 0)
			continue;
		if (c->pend != PEND_NONE && now >= c->pend_deadline) {
			helper_send_error(h, ci, c->pend_id, SSTP_EXIT_TIMEOUT,
					  "the session did not answer in time");
			if (h->cl[ci].fd >= 0)
				helper_pend_done(h, ci);
		} else if (c->pend == PEND_NONE && !c->subscribed && now >= c->idle_deadline) {
			client_close(h, ci);
		}
	}
}

static int alive_children(const struct sstp_helper *h)
{
	int n = 0;

	for (int si = 0; si < HELPER_MAX_SESSIONS; si++)
		n += helper_sess_alive(&h->ss[si]);
	return n;
}

static void begin_shutdown(struct sstp_helper *h, const char *why)
{
	if (h->stopping)
		return;
	sstp_info("%s: stopping (%d session%s to disconnect)", why, alive_children(h),
		  alive_children(h) == 1 ? "" : "s");
	plat_svc_notify("STOPPING=1");
	h->stopping = true;
	h->stop_deadline = plat_now_ms() + HELPER_SHUTDOWN_MS;
	if (h->listen_fd >= 0) {
		plat_loop_unwatch(h->loop, h->listen_fd);
		plat_ctl_close(h->listen_fd);
		plat_ctl_unlink(h->cfg.socket_path);
		h->listen_fd = -1;
	}
	for (int si = 0; si < HELPER_MAX_SESSIONS; si++)
		helper_sess_stop(h, si);
}

static void on_signals(struct sstp_helper *h)
{
	enum plat_signal sig;

	while ((sig = plat_loop_next_signal(h->loop)) != PLAT_SIG_NONE) {
		if (sig == PLAT_SIG_CHLD)
			helper_sess_reap(h);
		else if (sig == PLAT_SIG_HUP)
			sstp_info("SIGHUP ignored (nothing to reload: profiles are read at connect)");
		else
			begin_shutdown(h, sig == PLAT_SIG_INT ? "SIGINT" : "SIGTERM");
	}
}

static void dispatch(struct sstp_helper *h, const struct plat_loop_event *ev)
{
	uintptr_t t = (uintptr_t)ev->tag;
	int kind = (int)(t >> 16), idx = (int)(t & 0xffff);

	switch (kind) {
	case HT_SIGNAL: on_signals(h); break;
	case HT_LISTEN: on_accept(h); break;
	case HT_CLIENT: on_client(h, idx, ev->events); break;
	case HT_UPSTREAM: helper_relay_input(h, idx); break;
	case HT_SESS_OUT: helper_sess_on_output(h, idx); break;
	case HT_SESS_CTL: helper_sess_on_ctl(h, idx); break;
	default: break;
	}
}

static int open_socket(struct sstp_helper *h)
{
	const char *path = h->cfg.socket_path;
	const char *slash = strrchr(path, '/');
	char dir[256];
	int fd, r;

	/* the directory of the socket must let the group through; it is only changed when it is
	 * the state directory (ours), never an arbitrary directory such as /tmp */
	if (slash && (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (dir[0] && strcmp(dir, h->cfg.state_dir) == 0 &&
		    (r = plat_svc_prepare_dir(dir, h->have_group ? h->gid : UINT32_MAX,
					      h->have_group ? 0750 : 0700)) < 0) {
			sstp_err("cannot prepare %s: %s", dir, strerror(-r));
			return SSTP_EXIT_PERMISSION;
		}
	}
	fd = plat_ctl_listen(path);
	if (fd == -EADDRINUSE) {
		sstp_err("another helper already answers on %s", path);
		return SSTP_EXIT_ERROR;
	}
	if (fd < 0) {
		sstp_err("cannot listen on %s: %s", path, strerror(-fd));
		return fd == -EACCES || fd == -EPERM ? SSTP_EXIT_PERMISSION : SSTP_EXIT_ERROR;
	}
	r = plat_ctl_set_access(path, h->have_group ? h->gid : UINT32_MAX, h->cfg.socket_mode);
	if (r < 0) {
		sstp_err("cannot set the owner and mode of %s: %s", path, strerror(-r));
		plat_ctl_close(fd);
		plat_ctl_unlink(path);
		return SSTP_EXIT_ERROR;
	}
	h->listen_fd = fd;
	return 0;
}

static int helper_loop(struct sstp_helper *h)
{
	struct plat_loop_event evs[32];

	while (!h->stopping || (alive_children(h) && plat_now_ms() < h->stop_deadline)) {
		uint64_t now = plat_now_ms(), d = next_deadline(h);
		int64_t timeout = d == UINT64_MAX ? -1 : d > now ? (int64_t)(d - now) : 0;
		int n = plat_loop_wait(h->loop, timeout, evs, 32);

		if (n < 0) {
			sstp_err("event loop failed: %s", strerror(errno));
			return SSTP_EXIT_ERROR;
		}
		for (int i = 0; i < n; i++)
			dispatch(h, &evs[i]);
		on_timers(h, plat_now_ms());
		/* requests that arrived with an earlier one wait in the buffer until it is answered;
		 * taken here, not where the answer was sent, so that no handler runs inside another */
		for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++)
			if (h->cl[ci].fd >= 0 && h->cl[ci].pend == PEND_NONE && h->cl[ci].rb.len)
				client_process(h, ci);
	}
	return 0;
}

static void shutdown_children(struct sstp_helper *h)
{
	/* what did not end in time is killed; then its journal is replayed */
	for (int si = 0; si < HELPER_MAX_SESSIONS; si++)
		if (helper_sess_alive(&h->ss[si])) {
			sstp_warn("session %s did not stop in time: killing it", h->ss[si].name);
			plat_terminate_group(h->ss[si].pid, true);
		}
	for (int tries = 0; tries < 100 && alive_children(h); tries++) {
		helper_sess_reap(h);
		if (alive_children(h)) {
			struct plat_loop_event ev;

			plat_loop_wait(h->loop, 20, &ev, 1);
		}
	}
	for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++)
		client_close(h, ci);
	helper_cleanup_stale(h, NULL);
}

int sstp_helper_run(const struct sstp_helper_cfg *cfg)
{
	struct sstp_helper *h;
	int r;

	if (!plat_is_root()) {
		sstp_err("sstp helper must run as root (it configures network devices for its users)");
		return SSTP_EXIT_PERMISSION;
	}
	/* the children are `sstp connect` run as root: they must not come back to us */
	unsetenv("SSTP_USE_HELPER");
	plat_svc_notify_keep(); /* READY=1 comes from us, never from a session child */
	h = calloc(1, sizeof(*h));
	if (!h) {
		sstp_err("out of memory");
		return SSTP_EXIT_ERROR;
	}
	h->cfg = *cfg;
	h->listen_fd = -1;
	/* clients' receive buffers carry passwords and user profiles' keys: out of swap */
	plat_lock_secret(h->cl, sizeof(h->cl));
	for (int i = 0; i < HELPER_MAX_CLIENTS; i++) {
		h->cl[i].fd = -1;
		h->cl[i].up_fd = -1;
	}
	r = plat_group_gid(cfg->group, &h->gid);
	h->have_group = r == 0;
	if (r < 0)
		sstp_warn("group '%s' does not exist: only root can use the helper (create it with "
			  "'groupadd --system %s' and add the users who may connect)", cfg->group,
			  cfg->group);
	if (!cfg->no_cleanup)
		helper_cleanup_stale(h, NULL);
	h->loop = plat_loop_new();
	if (!h->loop || plat_loop_catch_signals(h->loop, HELPER_TAG(HT_SIGNAL, 0)) < 0) {
		sstp_err("cannot create the event loop: %s", strerror(errno));
		plat_loop_free(h->loop);
		free(h);
		return SSTP_EXIT_ERROR;
	}
	if ((r = open_socket(h)) != 0) {
		plat_loop_free(h->loop);
		free(h);
		return r;
	}
	plat_loop_watch(h->loop, h->listen_fd, PLAT_EV_READ, HELPER_TAG(HT_LISTEN, 0));
	sstp_info("listening on %s (group %s, mode %04o), sessions in %s", cfg->socket_path,
		  h->have_group ? cfg->group : "root only", cfg->socket_mode, cfg->state_dir);
	plat_svc_notify("READY=1\nSTATUS=listening");
	r = helper_loop(h);
	shutdown_children(h);
	if (h->listen_fd >= 0) {
		plat_ctl_close(h->listen_fd);
		plat_ctl_unlink(cfg->socket_path);
	}
	plat_loop_free(h->loop);
	free(h);
	sstp_info("stopped");
	return r;
}

int sstp_helper_main(int argc, char **argv)
{
	struct sstp_helper_cfg cfg;
	char err[256];
	int r;

	if (sstp_helper_verb(argc, argv, &r)) /* install, uninstall, --service */
		return r;
	sstp_helper_cfg_init(&cfg);
	r = sstp_helper_parse_args(argc, argv, &cfg, err, sizeof(err));
	if (r == 1)
		return 0;
	if (r) {
		fprintf(stderr, "%s\n", err);
		usage(stderr);
		return r;
	}
	sstp_log_init("sstp-helper", cfg.verbosity < 0 ? SSTP_LOG_WARN :
		      cfg.verbosity == 0 ? SSTP_LOG_INFO : cfg.verbosity == 1 ? SSTP_LOG_DEBUG :
		      SSTP_LOG_TRACE, SSTP_LOG_TO_STDERR);
	return sstp_helper_run(&cfg);
}
