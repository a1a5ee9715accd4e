/* plat_ctl.h - the local control channel of a session: a unix stream socket in the state
 * directory (e.g. /run/sstp/NAME.sock), mode 0600, with the peer's credentials (SO_PEERCRED on
 * Linux) so that only root or the session's own user may control it. Byte transport only: the
 * protocol is client/ctl/ctl_proto.h. */
#ifndef PLAT_CTL_H
#define PLAT_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct plat_ctl_peer {
	uint32_t uid;
	uint32_t gid;
	int32_t pid;
};

/* Listen on `path` (non-blocking, close-on-exec, mode 0600; the directory is created 0700 if
 * missing). A leftover socket nobody answers on is replaced; one a live process answers on is
 * not: -EADDRINUSE. Returns the fd or a negative errno. */
int plat_ctl_listen(const char *path);
/* Accept one connection: non-blocking fd, or -EAGAIN when none is waiting, or -errno.
 * *peer (may be NULL) gets the client's credentials. */
int plat_ctl_accept(int listen_fd, struct plat_ctl_peer *peer);
/* Connect to a session's socket, waiting at most timeout_ms. Returns a blocking fd, or
 * -ENOENT (no such socket), -ECONNREFUSED (stale socket: the session is gone), -EACCES,
 * -EPROTO (the endpoint was made by someone we do not trust: on Windows a pipe owned by another
 * user than SYSTEM, the administrators or the caller; nothing was sent), ... */
int plat_ctl_connect(const char *path, int timeout_ms);
/* Send all of buf (blocking fd: waits up to timeout_ms; non-blocking fd: what fits now).
 * Returns the bytes sent or -errno (-ETIMEDOUT). */
ssize_t plat_ctl_send(int fd, const void *buf, size_t len, int timeout_ms);
/* Receive up to len bytes, waiting at most timeout_ms (0: do not wait). Returns bytes (0 = peer
 * closed), -EAGAIN when nothing arrived in time, or -errno. */
ssize_t plat_ctl_recv(int fd, void *buf, size_t len, int timeout_ms);
/* Remove the socket file (only if it is a socket). */
void plat_ctl_unlink(const char *path);
void plat_ctl_close(int fd);
/* The uid this process runs as (for comparing with the peer's). */
uint32_t plat_ctl_my_uid(void);

/* Names (file names without ".sock") of the control sockets in dir, sorted, at most max, each
 * up to namelen bytes; returns how many were stored (0 when the directory does not exist). */
size_t plat_ctl_list(const char *dir, char (*names)[72], size_t max);

#endif
