/* test_tls_verify.c - the outer TLS session against an in-process mbedTLS server over a
 * socketpair: a good handshake with data both ways and pending bytes, and every verification
 * failure with its sentence (wrong host, unknown CA, expired, not yet valid, wrong EKU, pin
 * mismatch), pin and --insecure overrides, IP literals and --sni, outer client certificates
 * (file and external signer); plus IP/pin parsing and host name matching rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mbedtls/base64.h>

#include "test_tls_helpers.h"
#include "tls_creds.h"

static const char *const test_ca[] = { TD "ca.pem", NULL };

struct run {
	struct tls_session *c;
	struct th_server s;
	int rc;
	char err[512];
};

/* Handshake of a client configured by cfg (server_name etc.) against a server presenting
 * crt_pem (NULL: server.pem). */
static void run(struct run *r, struct tls_config *cfg, const char *crt_pem, const char *client_ca)
{
	int fds[2];

	memset(r, 0, sizeof(*r));
	if (cfg->ca_paths == NULL)
		cfg->ca_paths = test_ca;
	cfg->no_system_ca = 1;
	th_socketpair(fds);
	assert_int_equal(th_server_init(&r->s, crt_pem, client_ca, fds[1]), 0);
	r->c = tls_session_new(cfg, r->err, sizeof(r->err));
	if (r->c == NULL)
		print_error("tls_session_new: %s\n", r->err);
	assert_non_null(r->c);
	tls_session_set_fd(r->c, fds[0]);
	r->rc = th_pump(r->c, &r->s);
}

static void done(struct run *r)
{
	tls_session_free(r->c);
	th_server_free(&r->s);
}

static void expect_cert_error(struct tls_config *cfg, const char *crt_pem, const char *needle)
{
	struct run r;

	run(&r, cfg, crt_pem, NULL);
	if (r.rc != TLS_ERR_CERT || strstr(tls_error(r.c), needle) == NULL)
		print_error("rc %d, error \"%s\", wanted \"%s\"\n", r.rc, tls_error(r.c), needle);
	assert_int_equal(r.rc, TLS_ERR_CERT);
	assert_non_null(strstr(tls_error(r.c), needle));
	done(&r);
}

static void test_good_handshake_and_data(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	const uint8_t *der;
	size_t len, got = 0;
	uint8_t buf[64], big[3000];
	mbedtls_x509_crt expect;
	struct run r;
	int n;

	(void)state;
	run(&r, &cfg, NULL, NULL);
	assert_int_equal(r.rc, TLS_OK);
	assert_null(tls_warning(r.c));
	assert_string_equal(tls_version_name(r.c), tls_supports_tls13() ? "TLSv1.3" : "TLSv1.2");
	/* AEAD first: mbedTLS servers pick the client's order only if they prefer it, so just
	 * require an AEAD suite here */
	assert_true(strstr(tls_cipher_name(r.c), "GCM") || strstr(tls_cipher_name(r.c), "CHACHA"));
	assert_int_equal(tls_peer_cert_der(r.c, &der, &len), 0);
	mbedtls_x509_crt_init(&expect);
	assert_int_equal(mbedtls_x509_crt_parse_file(&expect, TD "server.pem"), 0);
	assert_int_equal(len, expect.raw.len);
	assert_memory_equal(der, expect.raw.p, len);
	mbedtls_x509_crt_free(&expect);

	/* client -> server */
	assert_int_equal(tls_write(r.c, (const uint8_t *)"hello", 5), 5);
	for (int i = 0; i < 100; i++) {
		n = mbedtls_ssl_read(&r.s.ssl, buf, sizeof(buf));
		if (n != MBEDTLS_ERR_SSL_WANT_READ)
			break;
	}
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "hello", 5);

	/* server -> client: one big record read in small pieces, drained via tls_pending */
	memset(big, 'x', sizeof(big));
	assert_int_equal(mbedtls_ssl_write(&r.s.ssl, big, sizeof(big)), (int)sizeof(big));
	assert_int_equal(tls_pending(r.c), 0);
	n = tls_read(r.c, buf, 10);
	assert_int_equal(n, 10);
	got += 10;
	assert_true(tls_pending(r.c) > 0);
	while (tls_pending(r.c) > 0) {
		n = tls_read(r.c, buf, sizeof(buf));
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_int_equal(got, sizeof(big));
	assert_int_equal(tls_read(r.c, buf, sizeof(buf)), TLS_WANT_READ);
	assert_int_equal(tls_pending(r.c), 0);

	/* orderly close by the server */
	(void)mbedtls_ssl_close_notify(&r.s.ssl);
	assert_int_equal(tls_read(r.c, buf, sizeof(buf)), TLS_CLOSED);
	assert_int_equal(tls_close_notify(r.c), TLS_OK);
	done(&r);
}

static void test_wrong_host(void **state)
{
	struct tls_config cfg = { .server_name = "vpn.example.com" };

	(void)state;
	expect_cert_error(&cfg, NULL,
			  "certificate for localhost, vpn.test, 127.0.0.1, (an IPv6 address) "
			  "presented by vpn.example.com");
	cfg.server_name = "127.0.0.2";
	expect_cert_error(&cfg, NULL, "presented by 127.0.0.2");
	/* --sni replaces the name that is checked */
	cfg.server_name = "vpn.test";
	cfg.sni = "other.test";
	expect_cert_error(&cfg, NULL, "presented by other.test");
}

static void test_names_that_match(void **state)
{
	static const char *const names[] = { "localhost", "VPN.Test", "vpn.test.", "127.0.0.1",
					     "::1", "[::1]", NULL };
	struct tls_config cfg = { 0 };
	struct run r;

	(void)state;
	for (size_t i = 0; names[i] != NULL; i++) {
		cfg.server_name = names[i];
		run(&r, &cfg, NULL, NULL);
		if (r.rc != TLS_OK)
			print_error("%s: %s\n", names[i], tls_error(r.c));
		assert_int_equal(r.rc, TLS_OK);
		done(&r);
	}
	/* connecting by address, checking (and sending SNI) for a name */
	cfg.server_name = "10.9.8.7";
	cfg.sni = "vpn.test";
	run(&r, &cfg, NULL, NULL);
	assert_int_equal(r.rc, TLS_OK);
	done(&r);
}

static void test_unknown_issuer(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	uint8_t *pem;
	size_t len;

	(void)state;
	pem = th_read(TD "server-other.pem", &len);
	assert_non_null(pem);
	expect_cert_error(&cfg, (const char *)pem, "unknown issuer \"CN=sstp other root\"");
	free(pem);
}

static void test_dates(void **state)
{
	struct th_cert_spec sp = { .subject = "CN=localhost", .dns = "localhost",
				   .eku = MBEDTLS_OID_SERVER_AUTH,
				   .eku_len = MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH) };
	struct tls_config cfg = { .server_name = "localhost" };
	char pem[4096];
	struct run r;

	(void)state;
	sp.not_before = "20000101000000";
	sp.not_after = "20010102000000";
	assert_int_equal(th_mint(&sp, TD "server.key", NULL, NULL, pem, sizeof(pem)), 0);
	expect_cert_error(&cfg, pem, "server certificate expired on 2001-01-02");
	/* --insecure accepts it and says what was wrong */
	cfg.insecure = 1;
	run(&r, &cfg, pem, NULL);
	assert_int_equal(r.rc, TLS_OK);
	assert_non_null(tls_warning(r.c));
	assert_non_null(strstr(tls_warning(r.c), "expired on 2001-01-02"));
	assert_non_null(strstr(tls_warning(r.c), "--insecure"));
	done(&r);
	cfg.insecure = 0;

	sp.not_before = "20900301000000";
	sp.not_after = "21000101000000";
	assert_int_equal(th_mint(&sp, TD "server.key", NULL, NULL, pem, sizeof(pem)), 0);
	expect_cert_error(&cfg, pem, "server certificate is not valid before 2090-03-01");
}

static void test_wrong_eku(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	struct th_cert_spec sp = { .subject = "CN=localhost", .dns = "localhost",
				   .not_before = "20200101000000", .not_after = "21000101000000",
				   .eku = MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE,
				   .eku_len = MBEDTLS_OID_SIZE(MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE) };
	char pem[4096];
	uint8_t *file;
	size_t len;
	struct run r;

	(void)state;
	/* mbedTLS servers refuse to present such a certificate (test_tls_interop has the
	 * handshake against openssl); run the chain verification with our callback directly */
	file = th_read(TD "server-clientauth.pem", &len);
	assert_non_null(file);
	{
		mbedtls_x509_crt c, ca;
		struct tls_verify v;
		uint32_t flags = 0;

		mbedtls_x509_crt_init(&c);
		mbedtls_x509_crt_init(&ca);
		assert_int_equal(mbedtls_x509_crt_parse(&c, file, len + 1), 0);
		assert_int_equal(mbedtls_x509_crt_parse_file(&ca, TD "ca.pem"), 0);
		memset(&v, 0, sizeof(v));
		assert_int_equal(tls_verify_set_name(&v, "localhost"), 0);
		assert_int_equal(mbedtls_x509_crt_verify(&c, &ca, NULL, NULL, &flags, tls_verify_cb,
							 &v),
				 MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
		assert_true(flags & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE);
		assert_string_equal(v.error, "server certificate is not for server authentication "
					     "(its extended key usage lacks serverAuth)");
		mbedtls_x509_crt_free(&c);
		mbedtls_x509_crt_free(&ca);
	}
	free(file);
	/* anyExtendedKeyUsage and no EKU at all are fine (MS-SSTP 3.2.4.1) */
	assert_int_equal(th_mint(&sp, TD "server.key", NULL, NULL, pem, sizeof(pem)), 0);
	run(&r, &cfg, pem, NULL);
	assert_int_equal(r.rc, TLS_OK);
	done(&r);
	sp.eku = NULL;
	assert_int_equal(th_mint(&sp, TD "server.key", NULL, NULL, pem, sizeof(pem)), 0);
	run(&r, &cfg, pem, NULL);
	assert_int_equal(r.rc, TLS_OK);
	done(&r);
}

/* base64 of SHA-256 over server.key's SubjectPublicKeyInfo */
static void server_pin(char out[64])
{
	mbedtls_x509_crt c;
	uint8_t h[32];

	mbedtls_x509_crt_init(&c);
	assert_int_equal(mbedtls_x509_crt_parse_file(&c, TD "server.pem"), 0);
	assert_int_equal(tls_spki_sha256(&c, h), 0);
	assert_int_equal(tls_base64(h, 32, out, 64), 0);
	mbedtls_x509_crt_free(&c);
	if (th_have_openssl()) /* the same value as the usual openssl recipe */
		assert_int_equal(th_sh("test \"$(openssl x509 -in %sserver.pem -pubkey -noout | "
				       "openssl pkey -pubin -outform DER | openssl dgst -sha256 "
				       "-binary | base64)\" = '%s'",
				       TD, out),
				 0);
}

static void test_pins(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	char pin[64], list[200], got[64];
	uint8_t *other;
	size_t len;
	struct run r;

	(void)state;
	server_pin(pin);
	/* a good chain but the wrong pin: refused */
	cfg.pin_sha256 = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	expect_cert_error(&cfg, NULL, "server key does not match the pinned SHA-256");
	run(&r, &cfg, NULL, NULL);
	assert_int_equal(tls_peer_pin_sha256(r.c, got, sizeof(got)), 0);
	assert_string_equal(got, pin); /* tells the user what the key is */
	done(&r);
	/* a matching pin (in a list) accepts an unknown issuer and a wrong name */
	snprintf(list, sizeof(list), "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, %s", pin);
	cfg.pin_sha256 = list;
	cfg.server_name = "elsewhere.example";
	other = th_read(TD "server-other.pem", &len);
	assert_non_null(other);
	run(&r, &cfg, (const char *)other, NULL);
	assert_int_equal(r.rc, TLS_OK);
	assert_non_null(tls_warning(r.c));
	assert_non_null(strstr(tls_warning(r.c), "unknown issuer"));
	assert_non_null(strstr(tls_warning(r.c), "presented by elsewhere.example"));
	assert_non_null(strstr(tls_warning(r.c), "pinned key"));
	done(&r);
	free(other);
}

static void test_config_errors(void **state)
{
	char err[256];
	struct tls_config cfg = { .server_name = "localhost", .no_system_ca = 1 };
	static const char *const missing[] = { "/nonexistent/ca.pem", NULL };

	(void)state;
	assert_null(tls_session_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "no trusted root"));
	cfg.ca_paths = missing;
	assert_null(tls_session_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	cfg.ca_paths = test_ca;
	cfg.pin_sha256 = "not-a-pin";
	assert_null(tls_session_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "--pin-sha256"));
	cfg.pin_sha256 = NULL;
	cfg.server_name = NULL;
	assert_null(tls_session_new(&cfg, err, sizeof(err)));
	cfg.server_name = "localhost";
	cfg.min_version = TLS_VERSION_1_3;
	if (!tls_supports_tls13()) {
		assert_null(tls_session_new(&cfg, err, sizeof(err)));
		assert_non_null(strstr(err, "TLS 1.3 is not available"));
	}
	/* a system store alone is enough (if this machine has one) */
	cfg.min_version = TLS_VERSION_DEFAULT;
	cfg.ca_paths = NULL;
	cfg.no_system_ca = 0;
	if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0) {
		struct tls_session *s = tls_session_new(&cfg, err, sizeof(err));

		assert_non_null(s);
		tls_session_free(s);
	}
}

/* An external signer backed by a software key, as a keystore adapter would be. */
static int soft_sign(void *ctx, enum tls_hash hash, const uint8_t *digest, size_t digest_len,
		     uint8_t *sig, size_t sig_size, size_t *sig_len)
{
	static const mbedtls_md_type_t md[] = { MBEDTLS_MD_NONE, MBEDTLS_MD_SHA1,
						MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384,
						MBEDTLS_MD_SHA512 };
	uint8_t tmp[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	int *calls = (int *)((mbedtls_pk_context *)ctx + 1);

	(*calls)++;
	if (tls_compat_pk_sign(ctx, md[hash], digest, digest_len, tmp, sizeof(tmp), sig_len) != 0 ||
	    *sig_len > sig_size)
		return -1;
	memcpy(sig, tmp, *sig_len);
	return 0;
}

static void soft_free(void *ctx)
{
	mbedtls_pk_free(ctx);
	free(ctx);
}

static void test_outer_client_certificate(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	char err[256], cn[64];
	struct tls_creds *creds;
	const mbedtls_x509_crt *peer;
	struct tls_signer signer;
	struct tls_blob blob;
	mbedtls_pk_context *pk;
	uint8_t *pem;
	size_t len;
	struct run r;

	(void)state;
	creds = tls_creds_load_files(TD "client.pem", TD "client.key", NULL, err, sizeof(err));
	assert_non_null(creds);
	cfg.client_creds = creds;
	run(&r, &cfg, NULL, TD "ca.pem");
	assert_int_equal(r.rc, TLS_OK);
	peer = mbedtls_ssl_get_peer_cert(&r.s.ssl);
	assert_non_null(peer);
	assert_true(mbedtls_x509_dn_gets(cn, sizeof(cn), &peer->subject) > 0);
	assert_string_equal(cn, "CN=sstp test client");
	done(&r);
	tls_creds_free(creds);

	/* the same through an external signer */
	pk = calloc(1, sizeof(*pk) + sizeof(int));
	assert_non_null(pk);
	mbedtls_pk_init(pk);
	assert_int_equal(th_load_key(pk, TD "client.key"), 0);
	pem = th_read(TD "client.pem", &len);
	assert_non_null(pem);
	blob.data = pem;
	blob.len = len + 1;
	signer.ctx = pk;
	signer.type = TLS_KEY_RSA;
	signer.sign = soft_sign;
	signer.free = soft_free;
	creds = tls_creds_from_signer(&blob, 1, &signer, err, sizeof(err));
	free(pem);
	if (creds == NULL)
		print_error("%s\n", err);
	assert_non_null(creds);
	cfg.client_creds = creds;
	run(&r, &cfg, NULL, TD "ca.pem");
	assert_int_equal(r.rc, TLS_OK);
	assert_int_equal(*(int *)(pk + 1), 1); /* CertificateVerify was signed by the signer */
	assert_string_equal(tls_version_name(r.c), "TLSv1.2"); /* no RSA-PSS through signers */
	done(&r);
	tls_creds_free(creds);
}

static void test_parse_ip(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *hex;
	} ok[] = {
		{ "127.0.0.1", 4, "7f000001" },
		{ "::1", 16, "00000000000000000000000000000001" },
		{ "[2001:db8::5]", 16, "20010db8000000000000000000000005" },
		{ "fe80::1%eth0", 16, "fe800000000000000000000000000001" },
		{ "::ffff:10.0.0.1", 16, "00000000000000000000ffff0a000001" },
		{ "1:2:3:4:5:6:7:8", 16, "00010002000300040005000600070008" },
		{ "::", 16, "00000000000000000000000000000000" },
	};
	static const char *const bad[] = { "1.2.3", "256.1.1.1", "1.2.3.4.5", "a.b.c.d",
					   "localhost", "1::2::3", ":1:2", "1:2:3:4:5:6:7:8:9",
					   "12345::", "1.2.3.04x", "", "1:", NULL };
	uint8_t ip[16];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char hex[40] = "";

		assert_int_equal(tls_parse_ip(ok[i].s, ip, &len), 1);
		assert_int_equal(len, ok[i].len);
		for (size_t k = 0; k < len; k++)
			snprintf(hex + 2 * k, 3, "%02x", ip[k]);
		assert_string_equal(hex, ok[i].hex);
	}
	for (size_t i = 0; bad[i] != NULL; i++) {
		if (tls_parse_ip(bad[i], ip, &len))
			print_error("accepted %s\n", bad[i]);
		assert_int_equal(tls_parse_ip(bad[i], ip, &len), 0);
	}
}

static void test_pin_syntax(void **state)
{
	struct tls_verify v;
	char err[128];

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(tls_verify_set_pins(&v, "00112233445566778899aabbccddeeff00112233445566778"
						 "899AABBCCDDEEFF",
					     err, sizeof(err)),
			 0);
	assert_int_equal(v.n_pins, 1);
	assert_int_equal(v.pins[0][0], 0x00);
	assert_int_equal(v.pins[0][31], 0xff);
	assert_int_equal(tls_verify_set_pins(&v, "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
						 "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
					     err, sizeof(err)),
			 0);
	assert_int_equal(tls_verify_set_pins(&v, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
					     err, sizeof(err)),
			 0); /* base64 without padding */
	assert_int_equal(v.pins[0][1], 1);
	assert_int_equal(v.pins[0][31], 31);
	assert_int_equal(tls_verify_set_pins(&v, "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,"
						 "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
					     err, sizeof(err)),
			 0);
	assert_int_equal(v.n_pins, 2);
	assert_int_equal(tls_verify_set_pins(&v, "AAEC", err, sizeof(err)), -1);
	assert_int_equal(tls_verify_set_pins(&v, "zz112233445566778899aabbccddeeff0011223344556677"
						 "8899aabbccddeeff",
					     err, sizeof(err)),
			 -1);
	assert_int_equal(tls_verify_set_pins(&v, " , ", err, sizeof(err)), -1);
}

static void test_wildcards(void **state)
{
	static const struct {
		const char *san, *host;
		int match;
	} cases[] = {
		{ "*.example.com", "vpn.example.com", 1 },
		{ "*.example.com", "a.b.example.com", 0 },
		{ "*.example.com", "example.com", 0 },
		{ "*.com", "example.com", 0 },
		{ "vpn*.example.com", "vpn1.example.com", 0 },
		{ "VPN.Example.COM", "vpn.example.com", 1 },
		{ "vpn.example.com.", "vpn.example.com", 1 },
	};
	struct th_cert_spec sp = { .subject = "CN=ignored.example", .not_before = "20200101000000",
				   .not_after = "21000101000000" };
	char pem[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mbedtls_x509_crt c;
		struct tls_verify v;

		sp.dns = cases[i].san;
		assert_int_equal(th_mint(&sp, TD "server.key", NULL, NULL, pem, sizeof(pem)), 0);
		mbedtls_x509_crt_init(&c);
		assert_int_equal(mbedtls_x509_crt_parse(&c, (const unsigned char *)pem,
							strlen(pem) + 1),
				 0);
		memset(&v, 0, sizeof(v));
		assert_int_equal(tls_verify_set_name(&v, cases[i].host), 0);
		if (tls_verify_name_matches(&v, &c) != cases[i].match)
			print_error("%s vs %s\n", cases[i].san, cases[i].host);
		assert_int_equal(tls_verify_name_matches(&v, &c), cases[i].match);
		/* the CN is not consulted when a DNS SAN exists */
		assert_int_equal(tls_verify_set_name(&v, "ignored.example"), 0);
		assert_int_equal(tls_verify_name_matches(&v, &c), 0);
		mbedtls_x509_crt_free(&c);
	}
	/* without SANs the CN counts */
	{
		mbedtls_x509_crt c;
		struct tls_verify v;

		sp.dns = NULL;
		assert_int_equal(th_mint(&sp, TD "server.key", NULL, NULL, pem, sizeof(pem)), 0);
		mbedtls_x509_crt_init(&c);
		assert_int_equal(mbedtls_x509_crt_parse(&c, (const unsigned char *)pem,
							strlen(pem) + 1),
				 0);
		memset(&v, 0, sizeof(v));
		assert_int_equal(tls_verify_set_name(&v, "ignored.example"), 0);
		assert_int_equal(tls_verify_name_matches(&v, &c), 1);
		mbedtls_x509_crt_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_handshake_and_data),
		cmocka_unit_test(test_wrong_host),
		cmocka_unit_test(test_names_that_match),
		cmocka_unit_test(test_unknown_issuer),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_wrong_eku),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_outer_client_certificate),
		cmocka_unit_test(test_parse_ip),
		cmocka_unit_test(test_pin_syntax),
		cmocka_unit_test(test_wildcards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
