/* tray_secret.h - the Windows tray's password dialog (tray_secret.c), used by tray.c for
 * plat_tray_ask_secret(): a small top-level window with a prompt, an ES_PASSWORD EDIT, OK and
 * Cancel. One per process; tray.c's message loop passes its messages through IsDialogMessageW
 * (Tab, Enter = OK, Escape = Cancel). */
#ifndef SSTP_TRAY_SECRET_H
#define SSTP_TRAY_SECRET_H

/* clang-format off: winsock2.h must come before windows.h */
#include <winsock2.h>
#include <windows.h>
/* clang-format on */
#include <stdbool.h>

#include "plat_tray.h"

#define PLAT_WSECRET_CLASS L"sstp-tray-secret"
#define PLAT_WSECRET_MAX 1023 /* UTF-16 units the entry takes */

/* Open the dialog (title and prompt UTF-8, may be NULL; font may be NULL; dpi of the screen;
 * icon for the title bar, may be NULL). cb(ctx, text or NULL) once it closes, as plat_tray.h
 * says. While one is open: raise it and return -1. 0 when opened, -1 when not. */
int plat_wsecret_open(const char *title, const char *prompt, HFONT font, int dpi, HICON icon,
		      plat_tray_secret_fn *cb, void *ctx);
/* The open dialog's window (for IsDialogMessageW), or NULL. */
HWND plat_wsecret_window(void);
/* Close an open dialog without calling its callback (the tray goes away). */
void plat_wsecret_discard(void);

#endif
