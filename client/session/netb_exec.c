/* netb_exec.c - the privileged side of the net broker: every request of the unprivileged session
 * checked against the policy (netb_exec.h) before it reaches plat_net. */
#include "netb_exec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcp_check.h"
#include "log.h"
#include "plat_netb.h"

#define EXEC_MAX_LOCAL_ADDRS 256

void netb_exec_init(struct netb_exec *x, struct plat_net *net, const struct netb_policy *pol)
{
	memset(x, 0, sizeof(*x));
	x->net = net;
	x->pol = *pol;
}

static int refuse(struct netb_exec *x, struct netb_rep *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct netb_exec *x, struct netb_rep *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->last, sizeof(x->last), fmt, ap);
	va_end(ap);
	snprintf(p->err, sizeof(p->err), "%s", x->last);
	sstp_warn("network broker: refused %s", x->last);
	return -EPERM;
}

static bool is_gateway(const struct netb_exec *x, const struct plat_ip *ip)
{
	for (size_t i = 0; i < x->pol.n_gateways; i++)
		if (plat_ip_equal(&x->pol.gateways[i], ip))
			return true;
	return false;
}

/* The IPCP rules against every server address and the machine's addresses now. */
static int check_v4(struct netb_exec *x, const struct netb_req *q, struct netb_rep *p)
{
	struct plat_addr_info *addrs = calloc(EXEC_MAX_LOCAL_ADDRS, sizeof(*addrs));
	uint8_t none[4] = { 0 };
	char why[300] = "";
	int n, bad = 0;
	size_t g = 0;

	if (!addrs)
		return -ENOMEM;
	n = plat_net_list_addrs(x->net, addrs, EXEC_MAX_LOCAL_ADDRS, NULL);
	if (n < 0)
		n = 0;
	do {
		const struct plat_ip *gw = g < x->pol.n_gateways ? &x->pol.gateways[g] : NULL;
		bad = sstp_ipcp_check_v4(q->ip.addr, q->has_peer ? q->peer.addr : none, gw, addrs,
					 (size_t)n, plat_net_tun_name(x->net), why, sizeof(why));
	} while (!bad && ++g < x->pol.n_gateways);
	free(addrs);
	return bad ? refuse(x, p, "the tunnel address: %s", why) : 0;
}

static bool link_local64(const struct plat_ip *ip)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	return ip->family == PLAT_AF_INET6 && memcmp(ip->addr, ll, 8) == 0;
}

static int check_addr(struct netb_exec *x, const struct netb_req *q, struct netb_rep *p)
{
	char why[200] = "";

	if (x->n_addrs >= NETB_EXEC_MAX_ADDRS)
		return refuse(x, p, "a tunnel address: already %d on the tunnel",
			      NETB_EXEC_MAX_ADDRS);
	if (q->ip.family == PLAT_AF_INET) {
		if (q->plen != 32)
			return refuse(x, p, "a tunnel address with prefix /%u: only /32 is allowed",
				      q->plen);
		return check_v4(x, q, p);
	}
	if (q->plen != 64 || !link_local64(&q->ip) || !q->has_peer || !link_local64(&q->peer))
		return refuse(x, p, "an IPv6 tunnel address that is not fe80::IID/64 with a "
			      "link-local peer");
	if (sstp_ipcp_check_v6(q->ip.addr + 8, q->peer.addr + 8, why, sizeof(why)) < 0)
		return refuse(x, p, "the IPv6 tunnel address: %s", why);
	return 0;
}

static bool route_allowed(const struct netb_exec *x, const struct plat_prefix *d)
{
	struct plat_prefix half[2];

	for (size_t i = 0; i < x->pol.n_routes; i++)
		if (x->pol.routes[i].len == d->len && plat_ip_equal(&x->pol.routes[i].ip, &d->ip))
			return true;
	if (!x->pol.full_tunnel)
		return false;
	plat_full_tunnel_prefixes((enum plat_family)d->ip.family, half);
	for (int i = 0; i < 2; i++)
		if (half[i].len == d->len && plat_ip_equal(&half[i].ip, &d->ip))
			return true;
	return false;
}

static int check_route(struct netb_exec *x, const struct netb_req *q, struct netb_rep *p)
{
	char a[PLAT_PREFIX_STRMAX];
	char norm_s[PLAT_PREFIX_STRMAX];
	struct plat_prefix norm;
	size_t max = x->pol.max_routes ? x->pol.max_routes
				       : x->pol.n_routes + (x->pol.full_tunnel ? 4 : 0);

	plat_prefix_format(&q->dst, a, sizeof(a));
	/* host bits cleared, as plat_net_route_add does */
	if (plat_prefix_parse(a, false, &norm) != 0)
		return refuse(x, p, "the route %s: not a prefix", a);
	plat_prefix_format(&norm, norm_s, sizeof(norm_s));
	if (!route_allowed(x, &norm))
		return refuse(x, p, "the route %s: the profile does not list it", norm_s);
	if (x->n_routes >= max)
		return refuse(x, p, "the route %s: already %zu routes, the profile's limit", norm_s,
			      max);
	return 0;
}

static bool unicast_server(const struct plat_ip *ip)
{
	static const uint8_t zero[16];
	const uint8_t *a = ip->addr;

	if (ip->family == PLAT_AF_INET)
		return a[0] != 0 && a[0] != 127 && a[0] < 224;
	return memcmp(a, zero, 16) != 0 && a[0] != 0xff &&
	       !(memcmp(a, zero, 15) == 0 && a[15] == 1);
}

static bool host_name(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n > PLAT_DNS_DOMAIN_MAX || d[0] == '.' || d[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = d[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
		if (c == '.' && d[i + 1] == '.')
			return false;
	}
	return true;
}

static int do_dns(struct netb_exec *x, const struct netb_req *q, struct netb_rep *p)
{
	const char *doms[PLAT_DNS_MAX_DOMAINS];
	struct plat_dns_config dc;
	enum plat_dns_backend used = PLAT_DNS_NONE;
	char a[PLAT_IP_STRMAX];
	int r;

	if (!x->pol.dns)
		return refuse(x, p, "DNS servers: this profile may not set DNS");
	for (size_t i = 0; i < q->n_servers; i++)
		if (!unicast_server(&q->servers[i]))
			return refuse(x, p, "the DNS server %s: not a unicast address",
				      plat_ip_format(&q->servers[i], a, sizeof(a)));
	for (size_t i = 0; i < q->n_domains; i++) {
		if (!host_name(q->domains[i]))
			return refuse(x, p, "the DNS domain \"%s\": not a host name", q->domains[i]);
		doms[i] = q->domains[i];
	}
	memset(&dc, 0, sizeof(dc));
	dc.servers = q->servers;
	dc.n_servers = q->n_servers;
	dc.domains = doms;
	dc.n_domains = q->n_domains;
	dc.full_tunnel = q->full_tunnel && x->pol.full_tunnel; /* else scoped to the domains */
	dc.force = x->pol.dns_force;
	r = plat_net_dns_apply(x->net, &dc, &used);
	p->dns_used = (uint8_t)used;
	return r;
}

static int need_tun(struct netb_exec *x, struct netb_rep *p, const char *what)
{
	return x->tun ? 0 : refuse(x, p, "%s before the TUN exists", what);
}

static int do_tun(struct netb_exec *x, const struct netb_req *q, struct netb_rep *p,
		  int *fd_pass)
{
	const char *want = x->pol.ifname && x->pol.ifname[0] ? x->pol.ifname : "";
	int r;

	if (x->tun)
		return refuse(x, p, "a second TUN device");
	if (strcmp(q->name, want) != 0)
		return refuse(x, p, "the TUN name \"%s\": the profile names \"%s\"", q->name,
			      want[0] ? want : "(the first free sstpN)");
	r = plat_net_tun_create(x->net, want[0] ? want : NULL);
	if (r == 0) {
		x->tun = true;
		*fd_pass = plat_net_tun_fd(x->net);
		p->ifindex = plat_net_tun_ifindex(x->net);
		snprintf(p->ifname, sizeof(p->ifname), "%s", plat_net_tun_name(x->net));
	}
	return r;
}

/* Check one decoded request and carry it out; the result for the reply. */
static int execute(struct netb_exec *x, const struct netb_req *q, struct netb_rep *p,
		   int *fd_pass)
{
	int r;

	switch (q->op) {
	case NETB_TUN_CREATE:
		return do_tun(x, q, p, fd_pass);
	case NETB_SET_MTU:
		if ((r = need_tun(x, p, "an MTU")) < 0)
			return r;
		if (q->mtu < 68 || q->mtu > 65535)
			return refuse(x, p, "the MTU %u: out of range (68..65535)", q->mtu);
		return plat_net_set_mtu(x->net, q->mtu);
	case NETB_SET_UP:
		return (r = need_tun(x, p, "link up")) < 0 ? r : plat_net_set_up(x->net);
	case NETB_ADDR_ADD:
		if ((r = need_tun(x, p, "an address")) < 0 || (r = check_addr(x, q, p)) < 0)
			return r;
		r = plat_net_addr_add(x->net, &q->ip, q->has_peer ? &q->peer : NULL, q->plen);
		x->n_addrs += r == 0;
		return r;
	case NETB_ADDR_DEL:
		if ((r = need_tun(x, p, "removing an address")) < 0)
			return r;
		r = plat_net_addr_del(x->net, &q->ip);
		x->n_addrs -= r == 0 && x->n_addrs > 0;
		return r;
	case NETB_PIN_GATEWAY:
		if (!is_gateway(x, &q->ip))
			return refuse(x, p, "a gateway pin to an address that is not the server's");
		return plat_net_pin_gateway(x->net, &q->ip);
	case NETB_ROUTE_ADD:
		if ((r = need_tun(x, p, "a route")) < 0 || (r = check_route(x, q, p)) < 0)
			return r;
		r = plat_net_route_add_metric(x->net, &q->dst, q->metric);
		x->n_routes += r == 0;
		return r;
	case NETB_DNS_APPLY:
		return (r = need_tun(x, p, "DNS")) < 0 ? r : do_dns(x, q, p);
	case NETB_UNDO_ALL:
		x->tun = false;
		x->n_addrs = x->n_routes = 0;
		return plat_net_undo_all(x->net);
	}
	return -EINVAL;
}

int netb_exec_handle(struct netb_exec *x, const uint8_t *req, size_t len, uint8_t *rep,
		     size_t cap, int *fd_pass, char *why, size_t whylen)
{
	struct netb_req *q = malloc(sizeof(*q));
	struct netb_rep p;
	int n;

	*fd_pass = -1;
	if (!q) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (netb_req_decode(req, len, q, why, whylen) < 0) {
		free(q);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.op = q->op;
	x->last[0] = '\0';
	p.result = execute(x, q, &p, fd_pass);
	if (p.result < 0 && !p.err[0])
		snprintf(p.err, sizeof(p.err), "%s", plat_net_error(x->net));
	if (p.result < -4095)
		p.result = -EINVAL;
	free(q);
	n = netb_rep_encode(&p, rep, cap);
	if (n < 0) { /* an error text with bytes the codec refuses: send a plain one */
		snprintf(p.err, sizeof(p.err), "%s failed", netb_op_name(p.op));
		n = netb_rep_encode(&p, rep, cap);
	}
	if (n < 0) {
		snprintf(why, whylen, "the reply does not fit");
		*fd_pass = -1;
	}
	return n;
}

int netb_exec_serve(struct netb_exec *x, int sock, char *why, size_t whylen)
{
	uint8_t *req = malloc(NETB_MSG_MAX), *rep = malloc(NETB_MSG_MAX);
	int rc = -1, n, fd;

	if (!req || !rep) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	for (;;) {
		n = plat_netb_recv(sock, req, NETB_MSG_MAX, NULL);
		if (n == 0) {
			rc = 0;
			break;
		}
		if (n < 0) {
			snprintf(why, whylen, "reading the session's request: %s", strerror(-n));
			break;
		}
		n = netb_exec_handle(x, req, (size_t)n, rep, NETB_MSG_MAX, &fd, why, whylen);
		if (n < 0)
			break;
		if ((n = plat_netb_send(sock, rep, (size_t)n, fd)) < 0) {
			snprintf(why, whylen, "answering the session: %s", strerror(-n));
			break;
		}
	}
out:
	if (x->net)
		plat_net_undo_all(x->net);
	x->tun = false;
	free(req);
	free(rep);
	return rc;
}
