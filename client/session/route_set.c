/* route_set.c - the session's route set: merge, drop what changes nothing, resolve conflicts with
 * the system's routes (see route_set.h). */
#include "route_set.h"

#include <stdio.h>
#include <string.h>

static unsigned fam_bits(uint8_t fam)
{
	return fam == PLAT_AF_INET ? 32u : fam == PLAT_AF_INET6 ? 128u : 0u;
}

static bool prefix_valid(const struct plat_prefix *p)
{
	unsigned bits = fam_bits(p->ip.family);

	return bits && p->len <= bits;
}

/* Host bits (and the unused tail of an IPv4 address) cleared. */
static void normalize(struct plat_prefix *p)
{
	for (unsigned i = p->len; i < 128; i++)
		p->ip.addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

static bool same_prefix(const struct plat_prefix *a, const struct plat_prefix *b)
{
	return a->ip.family == b->ip.family && a->len == b->len &&
	       memcmp(a->ip.addr, b->ip.addr, fam_bits(a->ip.family) / 8) == 0;
}

/* True if inner lies inside outer (equal counts). Both valid and normalized. */
static bool nested_in(const struct plat_prefix *inner, const struct plat_prefix *outer)
{
	return inner->ip.family == outer->ip.family && outer->len <= inner->len &&
	       plat_prefix_contains(outer, &inner->ip);
}

static bool host_equal(const struct plat_prefix *p, const struct plat_ip *ip)
{
	return ip && p->ip.family == ip->family && p->len == fam_bits(ip->family) &&
	       plat_ip_equal(&p->ip, ip);
}

/* Add dst or fold src into the entry that has it already. */
static void add_or_merge(struct route_set_entry *out, size_t *n, size_t max,
			 const struct plat_prefix *dst, unsigned src, struct route_set_stats *st)
{
	for (size_t i = 0; i < *n; i++) {
		if (same_prefix(&out[i].dst, dst)) {
			out[i].src |= src;
			st->merged++;
			return;
		}
	}
	if (*n >= max) {
		st->overflow++;
		return;
	}
	memset(&out[*n], 0, sizeof(out[*n]));
	out[*n].dst = *dst;
	out[*n].src = src;
	out[*n].action = ROUTE_ADD;
	(*n)++;
}

static int entry_cmp(const struct route_set_entry *a, const struct route_set_entry *b)
{
	if (a->dst.ip.family != b->dst.ip.family)
		return a->dst.ip.family < b->dst.ip.family ? -1 : 1;
	if (a->dst.len != b->dst.len)
		return a->dst.len < b->dst.len ? -1 : 1;
	return memcmp(a->dst.ip.addr, b->dst.ip.addr, 16);
}

static void sort_entries(struct route_set_entry *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct route_set_entry t = e[i];
		size_t j = i;

		while (j > 0 && entry_cmp(&e[j - 1], &t) > 0) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = t;
	}
}

static bool existing_usable(const struct route_set_input *in, const struct plat_route_info *x)
{
	if (!prefix_valid(&x->dst))
		return false;
	return !(in->tun_ifname && in->tun_ifname[0] &&
		 strncmp(x->ifname, in->tun_ifname, sizeof(x->ifname)) == 0);
}

static size_t n_existing(const struct route_set_input *in)
{
	if (!in->existing)
		return 0;
	return in->n_existing < ROUTE_SET_MAX_EXISTING ? in->n_existing : ROUTE_SET_MAX_EXISTING;
}

/* Is metric m taken by a system route to exactly dst (any interface)? */
static bool metric_taken(const struct route_set_input *in, const struct plat_prefix *dst,
			 uint32_t m)
{
	for (size_t i = 0; i < n_existing(in); i++) {
		struct plat_prefix x = in->existing[i].dst;

		if (!prefix_valid(&x))
			continue;
		normalize(&x);
		if (same_prefix(&x, dst) && in->existing[i].metric == m)
			return true;
	}
	return false;
}

/* The metric for a prefer-tunnel route that must beat `other`; sets lost if none can. */
static uint32_t pick_metric(const struct route_set_input *in, struct route_set_entry *e,
			    uint32_t ours, uint32_t other)
{
	for (uint32_t m = other; m > 0; m--) {
		if (!metric_taken(in, &e->dst, m - 1))
			return m - 1;
		if (other - m >= 256)
			break;
	}
	e->conflict_lost = true;
	for (uint32_t m = ours; m - ours < 256 && m != UINT32_MAX; m++)
		if (!metric_taken(in, &e->dst, m))
			return m;
	return ours;
}

static void resolve_conflict(const struct route_set_input *in, struct route_set_entry *e,
			     uint32_t ours)
{
	const struct plat_route_info *best = NULL;

	for (size_t i = 0; i < n_existing(in); i++) {
		const struct plat_route_info *x = &in->existing[i];
		struct plat_prefix xd = x->dst;

		if (!existing_usable(in, x))
			continue;
		normalize(&xd);
		if (!same_prefix(&xd, &e->dst) || x->metric > ours)
			continue;
		if (!best || x->metric < best->metric)
			best = x;
	}
	e->metric = ours;
	if (!best)
		return;
	e->conflict = true;
	snprintf(e->other_ifname, sizeof(e->other_ifname), "%.*s", (int)sizeof(best->ifname) - 1,
		 best->ifname);
	e->other_gw = best->gateway;
	e->other_metric = best->metric;
	if (in->conflict == ROUTE_CONFLICT_SKIP)
		e->action = ROUTE_SKIP_CONFLICT;
	else
		e->metric = pick_metric(in, e, ours, best->metric);
}

/* A system route strictly more specific than outer that holds inner's traffic. */
static bool system_route_between(const struct route_set_input *in, const struct plat_prefix *outer,
				 const struct plat_prefix *inner)
{
	for (size_t i = 0; i < n_existing(in); i++) {
		struct plat_prefix x = in->existing[i].dst;

		if (!existing_usable(in, &in->existing[i]))
			continue;
		normalize(&x);
		if (x.len > outer->len && nested_in(inner, &x))
			return true;
	}
	return false;
}

/* Entries sorted shortest first: drop each tunnel route that a kept shorter one covers, unless the
 * system routes the inner one elsewhere. Returns the new count. */
static size_t drop_nested(const struct route_set_input *in, struct route_set_entry *e, size_t n,
			  struct route_set_stats *st)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		bool redundant = false;

		for (size_t j = 0; j < kept && e[i].action == ROUTE_ADD && !e[i].conflict; j++) {
			if (e[j].action == ROUTE_ADD && e[j].dst.len < e[i].dst.len &&
			    nested_in(&e[i].dst, &e[j].dst) &&
			    !system_route_between(in, &e[j].dst, &e[i].dst)) {
				redundant = true;
				break;
			}
		}
		if (redundant) {
			st->nested++;
			continue;
		}
		e[kept++] = e[i];
	}
	return kept;
}

static bool item_ok(const struct route_set_item *it)
{
	const unsigned allowed = ROUTE_SRC_PACKAGE | ROUTE_SRC_POOL | ROUTE_SRC_OPTION;

	return it->src && !(it->src & ~allowed) && prefix_valid(&it->dst);
}

static void collect(const struct route_set_input *in, struct route_set_entry *out, size_t *n,
		    size_t max, struct route_set_stats *st)
{
	size_t ni = in->items ? in->n_items : 0;

	if (ni > ROUTE_SET_MAX_INPUT) {
		st->invalid += ni - ROUTE_SET_MAX_INPUT;
		ni = ROUTE_SET_MAX_INPUT;
	}
	for (size_t i = 0; i < ni; i++) {
		struct plat_prefix p = in->items[i].dst;

		if (!item_ok(&in->items[i])) {
			st->invalid++;
			continue;
		}
		normalize(&p);
		if (host_equal(&p, in->peer4) || host_equal(&p, in->peer6)) {
			st->peer++;
			continue;
		}
		if (host_equal(&p, in->gateway)) {
			st->pinned++;
			continue;
		}
		add_or_merge(out, n, max, &p, in->items[i].src, st);
	}
	if (in->full_tunnel) {
		struct plat_prefix half[2];
		const enum plat_family fams[2] = { PLAT_AF_INET, PLAT_AF_INET6 };

		for (int f = 0; f < 2; f++) {
			plat_full_tunnel_prefixes(fams[f], half);
			for (int k = 0; k < 2; k++)
				add_or_merge(out, n, max, &half[k], ROUTE_SRC_FULL, st);
		}
	}
}

size_t route_set_compute(const struct route_set_input *in, struct route_set_entry *out, size_t max,
			 struct route_set_stats *stats)
{
	struct route_set_stats local;
	struct route_set_stats *st = stats ? stats : &local;
	uint32_t ours;
	size_t n = 0;
	bool pin;

	memset(st, 0, sizeof(*st));
	if (!in || !out || max == 0)
		return 0;
	ours = in->metric ? in->metric : PLAT_NET_DEFAULT_METRIC;
	pin = in->gateway && fam_bits(in->gateway->family);
	/* keep room for the pin */
	collect(in, out, &n, pin ? max - 1 : max, st);
	sort_entries(out, n);
	for (size_t i = 0; i < n; i++)
		resolve_conflict(in, &out[i], ours);
	n = drop_nested(in, out, n, st);
	if (pin && n < max) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].dst.ip = *in->gateway;
		out[n].dst.len = (uint8_t)fam_bits(in->gateway->family);
		normalize(&out[n].dst);
		out[n].src = ROUTE_SRC_PIN;
		out[n].action = ROUTE_PIN;
		n++;
	}
	return n;
}

const char *route_set_src_format(unsigned src, char *buf, size_t len)
{
	static const char *const names[] = { "package", "pool", "option", "full-tunnel", "pin" };
	size_t off = 0;

	if (!buf || len == 0)
		return "";
	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int k;

		if (!(src & (1u << i)))
			continue;
		k = snprintf(buf + off, len - off, "%s%s", off ? "," : "", names[i]);
		if (k < 0 || (size_t)k >= len - off)
			break;
		off += (size_t)k;
	}
	return buf;
}

int route_conflict_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "prefer-tunnel") == 0)
		return ROUTE_CONFLICT_PREFER_TUNNEL;
	if (strcmp(s, "skip") == 0)
		return ROUTE_CONFLICT_SKIP;
	return -1;
}

const char *route_conflict_name(enum route_conflict c)
{
	return c == ROUTE_CONFLICT_SKIP ? "skip" : "prefer-tunnel";
}
