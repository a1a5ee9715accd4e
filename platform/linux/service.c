/* service.c - Linux side of plat_service.h: systemd starts the helper from unit files
 * (sstp-helper.service, Type=notify), so the program never registers itself with a service
 * manager; every function says so. */
#include "plat_service.h"

#include <errno.h>
#include <stdio.h>

static int not_here(char *err, size_t errlen)
{
	snprintf(err, errlen, "not supported on this system: use systemd units "
		 "(sstp-helper.service)");
	return -ENOTSUP;
}

int plat_service_install(const char *exe, const char *const *args, size_t nargs,
			 enum plat_service_start start, char *err, size_t errlen)
{
	(void)exe;
	(void)args;
	(void)nargs;
	(void)start;
	return not_here(err, errlen);
}

int plat_service_uninstall(unsigned timeout_ms, char *err, size_t errlen)
{
	(void)timeout_ms;
	return not_here(err, errlen);
}

int plat_service_run(int (*main_fn)(int argc, char **argv), int argc, char **argv, char *err,
		     size_t errlen)
{
	(void)main_fn;
	(void)argc;
	(void)argv;
	return not_here(err, errlen);
}

const char *plat_service_log_path(void)
{
	return NULL;
}

const char *plat_service_start_hint(void)
{
	return "systemctl start sstp-helper";
}
