/* test_win_journal.c - cmocka tests of the Windows undo journal, run under Wine: the
 * OS-independent record format read back from a real file written by the Windows journal code,
 * the owner identity (pid + process creation time), the replay plan (newest first, one action per
 * record, Linux-only records skipped, undone records left out) and plat_net_cleanup_stale() on a
 * dead owner's journal and on a live one's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_win_net.h"

static struct plat_journal J;
static char dir[MAX_PATH];

static int setup(void **state)
{
	char tmp[MAX_PATH];

	(void)state;
	if (!GetTempPathA(sizeof(tmp), tmp))
		return -1;
	snprintf(dir, sizeof(dir), "%ssstp-wj-%lu", tmp, (unsigned long)GetCurrentProcessId());
	CreateDirectoryA(dir, NULL);
	return 0;
}

static int teardown(void **state)
{
	char p[MAX_PATH];
	WIN32_FIND_DATAA fd;
	HANDLE f;

	(void)state;
	snprintf(p, sizeof(p), "%s\\*", dir);
	f = FindFirstFileA(p, &fd);
	if (f != INVALID_HANDLE_VALUE) {
		do {
			snprintf(p, sizeof(p), "%s\\%s", dir, fd.cFileName);
			DeleteFileA(p);
		} while (FindNextFileA(f, &fd));
		FindClose(f);
	}
	RemoveDirectoryA(dir);
	return 0;
}

static bool exists(const char *path)
{
	return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

static struct plat_jrec rec(enum plat_jrec_type t, const char *ifname, uint32_t ifindex,
			    const char *prefix)
{
	struct plat_jrec r;

	memset(&r, 0, sizeof(r));
	r.type = t;
	snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
	r.ifindex = ifindex;
	if (prefix)
		assert_int_equal(plat_prefix_parse(prefix, false, &r.prefix), 0);
	if (t == PLAT_JREC_ROUTE) {
		r.metric = 50;
		r.table = 254;
		r.proto = PLAT_NET_RTPROT;
	}
	return r;
}

static void test_file_round_trip(void **state)
{
	struct plat_win_jfile j;
	struct plat_jrec r;
	char err[128];
	uint64_t start = 0;

	(void)state;
	assert_int_equal(plat_win_jfile_init(&j, dir, "work"), 0);
	assert_non_null(strstr(j.path, "work.journal"));
	assert_int_equal(plat_win_jfile_init(&j, dir, "../evil"), -EINVAL);
	assert_int_equal(plat_win_jfile_init(&j, dir, "work"), 0);

	r = rec(PLAT_JREC_LINK, "sstp-work", 0, NULL);
	assert_int_equal(plat_win_jfile_add(&j, &r), 0); /* creates the file */
	assert_int_equal(r.seq, 1);
	assert_true(exists(j.path));
	r = rec(PLAT_JREC_ADDR, "sstp-work", 17, "10.0.0.2/32");
	assert_int_equal(plat_win_jfile_add(&j, &r), 0);
	r = rec(PLAT_JREC_ROUTE, "Ethernet_2", 4, "203.0.113.5/32");
	assert_int_equal(plat_ip_parse("192.168.1.1", &r.other), 0);
	assert_int_equal(plat_win_jfile_add(&j, &r), 0);
	assert_int_equal(r.seq, 3);
	assert_int_equal(plat_win_jfile_done(&j, 2), 0);

	/* a second process sees it while the owner still has it open */
	assert_int_equal(plat_win_jfile_read(j.path, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 2);
	assert_int_equal(J.last_seq, 3);
	assert_int_equal(J.recs[0].type, PLAT_JREC_LINK);
	assert_string_equal(J.recs[0].ifname, "sstp-work");
	assert_int_equal(J.recs[1].type, PLAT_JREC_ROUTE);
	assert_string_equal(J.recs[1].ifname, "Ethernet_2");
	assert_int_equal(J.recs[1].ifindex, 4);
	assert_int_equal(J.recs[1].metric, 50);
	assert_int_equal(J.recs[1].other.family, PLAT_AF_INET);
	assert_false(J.torn);

	/* owner: this process, identified by its creation time */
	assert_int_equal(J.owner.pid, GetCurrentProcessId());
	assert_int_equal(plat_win_process_start(GetCurrentProcessId(), &start), 0);
	assert_true(J.owner.start_ticks == start);
	assert_int_equal(plat_win_owner_alive(&J.owner), 1);

	assert_int_equal(plat_win_jfile_close(&j, true), 0);
	assert_false(exists(j.path));
}

static void test_owner_dead(void **state)
{
	struct plat_journal_owner o;

	(void)state;
	assert_int_equal(plat_win_self_owner(&o), 0);
	assert_int_equal(plat_win_owner_alive(&o), 1);
	o.start_ticks += 1; /* same pid, another process (pid reuse) */
	assert_int_equal(plat_win_owner_alive(&o), 0);
	o.pid = 0x7ffffff0; /* no such process */
	assert_int_equal(plat_win_owner_alive(&o), 0);
}

static void test_plan(void **state)
{
	static const char text[] =
		"sstp-journal 1\n"
		"owner 4242 13300000000000 -\n"
		"+ 1 link sstp-a 0\n"
		"+ 2 addr sstp-a 17 10.0.0.2/32 10.0.0.1\n"
		"+ 3 route 198.51.100.7/32 192.168.1.1 Ethernet 4 50 254 83\n"
		"+ 4 route 10.1.0.0/16 - sstp-a 17 50 254 83\n"
		"+ 5 dns-resolved sstp-a 17\n"
		"+ 6 dns-resolvconf sstp-a\n"
		"- 4\n";
	struct plat_win_undo_step st[16];
	char err[128];
	size_t n;

	(void)state;
	assert_int_equal(plat_journal_parse(text, sizeof(text) - 1, &J, err, sizeof(err)), 0);
	n = plat_win_undo_plan(&J, st, 16);
	assert_int_equal(n, 5); /* record 4 was undone already */
	assert_int_equal(st[0].action, PLAT_WIN_UNDO_SKIP); /* resolvconf: not a Windows record */
	assert_int_equal(st[0].rec->seq, 6);
	assert_int_equal(st[1].action, PLAT_WIN_UNDO_DNS_CLEAR);
	assert_int_equal(st[1].rec->ifindex, 17);
	assert_int_equal(st[2].action, PLAT_WIN_UNDO_ROUTE_DEL);
	assert_int_equal(st[2].rec->seq, 3);
	assert_int_equal(st[3].action, PLAT_WIN_UNDO_ADDR_DEL);
	assert_int_equal(st[4].action, PLAT_WIN_UNDO_ADAPTER);
	assert_int_equal(st[4].rec->seq, 1);
	/* a short step array keeps the newest */
	assert_int_equal(plat_win_undo_plan(&J, st, 2), 2);
	assert_int_equal(st[1].rec->seq, 5);
}

/* A planted journal (any file in the state directory can be read back) changes only what sstp
 * makes: the uplink's default route, an address on the uplink, its DNS, a route of another
 * protocol and a network route on another adapter are refused; the gateway pin (a host route) and the session's
 * own adapter are replayed. */
static void test_plan_confined(void **state)
{
	static const char text[] =
		"sstp-journal 1\n"
		"owner 4242 13300000000000 -\n"
		"+ 1 link sstp-a 0\n"
		"+ 2 route 0.0.0.0/0 192.168.1.1 Ethernet 4 50 254 83\n"
		"+ 3 addr Ethernet 4 192.168.1.50/24 -\n"
		"+ 4 dns-resolved Ethernet 4\n"
		"+ 5 route 10.1.0.0/16 - sstp-a 17 50 254 3\n"
		"+ 6 route 2001:db8::7/128 fe80::1 Ethernet 4 50 254 83\n"
		"+ 7 route 10.1.0.0/16 - sstp-b 23 50 254 83\n"
		"+ 8 addr sstp-a 17 10.0.0.2/32 -\n"
		"+ 9 nrpt sstp-corp\n";
	static const enum plat_win_undo_action want[] = {
		PLAT_WIN_UNDO_NRPT_DEL, PLAT_WIN_UNDO_ADDR_DEL, PLAT_WIN_UNDO_REFUSE,
		PLAT_WIN_UNDO_ROUTE_DEL, PLAT_WIN_UNDO_REFUSE,  PLAT_WIN_UNDO_REFUSE,
		PLAT_WIN_UNDO_REFUSE,   PLAT_WIN_UNDO_REFUSE,   PLAT_WIN_UNDO_ADAPTER,
	};
	struct plat_win_undo_step st[16];
	char err[128], msg[256];
	size_t n;

	(void)state;
	assert_int_equal(plat_journal_parse(text, sizeof(text) - 1, &J, err, sizeof(err)), 0);
	n = plat_win_undo_plan(&J, st, 16);
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(st[i].rec->seq, 9 - i);
		assert_int_equal(st[i].action, want[i]);
	}
	/* a refusal changes nothing and says why */
	assert_int_equal(plat_win_undo_step(&st[7], msg, sizeof(msg)), 2);
	assert_non_null(strstr(msg, "record 2 names a network route on an interface this session "
				    "did not create: refused"));
	assert_int_equal(plat_win_undo_step(&st[4], msg, sizeof(msg)), 2);
	assert_non_null(strstr(msg, "record 5 names a route of another protocol than sstp's"));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void test_cleanup_stale(void **state)
{
	struct plat_net_config cfg;
	struct plat_cleanup_report rep;
	struct plat_journal_owner me;
	char dead[MAX_PATH], live[MAX_PATH], text[512];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.state_dir = dir;
	/* a crashed session: its adapter went with it, resolvconf cannot be from Windows */
	snprintf(dead, sizeof(dead), "%s\\dead.journal", dir);
	write_file(dead, "sstp-journal 1\nowner 4194300 1 -\n+ 1 link sstp-dead 0\n"
			 "+ 2 dns-resolvconf sstp-dead\n");
	/* a live one: this process */
	assert_int_equal(plat_win_self_owner(&me), 0);
	snprintf(live, sizeof(live), "%s\\live.journal", dir);
	snprintf(text, sizeof(text), "sstp-journal 1\nowner %u %llu -\n+ 1 link sstp-live 0\n",
		 (unsigned)me.pid, (unsigned long long)me.start_ticks);
	write_file(live, text);

	assert_int_equal(plat_net_cleanup_stale(&cfg, &rep), 0);
	assert_int_equal(rep.journals_found, 2);
	assert_int_equal(rep.journals_live, 1);
	assert_int_equal(rep.journals_replayed, 1);
	assert_int_equal(rep.already_gone, 1);
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(rep.failed, 0);
	assert_false(exists(dead)); /* replayed without failure: removed */
	assert_true(exists(live));  /* a live owner's journal is never touched */

	/* only one session asked for */
	cfg.session = "live";
	assert_int_equal(plat_net_cleanup_stale(&cfg, &rep), 0);
	assert_int_equal(rep.journals_found, 1);
	assert_int_equal(rep.journals_live, 1);

	/* a torn or hostile file is reported, not replayed */
	write_file(dead, "sstp-journal 1\nowner x y z\n");
	cfg.session = "dead";
	assert_int_equal(plat_net_cleanup_stale(&cfg, &rep), -EINVAL);
	assert_int_equal(rep.journals_replayed, 0);
	assert_true(exists(dead));
}

static void test_open_busy(void **state)
{
	struct plat_net_config cfg;
	struct plat_net *n = NULL;
	char err[128] = "";

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.state_dir = dir;
	cfg.session = "live"; /* journal owned by this (live) process, from the test above */
	assert_int_equal(plat_net_open_system(&cfg, &n, err, sizeof(err)), -EBUSY);
	assert_null(n);
	assert_non_null(strstr(err, "in use"));
	cfg.session = "fresh";
	assert_int_equal(plat_net_open_system(&cfg, &n, err, sizeof(err)), 0);
	assert_string_equal(n->ops->name, "windows");
	/* no adapter yet: every change needing it fails with words, nothing is journaled */
	assert_int_equal(plat_net_set_mtu(n, 1400), -ENODEV);
	assert_non_null(strstr(plat_net_error(n), "adapter"));
	plat_net_close(n);
	cfg.session = NULL; /* read-only handle */
	assert_int_equal(plat_net_open_system(&cfg, &n, err, sizeof(err)), 0);
	assert_int_equal(plat_net_tun_create(n, NULL), -EPERM);
	plat_net_close(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_owner_dead),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_confined),
		cmocka_unit_test(test_cleanup_stale),
		cmocka_unit_test(test_open_busy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
