/* ctl.c - the control channel on Windows: a byte-mode named pipe per session path
 * (\\.\pipe\sstp-<escaped path>), local clients only, with an explicit protected DACL (SYSTEM,
 * Administrators, the creating user, the configured group; see plat_win_pipe_sddl), overlapped
 * I/O so the loop can wait on it, bounded send/receive, and listing by pipe name. "uid" on
 * Windows is the last sub-authority (RID) of the user's SID. */
#include "plat_ctl.h"
#include "plat_win.h"

#include <aclapi.h>
#include <errno.h>
#include <sddl.h>
#include <stdio.h>
#include <string.h>

#define PIPE_BUF_SIZE 65536
/* FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES: read and write the pipe, but not
 * FILE_CREATE_PIPE_INSTANCE (== FILE_APPEND_DATA, part of GENERIC_WRITE), which would let a
 * client squat the name with an instance of its own. */
#define PIPE_CLIENT_RIGHTS "0x0012018b"

static char ctl_group_sid[192];

const char *plat_win_ctl_group_sid(void)
{
	return ctl_group_sid[0] ? ctl_group_sid : NULL;
}

void plat_win_ctl_set_group_sid(const char *sid)
{
	snprintf(ctl_group_sid, sizeof(ctl_group_sid), "%s", sid ? sid : "");
}

static bool name_char_ok(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

int plat_win_pipe_name(const char *path, char *out, size_t len)
{
	size_t k = strlen(PLAT_WIN_PIPE_PREFIX);

	if (!path || !*path)
		return -EINVAL;
	if (len < k + 1)
		return -ENAMETOOLONG;
	memcpy(out, PLAT_WIN_PIPE_PREFIX, k);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p == '\\' ? '/' : *p; /* one spelling for both separators */

		if (name_char_ok(c)) {
			if (k + 2 > len)
				return -ENAMETOOLONG;
			out[k++] = (char)c;
		} else {
			if (k + 4 > len)
				return -ENAMETOOLONG;
			snprintf(out + k, 4, "~%02x", c);
			k += 3;
		}
	}
	out[k] = '\0';
	return k < PLAT_WIN_PIPE_MAX ? 0 : -ENAMETOOLONG;
}

bool plat_win_sid_string_ok(const char *s)
{
	if (strncmp(s, "S-1-", 4) != 0)
		return false;
	for (const char *p = s + 4; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

int plat_win_pipe_sddl(const char *user_sid, const char *group_sid, char *out, size_t len)
{
	int n, m;

	if ((user_sid && !plat_win_sid_string_ok(user_sid)) || (group_sid && !plat_win_sid_string_ok(group_sid)))
		return -EINVAL;
	/* D:P = protected: nothing is inherited, so only these entries exist. */
	n = snprintf(out, len, "D:P(A;;GA;;;SY)(A;;GA;;;BA)");
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	if (user_sid) { /* the creator needs FILE_CREATE_PIPE_INSTANCE for the next instances */
		m = snprintf(out + n, len - (size_t)n, "(A;;GA;;;%s)", user_sid);
		if (m < 0 || (size_t)m >= len - (size_t)n)
			return -ENOSPC;
		n += m;
	}
	if (group_sid) {
		m = snprintf(out + n, len - (size_t)n, "(A;;" PIPE_CLIENT_RIGHTS ";;;%s)", group_sid);
		if (m < 0 || (size_t)m >= len - (size_t)n)
			return -ENOSPC;
	}
	return 0;
}

/* The SID string and RID of this process's user. */
static int self_user(char *sid, size_t len, uint32_t *rid)
{
	HANDLE tok;
	union {
		TOKEN_USER tu;
		uint8_t raw[256];
	} u;
	DWORD n;
	char *s = NULL;
	int r = -EIO;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return plat_win_errno(GetLastError());
	if (GetTokenInformation(tok, TokenUser, &u, sizeof(u), &n)) {
		PSID psid = u.tu.User.Sid;

		if (rid)
			*rid = *GetSidSubAuthority(psid, *GetSidSubAuthorityCount(psid) - 1u);
		r = 0;
		if (sid) {
			if (ConvertSidToStringSidA(psid, &s) && strlen(s) < len) {
				memcpy(sid, s, strlen(s) + 1);
			} else {
				r = -ENOSPC;
			}
			if (s)
				LocalFree(s);
		}
	}
	CloseHandle(tok);
	return r;
}

uint32_t plat_ctl_my_uid(void)
{
	uint32_t rid = UINT32_MAX;

	self_user(NULL, 0, &rid);
	return rid;
}

static HANDLE new_instance(const wchar_t *name, void *sd, bool first)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), sd, FALSE };

	return CreateNamedPipeW(name,
				PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED |
					(first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
				PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
					PIPE_REJECT_REMOTE_CLIENTS,
				PIPE_UNLIMITED_INSTANCES, PIPE_BUF_SIZE, PIPE_BUF_SIZE, 0, &sa);
}

/* Start waiting for a client on w's instance. */
static void start_connect(struct plat_wfd *w)
{
	ResetEvent(w->ev);
	memset(&w->ov, 0, sizeof(w->ov));
	w->ov.hEvent = w->ev;
	w->connected = false;
	w->pending = false;
	if (ConnectNamedPipe(w->h, &w->ov))
		w->connected = true;
	else if (GetLastError() == ERROR_IO_PENDING)
		w->pending = true;
	else
		w->connected = true; /* ERROR_PIPE_CONNECTED, or ERROR_NO_DATA: accept sorts it out */
}

static int pipe_wname(const char *path, wchar_t *wname)
{
	char name[PLAT_WIN_PIPE_MAX];
	int r = plat_win_pipe_name(path, name, sizeof(name));

	return r < 0 ? r : plat_win_widen(name, wname, PLAT_WIN_PIPE_MAX);
}

/* A security descriptor for the control pipes of this process (LocalFree it). */
static int make_sd(void **sd)
{
	char sddl[512], user[192];
	int r;

	if ((r = self_user(user, sizeof(user), NULL)) < 0)
		return r;
	if ((r = plat_win_pipe_sddl(user, plat_win_ctl_group_sid(), sddl, sizeof(sddl))) < 0)
		return r;
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, sd, NULL))
		return plat_win_errno(GetLastError());
	return 0;
}

int plat_win_ctl_apply_access(const char *path)
{
	struct plat_wfd *w = plat_wfd_find_listener(path);
	void *sd = NULL;
	int r;

	if (!w)
		return 0;
	if ((r = make_sd(&sd)) < 0)
		return r;
	if (!SetKernelObjectSecurity(w->h, DACL_SECURITY_INFORMATION, sd)) {
		r = plat_win_errno(GetLastError());
		LocalFree(sd);
		return r;
	}
	LocalFree(w->owner_sd);
	w->owner_sd = sd;
	return 0;
}

int plat_ctl_listen(const char *path)
{
	wchar_t wname[PLAT_WIN_PIPE_MAX];
	void *sd = NULL;
	HANDLE h, ev;
	int r, fd;

	if ((r = pipe_wname(path, wname)) < 0)
		return r;
	/* A name that exists belongs to a live process (pipes vanish with their last handle).
	 * FILE_FLAG_FIRST_PIPE_INSTANCE below closes the race on Windows; this check also covers
	 * emulations that do not enforce that flag (Wine). WaitNamedPipe does not connect. */
	if (WaitNamedPipeW(wname, 1) || GetLastError() != ERROR_FILE_NOT_FOUND)
		return -EADDRINUSE;
	if ((r = make_sd(&sd)) < 0)
		return r;
	h = new_instance(wname, sd, true);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();

		LocalFree(sd);
		/* a live process serves this name (pipes vanish with their process: nothing stale) */
		return e == ERROR_ACCESS_DENIED || e == ERROR_PIPE_BUSY ? -EADDRINUSE : plat_win_errno(e);
	}
	ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ev || (fd = plat_wfd_new(PLAT_WFD_PIPE_LISTEN, h, ev, false)) < 0) {
		if (ev)
			CloseHandle(ev);
		CloseHandle(h);
		LocalFree(sd);
		return -EMFILE;
	}
	struct plat_wfd *w = plat_wfd_get(fd);
	w->owner_sd = sd;
	snprintf(w->path, sizeof(w->path), "%s", path);
	start_connect(w);
	return fd;
}

/* Group membership of recent peers, evaluated on their own tokens at accept time (the RID alone
 * cannot be looked up in a group database); plat_uid_in_group (svc.c) reads it. */
#define PEER_CACHE 16
static struct {
	uint32_t uid;
	bool in_group;
} peer_cache[PEER_CACHE];
static unsigned peer_next;

int plat_win_peer_in_group(uint32_t uid)
{
	for (int i = 0; i < PEER_CACHE; i++)
		if (peer_cache[i].uid == uid && uid != UINT32_MAX)
			return peer_cache[i].in_group ? 1 : 0;
	return 0;
}

static bool token_member(HANDLE tok, PSID sid)
{
	HANDLE imp;
	BOOL member = FALSE;

	if (!DuplicateToken(tok, SecurityIdentification, &imp))
		return false;
	if (!CheckTokenMembership(imp, sid, &member))
		member = FALSE;
	CloseHandle(imp);
	return member != FALSE;
}

/* uid: 0 for SYSTEM and elevated Administrators (the peers root stands for on Linux), else the
 * RID of the user's SID. */
static void peer_of(HANDLE pipe, struct plat_ctl_peer *peer)
{
	ULONG pid = 0;
	HANDLE proc, tok;
	union {
		TOKEN_USER tu;
		uint8_t raw[256];
	} u;
	DWORD n;

	peer->uid = UINT32_MAX;
	peer->gid = UINT32_MAX;
	peer->pid = -1;
	if (!GetNamedPipeClientProcessId(pipe, &pid))
		return;
	peer->pid = (int32_t)pid;
	proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	if (!proc)
		return;
	if (OpenProcessToken(proc, TOKEN_QUERY | TOKEN_DUPLICATE, &tok)) {
		if (GetTokenInformation(tok, TokenUser, &u, sizeof(u), &n)) {
			PSID s = u.tu.User.Sid, admins = NULL, group = NULL;
			SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
			const char *g = plat_win_ctl_group_sid();

			peer->uid = *GetSidSubAuthority(s, *GetSidSubAuthorityCount(s) - 1u);
			if (IsWellKnownSid(s, WinLocalSystemSid))
				peer->uid = 0;
			else if (AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID,
							  DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0,
							  &admins)) {
				if (token_member(tok, admins))
					peer->uid = 0;
				FreeSid(admins);
			}
			if (g && ConvertStringSidToSidA(g, &group)) {
				unsigned i = peer_next++ % PEER_CACHE;

				peer_cache[i].uid = peer->uid;
				peer_cache[i].in_group = token_member(tok, group);
				LocalFree(group);
			}
		}
		CloseHandle(tok);
	}
	CloseHandle(proc);
}

int plat_ctl_accept(int listen_fd, struct plat_ctl_peer *peer)
{
	struct plat_wfd *w = plat_wfd_get(listen_fd);
	wchar_t wname[PLAT_WIN_PIPE_MAX];
	HANDLE conn, next, ev;
	int fd, r;

	if (!w || w->kind != PLAT_WFD_PIPE_LISTEN)
		return -EBADF;
	plat_wfd_listen_poll(w);
	if (!w->connected)
		return -EAGAIN;
	if ((r = pipe_wname(w->path, wname)) < 0)
		return r;
	next = new_instance(wname, w->owner_sd, false);
	if (next == INVALID_HANDLE_VALUE)
		return plat_win_errno(GetLastError());
	ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ev) {
		CloseHandle(next);
		return -ENOMEM;
	}
	conn = w->h;
	fd = plat_wfd_new(PLAT_WFD_PIPE, conn, ev, false);
	if (fd < 0) {
		CloseHandle(ev);
		CloseHandle(next);
		return fd;
	}
	if (peer)
		peer_of(conn, peer);
	w->h = next; /* the listener goes on with a fresh instance */
	start_connect(w);
	return fd;
}

bool plat_win_under_wine(void)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");

	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}

bool plat_win_pipe_owner_ok(const char *owner_sid, const char *self_sid, const char *self_owner)
{
	if (!owner_sid)
		return false;
	return strcmp(owner_sid, "S-1-5-18") == 0 || strcmp(owner_sid, "S-1-5-32-544") == 0 ||
	       (self_sid && strcmp(owner_sid, self_sid) == 0) ||
	       (self_owner && strcmp(owner_sid, self_owner) == 0);
}

/* This process's token default owner (what objects it creates are owned by) as a SID string. */
static int self_default_owner(char *sid, size_t len)
{
	HANDLE tok;
	union {
		TOKEN_OWNER to;
		uint8_t raw[256];
	} u;
	DWORD n;
	char *s = NULL;
	int r = -EIO;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return plat_win_errno(GetLastError());
	if (GetTokenInformation(tok, TokenOwner, &u, sizeof(u), &n) &&
	    ConvertSidToStringSidA(u.to.Owner, &s)) {
		r = strlen(s) < len ? 0 : -ENOSPC;
		if (r == 0)
			memcpy(sid, s, strlen(s) + 1);
		LocalFree(s);
	}
	CloseHandle(tok);
	return r;
}

/* The owner of the pipe h leads to (the process that created it), checked before the first byte
 * goes out. -EPROTO when it is not one we trust (plat_win_pipe_owner_ok). */
static int check_server(HANDLE h)
{
	PSID owner = NULL;
	PSECURITY_DESCRIPTOR sd = NULL;
	char self[192], self_owner[192], *os = NULL;
	int r;

	if ((r = self_user(self, sizeof(self), NULL)) < 0 ||
	    (r = self_default_owner(self_owner, sizeof(self_owner))) < 0)
		return r;
	if (GetSecurityInfo(h, SE_KERNEL_OBJECT, OWNER_SECURITY_INFORMATION, &owner, NULL, NULL,
			    NULL, &sd) != ERROR_SUCCESS)
		return -EPROTO; /* unreadable: not a pipe we made (ours grant READ_CONTROL) */
	r = owner && ConvertSidToStringSidA(owner, &os) &&
			    plat_win_pipe_owner_ok(os, self, self_owner) ? 0 : -EPROTO;
	if (os)
		LocalFree(os);
	LocalFree(sd);
	return r;
}

int plat_ctl_connect(const char *path, int timeout_ms)
{
	wchar_t wname[PLAT_WIN_PIPE_MAX];
	uint64_t deadline = GetTickCount64() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	HANDLE h, ev;
	int r, fd;

	if ((r = pipe_wname(path, wname)) < 0)
		return r;
	for (;;) {
		h = CreateFileW(wname, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
				FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
				NULL);
		if (h != INVALID_HANDLE_VALUE)
			break;
		DWORD e = GetLastError();
		uint64_t now = GetTickCount64();

		if (e != ERROR_PIPE_BUSY)
			return e == ERROR_FILE_NOT_FOUND ? -ENOENT : plat_win_errno(e);
		if (now >= deadline)
			return -ETIMEDOUT;
		WaitNamedPipeW(wname, (DWORD)(deadline - now));
	}
	if ((r = check_server(h)) < 0) {
		CloseHandle(h);
		return r;
	}
	ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ev || (fd = plat_wfd_new(PLAT_WFD_PIPE, h, ev, false)) < 0) {
		if (ev)
			CloseHandle(ev);
		CloseHandle(h);
		return -EMFILE;
	}
	return fd;
}

/* Wait for an overlapped operation on h at most timeout_ms (-1: no limit); cancel it on
 * timeout. Returns the bytes moved or -errno. */
static ssize_t finish(HANDLE h, OVERLAPPED *ov, int timeout_ms)
{
	DWORD n = 0;

	if (WaitForSingleObject(ov->hEvent, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms) !=
	    WAIT_OBJECT_0) {
		CancelIoEx(h, ov);
		if (GetOverlappedResult(h, ov, &n, TRUE) && n > 0)
			return (ssize_t)n; /* completed while we gave up */
		return -ETIMEDOUT;
	}
	if (!GetOverlappedResult(h, ov, &n, FALSE))
		return GetLastError() == ERROR_BROKEN_PIPE ? 0 : plat_win_errno(GetLastError());
	return (ssize_t)n;
}

ssize_t plat_ctl_send(int fd, const void *buf, size_t len, int timeout_ms)
{
	struct plat_wfd *w = plat_wfd_get(fd);
	const uint8_t *p = buf;
	uint64_t deadline = GetTickCount64() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	size_t done = 0;
	OVERLAPPED ov;

	if (!w || w->kind != PLAT_WFD_PIPE)
		return -EBADF;
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ov.hEvent)
		return -ENOMEM;
	while (done < len) {
		DWORD chunk = len - done > PIPE_BUF_SIZE ? PIPE_BUF_SIZE : (DWORD)(len - done), n = 0;
		uint64_t now = GetTickCount64();
		ssize_t r;

		ResetEvent(ov.hEvent);
		if (WriteFile(w->h, p + done, chunk, &n, &ov)) {
			done += n;
			continue;
		}
		if (GetLastError() != ERROR_IO_PENDING) {
			DWORD e = GetLastError();

			CloseHandle(ov.hEvent);
			return done ? (ssize_t)done : plat_win_errno(e);
		}
		r = finish(w->h, &ov, now >= deadline ? 0 : (int)(deadline - now));
		if (r <= 0) {
			CloseHandle(ov.hEvent);
			return done ? (ssize_t)done : (r == 0 ? -EPIPE : r);
		}
		done += (size_t)r;
	}
	CloseHandle(ov.hEvent);
	return (ssize_t)done;
}

ssize_t plat_ctl_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	struct plat_wfd *w = plat_wfd_get(fd);
	uint8_t *p = buf;
	size_t got = 0;
	DWORD avail = 0;

	if (!w || w->kind != PLAT_WFD_PIPE)
		return -EBADF;
	if (len == 0)
		return 0;
	plat_wfd_pipe_poll(w);
	if (!w->have_ahead && !w->broken && timeout_ms != 0) {
		WaitForSingleObject(w->ev, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		plat_wfd_pipe_poll(w);
	}
	if (!w->have_ahead)
		return w->broken ? (w->err && w->err != ERROR_BROKEN_PIPE ? plat_win_errno(w->err) : 0)
				 : -EAGAIN;
	p[got++] = w->ahead;
	w->have_ahead = false;
	/* then whatever else is already in the pipe, without waiting */
	if (got < len && PeekNamedPipe(w->h, NULL, 0, NULL, &avail, NULL) && avail > 0) {
		OVERLAPPED ov;
		DWORD want = avail < len - got ? avail : (DWORD)(len - got), n = 0;

		memset(&ov, 0, sizeof(ov));
		ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
		if (ov.hEvent) {
			if (ReadFile(w->h, p + got, want, &n, &ov) ||
			    (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(w->h, &ov, &n, TRUE)))
				got += n;
			CloseHandle(ov.hEvent);
		}
	}
	return (ssize_t)got;
}

void plat_ctl_unlink(const char *path)
{
	(void)path; /* a pipe disappears with its last handle: nothing on disk */
}

void plat_ctl_close(int fd)
{
	plat_wfd_close(fd);
}

size_t plat_ctl_list(const char *dir, char (*names)[72], size_t max)
{
	char prefix[PLAT_WIN_PIPE_MAX], dirslash[PLAT_WIN_PIPE_MAX];
	const char *stem;
	WIN32_FIND_DATAW fd;
	HANDLE f;
	size_t n = 0, plen;

	if (snprintf(dirslash, sizeof(dirslash), "%s/", dir) >= (int)sizeof(dirslash) ||
	    plat_win_pipe_name(dirslash, prefix, sizeof(prefix)) != 0)
		return 0;
	stem = prefix + strlen("\\\\.\\pipe\\"); /* listing gives names without the pipe root */
	plen = strlen(stem);
	f = FindFirstFileW(L"\\\\.\\pipe\\*", &fd);
	if (f == INVALID_HANDLE_VALUE)
		return 0;
	do {
		char name[PLAT_WIN_PIPE_MAX];
		size_t nl;

		if (plat_win_narrow(fd.cFileName, name, sizeof(name)) != 0)
			continue;
		nl = strlen(name);
		if (nl <= plen + 5 || strncmp(name, stem, plen) != 0 ||
		    strcmp(name + nl - 5, ".sock") != 0 || nl - plen - 5 >= 72)
			continue;
		if (memchr(name + plen, '~', nl - plen - 5))
			continue; /* a deeper path, not a session of this directory */
		if (n < max) {
			memcpy(names[n], name + plen, nl - plen - 5);
			names[n][nl - plen - 5] = '\0';
			n++;
		}
	} while (FindNextFileW(f, &fd));
	FindClose(f);
	/* sorted, like the Linux listing */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[72];

			memcpy(t, names[j], 72);
			memcpy(names[j], names[j - 1], 72);
			memcpy(names[j - 1], t, 72);
		}
	return n;
}
