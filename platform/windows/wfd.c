/* wfd.c - the Windows descriptor table (events and named pipes as int fds, odd numbers so they
 * never collide with socket handles), the named-pipe read-ahead that turns overlapped I/O into
 * level-triggered readiness, error mapping and UTF-8/UTF-16 conversion. */
#include "plat_win.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define WFD_BASE 0x40000001 /* odd; far above CRT descriptors and socket handles seen in use */

static struct plat_wfd wfd_table[PLAT_WFD_MAX];

int plat_wfd_new(enum plat_wfd_kind kind, HANDLE h, HANDLE ev, bool borrowed_ev)
{
	for (int i = 0; i < PLAT_WFD_MAX; i++) {
		struct plat_wfd *w = &wfd_table[i];

		if (w->kind != PLAT_WFD_FREE)
			continue;
		memset(w, 0, sizeof(*w));
		w->kind = kind;
		w->h = h;
		w->ev = ev;
		w->borrowed_ev = borrowed_ev;
		w->ov.hEvent = ev;
		w->connected = kind == PLAT_WFD_PIPE;
		return WFD_BASE + 2 * i;
	}
	return -EMFILE;
}

bool plat_wfd_is_table(int fd)
{
	return fd >= WFD_BASE && (fd & 1) && (fd - WFD_BASE) / 2 < PLAT_WFD_MAX;
}

struct plat_wfd *plat_wfd_get(int fd)
{
	struct plat_wfd *w;

	if (!plat_wfd_is_table(fd))
		return NULL;
	w = &wfd_table[(fd - WFD_BASE) / 2];
	return w->kind == PLAT_WFD_FREE ? NULL : w;
}

struct plat_wfd *plat_wfd_find_listener(const char *path)
{
	for (int i = 0; i < PLAT_WFD_MAX; i++)
		if (wfd_table[i].kind == PLAT_WFD_PIPE_LISTEN && strcmp(wfd_table[i].path, path) == 0)
			return &wfd_table[i];
	return NULL;
}

void plat_wfd_close(int fd)
{
	struct plat_wfd *w = plat_wfd_get(fd);

	if (!w)
		return;
	if (w->h && w->pending) {
		DWORD n;

		CancelIoEx(w->h, &w->ov);
		GetOverlappedResult(w->h, &w->ov, &n, TRUE); /* the OVERLAPPED must outlive the I/O */
	}
	if (w->h && w->h != INVALID_HANDLE_VALUE)
		CloseHandle(w->h);
	if (w->ev && !w->borrowed_ev)
		CloseHandle(w->ev);
	if (w->owner_sd)
		LocalFree(w->owner_sd);
	memset(w, 0, sizeof(*w));
}

void plat_wfd_pipe_poll(struct plat_wfd *w)
{
	DWORD n = 0;

	if (w->kind != PLAT_WFD_PIPE || w->broken || w->have_ahead)
		return;
	if (w->pending) {
		if (!GetOverlappedResult(w->h, &w->ov, &n, FALSE)) {
			DWORD e = GetLastError();

			if (e == ERROR_IO_INCOMPLETE)
				return;
			w->pending = false;
			w->broken = true;
			w->err = e;
			return;
		}
		w->pending = false;
		if (n == 1)
			w->have_ahead = true;
		else
			w->broken = true; /* zero-byte completion: end of file */
		return;
	}
	ResetEvent(w->ev);
	if (ReadFile(w->h, &w->ahead, 1, &n, &w->ov)) {
		if (n == 1)
			w->have_ahead = true;
		else
			w->broken = true;
		return;
	}
	if (GetLastError() == ERROR_IO_PENDING) {
		w->pending = true;
		return;
	}
	w->err = GetLastError();
	w->broken = true;
}

void plat_wfd_listen_poll(struct plat_wfd *w)
{
	DWORD n;

	if (w->kind != PLAT_WFD_PIPE_LISTEN || w->connected || !w->pending)
		return;
	if (GetOverlappedResult(w->h, &w->ov, &n, FALSE)) {
		w->pending = false;
		w->connected = true;
	} else if (GetLastError() != ERROR_IO_INCOMPLETE) {
		/* the client came and went before we looked: accept reports it as a broken pipe */
		w->pending = false;
		w->connected = true;
	}
}

/* ---- errors -------------------------------------------------------------------------------- */

int plat_win_errno(DWORD err)
{
	switch (err) {
	case ERROR_SUCCESS: return 0;
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_NOT_FOUND:
	case ERROR_MOD_NOT_FOUND: return -ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_PRIVILEGE_NOT_HELD: return -EACCES;
	case ERROR_OBJECT_ALREADY_EXISTS:
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS: return -EEXIST;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY: return -ENOMEM;
	case ERROR_INVALID_PARAMETER:
	case ERROR_INVALID_NAME:
	case ERROR_INVALID_DATA: return -EINVAL;
	case ERROR_NOT_SUPPORTED:
	case ERROR_CALL_NOT_IMPLEMENTED:
	case ERROR_PROC_NOT_FOUND: return -ENOTSUP;
	case ERROR_PIPE_BUSY:
	case ERROR_BUSY: return -EBUSY;
	case ERROR_BROKEN_PIPE:
	case ERROR_NO_DATA:
	case ERROR_PIPE_NOT_CONNECTED: return -EPIPE;
	case ERROR_SEM_TIMEOUT:
	case WAIT_TIMEOUT: return -ETIMEDOUT;
	case ERROR_INSUFFICIENT_BUFFER:
	case ERROR_BUFFER_OVERFLOW: return -ENOSPC;
	case ERROR_NETWORK_UNREACHABLE: return -ENETUNREACH;
	case ERROR_HOST_UNREACHABLE: return -EHOSTUNREACH;
	case ERROR_INVALID_HANDLE: return -EBADF;
	case ERROR_NO_MORE_ITEMS: return -EAGAIN;
	default: return -EIO;
	}
}

int plat_wsa_errno(int err)
{
	switch (err) {
	case 0: return 0;
	case WSAEWOULDBLOCK: return -EAGAIN;
	case WSAEINPROGRESS:
	case WSAEALREADY: return -EINPROGRESS;
	case WSAEINTR: return -EINTR;
	case WSAECONNREFUSED: return -ECONNREFUSED;
	case WSAECONNRESET:
	case WSAECONNABORTED: return -ECONNRESET;
	case WSAENETUNREACH:
	case WSAENETDOWN: return -ENETUNREACH;
	case WSAEHOSTUNREACH:
	case WSAEHOSTDOWN: return -EHOSTUNREACH;
	case WSAETIMEDOUT: return -ETIMEDOUT;
	case WSAEADDRINUSE: return -EADDRINUSE;
	case WSAEADDRNOTAVAIL: return -EADDRNOTAVAIL;
	case WSAEACCES: return -EACCES;
	case WSAENOTSOCK:
	case WSAEBADF: return -EBADF;
	case WSAEMFILE: return -EMFILE;
	case WSAENOBUFS: return -ENOBUFS;
	case WSAENOTCONN: return -ENOTCONN;
	case WSAESHUTDOWN: return -EPIPE;
	case WSAEAFNOSUPPORT: return -EAFNOSUPPORT;
	case WSAEINVAL:
	case WSAEFAULT: return -EINVAL;
	case WSAHOST_NOT_FOUND:
	case WSANO_DATA: return -ENOENT;
	case WSATRY_AGAIN: return -EAGAIN;
	default: return -EIO;
	}
}

const char *plat_win_strerror(DWORD err, char *buf, size_t len)
{
	wchar_t w[256];
	DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
				 err, 0, w, (DWORD)(sizeof(w) / sizeof(w[0])), NULL);

	while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ' ||
			 w[n - 1] == L'.'))
		w[--n] = 0;
	if (n == 0 || plat_win_narrow(w, buf, len) != 0)
		snprintf(buf, len, "Windows error %lu", (unsigned long)err);
	return buf;
}

/* ---- strings ------------------------------------------------------------------------------- */

int plat_win_widen(const char *s, wchar_t *out, size_t count)
{
	int n;

	if (!s || count == 0 || count > INT32_MAX)
		return -EINVAL;
	n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, out, (int)count);
	if (n <= 0)
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EINVAL;
	return 0;
}

int plat_win_narrow(const wchar_t *s, char *out, size_t len)
{
	int n;

	if (!s || len == 0 || len > INT32_MAX)
		return -EINVAL;
	n = WideCharToMultiByte(CP_UTF8, 0, s, -1, out, (int)len, NULL, NULL);
	if (n <= 0)
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EINVAL;
	return 0;
}

int plat_win_wsa_init(void)
{
	static LONG done;
	WSADATA wd;
	int r;

	if (InterlockedCompareExchange(&done, 1, 0) != 0)
		return 0;
	r = WSAStartup(MAKEWORD(2, 2), &wd);
	if (r != 0) {
		InterlockedExchange(&done, 0);
		return plat_wsa_errno(r);
	}
	return 0;
}
