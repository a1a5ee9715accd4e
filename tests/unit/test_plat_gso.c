/* test_plat_gso.c - cmocka tests of plat_gso.c, the cutter of the TUN's TCP super-packets:
 * IPv4 and IPv6 super-packets cut into gso_size packets (payload in order, sequence numbers,
 * IPv4 ids, FIN/PSH only on the last and CWR only on the first, both checksums checked against a
 * plain byte-by-byte RFC 1071 sum), a payload that divides evenly, a single packet whose partial
 * checksum is finished, a packet without offload passed as is, and malformed headers refused;
 * the coalescer: cut pieces coalesced back into the same packet (GSO header, partial checksum),
 * and what it must refuse (gaps, repeats, other flows, bad checksums, FIN; PSH or a short
 * segment ends a packet). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <cmocka.h>

#include "plat_gso.h"

#define V 10u /* virtio-net header */

/* the reference: RFC 1071 over big-endian words, complemented */
static uint16_t ref_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i < n; i++)
		s += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void vnet(uint8_t *b, uint8_t flags, uint8_t type, uint16_t gso, uint16_t cs, uint16_t co)
{
	memset(b, 0, V);
	b[0] = flags;
	b[1] = type;
	memcpy(b + 4, &gso, 2); /* host byte order, as the TUN writes it */
	memcpy(b + 6, &cs, 2);
	memcpy(b + 8, &co, 2);
}

/* IPv4 or IPv6 + TCP (20 bytes, flags) + pay bytes of payload after a TCPv4/v6 GSO header */
static size_t build(uint8_t *b, bool v6, size_t pay, uint16_t gso, uint8_t tflags)
{
	size_t ip = v6 ? 40 : 20, len = ip + 20 + pay;
	uint8_t *p = b + V;

	vnet(b, 1, v6 ? 4 : 1, gso, (uint16_t)ip, 16);
	memset(p, 0, ip + 20);
	if (v6) {
		p[0] = 0x60;
		p[4] = (uint8_t)((len - 40) >> 8);
		p[5] = (uint8_t)(len - 40);
		p[6] = 6;
		p[7] = 64;
		for (int i = 0; i < 16; i++) {
			p[8 + i] = (uint8_t)(0x20 + i);
			p[24 + i] = (uint8_t)(0x90 + i);
		}
	} else {
		p[0] = 0x45;
		p[2] = (uint8_t)(len >> 8);
		p[3] = (uint8_t)len;
		p[4] = 0x12;
		p[5] = 0xfe; /* id 0x12fe: wraps past 0x12ff */
		p[8] = 64;
		p[9] = 6;
		memcpy(p + 12, "\x0a\x00\x00\x02\xc0\xa8\x01\x07", 8);
	}
	uint8_t *t = p + ip;
	t[0] = 0x9c; t[1] = 0x40; t[2] = 0x14; t[3] = 0x51;
	t[4] = 0xff; t[5] = 0xff; t[6] = 0xff; t[7] = 0x00; /* sequence wraps */
	t[12] = 0x50;
	t[13] = tflags;
	t[16] = 0xab; t[17] = 0xcd; /* a partial sum the cutter must replace */
	for (size_t i = 0; i < pay; i++)
		t[20 + i] = (uint8_t)(i * 7 + 3);
	return V + len;
}

static void check_tcp_csum(const uint8_t *p, size_t len, bool v6)
{
	size_t l4 = v6 ? 40 : 20;
	uint8_t ph[4] = {0, 0, (uint8_t)((len - l4) >> 8), (uint8_t)(len - l4)};
	uint32_t s = v6 ? ref_sum(p + 8, 32, 0) : ref_sum(p + 12, 8, 0);

	ph[1] = 6;
	s = ref_sum(ph, 4, s);
	assert_int_equal(ref_sum(p + l4, len - l4, s), 0xffff);
	if (!v6)
		assert_int_equal(ref_sum(p, 20, 0), 0xffff);
}

static void cut(bool v6, size_t pay, uint16_t gso, uint8_t tflags)
{
	static uint8_t in[V + PLAT_GSO_MAX], out[2048], joined[PLAT_GSO_MAX];
	size_t ip = v6 ? 40 : 20, got = 0, n = build(in, v6, pay, gso, tflags);
	struct plat_gso g;
	unsigned k = 0;
	int r;

	assert_int_equal(plat_gso_start(&g, in, n), 0);
	while ((r = plat_gso_next(&g, out, sizeof(out))) > 0) {
		size_t len = (size_t)r, body = len - ip - 20;
		bool last = got + body == pay;
		const uint8_t *t = out + ip;

		assert_true(body <= gso && body > 0);
		assert_true(last || body == gso);
		if (v6) {
			assert_int_equal(be16(out + 4), len - 40);
		} else {
			assert_int_equal(be16(out + 2), len);
			assert_int_equal(be16(out + 4), (0x12fe + k) & 0xffff);
		}
		assert_int_equal(be32(t + 4), (uint32_t)(0xffffff00u + got));
		assert_int_equal(t[13] & 0x01, last ? (tflags & 0x01) : 0); /* FIN */
		assert_int_equal(t[13] & 0x08, last ? (tflags & 0x08) : 0); /* PSH */
		assert_int_equal(t[13] & 0x80, k == 0 ? (tflags & 0x80) : 0); /* CWR */
		assert_int_equal(t[13] & 0x10, tflags & 0x10);                /* ACK kept */
		check_tcp_csum(out, len, v6);
		memcpy(joined + got, t + 20, body);
		got += body;
		k++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(got, pay);
	assert_int_equal(k, (pay + gso - 1) / gso);
	assert_memory_equal(joined, in + V + ip + 20, pay);
	assert_int_equal(plat_gso_next(&g, out, sizeof(out)), 0); /* stays done */
}

static void test_v4(void **st)
{
	(void)st;
	cut(false, 65535 - 40, 1360, 0x99); /* FIN PSH ACK CWR */
	cut(false, 1000, 1360, 0x18);       /* shorter than one segment */
	cut(false, 1360 * 3, 1360, 0x18);   /* divides evenly */
	cut(false, 1361, 1360, 0x10);
}

static void test_v6(void **st)
{
	(void)st;
	cut(true, 65535 - 60, 1340, 0x99);
	cut(true, 7, 1340, 0x18);
	cut(true, 1340 * 2 + 1, 1340, 0x10);
}

/* a UDP packet without GSO whose checksum the kernel left partial */
static void test_single_csum(void **st)
{
	uint8_t in[V + 60], out[128];
	uint8_t *p = in + V;
	struct plat_gso g;
	(void)st;

	vnet(in, 1, 0, 0, 20, 6);
	memset(p, 0, 60);
	p[0] = 0x45; p[3] = 60; p[9] = 17;
	memcpy(p + 12, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
	p[20] = 0x12; p[22] = 0x00; p[23] = 0x35; p[25] = 40; /* length 40 */
	for (int i = 28; i < 60; i++)
		p[i] = (uint8_t)i;
	uint8_t ph[4] = {0, 17, 0, 40};
	uint16_t part = ref_sum(ph, 4, ref_sum(p + 12, 8, 0)); /* pseudo header, not inverted */
	p[26] = (uint8_t)(part >> 8);
	p[27] = (uint8_t)part;
	assert_int_equal(plat_gso_start(&g, in, sizeof(in)), 0);
	assert_int_equal(plat_gso_next(&g, out, sizeof(out)), 60);
	assert_int_equal(ref_sum(out + 20, 40, ref_sum(ph, 4, ref_sum(out + 12, 8, 0))), 0xffff);
	assert_int_equal(plat_gso_next(&g, out, sizeof(out)), 0);
	assert_int_equal(plat_gso_start(&g, in, sizeof(in)), 0);
	assert_int_equal(plat_gso_next(&g, out, 59), -EMSGSIZE);
}

static void test_plain(void **st)
{
	uint8_t in[V + 28], out[64];
	struct plat_gso g;
	(void)st;

	vnet(in, 0, 0, 0, 0, 0);
	for (unsigned i = 0; i < 28; i++)
		in[V + i] = (uint8_t)(0x45 + i);
	assert_int_equal(plat_gso_start(&g, in, sizeof(in)), 0);
	assert_int_equal(plat_gso_next(&g, out, sizeof(out)), 28);
	assert_memory_equal(out, in + V, 28);
	assert_int_equal(plat_gso_next(&g, out, sizeof(out)), 0);
}

static void test_malformed(void **st)
{
	static uint8_t in[V + PLAT_GSO_MAX + 1], out[2048];
	struct plat_gso g;
	size_t n;
	(void)st;

	assert_int_equal(plat_gso_start(&g, in, V - 1), -EINVAL);                /* no header */
	assert_int_equal(plat_gso_start(&g, in, sizeof(in)), -EINVAL);           /* > 64 KiB */
	n = build(in, false, 3000, 1360, 0x10);
	in[1] = 3; /* UDP fragmentation offload */
	assert_int_equal(plat_gso_start(&g, in, n), -EPROTONOSUPPORT);
	in[1] = 4; /* says IPv6, is IPv4 */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	n = build(in, false, 3000, 0, 0x10); /* gso_size 0 */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	n = build(in, false, 3000, 1360, 0x10);
	in[V] = 0x4f; /* IHL 60 leaves no room for TCP's 20 bytes in a 64-byte packet */
	assert_int_equal(plat_gso_start(&g, in, V + 64), -EINVAL);
	in[V] = 0x44; /* IHL 16 */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	in[V] = 0x35; /* not IP */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	n = build(in, false, 3000, 1360, 0x10);
	in[V + 9] = 17; /* not TCP */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	n = build(in, false, 0, 1360, 0x10);
	in[V + 20 + 12] = 0xf0; /* TCP header of 60 bytes in 20 */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	in[V + 20 + 12] = 0x40; /* 16 */
	assert_int_equal(plat_gso_start(&g, in, n), -EINVAL);
	n = build(in, true, 3000, 1340, 0x10);
	assert_int_equal(plat_gso_start(&g, in, V + 50), -EINVAL); /* IPv6 header, no TCP */
	vnet(in, 1, 0, 0, 40, 16); /* partial checksum field past the end */
	assert_int_equal(plat_gso_start(&g, in, V + 57), -EINVAL);
	n = build(in, false, 3000, 1360, 0x10);
	assert_int_equal(plat_gso_start(&g, in, n), 0);
	assert_int_equal(plat_gso_next(&g, out, 1399), -EMSGSIZE); /* 1400 does not fit */
}

/* cut a super-packet, coalesce the pieces again: the same packet comes back (with a partial
 * checksum and the GSO header), whatever the write order would have been */
static void regro(bool v6, size_t pay, uint16_t gso, uint8_t tflags)
{
	static uint8_t in[V + PLAT_GSO_MAX], seg[64][2048], gbuf[V + PLAT_GSO_MAX];
	size_t ip = v6 ? 40 : 20, lens[64], k = 0, n = build(in, v6, pay, gso, tflags);
	struct plat_gso c;
	struct plat_gro g = {.buf = gbuf};
	const uint8_t *out;
	int r;

	assert_int_equal(plat_gso_start(&c, in, n), 0);
	while ((r = plat_gso_next(&c, seg[k], sizeof(seg[k]))) > 0)
		lens[k++] = (size_t)r;
	for (size_t i = 0; i < k; i++)
		assert_int_equal(plat_gro_add(&g, seg[i], lens[i]), 1);
	size_t m = plat_gro_finish(&g, &out);
	assert_int_equal(m, n);
	assert_int_equal(out[0], 1);                 /* NEEDS_CSUM */
	assert_int_equal(out[1], v6 ? 4 : 1);        /* TCPv6 / TCPv4 */
	uint16_t f[4];
	memcpy(f, out + 2, 8);
	assert_int_equal(f[0], ip + 20);
	assert_int_equal(f[1], gso);
	assert_int_equal(f[2], ip);
	assert_int_equal(f[3], 16);
	assert_memory_equal(out + V + ip + 20, in + V + ip + 20, pay);
	assert_int_equal(be32(out + V + ip + 4), be32(in + V + ip + 4));
	assert_int_equal(out[V + ip + 13], tflags & 0x18);
	if (!v6)
		assert_int_equal(ref_sum(out + V, 20, 0), 0xffff);
	/* the partial checksum is the pseudo header's sum: adding the TCP bytes completes it */
	uint8_t t[PLAT_GSO_MAX], ph[4] = {0, 6, (uint8_t)((n - V - ip) >> 8), (uint8_t)(n - V - ip)};
	memcpy(t, out + V + ip, n - V - ip);
	uint16_t part = be16(t + 16);
	t[16] = t[17] = 0;
	uint32_t s0 = v6 ? ref_sum(out + V + 8, 32, 0) : ref_sum(out + V + 12, 8, 0);
	assert_int_equal(part, ref_sum(ph, 4, s0));
	assert_int_equal(plat_gro_finish(&g, &out), 0); /* empty again */
}

static void test_gro(void **st)
{
	(void)st;
	regro(false, 65535 - 40, 1360, 0x18);
	regro(false, 1360 * 5, 1360, 0x10);
	regro(true, 20000, 1340, 0x18);
}

/* what must not be coalesced */
static void test_gro_refuse(void **st)
{
	static uint8_t in[V + 8000], a[3][2048], gbuf[V + PLAT_GSO_MAX];
	struct plat_gso c;
	struct plat_gro g = {.buf = gbuf};
	const uint8_t *out;
	size_t la[3];
	(void)st;

	size_t n = build(in, false, 1360 * 3, 1360, 0x10);
	assert_int_equal(plat_gso_start(&c, in, n), 0);
	for (int i = 0; i < 3; i++)
		la[i] = (size_t)plat_gso_next(&c, a[i], sizeof(a[i]));
	assert_int_equal(plat_gro_add(&g, a[0], la[0]), 1);
	assert_int_equal(plat_gro_add(&g, a[2], la[2]), 0); /* a gap in the sequence */
	assert_int_equal(plat_gro_add(&g, a[0], la[0]), 0); /* a repeat */
	a[1][21] ^= 1;                                      /* another source port */
	assert_int_equal(plat_gro_add(&g, a[1], la[1]), 0);
	a[1][21] ^= 1;
	a[1][100] ^= 1;                                     /* a bad checksum */
	assert_int_equal(plat_gro_add(&g, a[1], la[1]), 0);
	a[1][100] ^= 1;
	assert_int_equal(plat_gro_add(&g, a[1], la[1]), 1);
	assert_int_equal(plat_gro_finish(&g, &out), V + 40 + 2720);
	/* a single segment goes out as it came, without GSO */
	assert_int_equal(plat_gro_add(&g, a[2], la[2]), 1);
	assert_int_equal(plat_gro_finish(&g, &out), V + la[2]);
	assert_int_equal(out[1], 0);
	assert_memory_equal(out + V, a[2], la[2]);
	/* FIN, SYN, RST are never held; a short segment or PSH ends the packet */
	n = build(in, false, 100, 1360, 0x11);
	assert_int_equal(plat_gso_start(&c, in, n), 0);
	la[0] = (size_t)plat_gso_next(&c, a[0], sizeof(a[0]));
	assert_int_equal(plat_gro_add(&g, a[0], la[0]), 0);
	n = build(in, true, 1340 * 2 + 5, 1340, 0x10);
	assert_int_equal(plat_gso_start(&c, in, n), 0);
	for (int i = 0; i < 3; i++)
		la[i] = (size_t)plat_gso_next(&c, a[i], sizeof(a[i]));
	assert_int_equal(plat_gro_add(&g, a[2], la[2]), 1); /* short: held, closed */
	assert_int_equal(plat_gro_add(&g, a[0], la[0]), 0);
	assert_int_equal(plat_gro_finish(&g, &out), V + la[2]);
	assert_int_equal(plat_gro_add(&g, a[0], la[0]), 1);
	a[1][40 + 13] = 0x18;                               /* PSH: taken, then no more */
	uint16_t z = 0;
	memcpy(a[1] + 40 + 16, &z, 2);
	uint8_t ph[4] = {0, 6, (uint8_t)((la[1] - 40) >> 8), (uint8_t)(la[1] - 40)};
	uint16_t cs = (uint16_t)~ref_sum(a[1] + 40, la[1] - 40, ref_sum(ph, 4, ref_sum(a[1] + 8, 32, 0)));
	a[1][40 + 16] = (uint8_t)(cs >> 8);
	a[1][40 + 17] = (uint8_t)cs;
	assert_int_equal(plat_gro_add(&g, a[1], la[1]), 1);
	assert_int_equal(plat_gro_add(&g, a[2], la[2]), 0);
	assert_int_equal(plat_gro_finish(&g, &out), V + la[0] + la[1] - 60);
	assert_int_equal(out[V + 40 + 13], 0x18);
	uint8_t junk[50] = {0x45};
	assert_int_equal(plat_gro_add(&g, junk, sizeof(junk)), 0); /* not a whole packet */
	assert_int_equal(plat_gro_add(&g, junk, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),          cmocka_unit_test(test_v6),
		cmocka_unit_test(test_single_csum), cmocka_unit_test(test_plain),
		cmocka_unit_test(test_malformed),   cmocka_unit_test(test_gro),
		cmocka_unit_test(test_gro_refuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
