/* test_plat_journal_nrpt.c - cmocka tests of the journal's "nrpt" record (a Windows NRPT rule,
 * in the OS-independent format every platform parses): format/parse round trip next to other
 * records, the rule-name check, malformed lines refused, formatting refused for foreign names. */
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

static void test_rule_ok(void **state)
{
	char longest[PLAT_JOURNAL_RULE_MAX + 1];

	(void)state;
	assert_true(plat_journal_rule_ok("sstp-work"));
	assert_true(plat_journal_rule_ok("sstp-Corp_VNet-2.prod"));
	assert_false(plat_journal_rule_ok(NULL));
	assert_false(plat_journal_rule_ok("sstp-"));        /* no session */
	assert_false(plat_journal_rule_ok("sstp-.hidden")); /* not a session name */
	assert_false(plat_journal_rule_ok("sstp-a b"));
	assert_false(plat_journal_rule_ok("sstp-a\\b"));    /* would reach another key */
	assert_false(plat_journal_rule_ok("{1326d9d0-4fb5-4fed-9f67-f53637b85010}")); /* foreign */
	assert_false(plat_journal_rule_ok("SSTP-work"));
	assert_false(plat_journal_rule_ok("xsstp-work"));
	memset(longest, 'a', sizeof(longest));
	memcpy(longest, "sstp-", 5);
	longest[PLAT_JOURNAL_RULE_MAX - 1] = '\0'; /* 64-character session: fits */
	assert_true(plat_journal_rule_ok(longest));
	longest[PLAT_JOURNAL_RULE_MAX - 1] = 'a';
	longest[PLAT_JOURNAL_RULE_MAX] = '\0'; /* 65 */
	assert_false(plat_journal_rule_ok(longest));
}

static void test_round_trip(void **state)
{
	struct plat_jrec r;
	char buf[2048], line[256], err[128];
	int k = 0, n;

	(void)state;
	k = snprintf(buf, sizeof(buf), "sstp-journal 1\nowner 77 123 -\n");
	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.type = PLAT_JREC_LINK;
	snprintf(r.ifname, sizeof(r.ifname), "sstp-work");
	n = plat_journal_format_rec(&r, line, sizeof(line));
	assert_true(n > 0);
	k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%s", line);
	memset(&r, 0, sizeof(r));
	r.seq = 2;
	r.type = PLAT_JREC_NRPT;
	snprintf(r.rule, sizeof(r.rule), "sstp-work");
	n = plat_journal_format_rec(&r, line, sizeof(line));
	assert_int_equal(n, (int)strlen("+ 2 nrpt sstp-work\n"));
	assert_string_equal(line, "+ 2 nrpt sstp-work\n");
	k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%s", line);
	assert_int_equal(plat_journal_parse(buf, (size_t)k, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 2);
	assert_int_equal(J.recs[1].type, PLAT_JREC_NRPT);
	assert_int_equal(J.recs[1].seq, 2);
	assert_string_equal(J.recs[1].rule, "sstp-work");
	assert_int_equal(J.recs[1].ifname[0], '\0');
	/* and undone */
	k += snprintf(buf + k, sizeof(buf) - (size_t)k, "- 2\n");
	assert_int_equal(plat_journal_parse(buf, (size_t)k, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 1);
	assert_int_equal(J.recs[0].type, PLAT_JREC_LINK);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"+ 1 nrpt\n",                                          /* no rule */
		"+ 1 nrpt sstp-a sstp-b\n",                            /* extra field */
		"+ 1 nrpt sstp-\n",                                    /* empty session */
		"+ 1 nrpt {1326d9d0-4fb5-4fed-9f67-f53637b85010}\n", /* a rule that is not ours */
		"+ 1 nrpt sstp-a\\..\\x\n",                           /* a path, not a name */
		"+ 1 nrpt sstp-.a\n",
		"+ 1 nrpt SSTP-a\n",
		"+ 1 nrpt sstp-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", /* 65 */
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
	r.type = PLAT_JREC_NRPT;
	assert_int_equal(plat_journal_format_rec(&r, line, sizeof(line)), -EINVAL); /* empty */
	snprintf(r.rule, sizeof(r.rule), "{foreign}");
	assert_int_equal(plat_journal_format_rec(&r, line, sizeof(line)), -EINVAL);
	snprintf(r.rule, sizeof(r.rule), "sstp-a b");
	assert_int_equal(plat_journal_format_rec(&r, line, sizeof(line)), -EINVAL);
	snprintf(r.rule, sizeof(r.rule), "sstp-ok");
	assert_int_equal(plat_journal_format_rec(&r, line, 8), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_ok),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
