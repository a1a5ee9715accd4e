/* test_plat_nlmsg.c - cmocka tests of the rtnetlink messages the Linux backend sends: the exact
 * header fields and attributes of route, route-get, address and link requests (built without a
 * socket), parsing of kernel-style replies back, and rejection of malformed replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "linux/plat_nl.h"

struct attr_view {
	const struct nlattr *tb[64];
};

static int view_cb(const struct nlattr *a, void *data)
{
	struct attr_view *v = data;

	if (mnl_attr_get_type(a) < 64)
		v->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void view(const struct nlmsghdr *nlh, size_t hdr, struct attr_view *v)
{
	memset(v, 0, sizeof(*v));
	assert_true(mnl_attr_parse(nlh, (unsigned)hdr, view_cb, v) >= 0);
}

static void test_route_new(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_nl_route r, back;
	struct attr_view v;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(plat_prefix_parse("10.1.0.0/16", true, &r.dst), 0);
	r.oif = 7;
	r.metric = 50;
	r.protocol = PLAT_NET_RTPROT;
	nlh = plat_nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 42, &r);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(nlh->nlmsg_seq, 42);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 16);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, 83);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK); /* device route */
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	view(nlh, sizeof(*rtm), &v);
	assert_non_null(v.tb[RTA_DST]);
	assert_int_equal(mnl_attr_get_payload_len(v.tb[RTA_DST]), 4);
	assert_memory_equal(mnl_attr_get_payload(v.tb[RTA_DST]), "\x0a\x01\x00\x00", 4);
	assert_null(v.tb[RTA_GATEWAY]);
	assert_int_equal(mnl_attr_get_u32(v.tb[RTA_OIF]), 7);
	assert_int_equal(mnl_attr_get_u32(v.tb[RTA_PRIORITY]), 50);
	assert_int_equal(mnl_attr_get_u32(v.tb[RTA_TABLE]), RT_TABLE_MAIN);
	/* the kernel echoes the same layout: parse it back */
	assert_int_equal(plat_nl_parse_route(nlh, &back), 0);
	assert_memory_equal(&back.dst, &r.dst, sizeof(r.dst));
	assert_int_equal(back.oif, 7);
	assert_int_equal(back.metric, 50);
	assert_int_equal(back.table, RT_TABLE_MAIN);
	assert_int_equal(back.protocol, 83);
	assert_int_equal(back.gw.family, 0);
}

static void test_route_del_v6_gw(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_nl_route r, back;
	struct attr_view v;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(plat_prefix_parse("2001:db8:5::7/128", true, &r.dst), 0);
	assert_int_equal(plat_ip_parse("fe80::1", &r.gw), 0);
	r.oif = 3;
	r.metric = 50;
	r.table = 1000; /* > 255: only in RTA_TABLE */
	r.protocol = PLAT_NET_RTPROT;
	nlh = plat_nl_build_route(buf, sizeof(buf), RTM_DELROUTE, 1, &r);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_dst_len, 128);
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_NOWHERE); /* delete matches any scope */
	assert_int_equal(rtm->rtm_protocol, 83);            /* ... but only our routes */
	view(nlh, sizeof(*rtm), &v);
	assert_int_equal(mnl_attr_get_payload_len(v.tb[RTA_GATEWAY]), 16);
	assert_int_equal(mnl_attr_get_u32(v.tb[RTA_TABLE]), 1000);
	assert_int_equal(plat_nl_parse_route(nlh, &back), 0);
	assert_true(plat_ip_equal(&back.gw, &r.gw));
	assert_int_equal(back.table, 1000);
}

static void test_route_build_rejects(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_nl_route r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_null(plat_nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 1, &r)); /* no family */
	assert_int_equal(plat_prefix_parse("10.0.0.0/8", true, &r.dst), 0);
	assert_null(plat_nl_build_route(buf, 100, RTM_NEWROUTE, 1, &r)); /* small buffer */
	assert_null(plat_nl_build_route(buf, sizeof(buf), RTM_GETROUTE, 1, &r));
	assert_int_equal(plat_ip_parse("fd00::1", &r.gw), 0);
	assert_null(plat_nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 1, &r)); /* gw family */
	r.gw.family = 0;
	r.dst.len = 33;
	assert_null(plat_nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 1, &r));
}

static void test_route_get(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_ip ip;
	struct attr_view v;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	(void)state;
	assert_int_equal(plat_ip_parse("198.51.100.7", &ip), 0);
	nlh = plat_nl_build_route_get(buf, sizeof(buf), 9, &ip);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_GETROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_dst_len, 32);
	view(nlh, sizeof(*rtm), &v);
	assert_memory_equal(mnl_attr_get_payload(v.tb[RTA_DST]), "\xc6\x33\x64\x07", 4);
}

static void test_addr(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_nl_addr a, back;
	struct attr_view v;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.ifindex = 7;
	assert_int_equal(plat_ip_parse("10.0.0.2", &a.local.ip), 0);
	a.local.len = 32;
	assert_int_equal(plat_ip_parse("10.0.0.1", &a.peer), 0);
	nlh = plat_nl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 32);
	assert_int_equal(ifa->ifa_index, 7);
	assert_int_equal(ifa->ifa_flags, IFA_F_PERMANENT);
	view(nlh, sizeof(*ifa), &v);
	assert_memory_equal(mnl_attr_get_payload(v.tb[IFA_LOCAL]), "\x0a\x00\x00\x02", 4);
	assert_memory_equal(mnl_attr_get_payload(v.tb[IFA_ADDRESS]), "\x0a\x00\x00\x01", 4);
	assert_int_equal(plat_nl_parse_addr(nlh, &back), 0);
	assert_true(plat_ip_equal(&back.local.ip, &a.local.ip));
	assert_true(plat_ip_equal(&back.peer, &a.peer));

	/* IPv6 link-local without peer: no DAD, IFA_ADDRESS = local */
	memset(&a, 0, sizeof(a));
	a.ifindex = 7;
	assert_int_equal(plat_ip_parse("fe80::2", &a.local.ip), 0);
	a.local.len = 64;
	nlh = plat_nl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_flags, IFA_F_PERMANENT | IFA_F_NODAD);
	assert_int_equal(plat_nl_parse_addr(nlh, &back), 0);
	assert_int_equal(back.peer.family, 0);
	assert_int_equal(back.local.len, 64);

	nlh = plat_nl_build_addr(buf, sizeof(buf), RTM_DELADDR, 1, &a);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	a.ifindex = 0;
	assert_null(plat_nl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a));
}

static void test_link(void **state)
{
	char buf[PLAT_NL_BUF];
	struct attr_view v;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	(void)state;
	nlh = plat_nl_build_link_set(buf, sizeof(buf), 1, 7, 1400, true);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST); /* change, never create */
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 7);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	view(nlh, sizeof(*ifi), &v);
	assert_int_equal(mnl_attr_get_u32(v.tb[IFLA_MTU]), 1400);

	nlh = plat_nl_build_link_set(buf, sizeof(buf), 1, 7, 0, false);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_change, 0);
	view(nlh, sizeof(*ifi), &v);
	assert_null(v.tb[IFLA_MTU]);

	nlh = plat_nl_build_link_get(buf, sizeof(buf), 1, 0, "sstp0");
	view(nlh, sizeof(*ifi), &v);
	assert_string_equal(mnl_attr_get_str(v.tb[IFLA_IFNAME]), "sstp0");
	assert_null(plat_nl_build_link_get(buf, sizeof(buf), 1, 0, "this-name-is-too-long"));
	assert_null(plat_nl_build_link_del(buf, sizeof(buf), 1, 0));
	nlh = plat_nl_build_link_del(buf, sizeof(buf), 1, 9);
	assert_int_equal(nlh->nlmsg_type, RTM_DELLINK);
}

static struct nlmsghdr *link_reply(char *buf, const char *name, const char *kind)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 5;
	ifi->ifi_flags = IFF_UP | IFF_POINTOPOINT;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	if (kind) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

static void test_parse_link(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_nl_link l;
	struct nlmsghdr *nlh;

	(void)state;
	memset(buf, 0, sizeof(buf));
	nlh = link_reply(buf, "sstp0", "tun");
	assert_int_equal(plat_nl_parse_link(nlh, &l), 0);
	assert_string_equal(l.name, "sstp0");
	assert_string_equal(l.kind, "tun");
	assert_int_equal(l.mtu, 1400);
	assert_int_equal(l.ifindex, 5);
	memset(buf, 0, sizeof(buf));
	nlh = link_reply(buf, NULL, NULL); /* no name: malformed */
	assert_int_equal(plat_nl_parse_link(nlh, &l), -EINVAL);
	memset(buf, 0, sizeof(buf));
	nlh = link_reply(buf, "sstp0", "a-kind-name-that-is-too-long");
	assert_int_equal(plat_nl_parse_link(nlh, &l), -EINVAL);
}

static void test_parse_malformed(void **state)
{
	char buf[PLAT_NL_BUF];
	struct plat_nl_route r;
	struct plat_nl_addr a;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	(void)state;
	/* a route reply whose RTA_DST has the wrong length for its family */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 24;
	mnl_attr_put(nlh, RTA_DST, 16, "0123456789abcdef");
	assert_int_equal(plat_nl_parse_route(nlh, &r), -EINVAL);
	/* dst_len beyond the family */
	rtm->rtm_dst_len = 33;
	assert_int_equal(plat_nl_parse_route(nlh, &r), -EINVAL);
	/* RTA_OIF that is not 4 bytes */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	mnl_attr_put(nlh, RTA_OIF, 2, "ab");
	assert_int_equal(plat_nl_parse_route(nlh, &r), -EINVAL);
	/* truncated: nlmsg_len shorter than the rtmsg header */
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(plat_nl_parse_route(nlh, &r), -EINVAL);
	/* an attribute whose length runs past the message */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	struct nlattr *at = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	at->nla_type = RTA_DST;
	at->nla_len = 200;
	nlh->nlmsg_len += 8;
	assert_int_equal(plat_nl_parse_route(nlh, &r), 0); /* bad attribute ignored, not read */
	assert_int_equal(r.dst.ip.addr[0], 0);
	/* another family is not ours */
	rtm->rtm_family = AF_UNIX;
	assert_int_equal(plat_nl_parse_route(nlh, &r), -ENOENT);
	/* a message of another type */
	nlh->nlmsg_type = RTM_NEWLINK;
	assert_int_equal(plat_nl_parse_route(nlh, &r), -ENOENT);
	assert_int_equal(plat_nl_parse_addr(nlh, &a), -ENOENT);
	/* an address with neither IFA_LOCAL nor IFA_ADDRESS */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = 3;
	assert_int_equal(plat_nl_parse_addr(nlh, &a), -EINVAL);
}

static void test_dump(void **state)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh;

	(void)state;
	nlh = plat_nl_build_dump(buf, sizeof(buf), RTM_GETROUTE, 1, PLAT_AF_NONE);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(struct rtmsg));
	nlh = plat_nl_build_dump(buf, sizeof(buf), RTM_GETADDR, 1, PLAT_AF_INET6);
	assert_int_equal(((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_family, AF_INET6);
	assert_null(plat_nl_build_dump(buf, sizeof(buf), RTM_NEWROUTE, 1, PLAT_AF_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_new),   cmocka_unit_test(test_route_del_v6_gw),
		cmocka_unit_test(test_route_build_rejects), cmocka_unit_test(test_route_get),
		cmocka_unit_test(test_addr),        cmocka_unit_test(test_link),
		cmocka_unit_test(test_parse_link),  cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
