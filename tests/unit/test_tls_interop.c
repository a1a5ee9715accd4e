/* test_tls_interop.c - the outer TLS session against `openssl s_server` on 127.0.0.1 (a free
 * port, bounded time, the server killed at the end): a verified handshake with the leaf DER,
 * version and suite, data both ways over a non-blocking socket, a bad-host failure sentence, a
 * server certificate without serverAuth, and an outer client certificate the server requires. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tls_helpers.h"
#include "tls_creds.h"

static const char *const test_ca[] = { TD "ca.pem", NULL };
static char dir[64];

static int setup(void **state)
{
	(void)state;
	if (!th_have_openssl())
		return 0;
	th_tmpdir(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (dir[0])
		th_rmdir(dir);
	return 0;
}

struct peer {
	pid_t pid;
	struct tls_session *s;
	char log[128];
	int rc;
};

static struct peer *current; /* killed by the teardown if a test fails half-way */

/* Starts s_server with args, connects a session configured by cfg and runs the handshake. */
static void start(struct peer *p, const char *args, struct tls_config *cfg)
{
	char err[256];
	int port = th_free_port(), fd;

	if (!th_have_openssl())
		skip();
	snprintf(p->log, sizeof(p->log), "%s/s_server.log", dir);
	p->pid = th_s_server(port, args, p->log);
	p->s = NULL;
	current = p;
	assert_true(p->pid > 0);
	fd = th_connect(port);
	assert_true(fd >= 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	cfg->ca_paths = test_ca;
	cfg->no_system_ca = 1;
	p->s = tls_session_new(cfg, err, sizeof(err));
	assert_non_null(p->s);
	tls_session_set_fd(p->s, fd);
	p->rc = th_handshake_poll(p->s);
}

static void stop(struct peer *p)
{
	tls_session_free(p->s);
	th_kill(p->pid);
	current = NULL;
}

static int kill_peer(void **state)
{
	(void)state;
	if (current != NULL)
		stop(current);
	return 0;
}

/* Reads until n bytes arrived or ~5 s passed, polling only when nothing is pending. */
static size_t read_all(struct tls_session *s, uint8_t *buf, size_t n)
{
	size_t got = 0;

	for (int i = 0; i < 500 && got < n; i++) {
		int r = tls_read(s, buf + got, n - got);

		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r != TLS_WANT_READ)
			break;
		{
			struct pollfd pfd = { .fd = tls_session_fd(s), .events = POLLIN };

			poll(&pfd, 1, 10);
		}
	}
	return got;
}

static void test_handshake_data_and_leaf(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	const uint8_t *der;
	size_t len;
	uint8_t buf[64];
	mbedtls_x509_crt expect;
	struct peer p;
	int n;

	(void)state;
	/* -rev: the server echoes each line reversed */
	start(&p, "-cert " TD "server.pem -key " TD "server.key -rev -quiet", &cfg);
	if (p.rc != TLS_OK)
		print_error("%s\n", tls_error(p.s));
	assert_int_equal(p.rc, TLS_OK);
	assert_null(tls_warning(p.s));
	assert_string_equal(tls_version_name(p.s), tls_supports_tls13() ? "TLSv1.3" : "TLSv1.2");
	/* OpenSSL honours the client's order by default: our first choice is ECDHE + AEAD
	 * (TLS 1.3 suites are all AEAD with (EC)DHE) */
	if (!tls_supports_tls13())
		assert_non_null(strstr(tls_cipher_name(p.s), "ECDHE"));
	assert_true(strstr(tls_cipher_name(p.s), "GCM") || strstr(tls_cipher_name(p.s), "CHACHA"));
	assert_int_equal(tls_peer_cert_der(p.s, &der, &len), 0);
	mbedtls_x509_crt_init(&expect);
	assert_int_equal(mbedtls_x509_crt_parse_file(&expect, TD "server.pem"), 0);
	assert_int_equal(len, expect.raw.len);
	assert_memory_equal(der, expect.raw.p, len);
	mbedtls_x509_crt_free(&expect);

	for (int i = 0; i < 100; i++) {
		n = tls_write(p.s, (const uint8_t *)"sstp\n", 5);
		if (n != TLS_WANT_WRITE)
			break;
		poll(NULL, 0, 5);
	}
	assert_int_equal(n, 5);
	assert_int_equal(read_all(p.s, buf, 5), 5);
	assert_memory_equal(buf, "ptss\n", 5);
	stop(&p);
}

static void test_bad_host(void **state)
{
	struct tls_config cfg = { .server_name = "vpn.example.net" };
	struct peer p;

	(void)state;
	start(&p, "-cert " TD "server.pem -key " TD "server.key -rev -quiet", &cfg);
	assert_int_equal(p.rc, TLS_ERR_CERT);
	assert_non_null(strstr(tls_error(p.s), "certificate for localhost, vpn.test"));
	assert_non_null(strstr(tls_error(p.s), "presented by vpn.example.net"));
	stop(&p);
}

static void test_server_without_server_auth(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	struct peer p;

	(void)state;
	start(&p, "-cert " TD "server-clientauth.pem -key " TD "server.key -rev -quiet", &cfg);
	assert_int_equal(p.rc, TLS_ERR_CERT);
	assert_non_null(strstr(tls_error(p.s), "not for server authentication"));
	stop(&p);
}

static void test_unknown_issuer_and_chain(void **state)
{
	struct tls_config cfg = { .server_name = "127.0.0.1" };
	struct peer p;

	(void)state;
	start(&p, "-cert " TD "server-other.pem -key " TD "server.key -rev -quiet", &cfg);
	assert_int_equal(p.rc, TLS_ERR_CERT);
	assert_non_null(strstr(tls_error(p.s), "unknown issuer \"CN=sstp other root\""));
	stop(&p);
}

static void test_client_certificate(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	char err[256];
	struct tls_creds *creds;
	uint8_t buf[8];
	struct peer p;

	(void)state;
	creds = tls_creds_load_files(TD "client.pem", TD "client.key", NULL, err, sizeof(err));
	assert_non_null(creds);
	cfg.client_creds = creds;
	/* -Verify: a client certificate is required and checked against ca.pem */
	start(&p, "-cert " TD "server.pem -key " TD "server.key -Verify 2 -CAfile " TD "ca.pem "
		  "-verify_return_error -rev",
	      &cfg);
	if (p.rc != TLS_OK) {
		print_error("%s\n", tls_error(p.s));
		th_sh("cat %s >&2", p.log);
	}
	assert_int_equal(p.rc, TLS_OK);
	/* the server verified and accepted our certificate (-verify_return_error); the
	 * connection is usable */
	assert_int_equal(tls_write(p.s, (const uint8_t *)"ab\n", 3), 3);
	assert_int_equal(read_all(p.s, buf, 3), 3);
	assert_memory_equal(buf, "ba\n", 3);
	stop(&p);
	tls_creds_free(creds);
}

/* A server that requires a client certificate, and none configured: the refusal says so and
 * names the option that gives one (MikroTik verify-client-certificate=yes does this). */
static void test_client_certificate_required(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	static struct peer p;

	(void)state;
	start(&p, "-cert " TD "server.pem -key " TD "server.key -Verify 1 -CAfile " TD "ca.pem "
		  "-verify_return_error -rev",
	      &cfg);
	assert_true(p.rc == TLS_ERR_PROTO || p.rc == TLS_ERR_IO); /* alert, or closed after it */
	if (strstr(tls_error(p.s), "--tls-cert") == NULL)
		fail_msg("no hint in: %s", tls_error(p.s));
	assert_non_null(strstr(tls_error(p.s), "requires a client certificate"));
	stop(&p);
}

/* Schannel (RRAS) signs the TLS 1.2 ServerKeyExchange with RSA-PSS whenever the client offers
 * it, PKCS#1 v1.5 otherwise: a server preferring PSS completes the handshake (with a client that
 * offers PSS in TLS 1.2, as mbedTLS 3.x may, the signature checked is a PSS one; mbedTLS 2.28
 * offers none in TLS 1.2, so a PSS-only server would refuse it: see issue 16's report). */
static void test_tls12_rsa_pss_server_key_exchange(void **state)
{
	struct tls_config cfg = { .server_name = "localhost" };
	static struct peer p;

	(void)state;
	start(&p, "-cert " TD "server.pem -key " TD "server.key -tls1_2 "
		  "-sigalgs rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:RSA+SHA256:RSA+SHA384 "
		  "-cipher ECDHE-RSA-AES256-GCM-SHA384 -rev",
	      &cfg);
	if (p.rc != TLS_OK)
		print_error("%s\n", tls_error(p.s));
	assert_int_equal(p.rc, TLS_OK);
	stop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_handshake_data_and_leaf, kill_peer),
		cmocka_unit_test_teardown(test_bad_host, kill_peer),
		cmocka_unit_test_teardown(test_server_without_server_auth, kill_peer),
		cmocka_unit_test_teardown(test_unknown_issuer_and_chain, kill_peer),
		cmocka_unit_test_teardown(test_client_certificate, kill_peer),
		cmocka_unit_test_teardown(test_client_certificate_required, kill_peer),
		cmocka_unit_test_teardown(test_tls12_rsa_pss_server_key_exchange, kill_peer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
