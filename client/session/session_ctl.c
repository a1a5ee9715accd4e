/* session_ctl.c - the session's end of the control socket: accepts local clients, answers
 * STATUS, starts the teardown on DISCONNECT (from root or our own user only) and answers it when
 * the session is over, and pushes EVENT frames to subscribers on every state change. */
#include "session_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_status.h"
#include "exit_codes.h"
#include "log.h"
#include "plat_ctl.h"

int sess_ctl_open(struct sstp_session *s)
{
	int fd = plat_ctl_listen(s->ctl_path);

	if (fd == -EADDRINUSE) {
		snprintf(s->err, sizeof(s->err), "a session named %s is already running (see 'sstp "
			 "status %s')", s->cfg.name, s->cfg.name);
		return SSTP_EXIT_ERROR;
	}
	if (fd == -EACCES || fd == -EPERM) {
		snprintf(s->err, sizeof(s->err), "permission denied creating %s: run as root or "
			 "choose --state-dir", s->ctl_path);
		return SSTP_EXIT_PERMISSION;
	}
	if (fd < 0) {
		snprintf(s->err, sizeof(s->err), "cannot create the control socket %s: %s",
			 s->ctl_path, strerror(-fd));
		return SSTP_EXIT_ERROR;
	}
	s->ctl_fd = fd;
	plat_loop_watch(s->loop, fd, PLAT_EV_READ, (void *)(uintptr_t)TAG_CTL_LISTEN);
	return 0;
}

static void conn_close(struct sstp_session *s, int i)
{
	struct sess_ctl_conn *c = &s->ctl[i];

	if (c->fd < 0)
		return;
	if (s->loop)
		plat_loop_unwatch(s->loop, c->fd);
	plat_ctl_close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void send_frame(struct sstp_session *s, int i, const uint8_t *buf, long len)
{
	if (len <= 0 || plat_ctl_send(s->ctl[i].fd, buf, (size_t)len, 0) != len)
		conn_close(s, i); /* a client that does not read its answers is dropped */
}

static void send_status(struct sstp_session *s, int i, uint8_t type, uint32_t id)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_writer w;
	struct sstp_conn_status st;

	sstp_session_status(s, &st);
	sstp_ctl_begin(&w, buf, sizeof(buf), type, id);
	sstp_ctl_put_status(&w, &st);
	send_frame(s, i, buf, sstp_ctl_finish(&w));
}

static void send_simple(struct sstp_session *s, int i, uint8_t type, uint32_t id, uint32_t code,
			const char *msg)
{
	uint8_t buf[512];
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, buf, sizeof(buf), type, id);
	if (type == SSTP_CTL_RESP_ERROR) {
		sstp_ctl_put_u32(&w, SSTP_CTL_A_EXIT_CODE, code);
		sstp_ctl_put_str(&w, SSTP_CTL_A_MESSAGE, msg);
	}
	send_frame(s, i, buf, sstp_ctl_finish(&w));
}

void sess_ctl_accept(struct sstp_session *s)
{
	for (int k = 0; k < 16; k++) {
		struct plat_ctl_peer peer;
		int fd = plat_ctl_accept(s->ctl_fd, &peer), i;

		if (fd < 0)
			return;
		for (i = 0; i < SESS_MAX_CTL && s->ctl[i].fd >= 0; i++)
			;
		if (i == SESS_MAX_CTL) {
			plat_ctl_close(fd);
			continue;
		}
		memset(&s->ctl[i], 0, sizeof(s->ctl[i]));
		s->ctl[i].fd = fd;
		s->ctl[i].privileged = peer.uid == 0 || peer.uid == plat_ctl_my_uid();
		plat_loop_watch(s->loop, fd, PLAT_EV_READ, (void *)(uintptr_t)(TAG_CTL0 + i));
	}
}

static void handle(struct sstp_session *s, int i, const struct sstp_ctl_msg *m)
{
	struct sess_ctl_conn *c = &s->ctl[i];

	switch (m->type) {
	case SSTP_CTL_REQ_STATUS:
		send_status(s, i, SSTP_CTL_RESP_STATUS, m->id);
		break;
	case SSTP_CTL_REQ_SUBSCRIBE:
		c->subscribed = true;
		send_status(s, i, SSTP_CTL_EVENT, m->id);
		break;
	case SSTP_CTL_REQ_DISCONNECT:
		if (!c->privileged) {
			send_simple(s, i, SSTP_CTL_RESP_ERROR, m->id, SSTP_EXIT_PERMISSION,
				    "permission denied: only root or the session's user may disconnect it");
			break;
		}
		c->wants_final = true;
		c->final_id = m->id;
		sstp_info("disconnect requested");
		sstp_session_stop(s, 0, "disconnected by request");
		break;
	default:
		send_simple(s, i, SSTP_CTL_RESP_ERROR, m->id, SSTP_EXIT_USAGE,
			    "request not supported by a session");
		break;
	}
}

void sess_ctl_input(struct sstp_session *s, int i)
{
	struct sess_ctl_conn *c = &s->ctl[i];
	ssize_t n;

	if (c->fd < 0)
		return;
	n = plat_ctl_recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		conn_close(s, i);
		return;
	}
	c->len += (size_t)n;
	for (;;) {
		struct sstp_ctl_msg m;
		const char *why = NULL;
		long fl = sstp_ctl_parse(c->buf, c->len, &m, &why);

		if (fl == SSTP_CTL_NEED_MORE) {
			if (c->len == sizeof(c->buf))
				conn_close(s, i); /* no request is that long */
			return;
		}
		if (fl < 0) {
			sstp_dbg("control client dropped: %s", why ? why : "bad frame");
			conn_close(s, i);
			return;
		}
		handle(s, i, &m);
		if (s->ctl[i].fd < 0)
			return;
		memmove(c->buf, c->buf + fl, c->len - (size_t)fl);
		c->len -= (size_t)fl;
	}
}

void sess_ctl_event(struct sstp_session *s)
{
	for (int i = 0; i < SESS_MAX_CTL; i++)
		if (s->ctl[i].fd >= 0 && s->ctl[i].subscribed)
			send_status(s, i, SSTP_CTL_EVENT, 0);
}

void sess_ctl_close(struct sstp_session *s)
{
	for (int i = 0; i < SESS_MAX_CTL; i++) {
		if (s->ctl[i].fd >= 0 && s->ctl[i].wants_final) {
			if (s->exit_code)
				send_simple(s, i, SSTP_CTL_RESP_ERROR, s->ctl[i].final_id,
					    (uint32_t)s->exit_code, s->err);
			else
				send_simple(s, i, SSTP_CTL_RESP_OK, s->ctl[i].final_id, 0, NULL);
		}
		conn_close(s, i);
	}
	if (s->ctl_fd >= 0) {
		if (s->loop)
			plat_loop_unwatch(s->loop, s->ctl_fd);
		plat_ctl_close(s->ctl_fd);
		plat_ctl_unlink(s->ctl_path);
		s->ctl_fd = -1;
	}
}
