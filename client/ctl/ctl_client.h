/* ctl_client.h - the CLI's end of a session's control socket: send one request and read the
 * reply frame, with a timeout, mapping "no such session" and "permission denied" to error
 * kinds (sstp_err.h). */
#ifndef SSTP_CTL_CLIENT_H
#define SSTP_CTL_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_proto.h"

/* One request/reply on STATE_DIR/NAME.sock (state_dir NULL: the default). reply points into buf
 * (caller memory of at least SSTP_CTL_MAX_FRAME bytes). Returns 0, SSTP_ERR_NOT_CONNECTED (no
 * such session, or it is gone), SSTP_ERR_PERMISSION, SSTP_ERR_TIMEOUT or SSTP_ERR_INTERNAL with a
 * sentence in err. A RESP_ERROR reply is returned as 0: the caller reads its attributes. */
int sstp_ctl_request(const char *state_dir, const char *name, uint8_t type, int timeout_ms,
		     uint8_t *buf, size_t cap, struct sstp_ctl_msg *reply, char *err,
		     size_t errlen);

/* Error kind (its EXIT_CODE) and message of a RESP_ERROR (SSTP_ERR_INTERNAL / "" when
 * absent). */
int sstp_ctl_reply_error(const struct sstp_ctl_msg *m, char *msg, size_t msglen);

#endif
