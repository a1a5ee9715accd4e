/* test_tls_identity.c - the EAP-TLS identity of a client certificate: SAN UPN first, then SAN
 * e-mail, then the subject CN (tls_identity.c), on the RSA-4096 enterprise-style certificate of
 * tests/data/tls (UPN + e-mail), the plain client certificate (CN only), and malformed DER:
 * every truncation and every single-byte change of a real certificate, lengths that point past
 * the end, a UPN holding a NUL, a UPN of the wrong string type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tls_helpers.h"

#include "tls_creds.h"
#include "tls_identity.h"

static uint8_t *load_der(const char *pem, size_t *len)
{
	mbedtls_x509_crt crt;
	uint8_t *der;

	mbedtls_x509_crt_init(&crt);
	assert_int_equal(mbedtls_x509_crt_parse_file(&crt, pem), 0);
	der = malloc(crt.raw.len);
	assert_non_null(der);
	memcpy(der, crt.raw.p, crt.raw.len);
	*len = crt.raw.len;
	mbedtls_x509_crt_free(&crt);
	return der;
}

static void test_upn_email_cn_order(void **state)
{
	struct tls_identity id;
	char out[256], err[256];
	const char *src = NULL;
	struct tls_creds *c;
	size_t len;
	uint8_t *der = load_der(TD "rsa4096-client.pem", &len);
	(void)state;

	assert_int_equal(tls_identity_from_der(der, len, &id), 0);
	assert_string_equal(id.upn, "alice@corp.example");
	assert_string_equal(id.email, "alice.mail@example.org");
	assert_int_equal(tls_identity_choose(&id, "Alice Example", out, sizeof(out), &src), 0);
	assert_string_equal(out, "alice@corp.example");
	assert_non_null(strstr(src, "UPN"));
	id.upn[0] = '\0';
	assert_int_equal(tls_identity_choose(&id, "Alice Example", out, sizeof(out), &src), 0);
	assert_string_equal(out, "alice.mail@example.org");
	assert_non_null(strstr(src, "e-mail"));
	id.email[0] = '\0';
	assert_int_equal(tls_identity_choose(&id, "Alice Example", out, sizeof(out), &src), 0);
	assert_string_equal(out, "Alice Example");
	assert_int_equal(tls_identity_choose(&id, NULL, out, sizeof(out), &src), -1);
	assert_int_equal(tls_identity_choose(&id, "Alice Example", out, 5, &src), -1);
	free(der);

	/* Through the credentials: the RSA-4096 client gives its UPN, the plain one its CN. */
	c = tls_creds_load_files(TD "rsa4096-client-chain.pem", TD "rsa4096-client.key", NULL, err,
				 sizeof(err));
	assert_non_null(c);
	assert_int_equal(tls_creds_identity(c, out, sizeof(out), &src), 0);
	assert_string_equal(out, "alice@corp.example");
	tls_creds_free(c);
	c = tls_creds_load_files(TD "client.pem", TD "client.key", NULL, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(tls_creds_identity(c, out, sizeof(out), &src), 0);
	assert_string_equal(out, "sstp test client");
	assert_non_null(strstr(src, "CN"));
	tls_creds_free(c);
	/* A server certificate with DNS names only: no UPN, no e-mail. */
	der = load_der(TD "server.pem", &len);
	assert_int_equal(tls_identity_from_der(der, len, &id), 0);
	assert_string_equal(id.upn, "");
	assert_string_equal(id.email, "");
	free(der);
}

/* Find needle in hay; returns its offset. */
static size_t find(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return i;
	fail_msg("pattern not found");
	return 0;
}

static void test_malformed(void **state)
{
	static const uint8_t upn_oid[] = {0x06, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01,
					  0x82, 0x37, 0x14, 0x02, 0x03};
	struct tls_identity id;
	size_t len, off;
	uint8_t *der = load_der(TD "rsa4096-client.pem", &len);
	uint8_t *cut;
	(void)state;

	/* Every truncation: never a read past the end (exact-size copies), never a half result. */
	for (size_t n = 0; n < len; n++) {
		cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, der, n);
		assert_int_equal(tls_identity_from_der(cut, n, &id), -1);
		assert_string_equal(id.upn, "");
		free(cut);
	}
	/* Every single-byte change: 0 or -1, and a result is always printable. */
	cut = malloc(len);
	assert_non_null(cut);
	for (size_t i = 0; i < len; i++) {
		memcpy(cut, der, len);
		cut[i] ^= 0xFF;
		if (tls_identity_from_der(cut, len, &id) == 0)
			for (const char *s = id.upn; *s; s++)
				assert_true((unsigned char)*s >= 0x20);
	}
	/* The UPN value: [0] { UTF8String len "alice@corp.example" } after the OID. */
	off = find(der, len, upn_oid, sizeof(upn_oid)) + sizeof(upn_oid);
	assert_int_equal(der[off], 0xA0);
	assert_int_equal(der[off + 2], 0x0C);
	/* a NUL inside the name */
	memcpy(cut, der, len);
	cut[off + 4 + 5] = 0;
	assert_int_equal(tls_identity_from_der(cut, len, &id), -1);
	/* the UTF8String claims more than its [0] holds */
	memcpy(cut, der, len);
	cut[off + 3] = (uint8_t)(cut[off + 3] + 1);
	assert_int_equal(tls_identity_from_der(cut, len, &id), -1);
	/* the [0] claims more than the certificate holds */
	memcpy(cut, der, len);
	cut[off + 1] = 0x7F;
	assert_int_equal(tls_identity_from_der(cut, len, &id), -1);
	/* a BIT STRING where the name should be */
	memcpy(cut, der, len);
	cut[off + 2] = 0x03;
	assert_int_equal(tls_identity_from_der(cut, len, &id), -1);
	/* nothing at all */
	assert_int_equal(tls_identity_from_der(NULL, 0, &id), -1);
	assert_int_equal(tls_identity_from_der((const uint8_t *)"\x30\x80", 2, &id), -1);
	free(cut);
	free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upn_email_cn_order),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
