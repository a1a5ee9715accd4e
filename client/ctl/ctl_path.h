/* ctl_path.h - where the control sockets live: a session's socket in the state directory (the
 * session creates it, `sstp status|disconnect`, the helper and the tray connect to it). */
#ifndef SSTP_CTL_PATH_H
#define SSTP_CTL_PATH_H

#include <stddef.h>

/* Path of a session's control socket: STATE_DIR/NAME.sock (STATE_DIR NULL: the platform's
 * default state directory). 0, or -1 when it does not fit in outlen. */
int sstp_session_ctl_path(const char *state_dir, const char *name, char *out, size_t outlen);

#endif
