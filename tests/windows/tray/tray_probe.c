/* tray_probe.c - looks at a running sstp-tray.exe from outside, the way the shell and the user
 * do, for tests/windows/tray_wine.sh (under Wine):
 *   icon MS        the tray's window exists and the shell has its icon (NIM_MODIFY of its
 *                  hWnd/uID succeeds only for an icon the notification area holds)
 *   readd MS       remove the icon as a restarting explorer would lose it, broadcast
 *                  "TaskbarCreated" to the tray's window and wait until the icon is back
 *   menu MS        open the menu as a click on the icon does, see it shown, close it (Escape)
 *   details MS     print the text of the visible details window
 * Every wait is bounded by MS milliseconds. Exit 0 when the check holds, 1 otherwise. */
/* clang-format off: winsock2.h must come before windows.h */
#include <winsock2.h>
#include <windows.h>
/* clang-format on */
#include <shellapi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WM_TRAY (WM_APP + 1) /* platform/windows/tray/tray.c */
#define TRAY_UID 1

static HWND wait_window(const wchar_t *cls, bool visible, DWORD ms)
{
	ULONGLONG end = GetTickCount64() + ms;

	do {
		HWND w = FindWindowW(cls, NULL);

		if (w && (!visible || IsWindowVisible(w)))
			return w;
		Sleep(100);
	} while (GetTickCount64() < end);
	return NULL;
}

static bool icon_present(HWND w)
{
	NOTIFYICONDATAW nid;

	memset(&nid, 0, sizeof(nid));
	nid.cbSize = sizeof(nid);
	nid.hWnd = w;
	nid.uID = TRAY_UID;
	return Shell_NotifyIconW(NIM_MODIFY, &nid) != FALSE;
}

static bool wait_icon(HWND w, bool present, DWORD ms)
{
	ULONGLONG end = GetTickCount64() + ms;

	do {
		if (icon_present(w) == present)
			return true;
		Sleep(100);
	} while (GetTickCount64() < end);
	return false;
}

int main(int argc, char **argv)
{
	DWORD ms = (DWORD)strtoul(argv[argc - 1], NULL, 10);
	HWND w;

	if (argc < 3 || ms == 0 || ms > 120000) {
		fprintf(stderr, "usage: tray_probe icon|readd|menu|details MS\n");
		return 2;
	}
	if (!strcmp(argv[1], "details")) {
		static wchar_t text[16384];
		static char out[65536];
		DWORD_PTR n = 0;
		HWND edit;

		w = wait_window(L"sstp-tray-details", true, ms);
		edit = w ? FindWindowExW(w, NULL, L"EDIT", NULL) : NULL;
		if (!edit) {
			fprintf(stderr, "tray_probe: no visible details window\n");
			return 1;
		}
		if (!SendMessageTimeoutW(edit, WM_GETTEXT, sizeof(text) / sizeof(text[0]),
					 (LPARAM)text, SMTO_ABORTIFHUNG, ms, &n))
			return 1;
		WideCharToMultiByte(CP_UTF8, 0, text, -1, out, sizeof(out), NULL, NULL);
		fputs(out, stdout);
		fputc('\n', stdout);
		return 0;
	}
	w = wait_window(L"sstp-tray", false, ms);
	if (!w) {
		fprintf(stderr, "tray_probe: no window of class sstp-tray\n");
		return 1;
	}
	if (!strcmp(argv[1], "icon")) {
		if (!wait_icon(w, true, ms)) {
			fprintf(stderr, "tray_probe: the notification area has no icon of the tray\n");
			return 1;
		}
		printf("tray window %p, icon in the notification area\n", (void *)w);
		return 0;
	}
	if (!strcmp(argv[1], "readd")) {
		NOTIFYICONDATAW nid;
		UINT msg = RegisterWindowMessageW(L"TaskbarCreated");

		memset(&nid, 0, sizeof(nid));
		nid.cbSize = sizeof(nid);
		nid.hWnd = w;
		nid.uID = TRAY_UID;
		if (!Shell_NotifyIconW(NIM_DELETE, &nid) || icon_present(w)) {
			fprintf(stderr, "tray_probe: could not remove the icon\n");
			return 1;
		}
		PostMessageW(w, msg, 0, 0);
		if (!wait_icon(w, true, ms)) {
			fprintf(stderr, "tray_probe: icon not added again after TaskbarCreated\n");
			return 1;
		}
		printf("icon added again after TaskbarCreated\n");
		return 0;
	}
	if (!strcmp(argv[1], "menu")) {
		HWND menu;

		/* what the shell sends for a right click (NOTIFYICON_VERSION_4) */
		PostMessageW(w, WM_TRAY, MAKEWPARAM(200, 200), MAKELPARAM(WM_CONTEXTMENU, TRAY_UID));
		menu = wait_window(L"#32768", true, ms);
		if (!menu) {
			fprintf(stderr, "tray_probe: the menu did not open\n");
			return 1;
		}
		printf("menu %p shown\n", (void *)menu);
		PostMessageW(menu, WM_KEYDOWN, VK_ESCAPE, 0);
		PostMessageW(w, WM_CANCELMODE, 0, 0);
		for (int i = 0; i < 30 && IsWindow(menu) && IsWindowVisible(menu); i++)
			Sleep(100);
		if (IsWindow(menu) && IsWindowVisible(menu)) {
			fprintf(stderr, "tray_probe: the menu did not close on Escape\n");
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "tray_probe: unknown check '%s'\n", argv[1]);
	return 2;
}
