/* test_ppp_crypto.c - MD4 (RFC 1320 vectors and a cross-check against mbedTLS where it still
 * has MD4), DES, and every intermediate value of RFC 2759 / RFC 3079 (sstp-protocol.md 2.7 V4),
 * plus the MS-CHAPv2 Success/Failure message parsers. */
#include "test_ppp_util.h"

#include <mbedtls/md.h>

#include "ppp_crypto.h"
#include "ppp_mschap.h"

static void check_hex(const uint8_t *got, const char *hex, size_t n)
{
	uint8_t want[64];
	assert_true(n <= sizeof(want));
	hex2bin(hex, want, n);
	assert_memory_equal(got, want, n);
}

static void test_md4_rfc1320(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} v[] = {
		{"", "31d6cfe0d16ae931b73c59d7e0c089c0"},
		{"a", "bde52cb31de33e46245e05fbdbd6fb24"},
		{"abc", "a448017aaf21d8525fc10ae87aa6729d"},
		{"message digest", "d9130a8164549fe818874806e1c7014b"},
		{"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		 "043f8582f241db351ce627e153e7f0e4"},
		{"1234567890123456789012345678901234567890123456789012345678901234567890123456"
		 "7890",
		 "e33b4ddc9c38f2199c3e7b164fcc0536"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t out[16];
		ppp_md4((const uint8_t *)v[i].in, strlen(v[i].in), out);
		check_hex(out, v[i].out, 16);
	}
}

static void test_md4_vs_mbedtls(void **state)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_MD4);
	uint8_t buf[300];
	(void)state;
	if (info == NULL)
		skip(); /* mbedTLS 3.x: no MD4 to compare with; the RFC vectors still ran */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	/* Every length around the 55/56/64-byte padding boundaries and beyond. */
	for (size_t len = 0; len <= sizeof(buf); len++) {
		uint8_t a[16], b[16];
		ppp_md4(buf, len, a);
		assert_int_equal(mbedtls_md(info, buf, len, b), 0);
		assert_memory_equal(a, b, 16);
	}
}

static void test_des(void **state)
{
	/* RFC 2759 DesEncrypt with a 7-byte key: the first NT-Response block of section 9.2. */
	uint8_t key7[7], ch[8], out[8];
	(void)state;
	hex2bin("44EBBA8D5312B8", key7, 7);
	hex2bin("D02E4386BCE91226", ch, 8);
	assert_int_equal(ppp_des_encrypt(key7, ch, out), 0);
	check_hex(out, "82309ECD8D708B5E", 8);
}

static const char *user = "User";
static const char *pw = "clientPass";

static void v4_inputs(uint8_t auth[16], uint8_t peer[16])
{
	hex2bin("5B5D7C7D7B3F2F3E3C2C602132262628", auth, 16);
	hex2bin("21402324255E262A28295F2B3A337C7E", peer, 16);
}

static void test_rfc2759_vectors(void **state)
{
	uint8_t auth[16], peer[16], h[16], hh[16], ch[8], nt[24], ar[20];
	(void)state;
	v4_inputs(auth, peer);
	assert_int_equal(ppp_mschap_nt_hash(pw, strlen(pw), h), 0);
	check_hex(h, "44EBBA8D5312B8D611474411F56989AE", 16);
	ppp_md4(h, 16, hh);
	check_hex(hh, "41C00C584BD2D91C4017A2A12FA59F3F", 16);
	assert_int_equal(ppp_mschap_challenge_hash(peer, auth, user, 4, ch), 0);
	check_hex(ch, "D02E4386BCE91226", 8);
	assert_int_equal(ppp_mschap_nt_response(auth, peer, user, 4, pw, strlen(pw), nt), 0);
	check_hex(nt, "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", 24);
	assert_int_equal(ppp_mschap_auth_response(pw, strlen(pw), nt, peer, auth, user, 4, ar), 0);
	check_hex(ar, "407A5589115FD0D6209F510FE9C04566932CDA56", 20);
}

static void test_rfc3079_keys(void **state)
{
	uint8_t nt[24], master[16], send[16], recv[16];
	(void)state;
	hex2bin("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", nt, 24);
	assert_int_equal(ppp_mschap_master_keys(pw, strlen(pw), nt, master, send, recv), 0);
	check_hex(master, "FDECE3717A8C838CB388E527AE3CDD31", 16);
	check_hex(send, "D5F0E9521E3EA9589645E86051C82226", 16);
	check_hex(recv, "8B7CDC149B993A1BA118CB153F56DCCB", 16);
}

static void test_domain_user(void **state)
{
	/* "DOMAIN\User" hashes like "User" (RFC 2759: the domain is stripped). */
	uint8_t auth[16], peer[16], a[8], b[8], c[8];
	(void)state;
	v4_inputs(auth, peer);
	assert_int_equal(ppp_mschap_challenge_hash(peer, auth, "User", 4, a), 0);
	assert_int_equal(ppp_mschap_challenge_hash(peer, auth, "CORP\\User", 9, b), 0);
	assert_int_equal(ppp_mschap_challenge_hash(peer, auth, "A\\B\\User", 8, c), 0);
	assert_memory_equal(a, b, 8);
	assert_memory_equal(a, c, 8);
	assert_int_equal(ppp_mschap_challenge_hash(peer, auth, "CORP/User", 9, b), 0);
	assert_memory_not_equal(a, b, 8);
}

static void test_unicode_password(void **state)
{
	/* "pä€😀" as UTF-8 must hash as its UTF-16LE form (with a surrogate pair). */
	const char *utf8 = "p\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80";
	const uint8_t u16[] = {'p', 0, 0xE4, 0, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE};
	uint8_t a[16], b[16];
	(void)state;
	assert_int_equal(ppp_mschap_nt_hash(utf8, strlen(utf8), a), 0);
	ppp_md4(u16, sizeof(u16), b);
	assert_memory_equal(a, b, 16);
	/* Invalid UTF-8 (a lone 0xFF) falls back to U+00FF. */
	{
		const uint8_t l1[] = {0xFF, 0};
		assert_int_equal(ppp_mschap_nt_hash("\xFF", 1, a), 0);
		ppp_md4(l1, 2, b);
		assert_memory_equal(a, b, 16);
	}
}

static void test_parse_success(void **state)
{
	uint8_t out[20];
	const char *ok = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Welcome";
	(void)state;
	assert_int_equal(ppp_mschap_parse_success((const uint8_t *)ok, strlen(ok), out), 0);
	check_hex(out, "407A5589115FD0D6209F510FE9C04566932CDA56", 20);
	assert_int_equal(ppp_mschap_parse_success((const uint8_t *)ok, 42, out), 0);
	assert_int_equal(ppp_mschap_parse_success((const uint8_t *)ok, 41, out), -1);
	assert_int_equal(ppp_mschap_parse_success((const uint8_t *)"S=ZZ", 4, out), -1);
	assert_int_equal(
		ppp_mschap_parse_success(
			(const uint8_t *)"S=407A5589115FD0D6209F510FE9C04566932CDA5G", 42, out),
		-1);
	assert_int_equal(ppp_mschap_parse_success(
				 (const uint8_t *)"X=407A5589115FD0D6209F510FE9C04566932CDA56", 42, out),
			 -1);
	assert_int_equal(ppp_mschap_parse_success(NULL, 0, out), -1);
	/* NUL, CR or other bytes after the value are accepted; a 41st hex digit is not. */
	assert_int_equal(ppp_mschap_parse_success(
				 (const uint8_t *)"S=407A5589115FD0D6209F510FE9C04566932CDA56\0", 43, out),
			 0);
	assert_int_equal(ppp_mschap_parse_success(
				 (const uint8_t *)"S=407A5589115FD0D6209F510FE9C04566932CDA56\r\n", 44, out),
			 0);
	assert_int_equal(ppp_mschap_parse_success(
				 (const uint8_t *)"S=407A5589115FD0D6209F510FE9C04566932CDA56;x", 44, out),
			 0);
	assert_int_equal(ppp_mschap_parse_success(
				 (const uint8_t *)"S=407A5589115FD0D6209F510FE9C04566932CDA56F", 43, out),
			 -1);
}

static void test_parse_failure(void **state)
{
	struct ppp_mschap_failure f;
	const char *m = "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Authentication failure";
	(void)state;
	assert_int_equal(ppp_mschap_parse_failure((const uint8_t *)m, strlen(m), &f), 0);
	assert_int_equal(f.error, 691);
	assert_true(f.retry);
	assert_true(f.has_challenge);
	assert_int_equal(f.challenge[15], 0xFF);
	assert_int_equal(f.version, 3);
	assert_string_equal(f.message, "Authentication failure");
	assert_string_equal(ppp_mschap_error_text(691), "bad user name or password");
	assert_string_equal(ppp_mschap_error_text(648), "password expired");
	assert_string_equal(ppp_mschap_error_text(647), "account disabled");
	assert_string_equal(ppp_mschap_error_text(649), "no dial-in permission for this account");
	assert_string_equal(ppp_mschap_error_text(646), "logon not allowed at this time of day");

	/* Truncated, garbage, over-long numbers, binary message text. */
	assert_int_equal(ppp_mschap_parse_failure((const uint8_t *)"E=", 2, &f), -1);
	assert_int_equal(ppp_mschap_parse_failure((const uint8_t *)"E=6x1", 5, &f), -1);
	assert_int_equal(ppp_mschap_parse_failure((const uint8_t *)"E=9999999999", 12, &f), -1);
	assert_int_equal(ppp_mschap_parse_failure((const uint8_t *)"garbage", 7, &f), -1);
	assert_int_equal(ppp_mschap_parse_failure((const uint8_t *)"E=648 C=12 M=\x01\xff", 15, &f),
			 0);
	assert_int_equal(f.error, 648);
	assert_false(f.has_challenge);
	assert_string_equal(f.message, "??");
	assert_int_equal(ppp_mschap_parse_failure(NULL, 0, &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md4_rfc1320),   cmocka_unit_test(test_md4_vs_mbedtls),
		cmocka_unit_test(test_des),           cmocka_unit_test(test_rfc2759_vectors),
		cmocka_unit_test(test_rfc3079_keys),  cmocka_unit_test(test_domain_user),
		cmocka_unit_test(test_unicode_password), cmocka_unit_test(test_parse_success),
		cmocka_unit_test(test_parse_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
