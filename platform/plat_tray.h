/* plat_tray.h - a desktop tray icon for sstp-tray: an icon per look (disconnected, connecting,
 * connected, error) with a tooltip, a menu of labelled actions, a details window, desktop
 * notifications, and the toolkit's main loop with file-descriptor watches and timers (the tray
 * logic in client/ talks to the helper through them), and a password dialog. Linux: GTK 3 +
 * libayatana-appindicator3 (platform/linux/tray/), built only when those are installed; Windows:
 * Win32 (platform/windows/tray/). */
#ifndef PLAT_TRAY_H
#define PLAT_TRAY_H

#include <stdbool.h>
#include <stddef.h>

enum plat_tray_icon {
	PLAT_TRAY_DISCONNECTED = 0,
	PLAT_TRAY_CONNECTING,
	PLAT_TRAY_CONNECTED,
	PLAT_TRAY_ERROR,
};

struct plat_tray_item {
	const char *label; /* copied */
	int action;        /* > 0: reported through the action callback; 0: a plain line; -1: separator */
	bool enabled;
};

struct plat_tray;
typedef void plat_tray_action_fn(void *ctx, int action);
typedef void plat_tray_cb_fn(void *ctx);
/* The answer of a secret dialog: the text typed (UTF-8, valid only during the call: the toolkit
 * wipes its copy right after, and so must the callee wipe any copy it makes), or NULL when the
 * user cancelled (Cancel, Escape, closing the window). */
typedef void plat_tray_secret_fn(void *ctx, const char *secret);

/* Initialise the toolkit (it may take its own options out of argv). 0, or -1 with err set when
 * there is no display to show a tray on. */
int plat_tray_init(int *argc, char ***argv, char *err, size_t errlen);
/* The icon (initially "disconnected", no menu). NULL with err on failure. Freed by
 * plat_tray_free(). Actions of menu items arrive through cb(ctx, action). */
struct plat_tray *plat_tray_new(const char *id, const char *title, plat_tray_action_fn *cb,
				void *ctx, char *err, size_t errlen);
void plat_tray_free(struct plat_tray *t);

void plat_tray_set_icon(struct plat_tray *t, enum plat_tray_icon icon, const char *tooltip);
/* Replace the whole menu. */
void plat_tray_set_menu(struct plat_tray *t, const struct plat_tray_item *items, size_t n);
/* Show (or refresh, if shown) the details window with this text. show false: only refresh. */
void plat_tray_details(struct plat_tray *t, const char *text, bool show);
/* A desktop notification (org.freedesktop.Notifications); silently dropped without a server. */
void plat_tray_notify(struct plat_tray *t, const char *summary, const char *body, bool urgent);

/* Ask for a secret (a password) in a small non-modal dialog: title, a prompt line, a hidden-text
 * entry, OK and Cancel; Enter is OK, Escape is Cancel. cb(ctx, text or NULL) is called once when
 * the dialog closes, from the main loop (no dialog counts as open by then: cb may open the next;
 * plat_tray_free() of an open dialog never calls it). One dialog at a time: while
 * one is open, another call only raises it (and returns -1); 0 when a dialog was opened, -1 when
 * not (then cb is never called). The window's title is title, so that tests find it by name. */
int plat_tray_ask_secret(struct plat_tray *t, const char *title, const char *prompt,
			 plat_tray_secret_fn *cb, void *ctx);
/* Whether a secret dialog is open. */
bool plat_tray_secret_open(const struct plat_tray *t);

/* Call cb(ctx) whenever fd is readable (or hung up) until plat_tray_unwatch(); one watch at a
 * time per tray. */
void plat_tray_watch(struct plat_tray *t, int fd, plat_tray_cb_fn *cb, void *ctx);
void plat_tray_unwatch(struct plat_tray *t);
/* Call cb(ctx) every period_ms until the tray is freed (one periodic timer per tray). */
void plat_tray_every(struct plat_tray *t, unsigned period_ms, plat_tray_cb_fn *cb, void *ctx);
/* Run the main loop until plat_tray_quit(). */
void plat_tray_run(struct plat_tray *t);
void plat_tray_quit(struct plat_tray *t);

#endif
