/* test_pkg_xml.c - Generic/VpnSettings.xml: both schema variants, list forms, VpnType values,
 * unknown elements, and malformed or hostile XML (line numbers, DTDs, entities, depth, size);
 * plus whole packages built here: newer schema, OpenVPN-only, AzureVPN-only, not a package. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg.h"
#include "pkg_xml.h"
#include "test_pkg_util.h"

/* base64 body of a PEM file, on one line */
static char *pem_body(const char *file)
{
	char path[512];
	size_t len;
	snprintf(path, sizeof(path), "%s/pkg/%s", SSTP_TEST_DATA, file);
	char *pem = (char *)tz_read_file(path, &len);
	assert_non_null(pem);
	char *b = strstr(pem, "-----\n");
	char *e = strstr(pem, "-----END");
	assert_non_null(b);
	assert_non_null(e);
	b += 6;
	char *out = malloc((size_t)(e - b) + 1);
	size_t w = 0;
	for (char *p = b; p < e; p++)
		if (*p != '\n' && *p != '\r')
			out[w++] = *p;
	out[w] = '\0';
	free(pem);
	return out;
}

static int parse(const char *xml, struct sstp_package *p, char *err, size_t errlen)
{
	struct sstp_err e = {0};
	sstp_package_init(p);
	int rc = sstp_pkg_xml_parse(xml, strlen(xml), p, &e);
	/* the kind returned is the kind recorded, with a sentence exactly when it failed */
	assert_int_equal(e.kind, rc);
	assert_int_equal(e.msg[0] != '\0', rc != 0);
	snprintf(err, errlen, "%.*s", (int)(errlen ? errlen - 1 : 0), e.msg);
	return rc;
}

static void test_newer_schema(void **state)
{
	(void)state;
	char *g2 = pem_body("digicert-global-root-g2.pem");
	char *ca = pem_body("digicert-global-root-ca.pem");
	size_t cap = strlen(g2) + strlen(ca) + 4096;
	char *xml = malloc(cap);
	snprintf(xml, cap,
		 "<?xml version=\"1.0\"?>\r\n"
		 "<VpnProfile xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
		 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n"
		 "  <VpnServer> azuregateway-11111111-2222-3333-4444-555555555555-0123456789ab.vpn.azure.com\n"
		 "  </VpnServer>\r\n"
		 "  <VpnType>IkeV2,OpenVPN, SSTP</VpnType>\r\n"
		 "  <CaCerts>\r\n    <string>%s</string>\r\n    <string>\n%s\n</string>\r\n  </CaCerts>\r\n"
		 "  <Routes>10.0.0.0/16,10.1.0.0/16 192.168.50.0/24;fd00:1::/48</Routes>\r\n"
		 "  <Auth>EAPTLS</Auth>\r\n"
		 "  <VnetName>prod-east</VnetName>\r\n"
		 "  <VnetId>11111111-2222-3333-4444-555555555555</VnetId>\r\n"
		 "  <ServerCertsRootCn><string>DigiCert Global Root G2</string>"
		 "<string>DigiCert Global Root CA</string></ServerCertsRootCn>\r\n"
		 "  <ServerCertsIssuerCn><string>DigiCert Global Root G2</string></ServerCertsIssuerCn>\r\n"
		 "  <VpnClientAddressPool>10.80.1.0/24</VpnClientAddressPool>\r\n"
		 "  <AadIssuer>https://sts.windows.net/x/</AadIssuer>\r\n"
		 "  <CustomDnsServers><string>10.0.0.4</string><string>10.0.0.5, 10.0.0.6</string>"
		 "</CustomDnsServers>\r\n"
		 "  <FutureElement a=\"1\"><Nested><Deeper>ignored</Deeper></Nested></FutureElement>\r\n"
		 "</VpnProfile>\r\n",
		 g2, ca);
	struct sstp_package p;
	char err[256], a[SSTP_CIDR_STRLEN];
	assert_int_equal(parse(xml, &p, err, sizeof(err)), 0);
	assert_string_equal(p.gateway,
			    "azuregateway-11111111-2222-3333-4444-555555555555-0123456789ab.vpn.azure.com");
	assert_int_equal(p.protocols, SSTP_PKG_PROTO_SSTP | SSTP_PKG_PROTO_IKEV2 |
					      SSTP_PKG_PROTO_OPENVPN);
	assert_int_equal(p.n_roots, 2);
	assert_string_equal(p.roots[0].cn, "DigiCert Global Root G2");
	assert_string_equal(p.roots[1].cn, "DigiCert Global Root CA");
	assert_int_equal(p.roots[0].sha256[0], 0xCB);
	assert_int_equal(p.roots[0].sha256[31], 0x5F);
	assert_string_equal(p.roots[0].not_after, "2038-01-15T12:00:00Z");
	assert_int_equal(p.n_routes, 4);
	sstp_cidr_format(&p.routes[2], a, sizeof(a));
	assert_string_equal(a, "192.168.50.0/24");
	sstp_cidr_format(&p.routes[3], a, sizeof(a));
	assert_string_equal(a, "fd00:1::/48");
	assert_int_equal(p.n_pools, 1);
	sstp_cidr_format(&p.pools[0], a, sizeof(a));
	assert_string_equal(a, "10.80.1.0/24");
	assert_int_equal(p.n_dns, 3);
	sstp_ip_format(&p.dns[2], a, sizeof(a));
	assert_string_equal(a, "10.0.0.6");
	assert_int_equal(p.root_cns.n, 2);
	assert_string_equal(p.root_cns.v[1], "DigiCert Global Root CA");
	assert_int_equal(p.issuer_cns.n, 1);
	assert_string_equal(p.vnet_name, "prod-east");
	assert_string_equal(p.auth, "EAPTLS");
	assert_int_equal(sstp_package_check_sstp(&p, err, sizeof(err)), 0);
	sstp_package_free(&p);

	/* the same as a whole package */
	struct tz_entry e[] = {
		{"Generic\\VpnSettings.xml", xml, strlen(xml), 0, false},
	};
	size_t zl = 0;
	unsigned char *zip = tz_build(e, 1, &zl);
	assert_int_equal(sstp_package_from_zip(zip, zl, &p, err, sizeof(err)), 0);
	assert_int_equal(p.source, SSTP_PKG_SRC_GENERIC);
	assert_int_equal(p.n_roots, 2);
	char *json = NULL;
	size_t jl;
	FILE *f = open_memstream(&json, &jl);
	assert_int_equal(sstp_package_print_json(&p, f), 0);
	fclose(f);
	assert_non_null(strstr(json, "\"schema\": 1"));
	assert_non_null(strstr(json, "\"protocols\": [\"SSTP\", \"IKEv2\", \"OpenVPN\"]"));
	assert_non_null(strstr(json, "\"dns\": [\"10.0.0.4\", \"10.0.0.5\", \"10.0.0.6\"]"));
	assert_non_null(strstr(json, "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f"));
	free(json);
	sstp_package_free(&p);
	free(zip);
	free(xml);
	free(g2);
	free(ca);
}

static void test_openvpn_only(void **state)
{
	(void)state;
	static const char xml[] =
		"<VpnProfile><VpnServer>gw.example.net</VpnServer><VpnType>OpenVPN</VpnType>"
		"<Routes>172.17.0.0/16</Routes></VpnProfile>";
	struct tz_entry e[] = {{"Generic/VpnSettings.xml", xml, sizeof(xml) - 1, 0, false},
			       {"OpenVPN/vpnconfig.ovpn", "client\n", 7, 0, false}};
	size_t zl = 0;
	unsigned char *zip = tz_build(e, 2, &zl);
	struct sstp_package p;
	char err[400];
	/* reading works (package show can display it) ... */
	assert_int_equal(sstp_package_from_zip(zip, zl, &p, err, sizeof(err)), 0);
	assert_int_equal(p.protocols, SSTP_PKG_PROTO_OPENVPN);
	/* ... but it is not usable by sstp, and the error says what the gateway offers */
	assert_int_equal(sstp_package_check_sstp(&p, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "gw.example.net offers OpenVPN"));
	assert_non_null(strstr(err, "not SSTP"));
	assert_non_null(strstr(err, "cannot use it"));
	/* Azure no longer lets SSTP be enabled: the alternatives are named instead */
	assert_null(strstr(err, "enable SSTP"));
	assert_non_null(strstr(err, "OpenVPN client"));
	assert_non_null(strstr(err, "IKEv2 client"));
	/* import refuses it with exit 9 */
	char base[] = "/tmp/sstp-ovpn-XXXXXX";
	assert_non_null(mkdtemp(base));
	struct sstp_import_opts io = {.base_dir = base};
	assert_int_equal(sstp_package_import(&p, &io, NULL, 0, NULL, 0, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "OpenVPN"));
	tz_rm_rf(base);
	sstp_package_free(&p);
	free(zip);

	/* IKEv2 + OpenVPN: both named */
	static const char xml2[] =
		"<VpnProfile><VpnServer>gw</VpnServer><VpnType>IkeV2,OpenVPN</VpnType></VpnProfile>";
	assert_int_equal(parse(xml2, &p, err, sizeof(err)), 0);
	assert_int_equal(sstp_package_check_sstp(&p, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "offers IKEv2 and OpenVPN (VpnType 'IkeV2,OpenVPN'), not SSTP"));
	assert_non_null(strstr(err, "cannot use them"));
	sstp_package_free(&p);

	/* a package with only the Azure VPN Client (OpenVPN/Entra) configuration */
	struct tz_entry az[] = {{"AzureVPN/azurevpnconfig.xml", "<x/>", 4, 0, false}};
	zip = tz_build(az, 1, &zl);
	assert_int_equal(sstp_package_from_zip(zip, zl, &p, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "OpenVPN only"));
	assert_null(strstr(err, "enable SSTP"));
	assert_non_null(strstr(err, "IKEv2 client"));
	free(zip);
	/* not a package at all */
	struct tz_entry junk[] = {{"readme.txt", "hello", 5, 0, false}};
	zip = tz_build(junk, 1, &zl);
	assert_int_equal(sstp_package_from_zip(zip, zl, &p, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "is this an Azure VPN client package"));
	free(zip);
}

static void expect_xml_error(const char *xml, const char *needle)
{
	struct sstp_package p;
	char err[400] = "";
	int rc = parse(xml, &p, err, sizeof(err));
	sstp_package_free(&p);
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted (rc %d): %.200s", rc, xml);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_xml_error("<VpnProfile>\n<VpnServer>a</VpnType>\n</VpnProfile>",
			 "line 2: malformed XML: mismatched tag");
	expect_xml_error("", "line 1: malformed XML: no element found");
	expect_xml_error("<VpnProfile>\n<VpnServer>a</VpnServer>\n", "line 3: malformed XML");
	expect_xml_error("<html><body/></html>", "root element is <html>, expected <VpnProfile>");
	expect_xml_error("<VpnProfile>\n\n<Routes>10.0.0.0/16, 10.0.0.0/99</Routes></VpnProfile>",
			 "line 3: Routes: '10.0.0.0/99' is not an IP prefix");
	expect_xml_error("<VpnProfile><VpnClientAddressPool>pool</VpnClientAddressPool></VpnProfile>",
			 "VpnClientAddressPool: 'pool'");
	expect_xml_error("<VpnProfile><CustomDnsServers><string>dns.example</string>"
			 "</CustomDnsServers></VpnProfile>",
			 "CustomDnsServers: 'dns.example' is not an IP address");
	expect_xml_error("<VpnProfile><VpnServer>a</VpnServer><VpnServer>b</VpnServer></VpnProfile>",
			 "VpnServer given twice");
	expect_xml_error("<VpnProfile><VpnServer>a b/c</VpnServer></VpnProfile>",
			 "is not a host name");
	expect_xml_error("<VpnProfile><CaCert>!!!notbase64</CaCert></VpnProfile>", "CaCert:");
	expect_xml_error("<VpnProfile><CaCert>aGVsbG8gd29ybGQ=</CaCert></VpnProfile>",
			 "not a valid X.509");
	expect_xml_error("<?xml version=\"1.0\"?>\n<!DOCTYPE VpnProfile [<!ENTITY x \"y\">]>\n"
			 "<VpnProfile>&x;</VpnProfile>",
			 "line 2: document type declarations are not allowed");
	expect_xml_error("<!DOCTYPE VpnProfile SYSTEM \"http://example.com/x.dtd\"><VpnProfile/>",
			 "document type declarations are not allowed");
	expect_xml_error("<VpnProfile><VnetName>a&#1;b</VnetName></VpnProfile>", "");
	expect_xml_error("<VpnProfile><VnetName>a&#x7f;b</VnetName></VpnProfile>",
			 "control characters");
}

static void test_billion_laughs_and_depth(void **state)
{
	(void)state;
	/* entity expansion never happens: DTDs are refused before */
	expect_xml_error("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
			 "<VpnProfile><VnetName>&lol2;</VnetName></VpnProfile>",
			 "document type declarations are not allowed");
	/* deep nesting */
	char deep[2048];
	size_t off = (size_t)snprintf(deep, sizeof(deep), "<VpnProfile>\n");
	for (int i = 0; i < 40; i++)
		off += (size_t)snprintf(deep + off, sizeof(deep) - off, "<a>");
	for (int i = 0; i < 40; i++)
		off += (size_t)snprintf(deep + off, sizeof(deep) - off, "</a>");
	snprintf(deep + off, sizeof(deep) - off, "</VpnProfile>");
	expect_xml_error(deep, "line 2: elements nested deeper than 16");
	/* huge document */
	size_t big = SSTP_PKG_XML_MAX + 100;
	char *huge = malloc(big + 1);
	memset(huge, ' ', big);
	memcpy(huge, "<VpnProfile>", 12);
	memcpy(huge + big - 13, "</VpnProfile>", 13);
	huge[big] = '\0';
	struct sstp_package p;
	struct sstp_err e = {0};
	sstp_package_init(&p);
	assert_int_equal(sstp_pkg_xml_parse(huge, big, &p, &e), SSTP_ERR_PROFILE);
	assert_int_equal(e.kind, SSTP_ERR_PROFILE);
	assert_non_null(strstr(e.msg, "larger than"));
	free(huge);
	/* one element with too much text */
	size_t tl = SSTP_PKG_XML_MAX_TEXT + 64;
	char *t = malloc(tl + 64);
	off = (size_t)snprintf(t, tl + 64, "<VpnProfile><VnetName>");
	memset(t + off, 'x', SSTP_PKG_XML_MAX_TEXT + 1);
	off += SSTP_PKG_XML_MAX_TEXT + 1;
	snprintf(t + off, tl + 64 - off, "</VnetName></VpnProfile>");
	expect_xml_error(t, "VnetName: text longer than");
	free(t);
	/* too many list children */
	size_t lc = 300 * 40 + 100;
	char *l = malloc(lc);
	off = (size_t)snprintf(l, lc, "<VpnProfile><ServerCertsRootCn>");
	for (int i = 0; i < 300; i++)
		off += (size_t)snprintf(l + off, lc - off, "<string>cn%d</string>", i);
	snprintf(l + off, lc - off, "</ServerCertsRootCn></VpnProfile>");
	expect_xml_error(l, "more than 256 entries");
	free(l);
}

static void test_edge_values(void **state)
{
	(void)state;
	struct sstp_package p;
	char err[300];
	/* empty elements, prefixes, no VpnType (defaults to SSTP in the package reader) */
	assert_int_equal(parse("<x:VpnProfile xmlns:x=\"urn:x\"><x:VpnServer>gw</x:VpnServer>"
			       "<CustomDnsServers/><Routes></Routes><AadIssuer/>"
			       "<CustomDnsServers>  </CustomDnsServers></x:VpnProfile>",
			       &p, err, sizeof(err)),
			 0);
	assert_string_equal(p.gateway, "gw");
	assert_int_equal(p.n_dns, 0);
	assert_int_equal(p.n_routes, 0);
	assert_int_equal(p.protocols, 0);
	sstp_package_free(&p);
	/* VpnType in list form and unknown values */
	assert_int_equal(parse("<VpnProfile><VpnType><string>SSTP</string><string>WireGuard</string>"
			       "</VpnType></VpnProfile>",
			       &p, err, sizeof(err)),
			 0);
	assert_int_equal(p.protocols, SSTP_PKG_PROTO_SSTP | SSTP_PKG_PROTO_OTHER);
	assert_string_equal(p.vpn_type, "SSTP,WireGuard");
	sstp_package_free(&p);
	/* duplicate routes collapse */
	assert_int_equal(parse("<VpnProfile><Routes>10.0.0.0/16 10.0.0.0/16</Routes>"
			       "<Routes>10.0.1.0/16</Routes></VpnProfile>",
			       &p, err, sizeof(err)),
			 0);
	assert_int_equal(p.n_routes, 1);
	sstp_package_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newer_schema),
		cmocka_unit_test(test_openvpn_only),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_billion_laughs_and_depth),
		cmocka_unit_test(test_edge_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
