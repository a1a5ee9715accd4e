/* profile_addr.c - IPv4/IPv6 address and CIDR parsing and formatting (RFC 4291 text form in,
 * RFC 5952 form out), prefix overlap, and the string list used by profiles and packages.
 * Written without inet_pton so it behaves the same on every OS and can be fuzzed. */
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_hex.h"

static int parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t digits = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (digits == 3)
				return -1;
			v = v * 10 + (unsigned)(s[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0 || v > 255)
			return -1;
		if (digits > 1 && s[i - digits] == '0')
			return -1; /* leading zero: octal in some parsers, refuse the ambiguity */
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
	}
	return i == len ? 0 : -1;
}

static int parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
	uint8_t buf[16];
	size_t n = 0;          /* bytes written to buf */
	long gap = -1;         /* byte index of "::" */
	size_t i = 0;

	if (len < 2)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	}
	for (;;) {
		size_t start = i;
		unsigned v = 0;
		int digits = 0;
		while (i < len && base_hex_digit(s[i]) >= 0) {
			if (digits == 4)
				return -1;
			v = (v << 4) | (unsigned)base_hex_digit(s[i]);
			digits++;
			i++;
		}
		if (i < len && s[i] == '.') {
			/* embedded IPv4 at the end */
			if (n > 12 || parse_ipv4(s + start, len - start, buf + n) != 0)
				return -1;
			n += 4;
			i = len;
			break;
		}
		if (digits == 0)
			return -1;
		if (n > 14)
			return -1;
		buf[n++] = (uint8_t)(v >> 8);
		buf[n++] = (uint8_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = (long)n;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return -1; /* trailing single ':' */
		}
	}
done:
	if (gap >= 0) {
		if (n > 14)
			return -1; /* "::" must stand for at least one group */
		size_t tail = n - (size_t)gap;
		memset(out, 0, 16);
		memcpy(out, buf, (size_t)gap);
		memcpy(out + 16 - tail, buf + gap, tail);
		return 0;
	}
	if (n != 16)
		return -1;
	memcpy(out, buf, 16);
	return 0;
}

static int ip_parse_n(const char *s, size_t len, struct sstp_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0 || len > 45)
		return -1;
	if (memchr(s, ':', len)) {
		if (parse_ipv6(s, len, out->addr) != 0)
			return -1;
		out->family = SSTP_AF_INET6;
		return 0;
	}
	if (parse_ipv4(s, len, out->addr) != 0)
		return -1;
	out->family = SSTP_AF_INET4;
	return 0;
}

int sstp_ip_parse(const char *s, struct sstp_ip *out)
{
	if (!s || !out)
		return -1;
	return ip_parse_n(s, strlen(s), out);
}

static unsigned family_bits(enum sstp_af f)
{
	return f == SSTP_AF_INET4 ? 32 : f == SSTP_AF_INET6 ? 128 : 0;
}

static void clear_host_bits(struct sstp_cidr *c)
{
	unsigned bits = family_bits(c->ip.family);
	for (unsigned b = c->prefix; b < bits; b++)
		c->ip.addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
}

int sstp_cidr_parse(const char *s, struct sstp_cidr *out)
{
	if (!s || !out)
		return -1;
	memset(out, 0, sizeof(*out));
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (ip_parse_n(s, alen, &out->ip) != 0)
		return -1;
	unsigned bits = family_bits(out->ip.family);
	if (!slash) {
		out->prefix = bits;
		return 0;
	}
	const char *p = slash + 1;
	unsigned v = 0;
	size_t digits = 0;
	while (*p >= '0' && *p <= '9') {
		if (digits == 3)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
		digits++;
		p++;
	}
	if (digits == 0 || *p != '\0' || v > bits || (digits > 1 && slash[1] == '0'))
		return -1;
	out->prefix = v;
	clear_host_bits(out);
	return 0;
}

int sstp_ip_format(const struct sstp_ip *ip, char *buf, size_t len)
{
	int n;
	if (!ip || !buf || len == 0)
		return -1;
	if (ip->family == SSTP_AF_INET4) {
		n = snprintf(buf, len, "%u.%u.%u.%u", ip->addr[0], ip->addr[1], ip->addr[2],
			     ip->addr[3]);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	}
	if (ip->family != SSTP_AF_INET6)
		return -1;
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = ((unsigned)ip->addr[2 * i] << 8) | ip->addr[2 * i + 1];
	/* RFC 5952: compress the longest run (first if tied) of two or more zero groups */
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	size_t off = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			n = snprintf(buf + off, len - off, "::");
			i += best_len - 1;
		} else {
			bool sep = i > 0 && i != best + best_len;
			n = snprintf(buf + off, len - off, "%s%x", sep ? ":" : "", g[i]);
		}
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int sstp_cidr_format(const struct sstp_cidr *c, char *buf, size_t len)
{
	if (!c || sstp_ip_format(&c->ip, buf, len) != 0)
		return -1;
	size_t off = strlen(buf);
	int n = snprintf(buf + off, len - off, "/%u", c->prefix);
	return n < 0 || (size_t)n >= len - off ? -1 : 0;
}

bool sstp_cidr_overlap(const struct sstp_cidr *a, const struct sstp_cidr *b)
{
	if (!a || !b || a->ip.family != b->ip.family || a->ip.family == SSTP_AF_NONE)
		return false;
	unsigned bits = family_bits(a->ip.family);
	unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;
	if (p > bits)
		p = bits;
	for (unsigned i = 0; i < p; i++) {
		uint8_t m = (uint8_t)(0x80u >> (i % 8));
		if ((a->ip.addr[i / 8] & m) != (b->ip.addr[i / 8] & m))
			return false;
	}
	return true;
}

int sstp_ipv4_mask_prefix(const struct sstp_ip *mask)
{
	if (!mask || mask->family != SSTP_AF_INET4)
		return -1;
	uint32_t m = ((uint32_t)mask->addr[0] << 24) | ((uint32_t)mask->addr[1] << 16) |
		     ((uint32_t)mask->addr[2] << 8) | mask->addr[3];
	int prefix = 0;
	while (prefix < 32 && (m & (0x80000000u >> prefix)))
		prefix++;
	uint32_t expect = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
	return m == expect ? prefix : -1;
}

int sstp_strlist_add(struct sstp_strlist *l, const char *s)
{
	if (!l || !s)
		return -1;
	char *copy = strdup(s);
	if (!copy)
		return -1;
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return -1;
	}
	v[l->n++] = copy;
	l->v = v;
	return 0;
}

void sstp_strlist_free(struct sstp_strlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int sstp_profile_set_domains(struct sstp_profile *p, const char *const *v, size_t n)
{
	struct sstp_strlist l = {0};

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (sstp_strlist_add(&l, v[i]) != 0) {
			sstp_strlist_free(&l);
			return -1;
		}
	}
	sstp_strlist_free(&p->dns_domains);
	p->dns_domains = l;
	return 0;
}
