/* ctl_client.c - request/reply over a session's control socket for `sstp status`,
 * `sstp disconnect` and `connect --background`. */
#include "ctl_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_path.h"
#include "sstp_err.h"
#include "plat_ctl.h"
#include "plat_loop.h"

int sstp_ctl_request(const char *state_dir, const char *name, uint8_t type, int timeout_ms,
		     uint8_t *buf, size_t cap, struct sstp_ctl_msg *reply, char *err,
		     size_t errlen)
{
	char path[256];
	uint8_t req[64];
	struct sstp_ctl_writer w;
	size_t have = 0;
	uint64_t deadline = plat_now_ms() + (uint64_t)timeout_ms;
	long len;
	int fd;

	if (sstp_session_ctl_path(state_dir, name, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "state directory path too long");
		return SSTP_ERR_INTERNAL;
	}
	fd = plat_ctl_connect(path, timeout_ms);
	if (fd == -ENOENT || fd == -ECONNREFUSED || fd == -ENOTDIR) {
		snprintf(err, errlen, "%s is not connected", name);
		return SSTP_ERR_NOT_CONNECTED;
	}
	if (fd == -EPROTO) {
		snprintf(err, errlen, "%s does not belong to sstp: another user made it (nothing was "
			 "sent to it)", path);
		return SSTP_ERR_PERMISSION;
	}
	if (fd == -EACCES || fd == -EPERM) {
		snprintf(err, errlen, "permission denied on %s: run as root or the session's user", path);
		return SSTP_ERR_PERMISSION;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot reach session %s: %s", name, strerror(-fd));
		return SSTP_ERR_INTERNAL;
	}
	sstp_ctl_begin(&w, req, sizeof(req), type, 1);
	len = sstp_ctl_finish(&w);
	if (len < 0 || plat_ctl_send(fd, req, (size_t)len, timeout_ms) != len) {
		plat_ctl_close(fd);
		snprintf(err, errlen, "session %s does not take requests", name);
		return SSTP_ERR_INTERNAL;
	}
	for (;;) {
		const char *why = NULL;
		uint64_t now = plat_now_ms();
		long fl = sstp_ctl_parse(buf, have, reply, &why);
		ssize_t n;

		if (fl > 0) {
			plat_ctl_close(fd);
			return 0;
		}
		if (fl < 0 || have == cap) {
			plat_ctl_close(fd);
			snprintf(err, errlen, "bad answer from session %s: %s", name,
				 why ? why : "too long");
			return SSTP_ERR_INTERNAL;
		}
		if (now >= deadline) {
			plat_ctl_close(fd);
			snprintf(err, errlen, "session %s did not answer within %d ms", name, timeout_ms);
			return SSTP_ERR_TIMEOUT;
		}
		n = plat_ctl_recv(fd, buf + have, cap - have, (int)(deadline - now));
		if (n == -EAGAIN)
			continue;
		if (n <= 0) {
			plat_ctl_close(fd);
			snprintf(err, errlen, "session %s went away without answering", name);
			return SSTP_ERR_NOT_CONNECTED;
		}
		have += (size_t)n;
	}
}

int sstp_ctl_reply_error(const struct sstp_ctl_msg *m, char *msg, size_t msglen)
{
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	uint32_t code = SSTP_ERR_INTERNAL;

	if (msglen)
		msg[0] = '\0';
	sstp_ctl_iter_init(&it, m);
	while (sstp_ctl_next(&it, &a) == 1) {
		if (a.tag == SSTP_CTL_A_EXIT_CODE)
			sstp_ctl_get_u32(&a, &code);
		else if (a.tag == SSTP_CTL_A_MESSAGE && sstp_ctl_get_str(&a, msg, msglen) < 0 && msglen)
			msg[0] = '\0';
	}
	return code > 255 ? SSTP_ERR_INTERNAL : (int)code;
}
