/* wintun.c - the TUN device on Windows through Wintun (wintun.dll, loaded at run time from the
 * directory of sstp.exe or the system search path): one adapter per session, one ring-buffer
 * session on it, packets read without blocking until the ring is empty, and the ring's read
 * event handed to the loop as a table descriptor. The function signatures follow the
 * documented wintun.h API (0.14); the DLL is not shipped with sstp. */
#include "plat_win_net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef void *WT_ADAPTER;
typedef void *WT_SESSION;

typedef WT_ADAPTER(WINAPI wt_create_fn)(LPCWSTR name, LPCWSTR type, const GUID *guid);
typedef void(WINAPI wt_close_fn)(WT_ADAPTER a);
typedef void(WINAPI wt_luid_fn)(WT_ADAPTER a, NET_LUID *luid);
typedef WT_SESSION(WINAPI wt_start_fn)(WT_ADAPTER a, DWORD capacity);
typedef void(WINAPI wt_end_fn)(WT_SESSION s);
typedef HANDLE(WINAPI wt_event_fn)(WT_SESSION s);
typedef BYTE *(WINAPI wt_recv_fn)(WT_SESSION s, DWORD *size);
typedef void(WINAPI wt_release_fn)(WT_SESSION s, const BYTE *pkt);
typedef BYTE *(WINAPI wt_alloc_fn)(WT_SESSION s, DWORD size);
typedef void(WINAPI wt_send_fn)(WT_SESSION s, const BYTE *pkt);

static struct {
	HMODULE dll;
	wt_create_fn *create;
	wt_close_fn *close;
	wt_luid_fn *luid;
	wt_start_fn *start;
	wt_end_fn *end;
	wt_event_fn *event;
	wt_recv_fn *recv;
	wt_release_fn *release;
	wt_alloc_fn *alloc;
	wt_send_fn *send;
} wt;

#define WT_RING_CAPACITY 0x400000u /* 4 MiB, a power of two within Wintun's limits */
#define WT_MAX_PACKET 0xFFFFu

/* Cast through FARPROC's generic form without a function-pointer-to-object warning. */
#define LOAD(field, name)                                                             \
	do {                                                                          \
		FARPROC p_ = GetProcAddress(wt.dll, name);                            \
		if (!p_)                                                              \
			goto missing;                                                 \
		memcpy(&wt.field, &p_, sizeof(p_));                                   \
	} while (0)

int plat_wintun_load(char *err, size_t errlen)
{
	if (wt.dll)
		return 0;
	/* the application's directory first, then System32: never the current directory */
	wt.dll = LoadLibraryExW(L"wintun.dll", NULL,
				LOAD_LIBRARY_SEARCH_APPLICATION_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
	if (!wt.dll) {
		snprintf(err, errlen,
			 "wintun.dll not found next to sstp.exe or in System32: install Wintun "
			 "(https://www.wintun.net) to create the tunnel adapter");
		return -ENOENT;
	}
	LOAD(create, "WintunCreateAdapter");
	LOAD(close, "WintunCloseAdapter");
	LOAD(luid, "WintunGetAdapterLUID");
	LOAD(start, "WintunStartSession");
	LOAD(end, "WintunEndSession");
	LOAD(event, "WintunGetReadWaitEvent");
	LOAD(recv, "WintunReceivePacket");
	LOAD(release, "WintunReleaseReceivePacket");
	LOAD(alloc, "WintunAllocateSendPacket");
	LOAD(send, "WintunSendPacket");
	return 0;
missing:
	FreeLibrary(wt.dll);
	memset(&wt, 0, sizeof(wt));
	snprintf(err, errlen, "wintun.dll is too old or not Wintun (a function is missing)");
	return -ENOTSUP;
}

int plat_wintun_open(struct plat_wintun *t, const char *name, char *err, size_t errlen)
{
	wchar_t wname[PLAT_NET_IFNAME_MAX];
	NET_LUID luid;
	int r;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if ((r = plat_wintun_load(err, errlen)) < 0)
		return r;
	if ((r = plat_win_widen(name, wname, PLAT_NET_IFNAME_MAX)) < 0)
		return r;
	t->adapter = wt.create(wname, L"sstp", NULL);
	if (!t->adapter) {
		DWORD e = GetLastError();
		char m[160];

		snprintf(err, errlen, "creating the Wintun adapter %s: %s", name,
			 plat_win_strerror(e, m, sizeof(m)));
		return plat_win_errno(e);
	}
	wt.luid(t->adapter, &luid);
	t->luid = luid.Value;
	if (ConvertInterfaceLuidToIndex(&luid, (NET_IFINDEX *)&t->ifindex) != NO_ERROR)
		t->ifindex = 0;
	t->session = wt.start(t->adapter, WT_RING_CAPACITY);
	if (!t->session) {
		DWORD e = GetLastError();
		char m[160];

		wt.close(t->adapter);
		t->adapter = NULL;
		snprintf(err, errlen, "starting the Wintun session on %s: %s", name,
			 plat_win_strerror(e, m, sizeof(m)));
		return plat_win_errno(e);
	}
	/* the event belongs to the session: the descriptor only borrows it */
	t->fd = plat_wfd_new(PLAT_WFD_EVENT, NULL, wt.event(t->session), true);
	if (t->fd < 0) {
		plat_wintun_close(t);
		return -EMFILE;
	}
	return 0;
}

void plat_wintun_close(struct plat_wintun *t)
{
	if (t->fd >= 0)
		plat_wfd_close(t->fd);
	t->fd = -1;
	if (t->session)
		wt.end(t->session);
	t->session = NULL;
	if (t->adapter)
		wt.close(t->adapter); /* an adapter we created is removed with its handle */
	t->adapter = NULL;
}

int plat_wintun_read_batch(struct plat_wintun *t, struct plat_pkt *pkts, size_t max)
{
	size_t n = 0;

	if (!t->session)
		return -EBADF;
	while (n < max) {
		DWORD size = 0;
		BYTE *p = wt.recv(t->session, &size);

		if (!p) {
			DWORD e = GetLastError();

			if (e == ERROR_NO_MORE_ITEMS)
				break;
			return n ? (int)n : (e == ERROR_HANDLE_EOF ? -ENODEV : plat_win_errno(e));
		}
		if (size <= pkts[n].cap) { /* longer than the caller's buffer: dropped */
			memcpy(pkts[n].buf, p, size);
			pkts[n].len = size;
			n++;
		}
		wt.release(t->session, p);
	}
	return (int)n;
}

int plat_wintun_write(struct plat_wintun *t, const uint8_t *pkt, size_t len)
{
	BYTE *p;

	if (!t->session)
		return -EBADF;
	if (len == 0 || len > WT_MAX_PACKET)
		return -EMSGSIZE;
	p = wt.alloc(t->session, (DWORD)len);
	if (!p)
		return GetLastError() == ERROR_BUFFER_OVERFLOW ? -EAGAIN : plat_win_errno(GetLastError());
	memcpy(p, pkt, len);
	wt.send(t->session, p);
	return 0;
}
