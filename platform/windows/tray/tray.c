/* tray.c - plat_tray.h on Windows: a hidden top-level window (it receives the shell's
 * "TaskbarCreated" broadcast, which message-only windows do not) owns a notification-area icon
 * (Shell_NotifyIconW, NOTIFYICON_VERSION_4) drawn at start for each look (tray_text.c), a popup
 * menu (right or left click, or the keyboard), a resizable details window with a read-only EDIT
 * control, the password dialog (tray_secret.c) and balloon/toast notifications (NIF_INFO). The
 * main loop is MsgWaitForMultipleObjectsEx over the watched descriptor's wait handle (the control
 * pipe's read-ahead event, plat_win.h) and the window messages (those of the password dialog
 * through IsDialogMessageW); the periodic callback is a window timer. Built only for sstp-tray. */
#include "plat_tray.h"
#include "plat_win.h"
#include "tray_secret.h"
#include "tray_win.h"

#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAY_CLASS L"sstp-tray"
#define DETAILS_CLASS L"sstp-tray-details"
#define WM_TRAY (WM_APP + 1)
#define TRAY_UID 1
#define TIMER_EVERY 1
#define TIMER_WATCH 2   /* serves the watch while a modal loop (menu, move/size) runs */
#define WATCH_POLL_MS 100
#define MENU_ID_BASE 100
#define MAX_ITEMS 512

struct tray_item {
	wchar_t *label; /* NULL for a separator */
	int action;
	unsigned flags;
};

struct plat_tray {
	HWND hwnd, details, edit;
	HICON icons[4];
	HFONT font;
	int dpi;             /* of the screen, for the details window's size and margins */
	UINT msg_taskbar_created;
	bool added;          /* the shell has our icon */
	enum plat_tray_icon look;
	wchar_t tip[128];
	struct tray_item *items;
	size_t n_items;
	plat_tray_action_fn *cb;
	void *ctx;
	int watch_fd;
	WSAEVENT watch_sev;  /* socket watches: the WSAEventSelect event */
	plat_tray_cb_fn *watch_cb, *timer_cb;
	void *watch_ctx, *timer_ctx;
	int modal;           /* depth of modal loops (menu, move/size) */
};

/* ---- init --------------------------------------------------------------------------------- */

/* A GUI-subsystem program started from a console has no standard handles: borrow the parent's
 * console so that --help and errors are seen there. */
static void attach_console(void)
{
	HANDLE h = GetStdHandle(STD_ERROR_HANDLE);

	if (h && h != INVALID_HANDLE_VALUE)
		return;
	if (!AttachConsole(ATTACH_PARENT_PROCESS))
		return;
	if (!freopen("CONOUT$", "w", stdout))
		return;
	if (!freopen("CONOUT$", "w", stderr))
		return;
}

int plat_tray_init(int *argc, char ***argv, char *err, size_t errlen)
{
	(void)argc;
	(void)argv;
	attach_console();
	/* icons and fonts follow the display's scale instead of being stretched */
	SetProcessDPIAware();
	if (!GetDesktopWindow()) {
		snprintf(err, errlen, "no desktop to show a notification-area icon on");
		return -1;
	}
	return 0;
}

/* ---- icons ---------------------------------------------------------------------------------- */

static HICON make_icon(enum plat_tray_icon which, int px)
{
	BITMAPV5HEADER bh;
	HBITMAP color, mask;
	ICONINFO ii;
	void *bits = NULL;
	HICON icon = NULL;
	HDC dc;

	memset(&bh, 0, sizeof(bh));
	bh.bV5Size = sizeof(bh);
	bh.bV5Width = px;
	bh.bV5Height = -px; /* top-down */
	bh.bV5Planes = 1;
	bh.bV5BitCount = 32;
	bh.bV5Compression = BI_BITFIELDS;
	bh.bV5RedMask = 0x00FF0000;
	bh.bV5GreenMask = 0x0000FF00;
	bh.bV5BlueMask = 0x000000FF;
	bh.bV5AlphaMask = 0xFF000000;
	dc = GetDC(NULL);
	color = CreateDIBSection(dc, (BITMAPINFO *)&bh, DIB_RGB_COLORS, &bits, NULL, 0);
	ReleaseDC(NULL, dc);
	if (!color || !bits)
		return NULL;
	plat_wtray_draw_icon(which, px, bits);
	GdiFlush();
	mask = CreateBitmap(px, px, 1, 1, NULL); /* unused with an alpha channel, but required */
	if (mask) {
		memset(&ii, 0, sizeof(ii));
		ii.fIcon = TRUE;
		ii.hbmColor = color;
		ii.hbmMask = mask;
		icon = CreateIconIndirect(&ii);
		DeleteObject(mask);
	}
	DeleteObject(color);
	return icon;
}

/* ---- the notification-area icon ------------------------------------------------------------- */

static void nid_init(struct plat_tray *t, NOTIFYICONDATAW *nid)
{
	memset(nid, 0, sizeof(*nid));
	nid->cbSize = sizeof(*nid);
	nid->hWnd = t->hwnd;
	nid->uID = TRAY_UID;
}

/* NIM_ADD (again, after an explorer restart), then the version-4 message format. */
static void icon_add(struct plat_tray *t)
{
	NOTIFYICONDATAW nid;

	nid_init(t, &nid);
	nid.uFlags = NIF_MESSAGE | NIF_ICON | NIF_TIP | NIF_SHOWTIP;
	nid.uCallbackMessage = WM_TRAY;
	nid.hIcon = t->icons[t->look];
	memcpy(nid.szTip, t->tip, sizeof(nid.szTip));
	Shell_NotifyIconW(NIM_DELETE, &nid); /* a stale one from before the restart */
	t->added = Shell_NotifyIconW(NIM_ADD, &nid) != FALSE;
	if (t->added) {
		nid.uVersion = NOTIFYICON_VERSION_4;
		Shell_NotifyIconW(NIM_SETVERSION, &nid);
	}
}

static void icon_update(struct plat_tray *t)
{
	NOTIFYICONDATAW nid;

	if (!t->added) { /* no shell yet when we started: try again now */
		icon_add(t);
		return;
	}
	nid_init(t, &nid);
	nid.uFlags = NIF_ICON | NIF_TIP | NIF_SHOWTIP;
	nid.hIcon = t->icons[t->look];
	memcpy(nid.szTip, t->tip, sizeof(nid.szTip));
	if (!Shell_NotifyIconW(NIM_MODIFY, &nid))
		icon_add(t);
}

void plat_tray_set_icon(struct plat_tray *t, enum plat_tray_icon icon, const char *tooltip)
{
	if ((unsigned)icon > PLAT_TRAY_ERROR)
		icon = PLAT_TRAY_ERROR;
	t->look = icon;
	plat_wtray_widen(tooltip, t->tip, sizeof(t->tip) / sizeof(t->tip[0]), true, NULL);
	icon_update(t);
	if (t->details) {
		SendMessageW(t->details, WM_SETICON, ICON_SMALL, (LPARAM)t->icons[icon]);
		SendMessageW(t->details, WM_SETICON, ICON_BIG, (LPARAM)t->icons[icon]);
	}
}

void plat_tray_notify(struct plat_tray *t, const char *summary, const char *body, bool urgent)
{
	NOTIFYICONDATAW nid;

	if (!t->added)
		return; /* like a desktop without a notification server: dropped */
	nid_init(t, &nid);
	nid.uFlags = NIF_INFO;
	nid.dwInfoFlags = urgent ? NIIF_WARNING : NIIF_INFO;
	plat_wtray_widen(summary, nid.szInfoTitle, sizeof(nid.szInfoTitle) / sizeof(wchar_t), true,
			 NULL);
	plat_wtray_widen(body, nid.szInfo, sizeof(nid.szInfo) / sizeof(wchar_t), true, NULL);
	if (!nid.szInfo[0]) /* an empty text would remove the balloon instead */
		wcscpy(nid.szInfo, L" ");
	Shell_NotifyIconW(NIM_MODIFY, &nid);
}

/* A modal loop (the menu, moving or sizing the details window) does not return to
 * plat_tray_run: a timer serves the watch meanwhile. */
static void modal_enter(struct plat_tray *t)
{
	if (t->modal++ == 0)
		SetTimer(t->hwnd, TIMER_WATCH, WATCH_POLL_MS, NULL);
}

static void modal_leave(struct plat_tray *t)
{
	if (t->modal > 0 && --t->modal == 0)
		KillTimer(t->hwnd, TIMER_WATCH);
}

/* ---- menu ----------------------------------------------------------------------------------- */

static void free_items(struct plat_tray *t)
{
	for (size_t i = 0; i < t->n_items; i++)
		free(t->items[i].label);
	free(t->items);
	t->items = NULL;
	t->n_items = 0;
}

void plat_tray_set_menu(struct plat_tray *t, const struct plat_tray_item *items, size_t n)
{
	struct tray_item *v;

	if (n > MAX_ITEMS)
		n = MAX_ITEMS;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return; /* the old menu stays */
	for (size_t i = 0; i < n; i++) {
		v[i].action = items[i].action;
		v[i].flags = plat_wtray_menu_flags(&items[i]);
		if (items[i].action >= 0) {
			size_t len = strlen(items[i].label ? items[i].label : "");
			size_t count = 2 * len + 2; /* every '&' doubled */

			v[i].label = malloc(count * sizeof(wchar_t));
			if (v[i].label)
				plat_wtray_menu_label(items[i].label, v[i].label, count);
			else
				v[i].flags = MF_SEPARATOR;
		}
	}
	/* an open menu was built from a copy (show_menu): replacing these is safe */
	free_items(t);
	t->items = v;
	t->n_items = n;
}

/* Pop the menu up at (x, y) and run the chosen action. The actions are copied first: timers run
 * inside the menu's modal loop and may replace the menu meanwhile. */
static void show_menu(struct plat_tray *t, int x, int y)
{
	size_t n = t->n_items;
	int *actions = calloc(n ? n : 1, sizeof(int));
	HMENU m = CreatePopupMenu();
	UINT cmd;

	if (!actions || !m) {
		free(actions);
		if (m)
			DestroyMenu(m);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct tray_item *it = &t->items[i];

		actions[i] = it->action;
		AppendMenuW(m, it->flags, it->label ? MENU_ID_BASE + i : 0, it->label);
	}
	/* without these the menu does not close when the user clicks elsewhere (KB135788) */
	SetForegroundWindow(t->hwnd);
	modal_enter(t);
	cmd = (UINT)TrackPopupMenuEx(m, TPM_RETURNCMD | TPM_NONOTIFY | TPM_RIGHTBUTTON |
				     (GetSystemMetrics(SM_MENUDROPALIGNMENT) ? TPM_RIGHTALIGN :
				      TPM_LEFTALIGN) | TPM_BOTTOMALIGN, x, y, t->hwnd, NULL);
	modal_leave(t);
	PostMessageW(t->hwnd, WM_NULL, 0, 0);
	DestroyMenu(m);
	if (cmd >= MENU_ID_BASE && cmd - MENU_ID_BASE < n && actions[cmd - MENU_ID_BASE] > 0 &&
	    t->cb)
		t->cb(t->ctx, actions[cmd - MENU_ID_BASE]);
	free(actions);
}

/* ---- the watched descriptor ----------------------------------------------------------------- */

/* Level-triggered readiness of the watch, like loop.c's collect(); also (re)starts the pipe's
 * read-ahead so that its event will signal. */
static bool watch_ready(struct plat_tray *t)
{
	struct plat_wfd *w;

	if (!t->watch_cb)
		return false;
	if (t->watch_sev) {
		SOCKET s = (SOCKET)(uintptr_t)t->watch_fd;
		fd_set rd;
		struct timeval tv = { 0, 0 };

		FD_ZERO(&rd);
		FD_SET(s, &rd);
		WSAResetEvent(t->watch_sev);
		if (WSAEventSelect(s, t->watch_sev, FD_READ | FD_CLOSE) != 0)
			return true; /* closed under us: let the callback find out */
		return select(0, &rd, NULL, NULL, &tv) != 0; /* ready, or an error */
	}
	w = plat_wfd_get(t->watch_fd);
	if (!w)
		return true;
	switch (w->kind) {
	case PLAT_WFD_PIPE:
		plat_wfd_pipe_poll(w);
		return w->have_ahead || w->broken;
	case PLAT_WFD_PIPE_LISTEN:
		plat_wfd_listen_poll(w);
		return w->connected;
	default:
		return w->ev && WaitForSingleObject(w->ev, 0) == WAIT_OBJECT_0;
	}
}

static HANDLE watch_handle(struct plat_tray *t)
{
	struct plat_wfd *w;

	if (!t->watch_cb)
		return NULL;
	if (t->watch_sev)
		return t->watch_sev;
	w = plat_wfd_get(t->watch_fd);
	return w ? w->ev : NULL;
}

static void serve_watch(struct plat_tray *t)
{
	if (watch_ready(t))
		t->watch_cb(t->watch_ctx);
}

void plat_tray_watch(struct plat_tray *t, int fd, plat_tray_cb_fn *cb, void *ctx)
{
	plat_tray_unwatch(t);
	if (!plat_wfd_is_table(fd)) {
		t->watch_sev = WSACreateEvent();
		if (t->watch_sev == WSA_INVALID_EVENT) {
			t->watch_sev = NULL;
			return;
		}
	}
	t->watch_fd = fd;
	t->watch_cb = cb;
	t->watch_ctx = ctx;
}

void plat_tray_unwatch(struct plat_tray *t)
{
	if (t->watch_sev) {
		WSAEventSelect((SOCKET)(uintptr_t)t->watch_fd, NULL, 0);
		WSACloseEvent(t->watch_sev);
		t->watch_sev = NULL;
	}
	t->watch_cb = NULL;
	t->watch_ctx = NULL;
	t->watch_fd = -1;
}

/* ---- windows -------------------------------------------------------------------------------- */

/* The tray a window belongs to: handed over in CreateWindowEx's parameter, kept in the window's
 * user data from WM_NCCREATE on. NULL before that. */
static struct plat_tray *tray_of(HWND hwnd, UINT msg, LPARAM lp)
{
	if (msg == WM_NCCREATE) {
		struct plat_tray *t = ((CREATESTRUCTW *)lp)->lpCreateParams;

		SetWindowLongPtrW(hwnd, GWLP_USERDATA, (LONG_PTR)t);
		return t;
	}
	return (struct plat_tray *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);
}

static LRESULT CALLBACK tray_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
	struct plat_tray *t = tray_of(hwnd, msg, lp);

	if (!t)
		return DefWindowProcW(hwnd, msg, wp, lp);
	if (t->msg_taskbar_created && msg == t->msg_taskbar_created) {
		icon_add(t); /* explorer (re)started */
		return 0;
	}
	switch (msg) {
	case WM_TRAY:
		/* version 4: LOWORD(lp) is the event, wp the anchor point in screen coordinates */
		switch (LOWORD(lp)) {
		case WM_CONTEXTMENU:
		case NIN_SELECT:
		case NIN_KEYSELECT:
			show_menu(t, (short)LOWORD(wp), (short)HIWORD(wp));
			break;
		default:
			break;
		}
		return 0;
	case WM_TIMER:
		if (wp == TIMER_EVERY && t->timer_cb)
			t->timer_cb(t->timer_ctx);
		else if (wp == TIMER_WATCH && t->watch_cb)
			serve_watch(t);
		return 0;
	default:
		return DefWindowProcW(hwnd, msg, wp, lp);
	}
}

static LRESULT CALLBACK details_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
	struct plat_tray *t = tray_of(hwnd, msg, lp);

	if (!t)
		return DefWindowProcW(hwnd, msg, wp, lp);
	switch (msg) {
	case WM_SIZE:
		if (t->edit) {
			int m = MulDiv(8, t->dpi, 96);

			MoveWindow(t->edit, m, m, LOWORD(lp) - 2 * m, HIWORD(lp) - 2 * m, TRUE);
		}
		return 0;
	case WM_CTLCOLORSTATIC: /* a read-only EDIT asks this: keep it white like a document */
		SetBkColor((HDC)wp, GetSysColor(COLOR_WINDOW));
		SetTextColor((HDC)wp, GetSysColor(COLOR_WINDOWTEXT));
		return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
	case WM_ENTERSIZEMOVE:
		modal_enter(t);
		return 0;
	case WM_EXITSIZEMOVE:
		modal_leave(t);
		return 0;
	case WM_CLOSE:
		ShowWindow(hwnd, SW_HIDE); /* kept for the next "Details" */
		return 0;
	default:
		return DefWindowProcW(hwnd, msg, wp, lp);
	}
}

static int make_details(struct plat_tray *t)
{
	HINSTANCE inst = GetModuleHandleW(NULL);

	t->details = CreateWindowExW(0, DETAILS_CLASS, L"sstp VPN", WS_OVERLAPPEDWINDOW,
				     CW_USEDEFAULT, CW_USEDEFAULT, MulDiv(520, t->dpi, 96),
				     MulDiv(320, t->dpi, 96), NULL, NULL, inst, t);
	if (!t->details)
		return -1;
	t->edit = CreateWindowExW(0, L"EDIT", L"",
				  WS_CHILD | WS_VISIBLE | WS_VSCROLL | ES_MULTILINE | ES_READONLY |
				  ES_AUTOVSCROLL, 0, 0, 10, 10, t->details, NULL, inst, NULL);
	if (!t->edit) {
		DestroyWindow(t->details);
		t->details = NULL;
		return -1;
	}
	if (t->font)
		SendMessageW(t->edit, WM_SETFONT, (WPARAM)t->font, TRUE);
	SendMessageW(t->details, WM_SETICON, ICON_SMALL, (LPARAM)t->icons[t->look]);
	SendMessageW(t->details, WM_SETICON, ICON_BIG, (LPARAM)t->icons[t->look]);
	{
		RECT rc;

		GetClientRect(t->details, &rc);
		SendMessageW(t->details, WM_SIZE, SIZE_RESTORED,
			     MAKELPARAM(rc.right - rc.left, rc.bottom - rc.top));
	}
	return 0;
}

void plat_tray_details(struct plat_tray *t, const char *text, bool show)
{
	wchar_t *w;

	if (!t->details && (!show || make_details(t) < 0))
		return;
	w = plat_wtray_edit_text(text);
	if (w) {
		/* keep the reader's place when only counters changed */
		int first = (int)SendMessageW(t->edit, EM_GETFIRSTVISIBLELINE, 0, 0);

		SetWindowTextW(t->edit, w);
		SendMessageW(t->edit, EM_LINESCROLL, 0, first);
		free(w);
	}
	if (show) {
		ShowWindow(t->details, SW_SHOWNORMAL);
		SetForegroundWindow(t->details);
	}
}

/* ---- the password dialog -------------------------------------------------------------------- */

int plat_tray_ask_secret(struct plat_tray *t, const char *title, const char *prompt,
			 plat_tray_secret_fn *cb, void *ctx)
{
	return plat_wsecret_open(title, prompt, t->font, t->dpi, t->icons[t->look], cb, ctx);
}

bool plat_tray_secret_open(const struct plat_tray *t)
{
	(void)t;
	return plat_wsecret_window() != NULL;
}

/* ---- life cycle ----------------------------------------------------------------------------- */

static int register_classes(void)
{
	static bool done;
	WNDCLASSEXW wc;

	if (done)
		return 0;
	memset(&wc, 0, sizeof(wc));
	wc.cbSize = sizeof(wc);
	wc.lpfnWndProc = tray_proc;
	wc.hInstance = GetModuleHandleW(NULL);
	wc.lpszClassName = TRAY_CLASS;
	if (!RegisterClassExW(&wc))
		return -1;
	wc.lpfnWndProc = details_proc;
	wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
	wc.hbrBackground = (HBRUSH)(COLOR_WINDOW + 1);
	wc.lpszClassName = DETAILS_CLASS;
	if (!RegisterClassExW(&wc))
		return -1;
	done = true;
	return 0;
}

struct plat_tray *plat_tray_new(const char *id, const char *title, plat_tray_action_fn *cb,
				void *ctx, char *err, size_t errlen)
{
	struct plat_tray *t = calloc(1, sizeof(*t));
	wchar_t wtitle[128];
	NONCLIENTMETRICSW ncm;
	char why[160];
	int px = GetSystemMetrics(SM_CXSMICON);
	HDC dc;

	(void)id;
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->dpi = 96;
	dc = GetDC(NULL);
	if (dc) {
		t->dpi = GetDeviceCaps(dc, LOGPIXELSY);
		ReleaseDC(NULL, dc);
	}
	t->cb = cb;
	t->ctx = ctx;
	t->watch_fd = -1;
	if (plat_win_wsa_init() != 0) { /* select() for socket watches */
		snprintf(err, errlen, "cannot start Winsock");
		free(t);
		return NULL;
	}
	if (register_classes() < 0) {
		snprintf(err, errlen, "cannot register the tray's window classes: %s",
			 plat_win_strerror(GetLastError(), why, sizeof(why)));
		free(t);
		return NULL;
	}
	for (int i = 0; i < 4; i++) {
		t->icons[i] = make_icon((enum plat_tray_icon)i, px > 0 ? px : 16);
		if (!t->icons[i]) {
			snprintf(err, errlen, "cannot make the tray icons: %s",
				 plat_win_strerror(GetLastError(), why, sizeof(why)));
			plat_tray_free(t);
			return NULL;
		}
	}
	memset(&ncm, 0, sizeof(ncm));
	ncm.cbSize = sizeof(ncm);
	if (SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof(ncm), &ncm, 0))
		t->font = CreateFontIndirectW(&ncm.lfMessageFont);
	plat_wtray_widen(title, wtitle, sizeof(wtitle) / sizeof(wtitle[0]), true, NULL);
	plat_wtray_widen(title, t->tip, sizeof(t->tip) / sizeof(t->tip[0]), true, NULL);
	/* a top-level window that is never shown: HWND_MESSAGE would miss TaskbarCreated */
	t->hwnd = CreateWindowExW(0, TRAY_CLASS, wtitle, WS_OVERLAPPED, 0, 0, 0, 0, NULL, NULL,
				  GetModuleHandleW(NULL), t);
	if (!t->hwnd) {
		snprintf(err, errlen, "cannot create the tray's window: %s",
			 plat_win_strerror(GetLastError(), why, sizeof(why)));
		plat_tray_free(t);
		return NULL;
	}
	t->msg_taskbar_created = RegisterWindowMessageW(L"TaskbarCreated");
	/* an elevated tray would not get explorer's broadcast without this (UIPI) */
	if (t->msg_taskbar_created)
		ChangeWindowMessageFilterEx(t->hwnd, t->msg_taskbar_created, MSGFLT_ALLOW, NULL);
	icon_add(t); /* without a shell yet: retried on TaskbarCreated and on each change */
	return t;
}

void plat_tray_free(struct plat_tray *t)
{
	if (!t)
		return;
	plat_tray_unwatch(t);
	plat_wsecret_discard();
	if (t->hwnd) {
		NOTIFYICONDATAW nid;

		KillTimer(t->hwnd, TIMER_EVERY);
		KillTimer(t->hwnd, TIMER_WATCH);
		if (t->added) {
			nid_init(t, &nid);
			Shell_NotifyIconW(NIM_DELETE, &nid);
		}
		DestroyWindow(t->hwnd);
	}
	if (t->details)
		DestroyWindow(t->details);
	for (int i = 0; i < 4; i++)
		if (t->icons[i])
			DestroyIcon(t->icons[i]);
	if (t->font)
		DeleteObject(t->font);
	free_items(t);
	free(t);
}

void plat_tray_every(struct plat_tray *t, unsigned period_ms, plat_tray_cb_fn *cb, void *ctx)
{
	t->timer_cb = cb;
	t->timer_ctx = ctx;
	SetTimer(t->hwnd, TIMER_EVERY, period_ms ? period_ms : 1, NULL);
}

void plat_tray_run(struct plat_tray *t)
{
	MSG msg;

	for (;;) {
		HANDLE h;

		/* the watch first, then every queued message, then sleep on both */
		if (t->watch_cb && !t->modal)
			serve_watch(t);
		while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) {
			if (msg.message == WM_QUIT)
				return;
			/* Tab, Enter (OK) and Escape (Cancel) in the password dialog */
			if (plat_wsecret_window() && IsDialogMessageW(plat_wsecret_window(), &msg))
				continue;
			TranslateMessage(&msg);
			DispatchMessageW(&msg);
		}
		h = t->watch_cb ? watch_handle(t) : NULL;
		if (h && watch_ready(t))
			continue;
		MsgWaitForMultipleObjectsEx(h ? 1 : 0, h ? &h : NULL, INFINITE, QS_ALLINPUT,
					    MWMO_INPUTAVAILABLE);
	}
}

void plat_tray_quit(struct plat_tray *t)
{
	(void)t;
	PostQuitMessage(0);
}
