/* plat_gso.c - see plat_gso.h. The virtio-net header is read in the host's byte order (the TUN
 * uses it unless TUNSETVNETBE/LE say otherwise). */
#include "plat_gso.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define F_NEEDS_CSUM 1u
#define GSO_NONE 0u
#define GSO_TCPV4 1u
#define GSO_TCPV6 4u
#define GSO_ECN 0x80u

#define TCP_FIN 0x01u
#define TCP_PSH 0x08u
#define TCP_CWR 0x80u

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

uint16_t plat_csum(const uint8_t *data, size_t len, uint32_t sum)
{
	uint64_t acc = sum;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) { /* 32-bit halves of native words: no carry is lost */
		uint32_t a, b;
		memcpy(&a, data + i, 4);
		memcpy(&b, data + i + 4, 4);
		acc += (uint64_t)a + b;
	}
	for (; i + 2 <= len; i += 2)
		acc += rd16(data + i);
	if (i < len) {
		uint8_t last[2] = {data[i], 0};
		acc += rd16(last);
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* IP version and header length (the length fields of a super-packet are not relied on); *l4
 * gets the transport header's offset. */
static int ip_hdr(const uint8_t *p, size_t len, bool *v6, size_t *l4)
{
	if (len < 20)
		return -EINVAL;
	if (p[0] >> 4 == 4) {
		size_t ihl = (size_t)(p[0] & 15) * 4;
		if (ihl < 20 || ihl > len)
			return -EINVAL;
		*v6 = false;
		*l4 = ihl;
		return p[9];
	}
	if (p[0] >> 4 == 6) {
		*v6 = true;
		*l4 = 40;
		return p[6];
	}
	return -EINVAL;
}

int plat_gso_start(struct plat_gso *g, const uint8_t *buf, size_t len)
{
	memset(g, 0, sizeof(*g));
	g->csum_off = 0xffff;
	if (len < PLAT_VNET_HDR_LEN || len - PLAT_VNET_HDR_LEN > PLAT_GSO_MAX)
		return -EINVAL;
	uint8_t flags = buf[0], type = buf[1] & (uint8_t)~GSO_ECN;
	uint16_t gso_size = rd16(buf + 4), cstart = rd16(buf + 6), coff = rd16(buf + 8);
	bool v6;
	size_t l4;

	g->pkt = buf + PLAT_VNET_HDR_LEN;
	g->len = len - PLAT_VNET_HDR_LEN;
	if (type == GSO_NONE) {
		if (flags & F_NEEDS_CSUM) {
			if ((size_t)cstart + coff + 2 > g->len)
				return -EINVAL;
			g->l4 = cstart;
			g->csum_off = coff;
		}
		return 0;
	}
	if (type != GSO_TCPV4 && type != GSO_TCPV6)
		return -EPROTONOSUPPORT;
	int proto = ip_hdr(g->pkt, g->len, &v6, &l4);
	if (proto != 6 || v6 != (type == GSO_TCPV6) || gso_size == 0)
		return -EINVAL;
	if (l4 + 20 > g->len)
		return -EINVAL;
	size_t thl = (size_t)(g->pkt[l4 + 12] >> 4) * 4;
	if (thl < 20 || l4 + thl > g->len)
		return -EINVAL;
	g->v6 = v6;
	g->l4 = l4;
	g->hdr = l4 + thl;
	g->seg = gso_size;
	g->csum_off = 16;
	return 0;
}

/* Complete the TCP checksum of the packet p (len bytes, TCP header at l4). */
static void tcp_csum(uint8_t *p, size_t len, size_t l4, bool v6)
{
	uint8_t ph[4] = {0, 0, 0, 6};
	uint32_t sum;

	put16(ph, (uint32_t)(len - l4));
	p[l4 + 16] = p[l4 + 17] = 0;
	sum = v6 ? plat_csum(p + 8, 32, 0) : plat_csum(p + 12, 8, 0);
	sum = plat_csum(ph, 4, sum);
	uint16_t c = (uint16_t)~plat_csum(p + l4, len - l4, sum);
	memcpy(p + l4 + 16, &c, 2);
}

static int next_single(struct plat_gso *g, uint8_t *out, size_t cap)
{
	if (g->len > cap)
		return -EMSGSIZE;
	memcpy(out, g->pkt, g->len);
	if (g->csum_off != 0xffff) { /* the field holds the pseudo-header's sum: add the rest */
		uint16_t c = (uint16_t)~plat_csum(out + g->l4, g->len - g->l4, 0);
		if (c == 0 && g->csum_off == 6)
			c = 0xffff; /* UDP: 0 means "no checksum" */
		memcpy(out + g->l4 + g->csum_off, &c, 2);
	}
	g->idx = 1;
	return (int)g->len;
}

int plat_gso_next(struct plat_gso *g, uint8_t *out, size_t cap)
{
	if (g->seg == 0)
		return g->idx ? 0 : next_single(g, out, cap);
	size_t pay = g->len - g->hdr;
	if (g->off >= pay && (g->idx || pay))
		return 0;
	size_t n = pay - g->off < g->seg ? pay - g->off : g->seg;
	size_t len = g->hdr + n;
	bool last = g->off + n >= pay;
	if (len > cap)
		return -EMSGSIZE;
	memcpy(out, g->pkt, g->hdr);
	memcpy(out + g->hdr, g->pkt + g->hdr + g->off, n);
	if (g->v6) {
		put16(out + 4, (uint32_t)(len - 40));
	} else {
		put16(out + 2, (uint32_t)len);
		put16(out + 4, be16(g->pkt + 4) + (uint32_t)g->idx);
		out[10] = out[11] = 0;
		uint16_t c = (uint16_t)~plat_csum(out, g->l4, 0);
		memcpy(out + 10, &c, 2);
	}
	uint8_t *t = out + g->l4;
	put32(t + 4, be32(g->pkt + g->l4 + 4) + (uint32_t)g->off);
	if (!last)
		t[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (g->idx)
		t[13] &= (uint8_t)~TCP_CWR;
	tcp_csum(out, len, g->l4, g->v6);
	g->off += n;
	g->idx++;
	return (int)len;
}

/* ---- coalescing ----------------------------------------------------------------------------- */

/* The TCP header offset of a packet that may be coalesced (IPv4 without options or fragments,
 * IPv6 without extension headers, TCP with ACK or ACK|PSH, payload, valid checksum), else 0. */
static size_t gro_l4(const uint8_t *p, size_t len, size_t *hdr)
{
	size_t l4;

	if (len < 40 || len > PLAT_GSO_MAX)
		return 0;
	if (p[0] == 0x45) {
		if (p[9] != 6 || be16(p + 2) != len || (be16(p + 6) & 0x3fff) != 0)
			return 0;
		l4 = 20;
	} else if (p[0] >> 4 == 6) {
		if (len < 60 || p[6] != 6 || (size_t)be16(p + 4) + 40 != len)
			return 0;
		l4 = 40;
	} else {
		return 0;
	}
	size_t thl = (size_t)(p[l4 + 12] >> 4) * 4;
	uint8_t fl = p[l4 + 13];
	if (thl < 20 || l4 + thl >= len || (fl != 0x10 && fl != 0x18))
		return 0;
	uint8_t ph[4] = {0, 6, 0, 0};
	put16(ph + 2, (uint32_t)(len - l4));
	uint32_t sum = l4 == 40 ? plat_csum(p + 8, 32, 0) : plat_csum(p + 12, 8, 0);
	if (plat_csum(p + l4, len - l4, plat_csum(ph, 4, sum)) != 0xffff)
		return 0; /* a bad checksum: the kernel drops it, as it came */
	*hdr = l4 + thl;
	return l4;
}

static int gro_start(struct plat_gro *g, const uint8_t *pkt, size_t len, size_t l4, size_t hdr)
{
	if (len - hdr > 0xffff)
		return 0;
	memcpy(g->buf + PLAT_VNET_HDR_LEN, pkt, len);
	g->len = len;
	g->l4 = l4;
	g->hdr = hdr;
	g->seg = (uint16_t)(len - hdr);
	g->next_seq = be32(pkt + l4 + 4) + (uint32_t)(len - hdr);
	g->n = 1;
	g->v6 = l4 == 40;
	g->psh = (pkt[l4 + 13] & TCP_PSH) != 0;
	g->closed = g->psh;
	return 1;
}

int plat_gro_add(struct plat_gro *g, const uint8_t *pkt, size_t len)
{
	size_t hdr, l4 = gro_l4(pkt, len, &hdr);
	const uint8_t *h = g->buf + PLAT_VNET_HDR_LEN;

	if (!l4)
		return 0;
	if (g->len == 0)
		return gro_start(g, pkt, len, l4, hdr);
	size_t pay = len - hdr;
	if (g->closed || l4 != g->l4 || hdr != g->hdr || pay > g->seg || g->len + pay > PLAT_GSO_MAX)
		return 0;
	if (g->v6 ? memcmp(h, pkt, 4) != 0 || h[7] != pkt[7] || memcmp(h + 8, pkt + 8, 32) != 0
		  : h[1] != pkt[1] || memcmp(h + 6, pkt + 6, 4) != 0 || memcmp(h + 12, pkt + 12, 8) != 0)
		return 0; /* another flow, or TOS/TTL/DF/flow label differ */
	if (memcmp(h + l4, pkt + l4, 4) != 0 || be32(pkt + l4 + 4) != g->next_seq ||
	    memcmp(h + l4 + 8, pkt + l4 + 8, 8) != 0 || /* ack, offset, flags, window */
	    memcmp(h + l4 + 20, pkt + l4 + 20, hdr - l4 - 20) != 0) {
		if (pkt[l4 + 13] == 0x18 && h[l4 + 13] == 0x10 && be32(pkt + l4 + 4) == g->next_seq &&
		    memcmp(h + l4, pkt + l4, 4) == 0 && memcmp(h + l4 + 8, pkt + l4 + 8, 5) == 0 &&
		    memcmp(h + l4 + 14, pkt + l4 + 14, 2) == 0 &&
		    memcmp(h + l4 + 20, pkt + l4 + 20, hdr - l4 - 20) == 0)
			g->psh = g->closed = 1; /* the same but for PSH: the last one */
		else
			return 0;
	}
	memcpy(g->buf + PLAT_VNET_HDR_LEN + g->len, pkt + hdr, pay);
	g->len += pay;
	g->next_seq += (uint32_t)pay;
	g->n++;
	if (pay < g->seg)
		g->closed = 1;
	return 1;
}

size_t plat_gro_finish(struct plat_gro *g, const uint8_t **out)
{
	uint8_t *v = g->buf, *p = g->buf + PLAT_VNET_HDR_LEN;
	size_t len = g->len;

	if (len == 0)
		return 0;
	memset(v, 0, PLAT_VNET_HDR_LEN);
	if (g->n > 1) {
		uint16_t hdr = (uint16_t)g->hdr, seg = g->seg, cs = (uint16_t)g->l4, co = 16;
		if (g->v6) {
			put16(p + 4, (uint32_t)(len - 40));
		} else {
			put16(p + 2, (uint32_t)len);
			p[10] = p[11] = 0;
			uint16_t c = (uint16_t)~plat_csum(p, 20, 0);
			memcpy(p + 10, &c, 2);
		}
		if (g->psh)
			p[g->l4 + 13] |= TCP_PSH;
		/* partial checksum: the pseudo header's sum, the kernel adds the rest */
		uint8_t ph[4] = {0, 6, 0, 0};
		put16(ph + 2, (uint32_t)(len - g->l4));
		uint32_t sum = g->v6 ? plat_csum(p + 8, 32, 0) : plat_csum(p + 12, 8, 0);
		uint16_t c = plat_csum(ph, 4, sum);
		memcpy(p + g->l4 + 16, &c, 2);
		v[0] = F_NEEDS_CSUM;
		v[1] = g->v6 ? GSO_TCPV6 : GSO_TCPV4;
		memcpy(v + 2, &hdr, 2);
		memcpy(v + 4, &seg, 2);
		memcpy(v + 6, &cs, 2);
		memcpy(v + 8, &co, 2);
	}
	g->len = 0;
	g->n = 0;
	*out = v;
	return PLAT_VNET_HDR_LEN + len;
}
