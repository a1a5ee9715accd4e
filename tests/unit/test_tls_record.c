/* test_tls_record.c - the TLS 1.2 AES-GCM record layer on nettle (tls_record.c): records sealed
 * and opened with both key sizes, in place and into a buffer, sequence numbers in the
 * authenticated data (a replay or a reordering fails), and every malformed header or body
 * refused with its own error: short input, unknown type, wrong version, oversize, too short for
 * nonce and tag, plaintext above 2^14, a flipped bit anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tls_record.h"

#ifdef SSTP_HAVE_NETTLE

static const uint8_t key[32] = "0123456789abcdef0123456789ABCDEF";
static const uint8_t iv[4] = { 1, 2, 3, 4 };
static uint8_t rec[TLS_REC_MAX + 64], out[TLS_REC_MAX], plain[TLS_REC_MAX_PLAIN + 1];

/* A loopback layer: what tx seals, rx opens (same key, IV and starting sequence). */
static void loop_init(struct tls_rec *r, size_t key_len, uint64_t seq)
{
	assert_int_equal(tls_rec_init(r, key_len, key, iv, key, iv, seq, seq), 0);
}

static void test_roundtrip(void **state)
{
	struct tls_rec r;
	struct tls_rec_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 31);
	for (size_t ks = 16; ks <= 32; ks += 16) {
		loop_init(&r, ks, 1);
		for (size_t n = 0; n <= TLS_REC_MAX_PLAIN; n += n < 40 ? 1 : 4093) {
			int len = tls_rec_seal(&r, TLS_REC_APPDATA, plain, n, rec);

			assert_int_equal(len, (int)(n + TLS_REC_OVERHEAD));
			assert_int_equal(tls_rec_header(rec, (size_t)len), len);
			/* into the caller's buffer when it fits, in place when it does not */
			assert_int_equal(tls_rec_open(&r, rec, (size_t)len, out, n < 100 ? n : n / 2, &m),
					 len);
			assert_int_equal(m.type, TLS_REC_APPDATA);
			assert_int_equal(m.len, n);
			assert_ptr_equal(m.data, n < 100 ? out : rec + 13);
			if (n > 0)
				assert_memory_equal(m.data, plain, n);
		}
		tls_rec_free(&r);
	}
}

static void test_bad_headers(void **state)
{
	struct tls_rec r;
	struct tls_rec_msg m;
	uint8_t h[5] = { 23, 3, 3, 0, 24 };

	(void)state;
	loop_init(&r, 16, 0);
	for (size_t n = 0; n < 5; n++)
		assert_int_equal(tls_rec_header(h, n), 0);
	assert_int_equal(tls_rec_header(h, 5), 29);
	assert_int_equal(tls_rec_open(&r, h, 5, out, sizeof(out), &m), 0); /* body missing */
	h[0] = 19;
	assert_int_equal(tls_rec_header(h, 5), TLS_REC_E_TYPE);
	h[0] = 24;
	assert_int_equal(tls_rec_open(&r, h, 5, out, sizeof(out), &m), TLS_REC_E_TYPE);
	h[0] = 23, h[2] = 1;
	assert_int_equal(tls_rec_header(h, 5), TLS_REC_E_VERSION);
	h[1] = 2, h[2] = 3;
	assert_int_equal(tls_rec_header(h, 5), TLS_REC_E_VERSION);
	h[1] = 3, h[3] = 0x48, h[4] = 0x01; /* 2^14 + 2049 */
	assert_int_equal(tls_rec_header(h, 5), TLS_REC_E_LENGTH);
	h[3] = 0xff, h[4] = 0xff;
	assert_int_equal(tls_rec_header(h, 5), TLS_REC_E_LENGTH);
	h[3] = 0, h[4] = 23;
	assert_int_equal(tls_rec_header(h, 5), TLS_REC_E_SHORT);
	h[4] = 0;
	assert_int_equal(tls_rec_open(&r, h, 5, out, sizeof(out), &m), TLS_REC_E_SHORT);
	tls_rec_free(&r);
}

static void test_oversized_plaintext(void **state)
{
	struct tls_rec r;
	struct tls_rec_msg m;
	size_t body = TLS_REC_MAX_PLAIN + 1 + 24;

	(void)state;
	loop_init(&r, 32, 0);
	assert_int_equal(tls_rec_seal(&r, TLS_REC_APPDATA, plain, TLS_REC_MAX_PLAIN + 1, rec),
			 TLS_REC_E_LENGTH);
	memset(rec, 0, sizeof(rec));
	rec[0] = 23, rec[1] = 3, rec[2] = 3, rec[3] = (uint8_t)(body >> 8), rec[4] = (uint8_t)body;
	assert_int_equal(tls_rec_open(&r, rec, 5 + body, out, sizeof(out), &m), TLS_REC_E_OVERFLOW);
	tls_rec_free(&r);
}

static void test_tampering(void **state)
{
	struct tls_rec r;
	struct tls_rec_msg m;
	uint8_t copy[64];
	int len;

	(void)state;
	loop_init(&r, 32, 7);
	len = tls_rec_seal(&r, TLS_REC_APPDATA, (const uint8_t *)"hello, tunnel", 13, copy);
	assert_int_equal(len, 13 + TLS_REC_OVERHEAD);
	/* every bit after the header (nonce, ciphertext, tag) and the type in the additional data */
	for (int i = 5; i < len; i++)
		for (int b = 0; b < 8; b++) {
			memcpy(rec, copy, (size_t)len);
			rec[i] ^= (uint8_t)(1u << b);
			memset(out, 0xaa, 13);
			assert_int_equal(tls_rec_open(&r, rec, (size_t)len, out, sizeof(out), &m),
					 TLS_REC_E_MAC);
			assert_int_equal(out[0], 0); /* no forged plaintext left behind */
		}
	memcpy(rec, copy, (size_t)len);
	rec[0] = TLS_REC_ALERT;
	assert_int_equal(tls_rec_open(&r, rec, (size_t)len, out, sizeof(out), &m), TLS_REC_E_MAC);
	memcpy(rec, copy, (size_t)len);
	assert_int_equal(tls_rec_open(&r, rec, (size_t)len, out, sizeof(out), &m), len);
	assert_memory_equal(m.data, "hello, tunnel", 13);
	/* the same record again (replay): the sequence number moved on */
	memcpy(rec, copy, (size_t)len);
	assert_int_equal(tls_rec_open(&r, rec, (size_t)len, out, sizeof(out), &m), TLS_REC_E_MAC);
	tls_rec_free(&r);
}

static void test_bad_key_length(void **state)
{
	struct tls_rec r;

	(void)state;
	assert_int_equal(tls_rec_init(&r, 24, key, iv, key, iv, 0, 0), -1);
	assert_null(r.tx);
	tls_rec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_oversized_plaintext),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_bad_key_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
	return 77; /* built without nettle: there is no record layer of ours to test */
}

#endif
