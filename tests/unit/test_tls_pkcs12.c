/* test_tls_pkcs12.c - PKCS#12 reader/writer and client credential loading: the real Azure
 * client.p12 (RC2-40 + 3DES), files made by `openssl pkcs12` (OpenSSL 3 default, -legacy, -descert,
 * no encryption, no MAC, SHA-512 MAC, long/Unicode/empty passwords, chains), wrong passwords, a
 * tampered MAC, truncated and corrupted input, the KDF against mbedTLS's, our writer read back by
 * openssl, and PEM/DER/PKCS#1/PKCS#8/encrypted PKCS#8 key files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mbedtls/pkcs12.h>

#include "test_tls_helpers.h"
#include "tls_creds.h"
#include "tls_pkcs12.h"

#define AZURE_P12 TD "azure/client.p12"
#define AZURE_THUMB "8C1CFCBD1EE92E98DD61FDD2228C4E5A1D52ED0C"
#define PW_UNI "w\xc3\xa4" "chter"
#define CLIENT_THUMB "56A235022A01B9CA672E54D0FB6AAAA8924B6A83"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	th_tmpdir(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	th_rmdir(dir);
	return 0;
}

#define NEED_OPENSSL()                                 \
	do {                                           \
		if (!th_have_openssl())                \
			skip();                        \
	} while (0)

static void expect_creds(const char *path, const char *key, const char *pw, const char *thumb,
			 size_t chain_len)
{
	char err[512] = "", tp[48];
	struct tls_creds *c = tls_creds_load_files(path, key, pw, err, sizeof(err));

	if (c == NULL)
		print_error("%s: %s\n", path, err);
	assert_non_null(c);
	assert_int_equal(tls_creds_thumbprint(c, tp, sizeof(tp)), 0);
	assert_string_equal(tp, thumb);
	assert_int_equal(tls_creds_chain_len(c), chain_len);
	tls_creds_free(c);
}

static void expect_fail(const char *path, const char *key, const char *pw, const char *needle)
{
	char err[512] = "";
	struct tls_creds *c = tls_creds_load_files(path, key, pw, err, sizeof(err));

	assert_null(c);
	if (strstr(err, needle) == NULL)
		print_error("error \"%s\" lacks \"%s\"\n", err, needle);
	assert_non_null(strstr(err, needle));
}

static void test_azure_fixture(void **state)
{
	char err[512], cn[64];
	struct tls_p12 p12;
	uint8_t *der;
	size_t len;
	struct tls_creds *c;

	(void)state;
	der = th_read(AZURE_P12, &len);
	assert_non_null(der);
	assert_int_equal(tls_p12_parse(der, len, "password", &p12, err, sizeof(err)), TLS_P12_OK);
	assert_int_equal(p12.n_certs, 2);
	assert_true(p12.have_key);
	assert_true(p12.mac_present);
	tls_p12_free(&p12);

	c = tls_creds_load_pkcs12(der, len, "password", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(tls_creds_subject_cn(c, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "client");
	/* the self-signed "VPN CA" root is not presented */
	assert_int_equal(tls_creds_chain_len(c), 1);
	tls_creds_free(c);
	expect_creds(AZURE_P12, NULL, "password", AZURE_THUMB, 1);

	assert_int_equal(tls_p12_parse(der, len, "passw0rd", &p12, err, sizeof(err)),
			 TLS_P12_BAD_PASSWORD);
	assert_non_null(strstr(err, "wrong password"));
	assert_int_equal(p12.n_certs, 0);
	expect_fail(AZURE_P12, NULL, "nope", "wrong password");
	expect_fail(AZURE_P12, NULL, NULL, "needs a password");
	free(der);
}

/* Exports client.pem + client.key (+ extra) with openssl into dir/name and loads it back. */
static void openssl_variant(const char *name, const char *opts, const char *pw)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.p12", dir, name);
	assert_int_equal(th_sh("openssl pkcs12 -export -inkey %sclient.key -in %sclient.pem "
			       "-certfile %sca.pem -passout 'pass:%s' %s -out %s 2>/dev/null",
			       TD, TD, TD, pw, opts, path),
			 0);
	expect_creds(path, NULL, pw, CLIENT_THUMB, 1);
}

static void test_openssl_variants(void **state)
{
	(void)state;
	NEED_OPENSSL();
	openssl_variant("default", "", "secret");               /* PBES2 AES-256, SHA-256 MAC */
	openssl_variant("legacy", "-legacy", "secret");         /* RC2-40 certs, 3DES key, SHA-1 MAC */
	openssl_variant("descert", "-descert", "secret");       /* 3DES certs */
	openssl_variant("aes128", "-certpbe AES-128-CBC -keypbe AES-128-CBC", "secret");
	openssl_variant("plain", "-certpbe NONE -keypbe NONE", "secret");
	openssl_variant("nomac", "-nomac", "secret");
	openssl_variant("sha512", "-macalg sha512", "secret");
	openssl_variant("long", "", "a password much longer than thirty-one characters!");
	openssl_variant("legacylong", "-legacy", "a password much longer than thirty-one chars");
	openssl_variant("unicode", "", "p\xc3\xa4sswd\xe2\x82\xac");
	openssl_variant("unicodelegacy", "-legacy", "p\xc3\xa4sswd\xe2\x82\xac");
	openssl_variant("empty", "", "");
	openssl_variant("emptylegacy", "-legacy", "");
}

static void test_openssl_chain(void **state)
{
	char path[256], chain[256], thumb[48], cmd_out[48];
	FILE *f;

	(void)state;
	NEED_OPENSSL();
	snprintf(chain, sizeof(chain), "%s/chain.pem", dir);
	snprintf(path, sizeof(path), "%s/ec.p12", dir);
	assert_int_equal(th_sh("cat %sinter.pem %sca.pem > %s", TD, TD, chain), 0);
	assert_int_equal(th_sh("openssl pkcs12 -export -inkey %sclient-ec.key -in %sclient-ec.pem "
			       "-certfile %s -passout pass:pw -out %s 2>/dev/null",
			       TD, TD, chain, path),
			 0);
	f = popen("openssl x509 -in " TD "client-ec.pem -noout -fingerprint -sha1 | cut -d= -f2 | "
		  "tr -d ':\\n'",
		  "r");
	assert_non_null(f);
	assert_non_null(fgets(cmd_out, sizeof(cmd_out), f));
	pclose(f);
	snprintf(thumb, sizeof(thumb), "%s", cmd_out);
	/* leaf + intermediate; the root stays out */
	expect_creds(path, NULL, "pw", thumb, 2);
}

static void test_wrong_password_and_tamper(void **state)
{
	char path[256], err[512];
	struct tls_p12 p12;
	uint8_t *der;
	size_t len;

	(void)state;
	NEED_OPENSSL();
	snprintf(path, sizeof(path), "%s/t.p12", dir);
	assert_int_equal(th_sh("openssl pkcs12 -export -inkey %sclient.key -in %sclient.pem "
			       "-passout pass:right -out %s 2>/dev/null",
			       TD, TD, path),
			 0);
	expect_fail(path, NULL, "wrong", "wrong password");
	der = th_read(path, &len);
	assert_non_null(der);
	der[len / 2] ^= 0x01; /* inside the authenticated safe */
	assert_int_equal(tls_p12_parse(der, len, "right", &p12, err, sizeof(err)),
			 TLS_P12_BAD_PASSWORD);
	assert_non_null(strstr(err, "MAC does not verify"));
	free(der);
}

/* Every truncation and many corruptions of a valid file fail cleanly (ASan checks reads). */
static void test_malformed(void **state)
{
	char err[512];
	struct tls_p12 p12;
	uint8_t *der, *copy;
	size_t len, i;
	unsigned seed = 12345;

	(void)state;
	der = th_read(AZURE_P12, &len);
	assert_non_null(der);
	copy = malloc(len);
	assert_non_null(copy);
	for (i = 0; i < len; i += (i < 200 ? 1 : 37)) {
		memcpy(copy, der, i);
		assert_int_not_equal(tls_p12_parse(copy, i, "password", &p12, err, sizeof(err)),
				     TLS_P12_OK);
		assert_int_equal(p12.n_certs, 0);
		assert_false(p12.have_key);
	}
	/* corrupt the structure before the MAC can even be checked: random headers */
	for (i = 0; i < 300; i++) {
		size_t pos;

		memcpy(copy, der, len);
		seed = seed * 1103515245u + 12345u;
		pos = (seed >> 8) % 64; /* the outer headers */
		copy[pos] = (uint8_t)(seed >> 20);
		if (tls_p12_parse(copy, len, "password", &p12, err, sizeof(err)) == TLS_P12_OK)
			tls_p12_free(&p12); /* a harmless byte (e.g. inside an OID value) */
	}
	assert_int_equal(tls_p12_parse((const uint8_t *)"", 0, "x", &p12, err, sizeof(err)),
			 TLS_P12_MALFORMED);
	free(copy);
	free(der);
}

static void test_kdf_matches_mbedtls(void **state)
{
	static const int mds[] = { MBEDTLS_MD_SHA1, MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA512 };
	const uint8_t salt[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint8_t *bmp, a[100], b[100];
	size_t bmp_len;

	(void)state;
	assert_int_equal(tls_p12_bmp_password("secret", &bmp, &bmp_len), 0);
	assert_int_equal(bmp_len, 14);
	for (size_t m = 0; m < 3; m++)
		for (uint8_t id = 1; id <= 3; id++)
			for (unsigned iter = 1; iter <= 1001; iter += 500) {
				assert_int_equal(tls_p12_kdf(mds[m], bmp, bmp_len, salt,
							     sizeof(salt), iter, id, a, sizeof(a)),
						 0);
				assert_int_equal(mbedtls_pkcs12_derivation(
							 b, sizeof(b), bmp, bmp_len, salt,
							 sizeof(salt), (mbedtls_md_type_t)mds[m], id,
							 (int)iter),
						 0);
				assert_memory_equal(a, b, sizeof(a));
			}
	free(bmp);
}

static void test_bmp_password(void **state)
{
	/* U+00E4, U+20AC, U+1D11E (surrogate pair) */
	const uint8_t want[] = { 0x00, 0xe4, 0x20, 0xac, 0xd8, 0x34, 0xdd, 0x1e, 0x00, 0x00 };
	uint8_t *bmp;
	size_t len;

	(void)state;
	assert_int_equal(tls_p12_bmp_password("\xc3\xa4\xe2\x82\xac\xf0\x9d\x84\x9e", &bmp, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(bmp, want, len);
	free(bmp);
	assert_int_equal(tls_p12_bmp_password("", &bmp, &len), 0);
	assert_int_equal(len, 2);
	free(bmp);
	assert_int_equal(tls_p12_bmp_password(NULL, &bmp, &len), 0);
	assert_int_equal(len, 0);
	free(bmp);
	assert_int_equal(tls_p12_bmp_password("\xc3", &bmp, &len), -1);         /* truncated */
	assert_int_equal(tls_p12_bmp_password("\xc0\x80", &bmp, &len), -1);     /* overlong */
	assert_int_equal(tls_p12_bmp_password("\xed\xa0\x80", &bmp, &len), -1); /* surrogate */
	assert_int_equal(tls_p12_bmp_password("\xff", &bmp, &len), -1);
}

static void test_writer_roundtrip(void **state)
{
	char err[512], path[256], tp[48];
	const uint8_t *certs[2];
	size_t lens[2];
	mbedtls_pk_context pk;
	mbedtls_x509_crt ca;
	uint8_t *key, *p12;
	size_t key_len, p12_len;
	struct tls_p12 parsed;
	struct tls_creds *c;

	(void)state;
	c = tls_creds_load_files(TD "client.pem", TD "client.key", NULL, err, sizeof(err));
	assert_non_null(c);
	mbedtls_pk_init(&pk);
	mbedtls_x509_crt_init(&ca);
	assert_int_equal(th_load_key(&pk, TD "client.key"), 0);
	assert_int_equal(mbedtls_x509_crt_parse_file(&ca, TD "ca.pem"), 0);
	assert_int_equal(tls_pk_write_pkcs8(&pk, &key, &key_len), 0);
	assert_int_equal(tls_creds_cert_der(c, 0, &certs[0], &lens[0]), 0);
	certs[1] = ca.raw.p;
	lens[1] = ca.raw.len;
	assert_int_equal(tls_p12_write(certs, lens, 2, key, key_len, PW_UNI, "sstp test",
				       &p12, &p12_len, err, sizeof(err)),
			 TLS_P12_OK);
	/* our reader */
	assert_int_equal(tls_p12_parse(p12, p12_len, PW_UNI, &parsed, err, sizeof(err)),
			 TLS_P12_OK);
	assert_int_equal(parsed.n_certs, 2);
	assert_true(parsed.have_key);
	assert_true(parsed.mac_present);
	assert_int_equal(parsed.key.len, key_len);
	assert_memory_equal(parsed.key.der, key, key_len);
	assert_int_equal(parsed.certs[0].key_id_len, 20);
	tls_p12_free(&parsed);
	assert_int_equal(tls_p12_parse(p12, p12_len, "wachter", &parsed, err, sizeof(err)),
			 TLS_P12_BAD_PASSWORD);
	/* creds from it */
	tls_creds_free(c);
	c = tls_creds_load_pkcs12(p12, p12_len, PW_UNI, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(tls_creds_thumbprint(c, tp, sizeof(tp)), 0);
	assert_string_equal(tp, CLIENT_THUMB);
	tls_creds_free(c);
	/* openssl reads it: MAC, both encryptions, the key matching the certificate */
	if (th_have_openssl()) {
		snprintf(path, sizeof(path), "%s/ours.p12", dir);
		assert_int_equal(th_write(path, p12, p12_len), 0);
		assert_int_equal(th_sh("openssl pkcs12 -in %s -passin 'pass:%s' -info "
				       "-noout 2>/dev/null",
				       path, PW_UNI),
				 0);
		assert_int_equal(th_sh("openssl pkcs12 -in %s -passin 'pass:%s' -nodes "
				       "-nocerts 2>/dev/null | openssl pkey -pubout > %s/a.pub && "
				       "openssl pkey -in %sclient.key -pubout > %s/b.pub && "
				       "cmp -s %s/a.pub %s/b.pub",
				       path, PW_UNI, dir, TD, dir, dir, dir),
				 0);
		assert_int_equal(th_sh("openssl pkcs12 -in %s -passin 'pass:%s' -nokeys "
				       "-clcerts 2>/dev/null | openssl x509 -noout -fingerprint "
				       "-sha1 | grep -q 56:A2:35:02",
				       path, PW_UNI),
				 0);
		assert_int_equal(th_sh("openssl pkcs12 -in %s -passin pass:bad -info -noout "
				       ">/dev/null 2>&1",
				       path),
				 1);
	}
	free(p12);
	mbedtls_platform_zeroize(key, key_len);
	free(key);
	mbedtls_pk_free(&pk);
	mbedtls_x509_crt_free(&ca);
	assert_int_equal(tls_p12_write(certs, lens, 1, key, 0, "", NULL, &p12, &p12_len, err,
				       sizeof(err)),
			 TLS_P12_MALFORMED);
}

static void test_key_files(void **state)
{
	char p[256], q[256];

	(void)state;
	expect_creds(TD "client.pem", TD "client.key", NULL, CLIENT_THUMB, 1); /* PKCS#8 PEM */
	expect_fail(TD "client.pem", TD "server.key", NULL, "does not belong");
	expect_fail(TD "client.pem", NULL, NULL, "holds no private key");
	expect_fail(TD "client.pem", TD "nonexistent.key", NULL, "cannot open");
	expect_fail(TD "README.md", NULL, NULL, "neither a certificate");
	NEED_OPENSSL();
#define CONV(name, cmd)                                                       \
	do {                                                                  \
		snprintf(p, sizeof(p), "%s/%s", dir, name);                   \
		assert_int_equal(th_sh(cmd " 2>/dev/null", TD, p), 0);        \
	} while (0)
	CONV("pkcs1.pem", "openssl rsa -in %sclient.key -traditional -out %s");
	expect_creds(TD "client.pem", p, NULL, CLIENT_THUMB, 1);
	CONV("key.der", "openssl pkey -in %sclient.key -outform DER -out %s");
	expect_creds(TD "client.pem", p, NULL, CLIENT_THUMB, 1);
	CONV("aes.pem", "openssl pkcs8 -topk8 -v2 aes-256-cbc -in %sclient.key -passout pass:k3y "
			"-out %s");
	expect_creds(TD "client.pem", p, "k3y", CLIENT_THUMB, 1);
	expect_fail(TD "client.pem", p, "bad", "wrong password");
	expect_fail(TD "client.pem", p, NULL, "give its password");
	CONV("aes.der", "openssl pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA512 -in "
			"%sclient.key -passout pass:k3y -outform DER -out %s");
	expect_creds(TD "client.pem", p, "k3y", CLIENT_THUMB, 1);
	CONV("3des.pem", "openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -in %sclient.key -passout "
			 "pass:k3y -out %s");
	expect_creds(TD "client.pem", p, "k3y", CLIENT_THUMB, 1);
	CONV("legacy-enc.pem", "openssl rsa -in %sclient.key -traditional -aes128 -passout "
			       "pass:k3y -out %s");
	expect_creds(TD "client.pem", p, "k3y", CLIENT_THUMB, 1);
	expect_fail(TD "client.pem", p, "bad", "wrong password");
	/* certificate and key in one PEM file; the DER certificate on its own */
	snprintf(q, sizeof(q), "%s/both.pem", dir);
	assert_int_equal(th_sh("cat %sclient.key %sclient.pem > %s", TD, TD, q), 0);
	expect_creds(q, NULL, NULL, CLIENT_THUMB, 1);
	snprintf(q, sizeof(q), "%s/client.der", dir);
	assert_int_equal(th_sh("openssl x509 -in %sclient.pem -outform DER -out %s", TD, q), 0);
	expect_creds(q, TD "client.key", NULL, CLIENT_THUMB, 1);
	/* EC key (SEC1 PEM) with its intermediate in the certificate file */
	snprintf(q, sizeof(q), "%s/ec-chain.pem", dir);
	assert_int_equal(th_sh("cat %sclient-ec.pem %sinter.pem %sca.pem > %s", TD, TD, TD, q), 0);
	{
		char err[256];
		struct tls_creds *c = tls_creds_load_files(q, TD "client-ec.key", NULL, err,
							   sizeof(err));

		assert_non_null(c);
		assert_int_equal(tls_creds_chain_len(c), 2);
		tls_creds_free(c);
	}
#undef CONV
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_azure_fixture),
		cmocka_unit_test(test_openssl_variants),
		cmocka_unit_test(test_openssl_chain),
		cmocka_unit_test(test_wrong_password_and_tamper),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_kdf_matches_mbedtls),
		cmocka_unit_test(test_bmp_password),
		cmocka_unit_test(test_writer_roundtrip),
		cmocka_unit_test(test_key_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
