/* test_pkg_fixture.c - the real Azure package (tests/data/pkg/gw-demo.zip) through both readers:
 * Generic/VpnSettings.xml and, from a zip rebuilt here without Generic/, the Windows installer's
 * cabinet; then `package show` output and `import` into a temp dir, loaded back as a profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg.h"
#include "pkg_zip.h"
#include "profile.h"
#include "test_pkg_util.h"

#define GATEWAY "azuregateway-eb180077-da16-41b1-aeb5-5ee425b85e57-586939d8f69b.vpn.azure.com"
#define SHA256_ROOT "4348a0e9444c78cb265e058d5e8944b4d84f9662bd26db257f8934a443c70161"

static void check_facts(const struct sstp_package *p)
{
	char a[SSTP_CIDR_STRLEN];
	assert_string_equal(p->gateway, GATEWAY);
	assert_true(p->protocols & SSTP_PKG_PROTO_SSTP);
	assert_int_equal(p->n_routes, 1);
	assert_int_equal(sstp_cidr_format(&p->routes[0], a, sizeof(a)), 0);
	assert_string_equal(a, "10.0.0.0/16");
	assert_int_equal(p->n_pools, 1);
	assert_int_equal(sstp_cidr_format(&p->pools[0], a, sizeof(a)), 0);
	assert_string_equal(a, "172.16.0.0/24");
	assert_int_equal(p->n_roots, 1);
	assert_string_equal(p->roots[0].cn, "DigiCert Global Root CA");
	assert_string_equal(p->roots[0].subject,
			    "C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root CA");
	static const uint8_t sha1[20] = {0xA8, 0x98, 0x5D, 0x3A, 0x65, 0xE5, 0xE5, 0xC4, 0xB2, 0xD7,
					 0xD6, 0x6D, 0x40, 0xC6, 0xDD, 0x2F, 0xB1, 0x9C, 0x54, 0x36};
	assert_memory_equal(p->roots[0].sha1, sha1, 20);
	assert_string_equal(p->roots[0].not_after, "2031-11-10T00:00:00Z");
	assert_string_equal(p->vnet_name, "vnet-demo");
	assert_string_equal(p->vnet_id, "eb180077-da16-41b1-aeb5-5ee425b85e57");
	assert_int_equal(p->n_dns, 0);
	assert_string_equal(p->auth, "EAPTLS");
}

static void test_generic_path(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *zip = tz_fixture(&len);
	assert_non_null(zip);
	struct sstp_package p;
	char err[400];
	assert_int_equal(sstp_package_from_zip(zip, len, &p, err, sizeof(err)), 0);
	assert_int_equal(p.source, SSTP_PKG_SRC_GENERIC);
	check_facts(&p);
	assert_int_equal(p.protocols, SSTP_PKG_PROTO_SSTP | SSTP_PKG_PROTO_IKEV2);
	assert_string_equal(p.vpn_type, "SSTP,IkeV2");
	assert_false(p.pool_inferred);
	assert_int_equal(p.root_cns.n, 1);
	assert_string_equal(p.root_cns.v[0], "DigiCert Global Root CA");
	sstp_package_free(&p);
	free(zip);
}

/* The fixture without Generic/: keep only the entries whose name starts with `keep`. */
static unsigned char *without_generic(const char *keep, size_t *out_len)
{
	size_t len = 0;
	unsigned char *zip = tz_fixture(&len);
	struct sstp_zip *z;
	char err[256];
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), 0);
	struct tz_entry e[8];
	unsigned char *data[8];
	char names[8][128];
	size_t n = 0;
	for (size_t i = 0; i < sstp_zip_count(z) && n < 8; i++) {
		const char *name = sstp_zip_name(z, i);
		if (strncmp(name, "Generic/", 8) == 0 || strncmp(name, keep, strlen(keep)) != 0)
			continue;
		size_t dl = 0;
		assert_int_equal(sstp_zip_read(z, i, 0, &data[n], &dl, err, sizeof(err)), 0);
		/* keep the original backslash form */
		snprintf(names[n], sizeof(names[n]), "%s", name);
		for (char *c = names[n]; *c; c++)
			if (*c == '/')
				*c = '\\';
		e[n] = (struct tz_entry){names[n], data[n], dl, 0, false};
		n++;
	}
	assert_true(n >= 1);
	unsigned char *out = tz_build(e, n, out_len);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		free(data[i]);
	sstp_zip_close(z);
	free(zip);
	return out;
}

static void test_installer_path(void **state)
{
	(void)state;
	static const char *const keep[] = {"Windows", "WindowsX86/"};
	for (size_t k = 0; k < 2; k++) {
		size_t len = 0;
		unsigned char *zip = without_generic(keep[k], &len);
		struct sstp_package p;
		char err[400];
		assert_int_equal(sstp_package_from_zip(zip, len, &p, err, sizeof(err)), 0);
		assert_int_equal(p.source, SSTP_PKG_SRC_INSTALLER);
		check_facts(&p);
		assert_int_equal(p.protocols, SSTP_PKG_PROTO_SSTP);
		assert_true(p.pool_inferred);
		assert_null(p.vpn_type);

		char *text = NULL;
		size_t tl = 0;
		FILE *f = open_memstream(&text, &tl);
		assert_int_equal(sstp_package_print_text(&p, f), 0);
		fclose(f);
		assert_non_null(strstr(text, "Gateway:        " GATEWAY "\n"));
		assert_non_null(strstr(text, "Routes:         10.0.0.0/16\n"));
		assert_non_null(strstr(text, "Client pool:    172.16.0.0/24\n"));
		assert_non_null(strstr(text, "Windows installer"));
		free(text);
		sstp_package_free(&p);
		free(zip);
	}
}

static void test_installer_damaged(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *zip = tz_fixture(&len);
	struct sstp_zip *z;
	char err[400];
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), 0);
	long i = sstp_zip_find(z, "WindowsAmd64/VpnClientSetupAmd64.exe");
	assert_true(i >= 0);
	unsigned char *exe;
	size_t el;
	assert_int_equal(sstp_zip_read(z, (size_t)i, 0, &exe, &el, err, sizeof(err)), 0);
	sstp_zip_close(z);
	free(zip);
	unsigned char *cab = memmem(exe, el, "MSCF", 4);
	assert_non_null(cab);
	static const struct {
		size_t off;
		const char *needle;
	} damage[] = {
		{0, "no cabinet inside it"},          /* signature gone */
		{2000, "cannot extract"},             /* compressed data damaged */
	};
	for (size_t k = 0; k < 2; k++) {
		unsigned char *bad = malloc(el);
		memcpy(bad, exe, el);
		unsigned char *c = bad + (cab - exe);
		if (damage[k].off == 0)
			c[0] = 'X';
		else
			for (size_t j = 0; j < 64; j++)
				c[damage[k].off + j] ^= 0xA5;
		struct tz_entry e[] = {{"WindowsAmd64\\VpnClientSetupAmd64.exe", bad, el, 0, false}};
		size_t zl = 0;
		unsigned char *z2 = tz_build(e, 1, &zl);
		struct sstp_package p;
		assert_int_equal(sstp_package_from_zip(z2, zl, &p, err, sizeof(err)), SSTP_ERR_PROFILE);
		if (!strstr(err, damage[k].needle))
			fail_msg("damage %zu: '%s'", k, err);
		free(z2);
		free(bad);
	}
	free(exe);
}

static void test_show_command(void **state)
{
	(void)state;
	char path[512], err[400];
	snprintf(path, sizeof(path), "%s/pkg/gw-demo.zip", SSTP_TEST_DATA);
	char *text = NULL;
	size_t tl = 0;
	FILE *f = open_memstream(&text, &tl);
	assert_int_equal(sstp_pkg_cmd_show(path, false, f, err, sizeof(err)), 0);
	fclose(f);
	assert_non_null(strstr(text, "Protocols:      SSTP and IKEv2"));
	assert_non_null(strstr(text, "SHA-256: 43:48:A0:E9:44:4C:78:CB"));
	assert_non_null(strstr(text, "VNet:           vnet-demo (eb180077-da16-41b1-aeb5-5ee425b85e57)"));
	free(text);
	f = open_memstream(&text, &tl);
	assert_int_equal(sstp_pkg_cmd_show(path, true, f, err, sizeof(err)), 0);
	fclose(f);
	assert_non_null(strstr(text, "\"schema\": 1,"));
	assert_non_null(strstr(text, "\"gateway\": \"" GATEWAY "\""));
	assert_non_null(strstr(text, "\"routes\": [\"10.0.0.0/16\"]"));
	assert_non_null(strstr(text, "\"client_pool\": [\"172.16.0.0/24\"]"));
	assert_non_null(strstr(text, "\"sha256\": \"" SHA256_ROOT "\""));
	assert_non_null(strstr(text, "\"sstp\": true"));
	free(text);
	/* missing file, empty source, not a zip */
	assert_int_equal(sstp_pkg_cmd_show("/nonexistent/pkg.zip", false, stdout, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "/nonexistent/pkg.zip"));
	assert_int_equal(sstp_pkg_cmd_show("", false, stdout, err, sizeof(err)), SSTP_ERR_USAGE);
	snprintf(path, sizeof(path), "%s/pkg/README.md", SSTP_TEST_DATA);
	assert_int_equal(sstp_pkg_cmd_show(path, false, stdout, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "not a valid zip"));
}

static void test_import(void **state)
{
	(void)state;
	char base[] = "/tmp/sstp-import-XXXXXX";
	assert_non_null(mkdtemp(base));
	char src[512], err[512], name[80], path[4200];
	snprintf(src, sizeof(src), "%s/pkg/gw-demo.zip", SSTP_TEST_DATA);
	char ca[512];
	snprintf(ca, sizeof(ca), "%s/pkg/digicert-global-root-g2.pem", SSTP_TEST_DATA);
	const char *extra[] = {ca};
	struct sstp_local_net local[] = {
		{{{SSTP_AF_INET4, {10, 0, 3, 0}}, 24}, "eth0", false},
	};
	struct sstp_import_opts o = {
		.cert = "pkcs11:token=vpn;object=client",
		.extra_ca = extra,
		.n_extra_ca = 1,
		.base_dir = base,
		.local = local,
		.n_local = 1,
	};
	char *out = NULL;
	size_t ol;
	FILE *f = open_memstream(&out, &ol);
	assert_int_equal(sstp_pkg_cmd_import(src, &o, f, err, sizeof(err)), 0);
	fclose(f);
	assert_non_null(strstr(out, "Imported profile 'vnet-demo'"));
	assert_non_null(strstr(out, "warning: VNet route 10.0.0.0/16 overlaps 10.0.3.0/24 on eth0"));
	assert_non_null(strstr(out, "sstp connect vnet-demo"));
	free(out);

	/* the profile loads back and its CA files are the package's root and the extra CA */
	struct sstp_profile_dirs dirs = {.user = base, .system = NULL};
	struct sstp_profile p;
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_load(&p, "vnet-demo", &dirs, err, sizeof(err)), 0);
	assert_string_equal(p.server, GATEWAY);
	assert_int_equal(p.port, 443);
	assert_int_equal(p.n_routes, 1);
	assert_int_equal(p.n_pools, 1);
	assert_string_equal(p.cert, "pkcs11:token=vpn;object=client");
	assert_string_equal(p.auth, "eap-tls");
	assert_string_equal(p.vnet_id, "eb180077-da16-41b1-aeb5-5ee425b85e57");
	assert_int_equal(p.ca.n, 2);
	size_t pl;
	char *pem = (char *)tz_read_file(p.ca.v[0], &pl);
	assert_non_null(pem);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----\n"
				    "MIIDrzCCApegAwIBAgIQCDvgVpBCRrGhdWrJWZHHSjANBgkqhkiG9w0BAQUFADBh\n"));
	free(pem);
	pem = (char *)tz_read_file(p.ca.v[1], &pl);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----"));
	free(pem);
	sstp_profile_free(&p);

	/* a second import of the same name is refused unless overwrite */
	struct sstp_package pkg;
	assert_int_equal(sstp_package_read(src, NULL, &pkg, err, sizeof(err)), 0);
	struct sstp_import_opts o2 = {.base_dir = base};
	assert_int_equal(sstp_package_import(&pkg, &o2, name, sizeof(name), path, sizeof(path), err,
					     sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "already exists"));
	o2.overwrite = true;
	o2.cert = src; /* a file path: stored absolute */
	assert_int_equal(sstp_package_import(&pkg, &o2, name, sizeof(name), path, sizeof(path), err,
					     sizeof(err)),
			 0);
	assert_string_equal(name, "vnet-demo");
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_load(&p, path, NULL, err, sizeof(err)), 0);
	assert_true(p.cert[0] == '/');
	assert_non_null(strstr(p.cert, "gw-demo.zip"));
	sstp_profile_free(&p);

	/* refused: bad names, secrets in URIs, missing cert files, bad extra CA */
	struct sstp_import_opts bad = {.base_dir = base, .name = "../../etc"};
	assert_int_equal(sstp_package_import(&pkg, &bad, NULL, 0, NULL, 0, err, sizeof(err)),
			 SSTP_ERR_USAGE);
	bad.name = "x";
	bad.cert = "pkcs11:token=a;pin-value=1234";
	assert_int_equal(sstp_package_import(&pkg, &bad, NULL, 0, NULL, 0, err, sizeof(err)),
			 SSTP_ERR_USAGE);
	assert_null(strstr(err, "1234"));
	bad.cert = "/nonexistent/client.p12";
	assert_int_equal(sstp_package_import(&pkg, &bad, NULL, 0, NULL, 0, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "/nonexistent/client.p12"));
	bad.cert = NULL;
	const char *notca[] = {src};
	bad.extra_ca = notca;
	bad.n_extra_ca = 1;
	assert_int_equal(sstp_package_import(&pkg, &bad, NULL, 0, NULL, 0, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "not a PEM or DER certificate"));
	sstp_package_free(&pkg);
	tz_rm_rf(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generic_path),
		cmocka_unit_test(test_installer_path),
		cmocka_unit_test(test_installer_damaged),
		cmocka_unit_test(test_show_command),
		cmocka_unit_test(test_import),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
