/* test_nm_plugin.c - the NetworkManager plugin's pure parts: an sstp connection's vpn.data and
 * vpn.secrets read into options (good values, each bad value named), which secret is missing,
 * and the session child's report turned into SetConfig/SetIp4Config/SetIp6Config dictionaries
 * (malformed lines refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "nm_sstp.h"
#include "ppp.h"

static NMConnection *conn(const char *const *data, const char *const *secrets)
{
	NMConnection *c = nm_simple_connection_new();
	NMSetting *sc = nm_setting_connection_new();
	NMSettingVpn *s = NM_SETTING_VPN(nm_setting_vpn_new());

	g_object_set(sc, NM_SETTING_CONNECTION_ID, "t", NM_SETTING_CONNECTION_UUID,
		     "0b9d7e3c-7c5e-4d0e-9f55-111111111111", NM_SETTING_CONNECTION_TYPE, "vpn", NULL);
	g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_SERVICE, NULL);
	for (size_t i = 0; data && data[i]; i += 2)
		nm_setting_vpn_add_data_item(s, data[i], data[i + 1]);
	for (size_t i = 0; secrets && secrets[i]; i += 2)
		nm_setting_vpn_add_secret(s, secrets[i], secrets[i + 1]);
	nm_connection_add_setting(c, sc);
	nm_connection_add_setting(c, NM_SETTING(s));
	return c;
}

static void read_good(void **state)
{
	static const char *const data[] = {
		"gateway", "vpn.example.net:8443", "user", "alice", "auth", "mschapv2",
		"ca", "/a/ca1.pem /b/ca2.pem", "routes", "10.0.0.0/16, 192.168.7.0/24;fd00::/64",
		"dns", "10.0.0.53", "dns-search", "corp.example", "ipv6", "yes", NULL };
	static const char *const sec[] = { "password", "s3cret", NULL };
	NMConnection *c = conn(data, sec);
	struct nm_sstp_opts o;
	GError *e = NULL;

	(void)state;
	assert_true(nm_sstp_opts_read(c, &o, &e));
	assert_string_equal(o.server, "vpn.example.net");
	assert_int_equal(o.port, 8443);
	assert_string_equal(o.name, "nm-0b9d7e3c-7c5e-4d0e-9f55-111111111111");
	assert_int_equal(o.auth, PPP_AUTH_MSCHAPV2);
	assert_int_equal(o.n_ca, 2);
	assert_string_equal(o.ca[1], "/b/ca2.pem");
	assert_null(o.ca[2]);
	assert_int_equal(o.n_routes, 3);
	assert_int_equal(o.routes[2].ip.family, PLAT_AF_INET6);
	assert_int_equal(o.n_dns, 1);
	assert_string_equal(o.domains[0], "corp.example");
	assert_string_equal(o.password, "s3cret");
	assert_true(o.ipv6);
	nm_sstp_opts_clear(&o);
	assert_null(o.password);
	g_object_unref(c);
}

static void read_bad(void **state)
{
	static const char *const cases[][6] = {
		{ "user", "a", NULL },                                   /* no gateway */
		{ "gateway", "gw:0", NULL },                             /* port 0 */
		{ "gateway", "gw:70000", NULL },
		{ "gateway", "[fd00::1", NULL },                         /* unclosed [ */
		{ "gateway", "gw", "auth", "chap", NULL },               /* unknown method */
		{ "gateway", "gw", "routes", "10.0.0.0/33", NULL },
		{ "gateway", "gw", "dns", "not-an-ip", NULL },
		{ "gateway", "gw", "auth", "eap-tls", NULL },            /* EAP-TLS without a cert */
		{ "gateway", "gw", "auth", "pap", NULL },                /* PAP without user/password */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		NMConnection *c = conn(cases[i], NULL);
		struct nm_sstp_opts o;
		GError *e = NULL;

		assert_false(nm_sstp_opts_read(c, &o, &e));
		assert_non_null(e);
		assert_non_null(strstr(e->message, "sstp:"));
		g_clear_error(&e);
		nm_sstp_opts_clear(&o);
		g_object_unref(c);
	}
}

static void missing_secret(void **state)
{
	static const char *const pw[] = { "gateway", "gw", "password-flags", "2", NULL };
	static const char *const pw_nr[] = { "gateway", "gw", "password-flags", "4", NULL };
	static const char *const tls[] = { "gateway", "gw", "auth", "eap-tls", "cert", "/c", NULL };
	static const char *const tls_pw[] = { "gateway", "gw", "auth", "eap-tls", "cert", "/c",
					      "cert-pass-flags", "1", NULL };
	static const char *const sec[] = { "password", "x", NULL };
	NMConnection *c;

	(void)state;
	c = conn(pw, NULL);
	assert_string_equal(nm_sstp_missing_secret(nm_connection_get_setting_vpn(c)), "password");
	g_object_unref(c);
	c = conn(pw, sec);
	assert_null(nm_sstp_missing_secret(nm_connection_get_setting_vpn(c)));
	g_object_unref(c);
	c = conn(pw_nr, NULL);
	assert_null(nm_sstp_missing_secret(nm_connection_get_setting_vpn(c)));
	g_object_unref(c);
	c = conn(tls, NULL);
	assert_null(nm_sstp_missing_secret(nm_connection_get_setting_vpn(c)));
	g_object_unref(c);
	c = conn(tls_pw, NULL);
	assert_string_equal(nm_sstp_missing_secret(nm_connection_get_setting_vpn(c)), "cert-pass");
	g_object_unref(c);
}

static void report_good(void **state)
{
	static const char *const lines[] = {
		"ifname sstp3", "mtu 1400", "local 10.232.0.10", "peer 10.232.0.254",
		"gw 10.231.0.1", "route 10.232.0.0/24", "route fd00::/64", "dns 10.232.0.1",
		"ip6local fe80::1", "ip6peer fe80::2", "up 1" };
	static const char *const data[] = { "gateway", "gw", "dns-search", "a.example", NULL };
	struct nm_sstp_report r;
	struct nm_sstp_opts o;
	NMConnection *c = conn(data, NULL);
	GVariant *cfg, *ip4, *ip6, *routes;
	const char *dev;
	guint32 u;
	gboolean b;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(nm_sstp_report_line(&r, lines[i]), 0);
	assert_true(r.up);
	assert_true(nm_sstp_opts_read(c, &o, NULL));
	cfg = g_variant_ref_sink(nm_sstp_report_config(&r));
	assert_true(g_variant_lookup(cfg, NM_VPN_PLUGIN_CONFIG_TUNDEV, "&s", &dev));
	assert_string_equal(dev, "sstp3");
	assert_true(g_variant_lookup(cfg, NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY, "u", &u));
	assert_memory_equal(&u, "\x0a\xe7\x00\x01", 4);
	assert_true(g_variant_lookup(cfg, NM_VPN_PLUGIN_CONFIG_MTU, "u", &u));
	assert_int_equal(u, 1400);
	ip4 = g_variant_ref_sink(nm_sstp_report_ip4(&r, &o));
	assert_true(g_variant_lookup(ip4, NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS, "u", &u));
	assert_memory_equal(&u, "\x0a\xe8\x00\x0a", 4);
	assert_true(g_variant_lookup(ip4, NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT, "b", &b));
	assert_true(b);
	routes = g_variant_lookup_value(ip4, NM_VPN_PLUGIN_IP4_CONFIG_ROUTES, G_VARIANT_TYPE("aau"));
	assert_non_null(routes);
	assert_int_equal(g_variant_n_children(routes), 1); /* the IPv6 route goes to ip6 */
	g_variant_unref(routes);
	assert_non_null(g_variant_lookup_value(ip4, NM_VPN_PLUGIN_IP4_CONFIG_DOMAINS,
					       G_VARIANT_TYPE("as")));
	ip6 = g_variant_ref_sink(nm_sstp_report_ip6(&r, &o));
	routes = g_variant_lookup_value(ip6, NM_VPN_PLUGIN_IP6_CONFIG_ROUTES, NULL);
	assert_int_equal(g_variant_n_children(routes), 1);
	g_variant_unref(routes);
	g_variant_unref(cfg);
	g_variant_unref(ip4);
	g_variant_unref(ip6);
	nm_sstp_opts_clear(&o);
	g_object_unref(c);
}

static void report_bad(void **state)
{
	static const char *const bad[] = {
		"", "ifname", "nokey value", "ifname ", "ifname a b", "ifname a/b", "ifname \xc3\xa9", "ifname a-name-far-too-long-for-any-kernel-device",
		"mtu 70000", "mtu 12x", "mtu ", "local 10.0.0", "peer ::g", "route 10.0.0.0/40",
		"dns x", "up 1" /* before ifname and local */ };
	struct nm_sstp_report r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0, sizeof(r));
		assert_int_equal(nm_sstp_report_line(&r, bad[i]), -1);
		assert_false(r.up);
	}
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < NM_SSTP_MAX_ROUTES; i++)
		assert_int_equal(nm_sstp_report_line(&r, "route 10.1.0.0/16"), 0);
	assert_int_equal(nm_sstp_report_line(&r, "route 10.1.0.0/16"), -1);
	assert_null(nm_sstp_report_ip4(&r, NULL)); /* no address: no IPv4 config */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_good),      cmocka_unit_test(read_bad),
		cmocka_unit_test(missing_secret), cmocka_unit_test(report_good),
		cmocka_unit_test(report_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
