/* test_plat_ip.c - cmocka tests of the address helpers of plat_net.h: parsing and formatting of
 * IPv4/IPv6 addresses and prefixes (valid and malformed input), containment, overlap, the
 * full-tunnel halves, the DNS backend names and the argument checks of the plat_net wrappers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "plat_net.h"

static void test_ip_parse_format(void **state)
{
	struct plat_ip ip;
	char buf[PLAT_IP_STRMAX];

	(void)state;
	assert_int_equal(plat_ip_parse("10.1.2.3", &ip), 0);
	assert_int_equal(ip.family, PLAT_AF_INET);
	assert_memory_equal(ip.addr, "\x0a\x01\x02\x03", 4);
	assert_string_equal(plat_ip_format(&ip, buf, sizeof(buf)), "10.1.2.3");
	assert_int_equal(plat_ip_parse("FD00::1", &ip), 0);
	assert_int_equal(ip.family, PLAT_AF_INET6);
	assert_int_equal(ip.addr[0], 0xfd);
	assert_int_equal(ip.addr[15], 1);
	assert_string_equal(plat_ip_format(&ip, buf, sizeof(buf)), "fd00::1");
	assert_int_equal(plat_ip_parse("::ffff:1.2.3.4", &ip), 0);
	assert_int_equal(ip.family, PLAT_AF_INET6);
	/* a too-small buffer gives "?" rather than a truncated address */
	char small[4];
	assert_string_equal(plat_ip_format(&ip, small, sizeof(small)), "?");
}

static void test_ip_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"", " 10.0.0.1", "10.0.0.1 ", "10.0.0", "10.0.0.256", "10.0.0.1.2", "1e.0.0.1",
		"fe80::1%eth0", ":::", "1::2::3", "12345::", "10.0.0.1/32", "0x0a.0.0.1",
		"fd00::1:2:3:4:5:6:7:8", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	};
	struct plat_ip ip;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(plat_ip_parse(bad[i], &ip), -EINVAL);
	assert_int_equal(plat_ip_parse(NULL, &ip), -EINVAL);
}

static void test_prefix_parse(void **state)
{
	struct plat_prefix p;
	char buf[PLAT_PREFIX_STRMAX];

	(void)state;
	assert_int_equal(plat_prefix_parse("10.0.0.0/8", true, &p), 0);
	assert_int_equal(p.len, 8);
	assert_string_equal(plat_prefix_format(&p, buf, sizeof(buf)), "10.0.0.0/8");
	/* host bits: cleared when not strict, refused when strict */
	assert_int_equal(plat_prefix_parse("10.1.2.3/16", true, &p), -EINVAL);
	assert_int_equal(plat_prefix_parse("10.1.2.3/16", false, &p), 0);
	assert_string_equal(plat_prefix_format(&p, buf, sizeof(buf)), "10.1.0.0/16");
	assert_int_equal(plat_prefix_parse("fd00:1:2:3::9/62", false, &p), 0);
	assert_string_equal(plat_prefix_format(&p, buf, sizeof(buf)), "fd00:1:2::/62");
	/* bare address = host prefix */
	assert_int_equal(plat_prefix_parse("192.0.2.1", true, &p), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(plat_prefix_parse("2001:db8::1", true, &p), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(plat_prefix_parse("0.0.0.0/0", true, &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(plat_prefix_parse("::/0", true, &p), 0);
}

static void test_prefix_malformed(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.0/", "/8", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08",
		"10.0.0.0/8/8", "10.0.0.0/ 8", "fd00::/129", "fd00::/1000", "10.0.0.0/8a", "x/8",
		"10.0.0.0/4294967304",
	};
	struct plat_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(plat_prefix_parse(bad[i], false, &p), -EINVAL);
}

static void test_contains_overlap(void **state)
{
	struct plat_prefix a, b, h[2];
	struct plat_ip ip;

	(void)state;
	assert_int_equal(plat_prefix_parse("10.1.0.0/16", true, &a), 0);
	assert_int_equal(plat_ip_parse("10.1.255.1", &ip), 0);
	assert_true(plat_prefix_contains(&a, &ip));
	assert_int_equal(plat_ip_parse("10.2.0.1", &ip), 0);
	assert_false(plat_prefix_contains(&a, &ip));
	assert_int_equal(plat_ip_parse("fd00::1", &ip), 0);
	assert_false(plat_prefix_contains(&a, &ip)); /* other family */

	assert_int_equal(plat_prefix_parse("10.0.0.0/8", true, &b), 0);
	assert_true(plat_prefix_overlap(&a, &b));
	assert_true(plat_prefix_overlap(&b, &a));
	assert_int_equal(plat_prefix_parse("10.2.0.0/16", true, &b), 0);
	assert_false(plat_prefix_overlap(&a, &b));
	assert_int_equal(plat_prefix_parse("10.1.128.0/17", true, &b), 0);
	assert_true(plat_prefix_overlap(&a, &b));

	plat_full_tunnel_prefixes(PLAT_AF_INET, h);
	assert_int_equal(plat_ip_parse("127.255.255.255", &ip), 0);
	assert_true(plat_prefix_contains(&h[0], &ip));
	assert_false(plat_prefix_contains(&h[1], &ip));
	assert_int_equal(plat_ip_parse("128.0.0.0", &ip), 0);
	assert_true(plat_prefix_contains(&h[1], &ip));
	assert_false(plat_prefix_overlap(&h[0], &h[1]));
	plat_full_tunnel_prefixes(PLAT_AF_INET6, h);
	char buf[PLAT_PREFIX_STRMAX];
	assert_string_equal(plat_prefix_format(&h[0], buf, sizeof(buf)), "::/1");
	assert_string_equal(plat_prefix_format(&h[1], buf, sizeof(buf)), "8000::/1");
}

static void test_backend_names(void **state)
{
	(void)state;
	assert_string_equal(plat_dns_backend_name(PLAT_DNS_NONE), "none");
	assert_string_equal(plat_dns_backend_name(PLAT_DNS_RESOLVED), "systemd-resolved");
	assert_string_equal(plat_dns_backend_name(PLAT_DNS_RESOLVCONF), "resolvconf");
	assert_string_equal(plat_dns_backend_name(PLAT_DNS_RESOLV_CONF), "resolv.conf");
	assert_string_equal(plat_dns_backend_name((enum plat_dns_backend)99), "none");
}

static size_t zones(const char *cidr, char (*z)[PLAT_REVERSE_ZONE_MAX], size_t max)
{
	struct plat_prefix p;

	assert_int_equal(plat_prefix_parse(cidr, false, &p), 0);
	return plat_prefix_reverse_zones(&p, z, max);
}

static void test_reverse_zones(void **state)
{
	char z[16][PLAT_REVERSE_ZONE_MAX];
	struct plat_prefix bad = {0};

	(void)state;
	assert_int_equal(zones("10.232.0.0/24", z, 16), 1);
	assert_string_equal(z[0], "0.232.10.in-addr.arpa");
	assert_int_equal(zones("10.0.0.0/8", z, 16), 1);
	assert_string_equal(z[0], "10.in-addr.arpa");
	assert_int_equal(zones("0.0.0.0/0", z, 16), 1);
	assert_string_equal(z[0], "in-addr.arpa");
	assert_int_equal(zones("192.0.2.77/32", z, 16), 1);
	assert_string_equal(z[0], "77.2.0.192.in-addr.arpa");
	/* host bits are ignored; /23 = two /24 zones */
	assert_int_equal(zones("10.1.3.9/23", z, 16), 2);
	assert_string_equal(z[0], "2.1.10.in-addr.arpa");
	assert_string_equal(z[1], "3.1.10.in-addr.arpa");
	/* /20: 16 zones; /19 would be 32: the enclosing /16 instead */
	assert_int_equal(zones("10.1.16.0/20", z, 16), 16);
	assert_string_equal(z[15], "31.1.10.in-addr.arpa");
	assert_int_equal(zones("10.1.32.0/19", z, 16), 1);
	assert_string_equal(z[0], "1.10.in-addr.arpa");
	/* max bounds what is written, the count says what it needs */
	assert_int_equal(zones("10.1.16.0/20", z, 2), 16);
	assert_string_equal(z[1], "17.1.10.in-addr.arpa");
	assert_int_equal(zones("fd00:1::/32", z, 16), 1);
	assert_string_equal(z[0], "1.0.0.0.0.0.d.f.ip6.arpa");
	assert_int_equal(zones("2001:db8:abcd::/47", z, 16), 2);
	assert_string_equal(z[0], "c.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_string_equal(z[1], "d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(zones("::/0", z, 16), 1);
	assert_string_equal(z[0], "ip6.arpa");
	assert_int_equal(zones("2001:db8::1/128", z, 16), 1);
	assert_int_equal(strlen(z[0]), 72);
	assert_int_equal(plat_prefix_reverse_zones(&bad, z, 16), 0);
	assert_int_equal(plat_prefix_reverse_zones(NULL, z, 16), 0);
	bad.ip.family = PLAT_AF_INET;
	bad.len = 33;
	assert_int_equal(plat_prefix_reverse_zones(&bad, z, 16), 0);
}

static void test_wrappers_reject_null(void **state)
{
	struct plat_ip ip;

	(void)state;
	assert_int_equal(plat_net_tun_create(NULL, NULL), -EINVAL);
	assert_int_equal(plat_net_set_up(NULL), -EINVAL);
	assert_int_equal(plat_net_addr_add(NULL, &ip, NULL, 32), -EINVAL);
	assert_int_equal(plat_net_undo_all(NULL), -EINVAL);
	assert_int_equal(plat_net_tun_fd(NULL), -1);
	assert_string_equal(plat_net_tun_name(NULL), "");
	plat_net_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_parse_format),
		cmocka_unit_test(test_ip_parse_malformed),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_malformed),
		cmocka_unit_test(test_contains_overlap),
		cmocka_unit_test(test_backend_names),
		cmocka_unit_test(test_wrappers_reject_null),
		cmocka_unit_test(test_reverse_zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
