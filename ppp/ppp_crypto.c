/* ppp_crypto.c - MD4 (RFC 1320, written here because mbedTLS 3.x no longer has it), and thin
 * wrappers over mbedTLS for SHA-1 and DES used by MS-CHAPv2 (RFC 2759) and RFC 3079 keys. */
#include "ppp_crypto.h"

#include <string.h>

#include <mbedtls/des.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>

struct md4_state {
	uint32_t h[4];
	uint8_t block[64];
	size_t fill;
	uint64_t total;
};

static uint32_t rol32(uint32_t x, unsigned s)
{
	return (x << s) | (x >> (32 - s));
}

static uint32_t md4_f(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) | (~x & z);
}

static uint32_t md4_g(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) | (x & z) | (y & z);
}

static uint32_t md4_h(uint32_t x, uint32_t y, uint32_t z)
{
	return x ^ y ^ z;
}

static void md4_block(uint32_t h[4], const uint8_t blk[64])
{
	/* Word order of rounds 2 and 3 and the shift amounts of RFC 1320 section 3.4. */
	static const uint8_t r2[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
	static const uint8_t r3[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
	static const uint8_t s1[4] = {3, 7, 11, 19};
	static const uint8_t s2[4] = {3, 5, 9, 13};
	static const uint8_t s3[4] = {3, 9, 11, 15};
	uint32_t x[16];
	uint32_t v[4];

	for (int i = 0; i < 16; i++)
		x[i] = (uint32_t)blk[4 * i] | ((uint32_t)blk[4 * i + 1] << 8) |
		       ((uint32_t)blk[4 * i + 2] << 16) | ((uint32_t)blk[4 * i + 3] << 24);
	memcpy(v, h, sizeof(v));
	/* v[(16 - i) % 4] rotates the roles of a, b, c, d each step. */
	for (int i = 0; i < 16; i++) {
		uint32_t *a = &v[(16 - i) % 4];
		uint32_t b = v[(17 - i) % 4], c = v[(18 - i) % 4], d = v[(19 - i) % 4];
		*a = rol32(*a + md4_f(b, c, d) + x[i], s1[i % 4]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t *a = &v[(16 - i) % 4];
		uint32_t b = v[(17 - i) % 4], c = v[(18 - i) % 4], d = v[(19 - i) % 4];
		*a = rol32(*a + md4_g(b, c, d) + x[r2[i]] + 0x5A827999u, s2[i % 4]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t *a = &v[(16 - i) % 4];
		uint32_t b = v[(17 - i) % 4], c = v[(18 - i) % 4], d = v[(19 - i) % 4];
		*a = rol32(*a + md4_h(b, c, d) + x[r3[i]] + 0x6ED9EBA1u, s3[i % 4]);
	}
	for (int i = 0; i < 4; i++)
		h[i] += v[i];
	ppp_wipe(x, sizeof(x));
	ppp_wipe(v, sizeof(v));
}

static void md4_update(struct md4_state *s, const uint8_t *in, size_t len)
{
	s->total += len;
	while (len > 0) {
		size_t n = 64 - s->fill;
		if (n > len)
			n = len;
		memcpy(s->block + s->fill, in, n);
		s->fill += n;
		in += n;
		len -= n;
		if (s->fill == 64) {
			md4_block(s->h, s->block);
			s->fill = 0;
		}
	}
}

void ppp_md4(const uint8_t *in, size_t len, uint8_t out[PPP_MD4_LEN])
{
	struct md4_state s = {{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u}, {0}, 0, 0};
	uint8_t pad[72] = {0x80};
	uint64_t bits;
	size_t padlen;

	if (len > 0)
		md4_update(&s, in, len);
	bits = s.total * 8;
	padlen = (s.fill < 56) ? 56 - s.fill : 120 - s.fill;
	for (int i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (uint8_t)(bits >> (8 * i));
	md4_update(&s, pad, padlen + 8);
	for (int i = 0; i < 4; i++) {
		out[4 * i] = (uint8_t)s.h[i];
		out[4 * i + 1] = (uint8_t)(s.h[i] >> 8);
		out[4 * i + 2] = (uint8_t)(s.h[i] >> 16);
		out[4 * i + 3] = (uint8_t)(s.h[i] >> 24);
	}
	ppp_wipe(&s, sizeof(s));
}

int ppp_sha1(const struct ppp_iov *parts, size_t n, uint8_t out[PPP_SHA1_LEN])
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	mbedtls_md_context_t ctx;
	int rc = -1;

	if (info == NULL)
		return -1;
	mbedtls_md_init(&ctx);
	if (mbedtls_md_setup(&ctx, info, 0) != 0 || mbedtls_md_starts(&ctx) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (parts[i].len > 0 && mbedtls_md_update(&ctx, parts[i].p, parts[i].len) != 0)
			goto out;
	if (mbedtls_md_finish(&ctx, out) != 0)
		goto out;
	rc = 0;
out:
	mbedtls_md_free(&ctx);
	return rc;
}

int ppp_hmac_sha1(const uint8_t *key, size_t klen, const struct ppp_iov *parts, size_t n,
		  uint8_t out[PPP_SHA1_LEN])
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	mbedtls_md_context_t ctx;
	int rc = -1;

	if (info == NULL)
		return -1;
	mbedtls_md_init(&ctx);
	if (mbedtls_md_setup(&ctx, info, 1) != 0 || mbedtls_md_hmac_starts(&ctx, key, klen) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (parts[i].len > 0 && mbedtls_md_hmac_update(&ctx, parts[i].p, parts[i].len) != 0)
			goto out;
	if (mbedtls_md_hmac_finish(&ctx, out) != 0)
		goto out;
	rc = 0;
out:
	mbedtls_md_free(&ctx);
	return rc;
}

int ppp_des_encrypt(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8])
{
	mbedtls_des_context ctx;
	uint8_t key[8];
	int rc;

	/* Spread the 56 key bits over 8 bytes, 7 bits each in the high bits (RFC 2759 DesEncrypt). */
	key[0] = key7[0];
	for (int i = 1; i < 7; i++)
		key[i] = (uint8_t)((key7[i - 1] << (8 - i)) | (key7[i] >> i));
	key[7] = (uint8_t)(key7[6] << 1);
	mbedtls_des_key_set_parity(key);
	mbedtls_des_init(&ctx);
	rc = mbedtls_des_setkey_enc(&ctx, key);
	if (rc == 0)
		rc = mbedtls_des_crypt_ecb(&ctx, in, out);
	mbedtls_des_free(&ctx);
	ppp_wipe(key, sizeof(key));
	return rc == 0 ? 0 : -1;
}

void ppp_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		mbedtls_platform_zeroize(p, n);
}
