/* test_tls_rc2.c - RC2 against the eight test vectors of RFC 2268 section 5, CBC decryption
 * against a vector made with `openssl enc -rc2-40-cbc`, and bad parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tls_rc2.h"

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	while (s[0] && s[1]) {
		unsigned v;
		char b[3] = { s[0], s[1], 0 };

		v = (unsigned)strtoul(b, NULL, 16);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

struct vec {
	unsigned bits;
	const char *key, *pt, *ct;
};

/* RFC 2268 section 5 */
static const struct vec vectors[] = {
	{ 63, "0000000000000000", "0000000000000000", "ebb773f993278eff" },
	{ 64, "ffffffffffffffff", "ffffffffffffffff", "278b27e42e2f0d49" },
	{ 64, "3000000000000000", "1000000000000001", "30649edf9be7d2c2" },
	{ 64, "88", "0000000000000000", "61a8a244adacccf0" },
	{ 64, "88bca90e90875a", "0000000000000000", "6ccf4308974c267f" },
	{ 64, "88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "1a807d272bbe5db1" },
	{ 128, "88bca90e90875a7f0f79c384627bafb2", "0000000000000000", "2269552ab0f85ca6" },
	{ 129, "88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e",
	  "0000000000000000", "5b78d3a43dfff1f1" },
};

static void test_rfc2268_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		uint8_t key[64], pt[8], ct[8], out[8];
		size_t klen = unhex(vectors[i].key, key);
		struct tls_rc2 c;

		unhex(vectors[i].pt, pt);
		unhex(vectors[i].ct, ct);
		assert_int_equal(tls_rc2_setkey(&c, key, klen, vectors[i].bits), 0);
		tls_rc2_encrypt(&c, pt, out);
		assert_memory_equal(out, ct, 8);
		tls_rc2_decrypt(&c, ct, out);
		assert_memory_equal(out, pt, 8);
		tls_rc2_wipe(&c);
	}
}

/* printf 'sstp rc2 test 40 bits, a few blocks!!' |
 *   openssl enc -provider legacy -provider default -rc2-40-cbc -K 0102030405 -iv 0001020304050607 */
static void test_cbc_openssl_rc2_40(void **state)
{
	const char *pt = "sstp rc2 test 40 bits, a few blocks!!";
	uint8_t key[5] = { 1, 2, 3, 4, 5 }, iv[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, buf[40];
	struct tls_rc2 c;
	size_t n = unhex("f0b1dd4dbf898dae22f43aedd266eeb2a30bbfd7d00397c42b48a5d624c0"
			 "edee31a6e7257dfe5b02",
			 buf);

	(void)state;
	assert_int_equal(n, 40);
	assert_int_equal(tls_rc2_setkey(&c, key, 5, 40), 0);
	assert_int_equal(tls_rc2_cbc_decrypt(&c, iv, buf, n), 0);
	assert_memory_equal(buf, pt, strlen(pt));
	/* PKCS#7 padding of 3 bytes follows the 37 bytes of text */
	assert_int_equal(buf[37], 3);
	assert_int_equal(buf[38], 3);
	assert_int_equal(buf[39], 3);
	/* the IV was advanced to the last ciphertext block */
	assert_int_equal(iv[0], 0x31);
}

static void test_bad_parameters(void **state)
{
	struct tls_rc2 c;
	uint8_t key[129] = { 0 }, iv[8] = { 0 }, buf[9] = { 0 };

	(void)state;
	assert_int_equal(tls_rc2_setkey(&c, key, 0, 40), -1);
	assert_int_equal(tls_rc2_setkey(&c, key, 129, 40), -1);
	assert_int_equal(tls_rc2_setkey(&c, key, 5, 0), -1);
	assert_int_equal(tls_rc2_setkey(&c, key, 5, 1025), -1);
	assert_int_equal(tls_rc2_setkey(&c, key, 5, 40), 0);
	assert_int_equal(tls_rc2_cbc_decrypt(&c, iv, buf, 9), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2268_vectors),
		cmocka_unit_test(test_cbc_openssl_rc2_40),
		cmocka_unit_test(test_bad_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
