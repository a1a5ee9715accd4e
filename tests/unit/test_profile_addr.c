/* test_profile_addr.c - IPv4/IPv6/CIDR parsing and formatting, netmask conversion, prefix overlap
 * and the package overlap check against local networks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pkg.h"
#include "profile.h"

static void roundtrip(const char *in, const char *want)
{
	struct sstp_cidr c;
	char buf[SSTP_CIDR_STRLEN];
	assert_int_equal(sstp_cidr_parse(in, &c), 0);
	assert_int_equal(sstp_cidr_format(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_cidr_valid(void **state)
{
	(void)state;
	roundtrip("10.0.0.0/16", "10.0.0.0/16");
	roundtrip("10.1.2.3/16", "10.1.0.0/16");
	roundtrip("172.16.0.0/24", "172.16.0.0/24");
	roundtrip("0.0.0.0/0", "0.0.0.0/0");
	roundtrip("192.168.1.7", "192.168.1.7/32");
	roundtrip("fd00::/8", "fd00::/8");
	roundtrip("2001:db8::1/64", "2001:db8::/64");
	roundtrip("::/0", "::/0");
	roundtrip("::1", "::1/128");
	roundtrip("2001:DB8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128");
	roundtrip("1:0:0:2:0:0:0:3/128", "1:0:0:2::3/128");
	roundtrip("::ffff:10.0.0.1/128", "::ffff:a00:1/128");
	roundtrip("1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8/128");
	roundtrip("1::/16", "1::/16");
}

static void test_cidr_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "/", "10.0.0.0/", "10.0.0.0/33", "10.0.0/16", "10.0.0.0.0/8", "256.0.0.0/8",
		"10.0.0.0/016", "010.0.0.0/8", "10.0.0.0/-1", "10.0.0.0/8x", " 10.0.0.0/8",
		"10.0.0.0 /8", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "1:", ":1", "fffff::",
		"::/129", "1.2.3.4::", "::1.2.3", "1:2:3:4:5:6:7::8:9", "1:2:3:4:5:6:7:8::",
		"::g", "10.0.0.0/8/8", "1234567890", "a.b.c.d",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sstp_cidr c;
		if (sstp_cidr_parse(bad[i], &c) == 0)
			fail_msg("accepted '%s'", bad[i]);
	}
	struct sstp_ip ip;
	assert_int_equal(sstp_ip_parse("10.0.0.0/8", &ip), -1);
	assert_int_equal(sstp_ip_parse(NULL, &ip), -1);
}

static void test_ip_format_small_buffer(void **state)
{
	(void)state;
	struct sstp_ip ip;
	char buf[8];
	assert_int_equal(sstp_ip_parse("192.168.100.200", &ip), 0);
	assert_int_equal(sstp_ip_format(&ip, buf, sizeof(buf)), -1);
	assert_int_equal(sstp_ip_parse("2001:db8::1", &ip), 0);
	assert_int_equal(sstp_ip_format(&ip, buf, sizeof(buf)), -1);
	char big[SSTP_IP_STRLEN];
	assert_int_equal(sstp_ip_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &ip), 0);
	assert_int_equal(sstp_ip_format(&ip, big, sizeof(big)), 0);
	assert_string_equal(big, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

static void test_mask(void **state)
{
	(void)state;
	struct sstp_ip m;
	assert_int_equal(sstp_ip_parse("255.255.0.0", &m), 0);
	assert_int_equal(sstp_ipv4_mask_prefix(&m), 16);
	assert_int_equal(sstp_ip_parse("255.255.255.255", &m), 0);
	assert_int_equal(sstp_ipv4_mask_prefix(&m), 32);
	assert_int_equal(sstp_ip_parse("0.0.0.0", &m), 0);
	assert_int_equal(sstp_ipv4_mask_prefix(&m), 0);
	assert_int_equal(sstp_ip_parse("255.0.255.0", &m), 0);
	assert_int_equal(sstp_ipv4_mask_prefix(&m), -1);
	assert_int_equal(sstp_ip_parse("255.255.255.254", &m), 0);
	assert_int_equal(sstp_ipv4_mask_prefix(&m), 31);
}

static struct sstp_cidr C(const char *s)
{
	struct sstp_cidr c;
	assert_int_equal(sstp_cidr_parse(s, &c), 0);
	return c;
}

static void test_overlap(void **state)
{
	(void)state;
	struct sstp_cidr a = C("10.0.0.0/16"), b = C("10.0.3.0/24"), c = C("10.1.0.0/16"),
			 d = C("0.0.0.0/0"), e = C("fd00::/8");
	assert_true(sstp_cidr_overlap(&a, &b));
	assert_true(sstp_cidr_overlap(&b, &a));
	assert_false(sstp_cidr_overlap(&a, &c));
	assert_true(sstp_cidr_overlap(&a, &d));
	assert_false(sstp_cidr_overlap(&a, &e));
}

static void test_pkg_overlaps(void **state)
{
	(void)state;
	struct sstp_cidr routes[] = {C("10.0.0.0/16")};
	struct sstp_cidr pools[] = {C("172.16.0.0/24")};
	struct sstp_local_net local[] = {
		{C("0.0.0.0/0"), "eth0", true},       /* default route: ignored */
		{C("127.0.0.1/8"), "lo", false},      /* loopback: ignored */
		{C("192.168.1.10/24"), "wlan0", false},
		{C("10.0.3.0/24"), "eth0", false},     /* overlaps the VNet */
		{C("172.16.0.0/12"), NULL, true},      /* overlaps the pool */
		{C("fe80::/64"), "eth0", false},
	};
	struct sstp_overlap ov[4];
	size_t n = sstp_pkg_overlaps(routes, 1, pools, 1, local, 6, ov, 4);
	assert_int_equal(n, 2);
	assert_false(ov[0].vpn_is_pool);
	assert_ptr_equal(ov[0].local, &local[3]);
	assert_true(ov[1].vpn_is_pool);
	assert_ptr_equal(ov[1].local, &local[4]);
	char line[400];
	assert_int_equal(sstp_overlap_format(&ov[0], line, sizeof(line)), 0);
	assert_non_null(strstr(line, "VNet route 10.0.0.0/16 overlaps 10.0.3.0/24 on eth0"));
	assert_non_null(strstr(line, "local address"));
	assert_int_equal(sstp_overlap_format(&ov[1], line, sizeof(line)), 0);
	assert_non_null(strstr(line, "client address pool 172.16.0.0/24 overlaps 172.16.0.0/12"));
	assert_non_null(strstr(line, "local route"));
	assert_int_equal(sstp_overlap_format(&ov[1], line, 20), -1);
	/* counting without an output array, and no local networks at all */
	assert_int_equal(sstp_pkg_overlaps(routes, 1, pools, 1, local, 6, NULL, 0), 2);
	assert_int_equal(sstp_pkg_overlaps(routes, 1, pools, 1, NULL, 0, NULL, 0), 0);
	/* no overlap */
	struct sstp_local_net quiet[] = {{C("192.168.0.0/16"), "eth0", false}};
	assert_int_equal(sstp_pkg_overlaps(routes, 1, pools, 1, quiet, 1, ov, 4), 0);

	/* the profile convenience prints one line per overlap */
	struct sstp_profile p;
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_add_route(&p, &routes[0]), 0);
	assert_int_equal(sstp_profile_add_pool(&p, &pools[0]), 0);
	char *text = NULL;
	size_t tl = 0;
	FILE *f = open_memstream(&text, &tl);
	assert_int_equal(sstp_pkg_warn_overlaps(&p, local, 6, f), 2);
	fclose(f);
	assert_non_null(strstr(text, "warning: VNet route 10.0.0.0/16"));
	free(text);
	sstp_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_valid),
		cmocka_unit_test(test_cidr_invalid),
		cmocka_unit_test(test_ip_format_small_buffer),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_pkg_overlaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
