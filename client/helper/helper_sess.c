/* helper_sess.c - the helper's session children: start `sstp connect NAME` as a child, log its
 * output, subscribe to its control socket and relay its events, stop it (DISCONNECT, SIGTERM,
 * SIGKILL), reap it, replay its journal if it died, and answer the clients waiting on it. */
#include "helper_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_path.h"
#include "ctl_status.h"
#include "exit_codes.h"
#include "helper_user.h"
#include "log.h"
#include "plat_net.h"
#include "plat_proc.h"
#include "plat_svc.h"

int helper_sess_find(const struct sstp_helper *h, const char *name)
{
	for (int i = 0; i < HELPER_MAX_SESSIONS; i++)
		if (h->ss[i].used && strcmp(h->ss[i].name, name) == 0)
			return i;
	return -1;
}

bool helper_sess_alive(const struct helper_sess *s)
{
	return s->used && s->pid > 0;
}

static void cleanup_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	sstp_log(level <= 0 ? SSTP_LOG_ERROR : level == 1 ? SSTP_LOG_WARN :
		 level == 2 ? SSTP_LOG_INFO : SSTP_LOG_DEBUG, "cleanup: %s", msg);
}

void helper_cleanup_stale(struct sstp_helper *h, const char *name)
{
	struct plat_net_config cfg;
	struct plat_cleanup_report rep;
	int r;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rep, 0, sizeof(rep));
	cfg.session = name;
	cfg.state_dir = h->cfg.state_dir;
	cfg.log = cleanup_log;
	r = plat_net_cleanup_stale(&cfg, &rep);
	if (rep.journals_replayed || rep.failed || r < 0)
		sstp_log(r < 0 || rep.failed ? SSTP_LOG_WARN : SSTP_LOG_INFO,
			 "restored the changes of %u dead session%s%s%s: %u undone, %u already gone, "
			 "%u skipped, %u failed%s%s", rep.journals_replayed,
			 rep.journals_replayed == 1 ? "" : "s", name ? " " : "", name ? name : "",
			 rep.undone, rep.already_gone, rep.skipped, rep.failed, r < 0 ? ": " : "",
			 r < 0 ? strerror(-r) : "");
}

static int free_slot(struct sstp_helper *h)
{
	int best = -1;

	for (int i = 0; i < HELPER_MAX_SESSIONS; i++) {
		struct helper_sess *s = &h->ss[i];

		if (!s->used)
			return i;
		/* a finished record nobody waits on: reuse the oldest */
		if (!helper_sess_alive(s) && !s->conn_waiters && !s->disc_waiters &&
		    (best < 0 || s->seq < h->ss[best].seq))
			best = i;
	}
	return best;
}

uint32_t helper_sess_owner(const struct sstp_helper *h, const char *name)
{
	int si = helper_sess_find(h, name);

	return si >= 0 ? h->ss[si].owner : 0;
}

bool helper_may_see(const struct sstp_helper *h, int ci, const char *name)
{
	uint32_t uid = h->cl[ci].peer.uid;

	return uid == 0 || helper_sess_owner(h, name) == uid;
}

int helper_sess_start(struct sstp_helper *h, const struct sstp_helper_req *req, uint32_t owner,
		      char *msg, size_t msglen)
{
	char *argv[SSTP_HELPER_ARGV_MAX];
	struct helper_sess *s;
	int si = helper_sess_find(h, req->profile), pid = 0, out_fd = -1, r;

	if (si >= 0 && helper_sess_alive(&h->ss[si])) {
		snprintf(msg, msglen, "%s is already running", req->profile);
		return -SSTP_EXIT_ERROR;
	}
	if (si < 0 && (si = free_slot(h)) < 0) {
		snprintf(msg, msglen, "the helper already runs %d sessions", HELPER_MAX_SESSIONS);
		return -SSTP_EXIT_ERROR;
	}
	char uid[16];
	int argc = sstp_helper_child_argv(req, h->cfg.session_exe, h->cfg.state_dir, argv,
					  SSTP_HELPER_ARGV_MAX - 2);

	if (argc < 0) {
		snprintf(msg, msglen, "internal error building the session command line");
		return -SSTP_EXIT_ERROR;
	}
	/* a user's own profile: the session parses the server's bytes as that user, root keeps
	 * only the network changes (cli_privsep.h) */
	if (req->profile_path && owner != 0) {
		snprintf(uid, sizeof(uid), "%u", (unsigned)owner);
		argv[argc++] = (char *)"--run-as";
		argv[argc++] = uid;
		argv[argc] = NULL;
	}
	if (req->has_password) {
		/* the password goes to the child's stdin (--password-stdin), as one line */
		char line[SSTP_HELPER_PASSWORD_MAX + 2];
		size_t n = strnlen(req->password, SSTP_HELPER_PASSWORD_MAX);

		memcpy(line, req->password, n);
		line[n] = '\n';
		r = plat_spawn_captured_input(argv, line, n + 1, &pid, &out_fd);
		sstp_helper_wipe(line, sizeof(line));
	} else {
		r = plat_spawn_captured(argv, &pid, &out_fd);
	}
	if (r < 0) {
		snprintf(msg, msglen, "cannot start the session process %s: %s", h->cfg.session_exe,
			 strerror(-r));
		return -SSTP_EXIT_ERROR;
	}
	s = &h->ss[si];
	memset(s, 0, sizeof(*s));
	s->used = true;
	snprintf(s->name, sizeof(s->name), "%s", req->profile);
	s->owner = owner;
	if (req->profile_path)
		snprintf(s->udir, sizeof(s->udir), "%s", req->profile_path);
	s->seq = ++h->seq;
	s->pid = pid;
	s->out_fd = out_fd;
	s->ctl_fd = -1;
	s->ctl_rb.buf = s->ctl_in;
	s->ctl_rb.cap = sizeof(s->ctl_in);
	s->ctl_retry_at = plat_now_ms() + HELPER_CTL_RETRY_MS;
	s->kill_at = UINT64_MAX;
	SSTP_STATUS_SET(s->st.name, s->name);
	s->st.state = SSTP_STATE_RESOLVING;
	s->st.pid = (uint32_t)pid;
	plat_loop_watch(h->loop, out_fd, PLAT_EV_READ, HELPER_TAG(HT_SESS_OUT, si));
	helper_broadcast(h, &s->st);
	return si;
}

static void ctl_close(struct sstp_helper *h, struct helper_sess *s)
{
	if (s->ctl_fd < 0)
		return;
	plat_loop_unwatch(h->loop, s->ctl_fd);
	plat_ctl_close(s->ctl_fd);
	s->ctl_fd = -1;
	s->ctl_rb.len = 0;
}

static int send_req(int fd, uint8_t type, uint32_t id)
{
	uint8_t buf[64];
	struct sstp_ctl_writer w;
	long len;

	sstp_ctl_begin(&w, buf, sizeof(buf), type, id);
	len = sstp_ctl_finish(&w);
	return len > 0 && plat_ctl_send(fd, buf, (size_t)len, 500) == len ? 0 : -1;
}

void helper_sess_stop(struct sstp_helper *h, int si)
{
	struct helper_sess *s = &h->ss[si];

	if (!helper_sess_alive(s) || s->stopping)
		return;
	s->stopping = true;
	s->kill_at = plat_now_ms() + HELPER_STOP_MS;
	/* The session's own DISCONNECT does the clean teardown; SIGTERM does the same when its
	 * socket is not up yet (the session catches it). */
	if (s->ctl_fd < 0 || send_req(s->ctl_fd, SSTP_CTL_REQ_DISCONNECT, 2) < 0)
		plat_terminate_group(s->pid, false);
}

/* One line of the child's output: into the helper's log, and kept as the last word. */
static void take_line(struct helper_sess *s)
{
	const char *text = s->line;
	size_t n;

	s->line[s->line_len] = '\0';
	if (strncmp(text, "sstp: ", 6) == 0) /* the child's logger names itself */
		text += 6;
	n = strlen(text);
	if (n > sizeof(s->last_line) - 1)
		n = sizeof(s->last_line) - 1;
	sstp_info("[%s] %s", s->name, text);
	memcpy(s->last_line, text, n);
	s->last_line[n] = '\0';
	s->line_len = 0;
}

void helper_sess_on_output(struct sstp_helper *h, int si)
{
	struct helper_sess *s = &h->ss[si];
	char buf[1024];

	for (int rounds = 0; rounds < 16 && s->out_fd >= 0; rounds++) {
		ssize_t n = plat_ctl_recv(s->out_fd, buf, sizeof(buf), 0);

		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			plat_loop_unwatch(h->loop, s->out_fd);
			plat_ctl_close(s->out_fd);
			s->out_fd = -1;
			if (s->line_len)
				take_line(s);
			return;
		}
		for (ssize_t k = 0; k < n; k++) {
			char c = buf[k];

			if (c != '\n' && s->line_len < sizeof(s->line) - 1) {
				s->line[s->line_len++] = c;
				continue;
			}
			if (s->line_len)
				take_line(s);
			if (c != '\n')
				s->line[s->line_len++] = c; /* an over-long line continues */
		}
	}
}

static void answer_connect_waiters(struct sstp_helper *h, struct helper_sess *s, int code,
				   const char *msg)
{
	for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++) {
		if (!(s->conn_waiters & (1u << ci)))
			continue;
		if (h->cl[ci].fd >= 0 && h->cl[ci].pend == PEND_CONNECT) {
			if (code)
				helper_send_error(h, ci, h->cl[ci].pend_id, code, msg);
			else
				helper_send_ok(h, ci, h->cl[ci].pend_id, msg);
			helper_pend_done(h, ci);
		}
	}
	s->conn_waiters = 0;
}

static void handle_ctl_frame(struct sstp_helper *h, struct helper_sess *s,
			     const struct sstp_ctl_msg *m)
{
	struct sstp_conn_status st;
	const char *why = NULL;
	char msg[256];

	switch (m->type) {
	case SSTP_CTL_EVENT:
	case SSTP_CTL_RESP_STATUS:
		if (sstp_ctl_get_status(m, &st, &why) < 0) {
			sstp_warn("session %s sent a bad status: %s", s->name, why ? why : "?");
			return;
		}
		SSTP_STATUS_SET(st.name, s->name); /* the helper's name for it */
		s->st = st;
		helper_broadcast(h, &s->st);
		if (st.state == SSTP_STATE_CONNECTED && !s->stopping) {
			s->up = true;
			answer_connect_waiters(h, s, 0, "connected");
		}
		break;
	case SSTP_CTL_RESP_ERROR:
		sstp_ctl_reply_error(m, msg, sizeof(msg));
		if (msg[0])
			snprintf(s->final_msg, sizeof(s->final_msg), "%s", msg);
		break;
	default:
		break;
	}
}

void helper_sess_on_ctl(struct sstp_helper *h, int si)
{
	struct helper_sess *s = &h->ss[si];

	for (int rounds = 0; rounds < 16 && s->ctl_fd >= 0; rounds++) {
		struct sstp_ctl_msg m;
		const char *why = NULL;
		size_t room;
		uint8_t *tail = sstp_ctl_rbuf_tail(&s->ctl_rb, &room);
		ssize_t n = plat_ctl_recv(s->ctl_fd, tail, room, 0);
		long fl;

		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			ctl_close(h, s); /* the session is ending; its exit follows */
			return;
		}
		sstp_ctl_rbuf_commit(&s->ctl_rb, (size_t)n);
		while ((fl = sstp_ctl_rbuf_frame(&s->ctl_rb, &m, &why)) > 0) {
			handle_ctl_frame(h, s, &m);
			sstp_ctl_rbuf_consume(&s->ctl_rb, (size_t)fl);
		}
		if (fl < 0) {
			sstp_warn("session %s: bad control data: %s", s->name, why ? why : "?");
			ctl_close(h, s);
			return;
		}
	}
}

static void ctl_try_connect(struct sstp_helper *h, int si, uint64_t now)
{
	struct helper_sess *s = &h->ss[si];
	char path[256];
	int fd;

	s->ctl_retry_at = now + HELPER_CTL_RETRY_MS;
	if (sstp_session_ctl_path(h->cfg.state_dir, s->name, path, sizeof(path)) < 0) {
		s->ctl_retry_at = UINT64_MAX;
		return;
	}
	fd = plat_ctl_connect(path, 100);
	if (fd < 0)
		return; /* not listening yet */
	if (send_req(fd, SSTP_CTL_REQ_SUBSCRIBE, 1) < 0) {
		plat_ctl_close(fd);
		return;
	}
	s->ctl_fd = fd;
	s->ctl_retry_at = UINT64_MAX;
	plat_loop_watch(h->loop, fd, PLAT_EV_READ, HELPER_TAG(HT_SESS_CTL, si));
	/* a stop asked for before the socket existed went out as SIGTERM already */
}

static void finish_disc_waiters(struct sstp_helper *h, struct helper_sess *s)
{
	uint32_t mask = s->disc_waiters;

	s->disc_waiters = 0;
	for (int ci = 0; ci < HELPER_MAX_CLIENTS; ci++) {
		bool still = false;

		if (!(mask & (1u << ci)))
			continue;
		for (int k = 0; k < HELPER_MAX_SESSIONS; k++)
			if (h->ss[k].used && (h->ss[k].disc_waiters & (1u << ci)))
				still = true;
		if (!still && h->cl[ci].fd >= 0 && h->cl[ci].pend == PEND_DISCONNECT) {
			helper_send_ok(h, ci, h->cl[ci].pend_id, "disconnected");
			helper_pend_done(h, ci);
		}
	}
}

static void child_ended(struct sstp_helper *h, int si, int code)
{
	struct helper_sess *s = &h->ss[si];
	char msg[256];
	int report = code;

	/* take what it still had to say */
	if (s->out_fd >= 0)
		helper_sess_on_output(h, si);
	if (s->ctl_fd >= 0)
		helper_sess_on_ctl(h, si);
	ctl_close(h, s);
	if (s->out_fd >= 0) {
		plat_loop_unwatch(h->loop, s->out_fd);
		plat_ctl_close(s->out_fd);
		s->out_fd = -1;
	}
	s->pid = 0;
	s->exited = true;
	s->kill_at = UINT64_MAX;
	s->ctl_retry_at = UINT64_MAX;
	helper_cleanup_stale(h, s->name);
	helper_user_remove(s->udir); /* the user's profile and files the helper wrote */
	s->udir[0] = '\0';

	if (code >= 128) {
		snprintf(msg, sizeof(msg), "the session process was killed by signal %d", code - 128);
		report = SSTP_EXIT_ERROR;
	} else if (s->final_msg[0]) {
		snprintf(msg, sizeof(msg), "%s", s->final_msg);
	} else if (s->st.last_error[0]) {
		snprintf(msg, sizeof(msg), "%s", s->st.last_error);
	} else if (code && s->last_line[0]) {
		snprintf(msg, sizeof(msg), "%s", s->last_line);
	} else {
		snprintf(msg, sizeof(msg), "%s", code ? "the session ended with an error" :
			 "disconnected");
	}
	s->exit_code = report;
	s->st.state = SSTP_STATE_DISCONNECTED;
	s->st.pid = 0;
	s->st.uptime_s = 0;
	if (report && !s->stopping) {
		s->st.last_exit = report;
		SSTP_STATUS_SET(s->st.last_error, msg);
	} else if (!report) {
		s->st.last_exit = 0;
		s->st.last_error[0] = '\0';
	}
	if (report)
		sstp_warn("session %s ended: %s (exit code %d)", s->name, msg, report);
	else
		sstp_info("session %s ended", s->name);
	helper_broadcast(h, &s->st);
	answer_connect_waiters(h, s, report ? report : SSTP_EXIT_NOT_CONNECTED,
			       report ? msg : "disconnected before the tunnel came up");
	finish_disc_waiters(h, s);
}

void helper_sess_reap(struct sstp_helper *h)
{
	for (int si = 0; si < HELPER_MAX_SESSIONS; si++) {
		int code = 0;

		if (helper_sess_alive(&h->ss[si]) && plat_reap(h->ss[si].pid, &code) == 1)
			child_ended(h, si, code);
	}
}

void helper_sess_tick(struct sstp_helper *h, uint64_t now)
{
	for (int si = 0; si < HELPER_MAX_SESSIONS; si++) {
		struct helper_sess *s = &h->ss[si];

		if (!helper_sess_alive(s))
			continue;
		if (s->ctl_fd < 0 && !s->stopping && now >= s->ctl_retry_at)
			ctl_try_connect(h, si, now);
		if (now >= s->kill_at) {
			sstp_warn("session %s did not stop in time: killing it", s->name);
			plat_terminate_group(s->pid, true);
			s->kill_at = UINT64_MAX;
		}
	}
}

uint64_t helper_sess_deadline(const struct sstp_helper *h)
{
	uint64_t d = UINT64_MAX;

	for (int si = 0; si < HELPER_MAX_SESSIONS; si++) {
		const struct helper_sess *s = &h->ss[si];

		if (!helper_sess_alive(s))
			continue;
		if (s->ctl_fd < 0 && !s->stopping && s->ctl_retry_at < d)
			d = s->ctl_retry_at;
		if (s->kill_at < d)
			d = s->kill_at;
	}
	return d;
}

void helper_sess_forget_client(struct sstp_helper *h, int ci)
{
	for (int si = 0; si < HELPER_MAX_SESSIONS; si++) {
		h->ss[si].conn_waiters &= ~(1u << ci);
		h->ss[si].disc_waiters &= ~(1u << ci);
	}
}

int helper_sess_status(struct sstp_helper *h, const char *name, struct sstp_conn_status *st)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_msg reply;
	char err[256];
	const char *why = NULL;
	int si = helper_sess_find(h, name);

	/* a running session answers for itself (fresh counters and uptime) */
	if ((si < 0 || helper_sess_alive(&h->ss[si])) &&
	    sstp_ctl_request(h->cfg.state_dir, name, SSTP_CTL_REQ_STATUS, 1000, buf, sizeof(buf),
			     &reply, err, sizeof(err)) == 0 &&
	    reply.type == SSTP_CTL_RESP_STATUS && sstp_ctl_get_status(&reply, st, &why) == 0) {
		SSTP_STATUS_SET(st->name, name);
		if (si >= 0)
			h->ss[si].st = *st;
		return 0;
	}
	if (si < 0)
		return -1;
	*st = h->ss[si].st;
	return 0;
}
