/* plat_sock.h - the session's outward sockets: name resolution that does not block the event
 * loop (a worker thread signalling a pipe), non-blocking TCP connect, and the blocking, bounded
 * TCP and ICMP probes `sstp check` runs in a child process through the tunnel. */
#ifndef PLAT_SOCK_H
#define PLAT_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "plat_net.h"

struct plat_resolver;

/* Start resolving `host` (name or literal) in the background. NULL when out of memory or no
 * thread could be started (errno). Free with plat_resolve_free() in every case. */
struct plat_resolver *plat_resolve_start(const char *host);
/* Becomes readable once the answer is there; watch it with the loop. */
int plat_resolve_fd(const struct plat_resolver *r);
/* Once the fd is readable: the number of addresses stored in out (IPv4 first, at most max), or
 * -ENOENT (no such host), -EAGAIN (temporary failure: no DNS answer), -EINPROGRESS (not done yet),
 * or another -errno; err gets the resolver's words. */
int plat_resolve_result(struct plat_resolver *r, struct plat_ip *out, size_t max, char *err,
			size_t errlen);
/* Release; a lookup still running is abandoned (its thread finishes on its own). NULL is fine. */
void plat_resolve_free(struct plat_resolver *r);

/* Start a non-blocking TCP connection. 0 and *fd when connected at once, -EINPROGRESS and *fd
 * (wait for writability, then plat_tcp_connect_result) or another -errno (no fd). The fd is
 * non-blocking and close-on-exec, with TCP_NODELAY. */
int plat_tcp_connect(const struct plat_ip *ip, uint16_t port, int *fd);
/* The outcome of a pending connect: 0 or -errno (-ECONNREFUSED, -EHOSTUNREACH, ...). */
int plat_tcp_connect_result(int fd);
void plat_sock_close(int fd);
/* Keep a socket someone else opened (libcurl's) from child processes: close-on-exec, or not
 * inheritable on Windows. 0 or -errno. */
int plat_sock_no_inherit(int fd);

/* Blocking probes, each bounded by timeout_ms. 0 when the target answered (rtt_ms set), else
 * -errno with a sentence in err ("connection refused", "no answer within 3000 ms"). */
int plat_probe_tcp(const char *host, uint16_t port, int timeout_ms, unsigned *rtt_ms, char *err,
		   size_t errlen);
int plat_probe_icmp(const char *host, int timeout_ms, unsigned *rtt_ms, char *err, size_t errlen);

#endif
