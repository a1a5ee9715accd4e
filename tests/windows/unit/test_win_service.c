/* test_win_service.c - `sstp helper` as a Windows service, under Wine's service control manager:
 * `sstp.exe helper install|uninstall` run as child processes (exit codes, sentences), the
 * service's configuration read back through the SCM API, start -> SERVICE_RUNNING -> a status
 * request answered by the service's helper on its pipe -> stop -> SERVICE_STOPPED with exit 0,
 * a helper that fails at start reported as a service-specific exit code, uninstall of a running
 * service, the default pipe and state directory when no paths are given, automatic start as
 * the default, and the error paths (not installed, installed twice,
 * bad options). Every wait is bounded. Needs sstp.exe next to the tests' directory
 * (build/sstp.exe). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_paths.h"
#include "plat_service.h"
#include "plat_win.h"

#define RUN_MS 60000u
#define STATE_MS 30000u
/* Wine takes a path that starts with '/' as a path of the host (Windows: the current drive):
 * under Wine the helper's directory is made in the host's /tmp, not in its root */
#define DIR_WINE "/tmp/sstp-svc-test"
#define DIR_WIN "/sstp-svc-test"
#define BAD_SOCK "/sstp-svc-no-such-dir/sub/control"
#define BAD_DIR "/sstp-svc-no-such-dir/sub"

static const char *state_dir; /* DIR_WINE or DIR_WIN */
static char sock[64];         /* state_dir/control */

static char exe[MAX_PATH * 3];
static char out[16384];

static bool under_wine(void)
{
	HMODULE nt = GetModuleHandleA("ntdll.dll");

	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}

/* build/tests/test_win_service.exe -> build/sstp.exe */
static void find_exe(void)
{
	wchar_t w[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, w, MAX_PATH);
	char *slash;

	assert_true(n > 0 && n < MAX_PATH);
	assert_int_equal(plat_win_narrow(w, exe, sizeof(exe)), 0);
	for (int i = 0; i < 2; i++) {
		slash = strrchr(exe, '\\');
		assert_non_null(slash);
		*slash = '\0';
	}
	strncat(exe, "\\sstp.exe", sizeof(exe) - strlen(exe) - 1);
	if (GetFileAttributesA(exe) == INVALID_FILE_ATTRIBUTES)
		fail_msg("%s is missing: build the sstp target first", exe);
}

/* Run `sstp.exe ARGS` with stdout+stderr into out; its exit code. */
static int run_sstp(const char *args)
{
	SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	char cmd[2048], tmp[MAX_PATH], file[MAX_PATH];
	HANDLE f;
	DWORD code = 999, got = 0;

	assert_true(GetTempPathA(sizeof(tmp), tmp) > 0);
	snprintf(file, sizeof(file), "%ssstp-svc-test-%lu.out", tmp,
		 (unsigned long)GetCurrentProcessId());
	f = CreateFileA(file, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
			&inherit, CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, NULL);
	assert_true(f != INVALID_HANDLE_VALUE);
	snprintf(cmd, sizeof(cmd), "\"%s\" %s", exe, args);
	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = f;
	si.hStdError = f;
	assert_true(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
	if (WaitForSingleObject(pi.hProcess, RUN_MS) != WAIT_OBJECT_0) {
		TerminateProcess(pi.hProcess, 999);
		fail_msg("sstp.exe %s did not end within %u s", args, RUN_MS / 1000);
	}
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	SetFilePointer(f, 0, NULL, FILE_BEGIN);
	if (!ReadFile(f, out, sizeof(out) - 1, &got, NULL))
		got = 0;
	out[got] = '\0';
	CloseHandle(f);
	DeleteFileA(file);
	print_message("sstp.exe %s -> %lu: %s", args, (unsigned long)code, out);
	return (int)code;
}

/* `sstp status` through the helper on SOCK. */
static int status_via_helper(void)
{
	SetEnvironmentVariableA("SSTP_USE_HELPER", "1");
	SetEnvironmentVariableA("SSTP_HELPER_SOCKET", sock);
	return run_sstp("status");
}

static SC_HANDLE open_svc(DWORD access)
{
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), s;
	DWORD e;

	assert_non_null(scm);
	s = OpenServiceW(scm, L"" PLAT_SERVICE_NAME, access);
	e = GetLastError();
	CloseServiceHandle(scm);
	SetLastError(e);
	return s;
}

/* Wait (bounded) until the service is in `state`; its last status in *ss. */
static bool wait_state(DWORD state, SERVICE_STATUS *ss)
{
	SC_HANDLE s = open_svc(SERVICE_QUERY_STATUS);
	uint64_t end = GetTickCount64() + STATE_MS;
	bool ok = false;

	assert_non_null(s);
	while (QueryServiceStatus(s, ss)) {
		if (ss->dwCurrentState == state) {
			ok = true;
			break;
		}
		if (GetTickCount64() >= end)
			break;
		Sleep(100);
	}
	CloseServiceHandle(s);
	return ok;
}

static bool service_gone(void)
{
	uint64_t end = GetTickCount64() + 5000;

	for (;;) {
		SC_HANDLE s = open_svc(SERVICE_QUERY_STATUS);

		if (!s)
			return GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST;
		CloseServiceHandle(s);
		if (GetTickCount64() >= end)
			return false;
		Sleep(100);
	}
}

static void start_service(void)
{
	SC_HANDLE s = open_svc(SERVICE_START);

	assert_non_null(s);
	assert_true(StartServiceW(s, 0, NULL));
	CloseServiceHandle(s);
}

static void stop_service(void)
{
	SC_HANDLE s = open_svc(SERVICE_STOP);
	SERVICE_STATUS ss;

	assert_non_null(s);
	assert_true(ControlService(s, SERVICE_CONTROL_STOP, &ss));
	CloseServiceHandle(s);
}

/* %ProgramData%\\sstp\\sstp-helper.log, where plat_service_run() sends the service's log (the
 * common application data folder: the same for the service and for this process) */
static const char *log_path(void)
{
	static char path[MAX_PATH * 3];

	snprintf(path, sizeof(path), "%s\\%s.log", plat_default_state_dir(), PLAT_SERVICE_NAME);
	return path;
}

/* A service left by an earlier, interrupted run of this test (the prefix is kept). */
static int setup(void **state)
{
	SC_HANDLE s;
	SERVICE_STATUS ss;

	(void)state;
	find_exe();
	state_dir = under_wine() ? DIR_WINE : DIR_WIN;
	snprintf(sock, sizeof(sock), "%s/control", state_dir);
	s = open_svc(SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
	if (s) {
		ControlService(s, SERVICE_CONTROL_STOP, &ss);
		for (int i = 0; i < 100 && QueryServiceStatus(s, &ss) &&
				ss.dwCurrentState != SERVICE_STOPPED; i++)
			Sleep(100);
		DeleteService(s);
		CloseServiceHandle(s);
	}
	DeleteFileA(log_path());
	RemoveDirectoryA(state_dir); /* empty: the helper's socket is a pipe, not a file */
	return 0;
}

static void test_not_installed(void **state)
{
	(void)state;
	assert_true(service_gone());
	assert_int_equal(run_sstp("helper uninstall"), 1);
	assert_non_null(strstr(out, "service sstp-helper is not installed"));
	/* not started by the service manager */
	assert_int_equal(run_sstp("helper --service"), 2);
	assert_non_null(strstr(out, "service control manager"));
	/* options checked before anything is registered */
	assert_int_equal(run_sstp("helper install --start sometimes"), 2);
	assert_int_equal(run_sstp("helper install --socket relative/path"), 2);
	assert_non_null(strstr(out, "absolute path"));
	assert_int_equal(run_sstp("helper install --bogus"), 2);
	assert_int_equal(run_sstp("helper uninstall extra"), 2);
	assert_true(service_gone());
}

static void check_config(void)
{
	SC_HANDLE s = open_svc(SERVICE_QUERY_CONFIG);
	union {
		QUERY_SERVICE_CONFIGW c;
		SERVICE_DESCRIPTIONW d;
		SERVICE_FAILURE_ACTIONSW fa;
		uint8_t raw[8192];
	} u;
	char bin[4096], acct[256] = "";
	DWORD need = 0;

	assert_non_null(s);
	assert_true(QueryServiceConfigW(s, &u.c, sizeof(u), &need));
	assert_int_equal(u.c.dwServiceType, SERVICE_WIN32_OWN_PROCESS);
	assert_int_equal(u.c.dwStartType, SERVICE_DEMAND_START);
	assert_int_equal(plat_win_narrow(u.c.lpBinaryPathName, bin, sizeof(bin)), 0);
	print_message("binary path: %s\n", bin);
	assert_non_null(strstr(bin, "sstp.exe"));
	snprintf(acct, sizeof(acct), " helper --service --socket %s --state-dir %s -v", sock,
		 state_dir);
	assert_non_null(strstr(bin, acct));
	acct[0] = '\0';
	assert_true(wcscmp(u.c.lpDisplayName, L"" PLAT_SERVICE_DISPLAY) == 0);
	if (u.c.lpServiceStartName)
		plat_win_narrow(u.c.lpServiceStartName, acct, sizeof(acct));
	print_message("account: '%s'\n", acct);
	assert_true(_stricmp(acct, "LocalSystem") == 0);
	assert_true(QueryServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, u.raw, sizeof(u), &need));
	assert_non_null(u.d.lpDescription);
	assert_true(wcsstr(u.d.lpDescription, L"SSTP VPN") != NULL);
	if (QueryServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, u.raw, sizeof(u), &need)) {
		assert_int_equal(u.fa.dwResetPeriod, 24 * 3600);
		assert_int_equal(u.fa.cActions, 3);
		assert_int_equal(u.fa.lpsaActions[0].Type, SC_ACTION_RESTART);
		assert_int_equal(u.fa.lpsaActions[0].Delay, 5000);
		assert_int_equal(u.fa.lpsaActions[1].Type, SC_ACTION_RESTART);
		assert_int_equal(u.fa.lpsaActions[1].Delay, 30000);
		assert_int_equal(u.fa.lpsaActions[2].Type, SC_ACTION_NONE);
	} else {
		/* Wine's service manager accepts the recovery actions and drops them (it has no
		 * recovery); Windows must give them back */
		print_message("recovery actions not readable (error %lu)\n",
			      (unsigned long)GetLastError());
		assert_true(under_wine());
	}
	CloseServiceHandle(s);
}

static void test_install_run_stop(void **state)
{
	SERVICE_STATUS ss;
	const char *log;
	char text[8192], cmd[256];
	FILE *f;
	size_t n;

	(void)state;
	snprintf(cmd, sizeof(cmd), "helper install --start demand --socket %s --state-dir %s -v",
		 sock, state_dir);
	assert_int_equal(run_sstp(cmd), 0);
	assert_non_null(strstr(out, "service sstp-helper installed (manual start)"));
	check_config();
	assert_int_equal(run_sstp("helper install --start demand"), 1);
	assert_non_null(strstr(out, "service sstp-helper is already installed"));
	assert_true(wait_state(SERVICE_STOPPED, &ss));

	/* nobody answers before the start: the check below can fail */
	assert_int_equal(status_via_helper(), 11);
	assert_non_null(strstr(out, "not running"));
	assert_non_null(strstr(out, "start it with 'sc start sstp-helper'"));
	start_service();
	assert_true(wait_state(SERVICE_RUNNING, &ss));
	assert_true(ss.dwControlsAccepted & SERVICE_ACCEPT_STOP);
	/* the service's helper answers: no sessions (10), not "not running" (11) */
	assert_int_equal(status_via_helper(), 10);
	assert_non_null(strstr(out, "no sessions"));

	stop_service();
	assert_true(wait_state(SERVICE_STOPPED, &ss));
	assert_int_equal(ss.dwWin32ExitCode, NO_ERROR);
	assert_int_equal(ss.dwServiceSpecificExitCode, 0);
	assert_int_equal(status_via_helper(), 11);

	/* its log, without earlier runs' lines (setup removed it) */
	log = log_path();
	print_message("log: %s\n", log);
	f = fopen(log, "rb");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	snprintf(cmd, sizeof(cmd), "listening on %s", sock);
	assert_non_null(strstr(text, cmd));
	assert_non_null(strstr(text, "stopped, exit code 0"));
}

static void test_failure_exit_code(void **state)
{
	SERVICE_STATUS ss;

	(void)state;
	assert_int_equal(run_sstp("helper uninstall"), 0);
	assert_non_null(strstr(out, "service sstp-helper removed"));
	assert_true(service_gone());
	/* a state directory whose parent does not exist: the helper exits 11 at start */
	assert_int_equal(run_sstp("helper install --start=demand --socket " BAD_SOCK
				  " --state-dir " BAD_DIR), 0);
	start_service();
	assert_true(wait_state(SERVICE_STOPPED, &ss));
	assert_int_equal(ss.dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
	assert_int_equal(ss.dwServiceSpecificExitCode, 11);
	assert_int_equal(run_sstp("helper uninstall"), 0);
	assert_true(service_gone());
}

static void test_uninstall_running(void **state)
{
	SERVICE_STATUS ss;
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "helper install --start demand --socket %s --state-dir %s", sock,
		 state_dir);
	assert_int_equal(run_sstp(cmd), 0);
	start_service();
	assert_true(wait_state(SERVICE_RUNNING, &ss));
	assert_int_equal(status_via_helper(), 10);
	/* stops it (bounded), then deletes it */
	assert_int_equal(run_sstp("helper uninstall"), 0);
	assert_non_null(strstr(out, "service sstp-helper removed"));
	assert_true(service_gone());
	assert_int_equal(status_via_helper(), 11);
	assert_int_equal(run_sstp("helper uninstall"), 1);
	assert_non_null(strstr(out, "not installed"));
}

/* no paths given: the helper listens on the default pipe (%ProgramData%\sstp\control) and a
 * plain `sstp status` finds it there */
static void test_default_paths(void **state)
{
	SERVICE_STATUS ss;

	(void)state;
	assert_int_equal(run_sstp("helper install --start demand"), 0);
	start_service();
	assert_true(wait_state(SERVICE_RUNNING, &ss));
	SetEnvironmentVariableA("SSTP_USE_HELPER", "1");
	SetEnvironmentVariableA("SSTP_HELPER_SOCKET", NULL);
	assert_int_equal(run_sstp("status"), 10);
	assert_non_null(strstr(out, "no sessions"));
	assert_int_equal(run_sstp("helper uninstall"), 0);
	assert_true(service_gone());
	assert_int_equal(run_sstp("status"), 11);
}

/* no --start: automatic start (the failing directories: should Wine start it, it just stops) */
static void test_auto_start_default(void **state)
{
	SC_HANDLE s;
	union {
		QUERY_SERVICE_CONFIGW c;
		uint8_t raw[8192];
	} u;
	DWORD need = 0;

	(void)state;
	assert_int_equal(run_sstp("helper install --socket " BAD_SOCK " --state-dir " BAD_DIR), 0);
	assert_non_null(strstr(out, "(automatic start)"));
	s = open_svc(SERVICE_QUERY_CONFIG);
	assert_non_null(s);
	assert_true(QueryServiceConfigW(s, &u.c, sizeof(u), &need));
	assert_int_equal(u.c.dwStartType, SERVICE_AUTO_START);
	CloseServiceHandle(s);
	assert_int_equal(run_sstp("helper uninstall"), 0);
	assert_true(service_gone());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_installed),
		cmocka_unit_test(test_install_run_stop),
		cmocka_unit_test(test_failure_exit_code),
		cmocka_unit_test(test_uninstall_running),
		cmocka_unit_test(test_default_paths),
		cmocka_unit_test(test_auto_start_default),
	};

	return cmocka_run_group_tests(tests, setup, setup);
}
