/* plat_driver.c - test driver for the Linux plat_net backend, used by test_plat_net.sh inside a
 * network namespace: runs a list of operations given on the command line (create the TUN, add
 * addresses, pin the gateway, add routes, apply DNS, pause to be killed, undo, replay stale
 * journals) and prints one line per step. Not installed. */
#include "plat_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void log_cb(void *ctx, int level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "plat[%d]: %s\n", level, msg);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: plat_driver [--state DIR] [--session NAME] [--resolv-conf PATH]\n"
		"       [--resolvconf CMD] [--busctl CMD] [--metric N] STEP...\n"
		"steps: tun[=NAME] mtu=N up addr=LOCAL[,PEER]/LEN pin=IP route=CIDR route?=CIDR\n"
		"       full=4|6 dns=SERVERS;DOMAINS;split|full;auto|resolved|resolvconf|resolv.conf\n"
		"       pause=LABEL undo cleanup resolve=HOST route_get=IP list io=PEER fail\n");
	return 2;
}

/* "10.0.0.2,10.0.0.1/32" or "fe80::2/64" */
static int step_addr(struct plat_net *n, const char *arg)
{
	char buf[128], *slash, *comma;
	struct plat_ip local, peer;
	unsigned long len;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strrchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	len = strtoul(slash + 1, NULL, 10);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	if (plat_ip_parse(buf, &local) || (comma && plat_ip_parse(comma + 1, &peer)))
		return -EINVAL;
	return plat_net_addr_add(n, &local, comma ? &peer : NULL, (unsigned)len);
}

static int step_dns(struct plat_net *n, const char *arg)
{
	char buf[512], *f[4] = {0}, *save = NULL;
	struct plat_ip servers[PLAT_DNS_MAX_SERVERS];
	const char *domains[PLAT_DNS_MAX_DOMAINS];
	struct plat_dns_config c;
	enum plat_dns_backend used;
	int k = 0, e;
	char *p;

	memset(&c, 0, sizeof(c));
	snprintf(buf, sizeof(buf), "%s", arg);
	/* strsep keeps empty fields (no domains) */
	for (p = buf; k < 4; k++)
		f[k] = strsep(&p, ";");
	if (!f[0] || !f[2] || !f[3])
		return -EINVAL;
	for (char *s = strtok_r(f[0], ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (c.n_servers >= PLAT_DNS_MAX_SERVERS || plat_ip_parse(s, &servers[c.n_servers]))
			return -EINVAL;
		c.n_servers++;
	}
	for (char *s = strtok_r(f[1], ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (c.n_domains >= PLAT_DNS_MAX_DOMAINS)
			return -EINVAL;
		domains[c.n_domains++] = s;
	}
	c.servers = servers;
	c.domains = domains;
	c.full_tunnel = strcmp(f[2], "full") == 0;
	c.force = strcmp(f[3], "resolved") == 0	     ? PLAT_DNS_RESOLVED
		  : strcmp(f[3], "resolvconf") == 0  ? PLAT_DNS_RESOLVCONF
		  : strcmp(f[3], "resolv.conf") == 0 ? PLAT_DNS_RESOLV_CONF
						     : PLAT_DNS_NONE;
	e = plat_net_dns_apply(n, &c, &used);
	if (e == 0)
		printf("dns-backend %s\n", plat_dns_backend_name(used));
	return e;
}

static int step_list(struct plat_net *n)
{
	struct plat_route_info r[256];
	struct plat_addr_info a[256];
	char s1[PLAT_PREFIX_STRMAX], s2[PLAT_IP_STRMAX];
	size_t total;
	int k = plat_net_list_addrs(n, a, 256, &total);

	if (k < 0)
		return k;
	for (int i = 0; i < k; i++)
		printf("addr %s %s peer %s\n", a[i].ifname, plat_prefix_format(&a[i].local, s1, sizeof(s1)),
		       a[i].peer.family ? plat_ip_format(&a[i].peer, s2, sizeof(s2)) : "-");
	k = plat_net_list_routes(n, r, 256, &total);
	if (k < 0)
		return k;
	for (int i = 0; i < k; i++)
		printf("route %s via %s dev %s metric %u\n", plat_prefix_format(&r[i].dst, s1, sizeof(s1)),
		       r[i].gateway.family ? plat_ip_format(&r[i].gateway, s2, sizeof(s2)) : "-",
		       r[i].ifname, (unsigned)r[i].metric);
	return 0;
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Packets through the real TUN: a UDP datagram sent to the peer (PEER) comes out of
 * tun_read_batch; a reply written with tun_write reaches the socket. */
static int step_io(struct plat_net *n, const char *peer)
{
	uint8_t b[4][2048], out[64];
	struct plat_pkt pk[4];
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(9999)};
	struct pollfd p = {.fd = plat_net_tun_fd(n), .events = POLLIN};
	char rx[16];
	int s, k = 0;

	if (inet_pton(AF_INET, peer, &dst.sin_addr) != 1)
		return -EINVAL;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || sendto(s, "ping", 4, 0, (struct sockaddr *)&dst, sizeof(dst)) != 4)
		return -errno;
	for (int i = 0; i < 4; i++)
		pk[i] = (struct plat_pkt){b[i], sizeof(b[i]), 0};
	for (int tries = 0; tries < 20 && k <= 0; tries++) {
		if (poll(&p, 1, 100) > 0)
			k = plat_net_tun_read_batch(n, pk, 4);
	}
	for (int i = 0; i < k; i++) {
		const uint8_t *q = pk[i].buf;
		size_t hl;
		if (pk[i].len < 28 || (q[0] >> 4) != 4 || q[9] != 17)
			continue;
		hl = (size_t)(q[0] & 15) * 4;
		if (pk[i].len != hl + 12 || memcmp(q + 16, &dst.sin_addr, 4) != 0 ||
		    memcmp(q + hl + 8, "ping", 4) != 0)
			continue;
		printf("io read %zu bytes to %s\n", pk[i].len, peer);
		/* the reply: 20-byte IPv4 header + UDP with ports and addresses swapped */
		memset(out, 0, sizeof(out));
		out[0] = 0x45;
		out[3] = 32;
		out[8] = 64;
		out[9] = 17;
		memcpy(out + 12, q + 16, 4);
		memcpy(out + 16, q + 12, 4);
		memcpy(out + 20, q + hl + 2, 2);
		memcpy(out + 22, q + hl, 2);
		out[25] = 12;
		memcpy(out + 28, "pong", 4);
		uint16_t c = ip_checksum(out, 20);
		out[10] = (uint8_t)(c >> 8);
		out[11] = (uint8_t)c;
		int e = plat_net_tun_write(n, out, 32);
		if (e)
			return e;
		p.fd = s;
		if (poll(&p, 1, 2000) > 0 && recv(s, rx, sizeof(rx), 0) == 4 && memcmp(rx, "pong", 4) == 0) {
			printf("io reply received\n");
			close(s);
			return 0;
		}
		break;
	}
	close(s);
	return -EIO;
}

static int step(struct plat_net *n, struct plat_net_config *cfg, const char *s)
{
	const char *eq = strchr(s, '=');
	const char *arg = eq ? eq + 1 : "";
	size_t kl = eq ? (size_t)(eq - s) : strlen(s);
	char s1[PLAT_PREFIX_STRMAX], s2[PLAT_IP_STRMAX];
	struct plat_prefix p;
	struct plat_ip ip;

#define IS(k) (kl == strlen(k) && strncmp(s, k, kl) == 0)
	if (IS("tun")) {
		int e = plat_net_tun_create(n, arg);
		if (e == 0)
			printf("tun %s %u\n", plat_net_tun_name(n), plat_net_tun_ifindex(n));
		return e;
	}
	if (IS("mtu"))
		return plat_net_set_mtu(n, (unsigned)strtoul(arg, NULL, 10));
	if (IS("up"))
		return plat_net_set_up(n);
	if (IS("addr"))
		return step_addr(n, arg);
	if (IS("addr_del"))
		return plat_ip_parse(arg, &ip) ? -EINVAL : plat_net_addr_del(n, &ip);
	if (IS("pin"))
		return plat_ip_parse(arg, &ip) ? -EINVAL : plat_net_pin_gateway(n, &ip);
	if (IS("route") || IS("route?")) {
		int e = plat_prefix_parse(arg, true, &p) ? -EINVAL : plat_net_route_add(n, &p);
		if (e && IS("route?")) {
			printf("route %s refused: %s\n", arg, plat_net_error(n));
			return 0;
		}
		return e;
	}
	if (IS("full")) {
		struct plat_prefix h[2];
		plat_full_tunnel_prefixes(strcmp(arg, "6") == 0 ? PLAT_AF_INET6 : PLAT_AF_INET, h);
		int e = plat_net_route_add(n, &h[0]);
		return e ? e : plat_net_route_add(n, &h[1]);
	}
	if (IS("dns"))
		return step_dns(n, arg);
	if (IS("pause")) {
		/* wait for SIGUSR1 (go on) or SIGTERM (the session's shutdown: undo, exit 143);
		 * both are blocked in main, so nothing is lost before we get here; 60 s at most */
		sigset_t set;
		struct timespec to = {60, 0};
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGTERM);
		printf("PAUSED %s\n", arg);
		fflush(stdout);
		if (sigtimedwait(&set, NULL, &to) == SIGTERM) {
			int e = plat_net_undo_all(n);
			printf("SIGTERM undo %s\n", e ? plat_net_error(n) : "ok");
			plat_net_close(n);
			exit(e ? 1 : 143);
		}
		return 0;
	}
	if (IS("undo"))
		return plat_net_undo_all(n);
	if (IS("cleanup")) {
		struct plat_cleanup_report r;
		struct plat_net_config c = *cfg;
		c.session = NULL;
		int e = plat_net_cleanup_stale(&c, &r);
		printf("cleanup found=%u replayed=%u live=%u undone=%u gone=%u skipped=%u failed=%u\n",
		       r.journals_found, r.journals_replayed, r.journals_live, r.undone,
		       r.already_gone, r.skipped, r.failed);
		return e;
	}
	if (IS("resolve")) {
		struct plat_ip out[8];
		int k = plat_net_resolve(n, arg, out, 8);
		for (int i = 0; i < k; i++)
			printf("resolved %s\n", plat_ip_format(&out[i], s2, sizeof(s2)));
		return k < 0 ? k : 0;
	}
	if (IS("route_get")) {
		struct plat_route_info ri;
		int e = plat_ip_parse(arg, &ip) ? -EINVAL : plat_net_route_get(n, &ip, &ri);
		if (e == 0)
			printf("route_get %s via %s dev %s\n", plat_prefix_format(&ri.dst, s1, sizeof(s1)),
			       ri.gateway.family ? plat_ip_format(&ri.gateway, s2, sizeof(s2)) : "-",
			       ri.ifname);
		return e;
	}
	if (IS("io"))
		return step_io(n, arg);
	if (IS("list"))
		return step_list(n);
	if (IS("fail"))
		return -ECANCELED; /* simulate a session error path */
#undef IS
	fprintf(stderr, "unknown step %s\n", s);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct plat_net_config cfg;
	struct plat_net *n = NULL;
	char err[PLAT_NET_ERR_MAX];
	int i, e;

	memset(&cfg, 0, sizeof(cfg));
	cfg.log = log_cb;
	cfg.session = "test";
	for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--state") == 0)
			cfg.state_dir = argv[i + 1];
		else if (strcmp(argv[i], "--session") == 0)
			cfg.session = argv[i + 1];
		else if (strcmp(argv[i], "--resolv-conf") == 0)
			cfg.resolv_conf_path = argv[i + 1];
		else if (strcmp(argv[i], "--resolvconf") == 0)
			cfg.resolvconf_cmd = argv[i + 1];
		else if (strcmp(argv[i], "--busctl") == 0)
			cfg.busctl_cmd = argv[i + 1];
		else if (strcmp(argv[i], "--metric") == 0)
			cfg.metric = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	/* cleanup alone needs no handle of its own session */
	if (argc - i == 1 && strcmp(argv[i], "cleanup") == 0)
		return step(NULL, &cfg, argv[i]) == 0 ? 0 : 1;
	e = plat_net_open_system(&cfg, &n, err, sizeof(err));
	if (e) {
		fprintf(stderr, "open: %s\n", err);
		return 1;
	}
	for (; i < argc; i++) {
		e = step(n, &cfg, argv[i]);
		if (e) {
			fprintf(stderr, "step %s failed: %s (%s)\n", argv[i], plat_net_error(n),
				strerror(-e));
			/* the session's error path: undo everything, then exit */
			if (plat_net_undo_all(n) != 0)
				fprintf(stderr, "undo: %s\n", plat_net_error(n));
			plat_net_close(n);
			return 1;
		}
		printf("ok %s\n", argv[i]);
	}
	plat_net_close(n);
	return 0;
}
