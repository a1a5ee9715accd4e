/* test_localnet_overlap.c - the overlap warning's inputs: platform address/route lists turned into
 * local networks (sstp_local_nets_build: point-to-point peers, default routes, the tunnel's own
 * interface and malformed entries left out), read through the fake platform, and compared with a
 * profile's VNet routes and pools by sstp_pkg_overlaps. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "local_nets.h"
#include "plat_net_fake.h"

static void addr(struct plat_addr_info *a, const char *ip, unsigned len, const char *peer,
		 const char *ifname)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(plat_ip_parse(ip, &a->local.ip), 0);
	a->local.len = (uint8_t)len;
	if (peer)
		assert_int_equal(plat_ip_parse(peer, &a->peer), 0);
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
}

static void route(struct plat_route_info *r, const char *dst, const char *ifname)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(plat_prefix_parse(dst, false, &r->dst), 0);
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->table = 254;
}

static void cidr(struct sstp_cidr *c, const char *s)
{
	assert_int_equal(sstp_cidr_parse(s, c), 0);
}

static void fmt(const struct sstp_cidr *c, char *buf)
{
	assert_int_equal(sstp_cidr_format(c, buf, SSTP_CIDR_STRLEN), 0);
}

/* A laptop: LAN 192.168.1.10/24 on wlan0, loopback, a point-to-point link, IPv6 link-local and
 * global, a routed 10.0.0.0/8 over the LAN, a default route and an old tunnel sstp0. */
static struct sstp_local_nets *laptop(void)
{
	struct sstp_local_nets *ln = calloc(1, sizeof(*ln));

	assert_non_null(ln);
	addr(&ln->addrs[0], "192.168.1.10", 24, NULL, "wlan0");
	addr(&ln->addrs[1], "127.0.0.1", 8, NULL, "lo");
	addr(&ln->addrs[2], "10.99.0.2", 32, "10.99.0.1", "ppp0");
	addr(&ln->addrs[3], "fe80::1", 64, NULL, "wlan0");
	addr(&ln->addrs[4], "2001:db8:1::5", 64, NULL, "wlan0");
	addr(&ln->addrs[5], "172.31.0.9", 32, NULL, "sstp0");
	ln->n_addrs = 6;
	route(&ln->routes[0], "10.0.0.0/8", "wlan0");
	route(&ln->routes[1], "0.0.0.0/0", "wlan0");
	route(&ln->routes[2], "172.31.0.0/16", "sstp0");
	route(&ln->routes[3], "::/0", "wlan0");
	ln->n_routes = 4;
	return ln;
}

static void test_build(void **state)
{
	struct sstp_local_nets *ln = laptop();
	char b[SSTP_CIDR_STRLEN];

	(void)state;
	/* skipping sstp0: 5 addresses, 1 route (both defaults dropped) */
	assert_int_equal(sstp_local_nets_build(ln, "sstp0"), 6);
	fmt(&ln->nets[0].net, b);
	assert_string_equal(b, "192.168.1.10/24");
	assert_string_equal(ln->nets[0].ifname, "wlan0");
	assert_false(ln->nets[0].is_route);
	fmt(&ln->nets[2].net, b);
	assert_string_equal(b, "10.99.0.1/32"); /* the point-to-point peer, not our end */
	fmt(&ln->nets[4].net, b);
	assert_string_equal(b, "2001:db8:1::5/64");
	fmt(&ln->nets[5].net, b);
	assert_string_equal(b, "10.0.0.0/8");
	assert_true(ln->nets[5].is_route);
	/* without skipping, the tunnel's address and route are there too */
	assert_int_equal(sstp_local_nets_build(ln, NULL), 8);
	assert_int_equal(sstp_local_nets_build(ln, ""), 8);
	free(ln);
}

static void test_malformed_entries(void **state)
{
	struct sstp_local_nets *ln = calloc(1, sizeof(*ln));

	(void)state;
	assert_non_null(ln);
	addr(&ln->addrs[0], "192.168.1.10", 24, NULL, "eth0");
	ln->addrs[0].local.len = 33;                  /* prefix too long for IPv4 */
	addr(&ln->addrs[1], "192.168.2.10", 24, NULL, "eth0");
	ln->addrs[1].local.ip.family = PLAT_AF_NONE;  /* no family */
	addr(&ln->addrs[2], "192.168.3.10", 0, NULL, ""); /* prefix 0 */
	memset(ln->addrs[3].ifname, 'x', sizeof(ln->addrs[3].ifname)); /* no NUL in the name */
	assert_int_equal(plat_ip_parse("192.168.4.10", &ln->addrs[3].local.ip), 0);
	ln->addrs[3].local.len = 24;
	ln->n_addrs = 4;
	route(&ln->routes[0], "2001:db8::/32", "eth0");
	ln->routes[0].dst.len = 129;
	ln->n_routes = 1;
	assert_int_equal(sstp_local_nets_build(ln, "eth0"), 1); /* only the unterminated-name one */
	assert_int_equal(ln->nets[0].net.prefix, 24);
	assert_null(ln->nets[0].ifname); /* never handed on unterminated */
	/* counts beyond the arrays are clamped, not read past */
	ln->n_addrs = SIZE_MAX;
	ln->n_routes = SIZE_MAX;
	assert_true(sstp_local_nets_build(ln, NULL) <= SSTP_LOCAL_ADDRS_MAX + SSTP_LOCAL_ROUTES_MAX);
	free(ln);
}

static void test_overlaps(void **state)
{
	struct sstp_local_nets *ln = laptop();
	struct sstp_cidr routes[3], pools[1];
	struct sstp_overlap ov[8];
	char line[400];
	size_t n;

	(void)state;
	sstp_local_nets_build(ln, "sstp0");
	cidr(&routes[0], "10.1.0.0/16");    /* inside the routed 10.0.0.0/8 */
	cidr(&routes[1], "172.16.0.0/16");  /* nowhere */
	cidr(&routes[2], "2001:db8::/32");  /* holds the LAN's IPv6 */
	cidr(&pools[0], "192.168.0.0/16");  /* holds the LAN */
	n = sstp_pkg_overlaps(routes, 3, pools, 1, ln->nets, ln->n, ov, 8);
	assert_int_equal(n, 3);
	assert_int_equal(sstp_overlap_format(&ov[0], line, sizeof(line)), 0);
	assert_non_null(strstr(line, "VNet route 10.1.0.0/16 overlaps 10.0.0.0/8 on wlan0 (local "
				     "route)"));
	assert_int_equal(sstp_overlap_format(&ov[1], line, sizeof(line)), 0);
	assert_non_null(strstr(line, "VNet route 2001:db8::/32 overlaps 2001:db8:1::5/64 on wlan0 "
				     "(local address)"));
	assert_int_equal(sstp_overlap_format(&ov[2], line, sizeof(line)), 0);
	assert_non_null(strstr(line, "client address pool 192.168.0.0/16 overlaps 192.168.1.10/24"));
	/* the old tunnel's 172.31/16 counts once it is not skipped */
	cidr(&routes[0], "172.31.5.0/24");
	assert_int_equal(sstp_pkg_overlaps(routes, 1, NULL, 0, ln->nets, ln->n, NULL, 0), 0);
	sstp_local_nets_build(ln, NULL);
	assert_int_equal(sstp_pkg_overlaps(routes, 1, NULL, 0, ln->nets, ln->n, NULL, 0), 1);
	free(ln);
}

static void test_warn_profile(void **state)
{
	struct sstp_local_nets *ln = laptop();
	struct sstp_profile p;
	struct sstp_cidr routes[2];

	(void)state;
	sstp_local_nets_build(ln, NULL);
	sstp_profile_init(&p);
	cidr(&routes[0], "172.16.0.0/12");
	cidr(&routes[1], "10.200.0.0/24");
	p.routes = routes;
	p.n_routes = 1;
	/* 172.16/12 holds sstp0's address and its 172.31/16 route */
	assert_int_equal(sstp_local_nets_warn(ln, &p), 2);
	p.routes = routes + 1;
	assert_int_equal(sstp_local_nets_warn(ln, &p), 1); /* in 10/8 */
	ln->n = 0;
	assert_int_equal(sstp_local_nets_warn(ln, &p), 0);
	p.routes = NULL;
	p.n_routes = 0;
	sstp_profile_free(&p);
	free(ln);
}

static void test_read_through_platform(void **state)
{
	struct sstp_local_nets *ln = calloc(1, sizeof(*ln));
	struct plat_addr_info a;
	struct plat_route_info r;
	struct plat_net *net = NULL;
	struct sstp_cidr vnet;
	char b[SSTP_CIDR_STRLEN];

	(void)state;
	assert_non_null(ln);
	assert_int_equal(plat_net_fake_open(NULL, &net), 0);
	addr(&a, "10.0.3.4", 24, NULL, "eth0");
	assert_int_equal(plat_net_fake_add_addr(net, &a), 0);
	route(&r, "10.5.0.0/16", "eth1");
	assert_int_equal(plat_net_fake_add_route(net, &r), 0);
	assert_int_equal(sstp_local_nets_read(ln, net), 0);
	assert_int_equal(ln->n, 2);
	fmt(&ln->nets[0].net, b);
	assert_string_equal(b, "10.0.3.4/24");
	fmt(&ln->nets[1].net, b);
	assert_string_equal(b, "10.5.0.0/16");
	assert_true(ln->nets[1].is_route);
	cidr(&vnet, "10.0.0.0/16");
	assert_int_equal(sstp_pkg_overlaps(&vnet, 1, NULL, 0, ln->nets, ln->n, NULL, 0), 1);
	/* a platform that cannot list: no networks, no failure beyond -1 */
	plat_net_fake_fail(net, "list_addrs", 0, -EIO);
	assert_int_equal(sstp_local_nets_read(ln, net), -1);
	assert_int_equal(ln->n, 0);
	plat_net_close(net);
	free(ln);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_malformed_entries),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_warn_profile),
		cmocka_unit_test(test_read_through_platform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
