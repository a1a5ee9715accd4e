/* sock.c - Linux sockets for the session: getaddrinfo on a worker thread with a pipe for the
 * event loop, non-blocking TCP connect, and bounded TCP/ICMP probes for `sstp check`. */
#include "plat_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RESOLVE_MAX 16

struct plat_resolver {
	atomic_int refs;
	int pipe[2];
	char host[256];
	int rc;            /* getaddrinfo result, EAI_* */
	int sys_errno;
	size_t n;
	struct plat_ip addrs[RESOLVE_MAX];
	atomic_int done;
};

static void resolver_unref(struct plat_resolver *r)
{
	if (atomic_fetch_sub(&r->refs, 1) == 1) {
		close(r->pipe[0]);
		close(r->pipe[1]);
		free(r);
	}
}

static void add_addr(struct plat_resolver *r, const struct sockaddr *sa)
{
	struct plat_ip ip;

	memset(&ip, 0, sizeof(ip));
	if (sa->sa_family == AF_INET) {
		ip.family = PLAT_AF_INET;
		memcpy(ip.addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		ip.family = PLAT_AF_INET6;
		memcpy(ip.addr, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	} else {
		return;
	}
	for (size_t i = 0; i < r->n; i++)
		if (plat_ip_equal(&r->addrs[i], &ip))
			return;
	if (r->n < RESOLVE_MAX)
		r->addrs[r->n++] = ip;
}

static void *resolver_main(void *arg)
{
	struct plat_resolver *r = arg;
	struct addrinfo hints, *res = NULL;
	char one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r->rc = getaddrinfo(r->host, NULL, &hints, &res);
	r->sys_errno = errno;
	if (r->rc == 0) {
		for (int fam = 0; fam < 2; fam++) /* IPv4 first */
			for (struct addrinfo *a = res; a; a = a->ai_next)
				if ((fam == 0) == (a->ai_family == AF_INET))
					add_addr(r, a->ai_addr);
		freeaddrinfo(res);
	}
	atomic_store(&r->done, 1);
	if (write(r->pipe[1], &one, 1) < 0) {
		/* the reader checks `done` anyway */
	}
	resolver_unref(r);
	return NULL;
}

struct plat_resolver *plat_resolve_start(const char *host)
{
	struct plat_resolver *r;
	pthread_attr_t attr;
	pthread_t th;
	size_t n = strlen(host);

	if (n == 0 || n >= sizeof(r->host)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	memcpy(r->host, host, n + 1);
	if (pipe2(r->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(r);
		return NULL;
	}
	atomic_init(&r->refs, 2);
	atomic_init(&r->done, 0);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, resolver_main, r) != 0) {
		pthread_attr_destroy(&attr);
		close(r->pipe[0]);
		close(r->pipe[1]);
		free(r);
		errno = EAGAIN;
		return NULL;
	}
	pthread_attr_destroy(&attr);
	return r;
}

int plat_resolve_fd(const struct plat_resolver *r)
{
	return r->pipe[0];
}

int plat_resolve_result(struct plat_resolver *r, struct plat_ip *out, size_t max, char *err,
			size_t errlen)
{
	size_t n;

	if (!atomic_load(&r->done))
		return -EINPROGRESS;
	if (r->rc != 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", r->rc == EAI_SYSTEM ? strerror(r->sys_errno)
									 : gai_strerror(r->rc));
		switch (r->rc) {
		case EAI_NONAME:
#ifdef EAI_NODATA
		case EAI_NODATA:
#endif
			return -ENOENT;
		case EAI_AGAIN: return -EAGAIN;
		case EAI_MEMORY: return -ENOMEM;
		default: return -EIO;
		}
	}
	n = r->n < max ? r->n : max;
	memcpy(out, r->addrs, n * sizeof(*out));
	if (n == 0 && err && errlen)
		snprintf(err, errlen, "no usable address");
	return n ? (int)n : -ENOENT;
}

void plat_resolve_free(struct plat_resolver *r)
{
	if (r)
		resolver_unref(r);
}

static socklen_t to_sockaddr(const struct plat_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == PLAT_AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, ip->addr, 4);
		return sizeof(*sin);
	}
	if (ip->family == PLAT_AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, ip->addr, 16);
		return sizeof(*sin6);
	}
	return 0;
}

int plat_tcp_connect(const struct plat_ip *ip, uint16_t port, int *fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(ip, port, &ss);
	int s, one = 1;

	if (!sl)
		return -EAFNOSUPPORT;
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (s < 0)
		return -errno;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (struct sockaddr *)&ss, sl) == 0) {
		*fd = s;
		return 0;
	}
	if (errno == EINPROGRESS) {
		*fd = s;
		return -EINPROGRESS;
	}
	one = -errno;
	close(s);
	return one;
}

int plat_tcp_connect_result(int fd)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		return -errno;
	return soerr ? -soerr : 0;
}

void plat_sock_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int plat_sock_no_inherit(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int resolve_one(const char *host, struct sockaddr_storage *ss, socklen_t *sl, char *err,
		       size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, rc ? gai_strerror(rc) : "no address");
		return -ENOENT;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int plat_probe_tcp(const char *host, uint16_t port, int timeout_ms, unsigned *rtt_ms, char *err,
		   size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint64_t t0;
	struct pollfd p;
	int s, r;

	if ((r = resolve_one(host, &ss, &sl, err, errlen)) < 0)
		return r;
	((struct sockaddr_in *)&ss)->sin_port = htons(port); /* same offset for sin6_port */
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	t0 = mono_ms();
	if (connect(s, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		close(s);
		return r;
	}
	p.fd = s;
	p.events = POLLOUT;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		snprintf(err, errlen, "no answer within %d ms", timeout_ms);
		close(s);
		return -ETIMEDOUT;
	}
	r = plat_tcp_connect_result(s);
	close(s);
	if (r < 0) {
		snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	if (rtt_ms)
		*rtt_ms = (unsigned)(mono_ms() - t0);
	return 0;
}

static uint16_t icmp_cksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int plat_probe_icmp(const char *host, int timeout_ms, unsigned *rtt_ms, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint8_t pkt[64], rx[1500];
	uint16_t id = (uint16_t)(getpid() & 0xffff), seq = 1, ck;
	int v6, s, raw = 0, r;
	uint64_t t0, deadline;

	if ((r = resolve_one(host, &ss, &sl, err, errlen)) < 0)
		return r;
	v6 = ss.ss_family == AF_INET6;
	s = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (s < 0) {
		s = socket(ss.ss_family, SOCK_RAW | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
		raw = 1;
	}
	if (s < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open an ICMP socket: %s", strerror(errno));
		return r;
	}
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	pkt[4] = (uint8_t)(id >> 8);
	pkt[5] = (uint8_t)id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, "sstp check probe", 16);
	if (!v6) {
		ck = icmp_cksum(pkt, sizeof(pkt));
		pkt[2] = (uint8_t)(ck >> 8);
		pkt[3] = (uint8_t)ck;
	}
	t0 = mono_ms();
	deadline = t0 + (uint64_t)timeout_ms;
	if (sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		close(s);
		return r;
	}
	for (;;) {
		uint64_t now = mono_ms();
		struct pollfd p = { .fd = s, .events = POLLIN };
		ssize_t n;
		const uint8_t *icmp;
		size_t off = 0;

		if (now >= deadline)
			break;
		r = poll(&p, 1, (int)(deadline - now));
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		n = recv(s, rx, sizeof(rx), 0);
		if (n <= 0)
			continue;
		if (raw && !v6) {
			if ((size_t)n < 20)
				continue;
			off = (size_t)(rx[0] & 0x0f) * 4;
		}
		if ((size_t)n < off + 8)
			continue;
		icmp = rx + off;
		if (icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY))
			continue;
		if (raw && (((uint16_t)(icmp[4] << 8 | icmp[5])) != id))
			continue;
		if (((uint16_t)(icmp[6] << 8 | icmp[7])) != seq)
			continue;
		close(s);
		if (rtt_ms)
			*rtt_ms = (unsigned)(mono_ms() - t0);
		return 0;
	}
	close(s);
	snprintf(err, errlen, "no echo reply within %d ms", timeout_ms);
	return -ETIMEDOUT;
}
