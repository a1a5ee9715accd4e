/* test_pkg_import_xml.c - a standalone VpnSettings.xml (the Generic folder's file, without the
 * zip) read as a package, imported as a profile; malformed, empty, gateway-less, oversized and
 * non-SSTP files refused with exit 9 and a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg.h"
#include "pkg_xml.h"
#include "test_pkg_util.h"

static const char xml[] =
	"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
	"<VpnProfile>\r\n"
	"  <VpnServer>azuregateway-1.vpn.azure.com</VpnServer>\r\n"
	"  <VpnType>IkeV2,SSTP</VpnType>\r\n"
	"  <Routes><string>10.1.0.0/16</string></Routes>\r\n"
	"  <VnetName>corp-vnet</VnetName>\r\n"
	"</VpnProfile>\r\n";

static char *write_tmp(const char *data, size_t len)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/sstp-xml-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_standalone_xml(void **state)
{
	struct sstp_package p;
	char err[300];
	(void)state;
	char *path = write_tmp(xml, sizeof(xml) - 1);
	assert_int_equal(sstp_package_read(path, NULL, &p, err, sizeof(err)), 0);
	assert_string_equal(p.gateway, "azuregateway-1.vpn.azure.com");
	assert_true(p.protocols & SSTP_PKG_PROTO_SSTP);
	assert_int_equal(p.n_routes, 1);
	assert_int_equal(sstp_package_check_sstp(&p, err, sizeof(err)), 0);
	sstp_package_free(&p);
	/* imported into a profile directory */
	char base[] = "/tmp/sstp-xmlimp-XXXXXX", name[80], dir[4200];
	assert_non_null(mkdtemp(base));
	struct sstp_import_opts o = {0};
	o.name = "corp";
	assert_int_equal(sstp_package_read(path, NULL, &p, err, sizeof(err)), 0);
	o.base_dir = base;
	/* import --dns-domain: the profile's dns-domain keys */
	const char *doms[] = {"corp.example", "vnet.example"};
	o.dns_domains = doms;
	o.n_dns_domains = 2;
	assert_int_equal(sstp_package_import(&p, &o, name, sizeof(name), dir, sizeof(dir), err,
					     sizeof(err)), 0);
	assert_string_equal(name, "corp");
	FILE *f = fopen(dir, "r");
	char text[8192] = "";
	assert_non_null(f);
	assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "dns-domain = corp.example\ndns-domain = vnet.example\n"));
	sstp_package_free(&p);
	tz_rm_rf(base);
	unlink(path);
}

static void expect_refused(const char *text, const char *needle)
{
	struct sstp_package p;
	char err[300] = "";
	int rc = sstp_package_from_xml(text, strlen(text), &p, err, sizeof(err));
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted (%d): %s", rc, text);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
	assert_null(p.gateway); /* nothing left behind */
}

static void test_malformed(void **state)
{
	(void)state;
	expect_refused("<VpnProfile><VpnServer>gw</VpnServer>", "");
	expect_refused("<VpnProfile></VpnProfile>", "no gateway");
	expect_refused("<VpnProfile><VpnServer>gw</VpnServer></VpnProfilX>", "line 1");
	expect_refused("<!DOCTYPE x [<!ENTITY a \"b\">]><VpnProfile/>", "");
	expect_refused("<", "");
	char *big = malloc(SSTP_PKG_XML_MAX + 16);
	memset(big, ' ', SSTP_PKG_XML_MAX + 15);
	big[0] = '<';
	big[SSTP_PKG_XML_MAX + 15] = '\0';
	expect_refused(big, "larger than");
	free(big);
	/* a file that is neither a zip nor XML is still refused as a package */
	struct sstp_package p;
	char err[300];
	char *path = write_tmp("hello", 5);
	assert_int_equal(sstp_package_read(path, NULL, &p, err, sizeof(err)), SSTP_ERR_PROFILE);
	unlink(path);
	/* an IKEv2-only gateway reads, and is then refused for SSTP */
	const char ike[] = "<VpnProfile><VpnServer>gw</VpnServer><VpnType>IkeV2</VpnType></VpnProfile>";
	assert_int_equal(sstp_package_from_xml(ike, strlen(ike), &p, err, sizeof(err)), 0);
	assert_int_equal(sstp_package_check_sstp(&p, err, sizeof(err)), SSTP_ERR_PROFILE);
	sstp_package_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standalone_xml),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
