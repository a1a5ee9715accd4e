/* proc.c - processes on Windows: CreateProcess with a command line quoted for the C runtime's
 * parser, a table of our children (process handles, and threads standing in for fork: there is
 * no fork, so plat_fork_call runs fn on a thread whose id serves as the pid; thread and process
 * ids share one namespace), reaping, termination, the console password prompt, elevation. */
#include "plat_loop.h"
#include "plat_proc.h"
#include "plat_win.h"

#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHILDREN 16
#define CMDLINE_MAX 8192

struct child {
	int pid;
	HANDLE h;
	bool thread;
	bool seen; /* the loop reported its exit as PLAT_SIG_CHLD */
};

static struct child children[MAX_CHILDREN];
static CRITICAL_SECTION children_lock;
static INIT_ONCE children_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_lock(PINIT_ONCE once, PVOID p, PVOID *ctx)
{
	InitializeCriticalSection(&children_lock);
	return TRUE;
}

static void lock(void)
{
	InitOnceExecuteOnce(&children_once, init_lock, NULL, NULL);
	EnterCriticalSection(&children_lock);
}

static void unlock(void)
{
	LeaveCriticalSection(&children_lock);
}

static int add_child(int pid, HANDLE h, bool thread)
{
	int r = -EAGAIN;

	lock();
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (!children[i].h) {
			children[i] = (struct child){ pid, h, thread, false };
			r = 0;
			break;
		}
	unlock();
	return r;
}

static struct child *find_child(int pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].h && children[i].pid == pid)
			return &children[i];
	return NULL;
}

size_t plat_win_children_waitable(HANDLE *out, size_t max)
{
	size_t n = 0;

	lock();
	for (int i = 0; i < MAX_CHILDREN && n < max; i++)
		if (children[i].h && !children[i].seen)
			out[n++] = children[i].h;
	unlock();
	return n;
}

void plat_win_child_seen(HANDLE h)
{
	bool hit = false;

	lock();
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].h == h && !children[i].seen) {
			children[i].seen = true;
			hit = true;
		}
	unlock();
	if (hit)
		plat_win_raise_signal(PLAT_SIG_CHLD);
}

/* ---- command lines ------------------------------------------------------------------------- */

int plat_win_quote_argv(const char *const argv[], char *out, size_t len)
{
	size_t k = 0;

#define PUT(c)                          \
	do {                            \
		if (k + 1 >= len)       \
			return -ENOSPC; \
		out[k++] = (c);         \
	} while (0)

	if (!argv || !argv[0] || len == 0)
		return -EINVAL;
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];

		if (i)
			PUT(' ');
		if (*a && !strpbrk(a, " \t\n\v\"")) {
			for (; *a; a++)
				PUT(*a);
			continue;
		}
		PUT('"');
		for (;;) {
			size_t bs = 0;

			while (*a == '\\') {
				a++;
				bs++;
			}
			if (!*a) { /* backslashes before the closing quote are doubled */
				for (size_t j = 0; j < 2 * bs; j++)
					PUT('\\');
				break;
			}
			if (*a == '"') { /* doubled, plus one to escape the quote */
				for (size_t j = 0; j < 2 * bs + 1; j++)
					PUT('\\');
				PUT('"');
			} else {
				for (size_t j = 0; j < bs; j++)
					PUT('\\');
				PUT(*a);
			}
			a++;
		}
		PUT('"');
	}
	out[k] = '\0';
	return 0;
#undef PUT
}

/* CreateProcessW for argv; extra flags, optional std handles (all three or none). */
static int create(char *const argv[], DWORD flags, HANDLE std_in, HANDLE std_out, HANDLE std_err,
		  int *pid)
{
	char *cmd = malloc(CMDLINE_MAX);
	wchar_t *wcmd = malloc(CMDLINE_MAX * sizeof(wchar_t));
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	int r;

	if (!cmd || !wcmd) {
		free(cmd);
		free(wcmd);
		return -ENOMEM;
	}
	r = plat_win_quote_argv((const char *const *)argv, cmd, CMDLINE_MAX);
	if (r == 0)
		r = plat_win_widen(cmd, wcmd, CMDLINE_MAX);
	free(cmd);
	if (r < 0) {
		free(wcmd);
		return r;
	}
	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	if (std_in) {
		si.dwFlags = STARTF_USESTDHANDLES;
		si.hStdInput = std_in;
		si.hStdOutput = std_out;
		si.hStdError = std_err;
	}
	/* the application name stays NULL so that argv[0] is searched in PATH */
	if (!CreateProcessW(NULL, wcmd, NULL, NULL, std_in ? TRUE : FALSE,
			    flags | CREATE_UNICODE_ENVIRONMENT, NULL, NULL, &si, &pi)) {
		DWORD e = GetLastError();

		free(wcmd);
		return plat_win_errno(e);
	}
	free(wcmd);
	CloseHandle(pi.hThread);
	if ((r = add_child((int)pi.dwProcessId, pi.hProcess, false)) < 0) {
		TerminateProcess(pi.hProcess, 1);
		CloseHandle(pi.hProcess);
		return r;
	}
	*pid = (int)pi.dwProcessId;
	return 0;
}

int plat_spawn(char *const argv[], int *pid)
{
	/* a process group of its own, so that plat_terminate can send it Ctrl-Break */
	return create(argv, CREATE_NEW_PROCESS_GROUP, NULL, NULL, NULL, pid);
}

int plat_spawn_env(char *const argv[], char *const env[], int *pid)
{
	/* CreateProcess hands the child a copy of our environment: set the variables around it
	 * (the CLI and the session call this from their one thread) and restore them after */
	char *saved[64] = {NULL};
	char name[128];
	size_t n = 0;
	int r;

	for (; env && env[n]; n++) {
		size_t k = strcspn(env[n], "=");
		if (n >= 64 || k == 0 || k >= sizeof(name) || !env[n][k])
			break;
		memcpy(name, env[n], k);
		name[k] = '\0';
		const char *old = getenv(name);
		saved[n] = old ? _strdup(old) : NULL;
		_putenv_s(name, env[n] + k + 1);
	}
	r = (env && env[n]) ? -EINVAL : plat_spawn(argv, pid);
	for (size_t i = 0; i < n; i++) {
		size_t k = strcspn(env[i], "=");
		memcpy(name, env[i], k);
		name[k] = '\0';
		_putenv_s(name, saved[i] ? saved[i] : "");
		free(saved[i]);
	}
	return r;
}

int plat_wait(int pid, int timeout_ms, int *code)
{
	HANDLE h = NULL;

	lock();
	struct child *c = find_child(pid);
	if (c)
		h = c->h;
	unlock();
	if (!h)
		return -ECHILD;
	if (WaitForSingleObject(h, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms) != WAIT_OBJECT_0)
		return 0;
	return plat_reap(pid, code);
}

int plat_win_spawn_with(char *const argv[], HANDLE std_in, HANDLE std_out, HANDLE std_err,
			int *pid)
{
	return create(argv, CREATE_NEW_PROCESS_GROUP, std_in, std_out, std_err, pid);
}

struct call {
	int (*fn)(void *ctx);
	void *ctx;
};

static DWORD WINAPI call_main(LPVOID p)
{
	struct call c = *(struct call *)p;

	free(p);
	return (DWORD)(c.fn(c.ctx) & 0xff);
}

int plat_fork_call(int (*fn)(void *ctx), void *ctx, int *pid)
{
	struct call *c = malloc(sizeof(*c));
	DWORD tid;
	HANDLE h;
	int r;

	if (!c)
		return -ENOMEM;
	c->fn = fn;
	c->ctx = ctx;
	h = CreateThread(NULL, 0, call_main, c, 0, &tid);
	if (!h) {
		free(c);
		return plat_win_errno(GetLastError());
	}
	if ((r = add_child((int)tid, h, true)) < 0) {
		WaitForSingleObject(h, INFINITE);
		CloseHandle(h);
		return r;
	}
	*pid = (int)tid;
	return 0;
}

int plat_die_with_parent(int parent)
{
	(void)parent; /* plat_fork_call's "child" is a thread: it ends with its process */
	return 0;
}

int plat_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		unsigned chunk = len > 0x40000000u ? 0x40000000u : (unsigned)len;
		int w = _write(fd, p, chunk);

		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

void *plat_shared_alloc(size_t len)
{
	return calloc(1, len); /* plat_fork_call's "child" is a thread: ordinary memory is shared */
}

void plat_shared_free(void *p, size_t len)
{
	(void)len;
	free(p);
}

int plat_reap(int pid, int *code)
{
	struct child *c;
	DWORD st = 0;
	int r;

	lock();
	c = find_child(pid);
	if (!c) {
		unlock();
		return -ECHILD;
	}
	if (WaitForSingleObject(c->h, 0) != WAIT_OBJECT_0) {
		unlock();
		return 0;
	}
	r = c->thread ? GetExitCodeThread(c->h, &st) : GetExitCodeProcess(c->h, &st);
	CloseHandle(c->h);
	memset(c, 0, sizeof(*c));
	unlock();
	if (code)
		*code = r ? (int)(st > 255 ? 255 : st) : 1;
	return 1;
}

int plat_terminate(int pid, bool force)
{
	struct child *c;
	int r = 0;

	lock();
	c = find_child(pid);
	if (!c) {
		unlock();
		return -ESRCH;
	}
	if (c->thread) {
		r = -ENOTSUP; /* threads end on their own (probes are bounded in time) */
	} else if (force || !GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, (DWORD)pid)) {
		if (!TerminateProcess(c->h, force ? 137 : 143))
			r = plat_win_errno(GetLastError());
	}
	unlock();
	return r;
}

int plat_detach(int *report_fd, int *child)
{
	(void)report_fd;
	(void)child;
	return -ENOTSUP; /* no fork: on Windows the helper service keeps tunnels in the background */
}

void plat_detach_close_stdio(void)
{
	FILE *f;

	f = freopen("NUL", "r", stdin);
	f = freopen("NUL", "w", stdout);
	f = freopen("NUL", "w", stderr);
	(void)f;
}

int plat_read_password(const char *prompt, char *buf, size_t len)
{
	HANDLE in = CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
				OPEN_EXISTING, 0, NULL);
	HANDLE out;
	DWORD mode, n = 0;
	wchar_t *w;
	int r = 0;

	if (len == 0)
		return -EINVAL;
	if (in == INVALID_HANDLE_VALUE || !GetConsoleMode(in, &mode)) {
		if (in != INVALID_HANDLE_VALUE)
			CloseHandle(in);
		return -ENXIO;
	}
	out = CreateFileW(L"CONOUT$", GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	if (out != INVALID_HANDLE_VALUE) {
		WriteFile(out, prompt, (DWORD)strlen(prompt), &n, NULL);
	}
	w = calloc(len, sizeof(wchar_t));
	if (!w) {
		r = -ENOMEM;
		goto out;
	}
	SetConsoleMode(in, (mode | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT) & ~ENABLE_ECHO_INPUT);
	if (!ReadConsoleW(in, w, (DWORD)len - 1, &n, NULL)) {
		r = plat_win_errno(GetLastError());
	} else {
		while (n > 0 && (w[n - 1] == L'\n' || w[n - 1] == L'\r'))
			n--;
		w[n] = 0;
		r = plat_win_narrow(w, buf, len);
		if (r == 0)
			r = (int)strlen(buf);
	}
	SetConsoleMode(in, mode);
	SecureZeroMemory(w, len * sizeof(wchar_t));
	free(w);
	if (out != INVALID_HANDLE_VALUE)
		WriteFile(out, "\r\n", 2, &n, NULL);
out:
	if (out != INVALID_HANDLE_VALUE)
		CloseHandle(out);
	CloseHandle(in);
	return r;
}

int plat_no_core_dumps(void)
{
	SetErrorMode(GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	return 0;
}

void plat_lock_secret(void *p, size_t len)
{
	if (p && len)
		(void)VirtualLock(p, len);
}

bool plat_is_root(void)
{
	SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
	PSID admins;
	BOOL member = FALSE;

	if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID,
				      DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &admins))
		return false;
	/* with UAC the Administrators entry of a non-elevated token is deny-only: not a member */
	if (!CheckTokenMembership(NULL, admins, &member))
		member = FALSE;
	FreeSid(admins);
	return member != FALSE;
}

int plat_getpid(void)
{
	return (int)GetCurrentProcessId();
}

int plat_win_process_start(uint32_t pid, uint64_t *start_ms)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	FILETIME c, e, k, u;
	int r = 0;

	if (!h)
		return GetLastError() == ERROR_INVALID_PARAMETER ? -ESRCH
								  : plat_win_errno(GetLastError());
	if (GetProcessTimes(h, &c, &e, &k, &u))
		*start_ms = (((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime) / 10000u;
	else
		r = plat_win_errno(GetLastError());
	CloseHandle(h);
	return r;
}
