/* pkg_overlap.c - the troubleshooting check from Azure's P2S guide: a VNet route or the client
 * address pool that overlaps a local interface address or route means the traffic stays on the
 * local network. The local networks come in as a parameter (from platform/), so this is OS-free. */
#include "pkg.h"

#include <stdio.h>
#include <string.h>

static bool ignorable(const struct sstp_cidr *c)
{
	if (c->prefix == 0)
		return true; /* a default route overlaps everything and says nothing */
	if (c->ip.family == SSTP_AF_INET4 && c->ip.addr[0] == 127)
		return true;
	if (c->ip.family == SSTP_AF_INET6) {
		static const uint8_t lo[16] = {[15] = 1};
		if (c->prefix == 128 && memcmp(c->ip.addr, lo, 16) == 0)
			return true;
		if (c->ip.addr[0] == 0xfe && (c->ip.addr[1] & 0xc0) == 0x80)
			return true; /* link-local fe80::/10 is on every interface */
	}
	return false;
}

static size_t scan(const struct sstp_cidr *v, size_t n, bool pool,
		   const struct sstp_local_net *local, size_t n_local, struct sstp_overlap *out,
		   size_t max, size_t found)
{
	for (size_t i = 0; i < n; i++) {
		if (ignorable(&v[i]))
			continue;
		for (size_t k = 0; k < n_local; k++) {
			if (ignorable(&local[k].net) || !sstp_cidr_overlap(&v[i], &local[k].net))
				continue;
			if (out && found < max) {
				out[found].vpn = v[i];
				out[found].vpn_is_pool = pool;
				out[found].local = &local[k];
			}
			found++;
		}
	}
	return found;
}

size_t sstp_pkg_overlaps(const struct sstp_cidr *routes, size_t n_routes,
			 const struct sstp_cidr *pools, size_t n_pools,
			 const struct sstp_local_net *local, size_t n_local,
			 struct sstp_overlap *out, size_t max)
{
	if (!local)
		return 0;
	size_t found = scan(routes, routes ? n_routes : 0, false, local, n_local, out, max, 0);
	return scan(pools, pools ? n_pools : 0, true, local, n_local, out, max, found);
}

int sstp_overlap_format(const struct sstp_overlap *o, char *buf, size_t len)
{
	char a[SSTP_CIDR_STRLEN], b[SSTP_CIDR_STRLEN];
	if (sstp_cidr_format(&o->vpn, a, sizeof(a)) != 0 ||
	    sstp_cidr_format(&o->local->net, b, sizeof(b)) != 0)
		return -1;
	char ifn[40] = "";
	if (o->local->ifname) {
		size_t k = 0;
		for (const char *s = o->local->ifname; *s && k < 31; s++)
			ifn[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
		ifn[k] = '\0';
	}
	int n = snprintf(buf, len, "warning: %s %s overlaps %s%s%s (local %s): traffic to it would "
			 "stay on the local network instead of going through the VPN",
			 o->vpn_is_pool ? "client address pool" : "VNet route", a, b,
			 ifn[0] ? " on " : "", ifn, o->local->is_route ? "route" : "address");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

size_t sstp_pkg_warn_overlaps(const struct sstp_profile *p, const struct sstp_local_net *local,
			      size_t n_local, FILE *out)
{
	struct sstp_overlap ov[32];
	char line[400];
	size_t n = sstp_pkg_overlaps(p->routes, p->n_routes, p->pools, p->n_pools, local, n_local,
				     ov, 32);
	for (size_t i = 0; i < n && i < 32; i++)
		if (sstp_overlap_format(&ov[i], line, sizeof(line)) == 0)
			fprintf(out, "%s\n", line);
	if (n > 32)
		fprintf(out, "warning: %zu more overlaps not shown\n", n - 32);
	return n;
}
