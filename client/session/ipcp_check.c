/* ipcp_check.c - refusal of hostile IPCP/IPv6CP addresses (see ipcp_check.h). */
#include "ipcp_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A sentence fragment for an address no tunnel may use, or NULL. */
static const char *special_v4(const uint8_t a[4])
{
	if (a[0] == 0)
		return "an unspecified (0.0.0.0/8) address";
	if (a[0] == 127)
		return "a loopback address";
	if (a[0] == 169 && a[1] == 254)
		return "a link-local address";
	if (a[0] >= 224 && a[0] <= 239)
		return "a multicast address";
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "the broadcast address";
	if (a[0] >= 240)
		return "a reserved (240.0.0.0/4) address";
	return NULL;
}

static void v4_of(const uint8_t a[4], struct plat_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET;
	memcpy(ip->addr, a, 4);
}

/* The interface whose network holds ip, or NULL. */
static const struct plat_addr_info *local_net_of(const struct plat_ip *ip,
						 const struct plat_addr_info *addrs, size_t n,
						 const char *skip_if, bool local,
						 struct plat_prefix *net)
{
	for (size_t i = 0; i < n; i++) {
		const struct plat_addr_info *a = &addrs[i];

		if (a->local.ip.family != PLAT_AF_INET)
			continue;
		if (skip_if && skip_if[0] && strncmp(a->ifname, skip_if, sizeof(a->ifname)) == 0)
			continue;
		*net = a->local;
		if (net->len > 32)
			continue;
		if (a->peer.family == PLAT_AF_INET && local) {
			/* point-to-point: the local address itself, and the peer host (as a local
			 * address only: several tunnels to one server share its peer address) */
			struct plat_prefix host = { .ip = a->peer, .len = 32 };

			if (plat_prefix_contains(&host, ip)) {
				*net = host;
				return a;
			}
		}
		if (a->peer.family == PLAT_AF_INET)
			net->len = 32;
		if (plat_prefix_contains(net, ip))
			return a;
	}
	return NULL;
}

static int check_one(const char *role, const uint8_t a[4], const struct plat_ip *gateway,
		     const struct plat_addr_info *addrs, size_t n, const char *skip_if, char *why,
		     size_t whylen)
{
	char s[PLAT_IP_STRMAX], g[PLAT_PREFIX_STRMAX];
	const struct plat_addr_info *hit;
	const char *what = special_v4(a);
	struct plat_prefix net;
	struct plat_ip ip;

	v4_of(a, &ip);
	plat_ip_format(&ip, s, sizeof(s));
	if (what) {
		snprintf(why, whylen, "the server assigned %s as the %s address of the tunnel, which "
			 "is %s; refused", s, role, what);
		return -1;
	}
	if (gateway && gateway->family == PLAT_AF_INET && plat_ip_equal(gateway, &ip)) {
		snprintf(why, whylen, "the server assigned its own address %s as the %s address of "
			 "the tunnel; refused", s, role);
		return -1;
	}
	hit = local_net_of(&ip, addrs, n, skip_if, strcmp(role, "local") == 0, &net);
	if (hit) {
		for (unsigned b = net.len; b < 32; b++) /* the network, not the host, in the text */
			net.ip.addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
		snprintf(why, whylen, "the server assigned %s as the %s address of the tunnel, which "
			 "is inside the local network %s of %.*s; refused", s, role,
			 plat_prefix_format(&net, g, sizeof(g)), (int)sizeof(hit->ifname),
			 hit->ifname[0] ? hit->ifname : "?");
		return -1;
	}
	return 0;
}

int sstp_ipcp_check_v4(const uint8_t local[4], const uint8_t peer[4],
		       const struct plat_ip *gateway, const struct plat_addr_info *addrs, size_t n,
		       const char *skip_if, char *why, size_t whylen)
{
	if (check_one("local", local, gateway, addrs, n, skip_if, why, whylen) < 0)
		return -1;
	if (is_zero(peer, 4))
		return 0;
	if (memcmp(local, peer, 4) == 0) {
		snprintf(why, whylen, "the server assigned the same address %u.%u.%u.%u to both ends "
			 "of the tunnel; refused", local[0], local[1], local[2], local[3]);
		return -1;
	}
	return check_one("peer", peer, gateway, addrs, n, skip_if, why, whylen);
}

int sstp_ipcp_check_v6(const uint8_t local_iid[8], const uint8_t peer_iid[8], char *why,
		       size_t whylen)
{
	if (is_zero(local_iid, 8)) {
		snprintf(why, whylen, "IPv6CP ended with a zero local interface identifier (the "
			 "unspecified address); refused");
		return -1;
	}
	if (memcmp(local_iid, peer_iid, 8) == 0) {
		snprintf(why, whylen, "IPv6CP gave both ends of the tunnel the same interface "
			 "identifier; refused");
		return -1;
	}
	return 0;
}
