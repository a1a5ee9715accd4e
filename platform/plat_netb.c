/* plat_netb.c - the net broker's message codec (plat_netb.h): requests and replies to and from
 * bytes, every length checked before it is read. Pure. */
#include "plat_netb.h"

#include <stdio.h>
#include <string.h>

/* ---- writer ----------------------------------------------------------------------------- */

struct wr {
	uint8_t *b;
	size_t cap, off;
	bool bad;
};

static void put(struct wr *w, const void *p, size_t n)
{
	if (w->bad || n > w->cap - w->off) {
		w->bad = true;
		return;
	}
	if (n)
		memcpy(w->b + w->off, p, n);
	w->off += n;
}

static void put8(struct wr *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(w, &b, 1);
}

static void put32(struct wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, 4);
}

static bool family_ok(uint8_t f)
{
	return f == PLAT_AF_INET || f == PLAT_AF_INET6;
}

static void put_ip(struct wr *w, const struct plat_ip *ip)
{
	uint8_t a[16];

	if (!family_ok(ip->family)) {
		w->bad = true;
		return;
	}
	memcpy(a, ip->addr, 16);
	if (ip->family == PLAT_AF_INET)
		memset(a + 4, 0, 12);
	put8(w, ip->family);
	put(w, a, 16);
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static bool text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void put_str(struct wr *w, const char *s, size_t min, size_t cap, bool spaces)
{
	size_t n = strnlen(s, cap + 1);

	if (n < min || n > cap || !(spaces ? text_ok(s, n) : printable(s, n))) {
		w->bad = true;
		return;
	}
	put8(w, (unsigned)n);
	put(w, s, n);
}

static int finish(struct wr *w, unsigned op)
{
	size_t body = w->off - NETB_HDR_LEN;

	if (w->bad || body > 0xffff)
		return -1;
	w->b[0] = NETB_VERSION;
	w->b[1] = (uint8_t)op;
	w->b[2] = (uint8_t)(body >> 8);
	w->b[3] = (uint8_t)body;
	return (int)w->off;
}

static unsigned max_plen(uint8_t fam)
{
	return fam == PLAT_AF_INET6 ? 128u : 32u;
}

int netb_req_encode(const struct netb_req *r, uint8_t *buf, size_t cap)
{
	struct wr w = { buf, cap, NETB_HDR_LEN, cap < NETB_HDR_LEN };

	switch (r->op) {
	case NETB_TUN_CREATE:
		put_str(&w, r->name, 0, PLAT_NET_IFNAME_MAX - 1, false);
		break;
	case NETB_SET_MTU:
		put32(&w, r->mtu);
		break;
	case NETB_SET_UP:
	case NETB_UNDO_ALL:
		break;
	case NETB_ADDR_ADD:
		put_ip(&w, &r->ip);
		put8(&w, r->has_peer);
		if (r->has_peer)
			put_ip(&w, &r->peer);
		else
			put(&w, (const uint8_t[17]){ PLAT_AF_INET }, 17);
		if (r->plen > max_plen(r->ip.family))
			w.bad = true;
		put8(&w, r->plen);
		break;
	case NETB_ADDR_DEL:
	case NETB_PIN_GATEWAY:
		put_ip(&w, &r->ip);
		break;
	case NETB_ROUTE_ADD:
		put_ip(&w, &r->dst.ip);
		if (r->dst.len > max_plen(r->dst.ip.family))
			w.bad = true;
		put8(&w, r->dst.len);
		put32(&w, r->metric);
		break;
	case NETB_DNS_APPLY:
		if (r->n_servers < 1 || r->n_servers > PLAT_DNS_MAX_SERVERS ||
		    r->n_domains > PLAT_DNS_MAX_DOMAINS)
			return -1;
		put8(&w, r->full_tunnel);
		put8(&w, (unsigned)r->n_servers);
		for (size_t i = 0; i < r->n_servers; i++)
			put_ip(&w, &r->servers[i]);
		put8(&w, (unsigned)r->n_domains);
		for (size_t i = 0; i < r->n_domains; i++)
			put_str(&w, r->domains[i], 1, PLAT_DNS_DOMAIN_MAX, false);
		break;
	default:
		return -1;
	}
	return finish(&w, r->op);
}

int netb_rep_encode(const struct netb_rep *r, uint8_t *buf, size_t cap)
{
	struct wr w = { buf, cap, NETB_HDR_LEN, cap < NETB_HDR_LEN };

	if (r->op < NETB_TUN_CREATE || r->op > NETB_OP_MAX)
		return -1;
	put32(&w, (uint32_t)r->result);
	put8(&w, r->dns_used);
	put32(&w, r->ifindex);
	put_str(&w, r->ifname, 0, PLAT_NET_IFNAME_MAX - 1, false);
	put_str(&w, r->err, 0, PLAT_NET_ERR_MAX - 1, true);
	return finish(&w, r->op);
}

/* ---- reader ----------------------------------------------------------------------------- */

struct rd {
	const uint8_t *b;
	size_t len, off;
	char *why;
	size_t whylen;
	bool bad;
};

static bool fail(struct rd *r, const char *what)
{
	if (!r->bad && r->why && r->whylen)
		snprintf(r->why, r->whylen, "malformed net broker message: %s (at byte %zu)", what,
			 r->off);
	r->bad = true;
	return false;
}

static bool take(struct rd *r, void *dst, size_t n)
{
	if (r->bad)
		return false;
	if (n > r->len - r->off)
		return fail(r, "a field runs past the end");
	memcpy(dst, r->b + r->off, n);
	r->off += n;
	return true;
}

static uint8_t get8(struct rd *r)
{
	uint8_t v = 0;

	take(r, &v, 1);
	return v;
}

static uint32_t get32(struct rd *r)
{
	uint8_t b[4] = { 0 };

	take(r, b, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool get_bool(struct rd *r)
{
	uint8_t v = get8(r);

	if (v > 1)
		fail(r, "a flag is neither 0 nor 1");
	return v == 1;
}

static void get_ip(struct rd *r, struct plat_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = get8(r);
	if (!take(r, ip->addr, 16))
		return;
	if (!family_ok(ip->family)) {
		fail(r, "an address family is neither 4 nor 6");
		return;
	}
	if (ip->family == PLAT_AF_INET)
		for (int i = 4; i < 16; i++)
			if (ip->addr[i])
				fail(r, "an IPv4 address has bytes past its fourth");
}

static void get_str(struct rd *r, char *dst, size_t min, size_t cap, bool spaces)
{
	size_t n = get8(r);

	dst[0] = '\0';
	if (r->bad)
		return;
	if (n < min || n > cap) {
		fail(r, "a string length is out of range");
		return;
	}
	if (!take(r, dst, n))
		return;
	dst[n] = '\0';
	if (!(spaces ? text_ok(dst, n) : printable(dst, n)))
		fail(r, "a string holds a control or non-ASCII byte");
}

static bool header(struct rd *r, uint8_t *op)
{
	uint8_t v = get8(r);
	size_t body;

	*op = get8(r);
	body = (size_t)get8(r) << 8;
	body |= get8(r);
	if (r->bad)
		return false;
	if (v != NETB_VERSION)
		return fail(r, "unknown version");
	if (*op < NETB_TUN_CREATE || *op > NETB_OP_MAX)
		return fail(r, "unknown operation");
	if (body != r->len - NETB_HDR_LEN)
		return fail(r, "the body length does not match the message");
	return true;
}

static int done(struct rd *r)
{
	if (!r->bad && r->off != r->len)
		fail(r, "bytes after the last field");
	return r->bad ? -1 : 0;
}

static void get_dns(struct rd *r, struct netb_req *q)
{
	q->full_tunnel = get_bool(r);
	q->n_servers = get8(r);
	if (!r->bad && (q->n_servers < 1 || q->n_servers > PLAT_DNS_MAX_SERVERS)) {
		fail(r, "the DNS server count is out of range");
		return;
	}
	for (size_t i = 0; i < q->n_servers && !r->bad; i++)
		get_ip(r, &q->servers[i]);
	q->n_domains = get8(r);
	if (!r->bad && q->n_domains > PLAT_DNS_MAX_DOMAINS) {
		fail(r, "the DNS domain count is out of range");
		return;
	}
	for (size_t i = 0; i < q->n_domains && !r->bad; i++)
		get_str(r, q->domains[i], 1, PLAT_DNS_DOMAIN_MAX, false);
}

int netb_req_decode(const uint8_t *buf, size_t len, struct netb_req *q, char *why, size_t whylen)
{
	struct rd r = { buf, len, 0, why, whylen, false };
	uint8_t op;

	memset(q, 0, sizeof(*q));
	if (!header(&r, &op))
		return -1;
	q->op = (enum netb_op)op;
	switch (q->op) {
	case NETB_TUN_CREATE:
		get_str(&r, q->name, 0, PLAT_NET_IFNAME_MAX - 1, false);
		break;
	case NETB_SET_MTU:
		q->mtu = get32(&r);
		break;
	case NETB_SET_UP:
	case NETB_UNDO_ALL:
		break;
	case NETB_ADDR_ADD:
		get_ip(&r, &q->ip);
		q->has_peer = get_bool(&r);
		get_ip(&r, &q->peer);
		q->plen = get8(&r);
		if (!r.bad && q->plen > max_plen(q->ip.family))
			fail(&r, "the prefix length is too long for the family");
		if (!r.bad && q->has_peer && q->peer.family != q->ip.family)
			fail(&r, "the peer's family differs from the address's");
		if (!q->has_peer)
			memset(&q->peer, 0, sizeof(q->peer));
		break;
	case NETB_ADDR_DEL:
	case NETB_PIN_GATEWAY:
		get_ip(&r, &q->ip);
		break;
	case NETB_ROUTE_ADD:
		get_ip(&r, &q->dst.ip);
		q->dst.len = get8(&r);
		q->metric = get32(&r);
		if (!r.bad && q->dst.len > max_plen(q->dst.ip.family))
			fail(&r, "the prefix length is too long for the family");
		break;
	case NETB_DNS_APPLY:
		get_dns(&r, q);
		break;
	}
	return done(&r);
}

int netb_rep_decode(const uint8_t *buf, size_t len, struct netb_rep *p, char *why, size_t whylen)
{
	struct rd r = { buf, len, 0, why, whylen, false };
	uint8_t op;

	memset(p, 0, sizeof(*p));
	if (!header(&r, &op))
		return -1;
	p->op = (enum netb_op)op;
	p->result = (int32_t)get32(&r);
	p->dns_used = get8(&r);
	p->ifindex = get32(&r);
	get_str(&r, p->ifname, 0, PLAT_NET_IFNAME_MAX - 1, false);
	get_str(&r, p->err, 0, PLAT_NET_ERR_MAX - 1, true);
	if (!r.bad && (p->result > 0 || p->result < -4095))
		fail(&r, "the result is neither 0 nor an errno");
	if (!r.bad && p->dns_used > PLAT_DNS_WINDOWS)
		fail(&r, "unknown DNS backend");
	return done(&r);
}

const char *netb_op_name(unsigned op)
{
	static const char *const names[] = { "?", "tun-create", "set-mtu", "set-up", "addr-add",
					     "addr-del", "pin-gateway", "route-add", "dns-apply",
					     "undo-all" };

	return op <= NETB_OP_MAX ? names[op] : "?";
}
