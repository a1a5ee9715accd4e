/* first_reply.c - benchmark helper for tests/bench/lib.sh: sends an ICMP echo request to ADDR every
 * INTERVAL ms from the moment it starts, ignoring "no route" errors, and prints the wall-clock time
 * (seconds since the epoch) at which the first matching echo reply arrived, then exits 0. Exits 1
 * after TIMEOUT seconds without a reply. Started before a VPN client, it times "tunnel usable"
 * without any fork or exec in the measured path (ping(8) quits at once while there is no route).
 * Usage: first_reply ADDR INTERVAL_MS TIMEOUT_S   (needs CAP_NET_RAW) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static long arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "first_reply: bad %s '%s' (%ld-%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst;
	uint16_t id = (uint16_t)getpid(), seq = 0;
	double interval, deadline, next;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: first_reply ADDR INTERVAL_MS TIMEOUT_S\n");
		return 2;
	}
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "first_reply: bad address '%s'\n", argv[1]);
		return 2;
	}
	interval = (double)arg(argv[2], 1, 10000, "INTERVAL_MS") / 1000.0;
	deadline = mono() + (double)arg(argv[3], 1, 3600, "TIMEOUT_S");
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		perror("first_reply: raw ICMP socket");
		return 2;
	}
	next = mono();
	while (mono() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double now = mono();
		int wait_ms;

		if (now >= next) {
			struct icmphdr h;

			memset(&h, 0, sizeof(h));
			h.type = ICMP_ECHO;
			h.un.echo.id = htons(id);
			h.un.echo.sequence = htons(++seq);
			h.checksum = csum(&h, sizeof(h));
			/* ENETUNREACH and friends until the tunnel's route exists: keep trying */
			(void)sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&dst, sizeof(dst));
			next = now + interval;
		}
		wait_ms = (int)((next - mono()) * 1000.0) + 1;
		if (wait_ms < 0)
			wait_ms = 0;
		if (poll(&pfd, 1, wait_ms) <= 0)
			continue;
		for (;;) {
			uint8_t buf[1500];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			const struct ip *iph = (const struct ip *)buf;
			const struct icmphdr *ic;
			size_t hl;

			if (n < 0)
				break;
			hl = (size_t)iph->ip_hl * 4;
			if ((size_t)n < sizeof(struct ip) || hl < sizeof(struct ip) ||
			    (size_t)n < hl + sizeof(*ic) || from.sin_addr.s_addr != dst.sin_addr.s_addr)
				continue;
			ic = (const struct icmphdr *)(buf + hl);
			if (ic->type == ICMP_ECHOREPLY && ntohs(ic->un.echo.id) == id) {
				struct timespec ts;

				clock_gettime(CLOCK_REALTIME, &ts);
				printf("%lld.%06ld %u\n", (long long)ts.tv_sec, ts.tv_nsec / 1000,
				       ntohs(ic->un.echo.sequence));
				return 0;
			}
		}
	}
	return 1;
}
