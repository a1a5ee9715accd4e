/* tray_secret.c - the Windows tray's password dialog (tray_secret.h): a non-modal top-level
 * window with a prompt (STATIC), a hidden-text entry (EDIT with ES_PASSWORD, limited to
 * PLAT_WSECRET_MAX units), OK (the default button) and Cancel. On OK the text is read into a
 * static buffer, the control is cleared, the text converted to UTF-8 for the callback, and both
 * buffers are wiped with SecureZeroMemory. */
#include "tray_secret.h"
#include "plat_win.h"
#include "tray_win.h"

#include <string.h>

static struct {
	HWND dlg, edit;
	plat_tray_secret_fn *cb;
	void *ctx;
	bool registered;
} sd;

/* Close the dialog; with answer, hand the entry's text to the callback. */
static void finish(bool answer)
{
	static wchar_t w[PLAT_WSECRET_MAX + 2];
	static char u8[4 * PLAT_WSECRET_MAX + 4];
	plat_tray_secret_fn *cb = sd.cb;
	void *ctx = sd.ctx;
	HWND d = sd.dlg;
	bool ok = false;

	if (!d)
		return;
	if (answer) {
		GetWindowTextW(sd.edit, w, PLAT_WSECRET_MAX + 1);
		ok = plat_win_narrow(w, u8, sizeof(u8)) == 0;
		SecureZeroMemory(w, sizeof(w));
		if (!ok) { /* a lone surrogate: not a password we can send; let the user retype */
			SecureZeroMemory(u8, sizeof(u8));
			SetWindowTextW(sd.edit, L"");
			MessageBeep(MB_ICONWARNING);
			return;
		}
	}
	SetWindowTextW(sd.edit, L"");
	sd.dlg = NULL; /* nothing open: cb may open the next one */
	sd.edit = NULL;
	sd.cb = NULL;
	sd.ctx = NULL;
	DestroyWindow(d);
	if (cb)
		cb(ctx, ok ? u8 : NULL);
	SecureZeroMemory(u8, sizeof(u8));
}

static LRESULT CALLBACK secret_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
	if (hwnd != sd.dlg)
		return DefWindowProcW(hwnd, msg, wp, lp);
	switch (msg) {
	case DM_GETDEFID: /* IsDialogMessage: Enter presses OK */
		return MAKELRESULT(IDOK, DC_HASDEFID);
	case WM_COMMAND:
		if (LOWORD(wp) == IDOK || LOWORD(wp) == IDCANCEL)
			finish(LOWORD(wp) == IDOK);
		return 0;
	case WM_ACTIVATE:
		if (LOWORD(wp) != WA_INACTIVE && sd.edit)
			SetFocus(sd.edit);
		return 0;
	case WM_CLOSE:
		finish(false);
		return 0;
	default:
		return DefWindowProcW(hwnd, msg, wp, lp);
	}
}

static HWND child(const wchar_t *cls, const wchar_t *text, DWORD style, DWORD exstyle, int id,
		  HFONT font, int dpi, int x, int y, int w, int h)
{
	HWND c = CreateWindowExW(exstyle, cls, text, WS_CHILD | WS_VISIBLE | style,
				 MulDiv(x, dpi, 96), MulDiv(y, dpi, 96), MulDiv(w, dpi, 96),
				 MulDiv(h, dpi, 96), sd.dlg, (HMENU)(INT_PTR)id,
				 GetModuleHandleW(NULL), NULL);

	if (c && font)
		SendMessageW(c, WM_SETFONT, (WPARAM)font, TRUE);
	return c;
}

static void raise_dialog(void)
{
	ShowWindow(sd.dlg, SW_SHOWNORMAL);
	SetForegroundWindow(sd.dlg);
	SetFocus(sd.edit);
}

int plat_wsecret_open(const char *title, const char *prompt, HFONT font, int dpi, HICON icon,
		      plat_tray_secret_fn *cb, void *ctx)
{
	wchar_t wtitle[160], wprompt[300];
	DWORD style = WS_POPUP | WS_CAPTION | WS_SYSMENU;
	DWORD exstyle = WS_EX_DLGMODALFRAME | WS_EX_TOPMOST;
	RECT rc = { 0, 0, 0, 0 };
	int w, h;

	if (sd.dlg) {
		raise_dialog();
		return -1;
	}
	if (!sd.registered) {
		WNDCLASSEXW wc;

		memset(&wc, 0, sizeof(wc));
		wc.cbSize = sizeof(wc);
		wc.lpfnWndProc = secret_proc;
		wc.hInstance = GetModuleHandleW(NULL);
		wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
		wc.hbrBackground = (HBRUSH)(COLOR_BTNFACE + 1);
		wc.lpszClassName = PLAT_WSECRET_CLASS;
		if (!RegisterClassExW(&wc))
			return -1;
		sd.registered = true;
	}
	if (dpi <= 0)
		dpi = 96;
	plat_wtray_widen(title, wtitle, sizeof(wtitle) / sizeof(wtitle[0]), true, NULL);
	plat_wtray_widen(prompt, wprompt, sizeof(wprompt) / sizeof(wprompt[0]), true, NULL);
	rc.right = MulDiv(340, dpi, 96);
	rc.bottom = MulDiv(112, dpi, 96);
	AdjustWindowRectEx(&rc, style, FALSE, exstyle);
	w = rc.right - rc.left;
	h = rc.bottom - rc.top;
	/* sd.dlg is set by CreateWindowExW's return only: secret_proc ignores the creation
	 * messages, which DefWindowProcW handles */
	sd.dlg = CreateWindowExW(exstyle, PLAT_WSECRET_CLASS, wtitle, style,
				 (GetSystemMetrics(SM_CXSCREEN) - w) / 2,
				 (GetSystemMetrics(SM_CYSCREEN) - h) / 2, w, h, NULL, NULL,
				 GetModuleHandleW(NULL), NULL);
	if (!sd.dlg)
		return -1;
	child(L"STATIC", wprompt, SS_LEFT | SS_NOPREFIX, 0, -1, font, dpi, 12, 10, 316, 34);
	sd.edit = child(L"EDIT", L"", WS_TABSTOP | ES_PASSWORD | ES_AUTOHSCROLL, WS_EX_CLIENTEDGE,
			100, font, dpi, 12, 46, 316, 24);
	child(L"BUTTON", L"OK", WS_TABSTOP | BS_DEFPUSHBUTTON, 0, IDOK, font, dpi, 156, 80, 80, 26);
	child(L"BUTTON", L"Cancel", WS_TABSTOP | BS_PUSHBUTTON, 0, IDCANCEL, font, dpi, 248, 80, 80,
	      26);
	if (!sd.edit) {
		DestroyWindow(sd.dlg);
		sd.dlg = NULL;
		return -1;
	}
	sd.cb = cb;
	sd.ctx = ctx;
	SendMessageW(sd.edit, EM_LIMITTEXT, PLAT_WSECRET_MAX, 0);
	if (icon)
		SendMessageW(sd.dlg, WM_SETICON, ICON_SMALL, (LPARAM)icon);
	raise_dialog();
	return 0;
}

HWND plat_wsecret_window(void)
{
	return sd.dlg;
}

void plat_wsecret_discard(void)
{
	sd.cb = NULL;
	finish(false);
}
