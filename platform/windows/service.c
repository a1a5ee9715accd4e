/* service.c - Windows side of plat_service.h: the helper as a service of the service control
 * manager. Install (CreateService as LocalSystem, description, recovery actions), uninstall
 * (stop, bounded wait, DeleteService), and the service entry point: StartServiceCtrlDispatcher,
 * a control handler that turns stop/shutdown into PLAT_SIG_TERM for the helper's loop, and the
 * status reports (start pending -> running on READY=1 -> stop pending -> stopped with the exit
 * code). */
#include "plat_loop.h"
#include "plat_paths.h"
#include "plat_service.h"
#include "plat_svc.h"
#include "plat_win.h"
#include "plat_win_net.h"
#include "plat_win_service.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W_NAME L"" PLAT_SERVICE_NAME
#define CMDLINE_MAX 8192
#define MAX_ARGS 64
#define START_HINT_MS 30000u
#define STOP_HINT_MS 20000u
#define LOG_MAX_BYTES (4u * 1024u * 1024u)

/* ---- install / uninstall -------------------------------------------------------------------- */

static int scm_error(DWORD e, const char *doing, char *err, size_t errlen)
{
	char why[160];

	switch (e) {
	case ERROR_ACCESS_DENIED:
		snprintf(err, errlen, "%s the service needs an elevated Administrator (run it from "
			 "an Administrator command prompt)", doing);
		return -EACCES;
	case ERROR_SERVICE_DOES_NOT_EXIST:
		snprintf(err, errlen, "service %s is not installed", PLAT_SERVICE_NAME);
		return -ENOENT;
	case ERROR_SERVICE_EXISTS:
	case ERROR_DUPLICATE_SERVICE_NAME:
		snprintf(err, errlen, "service %s is already installed (remove it first with "
			 "'sstp helper uninstall')", PLAT_SERVICE_NAME);
		return -EEXIST;
	case ERROR_SERVICE_MARKED_FOR_DELETE:
		snprintf(err, errlen, "service %s is still marked for deletion: close the Services "
			 "console and any program holding it open, then try again", PLAT_SERVICE_NAME);
		return -EBUSY;
	default:
		snprintf(err, errlen, "%s service %s failed: %s (error %lu)", doing, PLAT_SERVICE_NAME,
			 plat_win_strerror(e, why, sizeof(why)), (unsigned long)e);
		return plat_win_errno(e);
	}
}

/* exe helper --service args..., quoted for the C runtime's parser (the service manager also
 * needs the quotes around a path with spaces). */
static int service_cmdline(const char *exe, const char *const *args, size_t nargs, wchar_t *out,
			   size_t count)
{
	const char *argv[MAX_ARGS + 4];
	char *cmd;
	int r;

	if (nargs > MAX_ARGS)
		return -E2BIG;
	argv[0] = exe;
	argv[1] = "helper";
	argv[2] = "--service";
	for (size_t i = 0; i < nargs; i++)
		argv[3 + i] = args[i];
	argv[3 + nargs] = NULL;
	cmd = malloc(CMDLINE_MAX);
	if (!cmd)
		return -ENOMEM;
	r = plat_win_quote_argv(argv, cmd, CMDLINE_MAX);
	if (r == 0)
		r = plat_win_widen(cmd, out, count);
	free(cmd);
	return r;
}

/* Description and recovery actions. 0 or the Win32 error. */
static DWORD configure(SC_HANDLE svc)
{
	SERVICE_DESCRIPTIONW desc = { (LPWSTR)L"" PLAT_SERVICE_DESCRIPTION };
	SC_ACTION acts[3] = { { SC_ACTION_RESTART, 5000 }, { SC_ACTION_RESTART, 30000 },
			      { SC_ACTION_NONE, 0 } };
	SERVICE_FAILURE_ACTIONSW fa;
	SERVICE_FAILURE_ACTIONS_FLAG flag = { TRUE };

	memset(&fa, 0, sizeof(fa));
	fa.dwResetPeriod = 24 * 3600; /* seconds without failure before the count restarts */
	fa.cActions = 3;
	fa.lpsaActions = acts;
	if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc))
		return GetLastError();
	if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
		return GetLastError();
	/* restart also after a stop with an error code, not only after a crash; Wine's service
	 * manager does not know this level (ERROR_INVALID_LEVEL): crashes are still covered */
	if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag) &&
	    GetLastError() != ERROR_INVALID_LEVEL)
		return GetLastError();
	return 0;
}

int plat_service_install(const char *exe, const char *const *args, size_t nargs,
			 enum plat_service_start start, char *err, size_t errlen)
{
	wchar_t *cmd = malloc(CMDLINE_MAX * sizeof(wchar_t));
	SC_HANDLE scm, svc;
	DWORD e;
	int r;

	if (!cmd)
		return -ENOMEM;
	r = service_cmdline(exe ? exe : plat_self_exe(), args, nargs, cmd, CMDLINE_MAX);
	if (r < 0) {
		free(cmd);
		snprintf(err, errlen, "the service's command line is too long or not valid text");
		return r;
	}
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
	if (!scm) {
		free(cmd);
		return scm_error(GetLastError(), "installing", err, errlen);
	}
	/* no account: LocalSystem */
	svc = CreateServiceW(scm, W_NAME, L"" PLAT_SERVICE_DISPLAY, SERVICE_ALL_ACCESS,
			     SERVICE_WIN32_OWN_PROCESS,
			     start == PLAT_SERVICE_START_DEMAND ? SERVICE_DEMAND_START
								: SERVICE_AUTO_START,
			     SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL, NULL, NULL);
	free(cmd);
	if (!svc) {
		r = scm_error(GetLastError(), "installing", err, errlen);
		CloseServiceHandle(scm);
		return r;
	}
	if ((e = configure(svc)) != 0) {
		r = scm_error(e, "configuring", err, errlen);
		DeleteService(svc); /* no half-configured service left behind */
	}
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return r;
}

/* Wait until the service is stopped, asking it to stop (again while it cannot take the request
 * yet, e.g. still starting). 0 or -ETIMEDOUT / -errno. */
static int stop_and_wait(SC_HANDLE svc, unsigned timeout_ms)
{
	uint64_t deadline = GetTickCount64() + timeout_ms;
	SERVICE_STATUS ss;

	for (;;) {
		if (!QueryServiceStatus(svc, &ss))
			return plat_win_errno(GetLastError());
		if (ss.dwCurrentState == SERVICE_STOPPED)
			return 0;
		if (ss.dwCurrentState != SERVICE_STOP_PENDING &&
		    !ControlService(svc, SERVICE_CONTROL_STOP, &ss)) {
			DWORD e = GetLastError();

			if (e != ERROR_SERVICE_NOT_ACTIVE && e != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
				return plat_win_errno(e);
		}
		if (GetTickCount64() >= deadline)
			return -ETIMEDOUT;
		Sleep(100);
	}
}

int plat_service_uninstall(unsigned timeout_ms, char *err, size_t errlen)
{
	SC_HANDLE scm, svc;
	int r, stopped;

	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (!scm)
		return scm_error(GetLastError(), "removing", err, errlen);
	svc = OpenServiceW(scm, W_NAME, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
	if (!svc) {
		r = scm_error(GetLastError(), "removing", err, errlen);
		CloseServiceHandle(scm);
		return r;
	}
	stopped = stop_and_wait(svc, timeout_ms);
	r = 0;
	if (!DeleteService(svc) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE) {
		r = scm_error(GetLastError(), "removing", err, errlen);
	} else if (stopped == -ETIMEDOUT) {
		snprintf(err, errlen, "service %s did not stop within %u s; it is removed as soon as "
			 "it stops", PLAT_SERVICE_NAME, timeout_ms / 1000);
		r = -ETIMEDOUT;
	} else if (stopped < 0) {
		snprintf(err, errlen, "cannot stop service %s (%s); it is removed as soon as it stops",
			 PLAT_SERVICE_NAME, strerror(-stopped));
		r = stopped;
	}
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return r;
}

/* ---- running as the service ----------------------------------------------------------------- */

static int (*svc_main)(int argc, char **argv);
static int svc_argc;
static char **svc_argv;
static int svc_rc = -1;                  /* main's exit code; -1 until it returned */
static volatile LONG svc_active;         /* the status handle is registered */
static SERVICE_STATUS_HANDLE svc_handle;
static CRITICAL_SECTION svc_lock;
static SERVICE_STATUS svc_status;
static char log_path[MAX_PATH * 3];

/* Report a state (called from the service's thread and from the control handler's). */
static int report(DWORD state, DWORD wait_hint, int exit_code)
{
	BOOL ok;

	EnterCriticalSection(&svc_lock);
	svc_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	svc_status.dwCurrentState = state;
	svc_status.dwControlsAccepted = state == SERVICE_START_PENDING || state == SERVICE_RUNNING
		? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	svc_status.dwWin32ExitCode = exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
	svc_status.dwServiceSpecificExitCode = exit_code == 0 ? 0 : (DWORD)exit_code;
	svc_status.dwWaitHint = wait_hint;
	if (state == SERVICE_RUNNING || state == SERVICE_STOPPED)
		svc_status.dwCheckPoint = 0;
	else
		svc_status.dwCheckPoint++;
	ok = SetServiceStatus(svc_handle, &svc_status);
	LeaveCriticalSection(&svc_lock);
	return ok ? 1 : plat_win_errno(GetLastError());
}

int plat_win_service_notify(const char *state)
{
	if (!svc_active || !state)
		return 0;
	if (strstr(state, "READY=1"))
		return report(SERVICE_RUNNING, 0, 0);
	if (strstr(state, "STOPPING=1"))
		return report(SERVICE_STOP_PENDING, STOP_HINT_MS, 0);
	return 0;
}

static DWORD WINAPI on_control(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		if (!svc_active)
			return NO_ERROR; /* already reported stopped */
		report(SERVICE_STOP_PENDING, STOP_HINT_MS, 0);
		plat_win_raise_signal(PLAT_SIG_TERM);
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

/* freopen() onto stderr. A service has no standard handles, and the C runtime may then have no
 * descriptor behind stderr (Wine's msvcrt gives it -2), which freopen() refuses: descriptor 2
 * (the null device) first. */
static FILE *reopen_stderr(const wchar_t *path, const wchar_t *mode)
{
	if (_fileno(stderr) < 0) {
		int fd = _wopen(L"NUL", _O_WRONLY);

		if (fd >= 0 && fd != 2) {
			_dup2(fd, 2);
			_close(fd);
		}
#ifndef _UCRT
		stderr->_file = 2;
#endif
	}
	return _wfreopen(path, mode, stderr);
}

/* Standard error into the log file (appended; started afresh beyond LOG_MAX_BYTES). */
static void open_log(void)
{
	WIN32_FILE_ATTRIBUTE_DATA fad;
	const char *dir = plat_default_state_dir();
	wchar_t wdir[MAX_PATH], wpath[MAX_PATH];
	bool big;
	SYSTEMTIME t;

	if (snprintf(log_path, sizeof(log_path), "%s\\%s.log", dir, PLAT_SERVICE_NAME) >=
		    (int)sizeof(log_path) ||
	    plat_win_widen(dir, wdir, MAX_PATH) < 0 || plat_win_widen(log_path, wpath, MAX_PATH) < 0) {
		log_path[0] = '\0';
		return;
	}
	CreateDirectoryW(wdir, NULL);
	big = GetFileAttributesExW(wpath, GetFileExInfoStandard, &fad) &&
	      (fad.nFileSizeHigh || fad.nFileSizeLow > LOG_MAX_BYTES);
	if (!reopen_stderr(wpath, big ? L"w" : L"a")) {
		log_path[0] = '\0';
		return;
	}
	setvbuf(stderr, NULL, _IONBF, 0);
	GetSystemTime(&t);
	fprintf(stderr, "---- %s started %04u-%02u-%02u %02u:%02u:%02u UTC, pid %lu ----\n",
		PLAT_SERVICE_NAME, t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond,
		(unsigned long)GetCurrentProcessId());
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	(void)argc; /* the start parameters of `sc start`: the options come from the command line */
	(void)argv;
	svc_handle = RegisterServiceCtrlHandlerExW(W_NAME, on_control, NULL);
	if (!svc_handle)
		return;
	InterlockedExchange(&svc_active, 1);
	report(SERVICE_START_PENDING, START_HINT_MS, 0);
	open_log();
	svc_rc = svc_main(svc_argc, svc_argv);
	if (svc_rc < 0 || svc_rc > 255)
		svc_rc = 1;
	fprintf(stderr, "---- %s stopped, exit code %d ----\n", PLAT_SERVICE_NAME, svc_rc);
	fflush(stderr);
	InterlockedExchange(&svc_active, 0);
	report(SERVICE_STOPPED, 0, svc_rc);
}

int plat_service_run(int (*main_fn)(int argc, char **argv), int argc, char **argv, char *err,
		     size_t errlen)
{
	SERVICE_TABLE_ENTRYW table[] = { { (LPWSTR)W_NAME, service_main }, { NULL, NULL } };
	char why[160];
	DWORD e;

	svc_main = main_fn;
	svc_argc = argc;
	svc_argv = argv;
	InitializeCriticalSection(&svc_lock);
	if (!StartServiceCtrlDispatcherW(table)) {
		e = GetLastError();
		if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
			snprintf(err, errlen, "'sstp helper --service' is run by the service control "
				 "manager ('sc start %s'); in a console run 'sstp helper' without "
				 "--service", PLAT_SERVICE_NAME);
			return -ENXIO;
		}
		snprintf(err, errlen, "cannot connect to the service control manager: %s (error %lu)",
			 plat_win_strerror(e, why, sizeof(why)), (unsigned long)e);
		return plat_win_errno(e);
	}
	if (svc_rc < 0) {
		snprintf(err, errlen, "the service control manager did not start service %s in this "
			 "process", PLAT_SERVICE_NAME);
		return -EIO;
	}
	return svc_rc;
}

const char *plat_service_log_path(void)
{
	return log_path[0] ? log_path : NULL;
}

const char *plat_service_start_hint(void)
{
	return "sc start " PLAT_SERVICE_NAME;
}
