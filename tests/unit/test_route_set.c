/* test_route_set.c - the session's route set (route_set.c): duplicates merged with their sources,
 * nested prefixes (kept only where a system route makes them change the path), IPv4 and IPv6,
 * full tunnel, the gateway pin and the peer, conflicts with another interface's routes (skip and
 * prefer-tunnel, no free metric), and malformed or edge input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "route_set.h"
#include "status.h"

#define MAXI 32
#define MAXO 64

struct fx {
	struct route_set_item items[MAXI];
	struct plat_route_info sys[MAXI];
	struct route_set_input in;
	struct route_set_entry out[MAXO];
	struct route_set_stats st;
	struct plat_ip gw, peer4, peer6;
	size_t n;
};

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->in.items = f->items;
	f->in.existing = f->sys;
	f->in.tun_ifname = "sstp0";
}

static void item(struct fx *f, const char *cidr, unsigned src)
{
	assert_true(f->in.n_items < MAXI);
	assert_int_equal(plat_prefix_parse(cidr, false, &f->items[f->in.n_items].dst), 0);
	f->items[f->in.n_items++].src = src;
}

static void sysroute(struct fx *f, const char *cidr, const char *ifname, uint32_t metric)
{
	struct plat_route_info *r = &f->sys[f->in.n_existing++];

	memset(r, 0, sizeof(*r));
	assert_int_equal(plat_prefix_parse(cidr, false, &r->dst), 0);
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->metric = metric;
	r->table = 254;
}

static void run(struct fx *f)
{
	f->n = route_set_compute(&f->in, f->out, MAXO, &f->st);
}

/* The entry for cidr, or NULL. */
static const struct route_set_entry *find(const struct fx *f, const char *cidr)
{
	char buf[PLAT_PREFIX_STRMAX];

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(plat_prefix_format(&f->out[i].dst, buf, sizeof(buf)), cidr) == 0)
			return &f->out[i];
	return NULL;
}

static const char *srcs(const struct route_set_entry *e)
{
	static char buf[64];

	return route_set_src_format(e->src, buf, sizeof(buf));
}

/* The package: Routes = the pool, a prefix twice, a /25 in the /24; --route the pool too. */
static void test_pool_duplicates_nesting(void **state)
{
	struct fx f;
	const struct route_set_entry *e;

	(void)state;
	fx_init(&f);
	item(&f, "10.232.0.0/24", ROUTE_SRC_PACKAGE);
	item(&f, "10.232.0.0/24", ROUTE_SRC_PACKAGE);
	item(&f, "10.232.0.0/25", ROUTE_SRC_PACKAGE);
	item(&f, "10.232.0.0/24", ROUTE_SRC_POOL);
	item(&f, "10.232.0.0/24", ROUTE_SRC_OPTION);
	run(&f);
	assert_int_equal(f.n, 1);
	e = find(&f, "10.232.0.0/24");
	assert_non_null(e);
	assert_string_equal(srcs(e), "package,pool,option");
	assert_int_equal(e->action, ROUTE_ADD);
	assert_int_equal(e->metric, PLAT_NET_DEFAULT_METRIC);
	assert_false(e->conflict);
	assert_int_equal(f.st.merged, 3);
	assert_int_equal(f.st.nested, 1);
}

/* Host bits in the input do not make a second entry. */
static void test_host_bits_merge(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	item(&f, "10.1.0.0/16", ROUTE_SRC_PACKAGE);
	f.items[0].dst.ip.addr[3] = 7; /* 10.1.0.7/16, as an unnormalized caller might pass it */
	item(&f, "10.1.0.0/16", ROUTE_SRC_OPTION);
	run(&f);
	assert_int_equal(f.n, 1);
	assert_string_equal(srcs(&f.out[0]), "package,option");
	assert_int_equal(f.out[0].dst.ip.addr[3], 0);
}

/* A nested prefix stays where a system route (more specific than the outer one) would otherwise
 * take its traffic: the LAN has 10.0.1.0/24, the VNet is 10.0.0.0/16 and the package adds
 * 10.0.1.128/25. A nested prefix under a system route that is less specific than the outer one
 * (the default route) changes nothing and goes. */
static void test_nesting_changes_path(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	sysroute(&f, "0.0.0.0/0", "eth0", 100);
	sysroute(&f, "10.0.1.0/24", "eth0", 100);
	item(&f, "10.0.0.0/16", ROUTE_SRC_PACKAGE);
	item(&f, "10.0.1.128/25", ROUTE_SRC_PACKAGE);
	item(&f, "10.0.2.0/24", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.n, 2);
	assert_non_null(find(&f, "10.0.0.0/16"));
	assert_non_null(find(&f, "10.0.1.128/25"));
	assert_null(find(&f, "10.0.2.0/24"));
	assert_int_equal(f.st.nested, 1);
	/* a system route on our own TUN does not count */
	fx_init(&f);
	sysroute(&f, "10.0.1.0/24", "sstp0", 50);
	item(&f, "10.0.0.0/16", ROUTE_SRC_PACKAGE);
	item(&f, "10.0.1.128/25", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.n, 1);
}

/* Sorted: IPv4 first, shortest first. IPv6 merges and nests the same way. */
static void test_ipv6_and_order(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	item(&f, "fd00:0:0:1::/64", ROUTE_SRC_PACKAGE);
	item(&f, "fd00::/48", ROUTE_SRC_OPTION);
	item(&f, "FD00:0::/48", ROUTE_SRC_POOL);
	item(&f, "10.2.0.0/16", ROUTE_SRC_PACKAGE);
	item(&f, "10.0.0.0/8", ROUTE_SRC_PACKAGE);
	item(&f, "fd01::/64", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.out[0].dst.ip.family, PLAT_AF_INET);
	assert_int_equal(f.out[0].dst.len, 8);
	assert_int_equal(f.out[1].dst.ip.family, PLAT_AF_INET6);
	assert_int_equal(f.out[1].dst.len, 48);
	assert_string_equal(srcs(&f.out[1]), "pool,option");
	assert_non_null(find(&f, "fd01::/64"));
	assert_null(find(&f, "fd00:0:0:1::/64"));
	/* an IPv4 prefix never nests in an IPv6 one of the same bytes */
	fx_init(&f);
	item(&f, "::/0", ROUTE_SRC_OPTION);
	item(&f, "0.0.0.0/1", ROUTE_SRC_OPTION);
	run(&f);
	assert_int_equal(f.n, 2);
}

/* Full tunnel: both families' halves; a VNet route inside a half goes unless the LAN has a more
 * specific route for it. */
static void test_full_tunnel(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	f.in.full_tunnel = true;
	sysroute(&f, "192.168.1.0/24", "wlan0", 600);
	item(&f, "10.1.0.0/16", ROUTE_SRC_PACKAGE);
	item(&f, "192.168.1.0/25", ROUTE_SRC_PACKAGE);
	item(&f, "128.0.0.0/1", ROUTE_SRC_OPTION);
	run(&f);
	assert_int_equal(f.n, 5);
	assert_string_equal(srcs(find(&f, "0.0.0.0/1")), "full-tunnel");
	assert_string_equal(srcs(find(&f, "128.0.0.0/1")), "option,full-tunnel");
	assert_non_null(find(&f, "::/1"));
	assert_non_null(find(&f, "8000::/1"));
	assert_non_null(find(&f, "192.168.1.0/25"));
	assert_null(find(&f, "10.1.0.0/16"));
}

/* The gateway: its own host route is the pin's; a prefix that contains it stays (the pin is
 * longer); the pin comes last. The peer's host route goes. */
static void test_pin_and_peer(void **state)
{
	struct fx f;
	const struct route_set_entry *e;

	(void)state;
	fx_init(&f);
	assert_int_equal(plat_ip_parse("10.231.0.1", &f.gw), 0);
	assert_int_equal(plat_ip_parse("10.232.0.254", &f.peer4), 0);
	assert_int_equal(plat_ip_parse("fe80::2", &f.peer6), 0);
	f.in.gateway = &f.gw;
	f.in.peer4 = &f.peer4;
	f.in.peer6 = &f.peer6;
	item(&f, "10.231.0.1/32", ROUTE_SRC_PACKAGE);
	item(&f, "10.231.0.0/24", ROUTE_SRC_OPTION);
	item(&f, "10.232.0.254/32", ROUTE_SRC_PACKAGE);
	item(&f, "fe80::2/128", ROUTE_SRC_OPTION);
	item(&f, "10.232.0.0/24", ROUTE_SRC_POOL);
	run(&f);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.st.pinned, 1);
	assert_int_equal(f.st.peer, 2);
	e = find(&f, "10.231.0.0/24");
	assert_non_null(e);
	assert_int_equal(e->action, ROUTE_ADD);
	e = &f.out[f.n - 1];
	assert_int_equal(e->action, ROUTE_PIN);
	assert_string_equal(srcs(e), "pin");
	assert_ptr_equal(find(&f, "10.231.0.1/32"), e);
	/* IPv6 gateway */
	fx_init(&f);
	assert_int_equal(plat_ip_parse("2001:db8::1", &f.gw), 0);
	f.in.gateway = &f.gw;
	item(&f, "2001:db8::/32", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.n, 2);
	assert_non_null(find(&f, "2001:db8::1/128"));
}

/* A LAN route equal to a VNet route with our metric: prefer-tunnel gives ours the next lower free
 * metric and names the LAN route; skip leaves ours out. */
static void test_conflict(void **state)
{
	struct fx f;
	const struct route_set_entry *e;

	(void)state;
	fx_init(&f);
	sysroute(&f, "10.50.0.0/24", "eth1", 50);
	sysroute(&f, "10.50.0.0/24", "eth2", 49);
	sysroute(&f, "10.50.0.0/24", "eth3", 47);
	sysroute(&f, "10.60.0.0/24", "eth1", 200); /* a worse metric: no conflict */
	assert_int_equal(plat_ip_parse("10.9.9.9", &f.sys[0].gateway), 0);
	item(&f, "10.50.0.0/24", ROUTE_SRC_PACKAGE);
	item(&f, "10.60.0.0/24", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.n, 2);
	e = find(&f, "10.50.0.0/24");
	assert_true(e->conflict);
	assert_false(e->conflict_lost);
	assert_int_equal(e->action, ROUTE_ADD);
	assert_int_equal(e->other_metric, 47);
	assert_string_equal(e->other_ifname, "eth3");
	assert_int_equal(e->metric, 46);
	assert_false(find(&f, "10.60.0.0/24")->conflict);
	assert_int_equal(find(&f, "10.60.0.0/24")->metric, 50);
	/* taken metrics below are skipped */
	fx_init(&f);
	sysroute(&f, "fd00::/64", "eth1", 50);
	sysroute(&f, "fd00::/64", "eth9", 49);
	sysroute(&f, "fd00::/64", "eth8", 300);
	item(&f, "fd00::/64", ROUTE_SRC_POOL);
	run(&f);
	assert_int_equal(f.out[0].metric, 48);
	assert_string_equal(f.out[0].other_ifname, "eth9");
	/* skip */
	fx_init(&f);
	f.in.conflict = ROUTE_CONFLICT_SKIP;
	sysroute(&f, "10.50.0.0/24", "eth1", 50);
	item(&f, "10.50.0.0/24", ROUTE_SRC_PACKAGE);
	item(&f, "10.50.0.0/25", ROUTE_SRC_PACKAGE);
	run(&f);
	e = find(&f, "10.50.0.0/24");
	assert_int_equal(e->action, ROUTE_SKIP_CONFLICT);
	assert_true(e->conflict);
	/* the /25 is no longer covered by a tunnel route: it stays */
	assert_non_null(find(&f, "10.50.0.0/25"));
	assert_int_equal(find(&f, "10.50.0.0/25")->action, ROUTE_ADD);
	/* the conflicting route on our own TUN is not a conflict */
	fx_init(&f);
	sysroute(&f, "10.50.0.0/24", "sstp0", 50);
	item(&f, "10.50.0.0/24", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_false(f.out[0].conflict);
}

/* A LAN route with metric 0 cannot be beaten: ours keeps a free metric and says it loses. */
static void test_conflict_no_lower_metric(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	sysroute(&f, "192.168.1.0/24", "eth0", 0);
	sysroute(&f, "192.168.1.0/24", "eth5", 50);
	item(&f, "192.168.1.0/24", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.n, 1);
	assert_true(f.out[0].conflict);
	assert_true(f.out[0].conflict_lost);
	assert_int_equal(f.out[0].action, ROUTE_ADD);
	assert_int_equal(f.out[0].metric, 51);
	assert_string_equal(f.out[0].other_ifname, "eth0");
	/* a metric of our own: the other route's is matched against it */
	fx_init(&f);
	f.in.metric = 10;
	sysroute(&f, "192.168.1.0/24", "eth6", 10);
	sysroute(&f, "192.168.1.0/24", "eth7", 11);
	item(&f, "192.168.1.0/24", ROUTE_SRC_PACKAGE);
	run(&f);
	assert_int_equal(f.out[0].metric, 9);
	assert_string_equal(f.out[0].other_ifname, "eth6");
	assert_false(f.out[0].conflict_lost);
}

/* Malformed and edge input: bad families, lengths and sources are counted and left out; an
 * output too small keeps what fits and the pin; nothing at all gives nothing. */
static void test_malformed(void **state)
{
	struct fx f;
	struct route_set_entry one;

	(void)state;
	fx_init(&f);
	item(&f, "10.0.0.0/8", ROUTE_SRC_PACKAGE);
	f.items[0].dst.len = 33;
	item(&f, "10.0.0.0/8", ROUTE_SRC_PACKAGE);
	f.items[1].dst.ip.family = 5;
	item(&f, "10.0.0.0/8", 0);
	item(&f, "10.0.0.0/8", ROUTE_SRC_PIN);
	item(&f, "10.0.0.0/8", 0x100);
	item(&f, "fd00::/64", ROUTE_SRC_OPTION);
	f.items[5].dst.len = 129;
	sysroute(&f, "10.0.0.0/8", "eth0", 50);
	f.sys[0].dst.len = 200;                /* a bad system route is ignored */
	run(&f);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.st.invalid, 6);
	/* /0 and /32 are fine */
	fx_init(&f);
	item(&f, "0.0.0.0/0", ROUTE_SRC_OPTION);
	item(&f, "1.2.3.4/32", ROUTE_SRC_OPTION);
	item(&f, "::/0", ROUTE_SRC_OPTION);
	run(&f);
	assert_int_equal(f.n, 2);
	assert_non_null(find(&f, "0.0.0.0/0"));
	assert_non_null(find(&f, "::/0"));
	assert_int_equal(f.st.nested, 1);
	/* the output holds one: the pin wins the room */
	fx_init(&f);
	assert_int_equal(plat_ip_parse("192.0.2.1", &f.gw), 0);
	f.in.gateway = &f.gw;
	item(&f, "10.0.0.0/8", ROUTE_SRC_OPTION);
	assert_int_equal(route_set_compute(&f.in, &one, 1, &f.st), 1);
	assert_int_equal(one.action, ROUTE_PIN);
	assert_int_equal(f.st.overflow, 1);
	/* no input, no output buffer, no stats */
	assert_int_equal(route_set_compute(NULL, f.out, MAXO, NULL), 0);
	assert_int_equal(route_set_compute(&f.in, NULL, 0, NULL), 0);
	fx_init(&f);
	f.in.items = NULL;
	f.in.n_items = 5;
	f.in.existing = NULL;
	f.in.n_existing = 5;
	assert_int_equal(route_set_compute(&f.in, f.out, MAXO, NULL), 0);
}

static void test_names(void **state)
{
	char buf[64], small[8];

	(void)state;
	assert_string_equal(route_set_src_format(ROUTE_SRC_ALL, buf, sizeof(buf)),
			    "package,pool,option,full-tunnel,pin");
	assert_string_equal(route_set_src_format(0, buf, sizeof(buf)), "");
	route_set_src_format(ROUTE_SRC_ALL, small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(route_conflict_parse("skip"), ROUTE_CONFLICT_SKIP);
	assert_int_equal(route_conflict_parse("prefer-tunnel"), ROUTE_CONFLICT_PREFER_TUNNEL);
	assert_int_equal(route_conflict_parse("Skip"), -1);
	assert_int_equal(route_conflict_parse(""), -1);
	assert_int_equal(route_conflict_parse(NULL), -1);
	assert_string_equal(route_conflict_name(ROUTE_CONFLICT_SKIP), "skip");
	assert_string_equal(route_conflict_name(ROUTE_CONFLICT_PREFER_TUNNEL), "prefer-tunnel");
}

/* status: each route once with its sources, then the pin; odd source strings stay valid JSON. */
static void test_status_render(void **state)
{
	struct sstp_conn_status st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.state = SSTP_STATE_CONNECTED;
	SSTP_STATUS_SET(st.routes[0], "10.232.0.0/24");
	SSTP_STATUS_SET(st.route_src[0], "package,pool,option");
	SSTP_STATUS_SET(st.routes[1], "fd00::/64");
	SSTP_STATUS_SET(st.route_src[1], "a,,b,");
	st.nroutes = 2;
	SSTP_STATUS_SET(st.pin, "10.231.0.1/32");
	f = open_memstream(&text, &len);
	sstp_status_print_json(f, &st);
	fclose(f);
	assert_non_null(strstr(text, "\"routes\":[\"10.232.0.0/24\",\"fd00::/64\"]"));
	assert_non_null(strstr(text, "\"route_sources\":[{\"route\":\"10.232.0.0/24\",\"sources\":"
				     "[\"package\",\"pool\",\"option\"]},{\"route\":\"fd00::/64\","
				     "\"sources\":[\"a\",\"\",\"b\"]},{\"route\":\"10.231.0.1/32\","
				     "\"sources\":[\"pin\"]}]"));
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	sstp_status_print_text(f, &st);
	fclose(f);
	assert_non_null(strstr(text, "10.232.0.0/24 (package,pool,option)"));
	assert_non_null(strstr(text, "10.231.0.1/32 (pin"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_duplicates_nesting),
		cmocka_unit_test(test_host_bits_merge),
		cmocka_unit_test(test_nesting_changes_path),
		cmocka_unit_test(test_ipv6_and_order),
		cmocka_unit_test(test_full_tunnel),
		cmocka_unit_test(test_pin_and_peer),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_conflict_no_lower_metric),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_status_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
