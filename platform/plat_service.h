/* plat_service.h - the helper as a service of the OS's service manager, where the OS has one the
 * program registers itself with (the Windows service control manager): install, uninstall, and
 * running under it. On Linux systemd runs the helper from unit files (sstp-helper.service), so
 * there every function here returns -ENOTSUP with a sentence saying so.
 * Readiness and stopping are reported through plat_svc_notify() ("READY=1", "STOPPING=1"). */
#ifndef PLAT_SERVICE_H
#define PLAT_SERVICE_H

#include <stddef.h>

#define PLAT_SERVICE_NAME "sstp-helper"
#define PLAT_SERVICE_DISPLAY "SSTP VPN helper"
#define PLAT_SERVICE_DESCRIPTION \
	"Lets members of the configured group connect the SSTP VPN profiles set up by an " \
	"administrator (sstp helper)."

enum plat_service_start {
	PLAT_SERVICE_START_AUTO = 0, /* started at boot */
	PLAT_SERVICE_START_DEMAND,   /* started by hand (sc start sstp-helper) */
};

/* Register the service PLAT_SERVICE_NAME: command line `EXE helper --service ARGS...` (EXE is
 * `exe`, or the running program when NULL; each argument quoted as needed), run as LocalSystem,
 * the given start type, a description, and recovery actions (restart after 5 s, then after 30 s,
 * then nothing; the count resets after a day; also when it stops with a non-zero exit code).
 * 0, or -EEXIST (already installed), -EACCES (not an elevated administrator), -EBUSY (an old
 * one is still marked for deletion), -ENOTSUP (not on this OS), -errno; err gets a sentence. */
int plat_service_install(const char *exe, const char *const *args, size_t nargs,
			 enum plat_service_start start, char *err, size_t errlen);

/* Stop the service if it runs (waiting up to timeout_ms for it to stop) and delete it.
 * 0, or -ENOENT (not installed), -EACCES (not an elevated administrator), -ETIMEDOUT (did not
 * stop in time: it is deleted as soon as it stops), -ENOTSUP, -errno; err gets a sentence. */
int plat_service_uninstall(unsigned timeout_ms, char *err, size_t errlen);

/* Run main(argc, argv) as the service, under the service manager that started this process:
 * reports "start pending", then "running" when main calls plat_svc_notify("READY=1..."); a stop
 * or shutdown request is delivered to main's loop as PLAT_SIG_TERM (plat_loop.h); when main
 * returns, "stopped" with its exit code (0: success, else a service-specific error code).
 * The standard error of the service goes to a log file (plat_service_log_path()).
 * Returns main's exit code once the service stopped, or -ENXIO when this process was not started
 * by the service manager, -ENOTSUP, -errno; err gets a sentence on a negative return. argv and
 * what it points to must stay valid until it returns. */
int plat_service_run(int (*main_fn)(int argc, char **argv), int argc, char **argv, char *err,
		     size_t errlen);

/* The command that starts the helper's service on this system, for messages ("systemctl start
 * sstp-helper", "sc start sstp-helper"). A static string. */
const char *plat_service_start_hint(void);

/* Where plat_service_run sends the service's log (standard error), or NULL when it has none. */
const char *plat_service_log_path(void);

#endif
