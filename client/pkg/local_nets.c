/* local_nets.c - turns the platform's address and route lists into struct sstp_local_net for the
 * VNet-route overlap warning (Azure P2S troubleshooting: a VNet route that overlaps a local
 * network keeps its traffic on the LAN). */
#include "local_nets.h"

#include <string.h>

#include "log.h"

static void to_cidr(const struct plat_ip *ip, unsigned prefix, struct sstp_cidr *out)
{
	memset(out, 0, sizeof(*out));
	out->ip.family = ip->family == PLAT_AF_INET6 ? SSTP_AF_INET6 : SSTP_AF_INET4;
	memcpy(out->ip.addr, ip->addr, ip->family == PLAT_AF_INET6 ? 16 : 4);
	out->prefix = prefix;
}

static bool usable(const struct plat_ip *ip, unsigned prefix)
{
	unsigned bits = ip->family == PLAT_AF_INET ? 32 : ip->family == PLAT_AF_INET6 ? 128 : 0;

	return bits && prefix > 0 && prefix <= bits;
}

/* An interface name only if it is terminated inside its array (and not empty). */
static const char *name_of(const char *ifname, size_t size)
{
	return ifname[0] && memchr(ifname, '\0', size) ? ifname : NULL;
}

size_t sstp_local_nets_build(struct sstp_local_nets *ln, const char *skip_if)
{
	const size_t max = sizeof(ln->nets) / sizeof(ln->nets[0]);
	bool skip = skip_if && skip_if[0];

	ln->n = 0;
	for (size_t i = 0; i < ln->n_addrs && i < SSTP_LOCAL_ADDRS_MAX && ln->n < max; i++) {
		const struct plat_addr_info *a = &ln->addrs[i];
		struct sstp_local_net *o = &ln->nets[ln->n];

		if (skip && strncmp(a->ifname, skip_if, sizeof(a->ifname)) == 0)
			continue;
		if (a->peer.family == a->local.ip.family && a->peer.family != PLAT_AF_NONE) {
			unsigned host = a->peer.family == PLAT_AF_INET ? 32 : 128;

			/* point-to-point: the other end (and its prefix, if any) is the network */
			if (!usable(&a->peer, a->local.len ? a->local.len : host))
				continue;
			to_cidr(&a->peer, a->local.len ? a->local.len : host, &o->net);
		} else {
			if (!usable(&a->local.ip, a->local.len))
				continue;
			to_cidr(&a->local.ip, a->local.len, &o->net);
		}
		o->ifname = name_of(a->ifname, sizeof(a->ifname));
		o->is_route = false;
		ln->n++;
	}
	for (size_t i = 0; i < ln->n_routes && i < SSTP_LOCAL_ROUTES_MAX && ln->n < max; i++) {
		const struct plat_route_info *r = &ln->routes[i];
		struct sstp_local_net *o = &ln->nets[ln->n];

		if (skip && strncmp(r->ifname, skip_if, sizeof(r->ifname)) == 0)
			continue;
		if (!usable(&r->dst.ip, r->dst.len))
			continue;
		to_cidr(&r->dst.ip, r->dst.len, &o->net);
		o->ifname = name_of(r->ifname, sizeof(r->ifname));
		o->is_route = true;
		ln->n++;
	}
	return ln->n;
}

int sstp_local_nets_read(struct sstp_local_nets *ln, struct plat_net *net)
{
	struct plat_net *own = NULL;
	char err[256];
	int r;

	ln->n = ln->n_addrs = ln->n_routes = 0;
	if (!net) {
		struct plat_net_config nc;

		memset(&nc, 0, sizeof(nc)); /* session NULL: read-only, no journal, no state dir */
		if (plat_net_open_system(&nc, &own, err, sizeof(err)) < 0)
			return -1;
		net = own;
	}
	r = plat_net_list_addrs(net, ln->addrs, SSTP_LOCAL_ADDRS_MAX, NULL);
	if (r >= 0) {
		ln->n_addrs = (size_t)r;
		r = plat_net_list_routes(net, ln->routes, SSTP_LOCAL_ROUTES_MAX, NULL);
		if (r >= 0)
			ln->n_routes = (size_t)r;
	}
	plat_net_close(own);
	if (r < 0) {
		ln->n_addrs = ln->n_routes = 0;
		return -1;
	}
	sstp_local_nets_build(ln, NULL);
	return 0;
}

size_t sstp_local_nets_warn(const struct sstp_local_nets *ln, const struct sstp_profile *p)
{
	struct sstp_overlap ov[16];
	char line[400];
	size_t n;

	if (!ln->n)
		return 0;
	n = sstp_pkg_overlaps(p->routes, p->n_routes, p->pools, p->n_pools, ln->nets, ln->n, ov,
			      16);
	for (size_t i = 0; i < n && i < 16; i++) {
		if (sstp_overlap_format(&ov[i], line, sizeof(line)) != 0)
			continue;
		/* the logger adds its own "warning: " */
		sstp_warn("%s", strncmp(line, "warning: ", 9) == 0 ? line + 9 : line);
	}
	if (n > 16)
		sstp_warn("%zu more overlaps with local networks not shown", n - 16);
	return n;
}
