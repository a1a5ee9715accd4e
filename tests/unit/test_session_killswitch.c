/* test_session_killswitch.c - cmocka tests of the session's kill switch on the fake network
 * backend: refused without a full tunnel (and with a proxy or a script); turned on once, after
 * the gateway pin and the TUN but before any address or route; kept, not redone, across a
 * reconnect that keeps the tunnel, whose connection then goes to the same gateway address
 * without a name look-up; shown in the status; undone with the rest. */
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

#include "plat_net_fake.h"
#include "session_int.h"

struct rig {
	char dir[64];
	struct plat_net *net;
	struct sstp_session *s;
};

static void cfg_base(struct sstp_session_cfg *cfg, const char *dir)
{
	sstp_session_cfg_init(cfg);
	cfg->name = "ks";
	cfg->state_dir = dir;
	cfg->server = "gw.test";
	cfg->port = 4443;
	cfg->user = "alice";
	cfg->password = "secret";
	cfg->full_tunnel = true;
	cfg->kill_switch = true;
	cfg->mtu = 1400;
	cfg->want_ipv6 = false;
}

static void rig_open(struct rig *r)
{
	struct plat_net_config nc;
	struct sstp_session_cfg cfg;
	struct sstp_session_hooks hooks;
	char err[256];

	snprintf(r->dir, sizeof(r->dir), "/tmp/sstp-ks-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	memset(&nc, 0, sizeof(nc));
	nc.session = "ks";
	assert_int_equal(plat_net_fake_open(&nc, &r->net), 0);
	cfg_base(&cfg, r->dir);
	memset(&hooks, 0, sizeof(hooks));
	r->s = sstp_session_new(&cfg, r->net, &hooks, err, sizeof(err));
	assert_non_null(r->s);
	/* what the connection phases leave: the gateway's address, IPCP's addresses */
	assert_int_equal(plat_ip_parse("127.0.0.1", &r->s->addrs[0]), 0);
	r->s->n_addrs = 1;
	r->s->addr_idx = 0;
	memcpy(r->s->ipv4_local, "\x0a\x00\x00\x02", 4);
	memcpy(r->s->ipv4_peer, "\x0a\x00\x00\x01", 4);
}

static void rig_close(struct rig *r)
{
	sstp_session_free(r->s);
	plat_net_close(r->net);
	rmdir(r->dir);
}

/* index of the log line, -1 if absent */
static int log_pos(const struct plat_net *n, const char *line)
{
	const char *log = plat_net_fake_log(n), *p = log;
	size_t l = strlen(line);
	int i = 0;

	while (p && *p) {
		if (strncmp(p, line, l) == 0 && (p[l] == '\n' || p[l] == '\0'))
			return i;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
		i++;
	}
	return -1;
}

static void test_refused(void **state)
{
	struct plat_net *net;
	struct sstp_session_cfg cfg;
	char err[256];

	(void)state;
	assert_int_equal(plat_net_fake_open(NULL, &net), 0);
	cfg_base(&cfg, "/tmp");
	cfg.full_tunnel = false;
	assert_null(sstp_session_new(&cfg, net, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "kill switch needs a full tunnel"));
	cfg_base(&cfg, "/tmp");
	cfg.proxy = "http://proxy:3128";
	assert_null(sstp_session_new(&cfg, net, NULL, err, sizeof(err)));
	cfg_base(&cfg, "/tmp");
	cfg.script = "/bin/true";
	assert_null(sstp_session_new(&cfg, net, NULL, err, sizeof(err)));
	cfg_base(&cfg, "/tmp");
	cfg.report_only = true;
	assert_null(sstp_session_new(&cfg, net, NULL, err, sizeof(err)));
	plat_net_close(net);
}

static void test_on_kept_undone(void **state)
{
	struct rig r;
	int pin, tun, ks, addr, route;

	(void)state;
	rig_open(&r);
	assert_int_equal(sess_net_apply(r.s, 0), 0);
	pin = log_pos(r.net, "pin_gateway 127.0.0.1");
	tun = log_pos(r.net, "tun_create sstp0");
	ks = log_pos(r.net, "kill_switch 127.0.0.1 port 4443");
	addr = log_pos(r.net, "addr_add 10.0.0.2 peer 10.0.0.1/32");
	route = log_pos(r.net, "route_add 0.0.0.0/1");
	assert_true(pin >= 0 && tun > pin && ks > tun && addr > ks && route > addr);
	assert_string_equal(r.s->st.kill_switch, "inet sstp_ks");

	/* a drop: everything stays, the reconnect goes to the pinned address */
	sess_net_keep(r.s);
	plat_net_fake_clear_log(r.net);
	r.s->addrs[0].addr[3] = 9; /* what a new look-up might have given */
	r.s->n_addrs = 1;
	assert_int_equal(sess_conn_start(r.s, 0), 0);
	assert_int_equal(r.s->n_addrs, 1);
	assert_int_equal(r.s->addrs[0].addr[3], 1);
	assert_null(r.s->resolver);
	sess_conn_close(r.s);
	assert_int_equal(sess_net_apply(r.s, 0), 0);
	assert_int_equal(log_pos(r.net, "kill_switch 127.0.0.1 port 4443"), -1);
	assert_string_equal(r.s->st.kill_switch, "inet sstp_ks");

	/* disconnect: undone with the rest, the status forgets it */
	sess_net_undo(r.s);
	assert_true(log_pos(r.net, "undo kill_switch") > log_pos(r.net, "undo route 0.0.0.0/1"));
	assert_true(log_pos(r.net, "undo tun sstp0") > log_pos(r.net, "undo kill_switch"));
	assert_int_equal(plat_net_fake_applied(r.net), 0);
	assert_string_equal(r.s->st.kill_switch, "");
	assert_int_equal(r.s->ks_gw.family, 0);
	rig_close(&r);
}

static void test_failure_is_fatal(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r);
	plat_net_fake_fail(r.net, "kill_switch", 0, -EPERM);
	assert_int_equal(sess_net_apply(r.s, 0), -1);
	assert_non_null(strstr(r.s->err, "kill switch"));
	assert_int_equal(log_pos(r.net, "addr_add 10.0.0.2 peer 10.0.0.1/32"), -1);
	sess_net_undo(r.s);
	assert_int_equal(plat_net_fake_applied(r.net), 0);
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_on_kept_undone),
		cmocka_unit_test(test_failure_is_fatal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
