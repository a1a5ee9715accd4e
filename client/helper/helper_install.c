/* helper_install.c - `sstp helper install|uninstall` and `sstp helper --service`: the helper as a
 * service of the OS's service manager where the program registers itself (Windows; plat_service.h).
 * On Linux systemd runs it from sstp-helper.service and these verbs say so. */
#include "helper_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"
#include "plat_service.h"

#define MAX_SERVICE_ARGS 32
#define UNINSTALL_WAIT_MS 20000u

static void install_usage(FILE *out)
{
	fputs("usage: sstp helper install [--start auto|demand] [helper options]\n"
	      "       sstp helper uninstall\n"
	      "Registers the helper with the Windows service control manager as service\n"
	      PLAT_SERVICE_NAME " (LocalSystem, restarted after a failure) running\n"
	      "'sstp helper --service' with the helper options given (see 'sstp helper --help');\n"
	      "--start auto (the default) starts it at boot, demand only with 'sc start "
	      PLAT_SERVICE_NAME "'.\n"
	      "uninstall stops the service (up to 20 s) and removes it. Both need an elevated\n"
	      "Administrator. On Linux use the systemd unit sstp-helper.service instead.\n", out);
}

static int errno_exit(int r)
{
	if (r == -EACCES || r == -EPERM)
		return SSTP_EXIT_PERMISSION;
	if (r == -ETIMEDOUT)
		return SSTP_EXIT_TIMEOUT;
	return SSTP_EXIT_ERROR;
}

static int install(int argc, char **argv)
{
	enum plat_service_start start = PLAT_SERVICE_START_AUTO;
	const char *args[MAX_SERVICE_ARGS];
	char *check[MAX_SERVICE_ARGS + 1];
	struct sstp_helper_cfg cfg;
	char err[320];
	size_t n = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			install_usage(stdout);
			return SSTP_EXIT_OK;
		}
		if (!strncmp(a, "--start", 7) && (a[7] == '\0' || a[7] == '=')) {
			const char *v = a[7] == '=' ? a + 8 : i + 1 < argc ? argv[++i] : "";

			if (!strcmp(v, "auto")) {
				start = PLAT_SERVICE_START_AUTO;
			} else if (!strcmp(v, "demand")) {
				start = PLAT_SERVICE_START_DEMAND;
			} else {
				fprintf(stderr, "sstp helper install: --start needs 'auto' or 'demand', "
					"not '%.20s'\n", v);
				return SSTP_EXIT_USAGE;
			}
			continue;
		}
		if (!strcmp(a, "--service")) {
			fprintf(stderr, "sstp helper install: --service is added by install itself\n");
			return SSTP_EXIT_USAGE;
		}
		if (n == MAX_SERVICE_ARGS) {
			fprintf(stderr, "sstp helper install: too many options\n");
			return SSTP_EXIT_USAGE;
		}
		args[n++] = a;
	}
	/* the service would fail at every start with options the helper refuses: check them now */
	check[0] = (char *)"helper";
	for (size_t i = 0; i < n; i++)
		check[i + 1] = (char *)args[i];
	sstp_helper_cfg_init(&cfg);
	r = sstp_helper_parse_args((int)n + 1, check, &cfg, err, sizeof(err));
	if (r == 1)
		return SSTP_EXIT_OK; /* --help of the helper's options, printed */
	if (r) {
		fprintf(stderr, "sstp helper install: %s\n", err);
		return r;
	}
	r = plat_service_install(NULL, args, n, start, err, sizeof(err));
	if (r < 0) {
		sstp_err("%s", err);
		return errno_exit(r);
	}
	printf("service %s installed (%s start)%s\n", PLAT_SERVICE_NAME,
	       start == PLAT_SERVICE_START_AUTO ? "automatic" : "manual",
	       start == PLAT_SERVICE_START_AUTO ? "; it starts at the next boot, or now with 'sc "
		       "start " PLAT_SERVICE_NAME "'" : "; start it with 'sc start "
		       PLAT_SERVICE_NAME "'");
	return SSTP_EXIT_OK;
}

static int uninstall(int argc, char **argv)
{
	char err[320];
	int r;

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			install_usage(stdout);
			return SSTP_EXIT_OK;
		}
		fprintf(stderr, "sstp helper uninstall: unexpected argument '%.40s'\n", argv[1]);
		return SSTP_EXIT_USAGE;
	}
	r = plat_service_uninstall(UNINSTALL_WAIT_MS, err, sizeof(err));
	if (r < 0) {
		sstp_err("%s", err);
		return errno_exit(r);
	}
	printf("service %s removed\n", PLAT_SERVICE_NAME);
	return SSTP_EXIT_OK;
}

static int service_body(int argc, char **argv)
{
	return sstp_helper_main(argc, argv);
}

int sstp_helper_verb(int argc, char **argv, int *rc)
{
	static char *rest[MAX_SERVICE_ARGS + 2];
	char err[320];
	int n = 0, r;
	bool service = false;

	if (argc > 1 && !strcmp(argv[1], "install")) {
		*rc = install(argc - 1, argv + 1);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "uninstall")) {
		*rc = uninstall(argc - 1, argv + 1);
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		if (i > 0 && !strcmp(argv[i], "--service")) {
			service = true;
			continue;
		}
		if (n == MAX_SERVICE_ARGS + 1) {
			if (!service)
				return 0; /* not ours: the option parser says what is wrong */
			fprintf(stderr, "sstp helper: too many options\n");
			*rc = SSTP_EXIT_USAGE;
			return 1;
		}
		rest[n++] = argv[i];
	}
	if (!service)
		return 0;
	rest[n] = NULL;
	if (n > 1 && (!strcmp(rest[1], "install") || !strcmp(rest[1], "uninstall"))) {
		fprintf(stderr, "sstp helper: --service does not go with %s\n", rest[1]);
		*rc = SSTP_EXIT_USAGE;
		return 1;
	}
	/* the service's standard error is a log file (plat_service_run) */
	r = plat_service_run(service_body, n, rest, err, sizeof(err));
	if (r < 0) {
		sstp_err("%s", err);
		*rc = r == -ENXIO ? SSTP_EXIT_USAGE : SSTP_EXIT_ERROR;
	} else {
		*rc = r;
	}
	return 1;
}
