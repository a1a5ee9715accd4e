/* tray_probe.c - looks at a running sstp-tray.exe from outside, the way the shell and the user
 * do, for tests/windows/tray_wine.sh (under Wine):
 *   icon MS        the tray's window exists and the shell has its icon (NIM_MODIFY of its
 *                  hWnd/uID succeeds only for an icon the notification area holds)
 *   readd MS       remove the icon as a restarting explorer would lose it, broadcast
 *                  "TaskbarCreated" to the tray's window and wait until the icon is back
 *   menu MS        open the menu as a click on the icon does, see it shown, close it (Escape)
 *   details MS     print the text of the visible details window
 *   pick N MS      open the menu, press Down N times and Enter (the Nth item that is not a
 *                  separator: the "line:", "item:" and "disabled:" lines of the state file)
 *   dialog MS      print the title and prompt of the visible password dialog; fails unless its
 *                  entry is an ES_PASSWORD EDIT with OK and Cancel buttons
 *   password TEXT MS [enter]   put TEXT into the dialog's entry (WM_SETTEXT) and press OK
 *                  (BM_CLICK), or Enter in the entry; wait until the dialog is gone
 *   cancel MS      press Escape in the dialog's entry; wait until the dialog is gone
 * Every wait is bounded by MS milliseconds. Exit 0 when the check holds, 1 otherwise.
 * As the helper's session program (--session-exe, "connect NAME ... --state-dir DIR
 * --password-stdin") it stands in for sstp.exe: it reads the password line the helper writes on
 * its stdin, keeps only its SHA-256 in DIR/NAME.password-sha256 and fails as a session without
 * a gateway would (exit 4). */
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
#define SECRET_CLASS L"sstp-tray-secret" /* platform/windows/tray/tray_secret.h */

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

/* The session stand-in: see the top of the file. */
static int fake_session(int argc, char **argv)
{
	const char *dir = NULL, *name = argv[2];
	bool pw = false;
	char line[1100], path[600];
	BYTE sum[32];
	DWORD sl = sizeof(sum);
	HCRYPTPROV prov = 0;
	HCRYPTHASH h = 0;
	size_t n;
	bool hashed;
	FILE *f;

	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--state-dir") && i + 1 < argc)
			dir = argv[i + 1];
		if (!strcmp(argv[i], "--password-stdin"))
			pw = true;
	}
	if (!dir || !pw) {
		fprintf(stderr, "tray_probe session: no --state-dir or no --password-stdin\n");
		return 2;
	}
	if (!fgets(line, sizeof(line), stdin) || !(n = strcspn(line, "\r\n")) ||
	    (line[n] != '\n' && line[n] != '\r')) {
		fprintf(stderr, "tray_probe session: no password line on stdin\n");
		return 2;
	}
	hashed = CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT) &&
		 CryptCreateHash(prov, CALG_SHA_256, 0, 0, &h) &&
		 CryptHashData(h, (const BYTE *)line, (DWORD)n, 0) &&
		 CryptGetHashParam(h, HP_HASHVAL, sum, &sl, 0) && sl == sizeof(sum);
	SecureZeroMemory(line, sizeof(line));
	if (h)
		CryptDestroyHash(h);
	if (prov)
		CryptReleaseContext(prov, 0);
	if (!hashed) {
		fprintf(stderr, "tray_probe session: SHA-256 failed\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s.password-sha256", dir, name);
	if (!(f = fopen(path, "wb"))) /* "\n", not the text mode's CR LF */
		return 1;
	for (size_t i = 0; i < sizeof(sum); i++)
		fprintf(f, "%02x", sum[i]);
	fputc('\n', f);
	fclose(f);
	fprintf(stderr, "tray_probe session: got the password; no gateway in this test\n");
	return 4; /* SSTP_EXIT_UNREACHABLE */
}

static HWND dialog_part(HWND d, const wchar_t *cls, const wchar_t *text)
{
	return FindWindowExW(d, NULL, cls, text);
}

static bool wait_gone(HWND w, DWORD ms)
{
	ULONGLONG end = GetTickCount64() + ms;

	while (IsWindow(w) && GetTickCount64() < end)
		Sleep(100);
	return !IsWindow(w);
}

static int secret_dialog(int argc, char **argv, DWORD ms)
{
	HWND d = wait_window(SECRET_CLASS, true, ms), edit, ok, cancel;
	wchar_t title[256], prompt[512];
	char t8[1024], p8[2048];
	HWND label;

	edit = d ? dialog_part(d, L"EDIT", NULL) : NULL;
	ok = d ? dialog_part(d, L"BUTTON", L"OK") : NULL;
	cancel = d ? dialog_part(d, L"BUTTON", L"Cancel") : NULL;
	label = d ? dialog_part(d, L"STATIC", NULL) : NULL;
	if (!edit || !ok || !cancel || !label) {
		fprintf(stderr, "tray_probe: no visible password dialog with an entry, OK and "
			"Cancel\n");
		return 1;
	}
	if (!strcmp(argv[1], "dialog")) {
		GetWindowTextW(d, title, 256);
		GetWindowTextW(label, prompt, 512);
		WideCharToMultiByte(CP_UTF8, 0, title, -1, t8, sizeof(t8), NULL, NULL);
		WideCharToMultiByte(CP_UTF8, 0, prompt, -1, p8, sizeof(p8), NULL, NULL);
		printf("title: %s\nprompt: %s\n", t8, p8);
		if (!(GetWindowLongW(edit, GWL_STYLE) & ES_PASSWORD)) {
			fprintf(stderr, "tray_probe: the entry is not ES_PASSWORD\n");
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "cancel")) {
		PostMessageW(edit, WM_KEYDOWN, VK_ESCAPE, 0);
	} else {
		static wchar_t text[1100];
		DWORD_PTR r = 0;

		MultiByteToWideChar(CP_UTF8, 0, argv[2], -1, text, 1100);
		if (!SendMessageTimeoutW(edit, WM_SETTEXT, 0, (LPARAM)text, SMTO_ABORTIFHUNG, ms,
					 &r) || !r) {
			fprintf(stderr, "tray_probe: WM_SETTEXT to the entry failed\n");
			return 1;
		}
		SecureZeroMemory(text, sizeof(text));
		if (argc > 4 && !strcmp(argv[4], "enter"))
			PostMessageW(edit, WM_KEYDOWN, VK_RETURN, 0);
		else
			SendMessageTimeoutW(ok, BM_CLICK, 0, 0, SMTO_ABORTIFHUNG, ms, &r);
	}
	if (!wait_gone(d, ms)) {
		fprintf(stderr, "tray_probe: the dialog did not close\n");
		return 1;
	}
	printf("dialog closed (%s)\n", argv[1]);
	return 0;
}

int main(int argc, char **argv)
{
	DWORD ms;
	HWND w;

	if (argc >= 3 && !strcmp(argv[1], "connect"))
		return fake_session(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "password"))
		ms = (DWORD)strtoul(argv[3], NULL, 10);
	else
		ms = (DWORD)strtoul(argv[argc - 1], NULL, 10);
	if (argc < 3 || ms == 0 || ms > 120000) {
		fprintf(stderr, "usage: tray_probe icon|readd|menu|details|dialog|cancel MS | "
			"pick N MS | password TEXT MS [enter]\n");
		return 2;
	}
	if (!strcmp(argv[1], "dialog") || !strcmp(argv[1], "cancel") ||
	    !strcmp(argv[1], "password"))
		return secret_dialog(argc, argv, ms);
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
	if (!strcmp(argv[1], "pick") && argc >= 4) {
		long n = strtol(argv[2], NULL, 10);
		HWND menu;

		if (n < 1 || n > 500)
			return 2;
		PostMessageW(w, WM_TRAY, MAKEWPARAM(200, 200),
			     MAKELPARAM(WM_CONTEXTMENU, TRAY_UID));
		menu = wait_window(L"#32768", true, ms);
		if (!menu) {
			fprintf(stderr, "tray_probe: the menu did not open\n");
			return 1;
		}
		for (long i = 0; i < n; i++) {
			PostMessageW(menu, WM_KEYDOWN, VK_DOWN, 0);
			Sleep(50);
		}
		PostMessageW(menu, WM_KEYDOWN, VK_RETURN, 0);
		for (int i = 0; i < 30 && IsWindow(menu) && IsWindowVisible(menu); i++)
			Sleep(100);
		if (IsWindow(menu) && IsWindowVisible(menu)) {
			fprintf(stderr, "tray_probe: the menu did not close on Enter\n");
			return 1;
		}
		printf("picked item %ld\n", n);
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
