/* vpnc_env.c - the vpnc-script environment (see vpnc_env.h). The variable names and meanings are
 * those vpnc and openconnect document for their script interface. */
#include "vpnc_env.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct envb {
	char **v;
	size_t n;
	bool bad;
};

static void add(struct envb *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct envb *e, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	if (e->bad || e->n + 1 >= SSTP_VPNC_ENV_MAX) {
		e->bad = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1))) {
		e->bad = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	e->v[e->n++] = s;
}

/* A space-separated list of the addresses of one family ("" when none). */
static char *join_ips(const struct plat_ip *ips, size_t n, enum plat_family fam)
{
	size_t cap = (n ? n : 1) * (PLAT_IP_STRMAX + 1), pos = 0;
	char *out = calloc(1, cap);
	char buf[PLAT_IP_STRMAX];

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (ips[i].family != fam)
			continue;
		int w = snprintf(out + pos, cap - pos, "%s%s", pos ? " " : "",
				 plat_ip_format(&ips[i], buf, sizeof(buf)));
		if (w > 0 && (size_t)w < cap - pos)
			pos += (size_t)w;
	}
	return out;
}

static void mask4(unsigned len, char *out, size_t outlen)
{
	unsigned long m = len ? 0xffffffffUL << (32 - len) : 0;

	snprintf(out, outlen, "%lu.%lu.%lu.%lu", (m >> 24) & 255, (m >> 16) & 255, (m >> 8) & 255,
		 m & 255);
}

static void add_routes(struct envb *e, const struct sstp_vpnc_info *in)
{
	char a[PLAT_IP_STRMAX], m[16];
	size_t n4 = 0, n6 = 0;

	if (in->full_tunnel)
		return;
	for (size_t i = 0; i < in->n_routes; i++) {
		const struct plat_prefix *p = &in->routes[i];

		plat_ip_format(&p->ip, a, sizeof(a));
		if (p->ip.family == PLAT_AF_INET) {
			mask4(p->len, m, sizeof(m));
			add(e, "CISCO_SPLIT_INC_%zu_ADDR=%s", n4, a);
			add(e, "CISCO_SPLIT_INC_%zu_MASK=%s", n4, m);
			add(e, "CISCO_SPLIT_INC_%zu_MASKLEN=%u", n4, (unsigned)p->len);
			add(e, "CISCO_SPLIT_INC_%zu_PROTOCOL=0", n4);
			n4++;
		} else {
			add(e, "CISCO_IPV6_SPLIT_INC_%zu_ADDR=%s", n6, a);
			add(e, "CISCO_IPV6_SPLIT_INC_%zu_MASKLEN=%u", n6, (unsigned)p->len);
			n6++;
		}
	}
	if (in->no_routes) {
		add(e, "CISCO_SPLIT_INC=0");
		return;
	}
	if (n4)
		add(e, "CISCO_SPLIT_INC=%zu", n4);
	if (n6)
		add(e, "CISCO_IPV6_SPLIT_INC=%zu", n6);
	if (n6 && !n4)
		add(e, "CISCO_SPLIT_INC=0"); /* IPv6 routes only: no IPv4 default route */
}

char **sstp_vpnc_env(const struct sstp_vpnc_info *in)
{
	struct envb e = {calloc(SSTP_VPNC_ENV_MAX, sizeof(char *)), 0, false};
	char a[PLAT_IP_STRMAX];

	if (!e.v)
		return NULL;
	add(&e, "reason=%s", in->reason);
	add(&e, "VPNPID=%d", in->pid);
	add(&e, "TUNDEV=%s", in->tundev ? in->tundev : "");
	if (in->gateway)
		add(&e, "VPNGATEWAY=%s", plat_ip_format(in->gateway, a, sizeof(a)));
	if (in->ip4) {
		add(&e, "INTERNAL_IP4_ADDRESS=%s", plat_ip_format(in->ip4, a, sizeof(a)));
		add(&e, "INTERNAL_IP4_NETMASK=255.255.255.255");
		add(&e, "INTERNAL_IP4_NETMASKLEN=32");
		add(&e, "INTERNAL_IP4_NETADDR=%s", a);
	}
	if (in->mtu)
		add(&e, "INTERNAL_IP4_MTU=%u", in->mtu);
	char *d4 = join_ips(in->dns, in->n_dns, PLAT_AF_INET);
	char *d6 = join_ips(in->dns, in->n_dns, PLAT_AF_INET6);
	if (!d4 || !d6)
		e.bad = true;
	if (d4 && d4[0])
		add(&e, "INTERNAL_IP4_DNS=%s", d4);
	if (d6 && d6[0])
		add(&e, "INTERNAL_IP6_DNS=%s", d6);
	free(d4);
	free(d6);
	/* IPv6CP gives only link-local identifiers: the address goes to the script only when IPv6
	 * traffic is routed into the tunnel, or vpnc-script would make it the IPv6 default route */
	size_t n6 = 0;
	for (size_t i = 0; i < in->n_routes; i++)
		n6 += in->routes[i].ip.family == PLAT_AF_INET6;
	if (in->ip6 && !in->no_routes && (in->full_tunnel || n6)) {
		plat_ip_format(in->ip6, a, sizeof(a));
		add(&e, "INTERNAL_IP6_ADDRESS=%s", a);
		add(&e, "INTERNAL_IP6_NETMASK=%s/%u", a, in->ip6_prefix);
	}
	if (in->n_domains) {
		size_t len = 1;
		for (size_t i = 0; i < in->n_domains; i++)
			len += strlen(in->domains[i]) + 1;
		char *s = calloc(1, len);
		if (!s)
			e.bad = true;
		for (size_t i = 0, pos = 0; s && i < in->n_domains; i++) {
			int w = snprintf(s + pos, len - pos, "%s%s", i ? " " : "", in->domains[i]);
			if (w > 0 && (size_t)w < len - pos)
				pos += (size_t)w;
		}
		if (s)
			add(&e, "CISCO_DEF_DOMAIN=%s", s);
		free(s);
	}
	if (in->banner)
		add(&e, "CISCO_BANNER=%s", in->banner);
	add_routes(&e, in);
	if (e.bad) {
		sstp_vpnc_env_free(e.v);
		return NULL;
	}
	return e.v;
}

void sstp_vpnc_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}
