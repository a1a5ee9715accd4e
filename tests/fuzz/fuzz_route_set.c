/* fuzz_route_set.c - libFuzzer target for the session's route set (route_set.c). The input is
 * read as a header byte (full tunnel, conflict mode, gateway/peer present, metric), then records
 * of 18 bytes: a kind byte (item with its source, or a system route with its metric and
 * interface), a family/length byte and 16 address bytes. Families, lengths and sources are taken
 * raw, so invalid ones reach the computation too.
 * Invariants: the count never exceeds the output; every entry is a valid prefix with its host bits
 * clear and at least one source; no prefix appears twice; the pin (when asked for) is last and
 * the only ROUTE_PIN; no tunnel route equals the peer; a ROUTE_ADD entry inside another ROUTE_ADD
 * entry has a conflict or a system route between them; conflict entries name an interface; the
 * stats add up with the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "route_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC 18
#define MAX_ITEMS 64
#define MAX_SYS 64
#define MAX_OUT 48

static unsigned bits(uint8_t fam)
{
	return fam == PLAT_AF_INET ? 32u : fam == PLAT_AF_INET6 ? 128u : 0u;
}

static void read_prefix(const uint8_t *r, struct plat_prefix *p)
{
	memset(p, 0, sizeof(*p));
	/* 0x80: IPv6, else IPv4; the length is the low 7 bits plus one more bit from r[0] */
	p->ip.family = (r[1] & 0x80) ? PLAT_AF_INET6 : PLAT_AF_INET;
	if ((r[0] & 0x07) == 0x07)
		p->ip.family = r[2]; /* anything, even nonsense */
	p->len = (uint8_t)((r[1] & 0x7f) | ((r[0] & 0x08) << 4));
	memcpy(p->ip.addr, r + 2, 16);
	if (p->ip.family == PLAT_AF_INET)
		memset(p->ip.addr + 4, 0, 12);
}

static bool host_clear(const struct plat_prefix *p)
{
	for (unsigned i = p->len; i < 128; i++)
		if (p->ip.addr[i / 8] & (0x80u >> (i % 8)))
			return false;
	return true;
}

static bool inside(const struct plat_prefix *in, const struct plat_prefix *out)
{
	return in->ip.family == out->ip.family && out->len <= in->len &&
	       plat_prefix_contains(out, &in->ip);
}

static void check(const struct route_set_input *in, const struct route_set_entry *o, size_t n,
		  const struct route_set_stats *st, bool pin)
{
	size_t pins = 0;

	if (n > MAX_OUT)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct route_set_entry *e = &o[i];

		if (!bits(e->dst.ip.family) || e->dst.len > bits(e->dst.ip.family) ||
		    !host_clear(&e->dst) || !e->src || (e->src & ~ROUTE_SRC_ALL))
			abort();
		if (e->action == ROUTE_PIN) {
			if (i != n - 1 || !pin || e->src != ROUTE_SRC_PIN)
				abort();
			pins++;
		}
		if (e->action != ROUTE_PIN && (e->src & ROUTE_SRC_PIN))
			abort();
		if (e->conflict && !e->other_ifname[0] && in->n_existing == 0)
			abort();
		if (e->action == ROUTE_SKIP_CONFLICT && !e->conflict)
			abort();
		if (e->action != ROUTE_PIN && in->peer4 && e->dst.len == 32 &&
		    e->dst.ip.family == PLAT_AF_INET && plat_ip_equal(&e->dst.ip, in->peer4))
			abort();
		for (size_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			if (o[j].dst.ip.family == e->dst.ip.family && o[j].dst.len == e->dst.len &&
			    memcmp(o[j].dst.ip.addr, e->dst.ip.addr, 16) == 0)
				abort(); /* twice */
			if (e->action == ROUTE_ADD && o[j].action == ROUTE_ADD && !e->conflict &&
			    o[j].dst.len < e->dst.len && inside(&e->dst, &o[j].dst)) {
				bool between = false;

				for (size_t k = 0; k < in->n_existing; k++) {
					struct plat_prefix x = in->existing[k].dst;

					if (bits(x.ip.family) && x.len <= bits(x.ip.family) &&
					    x.len > o[j].dst.len && inside(&e->dst, &x))
						between = true;
				}
				if (!between)
					abort(); /* a redundant nested route was kept */
			}
		}
	}
	if (pin && pins != 1)
		abort();
	if (st->invalid > in->n_items || st->peer + st->pinned > in->n_items)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct route_set_item items[MAX_ITEMS];
	static struct plat_route_info sys[MAX_SYS];
	static struct route_set_entry out[MAX_OUT];
	struct route_set_input in;
	struct route_set_stats st;
	struct plat_ip gw, peer4;
	size_t n, ni = 0, ns = 0;

	if (size < 1 + 2 * 16)
		return 0;
	memset(&in, 0, sizeof(in));
	in.full_tunnel = data[0] & 1;
	in.conflict = (data[0] & 2) ? ROUTE_CONFLICT_SKIP : ROUTE_CONFLICT_PREFER_TUNNEL;
	in.metric = (data[0] & 0x30) == 0x30 ? 0 : (data[0] >> 4) * 25u;
	memset(&gw, 0, sizeof(gw));
	memset(&peer4, 0, sizeof(peer4));
	gw.family = (data[0] & 0x40) ? PLAT_AF_INET6 : PLAT_AF_INET;
	memcpy(gw.addr, data + 1, 16);
	if (gw.family == PLAT_AF_INET)
		memset(gw.addr + 4, 0, 12);
	peer4.family = PLAT_AF_INET;
	memcpy(peer4.addr, data + 17, 4);
	in.gateway = (data[0] & 4) ? &gw : NULL;
	in.peer4 = (data[0] & 8) ? &peer4 : NULL;
	in.tun_ifname = "sstp0";
	data += 33;
	size -= 33;
	for (; size >= REC; data += REC, size -= REC) {
		if ((data[0] & 0x80) && ns < MAX_SYS) {
			struct plat_route_info *r = &sys[ns++];

			memset(r, 0, sizeof(*r));
			read_prefix(data, &r->dst);
			r->metric = (uint32_t)(data[0] & 0x70) >> 3; /* 0..14: near ours on purpose */
			if (in.metric && (data[0] & 0x70) == 0x70)
				r->metric = in.metric;
			memcpy(r->ifname, (data[0] & 0x01) ? "sstp0" : "eth0", 5);
		} else if (!(data[0] & 0x80) && ni < MAX_ITEMS) {
			read_prefix(data, &items[ni].dst);
			items[ni].src = (data[0] >> 4) & 0x07;
			if (data[0] & 0x40)
				items[ni].src = data[2]; /* any bits */
			ni++;
		}
	}
	in.items = items;
	in.n_items = ni;
	in.existing = sys;
	in.n_existing = ns;
	n = route_set_compute(&in, out, MAX_OUT, &st);
	check(&in, out, n, &st, in.gateway != NULL);
	/* the same input gives the same set */
	{
		static struct route_set_entry again[MAX_OUT];
		struct route_set_stats st2;

		if (route_set_compute(&in, again, MAX_OUT, &st2) != n)
			abort();
		for (size_t i = 0; i < n; i++)
			if (again[i].dst.ip.family != out[i].dst.ip.family ||
			    again[i].dst.len != out[i].dst.len ||
			    memcmp(again[i].dst.ip.addr, out[i].dst.ip.addr, 16) != 0 ||
			    again[i].src != out[i].src || again[i].action != out[i].action ||
			    again[i].metric != out[i].metric || again[i].conflict != out[i].conflict)
				abort();
	}
	return 0;
}
