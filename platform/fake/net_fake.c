/* net_fake.c - the in-memory plat_net backend for unit tests of the session (plat_net_fake.h):
 * logs every call as a text line, keeps the list of applied changes to undo newest first, injects
 * failures per operation, answers resolve/route_get/list from tables the test fills in, and
 * gives the TUN as a SOCK_SEQPACKET socketpair so poll() and packet boundaries behave. */
#include "plat_net_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAKE_MAX_CHANGES 256
#define FAKE_MAX_RULES 16
#define FAKE_MAX_HOSTS 16
#define FAKE_MAX_ENTRIES 64

struct fake_rule {
	char op[24];
	unsigned after;
	int err;
};

struct fake_host {
	char name[128];
	struct plat_ip ip[8];
	size_t n;
};

struct plat_net_fake {
	struct plat_net base; /* first */
	char *log;
	size_t log_len, log_cap;
	char changes[FAKE_MAX_CHANGES][160]; /* "undo ..." lines of applied changes, in order */
	size_t n_changes;
	struct fake_rule rules[FAKE_MAX_RULES];
	struct fake_host hosts[FAKE_MAX_HOSTS];
	size_t n_hosts;
	struct plat_addr_info addrs[FAKE_MAX_ENTRIES];
	size_t n_addrs;
	struct plat_route_info routes[FAKE_MAX_ENTRIES];
	size_t n_routes;
	enum plat_dns_backend dns_backend;
	int peer_fd;
};

static struct plat_net_fake *F(struct plat_net *n)
{
	return (struct plat_net_fake *)n;
}

static void logline(struct plat_net_fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logline(struct plat_net_fake *f, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t l;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	l = strlen(line);
	if (f->log_len + l + 2 > f->log_cap) {
		size_t nc = (f->log_cap + l + 2) * 2;
		char *nb = realloc(f->log, nc);
		if (!nb)
			return;
		f->log = nb;
		f->log_cap = nc;
	}
	memcpy(f->log + f->log_len, line, l);
	f->log_len += l;
	f->log[f->log_len++] = '\n';
	f->log[f->log_len] = '\0';
}

/* Apply the failure rule for op, if any: returns 0 or the injected error (and logs the call). */
static int check(struct plat_net_fake *f, const char *op, const char *line)
{
	for (size_t i = 0; i < FAKE_MAX_RULES; i++) {
		struct fake_rule *r = &f->rules[i];
		if (!r->op[0] || strcmp(r->op, op) != 0)
			continue;
		if (r->after > 0) {
			r->after--;
			break;
		}
		int e = r->err;
		r->op[0] = '\0';
		logline(f, "%s -> %d", line, e);
		snprintf(f->base.err, sizeof(f->base.err), "%s: injected failure %d", op, e);
		return e;
	}
	logline(f, "%s", line);
	return 0;
}

static int remember(struct plat_net_fake *f, const char *undo_line)
{
	if (f->n_changes >= FAKE_MAX_CHANGES)
		return -E2BIG;
	snprintf(f->changes[f->n_changes++], sizeof(f->changes[0]), "%s", undo_line);
	return 0;
}

static int fk_tun_create(struct plat_net *n, const char *want)
{
	struct plat_net_fake *f = F(n);
	char line[64];
	int sv[2], e;

	snprintf(line, sizeof(line), "tun_create %s", want && *want ? want : "sstp0");
	if ((e = check(f, "tun_create", line)) != 0)
		return e;
	if (n->tun_fd >= 0)
		return -EALREADY;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0)
		return -errno;
	n->tun_fd = sv[0];
	f->peer_fd = sv[1];
	n->tun_ifindex = 42;
	snprintf(n->tun_name, sizeof(n->tun_name), "%s", want && *want ? want : "sstp0");
	snprintf(line, sizeof(line), "undo tun %s", n->tun_name);
	return remember(f, line);
}

static int fk_set_mtu(struct plat_net *n, unsigned mtu)
{
	char line[32];

	snprintf(line, sizeof(line), "set_mtu %u", mtu);
	return check(F(n), "set_mtu", line);
}

static int fk_set_up(struct plat_net *n)
{
	return check(F(n), "set_up", "set_up");
}

static int fk_addr_add(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
		       unsigned prefix_len)
{
	struct plat_net_fake *f = F(n);
	char a[PLAT_IP_STRMAX], b[PLAT_IP_STRMAX], line[160];
	int e;

	plat_ip_format(local, a, sizeof(a));
	if (peer)
		snprintf(line, sizeof(line), "addr_add %s peer %s/%u", a,
			 plat_ip_format(peer, b, sizeof(b)), prefix_len);
	else
		snprintf(line, sizeof(line), "addr_add %s/%u", a, prefix_len);
	if ((e = check(f, "addr_add", line)) != 0)
		return e;
	snprintf(line, sizeof(line), "undo addr %s", a);
	return remember(f, line);
}

static int fk_addr_del(struct plat_net *n, const struct plat_ip *local)
{
	char a[PLAT_IP_STRMAX], line[80];

	snprintf(line, sizeof(line), "addr_del %s", plat_ip_format(local, a, sizeof(a)));
	return check(F(n), "addr_del", line);
}

static int fk_pin_gateway(struct plat_net *n, const struct plat_ip *server)
{
	struct plat_net_fake *f = F(n);
	char a[PLAT_IP_STRMAX], line[80];
	int e;

	snprintf(line, sizeof(line), "pin_gateway %s", plat_ip_format(server, a, sizeof(a)));
	if ((e = check(f, "pin_gateway", line)) != 0)
		return e;
	snprintf(line, sizeof(line), "undo pin %s", a);
	return remember(f, line);
}

static int fk_kill_switch(struct plat_net *n, const struct plat_ip *gw, uint16_t port)
{
	struct plat_net_fake *f = F(n);
	char a[PLAT_IP_STRMAX], line[96];
	int e;

	snprintf(line, sizeof(line), "kill_switch %s port %u", plat_ip_format(gw, a, sizeof(a)),
		 (unsigned)port);
	if ((e = check(f, "kill_switch", line)) != 0)
		return e;
	if (n->tun_fd < 0)
		return -ENODEV;
	return remember(f, "undo kill_switch");
}

static int fk_route_add(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric)
{
	struct plat_net_fake *f = F(n);
	char a[PLAT_PREFIX_STRMAX], line[80];
	int e;

	/* the metric is shown only when the caller chose one */
	if (metric)
		snprintf(line, sizeof(line), "route_add %s metric %u",
			 plat_prefix_format(dst, a, sizeof(a)), (unsigned)metric);
	else
		snprintf(line, sizeof(line), "route_add %s", plat_prefix_format(dst, a, sizeof(a)));
	if ((e = check(f, "route_add", line)) != 0)
		return e;
	snprintf(line, sizeof(line), "undo route %s", a);
	return remember(f, line);
}

static int fk_dns_apply(struct plat_net *n, const struct plat_dns_config *c,
			enum plat_dns_backend *used)
{
	struct plat_net_fake *f = F(n);
	enum plat_dns_backend b = c->force != PLAT_DNS_NONE ? c->force : f->dns_backend;
	char line[1024], a[PLAT_IP_STRMAX];
	size_t l;
	int e;

	l = (size_t)snprintf(line, sizeof(line), "dns_apply %s servers=", plat_dns_backend_name(b));
	for (size_t i = 0; i < c->n_servers && l < sizeof(line); i++)
		l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s", i ? "," : "",
				      plat_ip_format(&c->servers[i], a, sizeof(a)));
	if (l < sizeof(line))
		l += (size_t)snprintf(line + l, sizeof(line) - l, " domains=");
	for (size_t i = 0; i < c->n_domains && l < sizeof(line); i++)
		l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s", i ? "," : "", c->domains[i]);
	if (l < sizeof(line))
		snprintf(line + l, sizeof(line) - l, " %s", c->full_tunnel ? "full" : "split");
	if ((e = check(f, "dns_apply", line)) != 0)
		return e;
	n->dns_used = b;
	if (used)
		*used = b;
	return remember(f, "undo dns");
}

static int fk_undo_all(struct plat_net *n)
{
	struct plat_net_fake *f = F(n);
	int e = check(f, "undo_all", "undo_all");

	while (f->n_changes > 0)
		logline(f, "%s", f->changes[--f->n_changes]);
	if (n->tun_fd >= 0) {
		close(n->tun_fd);
		n->tun_fd = -1;
	}
	if (f->peer_fd >= 0) {
		close(f->peer_fd);
		f->peer_fd = -1;
	}
	n->tun_ifindex = 0;
	n->tun_name[0] = '\0';
	n->dns_used = PLAT_DNS_NONE;
	return e;
}

static int fk_tun_read_batch(struct plat_net *n, struct plat_pkt *pkts, size_t max)
{
	size_t got = 0;

	if (n->tun_fd < 0)
		return -EBADF;
	while (got < max) {
		ssize_t r = recv(n->tun_fd, pkts[got].buf, pkts[got].cap, MSG_TRUNC);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return got ? (int)got : -errno;
		}
		if (r == 0)
			break;
		if ((size_t)r > pkts[got].cap)
			continue; /* longer than the buffer: dropped, like the real TUN */
		pkts[got++].len = (size_t)r;
	}
	return (int)got;
}

static int fk_tun_write(struct plat_net *n, const uint8_t *pkt, size_t len)
{
	struct plat_net_fake *f = F(n);
	char line[32];
	int e;

	snprintf(line, sizeof(line), "tun_write %zu", len);
	if ((e = check(f, "tun_write", line)) != 0)
		return e;
	if (n->tun_fd < 0)
		return -EBADF;
	if (send(n->tun_fd, pkt, len, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

static int fk_resolve(struct plat_net *n, const char *host, struct plat_ip *out, size_t max)
{
	struct plat_net_fake *f = F(n);
	char line[160];
	struct plat_ip ip;
	int e;

	snprintf(line, sizeof(line), "resolve %.140s", host);
	if ((e = check(f, "resolve", line)) != 0)
		return e;
	if (plat_ip_parse(host, &ip) == 0) {
		out[0] = ip;
		return 1;
	}
	for (size_t i = 0; i < f->n_hosts; i++) {
		if (strcmp(f->hosts[i].name, host) != 0)
			continue;
		size_t k = f->hosts[i].n < max ? f->hosts[i].n : max;
		memcpy(out, f->hosts[i].ip, k * sizeof(out[0]));
		return (int)k;
	}
	snprintf(n->err, sizeof(n->err), "cannot resolve %.200s: unknown host", host);
	return -ENOENT;
}

static int fk_route_get(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *out)
{
	struct plat_net_fake *f = F(n);
	char a[PLAT_IP_STRMAX], line[80];
	int best = -1, e;

	snprintf(line, sizeof(line), "route_get %s", plat_ip_format(dst, a, sizeof(a)));
	if ((e = check(f, "route_get", line)) != 0)
		return e;
	for (size_t i = 0; i < f->n_routes; i++) {
		if (plat_prefix_contains(&f->routes[i].dst, dst) &&
		    (best < 0 || f->routes[i].dst.len > f->routes[best].dst.len))
			best = (int)i;
	}
	if (best < 0) {
		snprintf(n->err, sizeof(n->err), "no route to %s", a);
		return -ENETUNREACH;
	}
	*out = f->routes[best];
	return 0;
}

static int fk_list_addrs(struct plat_net *n, struct plat_addr_info *out, size_t max,
			 size_t *total)
{
	struct plat_net_fake *f = F(n);
	size_t k = f->n_addrs < max ? f->n_addrs : max;
	int e = check(f, "list_addrs", "list_addrs");

	if (e)
		return e;
	if (k)
		memcpy(out, f->addrs, k * sizeof(out[0]));
	if (total)
		*total = f->n_addrs;
	return (int)k;
}

static int fk_list_routes(struct plat_net *n, struct plat_route_info *out, size_t max,
			  size_t *total)
{
	struct plat_net_fake *f = F(n);
	size_t k = f->n_routes < max ? f->n_routes : max;
	int e = check(f, "list_routes", "list_routes");

	if (e)
		return e;
	if (k)
		memcpy(out, f->routes, k * sizeof(out[0]));
	if (total)
		*total = f->n_routes;
	return (int)k;
}

static void fk_destroy(struct plat_net *n)
{
	struct plat_net_fake *f = F(n);

	if (f->n_changes || n->tun_fd >= 0)
		fk_undo_all(n);
	free(f->log);
	free(f);
}

static const struct plat_net_ops fake_ops = {
	.name = "fake",
	.tun_create = fk_tun_create,
	.set_mtu = fk_set_mtu,
	.set_up = fk_set_up,
	.addr_add = fk_addr_add,
	.addr_del = fk_addr_del,
	.pin_gateway = fk_pin_gateway,
	.kill_switch = fk_kill_switch,
	.route_add = fk_route_add,
	.dns_apply = fk_dns_apply,
	.undo_all = fk_undo_all,
	.tun_read_batch = fk_tun_read_batch,
	.tun_write = fk_tun_write,
	.resolve = fk_resolve,
	.route_get = fk_route_get,
	.list_addrs = fk_list_addrs,
	.list_routes = fk_list_routes,
	.destroy = fk_destroy,
};

int plat_net_fake_open(const struct plat_net_config *cfg, struct plat_net **out)
{
	struct plat_net_fake *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f)
		return -ENOMEM;
	f->base.ops = &fake_ops;
	f->base.tun_fd = -1;
	f->peer_fd = -1;
	f->dns_backend = PLAT_DNS_RESOLVED;
	if (cfg) {
		f->base.log = cfg->log;
		f->base.log_ctx = cfg->log_ctx;
	}
	*out = &f->base;
	return 0;
}

const char *plat_net_fake_log(const struct plat_net *n)
{
	const struct plat_net_fake *f = (const struct plat_net_fake *)n;

	return f->log ? f->log : "";
}

void plat_net_fake_clear_log(struct plat_net *n)
{
	struct plat_net_fake *f = F(n);

	f->log_len = 0;
	if (f->log)
		f->log[0] = '\0';
}

bool plat_net_fake_logged(const struct plat_net *n, const char *line)
{
	const char *log = plat_net_fake_log(n);
	size_t l = strlen(line);

	for (const char *p = log; *p;) {
		size_t ll = strcspn(p, "\n");
		if (ll == l && strncmp(p, line, l) == 0)
			return true;
		p += ll + (p[ll] == '\n');
	}
	return false;
}

size_t plat_net_fake_applied(const struct plat_net *n)
{
	return ((const struct plat_net_fake *)n)->n_changes;
}

void plat_net_fake_fail(struct plat_net *n, const char *op, unsigned after, int err)
{
	struct plat_net_fake *f = F(n);
	size_t free_slot = FAKE_MAX_RULES;

	for (size_t i = 0; i < FAKE_MAX_RULES; i++) {
		if (strcmp(f->rules[i].op, op) == 0) {
			free_slot = i;
			break;
		}
		if (!f->rules[i].op[0] && free_slot == FAKE_MAX_RULES)
			free_slot = i;
	}
	if (free_slot == FAKE_MAX_RULES)
		return;
	snprintf(f->rules[free_slot].op, sizeof(f->rules[0].op), "%s", op);
	f->rules[free_slot].after = after;
	f->rules[free_slot].err = err;
}

void plat_net_fake_set_dns_backend(struct plat_net *n, enum plat_dns_backend b)
{
	F(n)->dns_backend = b;
}

int plat_net_fake_peer_fd(const struct plat_net *n)
{
	return ((const struct plat_net_fake *)n)->peer_fd;
}

int plat_net_fake_add_host(struct plat_net *n, const char *host, const struct plat_ip *ip)
{
	struct plat_net_fake *f = F(n);
	size_t i;

	if (strlen(host) >= sizeof(f->hosts[0].name))
		return -E2BIG;
	for (i = 0; i < f->n_hosts && strcmp(f->hosts[i].name, host) != 0; i++)
		;
	if (i == f->n_hosts) {
		if (f->n_hosts >= FAKE_MAX_HOSTS)
			return -E2BIG;
		snprintf(f->hosts[i].name, sizeof(f->hosts[i].name), "%s", host);
		f->n_hosts++;
	}
	if (f->hosts[i].n >= 8)
		return -E2BIG;
	f->hosts[i].ip[f->hosts[i].n++] = *ip;
	return 0;
}

int plat_net_fake_add_addr(struct plat_net *n, const struct plat_addr_info *a)
{
	struct plat_net_fake *f = F(n);

	if (f->n_addrs >= FAKE_MAX_ENTRIES)
		return -E2BIG;
	f->addrs[f->n_addrs++] = *a;
	return 0;
}

int plat_net_fake_add_route(struct plat_net *n, const struct plat_route_info *r)
{
	struct plat_net_fake *f = F(n);

	if (f->n_routes >= FAKE_MAX_ENTRIES)
		return -E2BIG;
	f->routes[f->n_routes++] = *r;
	return 0;
}
