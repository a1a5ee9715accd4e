/* ppp_pppd_driver.c - test-only adapter for test_ppp_pppd.sh: runs Debian's pppd as the server
 * on a socketpair (pppd "notty") and drives our PPP engine on the other end through an
 * async-HDLC framer (flags, escaping, FCS-16), printing the engine's events. Exit status tells
 * whether the expected outcome (network up, auth failure, peer terminate) was reached. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ppp.h"

#ifdef PPP_DRIVER_TLS
#include "tls_creds.h"
#include "tls_eap.h"
#endif

static uint16_t fcs_table[256];

static void fcs_init(void)
{
	for (unsigned b = 0; b < 256; b++) {
		uint16_t v = (uint16_t)b;
		for (int i = 0; i < 8; i++)
			v = (v & 1) ? (uint16_t)((v >> 1) ^ 0x8408) : (uint16_t)(v >> 1);
		fcs_table[b] = v;
	}
}

static uint16_t fcs16(uint16_t fcs, const uint8_t *p, size_t n)
{
	while (n--)
		fcs = (uint16_t)((fcs >> 8) ^ fcs_table[(fcs ^ *p++) & 0xff]);
	return fcs;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void urandom(void *ctx, uint8_t *buf, size_t n)
{
	int fd = *(int *)ctx;
	size_t off = 0;
	while (off < n) {
		ssize_t r = read(fd, buf + off, n - off);
		if (r <= 0) {
			perror("urandom");
			exit(3);
		}
		off += (size_t)r;
	}
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Frame one PPP frame in async HDLC, escaping every control character (any ACCM works). */
static int send_hdlc(int fd, const uint8_t *fr, size_t len)
{
	static uint8_t out[2 * 4200 + 8];
	size_t n = 0;
	uint16_t fcs = (uint16_t)~fcs16(0xffff, fr, len);
	uint8_t tail[2] = {(uint8_t)fcs, (uint8_t)(fcs >> 8)};

	out[n++] = 0x7e;
	for (size_t i = 0; i < len + 2; i++) {
		uint8_t b = i < len ? fr[i] : tail[i - len];
		if (b < 0x20 || b == 0x7d || b == 0x7e) {
			out[n++] = 0x7d;
			out[n++] = b ^ 0x20;
		} else {
			out[n++] = b;
		}
	}
	out[n++] = 0x7e;
	return write_all(fd, out, n);
}

struct deframer {
	uint8_t buf[8192];
	size_t len;
	int esc;
	int drop;
};

static const char *down_names[] = {"none",     "local-close", "lower-down", "peer-terminate",
				   "keepalive", "negotiation", "auth-failed", "loopback",
				   "protocol-error"};

static uint64_t parse_ms(const char *v)
{
	char *end = NULL;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n > 3600000ULL) {
		fprintf(stderr, "bad milliseconds value: %s\n", v);
		exit(2);
	}
	return n;
}

static void hex(const char *label, const uint8_t *p, size_t n)
{
	printf("%s ", label);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct ppp_config cfg;
	const char *expect = "ipv4";
	uint64_t timeout = 60000, hold = 0, t_up = 0, t_end;
	int sv[2], rfd, i, rc = 1;
	pid_t pid;
	struct ppp *p;
	struct deframer d = {{0}, 0, 0, 0};
	int up = 0, closing = 0, terminated = 0;
	const char *cert = NULL, *key = NULL, *ca = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.auth = PPP_AUTH_ALL;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
		if (!strcmp(a, "--user")) {
			cfg.user = v;
			cfg.user_len = strlen(v);
			i++;
		} else if (!strcmp(a, "--password")) {
			cfg.password = v;
			cfg.password_len = strlen(v);
			i++;
		} else if (!strcmp(a, "--auth")) {
			cfg.auth = !strcmp(v, "pap") ? PPP_AUTH_PAP
				 : !strcmp(v, "mschapv2") ? PPP_AUTH_MSCHAPV2
				 : !strcmp(v, "eaptls") ? PPP_AUTH_EAP_TLS
							: PPP_AUTH_ALL;
			i++;
		} else if (!strcmp(a, "--expect")) {
			expect = v;
			i++;
		} else if (!strcmp(a, "--hold")) {
			hold = parse_ms(v);
			i++;
		} else if (!strcmp(a, "--timeout")) {
			timeout = parse_ms(v);
			i++;
		} else if (!strcmp(a, "--dns")) {
			cfg.request_dns = true;
		} else if (!strcmp(a, "--ipv6")) {
			cfg.want_ipv6 = true;
		} else if (!strcmp(a, "--cert")) {
			cert = v;
			i++;
		} else if (!strcmp(a, "--key")) {
			key = v;
			i++;
		} else if (!strcmp(a, "--ca")) {
			ca = v;
			i++;
		} else {
			fprintf(stderr, "unknown option %s\n", a);
			return 2;
		}
	}
	if (i >= argc - 1) {
		fprintf(stderr, "usage: %s [options] -- pppd args...\n", argv[0]);
		return 2;
	}
#ifdef PPP_DRIVER_TLS
	struct ppp_tls_engine iface;
	struct tls_eap_engine *eng = NULL;
	struct tls_creds *creds = NULL;
	if (cert) {
		char err[256];
		const char *cas[2] = {ca, NULL};
		struct tls_eap_config ec;
		creds = tls_creds_load_files(cert, key, NULL, err, sizeof(err));
		if (!creds) {
			fprintf(stderr, "creds: %s\n", err);
			return 2;
		}
		memset(&ec, 0, sizeof(ec));
		ec.creds = creds;
		ec.ca_paths = cas;
		eng = tls_eap_engine_new(&ec, &iface, err, sizeof(err));
		if (!eng) {
			fprintf(stderr, "eap engine: %s\n", err);
			return 2;
		}
		cfg.tls = &iface;
	}
#else
	if (cert || key || ca) {
		fprintf(stderr, "built without the TLS engine\n");
		return 77;
	}
#endif
	fcs_init();
	rfd = open("/dev/urandom", O_RDONLY);
	if (rfd < 0)
		return 3;
	cfg.random = urandom;
	cfg.random_ctx = &rfd;
	cfg.echo_interval_ms = 1000;
	cfg.echo_max_failures = 5;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 3;
	pid = fork();
	if (pid == 0) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		close(sv[0]);
		close(sv[1]);
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	close(sv[1]);
	p = ppp_new(&cfg);
	if (!p)
		return 3;
	t_end = now_ms() + timeout;
	ppp_lower_up(p, now_ms());
	for (;;) {
		const uint8_t *fr;
		size_t len;
		struct ppp_event ev;
		uint64_t t = now_ms(), dl;
		struct pollfd pfd = {sv[0], POLLIN, 0};
		int wait_ms;

		while (ppp_next_output(p, &fr, &len) == 1)
			if (send_hdlc(sv[0], fr, len) != 0)
				break;
		while (ppp_next_event(p, &ev) == 1) {
			switch (ev.type) {
			case PPP_EV_LINK_UP:
				printf("LINK_UP mru=%u peer_mru=%u\n", ppp_local_mru(p), ppp_peer_mru(p));
				break;
			case PPP_EV_AUTH_OK:
				printf("AUTH_OK %s\n", ppp_auth_method_name(ev.method));
				hex("HLAK", ev.hlak, sizeof(ev.hlak));
				break;
			case PPP_EV_AUTH_FAILED:
				printf("AUTH_FAILED code=%d %s\n", ev.code, ev.message);
				if (!strcmp(expect, "authfail"))
					rc = 0;
				break;
			case PPP_EV_IPV4_UP:
				printf("IPV4_UP local=%u.%u.%u.%u peer=%u.%u.%u.%u dns1=%u.%u.%u.%u "
				       "dns2=%u.%u.%u.%u\n",
				       ev.ipv4_local[0], ev.ipv4_local[1], ev.ipv4_local[2], ev.ipv4_local[3],
				       ev.ipv4_peer[0], ev.ipv4_peer[1], ev.ipv4_peer[2], ev.ipv4_peer[3],
				       ev.dns1[0], ev.dns1[1], ev.dns1[2], ev.dns1[3], ev.dns2[0],
				       ev.dns2[1], ev.dns2[2], ev.dns2[3]);
				up = 1;
				t_up = t;
				break;
			case PPP_EV_IPV6_UP:
				hex("IPV6_UP local", ev.ipv6_local_iid, 8);
				hex("IPV6_UP peer", ev.ipv6_peer_iid, 8);
				break;
			case PPP_EV_KEEPALIVE_LOST:
				printf("KEEPALIVE_LOST %s\n", ev.message);
				break;
			case PPP_EV_LINK_DOWN:
				printf("LINK_DOWN reason=%s %s\n", down_names[ev.reason], ev.message);
				if (!strcmp(expect, "peerterm"))
					rc = ev.reason == PPP_DOWN_PEER_TERMINATE ? 0 : 1;
				else if (!strcmp(expect, "ipv4"))
					rc = (up && closing && ev.reason == PPP_DOWN_LOCAL_CLOSE) ? 0 : 1;
				goto done;
			default:
				break;
			}
			fflush(stdout);
		}
		if (up && !closing && t >= t_up + hold) {
			if (!strcmp(expect, "peerterm")) {
				if (!terminated) {
					kill(pid, SIGTERM); /* pppd sends Terminate-Request */
					terminated = 1;
				}
			} else {
				printf("closing after %llu ms up\n", (unsigned long long)(t - t_up));
				ppp_close(p, "test done", t);
				closing = 1;
				continue;
			}
		}
		if (t >= t_end) {
			printf("TIMEOUT\n");
			rc = 1;
			goto done;
		}
		dl = ppp_deadline(p);
		wait_ms = 200;
		if (dl != UINT64_MAX && dl <= t)
			wait_ms = 0;
		else if (dl != UINT64_MAX && dl - t < 200)
			wait_ms = (int)(dl - t);
		if (poll(&pfd, 1, wait_ms) > 0) {
			uint8_t in[4096];
			ssize_t r = read(sv[0], in, sizeof(in));
			if (r <= 0) {
				printf("pppd closed its end\n");
				ppp_lower_down(p);
				continue;
			}
			for (ssize_t k = 0; k < r; k++) {
				uint8_t b = in[k];
				if (b == 0x7e) {
					if (!d.drop && d.len >= 4 &&
					    fcs16(0xffff, d.buf, d.len) == 0xf0b8) {
						struct ppp_data data;
						ppp_input(p, d.buf, d.len - 2, now_ms(), &data);
					}
					d.len = 0;
					d.esc = 0;
					d.drop = 0;
				} else if (b == 0x7d) {
					d.esc = 1;
				} else {
					if (d.esc)
						b ^= 0x20;
					d.esc = 0;
					if (d.len < sizeof(d.buf))
						d.buf[d.len++] = b;
					else
						d.drop = 1;
				}
			}
		}
		ppp_tick(p, now_ms());
	}
done:
	fflush(stdout);
	{
		/* pppd must be gone (or go) shortly after the link ends. */
		int st = 0;
		uint64_t until = now_ms() + 8000;
		while (waitpid(pid, &st, WNOHANG) == 0) {
			if (now_ms() > until) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				printf("pppd had to be killed\n");
				break;
			}
			usleep(50000);
		}
		printf("pppd exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
	}
	ppp_free(p);
#ifdef PPP_DRIVER_TLS
	tls_eap_engine_free(eng);
	tls_creds_free(creds);
#endif
	return rc;
}
