/* helper_client.h - the client end of the helper's control socket: a connection object shared
 * by the CLI and the tray (the CLI's commands through the helper are in cli/cli_helper.h). */
#ifndef SSTP_HELPER_CLIENT_H
#define SSTP_HELPER_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helper_proto.h"

/* The helper's socket: $SSTP_HELPER_SOCKET when set to an absolute path, else the default. */
const char *sstp_helper_socket_path(void);

/* One connection to the helper. Embedded by the caller; no allocation. */
struct sstp_helper_conn {
	int fd; /* -1 when closed */
	uint32_t next_id;
	size_t consumed; /* length of the frame handed out last, dropped at the next read */
	struct sstp_ctl_rbuf rb;
	uint8_t buf[SSTP_CTL_MAX_FRAME];
};

/* Connect (waiting at most timeout_ms). 0, or an error kind with a sentence in err:
 * SSTP_ERR_PERMISSION when the socket refuses us (not in the group) or the helper does not run. */
int sstp_helper_conn_open(struct sstp_helper_conn *c, const char *path, int timeout_ms, char *err,
			  size_t errlen);
void sstp_helper_conn_close(struct sstp_helper_conn *c);
/* Send req with a fresh id (stored in req->id). 0, or an error kind with err. */
int sstp_helper_conn_send(struct sstp_helper_conn *c, struct sstp_helper_req *req, char *err,
			  size_t errlen);
/* The next frame from the helper, waiting at most timeout_ms (0: only what is there).
 * 1 with *msg (valid until the next call), 0 when nothing came in time, or an error kind as
 * a negative number with err (the helper closed the connection or sent garbage). */
int sstp_helper_conn_next(struct sstp_helper_conn *c, int timeout_ms, struct sstp_ctl_msg *msg,
			  char *err, size_t errlen);

#endif
