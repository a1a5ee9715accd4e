/* test_ipcp_check.c - refusal of hostile IPCP/IPv6CP addresses (client/ipcp_check.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipcp_check.h"

static struct plat_addr_info lan[3];
static struct plat_ip gw;

static void ip4(struct plat_ip *ip, int a, int b, int c, int d)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET;
	ip->addr[0] = (uint8_t)a, ip->addr[1] = (uint8_t)b;
	ip->addr[2] = (uint8_t)c, ip->addr[3] = (uint8_t)d;
}

static int setup(void **state)
{
	(void)state;
	memset(lan, 0, sizeof(lan));
	ip4(&lan[0].local.ip, 192, 168, 1, 20); /* eth0 192.168.1.20/24 */
	lan[0].local.len = 24;
	snprintf(lan[0].ifname, sizeof(lan[0].ifname), "%s", "eth0");
	ip4(&lan[1].local.ip, 10, 8, 0, 2); /* wg0 10.8.0.2 peer 10.8.0.1 */
	lan[1].local.len = 32;
	ip4(&lan[1].peer, 10, 8, 0, 1);
	snprintf(lan[1].ifname, sizeof(lan[1].ifname), "%s", "wg0");
	ip4(&lan[2].local.ip, 172, 16, 9, 2); /* the tunnel being set up: skipped */
	lan[2].local.len = 24;
	snprintf(lan[2].ifname, sizeof(lan[2].ifname), "%s", "sstp0");
	ip4(&gw, 203, 0, 113, 7);
	return 0;
}

static int chk(const uint8_t l[4], const uint8_t p[4], char *why, size_t len)
{
	return sstp_ipcp_check_v4(l, p, &gw, lan, 3, "sstp0", why, len);
}

static void accepts_ordinary(void **state)
{
	char why[300] = "";
	const uint8_t l[4] = { 172, 16, 9, 10 }, p[4] = { 172, 16, 9, 1 }, none[4] = { 0 };

	(void)state;
	assert_int_equal(chk(l, p, why, sizeof(why)), 0);
	assert_int_equal(chk(l, none, why, sizeof(why)), 0);
	/* a network just outside the LAN's /24 and outside the p2p peer host */
	const uint8_t l2[4] = { 192, 168, 2, 1 }, p2[4] = { 10, 8, 0, 3 }, p3[4] = { 10, 8, 0, 1 };
	assert_int_equal(chk(l2, p2, why, sizeof(why)), 0);
	/* another tunnel's peer as our peer (two sessions to one server) */
	assert_int_equal(chk(l2, p3, why, sizeof(why)), 0);
	/* no interface list (the platform could not list them): the static checks still hold */
	assert_int_equal(sstp_ipcp_check_v4(l, p, NULL, NULL, 0, NULL, why, sizeof(why)), 0);
}

static void refuse(const uint8_t l[4], const uint8_t p[4], const char *expect)
{
	char why[300] = "";

	assert_int_equal(chk(l, p, why, sizeof(why)), -1);
	if (!strstr(why, expect))
		fail_msg("'%s' does not say '%s'", why, expect);
}

static void refuses_special(void **state)
{
	const uint8_t ok[4] = { 172, 16, 9, 10 }, okp[4] = { 172, 16, 9, 1 };
	const uint8_t lo[4] = { 127, 0, 0, 1 }, mc[4] = { 224, 0, 0, 1 };
	const uint8_t bc[4] = { 255, 255, 255, 255 }, ll[4] = { 169, 254, 3, 4 };
	const uint8_t zero[4] = { 0 }, zn[4] = { 0, 1, 2, 3 }, rsv[4] = { 240, 0, 0, 1 };

	(void)state;
	refuse(lo, okp, "127.0.0.1 as the local address");
	refuse(ok, lo, "loopback");
	refuse(ok, mc, "multicast");
	refuse(mc, okp, "multicast");
	refuse(ok, bc, "broadcast");
	refuse(ll, okp, "link-local");
	refuse(ok, ll, "link-local");
	refuse(zero, okp, "unspecified");
	refuse(zn, okp, "unspecified");
	refuse(ok, rsv, "reserved");
	refuse(ok, ok, "same address");
}

static void refuses_gateway_and_lan(void **state)
{
	const uint8_t ok[4] = { 172, 16, 9, 10 }, okp[4] = { 172, 16, 9, 1 };
	const uint8_t g[4] = { 203, 0, 113, 7 }, router[4] = { 192, 168, 1, 1 };
	const uint8_t self[4] = { 192, 168, 1, 20 }, wgpeer[4] = { 10, 8, 0, 1 };
	const uint8_t wglocal[4] = { 10, 8, 0, 2 };

	(void)state;
	refuse(ok, g, "its own address 203.0.113.7 as the peer");
	refuse(g, okp, "its own address");
	refuse(ok, router, "inside the local network 192.168.1.0/24 of eth0");
	refuse(router, okp, "192.168.1.1 as the local address");
	refuse(self, okp, "local network");
	refuse(wgpeer, okp, "10.8.0.1/32 of wg0");
	refuse(ok, wglocal, "10.8.0.2/32 of wg0");
	refuse(wglocal, okp, "10.8.0.2/32 of wg0");
}

static void ipv6_iids(void **state)
{
	char why[200];
	const uint8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	const uint8_t z[8] = { 0 };

	(void)state;
	assert_int_equal(sstp_ipcp_check_v6(a, b, why, sizeof(why)), 0);
	assert_int_equal(sstp_ipcp_check_v6(z, b, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "zero"));
	assert_int_equal(sstp_ipcp_check_v6(a, a, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "same"));
}

static void truncated_sentence(void **state)
{
	char why[8];
	const uint8_t lo[4] = { 127, 0, 0, 1 }, p[4] = { 172, 16, 9, 1 };

	(void)state;
	assert_int_equal(chk(lo, p, why, sizeof(why)), -1);
	assert_int_equal(strlen(why), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(accepts_ordinary, setup),
		cmocka_unit_test_setup(refuses_special, setup),
		cmocka_unit_test_setup(refuses_gateway_and_lan, setup),
		cmocka_unit_test_setup(ipv6_iids, setup),
		cmocka_unit_test_setup(truncated_sentence, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
