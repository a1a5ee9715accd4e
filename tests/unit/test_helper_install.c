/* test_helper_install.c - `sstp helper install|uninstall|--service` on a system whose service
 * manager runs the helper from unit files (Linux): options are checked first (usage errors),
 * then every verb says to use systemd (exit 1); other helper command lines are not taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "exit_codes.h"
#include "helper_int.h"
#include "plat_service.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_install_options(void **state)
{
	char *bad_start[] = { "helper", "install", "--start", "sometimes" };
	char *no_start[] = { "helper", "install", "--start" };
	char *relative[] = { "helper", "install", "--socket", "relative/control" };
	char *unknown[] = { "helper", "install", "--bogus" };
	char *nested[] = { "helper", "install", "--service" };
	char *extra[] = { "helper", "uninstall", "now" };
	char *inside[] = { "helper", "--service", "install" };
	int rc = -1;

	(void)state;
	assert_int_equal(sstp_helper_verb(ARGC(bad_start), bad_start, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
	assert_int_equal(sstp_helper_verb(ARGC(no_start), no_start, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
	assert_int_equal(sstp_helper_verb(ARGC(relative), relative, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
	assert_int_equal(sstp_helper_verb(ARGC(unknown), unknown, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
	assert_int_equal(sstp_helper_verb(ARGC(nested), nested, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
	assert_int_equal(sstp_helper_verb(ARGC(extra), extra, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
	assert_int_equal(sstp_helper_verb(ARGC(inside), inside, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_USAGE);
}

static void test_not_here(void **state)
{
	char *install[] = { "helper", "install", "--start=demand", "--group", "vpn", "-v" };
	char *uninstall[] = { "helper", "uninstall" };
	char *service[] = { "helper", "-v", "--service" };
	const char *args[] = { "--no-cleanup" };
	char err[256] = "";
	int rc = -1;

	(void)state;
	assert_int_equal(sstp_helper_verb(ARGC(install), install, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_ERROR);
	assert_int_equal(sstp_helper_verb(ARGC(uninstall), uninstall, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_ERROR);
	assert_int_equal(sstp_helper_verb(ARGC(service), service, &rc), 1);
	assert_int_equal(rc, SSTP_EXIT_ERROR);
	assert_int_equal(plat_service_install(NULL, args, 1, PLAT_SERVICE_START_AUTO, err,
					      sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "not supported on this system: use systemd units "
				    "(sstp-helper.service)"));
	err[0] = '\0';
	assert_int_equal(plat_service_uninstall(1000, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "sstp-helper.service"));
	assert_null(plat_service_log_path());
	assert_string_equal(plat_service_start_hint(), "systemctl start sstp-helper");
}

static void test_not_a_verb(void **state)
{
	char *plain[] = { "helper", "--socket", "/run/x/control", "-v" };
	char *help[] = { "helper", "--help" };
	int rc = -1;

	(void)state;
	assert_int_equal(sstp_helper_verb(ARGC(plain), plain, &rc), 0);
	assert_int_equal(sstp_helper_verb(ARGC(help), help, &rc), 0);
	assert_int_equal(rc, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_options),
		cmocka_unit_test(test_not_here),
		cmocka_unit_test(test_not_a_verb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
