/* test_plat_journal_nft.c - cmocka tests of the journal's "nft" record (the Linux kill switch's
 * nftables table): format/parse round trip next to a route, the table-name check, malformed
 * lines refused, formatting refused for names that are not sstp's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "plat_journal.h"

static struct plat_journal J; /* large: keep it off the stack */

static void test_table_ok(void **state)
{
	char longest[PLAT_JOURNAL_TABLE_MAX + 1];

	(void)state;
	assert_true(plat_journal_table_ok("sstp_work"));
	assert_true(plat_journal_table_ok("sstp_Corp_VNet-2.prod"));
	assert_false(plat_journal_table_ok(NULL));
	assert_false(plat_journal_table_ok("sstp_"));        /* no session */
	assert_false(plat_journal_table_ok("sstp_.hidden")); /* not a session name */
	assert_false(plat_journal_table_ok("sstp_a b"));
	assert_false(plat_journal_table_ok("sstp_a;flush"));  /* would be nft syntax */
	assert_false(plat_journal_table_ok("sstp-work"));    /* the NRPT spelling */
	assert_false(plat_journal_table_ok("filter"));       /* someone else's table */
	assert_false(plat_journal_table_ok("xsstp_work"));
	memset(longest, 'a', sizeof(longest));
	memcpy(longest, "sstp_", 5);
	longest[PLAT_JOURNAL_TABLE_MAX - 1] = '\0'; /* 64-character session: fits */
	assert_true(plat_journal_table_ok(longest));
	longest[PLAT_JOURNAL_TABLE_MAX - 1] = 'a';
	longest[PLAT_JOURNAL_TABLE_MAX] = '\0'; /* 65 */
	assert_false(plat_journal_table_ok(longest));
}

static void test_round_trip(void **state)
{
	struct plat_jrec r;
	char buf[2048], line[256], err[128];
	int k, n;

	(void)state;
	k = snprintf(buf, sizeof(buf), "sstp-journal 1\nowner 77 123 -\n");
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.type = PLAT_JREC_LINK;
	snprintf(r.ifname, sizeof(r.ifname), "sstp0");
	r.ifindex = 9;
	n = plat_journal_format_rec(&r, line, sizeof(line));
	assert_true(n > 0);
	k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%s", line);
	memset(&r, 0, sizeof(r));
	r.seq = 2;
	r.type = PLAT_JREC_NFT;
	snprintf(r.nft_table, sizeof(r.nft_table), "sstp_work");
	n = plat_journal_format_rec(&r, line, sizeof(line));
	assert_string_equal(line, "+ 2 nft sstp_work\n");
	assert_int_equal(n, (int)strlen(line));
	k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%s", line);
	assert_int_equal(plat_journal_parse(buf, (size_t)k, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 2);
	assert_int_equal(J.recs[1].type, PLAT_JREC_NFT);
	assert_int_equal(J.recs[1].seq, 2);
	assert_string_equal(J.recs[1].nft_table, "sstp_work");
	assert_int_equal(J.recs[1].ifname[0], '\0');
	k += snprintf(buf + k, sizeof(buf) - (size_t)k, "- 2\n");
	assert_int_equal(plat_journal_parse(buf, (size_t)k, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 1);
	assert_int_equal(J.recs[0].type, PLAT_JREC_LINK);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"+ 1 nft\n",                   /* no table */
		"+ 1 nft sstp_a sstp_b\n",     /* extra field */
		"+ 1 nft sstp_\n",             /* empty session */
		"+ 1 nft filter\n",            /* a table that is not ours */
		"+ 1 nft sstp_a}\n",           /* nft syntax in the name */
		"+ 1 nft sstp_.a\n",
		"+ 1 nft SSTP_a\n",
		"+ 1 nft sstp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", /* 65 */
	};
	char buf[512], err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = snprintf(buf, sizeof(buf), "sstp-journal 1\nowner 5 6 -\n%s", bad[i]);

		err[0] = '\0';
		assert_int_equal(plat_journal_parse(buf, (size_t)n, &J, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "line 3"));
	}
}

static void test_format_rejects(void **state)
{
	struct plat_jrec r;
	char line[256];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.type = PLAT_JREC_NFT;
	assert_int_equal(plat_journal_format_rec(&r, line, sizeof(line)), -EINVAL); /* empty */
	snprintf(r.nft_table, sizeof(r.nft_table), "filter");
	assert_int_equal(plat_journal_format_rec(&r, line, sizeof(line)), -EINVAL);
	snprintf(r.nft_table, sizeof(r.nft_table), "sstp_a b");
	assert_int_equal(plat_journal_format_rec(&r, line, sizeof(line)), -EINVAL);
	snprintf(r.nft_table, sizeof(r.nft_table), "sstp_ok");
	assert_int_equal(plat_journal_format_rec(&r, line, 8), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_ok),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
