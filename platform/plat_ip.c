/* plat_ip.c - OS-independent helpers of plat_net.h: parse and format IPv4/IPv6 addresses and
 * prefixes (user input such as --route CIDR, journal records), containment and overlap tests,
 * the full-tunnel halves, and the DNS backend names. */
#include "plat_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static unsigned fam_bits(uint8_t fam)
{
	return fam == PLAT_AF_INET ? 32u : fam == PLAT_AF_INET6 ? 128u : 0u;
}

int plat_ip_parse(const char *s, struct plat_ip *out)
{
	struct plat_ip ip;

	if (!s || !out)
		return -EINVAL;
	memset(&ip, 0, sizeof(ip));
	if (strlen(s) >= PLAT_IP_STRMAX)
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip.addr) == 1) {
		ip.family = PLAT_AF_INET;
	} else if (strchr(s, '%') == NULL && inet_pton(AF_INET6, s, ip.addr) == 1) {
		ip.family = PLAT_AF_INET6;
	} else {
		return -EINVAL;
	}
	*out = ip;
	return 0;
}

/* Clear the bits past len; returns true if any was set. */
static bool clear_host_bits(struct plat_ip *ip, unsigned len)
{
	unsigned bits = fam_bits(ip->family);
	bool had = false;

	for (unsigned i = len; i < bits; i++) {
		uint8_t mask = (uint8_t)(0x80u >> (i % 8));
		if (ip->addr[i / 8] & mask) {
			had = true;
			ip->addr[i / 8] &= (uint8_t)~mask;
		}
	}
	return had;
}

int plat_prefix_parse(const char *s, bool strict, struct plat_prefix *out)
{
	char addr[PLAT_IP_STRMAX];
	const char *slash;
	struct plat_prefix p;
	size_t alen;
	unsigned long len;

	if (!s || !out)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (plat_ip_parse(addr, &p.ip) != 0)
		return -EINVAL;
	if (slash) {
		const char *d = slash + 1;
		size_t dl = strlen(d);
		/* 1..3 decimal digits, no sign, no spaces, no leading zeros except "0" itself */
		if (dl == 0 || dl > 3 || (dl > 1 && d[0] == '0'))
			return -EINVAL;
		len = 0;
		for (size_t i = 0; i < dl; i++) {
			if (d[i] < '0' || d[i] > '9')
				return -EINVAL;
			len = len * 10 + (unsigned long)(d[i] - '0');
		}
		if (len > fam_bits(p.ip.family))
			return -EINVAL;
	} else {
		len = fam_bits(p.ip.family);
	}
	p.len = (uint8_t)len;
	if (clear_host_bits(&p.ip, p.len) && strict)
		return -EINVAL;
	*out = p;
	return 0;
}

const char *plat_ip_format(const struct plat_ip *ip, char *buf, size_t len)
{
	if (!buf || len == 0)
		return "?";
	if (!ip || (ip->family != PLAT_AF_INET && ip->family != PLAT_AF_INET6) ||
	    !inet_ntop(ip->family == PLAT_AF_INET ? AF_INET : AF_INET6, ip->addr, buf,
		       (socklen_t)(len > 1024 ? 1024 : len))) {
		snprintf(buf, len, "?");
	}
	return buf;
}

const char *plat_prefix_format(const struct plat_prefix *p, char *buf, size_t len)
{
	char a[PLAT_IP_STRMAX];

	if (!buf || len == 0)
		return "?";
	if (!p || p->len > fam_bits(p->ip.family) || fam_bits(p->ip.family) == 0) {
		snprintf(buf, len, "?");
		return buf;
	}
	plat_ip_format(&p->ip, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, (unsigned)p->len);
	return buf;
}

bool plat_ip_equal(const struct plat_ip *a, const struct plat_ip *b)
{
	unsigned bits;

	if (a->family != b->family)
		return false;
	bits = fam_bits(a->family);
	return memcmp(a->addr, b->addr, bits / 8) == 0;
}

/* True if the first len bits of a and b are equal. */
static bool same_bits(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));
		if ((a[full] & mask) != (b[full] & mask))
			return false;
	}
	return true;
}

bool plat_prefix_contains(const struct plat_prefix *p, const struct plat_ip *ip)
{
	if (p->ip.family != ip->family || p->len > fam_bits(p->ip.family))
		return false;
	return same_bits(p->ip.addr, ip->addr, p->len);
}

bool plat_prefix_overlap(const struct plat_prefix *a, const struct plat_prefix *b)
{
	unsigned len = a->len < b->len ? a->len : b->len;

	if (a->ip.family != b->ip.family || fam_bits(a->ip.family) == 0 ||
	    a->len > fam_bits(a->ip.family) || b->len > fam_bits(b->ip.family))
		return false;
	return same_bits(a->ip.addr, b->ip.addr, len);
}

void plat_full_tunnel_prefixes(enum plat_family fam, struct plat_prefix out[2])
{
	memset(out, 0, 2 * sizeof(out[0]));
	out[0].ip.family = out[1].ip.family = (uint8_t)fam;
	out[0].len = out[1].len = 1;
	out[1].ip.addr[0] = 0x80;
}

const char *plat_dns_backend_name(enum plat_dns_backend b)
{
	switch (b) {
	case PLAT_DNS_RESOLVED:
		return "systemd-resolved";
	case PLAT_DNS_RESOLVCONF:
		return "resolvconf";
	case PLAT_DNS_RESOLV_CONF:
		return "resolv.conf";
	case PLAT_DNS_WINDOWS:
		return "windows";
	case PLAT_DNS_NONE:
		break;
	}
	return "none";
}

/* One zone: the first `labels` labels (octets or nibbles) of ip, least significant first. */
static void reverse_name(const uint8_t *a, bool v6, unsigned labels, char *out, size_t len)
{
	size_t k = 0;

	out[0] = '\0';
	for (unsigned i = labels; i-- > 0 && k < len;) {
		if (v6)
			k += (size_t)snprintf(out + k, len - k, "%x.",
					      (unsigned)(i % 2 ? a[i / 2] & 0x0f : a[i / 2] >> 4));
		else
			k += (size_t)snprintf(out + k, len - k, "%u.", (unsigned)a[i]);
	}
	if (k < len)
		snprintf(out + k, len - k, "%s", v6 ? "ip6.arpa" : "in-addr.arpa");
}

size_t plat_prefix_reverse_zones(const struct plat_prefix *p, char (*out)[PLAT_REVERSE_ZONE_MAX],
				 size_t max)
{
	const bool v6 = p && p->ip.family == PLAT_AF_INET6;
	const unsigned step = v6 ? 4 : 8;
	unsigned len, labels, extra;
	struct plat_ip ip;
	size_t n;

	if (!p || (p->ip.family != PLAT_AF_INET && !v6) || p->len > fam_bits(p->ip.family))
		return 0;
	len = p->len;
	extra = (step - len % step) % step; /* bits to the next boundary */
	if (extra && (1u << extra) > 16) {
		len -= step - extra; /* the enclosing zone instead */
		extra = 0;
	}
	labels = (len + extra) / step;
	n = (size_t)1 << extra;
	ip = p->ip;
	clear_host_bits(&ip, len);
	for (size_t i = 0; i < n && i < max; i++) {
		uint8_t b[16];
		unsigned bit = len; /* the extra bits sit right after the prefix */

		memcpy(b, ip.addr, sizeof(b));
		for (unsigned k = 0; k < extra; k++, bit++) {
			uint8_t m = (uint8_t)(0x80u >> (bit % 8));
			if ((i >> (extra - 1 - k)) & 1)
				b[bit / 8] |= m;
			else
				b[bit / 8] &= (uint8_t)~m;
		}
		reverse_name(b, v6, labels, out[i], PLAT_REVERSE_ZONE_MAX);
	}
	return n;
}
