/* tray_gtk.c - plat_tray.h with GTK 3 and libayatana-appindicator3: a StatusNotifierItem (or,
 * without a host for those, the library's XEmbed GtkStatusIcon fallback) whose icons are drawn
 * at start with cairo into a private temporary directory, a GtkMenu, a details window, a
 * password dialog (GtkDialog, hidden-text GtkEntry), and notifications sent with GDBus to
 * org.freedesktop.Notifications. Built only for sstp-tray. */
#include "plat_tray.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <libayatana-appindicator/app-indicator.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ICON_PX 48

static const char *const icon_names[] = {
	"sstp-tray-disconnected", "sstp-tray-connecting", "sstp-tray-connected", "sstp-tray-error",
};

struct plat_tray {
	AppIndicator *ind;
	GtkWidget *menu;
	GtkWidget *win, *win_image, *win_label;
	GtkWidget *dlg, *dlg_entry; /* the secret dialog, while open */
	plat_tray_secret_fn *dlg_cb;
	void *dlg_ctx;
	GDBusConnection *bus;
	char *icon_dir;
	enum plat_tray_icon icon;
	plat_tray_action_fn *cb;
	void *ctx;
	guint watch_id, timer_id;
	plat_tray_cb_fn *watch_cb, *timer_cb;
	void *watch_ctx, *timer_ctx;
};

int plat_tray_init(int *argc, char ***argv, char *err, size_t errlen)
{
	if (!gtk_init_check(argc, argv)) {
		snprintf(err, errlen, "cannot open the display (is DISPLAY or WAYLAND_DISPLAY set?)");
		return -1;
	}
	return 0;
}

/* One icon: a filled disc in the look's colour with a white sign on it. */
static int draw_icon(const char *path, enum plat_tray_icon which)
{
	static const double rgb[4][3] = {
		{ 0.50, 0.52, 0.55 }, /* disconnected: grey */
		{ 0.93, 0.62, 0.05 }, /* connecting: amber */
		{ 0.16, 0.63, 0.27 }, /* connected: green */
		{ 0.80, 0.13, 0.13 }, /* error: red */
	};
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, ICON_PX, ICON_PX);
	cairo_t *cr = cairo_create(s);
	double c = ICON_PX / 2.0, r = ICON_PX / 2.0 - 2;
	cairo_status_t st;

	cairo_set_source_rgb(cr, rgb[which][0], rgb[which][1], rgb[which][2]);
	cairo_arc(cr, c, c, r, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_set_line_width(cr, ICON_PX / 9.0);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	switch (which) {
	case PLAT_TRAY_DISCONNECTED: /* an open ring */
		cairo_arc(cr, c, c, r * 0.5, 0.35 * M_PI, 2.15 * M_PI);
		cairo_stroke(cr);
		break;
	case PLAT_TRAY_CONNECTING: /* three dots */
		for (int i = -1; i <= 1; i++) {
			cairo_arc(cr, c + i * r * 0.5, c, r * 0.14, 0, 2 * M_PI);
			cairo_fill(cr);
		}
		break;
	case PLAT_TRAY_CONNECTED: /* a tick */
		cairo_move_to(cr, c - r * 0.45, c + r * 0.02);
		cairo_line_to(cr, c - r * 0.1, c + r * 0.38);
		cairo_line_to(cr, c + r * 0.5, c - r * 0.35);
		cairo_stroke(cr);
		break;
	case PLAT_TRAY_ERROR: /* an exclamation mark */
		cairo_move_to(cr, c, c - r * 0.5);
		cairo_line_to(cr, c, c + r * 0.12);
		cairo_stroke(cr);
		cairo_arc(cr, c, c + r * 0.48, r * 0.1, 0, 2 * M_PI);
		cairo_fill(cr);
		break;
	}
	st = cairo_surface_write_to_png(s, path);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

static char *icon_path(const struct plat_tray *t, enum plat_tray_icon i)
{
	return g_strdup_printf("%s/%s.png", t->icon_dir, icon_names[i]);
}

static void on_item(GtkMenuItem *mi, gpointer data)
{
	struct plat_tray *t = data;
	int action = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(mi), "sstp-action"));

	if (t->cb && action > 0)
		t->cb(t->ctx, action);
}

struct plat_tray *plat_tray_new(const char *id, const char *title, plat_tray_action_fn *cb,
				void *ctx, char *err, size_t errlen)
{
	struct plat_tray *t = g_new0(struct plat_tray, 1);
	GError *gerr = NULL;

	t->cb = cb;
	t->ctx = ctx;
	t->icon_dir = g_dir_make_tmp("sstp-tray-XXXXXX", &gerr);
	if (!t->icon_dir) {
		snprintf(err, errlen, "cannot create a directory for the icons: %s",
			 gerr ? gerr->message : "?");
		g_clear_error(&gerr);
		g_free(t);
		return NULL;
	}
	for (int i = 0; i < 4; i++) {
		char *p = icon_path(t, (enum plat_tray_icon)i);
		int r = draw_icon(p, (enum plat_tray_icon)i);

		g_free(p);
		if (r < 0) {
			snprintf(err, errlen, "cannot write the icons into %s", t->icon_dir);
			plat_tray_free(t);
			return NULL;
		}
	}
	/* the XEmbed fallback looks icons up in the default theme */
	gtk_icon_theme_append_search_path(gtk_icon_theme_get_default(), t->icon_dir);
	t->ind = app_indicator_new_with_path(id, icon_names[0],
					     APP_INDICATOR_CATEGORY_COMMUNICATIONS, t->icon_dir);
	app_indicator_set_title(t->ind, title);
	app_indicator_set_status(t->ind, APP_INDICATOR_STATUS_ACTIVE);
	t->menu = gtk_menu_new();
	g_object_ref_sink(t->menu);
	app_indicator_set_menu(t->ind, GTK_MENU(t->menu));
	t->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	return t;
}

void plat_tray_free(struct plat_tray *t)
{
	if (!t)
		return;
	plat_tray_unwatch(t);
	if (t->timer_id)
		g_source_remove(t->timer_id);
	if (t->dlg) {
		GtkWidget *d = t->dlg;

		t->dlg = NULL; /* closed without an answer: the callback is not called */
		gtk_entry_set_text(GTK_ENTRY(t->dlg_entry), "");
		gtk_widget_destroy(d);
	}
	if (t->win)
		gtk_widget_destroy(t->win);
	if (t->ind)
		g_object_unref(t->ind);
	if (t->menu)
		g_object_unref(t->menu);
	if (t->bus)
		g_object_unref(t->bus);
	if (t->icon_dir) {
		for (int i = 0; i < 4; i++) {
			char *p = icon_path(t, (enum plat_tray_icon)i);

			g_unlink(p);
			g_free(p);
		}
		g_rmdir(t->icon_dir);
		g_free(t->icon_dir);
	}
	g_free(t);
}

void plat_tray_set_icon(struct plat_tray *t, enum plat_tray_icon icon, const char *tooltip)
{
	if ((unsigned)icon > PLAT_TRAY_ERROR)
		icon = PLAT_TRAY_ERROR;
	t->icon = icon;
	app_indicator_set_icon_full(t->ind, icon_names[icon], tooltip);
	/* the title is what hosts show as the tooltip */
	app_indicator_set_title(t->ind, tooltip);
	if (t->win_image) {
		char *p = icon_path(t, icon);

		gtk_image_set_from_file(GTK_IMAGE(t->win_image), p);
		g_free(p);
	}
}

void plat_tray_set_menu(struct plat_tray *t, const struct plat_tray_item *items, size_t n)
{
	GList *old = gtk_container_get_children(GTK_CONTAINER(t->menu));

	for (GList *l = old; l; l = l->next)
		gtk_widget_destroy(GTK_WIDGET(l->data));
	g_list_free(old);
	for (size_t i = 0; i < n; i++) {
		GtkWidget *mi = items[i].action < 0 ? gtk_separator_menu_item_new()
						    : gtk_menu_item_new_with_label(items[i].label);

		if (items[i].action > 0) {
			g_object_set_data(G_OBJECT(mi), "sstp-action", GINT_TO_POINTER(items[i].action));
			g_signal_connect(mi, "activate", G_CALLBACK(on_item), t);
		}
		gtk_widget_set_sensitive(mi, items[i].action < 0 || (items[i].action > 0 &&
								     items[i].enabled));
		gtk_menu_shell_append(GTK_MENU_SHELL(t->menu), mi);
	}
	gtk_widget_show_all(t->menu);
	/* re-export the menu so that hosts over D-Bus see the new items */
	app_indicator_set_menu(t->ind, GTK_MENU(t->menu));
}

void plat_tray_details(struct plat_tray *t, const char *text, bool show)
{
	if (!t->win) {
		GtkWidget *box;
		char *p;

		if (!show)
			return;
		t->win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
		gtk_window_set_title(GTK_WINDOW(t->win), "sstp VPN");
		gtk_window_set_default_size(GTK_WINDOW(t->win), 460, 260);
		gtk_container_set_border_width(GTK_CONTAINER(t->win), 12);
		g_signal_connect(t->win, "delete-event", G_CALLBACK(gtk_widget_hide_on_delete), NULL);
		box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
		p = icon_path(t, t->icon);
		t->win_image = gtk_image_new_from_file(p);
		g_free(p);
		gtk_widget_set_valign(t->win_image, GTK_ALIGN_START);
		t->win_label = gtk_label_new("");
		gtk_label_set_selectable(GTK_LABEL(t->win_label), TRUE);
		gtk_label_set_xalign(GTK_LABEL(t->win_label), 0);
		gtk_label_set_yalign(GTK_LABEL(t->win_label), 0);
		gtk_label_set_line_wrap(GTK_LABEL(t->win_label), TRUE);
		gtk_box_pack_start(GTK_BOX(box), t->win_image, FALSE, FALSE, 0);
		gtk_box_pack_start(GTK_BOX(box), t->win_label, TRUE, TRUE, 0);
		gtk_container_add(GTK_CONTAINER(t->win), box);
	}
	gtk_label_set_text(GTK_LABEL(t->win_label), text);
	if (show) {
		gtk_widget_show_all(t->win);
		gtk_window_present(GTK_WINDOW(t->win));
	}
}

void plat_tray_notify(struct plat_tray *t, const char *summary, const char *body, bool urgent)
{
	GVariantBuilder actions, hints;
	char *icon;

	if (!t->bus)
		return;
	icon = icon_path(t, t->icon);
	g_variant_builder_init(&actions, G_VARIANT_TYPE("as"));
	g_variant_builder_init(&hints, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&hints, "{sv}", "urgency", g_variant_new_byte(urgent ? 2 : 1));
	g_dbus_connection_call(t->bus, "org.freedesktop.Notifications",
			       "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
			       "Notify",
			       g_variant_new("(susssasa{sv}i)", "sstp", 0u, icon, summary, body,
					     &actions, &hints, -1),
			       NULL, G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL, NULL);
	g_free(icon);
}

/* OK, Enter (the default response), Cancel, Escape or the window closed. The entry's text is
 * handed over without a copy, then cleared (GtkEntryBuffer overwrites the bytes it drops and
 * its memory when freed) before the dialog goes. */
static void on_secret_response(GtkDialog *d, gint response, gpointer data)
{
	struct plat_tray *t = data;
	GtkWidget *entry = t->dlg_entry;
	plat_tray_secret_fn *cb = t->dlg_cb;
	void *ctx = t->dlg_ctx;

	if (t->dlg != GTK_WIDGET(d))
		return;
	t->dlg = NULL; /* cb may open the next one */
	t->dlg_entry = NULL;
	t->dlg_cb = NULL;
	if (cb)
		cb(ctx, response == GTK_RESPONSE_OK ? gtk_entry_get_text(GTK_ENTRY(entry)) : NULL);
	gtk_entry_set_text(GTK_ENTRY(entry), "");
	gtk_widget_destroy(GTK_WIDGET(d));
}

int plat_tray_ask_secret(struct plat_tray *t, const char *title, const char *prompt,
			 plat_tray_secret_fn *cb, void *ctx)
{
	GtkWidget *d, *area, *label, *entry;

	if (t->dlg) {
		gtk_window_present(GTK_WINDOW(t->dlg));
		return -1;
	}
	d = gtk_dialog_new_with_buttons(title, NULL, 0, "_Cancel", GTK_RESPONSE_CANCEL, "_OK",
					GTK_RESPONSE_OK, NULL);
	gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_OK);
	gtk_window_set_resizable(GTK_WINDOW(d), FALSE);
	gtk_window_set_keep_above(GTK_WINDOW(d), TRUE);
	gtk_window_set_position(GTK_WINDOW(d), GTK_WIN_POS_CENTER);
	area = gtk_dialog_get_content_area(GTK_DIALOG(d));
	gtk_container_set_border_width(GTK_CONTAINER(d), 8);
	gtk_box_set_spacing(GTK_BOX(area), 8);
	label = gtk_label_new(prompt);
	gtk_label_set_xalign(GTK_LABEL(label), 0);
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	entry = gtk_entry_new();
	gtk_entry_set_visibility(GTK_ENTRY(entry), FALSE);
	gtk_entry_set_input_purpose(GTK_ENTRY(entry), GTK_INPUT_PURPOSE_PASSWORD);
	gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
	gtk_entry_set_width_chars(GTK_ENTRY(entry), 32);
	gtk_box_pack_start(GTK_BOX(area), label, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(area), entry, FALSE, FALSE, 0);
	t->dlg = d;
	t->dlg_entry = entry;
	t->dlg_cb = cb;
	t->dlg_ctx = ctx;
	/* Escape and the window's close button both end as a response other than OK */
	g_signal_connect(d, "response", G_CALLBACK(on_secret_response), t);
	gtk_widget_show_all(d);
	gtk_widget_grab_focus(entry);
	gtk_window_present(GTK_WINDOW(d));
	return 0;
}

bool plat_tray_secret_open(const struct plat_tray *t)
{
	return t->dlg != NULL;
}

static gboolean on_fd(gint fd, GIOCondition cond, gpointer data)
{
	struct plat_tray *t = data;

	(void)fd;
	(void)cond;
	if (t->watch_cb)
		t->watch_cb(t->watch_ctx);
	return G_SOURCE_CONTINUE;
}

void plat_tray_watch(struct plat_tray *t, int fd, plat_tray_cb_fn *cb, void *ctx)
{
	plat_tray_unwatch(t);
	t->watch_cb = cb;
	t->watch_ctx = ctx;
	t->watch_id = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_fd, t);
}

void plat_tray_unwatch(struct plat_tray *t)
{
	if (t->watch_id)
		g_source_remove(t->watch_id);
	t->watch_id = 0;
	t->watch_cb = NULL;
}

static gboolean on_timer(gpointer data)
{
	struct plat_tray *t = data;

	if (t->timer_cb)
		t->timer_cb(t->timer_ctx);
	return G_SOURCE_CONTINUE;
}

void plat_tray_every(struct plat_tray *t, unsigned period_ms, plat_tray_cb_fn *cb, void *ctx)
{
	if (t->timer_id)
		g_source_remove(t->timer_id);
	t->timer_cb = cb;
	t->timer_ctx = ctx;
	t->timer_id = g_timeout_add(period_ms, on_timer, t);
}

void plat_tray_run(struct plat_tray *t)
{
	(void)t;
	gtk_main();
}

void plat_tray_quit(struct plat_tray *t)
{
	(void)t;
	gtk_main_quit();
}
