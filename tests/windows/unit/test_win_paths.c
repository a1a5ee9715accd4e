/* test_win_paths.c - cmocka tests of plat_paths.h on Windows, under Wine: the state directory,
 * control pipe path and system profile directory under the common application data folder
 * (%ProgramData%\sstp, taken from the shell, not the variable), the user's profiles under the
 * roaming one (%APPDATA%\sstp), and drive-letter, rooted and UNC paths counted as absolute. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plat_paths.h"
#include "plat_win.h"

#include <shlobj.h>

/* What the shell says the folder is, as UTF-8, with suffix appended. */
static void folder(int csidl, const char *suffix, char *out, size_t len)
{
	wchar_t w[MAX_PATH];
	char base[MAX_PATH * 3];

	assert_int_equal(SHGetFolderPathW(NULL, csidl | CSIDL_FLAG_DONT_VERIFY, NULL,
					  SHGFP_TYPE_CURRENT, w), S_OK);
	assert_int_equal(plat_win_narrow(w, base, sizeof(base)), 0);
	snprintf(out, len, "%s%s", base, suffix);
}

static void test_program_data(void **state)
{
	char want[MAX_PATH * 3 + 32];

	(void)state;
	/* the shell folder, not the variable: a service's environment may name another one */
	assert_true(SetEnvironmentVariableW(L"ProgramData", L"D:\\Elsewhere"));
	folder(CSIDL_COMMON_APPDATA, "\\sstp", want, sizeof(want));
	assert_string_equal(plat_default_state_dir(), want);
	assert_null(strstr(want, "Elsewhere"));
	folder(CSIDL_COMMON_APPDATA, "\\sstp\\control", want, sizeof(want));
	assert_string_equal(plat_default_control_path(), want);
	folder(CSIDL_COMMON_APPDATA, "\\sstp\\profiles", want, sizeof(want));
	assert_string_equal(plat_default_system_dir(), want);
	assert_true(plat_path_is_absolute(plat_default_state_dir()));
}

static void test_user_dir(void **state)
{
	char out[MAX_PATH * 3 + 32], want[MAX_PATH * 3 + 32];

	(void)state;
	folder(CSIDL_APPDATA, "\\sstp", want, sizeof(want));
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), 0);
	assert_string_equal(out, want);
	assert_int_equal(plat_user_config_dir(out, strlen(want)), -ENAMETOOLONG);
}

static void test_absolute(void **state)
{
	(void)state;
	assert_true(plat_path_is_absolute("C:\\ProgramData"));
	assert_true(plat_path_is_absolute("c:/x"));
	assert_true(plat_path_is_absolute("\\\\server\\share\\x"));
	assert_true(plat_path_is_absolute("/run/sstp"));
	assert_true(plat_path_is_absolute("\\x"));
	assert_false(plat_path_is_absolute("C:x")); /* relative to drive C's current directory */
	assert_false(plat_path_is_absolute("x\\y"));
	assert_false(plat_path_is_absolute("1:\\x"));
	assert_false(plat_path_is_absolute(""));
	assert_false(plat_path_is_absolute(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_data),
		cmocka_unit_test(test_user_dir),
		cmocka_unit_test(test_absolute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
