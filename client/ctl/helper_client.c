/* helper_client.c - the client end of the helper's control socket: the connection object
 * (open, send, next frame) that the CLI and the tray share. */
#include "helper_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "sstp_err.h"
#include "plat_ctl.h"
#include "plat_loop.h"
#include "plat_paths.h"
#include "plat_proc.h"
#include "plat_service.h"

#define OPEN_MS 2000

const char *sstp_helper_socket_path(void)
{
	const char *p = getenv("SSTP_HELPER_SOCKET");

	return plat_path_is_absolute(p) ? p : plat_default_control_path();
}

int sstp_helper_conn_open(struct sstp_helper_conn *c, const char *path, int timeout_ms, char *err,
			  size_t errlen)
{
	int fd;

	c->fd = -1;
	c->next_id = 1;
	c->consumed = 0;
	c->rb.buf = c->buf;
	c->rb.cap = sizeof(c->buf);
	c->rb.len = 0;
	fd = plat_ctl_connect(path, timeout_ms);
	if (fd == -EACCES || fd == -EPERM) {
		snprintf(err, errlen, "permission denied on %s: only root and members of group '%s' "
			 "may use the sstp helper (ask the administrator to add you, then log in "
			 "again), or run as root", path, SSTP_HELPER_DEFAULT_GROUP);
		return SSTP_ERR_PERMISSION;
	}
	if (fd == -EPROTO) {
		snprintf(err, errlen, "%s is not the sstp helper's: it belongs to another user (nothing "
			 "was sent to it; tell the administrator)", path);
		return SSTP_ERR_PERMISSION;
	}
	if (fd == -ENOENT || fd == -ECONNREFUSED || fd == -ENOTDIR) {
		snprintf(err, errlen, "the sstp helper is not running (nothing answers on %s): start "
			 "it with '%s', or run as root", path, plat_service_start_hint());
		return SSTP_ERR_PERMISSION;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot reach the sstp helper on %s: %s", path, strerror(-fd));
		return SSTP_ERR_PERMISSION;
	}
	c->fd = fd;
	return 0;
}

void sstp_helper_conn_close(struct sstp_helper_conn *c)
{
	if (c->fd >= 0)
		plat_ctl_close(c->fd);
	c->fd = -1;
	c->rb.len = 0;
	c->consumed = 0;
}

int sstp_helper_conn_send(struct sstp_helper_conn *c, struct sstp_helper_req *req, char *err,
			  size_t errlen)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME]; /* a user's profile and its files fit one frame */
	static bool locked;
	ssize_t sent;
	long len;

	if (!locked) { /* it carries passwords and keys: out of swap (best effort) */
		plat_lock_secret(buf, sizeof(buf));
		locked = true;
	}
	req->id = c->next_id++;
	len = sstp_helper_req_encode(req, buf, sizeof(buf));
	if (len < 0) {
		sstp_helper_wipe(buf, sizeof(buf));
		snprintf(err, errlen, "request too large");
		return SSTP_ERR_INTERNAL;
	}
	sent = c->fd >= 0 ? plat_ctl_send(c->fd, buf, (size_t)len, OPEN_MS) : -1;
	sstp_helper_wipe(buf, sizeof(buf)); /* it may have carried a password */
	if (sent != len) {
		struct sstp_ctl_msg m;
		char why[64];

		/* a refusing helper answers and hangs up at once: its answer says why */
		if (c->fd >= 0 && sstp_helper_conn_next(c, 500, &m, why, sizeof(why)) == 1 &&
		    m.type == SSTP_CTL_RESP_ERROR) {
			int code = sstp_ctl_reply_error(&m, err, errlen);

			return code ? code : SSTP_ERR_PERMISSION;
		}
		snprintf(err, errlen, "the sstp helper does not take requests");
		return SSTP_ERR_PERMISSION;
	}
	return 0;
}

int sstp_helper_conn_next(struct sstp_helper_conn *c, int timeout_ms, struct sstp_ctl_msg *msg,
			  char *err, size_t errlen)
{
	uint64_t deadline = plat_now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);

	if (c->consumed) {
		sstp_ctl_rbuf_consume(&c->rb, c->consumed);
		c->consumed = 0;
	}
	for (;;) {
		const char *why = NULL;
		long fl = sstp_ctl_rbuf_frame(&c->rb, msg, &why);
		uint64_t now;
		size_t room;
		uint8_t *tail;
		ssize_t n;

		if (fl > 0) {
			c->consumed = (size_t)fl;
			return 1;
		}
		if (fl < 0) {
			snprintf(err, errlen, "bad answer from the sstp helper: %s", why ? why : "?");
			return -SSTP_ERR_INTERNAL;
		}
		if (c->fd < 0) {
			snprintf(err, errlen, "not connected to the sstp helper");
			return -SSTP_ERR_PERMISSION;
		}
		now = plat_now_ms();
		tail = sstp_ctl_rbuf_tail(&c->rb, &room);
		n = plat_ctl_recv(c->fd, tail, room, now < deadline ? (int)(deadline - now) : 0);
		if (n == -EAGAIN) {
			if (plat_now_ms() >= deadline)
				return 0;
			continue;
		}
		if (n <= 0) {
			snprintf(err, errlen, "the sstp helper closed the connection%s",
				 n < 0 ? " with an error" : "");
			return -SSTP_ERR_PERMISSION;
		}
		sstp_ctl_rbuf_commit(&c->rb, (size_t)n);
	}
}
