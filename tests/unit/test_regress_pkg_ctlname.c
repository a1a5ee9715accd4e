/* test_regress_pkg_ctlname.c - regression test for a bug the reliability suite found
 * (tests/reliability/make_hostile_packages.py, rawctl.zip): a zip entry name refused for its
 * control characters was echoed raw in the error message, so an untrusted package could send
 * terminal escape sequences through `sstp package show` / `sstp import`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg_zip.h"
#include "test_pkg_util.h"

static void expect_clean_refusal(const char *name)
{
	static const char data[] = "x";
	struct tz_entry e[] = { { name, data, 1, 0, false } };
	size_t len = 0;
	unsigned char *zip = tz_build(e, 1, &len);
	struct sstp_zip *z = NULL;
	char err[512] = "";

	assert_non_null(zip);
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_null(z);
	assert_non_null(strstr(err, "control character in name"));
	for (const char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fail_msg("control byte 0x%02x in the message: %s", (unsigned char)*p, err);
	free(zip);
}

static void test_escape_sequence_in_entry_name(void **state)
{
	(void)state;
	expect_clean_refusal("Generic\\\x1b[2J\x1b]0;pwned\x07name");
}

static void test_newline_and_del_in_entry_name(void **state)
{
	(void)state;
	expect_clean_refusal("Generic/a\r\nInjected: line\x7f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_sequence_in_entry_name),
		cmocka_unit_test(test_newline_and_del_in_entry_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
