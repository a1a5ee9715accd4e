/* sock.c - outward sockets on Windows: name resolution on a worker thread that signals an event
 * (a table descriptor the loop waits on), non-blocking TCP connect with Winsock, and the bounded
 * TCP and ICMP probes (IcmpSendEcho / Icmp6SendEcho2 from the IP Helper API: no raw sockets). */
#include "plat_loop.h"
#include "plat_sock.h"
#include "plat_win.h"

#include <errno.h>
#include <iphlpapi.h>
/* icmpapi.h needs iphlpapi.h first */
#include <icmpapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESOLVE_MAX 16

/* ICMPV6_ECHO_REPLY as documented (mingw-w64 lacks it): a packed 26-byte IPV6_ADDRESS_EX, then
 * the status and the round-trip time at their natural alignment. */
struct icmp6_reply {
	uint8_t address[26];
	ULONG Status;
	unsigned int RoundTripTime;
};

struct plat_resolver {
	volatile LONG refs; /* the caller and the thread */
	HANDLE ev;
	int fd;
	char host[256];
	int status; /* -EINPROGRESS until done */
	char err[128];
	struct plat_ip addrs[RESOLVE_MAX];
	size_t n;
};

static void resolver_put(struct plat_resolver *r)
{
	if (InterlockedDecrement(&r->refs) == 0) {
		if (r->ev)
			CloseHandle(r->ev);
		free(r);
	}
}

/* getaddrinfo into out (IPv4 first); count or -errno with words in err. */
static int lookup(const char *host, struct plat_ip *out, size_t max, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	size_t n = 0;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerrorA(r));
		return r == EAI_AGAIN ? -EAGAIN : (r == EAI_NONAME || r == EAI_NODATA) ? -ENOENT : -EIO;
	}
	for (int pass = 0; pass < 2; pass++)
		for (struct addrinfo *a = res; a && n < max; a = a->ai_next) {
			if (pass == 0 && a->ai_family == AF_INET) {
				out[n].family = PLAT_AF_INET;
				memset(out[n].addr, 0, sizeof(out[n].addr));
				memcpy(out[n++].addr, &((struct sockaddr_in *)a->ai_addr)->sin_addr, 4);
			} else if (pass == 1 && a->ai_family == AF_INET6) {
				out[n].family = PLAT_AF_INET6;
				memcpy(out[n++].addr, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, 16);
			}
		}
	freeaddrinfo(res);
	if (n == 0) {
		snprintf(err, errlen, "%s has no IPv4 or IPv6 address", host);
		return -ENOENT;
	}
	return (int)n;
}

static DWORD WINAPI resolve_main(LPVOID p)
{
	struct plat_resolver *r = p;
	int st = lookup(r->host, r->addrs, RESOLVE_MAX, r->err, sizeof(r->err));

	if (st >= 0)
		r->n = (size_t)st;
	InterlockedExchange((volatile LONG *)&r->status, st < 0 ? st : 0);
	SetEvent(r->ev);
	resolver_put(r);
	return 0;
}

struct plat_resolver *plat_resolve_start(const char *host)
{
	struct plat_resolver *r;
	HANDLE t;

	if (plat_win_wsa_init() != 0 || !host || strlen(host) >= sizeof(r->host)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(r->host, host, strlen(host) + 1);
	r->status = -EINPROGRESS;
	r->refs = 2;
	r->fd = -1;
	r->ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (r->ev)
		r->fd = plat_wfd_new(PLAT_WFD_EVENT, NULL, r->ev, true);
	if (r->fd < 0 || !(t = CreateThread(NULL, 0, resolve_main, r, 0, NULL))) {
		if (r->fd >= 0)
			plat_wfd_close(r->fd);
		if (r->ev)
			CloseHandle(r->ev);
		free(r);
		errno = EAGAIN;
		return NULL;
	}
	CloseHandle(t);
	return r;
}

int plat_resolve_fd(const struct plat_resolver *r)
{
	return r->fd;
}

int plat_resolve_result(struct plat_resolver *r, struct plat_ip *out, size_t max, char *err,
			size_t errlen)
{
	LONG st = InterlockedCompareExchange((volatile LONG *)&r->status, 0, 0);
	size_t n;

	if (st == -EINPROGRESS)
		return -EINPROGRESS;
	if (st < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", r->err);
		return st;
	}
	n = r->n < max ? r->n : max;
	memcpy(out, r->addrs, n * sizeof(*out));
	return (int)n;
}

void plat_resolve_free(struct plat_resolver *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		plat_wfd_close(r->fd); /* the event is borrowed: the resolver closes it */
	r->fd = -1;
	resolver_put(r);
}

/* ---- TCP ----------------------------------------------------------------------------------- */

static socklen_t to_sockaddr(const struct plat_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == PLAT_AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, ip->addr, 4);
		return sizeof(*s4);
	}
	if (ip->family == PLAT_AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, ip->addr, 16);
		return sizeof(*s6);
	}
	return 0;
}

int plat_tcp_connect(const struct plat_ip *ip, uint16_t port, int *fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(ip, port, &ss);
	u_long nb = 1;
	BOOL one = TRUE;
	SOCKET s;
	int r;

	if ((r = plat_win_wsa_init()) < 0)
		return r;
	if (!sl)
		return -EAFNOSUPPORT;
	s = WSASocketW(ss.ss_family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET)
		return plat_wsa_errno(WSAGetLastError());
	if ((uintptr_t)s > INT32_MAX) { /* cannot be passed around as an int descriptor */
		closesocket(s);
		return -EMFILE;
	}
	ioctlsocket(s, FIONBIO, &nb);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
	if (connect(s, (struct sockaddr *)&ss, sl) == 0) {
		*fd = (int)s;
		return 0;
	}
	r = WSAGetLastError();
	if (r == WSAEWOULDBLOCK || r == WSAEINPROGRESS) {
		*fd = (int)s;
		return -EINPROGRESS;
	}
	closesocket(s);
	return plat_wsa_errno(r);
}

int plat_tcp_connect_result(int fd)
{
	int e = 0, len = sizeof(e);

	if (getsockopt((SOCKET)(uintptr_t)fd, SOL_SOCKET, SO_ERROR, (char *)&e, &len) != 0)
		return plat_wsa_errno(WSAGetLastError());
	return plat_wsa_errno(e);
}

void plat_sock_close(int fd)
{
	if (fd >= 0)
		closesocket((SOCKET)(uintptr_t)fd);
}

int plat_sock_no_inherit(int fd)
{
	return SetHandleInformation((HANDLE)(uintptr_t)fd, HANDLE_FLAG_INHERIT, 0) ? 0 : -EINVAL;
}

/* ---- probes -------------------------------------------------------------------------------- */

int plat_probe_tcp(const char *host, uint16_t port, int timeout_ms, unsigned *rtt_ms, char *err,
		   size_t errlen)
{
	struct plat_ip ips[4];
	uint64_t t0 = plat_now_ms();
	int n, fd, r;

	if ((r = plat_win_wsa_init()) < 0)
		return r;
	n = lookup(host, ips, 4, err, errlen);
	if (n < 0)
		return n;
	r = plat_tcp_connect(&ips[0], port, &fd);
	if (r == -EINPROGRESS) {
		fd_set wr, ex;
		uint64_t spent = plat_now_ms() - t0;
		long left = timeout_ms > (int)spent ? timeout_ms - (long)spent : 0;
		struct timeval tv = { left / 1000, (left % 1000) * 1000 };

		FD_ZERO(&wr);
		FD_ZERO(&ex);
		FD_SET((SOCKET)(uintptr_t)fd, &wr);
		FD_SET((SOCKET)(uintptr_t)fd, &ex);
		r = select(0, NULL, &wr, &ex, &tv);
		if (r == 0) {
			plat_sock_close(fd);
			snprintf(err, errlen, "no answer within %d ms", timeout_ms);
			return -ETIMEDOUT;
		}
		r = r < 0 ? plat_wsa_errno(WSAGetLastError()) : plat_tcp_connect_result(fd);
	}
	if (r < 0) {
		if (r != -EINPROGRESS && fd >= 0)
			plat_sock_close(fd);
		snprintf(err, errlen, "%s", r == -ECONNREFUSED ? "connection refused" :
					    r == -ETIMEDOUT ? "connection timed out" :
					    r == -EHOSTUNREACH ? "host unreachable" :
					    r == -ENETUNREACH ? "network unreachable" : "connection failed");
		return r;
	}
	plat_sock_close(fd);
	if (rtt_ms)
		*rtt_ms = (unsigned)(plat_now_ms() - t0);
	return 0;
}

int plat_probe_icmp(const char *host, int timeout_ms, unsigned *rtt_ms, char *err, size_t errlen)
{
	struct plat_ip ip;
	uint8_t reply[256];
	static const char payload[] = "sstp-probe";
	HANDLE h;
	DWORD n;
	int r;

	if ((r = plat_win_wsa_init()) < 0)
		return r;
	if ((r = lookup(host, &ip, 1, err, errlen)) < 0)
		return r;
	if (ip.family == PLAT_AF_INET) {
		IPAddr dst;

		memcpy(&dst, ip.addr, 4);
		h = IcmpCreateFile();
		if (h == INVALID_HANDLE_VALUE)
			return plat_win_errno(GetLastError());
		n = IcmpSendEcho(h, dst, (LPVOID)payload, sizeof(payload), NULL, reply, sizeof(reply),
				 (DWORD)timeout_ms);
		IcmpCloseHandle(h);
		if (n > 0 && ((ICMP_ECHO_REPLY *)reply)->Status == IP_SUCCESS) {
			if (rtt_ms)
				*rtt_ms = ((ICMP_ECHO_REPLY *)reply)->RoundTripTime;
			return 0;
		}
	} else {
		struct sockaddr_in6 src, dst;

		memset(&src, 0, sizeof(src));
		src.sin6_family = AF_INET6;
		struct sockaddr_storage ss;

		to_sockaddr(&ip, 0, &ss);
		memcpy(&dst, &ss, sizeof(dst));
		h = Icmp6CreateFile();
		if (h == INVALID_HANDLE_VALUE)
			return plat_win_errno(GetLastError());
		n = Icmp6SendEcho2(h, NULL, NULL, NULL, &src, &dst, (LPVOID)payload, sizeof(payload),
				   NULL, reply, sizeof(reply), (DWORD)timeout_ms);
		IcmpCloseHandle(h);
		if (n > 0 && ((struct icmp6_reply *)reply)->Status == IP_SUCCESS) {
			if (rtt_ms)
				*rtt_ms = ((struct icmp6_reply *)reply)->RoundTripTime;
			return 0;
		}
	}
	snprintf(err, errlen, "no answer within %d ms", timeout_ms);
	return -ETIMEDOUT;
}
