/* test_session_ipcp.c - the session's hostile-IPCP check (sess_check_ipcp, session_link.c) against
 * the machine's addresses from the fake network backend. A TUN kept across a reconnect still holds
 * the previous address, which the server often assigns again: that interface is this tunnel, not a
 * local network, and the same address must be accepted; another tunnel holding it is still a
 * conflict. A reconnect whose IPv6CP gives another interface identifier swaps the link-local
 * address on the kept TUN (sess_net_apply_ipv6, session_net.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "plat_net_fake.h"
#include "session_int.h"

struct rig {
	char dir[64];
	struct plat_net *net;
	struct sstp_session *s;
};

/* A session on the fake backend where sstp0 holds 10.0.0.2 peer 10.0.0.1 (the previous
 * tunnel), with IPCP now giving the same two addresses. */
static void rig_open(struct rig *r)
{
	struct plat_net_config nc;
	struct sstp_session_cfg cfg;
	struct sstp_session_hooks hooks;
	struct plat_addr_info tun;
	char err[256];

	snprintf(r->dir, sizeof(r->dir), "/tmp/sstp-ipcp-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	memset(&nc, 0, sizeof(nc));
	nc.session = "ipcp";
	assert_int_equal(plat_net_fake_open(&nc, &r->net), 0);
	memset(&tun, 0, sizeof(tun));
	assert_int_equal(plat_prefix_parse("10.0.0.2/32", false, &tun.local), 0);
	assert_int_equal(plat_ip_parse("10.0.0.1", &tun.peer), 0);
	snprintf(tun.ifname, sizeof(tun.ifname), "sstp0");
	assert_int_equal(plat_net_fake_add_addr(r->net, &tun), 0);

	sstp_session_cfg_init(&cfg);
	cfg.name = "ipcp";
	cfg.state_dir = r->dir;
	cfg.server = "gw.test";
	cfg.user = "alice";
	cfg.password = "secret";
	memset(&hooks, 0, sizeof(hooks));
	r->s = sstp_session_new(&cfg, r->net, &hooks, err, sizeof(err));
	assert_non_null(r->s);
	memcpy(r->s->ipv4_local, "\x0a\x00\x00\x02", 4);
	memcpy(r->s->ipv4_peer, "\x0a\x00\x00\x01", 4);
}

static void rig_close(struct rig *r)
{
	sstp_session_free(r->s);
	plat_net_close(r->net);
	rmdir(r->dir);
}

static void test_kept_tun_same_address(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r);
	r.s->net_kept = true; /* a drop kept sstp0 for the reconnect */
	snprintf(r.s->st.ifname, sizeof(r.s->st.ifname), "sstp0");
	assert_int_equal(sess_check_ipcp(r.s), 0);
	assert_int_equal(r.s->exit_code, 0);
	rig_close(&r);
}

static void test_other_tunnel_same_address(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r);
	r.s->net_kept = false; /* sstp0 is someone else's tunnel */
	snprintf(r.s->st.ifname, sizeof(r.s->st.ifname), "sstp1");
	assert_int_equal(sess_check_ipcp(r.s), -1);
	assert_int_equal(r.s->exit_code, SSTP_EXIT_NEGOTIATION);
	assert_non_null(strstr(r.s->err, "inside the local network 10.0.0.2/32 of sstp0"));
	rig_close(&r);
}

static void set_iids(struct sstp_session *s, uint8_t local_last, uint8_t peer_last)
{
	memset(s->ipv6_local_iid, 0, 8);
	memset(s->ipv6_peer_iid, 0, 8);
	s->ipv6_local_iid[7] = local_last;
	s->ipv6_peer_iid[7] = peer_last;
}

static void test_kept_tun_ipv6_iid_swapped(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r);
	/* the kept TUN holds fe80::2 peer fe80::1 from before the drop */
	snprintf(r.s->st.ifname, sizeof(r.s->st.ifname), "sstp0");
	snprintf(r.s->st.ipv6_local, sizeof(r.s->st.ipv6_local), "fe80::2");
	snprintf(r.s->st.ipv6_peer, sizeof(r.s->st.ipv6_peer), "fe80::1");
	/* the same identifiers again: nothing changes on the interface */
	set_iids(r.s, 2, 1);
	sess_net_apply_ipv6(r.s);
	assert_string_equal(plat_net_fake_log(r.net), "");
	/* a new identifier: the new address first, then the old one leaves */
	set_iids(r.s, 0x77, 9);
	sess_net_apply_ipv6(r.s);
	assert_true(plat_net_fake_logged(r.net, "addr_add fe80::77 peer fe80::9/64"));
	assert_true(plat_net_fake_logged(r.net, "addr_del fe80::2"));
	assert_true(strstr(plat_net_fake_log(r.net), "addr_add") <
		    strstr(plat_net_fake_log(r.net), "addr_del"));
	assert_string_equal(r.s->st.ipv6_local, "fe80::77");
	assert_string_equal(r.s->st.ipv6_peer, "fe80::9");
	/* the new one cannot be added: the old one stays, and so does the status */
	plat_net_fake_clear_log(r.net);
	plat_net_fake_fail(r.net, "addr_add", 0, -EEXIST);
	set_iids(r.s, 0x78, 9);
	sess_net_apply_ipv6(r.s);
	assert_false(plat_net_fake_logged(r.net, "addr_del fe80::77"));
	assert_string_equal(r.s->st.ipv6_local, "fe80::77");
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_tun_same_address),
		cmocka_unit_test(test_other_tunnel_same_address),
		cmocka_unit_test(test_kept_tun_ipv6_iid_swapped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
