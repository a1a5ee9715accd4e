/* test_tls_certtool.c - `sstp cert root|client|thumbprint|check` functions, their results
 * checked with openssl (verify, x509 -fingerprint, pkcs12, EKU text): root files and the one-line
 * base64, client PKCS#12 with chain and clientAuth, thumbprints, check findings (ok, wrong root,
 * missing clientAuth, expired Azure fixture), and argument errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mbedtls/base64.h>
#include <sys/stat.h>

#include "test_tls_helpers.h"
#include "tls_certtool.h"
#include "tls_creds.h"

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

static void test_root_and_client(void **state)
{
	char root[128], p12[128], path[256], err[512], tp[48], cn[64], *b64 = NULL, *rep = NULL;
	uint8_t *cer, dec[4096];
	size_t cer_len, dec_len;
	struct tls_creds *c;
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(root, sizeof(root), "%s/root", dir);
	assert_int_equal(tls_cert_root("P2S Root, Test", root, 0, 0, &b64, err, sizeof(err)),
			 TLS_CERT_OK);
	assert_non_null(b64);
	assert_null(strchr(b64, '\n'));
	assert_null(strchr(b64, '\r'));
	/* the line is the DER of root.cer */
	snprintf(path, sizeof(path), "%s/root.cer", root);
	cer = th_read(path, &cer_len);
	assert_non_null(cer);
	assert_int_equal(mbedtls_base64_decode(dec, sizeof(dec), &dec_len,
					       (const unsigned char *)b64, strlen(b64)),
			 0);
	assert_int_equal(dec_len, cer_len);
	assert_memory_equal(dec, cer, cer_len);
	free(cer);
	free(b64);
	snprintf(path, sizeof(path), "%s/root.key", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never replaces an existing root */
	assert_int_equal(tls_cert_root("again", root, 0, 0, &b64, err, sizeof(err)),
			 TLS_CERT_ERROR);
	assert_non_null(strstr(err, "already exists"));
	assert_null(b64);

	snprintf(p12, sizeof(p12), "%s/alice.p12", dir);
	assert_int_equal(tls_cert_client(root, "alice", p12, "pa55", 0, 0, err, sizeof(err)),
			 TLS_CERT_OK);
	assert_int_equal(stat(p12, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(tls_cert_client(root, "alice", p12, "pa55", 0, 0, err, sizeof(err)),
			 TLS_CERT_ERROR); /* exists */

	c = tls_creds_load_files(p12, NULL, "pa55", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(tls_creds_subject_cn(c, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "alice");
	assert_int_equal(tls_creds_chain_len(c), 1);
	tls_creds_free(c);

	assert_int_equal(tls_cert_thumbprint(p12, "pa55", tp, sizeof(tp), err, sizeof(err)),
			 TLS_CERT_OK);
	assert_int_equal(strlen(tp), 40);
	assert_int_equal(tls_cert_thumbprint(p12, "bad", tp, sizeof(tp), err, sizeof(err)),
			 TLS_CERT_ERROR);
	assert_non_null(strstr(err, "wrong password"));

	assert_int_equal(tls_cert_check(p12, "pa55", root, &rep, err, sizeof(err)), TLS_CERT_OK);
	assert_non_null(strstr(rep, "ok: issued by \"CN=P2S Root\\, Test\""));
	assert_non_null(strstr(rep, "ok: extended key usage starts with Client Authentication"));
	assert_non_null(strstr(rep, "ok: the private key belongs to the certificate"));
	assert_null(strstr(rep, "warning"));
	free(rep);
	/* the root included in the file is used when --root is not given */
	assert_int_equal(tls_cert_check(p12, "pa55", NULL, &rep, err, sizeof(err)), TLS_CERT_OK);
	assert_non_null(strstr(rep, "(the root in the file)"));
	free(rep);
	/* a different root */
	assert_int_equal(tls_cert_check(p12, "pa55", TD "ca.pem", &rep, err, sizeof(err)),
			 TLS_CERT_WARNINGS);
	assert_non_null(strstr(rep, "warning: not issued by \"CN=sstp test root\""));
	free(rep);

	if (!th_have_openssl())
		return;
	/* openssl agrees: subject, self-signed root verifies, client chains to it, EKU, SHA-1 */
	assert_int_equal(th_sh("openssl x509 -in %s/root.pem -noout -subject | grep -q "
			       "'P2S Root, Test'",
			       root),
			 0);
	assert_int_equal(th_sh("openssl verify -CAfile %s/root.pem %s/root.pem >/dev/null", root,
			       root),
			 0);
	assert_int_equal(th_sh("openssl pkcs12 -in %s -passin pass:pa55 -nokeys -clcerts "
			       "2>/dev/null > %s/alice.pem",
			       p12, dir),
			 0);
	assert_int_equal(th_sh("openssl verify -CAfile %s/root.pem -purpose sslclient "
			       "%s/alice.pem >/dev/null",
			       root, dir),
			 0);
	assert_int_equal(th_sh("openssl x509 -in %s/alice.pem -noout -ext extendedKeyUsage | "
			       "grep -q 'TLS Web Client Authentication'",
			       dir),
			 0);
	snprintf(path, sizeof(path),
		 "openssl x509 -in %s/alice.pem -noout -fingerprint -sha1 | cut -d= -f2 | "
		 "tr -d ':\\n'",
		 dir);
	f = popen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(cn, sizeof(cn), f));
	pclose(f);
	assert_string_equal(cn, tp);
	/* the PKCS#12 carries the chain (client + root) and opens with the password */
	assert_int_equal(th_sh("test $(openssl pkcs12 -in %s -passin pass:pa55 -nokeys "
			       "2>/dev/null | grep -c 'BEGIN CERTIFICATE') = 2",
			       p12),
			 0);
}

static void test_thumbprints(void **state)
{
	char tp[48], err[256];

	(void)state;
	assert_int_equal(tls_cert_thumbprint(TD "client.pem", NULL, tp, sizeof(tp), err,
					     sizeof(err)),
			 TLS_CERT_OK);
	assert_string_equal(tp, CLIENT_THUMB);
	assert_int_equal(tls_cert_thumbprint(TD "azure/client.p12", "password", tp, sizeof(tp),
					     err, sizeof(err)),
			 TLS_CERT_OK);
	assert_string_equal(tp, "8C1CFCBD1EE92E98DD61FDD2228C4E5A1D52ED0C");
	assert_int_equal(tls_cert_thumbprint(TD "nope.pem", NULL, tp, sizeof(tp), err, sizeof(err)),
			 TLS_CERT_ERROR);
	assert_int_equal(tls_cert_thumbprint(TD "client.pem", NULL, tp, 20, err, sizeof(err)),
			 TLS_CERT_ERROR);
}

static void test_check_findings(void **state)
{
	char err[256], *rep = NULL;

	(void)state;
	/* the real Azure client: right root, right EKU, but expired */
	assert_int_equal(tls_cert_check(TD "azure/client.p12", "password", TD "azure/caCert.pem",
					&rep, err, sizeof(err)),
			 TLS_CERT_WARNINGS);
	assert_non_null(strstr(rep, "warning: the certificate expired on 2025-08-23"));
	assert_non_null(strstr(rep, "ok: issued by \"CN=VPN CA\""));
	free(rep);
	/* a server certificate is no client certificate */
	assert_int_equal(tls_cert_check(TD "server.pem", NULL, TD "ca.pem", &rep, err, sizeof(err)),
			 TLS_CERT_WARNINGS);
	assert_non_null(strstr(rep, "lacks Client Authentication"));
	assert_non_null(strstr(rep, "ok: issued by \"CN=sstp test root\""));
	free(rep);
	/* a PEM client with its intermediate and root in one file */
	assert_int_equal(th_sh("cat %sclient-ec.pem %sinter.pem %sca.pem > %s/ec.pem", TD, TD, TD,
			       dir),
			 0);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/ec.pem", dir);
		assert_int_equal(tls_cert_check(path, NULL, NULL, &rep, err, sizeof(err)),
				 TLS_CERT_OK);
		assert_non_null(strstr(rep, "subject \"CN=sstp test ec client\""));
		free(rep);
	}
	/* no root anywhere: said so, not a warning */
	assert_int_equal(tls_cert_check(TD "client.pem", NULL, NULL, &rep, err, sizeof(err)),
			 TLS_CERT_OK);
	assert_non_null(strstr(rep, "chain not checked"));
	free(rep);
	assert_int_equal(tls_cert_check(TD "client.pem", NULL, "/nonexistent", &rep, err,
					sizeof(err)),
			 TLS_CERT_ERROR);
	assert_null(rep);
}

static void test_usage_errors(void **state)
{
	char err[256], out[128], *b64 = NULL;

	(void)state;
	snprintf(out, sizeof(out), "%s/x", dir);
	assert_int_equal(tls_cert_root("", out, 0, 0, &b64, err, sizeof(err)), TLS_CERT_USAGE);
	assert_int_equal(tls_cert_root("a\nb", out, 0, 0, &b64, err, sizeof(err)), TLS_CERT_USAGE);
	assert_int_equal(tls_cert_root("ok", "", 0, 0, &b64, err, sizeof(err)), TLS_CERT_USAGE);
	assert_int_equal(tls_cert_root("ok", out, 1024, 0, &b64, err, sizeof(err)), TLS_CERT_ERROR);
	assert_int_equal(tls_cert_client(out, "c", "/tmp/x.p12", "", 0, 0, err, sizeof(err)),
			 TLS_CERT_USAGE);
	assert_int_equal(tls_cert_client(out, "c", "/tmp/x.p12", "pw", 0, 0, err, sizeof(err)),
			 TLS_CERT_ERROR); /* no root there */
	assert_non_null(strstr(err, "root certificate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_client),
		cmocka_unit_test(test_thumbprints),
		cmocka_unit_test(test_check_findings),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
