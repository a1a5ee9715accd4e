/* nm_report.c - the child's "KEY VALUE" report turned into the dictionaries NetworkManager's
 * SetConfig, SetIp4Config and SetIp6Config take (nm-vpn-dbus-interface.h names the keys). */
#include "nm_sstp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_ip(const char *v, struct plat_ip *ip, bool *has)
{
	if (plat_ip_parse(v, ip) < 0)
		return -1;
	if (has)
		*has = true;
	return 0;
}

int nm_sstp_report_line(struct nm_sstp_report *r, const char *line)
{
	const char *sp = strchr(line, ' '), *v;
	size_t klen;
	char *end;

	if (!sp)
		return -1;
	klen = (size_t)(sp - line);
	v = sp + 1;
#define IS(k) (klen == sizeof(k) - 1 && memcmp(line, k, klen) == 0)
	if (IS("ifname")) {
		if (!v[0] || strlen(v) >= sizeof(r->ifname))
			return -1;
		for (const char *c = v; *c; c++) /* a kernel name: printable ASCII, no '/' */
			if (*c <= ' ' || *c > '~' || *c == '/')
				return -1;
		snprintf(r->ifname, sizeof(r->ifname), "%s", v);
		return 0;
	}
	if (IS("mtu")) {
		unsigned long m = strtoul(v, &end, 10);

		if (!v[0] || *end || m > 65535)
			return -1;
		r->mtu = (unsigned)m;
		return 0;
	}
	if (IS("local"))
		return parse_ip(v, &r->local, &r->has_local);
	if (IS("peer"))
		return parse_ip(v, &r->peer, &r->has_peer);
	if (IS("gw"))
		return parse_ip(v, &r->gw, &r->has_gw);
	if (IS("ip6local"))
		return parse_ip(v, &r->ip6local, &r->has_ip6);
	if (IS("ip6peer"))
		return parse_ip(v, &r->ip6peer, NULL);
	if (IS("route")) {
		if (r->n_routes >= NM_SSTP_MAX_ROUTES ||
		    plat_prefix_parse(v, false, &r->routes[r->n_routes]) < 0)
			return -1;
		r->n_routes++;
		return 0;
	}
	if (IS("dns")) {
		if (r->n_dns >= NM_SSTP_MAX_DNS || plat_ip_parse(v, &r->dns[r->n_dns]) < 0)
			return -1;
		r->n_dns++;
		return 0;
	}
	if (IS("up")) {
		r->up = r->ifname[0] && r->has_local;
		return r->up ? 0 : -1;
	}
#undef IS
	return -1;
}

static guint32 v4(const struct plat_ip *ip)
{
	guint32 a;

	memcpy(&a, ip->addr, 4); /* network byte order, as NetworkManager wants it */
	return a;
}

static GVariant *v6(const struct plat_ip *ip)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, ip->addr, 16, 1);
}

GVariant *nm_sstp_report_config(const struct nm_sstp_report *r)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_CONFIG_TUNDEV,
			      g_variant_new_string(r->ifname));
	if (r->has_gw)
		g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY,
				      r->gw.family == PLAT_AF_INET ? g_variant_new_uint32(v4(&r->gw))
								   : v6(&r->gw));
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP4,
			      g_variant_new_boolean(r->has_local));
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP6,
			      g_variant_new_boolean(r->has_ip6));
	if (r->mtu)
		g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_CONFIG_MTU,
				      g_variant_new_uint32(r->mtu));
	return g_variant_builder_end(&b);
}

static void add_domains(GVariantBuilder *b, const char *key, const struct nm_sstp_opts *o)
{
	GVariantBuilder d;

	if (!o->n_domains)
		return;
	g_variant_builder_init(&d, G_VARIANT_TYPE("as"));
	for (size_t i = 0; i < o->n_domains; i++)
		g_variant_builder_add(&d, "s", o->domains[i]);
	g_variant_builder_add(b, "{sv}", key, g_variant_builder_end(&d));
}

GVariant *nm_sstp_report_ip4(const struct nm_sstp_report *r, const struct nm_sstp_opts *o)
{
	GVariantBuilder b, dns, routes;
	size_t n4 = 0;

	if (!r->has_local)
		return NULL;
	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS,
			      g_variant_new_uint32(v4(&r->local)));
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PREFIX, g_variant_new_uint32(32));
	if (r->has_peer)
		g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PTP,
				      g_variant_new_uint32(v4(&r->peer)));
	g_variant_builder_init(&dns, G_VARIANT_TYPE("au"));
	for (size_t i = 0; i < r->n_dns; i++)
		if (r->dns[i].family == PLAT_AF_INET)
			g_variant_builder_add(&dns, "u", v4(&r->dns[i]));
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_DNS, g_variant_builder_end(&dns));
	add_domains(&b, NM_VPN_PLUGIN_IP4_CONFIG_DOMAINS, o);
	g_variant_builder_init(&routes, G_VARIANT_TYPE("aau"));
	for (size_t i = 0; i < r->n_routes; i++) {
		const struct plat_prefix *p = &r->routes[i];
		guint32 rt[4] = { 0, 0, 0, 0 };

		if (p->ip.family != PLAT_AF_INET)
			continue;
		rt[0] = v4(&p->ip);
		rt[1] = p->len;
		g_variant_builder_add_value(&routes, g_variant_new_fixed_array(
			G_VARIANT_TYPE_UINT32, rt, 4, sizeof(guint32)));
		n4++;
	}
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ROUTES,
			      g_variant_builder_end(&routes));
	/* routes from the profile make a split tunnel; none sends everything through it */
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT,
			      g_variant_new_boolean(n4 > 0));
	return g_variant_builder_end(&b);
}

GVariant *nm_sstp_report_ip6(const struct nm_sstp_report *r, const struct nm_sstp_opts *o)
{
	GVariantBuilder b, routes;
	size_t n6 = 0;

	if (!r->has_ip6)
		return NULL;
	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS, v6(&r->ip6local));
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PREFIX, g_variant_new_uint32(64));
	if (r->ip6peer.family == PLAT_AF_INET6)
		g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PTP, v6(&r->ip6peer));
	add_domains(&b, NM_VPN_PLUGIN_IP6_CONFIG_DOMAINS, o);
	g_variant_builder_init(&routes, G_VARIANT_TYPE("a(ayuayu)"));
	for (size_t i = 0; i < r->n_routes; i++) {
		const struct plat_prefix *p = &r->routes[i];
		static const uint8_t zero[16];

		if (p->ip.family != PLAT_AF_INET6)
			continue;
		g_variant_builder_add(&routes, "(@ayu@ayu)", v6(&p->ip), (guint32)p->len,
				      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, zero, 16, 1),
				      (guint32)0);
		n6++;
	}
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ROUTES,
			      g_variant_builder_end(&routes));
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT,
			      g_variant_new_boolean(n6 > 0));
	return g_variant_builder_end(&b);
}
