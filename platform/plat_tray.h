/* plat_tray.h - a desktop tray icon for sstp-tray: an icon per look (disconnected, connecting,
 * connected, error) with a tooltip, a menu of labelled actions, a details window, desktop
 * notifications, and the toolkit's main loop with file-descriptor watches and timers (the tray
 * logic in client/ talks to the helper through them). Linux: GTK 3 + libayatana-appindicator3
 * (platform/linux/tray/), built only when those are installed. */
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
