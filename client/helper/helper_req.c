/* helper_req.c - the helper's requests: connect (start a child, answer when up), disconnect
 * (of one session or all, children and sessions started outside the helper), status (one, or an
 * overview with the connectable profiles), subscribe (a snapshot, then every event). */
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
#include "plat_paths.h"
#include "profile.h"

#define RELAY_MS 10000u
#define MAX_LISTED 64

static int session_path(const struct sstp_helper *h, const char *name, char *path, size_t len)
{
	return sstp_session_ctl_path(h->cfg.state_dir, name, path, len);
}

/* A session socket someone answers on (a session the helper did not start, or one of ours). */
static int connect_session(const struct sstp_helper *h, const char *name, int timeout_ms)
{
	char path[256];

	if (session_path(h, name, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	return plat_ctl_connect(path, timeout_ms);
}

static int send_simple_req(int fd, uint8_t type, uint32_t id)
{
	uint8_t buf[64];
	struct sstp_ctl_writer w;
	long len;

	sstp_ctl_begin(&w, buf, sizeof(buf), type, id);
	len = sstp_ctl_finish(&w);
	return len > 0 && plat_ctl_send(fd, buf, (size_t)len, 500) == len ? 0 : -1;
}

static void send_status(struct sstp_helper *h, int ci, uint8_t type, uint32_t id,
			const struct sstp_conn_status *st)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, buf, sizeof(buf), type, id);
	sstp_ctl_put_status(&w, st);
	helper_send(h, ci, buf, sstp_ctl_finish(&w));
}

static int load_profile(const char *name, struct sstp_profile *p, char *err, size_t errlen)
{
	struct sstp_profile_dirs d;
	int r;

	/* the system directory only: the helper's sessions are the administrator's profiles */
	if (sstp_profile_dirs_default(&d, true) != 0) {
		snprintf(err, errlen, "cannot find the profile directory");
		return SSTP_EXIT_ERROR;
	}
	r = sstp_profile_load(p, name, &d, err, errlen);
	sstp_profile_dirs_free(&d);
	return r;
}

/* Whether the profile authenticates with a password (MS-CHAPv2, EAP-MSCHAPv2, PAP): the same
 * rule as the session's setup (an auth list naming one, else a user and no certificate). */
static bool needs_password(const struct sstp_profile *p)
{
	if (p->auth)
		return strstr(p->auth, "mschapv2") || strstr(p->auth, "pap");
	return p->user && !p->cert;
}

/* Read the first line of the profile's password-file into req, for the peer uid. The file must
 * be a regular file owned by root or by that user, with no access for group or others: the
 * helper reads it as root, so it must not become a way to read someone else's file. 0, or an
 * exit code with a sentence (never the contents) in err. */
static int read_password_file(const char *profile, const char *path, uint32_t uid,
			      struct sstp_helper_req *req, char *err, size_t errlen)
{
	struct plat_file_owner st;
	char why[300];
	FILE *f;
	size_t n = 0;
	int ch, r;

	if (!plat_path_is_absolute(path)) {
		snprintf(err, errlen, "profile %s: password-file %s is not an absolute path", profile,
			 path);
		return SSTP_EXIT_PROFILE;
	}
	/* no symlink, FIFO or device: the helper is root and serves everyone from one loop */
	r = plat_open_untrusted(path, &f, &st, why, sizeof(why));
	if (r == -ELOOP || r == -EINVAL || r == -EAGAIN) {
		/* the sentence may be cut short; the return value says so (and quiets the check) */
		return snprintf(err, errlen, "profile %s: password-file %s", profile, why) < 0
			       ? SSTP_EXIT_ERROR : SSTP_EXIT_PERMISSION;
	}
	if (r < 0) {
		return snprintf(err, errlen, "profile %s: cannot read its password-file %s", profile,
				why) < 0 ? SSTP_EXIT_ERROR : SSTP_EXIT_PROFILE;
	}
	setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer keeps a copy after fclose */
	if (st.uid != 0 && st.uid != uid) {
		fclose(f);
		snprintf(err, errlen, "profile %s: password-file %s is owned by uid %u; the helper "
			 "reads it only when it belongs to root or to the requesting user (uid %u)",
			 profile, path, st.uid, (unsigned)uid);
		return SSTP_EXIT_PERMISSION;
	}
	if (st.mode & 0077) {
		fclose(f);
		snprintf(err, errlen, "profile %s: password-file %s is accessible by group or others "
			 "(mode %03o); the helper refuses it: chmod 600 it", profile, path,
			 st.mode & 0777);
		return SSTP_EXIT_PERMISSION;
	}
	while ((ch = fgetc(f)) != EOF && ch != '\n') {
		if (n == SSTP_HELPER_PASSWORD_MAX || ch == '\0') {
			fclose(f);
			sstp_helper_req_wipe(req);
			snprintf(err, errlen, "profile %s: the first line of password-file %s is longer "
				 "than %d bytes or holds a NUL byte", profile, path,
				 SSTP_HELPER_PASSWORD_MAX);
			return SSTP_EXIT_PROFILE;
		}
		req->password[n++] = (char)ch;
	}
	fclose(f);
	if (n && req->password[n - 1] == '\r')
		n--;
	req->password[n] = '\0';
	req->has_password = true;
	return 0;
}

/* The password of a connect: the one in the request, else the profile's password-file. A
 * profile that needs one and has neither is refused with NEED_PASSWORD (the CLI or the tray
 * can ask the user and retry). 0, or an exit code with msg (and *need set). */
static int resolve_password(const struct sstp_helper *h, int ci, struct sstp_helper_req *req,
			    const struct sstp_profile *p, bool *need, char *msg, size_t msglen)
{
	*need = false;
	if (!needs_password(p) || !p->user) {
		sstp_helper_req_wipe(req); /* nothing would use it */
		return 0;
	}
	if (req->has_password)
		return 0;
	if (p->password_file)
		return read_password_file(req->profile, p->password_file, h->cl[ci].peer.uid, req,
					  msg, msglen);
	*need = true;
	snprintf(msg, msglen, "profile %s authenticates %s with a password: give it with "
		 "--password-file FILE or --password-stdin, or ask the administrator to set "
		 "password-file in the profile", req->profile, p->user);
	return SSTP_EXIT_USAGE;
}

/* Refuse a request about a session of someone else (exit 11, a sentence, a log line). */
static void deny(struct sstp_helper *h, int ci, uint32_t id, const char *what, const char *name)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "permission denied: session %s belongs to another user; only "
		 "that user or root may %s it", name, what);
	sstp_info("%s: %s %s refused: not the session's owner (uid %u)", h->cl[ci].who, what, name,
		  (unsigned)helper_sess_owner(h, name));
	helper_send_error(h, ci, id, SSTP_EXIT_PERMISSION, msg);
}

/* Whether a session of this name runs (started by the helper or not) that client ci may not
 * stop or inspect. */
static bool foreign_running(const struct sstp_helper *h, int ci, const char *name)
{
	int si = helper_sess_find(h, name), fd;

	if (helper_may_see(h, ci, name))
		return false;
	if (si >= 0 && helper_sess_alive(&h->ss[si]))
		return true;
	fd = connect_session(h, name, 100);
	if (fd < 0)
		return false;
	plat_ctl_close(fd);
	return true;
}

/* Packet dumps (-vv) are for root: a user's request keeps at most one --verbose. */
static void clamp_verbosity(const struct helper_client *c, struct sstp_helper_req *req)
{
	size_t k = 0;
	bool seen = false;

	if (c->peer.uid == 0)
		return;
	for (size_t i = 0; i < req->n_options; i++) {
		if (strcmp(req->options[i], "--verbose") == 0) {
			if (seen)
				continue;
			seen = true;
		}
		if (k != i)
			memcpy(req->options[k], req->options[i], sizeof(req->options[k]));
		k++;
	}
	req->n_options = k;
}

static void wait_for(struct sstp_helper *h, int ci, enum helper_pend kind, uint32_t id,
		     int si, uint64_t deadline)
{
	struct helper_client *c = &h->cl[ci];

	c->pend = kind;
	c->pend_id = id;
	c->pend_sess = si;
	c->pend_deadline = deadline;
	if (si >= 0 && kind == PEND_CONNECT)
		h->ss[si].conn_waiters |= 1u << ci;
}

/* req is not const: the password may be filled in from the profile's password-file (the
 * caller wipes req). */
static void req_connect(struct sstp_helper *h, int ci, struct sstp_helper_req *req)
{
	struct helper_client *c = &h->cl[ci];
	struct sstp_profile p;
	char msg[400], udir[256];
	bool need = false;
	int si = helper_sess_find(h, req->profile), fd, r;

	if (h->stopping) {
		helper_send_error(h, ci, req->id, SSTP_EXIT_ERROR, "the helper is stopping");
		return;
	}
	if (foreign_running(h, ci, req->profile)) {
		deny(h, ci, req->id, "connect", req->profile);
		return;
	}
	if (si >= 0 && helper_sess_alive(&h->ss[si])) {
		struct helper_sess *s = &h->ss[si];

		if (s->stopping)
			helper_send_error(h, ci, req->id, SSTP_EXIT_ERROR, "the session is "
					  "disconnecting: try again once it has ended");
		else if (s->st.state == SSTP_STATE_CONNECTED)
			helper_send_ok(h, ci, req->id, "already connected");
		else if (req->nowait)
			helper_send_ok(h, ci, req->id, "connecting");
		else
			wait_for(h, ci, PEND_CONNECT, req->id, si, UINT64_MAX);
		return;
	}
	fd = connect_session(h, req->profile, 100);
	if (fd >= 0) {
		plat_ctl_close(fd);
		helper_send_ok(h, ci, req->id, "already running (started outside the helper)");
		return;
	}
	sstp_profile_init(&p);
	udir[0] = '\0';
	if (req->uprofile.set) /* the user's own profile, read by their CLI */
		r = helper_user_prepare(h->cfg.state_dir, c->peer.uid, req, &p, udir, sizeof(udir),
					msg, sizeof(msg));
	else
		r = load_profile(req->profile, &p, msg, sizeof(msg));
	if (r == 0)
		r = resolve_password(h, ci, req, &p, &need, msg, sizeof(msg));
	sstp_profile_free(&p);
	if (r != 0)
		helper_user_remove(udir);
	if (r != 0) {
		sstp_info("%s: connect %s refused: %s", c->who, req->profile, msg);
		if (need) {
			uint8_t buf[1024];

			helper_send(h, ci, buf, sstp_helper_need_password_frame(buf, sizeof(buf),
										req->id, r, msg));
		} else {
			helper_send_error(h, ci, req->id, r, msg);
		}
		return;
	}
	clamp_verbosity(c, req);
	req->profile_path = udir[0] ? udir : NULL;
	si = helper_sess_start(h, req, c->peer.uid, msg, sizeof(msg));
	if (si < 0) {
		helper_user_remove(udir);
		sstp_err("%s: connect %s: %s", c->who, req->profile, msg);
		helper_send_error(h, ci, req->id, -si, msg);
		return;
	}
	sstp_info("%s: connect %s (session process %d%s)", c->who, req->profile, h->ss[si].pid,
		  req->has_password ? ", password handed over on its stdin" : "");
	if (req->nowait)
		helper_send_ok(h, ci, req->id, "connecting");
	else
		wait_for(h, ci, PEND_CONNECT, req->id, si, UINT64_MAX);
}

static bool owned_alive(const struct sstp_helper *h, const char *name)
{
	int si = helper_sess_find(h, name);

	return si >= 0 && helper_sess_alive(&h->ss[si]);
}

static void req_disconnect(struct sstp_helper *h, int ci, const struct sstp_helper_req *req)
{
	struct helper_client *c = &h->cl[ci];
	uint64_t now = plat_now_ms();
	bool waiting = false;
	int fd;

	if (req->all) {
		static char listed[MAX_LISTED][72];
		size_t n = plat_ctl_list(h->cfg.state_dir, listed, MAX_LISTED);
		unsigned others = 0;

		sstp_info("%s: disconnect all%s", c->who, c->peer.uid ? " (of their own)" : "");
		for (int si = 0; si < HELPER_MAX_SESSIONS; si++) {
			if (!helper_sess_alive(&h->ss[si]) || !helper_may_see(h, ci, h->ss[si].name))
				continue;
			helper_sess_stop(h, si);
			h->ss[si].disc_waiters |= 1u << ci;
			waiting = true;
		}
		for (size_t k = 0; k < n && c->peer.uid == 0; k++) {
			if (owned_alive(h, listed[k]))
				continue;
			/* not ours: ask it to stop and do not wait (it answers only at its end) */
			fd = connect_session(h, listed[k], 200);
			if (fd >= 0) {
				if (send_simple_req(fd, SSTP_CTL_REQ_DISCONNECT, 1) == 0)
					others++;
				plat_ctl_close(fd);
			}
		}
		if (waiting)
			wait_for(h, ci, PEND_DISCONNECT, req->id, -1, now + HELPER_STOP_MS + 3000);
		else if (others)
			helper_send_ok(h, ci, req->id, "disconnect requested");
		else
			helper_send_error(h, ci, req->id, SSTP_EXIT_NOT_CONNECTED, c->peer.uid
					  ? "no session of yours is running" : "no session is running");
		return;
	}
	sstp_info("%s: disconnect %s", c->who, req->profile);
	if (foreign_running(h, ci, req->profile)) {
		deny(h, ci, req->id, "stop", req->profile);
		return;
	}
	if (owned_alive(h, req->profile)) {
		int si = helper_sess_find(h, req->profile);

		helper_sess_stop(h, si);
		h->ss[si].disc_waiters |= 1u << ci;
		wait_for(h, ci, PEND_DISCONNECT, req->id, si, now + HELPER_STOP_MS + 3000);
		return;
	}
	fd = connect_session(h, req->profile, 200);
	if (fd < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s is not connected", req->profile);
		helper_send_error(h, ci, req->id, SSTP_EXIT_NOT_CONNECTED, msg);
		return;
	}
	if (send_simple_req(fd, SSTP_CTL_REQ_DISCONNECT, 1) < 0) {
		plat_ctl_close(fd);
		helper_send_error(h, ci, req->id, SSTP_EXIT_ERROR, "the session does not take requests");
		return;
	}
	/* a session started outside the helper: relay its answer, which comes at its end */
	c->up_fd = fd;
	c->up_rb.len = 0;
	plat_loop_watch(h->loop, fd, PLAT_EV_READ, HELPER_TAG(HT_UPSTREAM, ci));
	wait_for(h, ci, PEND_RELAY, req->id, -1, now + RELAY_MS);
}

void helper_relay_input(struct sstp_helper *h, int ci)
{
	struct helper_client *c = &h->cl[ci];
	struct sstp_ctl_msg m;
	const char *why = NULL;
	char msg[256];
	size_t room;
	uint8_t *tail;
	ssize_t n;
	long fl;

	if (c->fd < 0 || c->up_fd < 0 || c->pend != PEND_RELAY)
		return;
	tail = sstp_ctl_rbuf_tail(&c->up_rb, &room);
	n = plat_ctl_recv(c->up_fd, tail, room, 0);
	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		/* gone without a word: it ended, which is what was asked */
		helper_send_ok(h, ci, c->pend_id, "disconnected");
		helper_pend_done(h, ci);
		return;
	}
	sstp_ctl_rbuf_commit(&c->up_rb, (size_t)n);
	fl = sstp_ctl_rbuf_frame(&c->up_rb, &m, &why);
	if (fl == 0)
		return;
	if (fl < 0)
		helper_send_error(h, ci, c->pend_id, SSTP_EXIT_ERROR, "bad answer from the session");
	else if (m.type == SSTP_CTL_RESP_ERROR) {
		int code = sstp_ctl_reply_error(&m, msg, sizeof(msg));

		helper_send_error(h, ci, c->pend_id, code, msg);
	} else {
		helper_send_ok(h, ci, c->pend_id, "disconnected");
	}
	if (h->cl[ci].fd >= 0)
		helper_pend_done(h, ci);
}

/* Every session the helper knows: its children (running or finished) and the sockets in the
 * state directory. */
static size_t known_sessions(struct sstp_helper *h, char (*names)[72], size_t max)
{
	static char listed[MAX_LISTED][72];
	size_t n = 0, k, m = plat_ctl_list(h->cfg.state_dir, listed, MAX_LISTED);

	for (int si = 0; si < HELPER_MAX_SESSIONS && n < max; si++)
		if (h->ss[si].used)
			sstp_status_set(names[n++], 72, h->ss[si].name);
	for (k = 0; k < m && n < max; k++) {
		bool dup = false;

		for (size_t j = 0; j < n; j++)
			if (strcmp(names[j], listed[k]) == 0)
				dup = true;
		if (!dup && sstp_profile_name_valid(listed[k]))
			sstp_status_set(names[n++], 72, listed[k]);
	}
	return n;
}

static void req_status(struct sstp_helper *h, int ci, const struct sstp_helper_req *req)
{
	static char names[MAX_LISTED + HELPER_MAX_SESSIONS][72];
	static struct sstp_conn_status st;
	static uint8_t out[SSTP_CTL_MAX_FRAME];
	size_t n;
	uint32_t count = 0;
	struct sstp_profile_dirs d;
	struct sstp_strlist profiles = { 0 };
	struct sstp_ctl_writer w;

	if (req->profile[0]) {
		char msg[128];

		if (!helper_may_see(h, ci, req->profile) &&
		    helper_sess_status(h, req->profile, &st) == 0) {
			deny(h, ci, req->id, "inspect", req->profile);
		} else if (helper_sess_status(h, req->profile, &st) == 0) {
			send_status(h, ci, SSTP_CTL_RESP_STATUS, req->id, &st);
		} else {
			snprintf(msg, sizeof(msg), "%s is not connected", req->profile);
			helper_send_error(h, ci, req->id, SSTP_EXIT_NOT_CONNECTED, msg);
		}
		return;
	}
	n = known_sessions(h, names, sizeof(names) / sizeof(names[0]));
	for (size_t k = 0; k < n && h->cl[ci].fd >= 0; k++) {
		if (!helper_may_see(h, ci, names[k]) || helper_sess_status(h, names[k], &st) != 0)
			continue;
		send_status(h, ci, SSTP_CTL_RESP_STATUS, req->id, &st);
		count++;
	}
	if (h->cl[ci].fd < 0)
		return;
	if (sstp_profile_dirs_default(&d, true) == 0) {
		sstp_profile_list(&d, &profiles);
		sstp_profile_dirs_free(&d);
	}
	sstp_ctl_begin(&w, out, sizeof(out), SSTP_CTL_RESP_OK, req->id);
	sstp_ctl_put_u32(&w, SSTP_HELPER_A_COUNT, count);
	for (size_t k = 0; k < profiles.n && k < SSTP_HELPER_MAX_PROFILES; k++) {
		size_t before = w.len;

		sstp_ctl_put_str(&w, SSTP_CTL_A_PROFILE, profiles.v[k]);
		if (w.err) { /* full: list what fits */
			w.err = 0;
			w.len = before;
			break;
		}
	}
	helper_send(h, ci, out, sstp_ctl_finish(&w));
	sstp_strlist_free(&profiles);
}

static void req_subscribe(struct sstp_helper *h, int ci, const struct sstp_helper_req *req)
{
	static char names[MAX_LISTED + HELPER_MAX_SESSIONS][72];
	static struct sstp_conn_status st;
	size_t n;

	h->cl[ci].subscribed = true;
	helper_send_ok(h, ci, req->id, NULL);
	n = known_sessions(h, names, sizeof(names) / sizeof(names[0]));
	for (size_t k = 0; k < n && h->cl[ci].fd >= 0; k++)
		if (helper_may_see(h, ci, names[k]) && helper_sess_status(h, names[k], &st) == 0)
			send_status(h, ci, SSTP_CTL_EVENT, 0, &st);
}

void helper_handle_request(struct sstp_helper *h, int ci, const struct sstp_ctl_msg *m)
{
	struct sstp_helper_req req;
	char err[256];
	int r = sstp_helper_req_decode(m, &req, err, sizeof(err));

	if (r) {
		sstp_info("%s: bad %s request: %s", h->cl[ci].who, sstp_ctl_type_name(m->type), err);
		helper_send_error(h, ci, m->id, r, err);
		return;
	}
	sstp_dbg("%s: %s %s", h->cl[ci].who, sstp_ctl_type_name(req.type), req.profile);
	switch (req.type) {
	case SSTP_CTL_REQ_CONNECT: req_connect(h, ci, &req); break;
	case SSTP_CTL_REQ_DISCONNECT: req_disconnect(h, ci, &req); break;
	case SSTP_CTL_REQ_STATUS: req_status(h, ci, &req); break;
	case SSTP_CTL_REQ_SUBSCRIBE: req_subscribe(h, ci, &req); break;
	default: helper_send_error(h, ci, req.id, SSTP_EXIT_USAGE, "unknown request"); break;
	}
	sstp_helper_req_wipe(&req); /* a password is used once: the session child has it now */
}
