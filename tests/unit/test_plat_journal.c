/* test_plat_journal.c - cmocka tests of the undo journal: record formatting and parsing round
 * trips, done marks, torn last lines, malformed input and hard limits; and, for the Linux backend,
 * the journal file (create, append, done, remove) and the owner liveness check (pid reuse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/plat_linux.h"
#include "plat_journal.h"

static struct plat_journal J; /* large: keep it off the stack */

static struct plat_jrec rec_route(uint32_t seq)
{
	struct plat_jrec r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.type = PLAT_JREC_ROUTE;
	assert_int_equal(plat_prefix_parse("10.1.0.0/16", true, &r.prefix), 0);
	snprintf(r.ifname, sizeof(r.ifname), "sstp0");
	r.ifindex = 7;
	r.metric = 50;
	r.table = 254;
	r.proto = PLAT_NET_RTPROT;
	return r;
}

static void build_all(struct plat_jrec *recs, size_t *n)
{
	struct plat_jrec r;

	*n = 0;
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.type = PLAT_JREC_LINK;
	snprintf(r.ifname, sizeof(r.ifname), "sstp0");
	r.ifindex = 0;
	recs[(*n)++] = r;
	r.seq = 2;
	r.ifindex = 7;
	recs[(*n)++] = r;
	r.seq = 3;
	r.type = PLAT_JREC_ADDR;
	assert_int_equal(plat_ip_parse("10.0.0.2", &r.prefix.ip), 0);
	r.prefix.len = 32;
	assert_int_equal(plat_ip_parse("10.0.0.1", &r.other), 0);
	recs[(*n)++] = r;
	r.seq = 4;
	assert_int_equal(plat_ip_parse("fe80::2", &r.prefix.ip), 0); /* host bits kept */
	r.prefix.len = 64;
	memset(&r.other, 0, sizeof(r.other));
	recs[(*n)++] = r;
	r = rec_route(5);
	assert_int_equal(plat_ip_parse("192.0.2.1", &r.other), 0);
	recs[(*n)++] = r;
	r = rec_route(6);
	assert_int_equal(plat_prefix_parse("::/1", true, &r.prefix), 0);
	recs[(*n)++] = r;
	memset(&r, 0, sizeof(r));
	r.seq = 7;
	r.type = PLAT_JREC_DNS_RESOLVED;
	snprintf(r.ifname, sizeof(r.ifname), "sstp0");
	r.ifindex = 7;
	recs[(*n)++] = r;
	r.seq = 8;
	r.type = PLAT_JREC_DNS_RESOLVCONF;
	r.ifindex = 0;
	recs[(*n)++] = r;
	memset(&r, 0, sizeof(r));
	r.seq = 9;
	r.type = PLAT_JREC_DNS_FILE;
	snprintf(r.path, sizeof(r.path), "/etc/resolv.conf");
	snprintf(r.backup, sizeof(r.backup), "/run/sstp/x.resolv.conf.orig");
	snprintf(r.ours, sizeof(r.ours), "/run/sstp/x.resolv.conf.sstp");
	recs[(*n)++] = r;
}

static size_t write_journal(char *buf, size_t cap, const struct plat_jrec *recs, size_t n)
{
	struct plat_journal_owner o = {.pid = 1234, .start_ticks = 987654321};
	size_t len;
	int k;

	snprintf(o.boot_id, sizeof(o.boot_id), "0123abcd-0000-4000-8000-00000000beef");
	k = plat_journal_format_header(&o, buf, cap);
	assert_true(k > 0);
	len = (size_t)k;
	for (size_t i = 0; i < n; i++) {
		k = plat_journal_format_rec(&recs[i], buf + len, cap - len);
		assert_true(k > 0);
		len += (size_t)k;
	}
	return len;
}

static void test_round_trip(void **state)
{
	struct plat_jrec recs[16];
	char buf[8192], err[128];
	size_t n, len;

	(void)state;
	build_all(recs, &n);
	len = write_journal(buf, sizeof(buf), recs, n);
	assert_int_equal(plat_journal_parse(buf, len, &J, err, sizeof(err)), 0);
	assert_false(J.torn);
	assert_int_equal(J.owner.pid, 1234);
	assert_true(J.owner.start_ticks == 987654321u);
	assert_string_equal(J.owner.boot_id, "0123abcd-0000-4000-8000-00000000beef");
	assert_int_equal(J.n, n);
	assert_int_equal(J.last_seq, 9);
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(&J.recs[i], &recs[i], sizeof(recs[i]));
}

static void test_done_and_torn(void **state)
{
	struct plat_jrec recs[16];
	char buf[8192], err[128];
	size_t n, len;
	int k;

	(void)state;
	build_all(recs, &n);
	len = write_journal(buf, sizeof(buf), recs, n);
	k = plat_journal_format_done(3, buf + len, sizeof(buf) - len);
	assert_int_equal(k, 4);
	len += (size_t)k;
	k = plat_journal_format_done(9, buf + len, sizeof(buf) - len);
	len += (size_t)k;
	assert_int_equal(plat_journal_parse(buf, len, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, n - 2);
	assert_int_equal(J.recs[2].seq, 4);
	assert_int_equal(J.recs[J.n - 1].seq, 8);
	/* a torn final line (crash mid-write) is ignored */
	memcpy(buf + len, "+ 10 route 10.9", 15);
	assert_int_equal(plat_journal_parse(buf, len + 15, &J, err, sizeof(err)), 0);
	assert_true(J.torn);
	assert_int_equal(J.n, n - 2);
	/* the same done twice is an error */
	memcpy(buf + len, "- 3\n", 4);
	assert_int_equal(plat_journal_parse(buf, len + 4, &J, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not pending"));
}

static void expect_bad(const char *body, int want)
{
	char buf[4096], err[128];
	int n = snprintf(buf, sizeof(buf), "sstp-journal 1\nowner 5 6 -\n%s", body);

	assert_int_equal(plat_journal_parse(buf, (size_t)n, &J, err, sizeof(err)), want);
	assert_true(err[0] != '\0');
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"+ 1 link sstp0\n",                         /* missing field */
		"+ 1 link sstp0 7 8\n",                     /* extra field */
		"+ 1 link sstp/0 7\n",                      /* bad interface name */
		"+ 1 link sstp0123456789012 7\n",           /* name too long */
		"+ 1 link sstp0 -7\n",                      /* signed */
		"+ 1 link sstp0 07\n",                      /* leading zero */
		"+ 1 link sstp0 4294967296\n",              /* overflow */
		"+ 1 link  sstp0 7\n",                      /* double space */
		"+ 1 link sstp0 7 \n",                      /* trailing space */
		"+ 0 link sstp0 7\n",                       /* seq 0 */
		"+ 2 link sstp0 7\n+ 2 link sstp0 8\n",     /* seq not increasing */
		"+ 1 addr sstp0 0 10.0.0.2/32 -\n",         /* ifindex 0 */
		"+ 1 addr sstp0 7 10.0.0.2/33 -\n",         /* prefix too long */
		"+ 1 addr sstp0 7 10.0.0.2/32 fd00::1\n",   /* family mismatch */
		"+ 1 addr sstp0 7 FE80::2/64 -\n",          /* not canonical */
		"+ 1 route 10.1.0.1/16 - sstp0 7 50 254 83\n", /* host bits in a route */
		"+ 1 route 10.1.0.0/16 - sstp0 7 50 0 83\n",   /* table 0 */
		"+ 1 route 10.1.0.0/16 - sstp0 7 50 254 256\n", /* proto > 255 */
		"+ 1 route 10.1.0.0/16 - sstp0 7 50 254 0\n",   /* proto 0 */
		"+ 1 route 10.1.0.0 - sstp0 7 50 254 83\n",     /* no length */
		"+ 1 dns-resolved sstp0 0\n",
		"+ 1 dns-file etc/resolv.conf /a /b\n",         /* relative path */
		"+ 1 dns-file /etc/resolv.conf /a\n",
		"+ 1 unknown x\n",
		"* 1 link sstp0 7\n",
		"+\n",
		"- x\n",
		"\n",
		"+ 1 link sstp0 7\r\n",
	};
	static const char nul[] = "sstp-journal 1\nowner 5 6 -\n+ 1 li\0nk sstp0 7\n";
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(bad[i], -EINVAL);
	assert_int_equal(plat_journal_parse(nul, sizeof(nul) - 1, &J, err, sizeof(err)), -EINVAL);
}

static void test_header_errors(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(plat_journal_parse("", 0, &J, err, sizeof(err)), -EINVAL);
	assert_int_equal(plat_journal_parse("sstp-journal 2\nowner 1 1 -\n", 27, &J, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(plat_journal_parse("sstp-journal 1\n", 15, &J, err, sizeof(err)), -EINVAL);
	assert_int_equal(plat_journal_parse("sstp-journal 1\nowner 1 1", 24, &J, err, sizeof(err)),
			 -EINVAL); /* torn owner line: nothing usable */
	assert_int_equal(plat_journal_parse("sstp-journal 1\nowner 0 1 -\n", 27, &J, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(plat_journal_parse("sstp-journal 1\nowner 1 1 XYZ\n", 29, &J, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(plat_journal_parse("sstp-journal 1\nowner 1 1 -\n", 27, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 0);
}

static void test_limits(void **state)
{
	char *buf = malloc(PLAT_JOURNAL_MAX_BYTES + 2);
	char err[128];
	size_t len;

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', PLAT_JOURNAL_MAX_BYTES + 1);
	assert_int_equal(plat_journal_parse(buf, PLAT_JOURNAL_MAX_BYTES + 1, &J, err, sizeof(err)),
			 -E2BIG);
	/* an over-long line */
	len = (size_t)snprintf(buf, 64, "sstp-journal 1\nowner 1 1 -\n");
	memset(buf + len, 'x', PLAT_JOURNAL_MAX_LINE + 5);
	buf[len + PLAT_JOURNAL_MAX_LINE + 5] = '\n';
	assert_int_equal(plat_journal_parse(buf, len + PLAT_JOURNAL_MAX_LINE + 6, &J, err, sizeof(err)),
			 -E2BIG);
	/* one record more than allowed */
	len = (size_t)snprintf(buf, 64, "sstp-journal 1\nowner 1 1 -\n");
	for (unsigned i = 1; i <= PLAT_JOURNAL_MAX_RECS + 1; i++) {
		struct plat_jrec r = rec_route(i);
		int k = plat_journal_format_rec(&r, buf + len, PLAT_JOURNAL_MAX_BYTES - len);
		assert_true(k > 0);
		len += (size_t)k;
		if (i == PLAT_JOURNAL_MAX_RECS)
			assert_int_equal(plat_journal_parse(buf, len, &J, err, sizeof(err)), 0);
	}
	assert_int_equal(plat_journal_parse(buf, len, &J, err, sizeof(err)), -E2BIG);
	free(buf);
}

static void test_format_rejects(void **state)
{
	struct plat_jrec r = rec_route(1);
	char buf[512];

	(void)state;
	assert_int_equal(plat_journal_format_rec(&r, buf, 10), -ENOSPC);
	snprintf(r.ifname, sizeof(r.ifname), "a b");
	assert_int_equal(plat_journal_format_rec(&r, buf, sizeof(buf)), -EINVAL);
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.type = PLAT_JREC_DNS_FILE;
	snprintf(r.path, sizeof(r.path), "/etc/resolv conf");
	snprintf(r.backup, sizeof(r.backup), "/a");
	snprintf(r.ours, sizeof(r.ours), "/b");
	assert_int_equal(plat_journal_format_rec(&r, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(plat_journal_format_done(0, buf, sizeof(buf)), -EINVAL);
	assert_false(plat_journal_session_ok(".hidden"));
	assert_false(plat_journal_session_ok("a/b"));
	assert_false(plat_journal_session_ok(""));
	assert_true(plat_journal_session_ok("corp-vpn_1.x"));
}

/* ---- Linux: the file and the owner ---------------------------------------------------------- */

static void test_owner_alive(void **state)
{
	struct plat_journal_owner o;

	(void)state;
	assert_int_equal(plat_proc_self_owner(&o), 0);
	assert_int_equal(o.pid, (uint32_t)getpid());
	assert_int_equal(plat_proc_owner_alive(&o), 1);
	o.start_ticks++; /* same pid, another process: pid reuse */
	assert_int_equal(plat_proc_owner_alive(&o), 0);
	o.start_ticks--;
	snprintf(o.boot_id, sizeof(o.boot_id), "00000000-0000-0000-0000-000000000000");
	assert_int_equal(plat_proc_owner_alive(&o), 0); /* another boot */
	o.boot_id[0] = '\0';
	assert_int_equal(plat_proc_owner_alive(&o), 1);
	o.pid = 4194304; /* above pid_max */
	assert_int_equal(plat_proc_owner_alive(&o), 0);
}

static void test_jfile(void **state)
{
	char dir[] = "/tmp/sstp-jtest.XXXXXX", sub[128], err[128];
	struct plat_jfile j;
	struct plat_jrec r = rec_route(0);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/state", dir);
	assert_int_equal(plat_jfile_init(&j, sub, "bad/name"), -EINVAL);
	assert_int_equal(plat_jfile_init(&j, "relative", "x"), -EINVAL);
	assert_int_equal(plat_jfile_init(&j, sub, "corp"), 0);
	assert_int_equal(plat_jfile_create(&j), 0);
	assert_int_equal(plat_jfile_add(&j, &r), 0);
	assert_int_equal(r.seq, 1);
	assert_int_equal(plat_jfile_add(&j, &r), 0);
	assert_int_equal(r.seq, 2);
	assert_int_equal(plat_jfile_done(&j, 1), 0);
	assert_int_equal(plat_jfile_read(j.path, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 1);
	assert_int_equal(J.recs[0].seq, 2);
	assert_int_equal(J.owner.pid, (uint32_t)getpid());
	assert_int_equal(plat_proc_owner_alive(&J.owner), 1);
	/* a second journal of the same name cannot be created */
	struct plat_jfile j2;
	assert_int_equal(plat_jfile_init(&j2, sub, "corp"), 0);
	assert_int_equal(plat_jfile_create(&j2), -EEXIST);
	assert_int_equal(plat_jfile_close(&j, true), 0);
	assert_int_not_equal(access(j.path, F_OK), 0);
	rmdir(sub);
	rmdir(dir);
}

static void test_confined(void **state)
{
	struct plat_jrec r;
	char why[300];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.seq = 3;
	r.type = PLAT_JREC_ROUTE;
	r.proto = PLAT_NET_RTPROT;
	assert_true(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
	r.proto = 16; /* dhcp */
	assert_false(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "protocol 16, not sstp's"));

	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_DNS_FILE;
	snprintf(r.path, sizeof(r.path), "%s", "/etc/resolv.conf");
	snprintf(r.backup, sizeof(r.backup), "%s", "/run/sstp/s.resolv.orig");
	snprintf(r.ours, sizeof(r.ours), "%s", "/run/sstp/s.resolv.ours");
	assert_true(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
	assert_true(plat_journal_rec_confined(&r, "/run/sstp/", NULL, why, sizeof(why)));
	snprintf(r.path, sizeof(r.path), "%s", "/etc/passwd");
	assert_false(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "names the file /etc/passwd, not the configured /etc/resolv.conf"));
	assert_true(plat_journal_rec_confined(&r, "/run/sstp", "/etc/passwd", why, sizeof(why)));
	snprintf(r.path, sizeof(r.path), "%s", "/etc/resolv.conf");
	const char *bad[] = { "/etc/shadow", "/run/sstp/../../etc/shadow", "/run/sstpx/a",
			      "/run/sstp/sub/a", "/run/sstp/", "/run/sstp/..", "/run/ss" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(r.ours, sizeof(r.ours), "%s", bad[i]);
		assert_false(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
		assert_non_null(strstr(why, "outside the state directory"));
	}
	snprintf(r.ours, sizeof(r.ours), "%s", "/run/sstp/s.resolv.ours");
	snprintf(r.backup, sizeof(r.backup), "%s", "/tmp/x");
	assert_false(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
	assert_false(plat_journal_rec_confined(&r, NULL, NULL, why, sizeof(why)));
	r.type = PLAT_JREC_LINK; /* checked against the system (a TUN) by the replay */
	assert_true(plat_journal_rec_confined(&r, "/run/sstp", NULL, why, sizeof(why)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_done_and_torn),
		cmocka_unit_test(test_malformed),      cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_limits),         cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_owner_alive),    cmocka_unit_test(test_jfile),
		cmocka_unit_test(test_confined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
