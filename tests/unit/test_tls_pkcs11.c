/* test_tls_pkcs11.c - client certificates on a PKCS#11 token: a SoftHSM2 token made in a
 * temporary directory (softhsm2-util, pkcs11-tool) holding client.key and client.pem; pkcs11:
 * URIs by label, id and module-path; wrong PIN, unknown token, PIN in the URI refused; and a TLS
 * handshake whose CertificateVerify is signed on the token. Skips without SoftHSM2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tls_helpers.h"
#include "tls_creds.h"
#include "tls_pkcs11.h"

#define CLIENT_THUMB "56A235022A01B9CA672E54D0FB6AAAA8924B6A83"

static const char *const modules[] = { "/usr/lib/softhsm/libsofthsm2.so",
					"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
					"/usr/lib64/pkcs11/libsofthsm2.so", NULL };
static const char *module;
static char dir[64];

static int setup(void **state)
{
	char conf[128];
	FILE *f;

	(void)state;
	for (size_t i = 0; modules[i] != NULL && module == NULL; i++)
		if (access(modules[i], R_OK) == 0)
			module = modules[i];
	if (module == NULL || !tls_pkcs11_available() || th_sh("command -v softhsm2-util "
							       ">/dev/null && command -v pkcs11-tool "
							       ">/dev/null") != 0) {
		module = NULL;
		return 0;
	}
	th_tmpdir(dir);
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", dir);
	f = fopen(conf, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
		dir);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);
	if (th_sh("mkdir %s/tokens && softhsm2-util --init-token --free --label sstp --pin 1234 "
		  "--so-pin 5678 >/dev/null && "
		  "softhsm2-util --import %sclient.key --token sstp --label client --id 01 --pin "
		  "1234 >/dev/null && "
		  "openssl x509 -in %sclient.pem -outform DER -out %s/client.der && "
		  "pkcs11-tool --module %s --token-label sstp --login --pin 1234 --write-object "
		  "%s/client.der --type cert --id 01 --label client >/dev/null 2>&1",
		  dir, TD, TD, dir, module, dir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (dir[0])
		th_rmdir(dir);
	return 0;
}

#define NEED_TOKEN()             \
	do {                     \
		if (module == NULL) \
			skip();  \
	} while (0)

static void expect_ok(const char *uri, const char *mod)
{
	char err[256], tp[48];
	struct tls_creds *c = tls_pkcs11_load(uri, mod, "1234", err, sizeof(err));

	if (c == NULL)
		print_error("%s: %s\n", uri, err);
	assert_non_null(c);
	assert_int_equal(tls_creds_thumbprint(c, tp, sizeof(tp)), 0);
	assert_string_equal(tp, CLIENT_THUMB);
	tls_creds_free(c);
}

static void expect_err(const char *uri, const char *pin, const char *needle)
{
	char err[256];
	struct tls_creds *c = tls_pkcs11_load(uri, module, pin, err, sizeof(err));

	assert_null(c);
	if (strstr(err, needle) == NULL)
		print_error("\"%s\" lacks \"%s\"\n", err, needle);
	assert_non_null(strstr(err, needle));
}

static void test_uris(void **state)
{
	char uri[512];

	(void)state;
	NEED_TOKEN();
	expect_ok("pkcs11:token=sstp;object=client;type=cert", module);
	expect_ok("pkcs11:token=sstp;id=%01", module);
	expect_ok("pkcs11:object=client", module);
	snprintf(uri, sizeof(uri), "pkcs11:token=sstp;object=client?module-path=%s", module);
	expect_ok(uri, "/nonexistent.so");
	expect_err("pkcs11:token=sstp;object=client", "4321", "wrong PIN");
	expect_err("pkcs11:token=other", "1234", "no PKCS#11 token matches the URI token=other");
	expect_err("pkcs11:token=sstp;object=nothing", "1234", "no certificate on the token");
	expect_err("pkcs11:token=sstp?pin-value=1234", NULL, "PIN in the pkcs11: URI");
	expect_err("pkcs11:token=sstp;id=%0", "1234", "bad value");
	expect_err("pkcs11:token", "1234", "without a value");
	expect_err("file:x", "1234", "not a pkcs11: URI");
	snprintf(uri, sizeof(uri), "pkcs11:token=sstp?module-path=%s/none.so", dir);
	expect_err(uri, "1234", "cannot load the PKCS#11 module");
}

static void test_handshake_signed_on_token(void **state)
{
	struct tls_config cfg = { .server_name = "localhost", .no_system_ca = 1 };
	static const char *const ca[] = { TD "ca.pem", NULL };
	struct th_server s;
	struct tls_session *c;
	struct tls_creds *creds;
	const mbedtls_x509_crt *peer;
	char err[256], dn[128];
	int fds[2];

	(void)state;
	NEED_TOKEN();
	creds = tls_pkcs11_load("pkcs11:token=sstp;object=client", module, "1234", err,
				sizeof(err));
	assert_non_null(creds);
	cfg.ca_paths = ca;
	cfg.client_creds = creds;
	th_socketpair(fds);
	assert_int_equal(th_server_init(&s, NULL, TD "ca.pem", fds[1]), 0);
	c = tls_session_new(&cfg, err, sizeof(err));
	assert_non_null(c);
	tls_session_set_fd(c, fds[0]);
	assert_int_equal(th_pump(c, &s), TLS_OK);
	/* the server verified a CertificateVerify only the token could sign */
	peer = mbedtls_ssl_get_peer_cert(&s.ssl);
	assert_non_null(peer);
	assert_true(mbedtls_x509_dn_gets(dn, sizeof(dn), &peer->subject) > 0);
	assert_string_equal(dn, "CN=sstp test client");
	tls_session_free(c);
	th_server_free(&s);
	tls_creds_free(creds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_handshake_signed_on_token),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
