/* test_plat_paths.c - cmocka tests of plat_paths.h on Linux: the default places, the user's
 * profile directory from $XDG_CONFIG_HOME, then $HOME, then none (relative values ignored, a
 * value too long refused), and what counts as an absolute path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plat_paths.h"

static void test_defaults(void **state)
{
	(void)state;
	assert_string_equal(plat_default_state_dir(), "/run/sstp");
	/* the resolv.conf backup outlives a reboot; a private state dir keeps its own */
	assert_string_equal(plat_default_backup_dir(), "/var/lib/sstp");
	assert_string_equal(plat_backup_dir_for(NULL, NULL), "/var/lib/sstp");
	assert_string_equal(plat_backup_dir_for(NULL, "/run/sstp"), "/var/lib/sstp");
	assert_string_equal(plat_backup_dir_for(NULL, "/tmp/st"), "/tmp/st");
	assert_string_equal(plat_backup_dir_for("/tmp/b", "/tmp/st"), "/tmp/b");
	assert_string_equal(plat_default_control_path(), "/run/sstp/control");
	assert_string_equal(plat_default_system_dir(), "/etc/sstp");
}

static void test_user_dir(void **state)
{
	char out[64], big[5000];

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), 0);
	assert_string_equal(out, "/x/cfg/sstp");
	setenv("XDG_CONFIG_HOME", "relative/cfg", 1); /* ignored, as the XDG spec says */
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.config/sstp");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.config/sstp");
	setenv("HOME", "", 1);
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), -ENOENT);
	unsetenv("HOME");
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), -ENOENT);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	setenv("HOME", big, 1);
	assert_int_equal(plat_user_config_dir(out, sizeof(out)), -ENAMETOOLONG);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(plat_user_config_dir(out, 12), -ENAMETOOLONG); /* "/home/u/.con" */
}

static void test_absolute(void **state)
{
	(void)state;
	assert_true(plat_path_is_absolute("/etc/sstp"));
	assert_true(plat_path_is_absolute("/"));
	assert_false(plat_path_is_absolute("etc/sstp"));
	assert_false(plat_path_is_absolute("./x"));
	assert_false(plat_path_is_absolute(""));
	assert_false(plat_path_is_absolute(NULL));
	assert_false(plat_path_is_absolute("C:\\ProgramData")); /* not on this system */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_user_dir),
		cmocka_unit_test(test_absolute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
