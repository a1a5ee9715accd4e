/* test_sstp_binding.c - cmocka tests of the SSTP crypto binding: vectors V1 (SHA-256), V2 (SHA-1)
 * and V3 (EAP-TLS) of sstp-protocol.md 2.7 reproduced bit for bit by building the full
 * CALL_CONNECTED, hash choice from the bitmask, certificate hashing and CMK derivation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sstp_binding.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned v = 0;
		int k;
		for (k = 0; k < 2; k++) {
			char c = h[2 * i + (size_t)k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				fail_msg("bad hex in test vector");
		}
		out[i] = (uint8_t)v;
	}
	assert_int_equal(h[2 * n], '\0');
}

struct vec {
	uint8_t hash;
	const char *nonce, *chash, *hlak, *cmac;
	size_t hlen;
};

static const struct vec v1 = {
	SSTP_HASH_SHA256,
	"412B489AEBD7ECC7D08966F26BE7CD72B231A0E9210D7C91B308862B0344C435",
	"7993EF314C493DACE9F02D60E7E61C84B6690AAFE9D7AEEA92CBBE8AD599422D",
	"2A1BB40D55AB0F5EF32F06F2B3CC73C48FD3FAC41D7A1315A19228D9024CA164",
	"52A68EFD8CFFBF52770B8F0FE8EC73716583AF6D611EB6D179B3B20840985449", 32,
};
static const struct vec v2 = {
	SSTP_HASH_SHA1,
	"0F1A2D58D4A3E3000FAD3CE4906E07B707AA9E441CCEAC5CBD7B2CC1C9D86CDF",
	"5826B629BDA59B8E6FD8DCD2622FD34C534805A5",
	"4B3128F43925D9006EEFB1C4E86515A1D88E56BAB3CA2BDF0373B7F5A8A13B19",
	"69915DD583D8062FEF16F61DB2F03290EC27CB6C", 20,
};
static const struct vec v3 = {
	SSTP_HASH_SHA256,
	"388a1ecbf302ba02f9f372ce37488ec36b71a28b5e1b19fbe44d5465a631c463",
	"7ff150176fa8e38a1f402d11ff89ff11b66505ad7f9ae81205277ba4a6b9ef9d",
	"bb2c17edbaa643b3d511eb9848792b7cab5f5d709fe9bdf89b5deaf5a8c17db7",
	"fe6473c7d183914e483fea1b12a6e760a4da16b62fab12a0a1e54e0ec325b24e", 32,
};

static void check_vector(const struct vec *v)
{
	uint8_t nonce[32], ch[32] = { 0 }, hlak[32], want_mac[32] = { 0 }, msg[112];
	static const uint8_t zero[32];
	struct sstp_ctrl m;

	unhex(v->nonce, nonce, 32);
	unhex(v->chash, ch, v->hlen);
	unhex(v->hlak, hlak, 32);
	unhex(v->cmac, want_mac, v->hlen);
	assert_int_equal(sstp_binding_build_connected(msg, v->hash, nonce, ch, hlak), 0);
	/* fixed header, incl. the single hash protocol value */
	assert_memory_equal(msg, ((const uint8_t[]){ 0x10, 0x01, 0x00, 0x70, 0x00, 0x04, 0x00, 0x01,
						     0x00, 0x03, 0x00, 0x68, 0x00, 0x00, 0x00,
						     v->hash }), 16);
	assert_memory_equal(msg + 16, nonce, 32);
	assert_memory_equal(msg + 48, ch, 32);
	assert_memory_equal(msg + 80, want_mac, 32);   /* MAC (+ zero pad for SHA-1) */
	if (v->hlen == 20) {
		assert_memory_equal(msg + 48 + 20, zero, 12);
		assert_memory_equal(msg + 80 + 20, zero, 12);
	}
	/* and it decodes back */
	assert_int_equal(sstp_ctrl_decode(msg, sizeof(msg), &m), SSTP_PERR_OK);
	assert_int_equal(m.hash_proto, v->hash);
	assert_memory_equal(m.mac, want_mac, 32);
	/* a single flipped HLAK bit changes the MAC */
	hlak[0] ^= 1;
	assert_int_equal(sstp_binding_build_connected(msg, v->hash, nonce, ch, hlak), 0);
	assert_memory_not_equal(msg + 80, want_mac, v->hlen);
}

static void test_v1_sha256(void **state)
{
	(void)state;
	check_vector(&v1);
}

static void test_v2_sha1(void **state)
{
	(void)state;
	check_vector(&v2);
}

static void test_v3_eap_tls(void **state)
{
	(void)state;
	check_vector(&v3);
}

static void test_choose_hash(void **state)
{
	(void)state;
	assert_int_equal(sstp_binding_choose_hash(3, 0), SSTP_HASH_SHA256);
	assert_int_equal(sstp_binding_choose_hash(2, 0), SSTP_HASH_SHA256);
	assert_int_equal(sstp_binding_choose_hash(1, 0), SSTP_HASH_SHA1);
	assert_int_equal(sstp_binding_choose_hash(0, 0), 0);
	assert_int_equal(sstp_binding_choose_hash(0xFC, 0), 0);      /* only unknown bits */
	assert_int_equal(sstp_binding_choose_hash(0xFF, 0), SSTP_HASH_SHA256);
	assert_int_equal(sstp_binding_choose_hash(3, SSTP_HASH_MASK_SHA1), SSTP_HASH_SHA1);
	assert_int_equal(sstp_binding_choose_hash(1, SSTP_HASH_MASK_SHA256), 0);
	assert_int_equal(sstp_binding_hash_len(SSTP_HASH_SHA1), 20);
	assert_int_equal(sstp_binding_hash_len(SSTP_HASH_SHA256), 32);
	assert_int_equal(sstp_binding_hash_len(7), 0);
	assert_string_equal(sstp_binding_hash_name(SSTP_HASH_SHA256), "SHA-256");
	assert_string_equal(sstp_binding_hash_name(0), "none");
}

static void test_cert_hash(void **state)
{
	/* SHA-256("abc") and SHA-1("abc") (FIPS 180 examples) */
	uint8_t want256[32], want1[32] = { 0 }, out[32];
	(void)state;
	unhex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", want256, 32);
	unhex("A9993E364706816ABA3E25717850C26C9CD0D89D", want1, 20);
	assert_int_equal(sstp_binding_cert_hash(SSTP_HASH_SHA256, (const uint8_t *)"abc", 3, out), 0);
	assert_memory_equal(out, want256, 32);
	assert_int_equal(sstp_binding_cert_hash(SSTP_HASH_SHA1, (const uint8_t *)"abc", 3, out), 0);
	assert_memory_equal(out, want1, 32);   /* zero padded */
	assert_int_equal(sstp_binding_cert_hash(9, (const uint8_t *)"abc", 3, out), -1);
	assert_int_equal(sstp_binding_cert_hash(SSTP_HASH_SHA1, NULL, 3, out), -1);
}

static void test_cmk_and_errors(void **state)
{
	uint8_t hlak[32] = { 0 }, cmk[32], msg[112], z[32] = { 0 };
	static const uint8_t zero[12];
	(void)state;
	assert_int_equal(sstp_binding_cmk(SSTP_HASH_SHA1, hlak, cmk), 0);
	assert_memory_equal(cmk + 20, zero, 12);
	assert_int_equal(sstp_binding_cmk(0, hlak, cmk), -1);
	assert_int_equal(sstp_binding_build_connected(msg, 0, z, z, hlak), -1);
	assert_int_equal(sstp_binding_build_connected(msg, 3, z, z, hlak), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_sha256),
		cmocka_unit_test(test_v2_sha1),
		cmocka_unit_test(test_v3_eap_tls),
		cmocka_unit_test(test_choose_hash),
		cmocka_unit_test(test_cert_hash),
		cmocka_unit_test(test_cmk_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
