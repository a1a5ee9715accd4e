/* tray_main.c - `sstp-tray`: the desktop tray icon. It talks only to the sstp helper (subscribe
 * to events, an overview every few seconds, connect/disconnect requests), keeps the state in
 * tray_model.c and shows it through plat_tray.h; it never reads profiles or keys itself. A
 * profile that needs a password (the helper answers NEED_PASSWORD) gets a password dialog and
 * the connect is sent again with it; the password is never logged nor written anywhere.
 * Options: --socket PATH (default $SSTP_HELPER_SOCKET or /run/sstp/control), --details (open
 * the details window at start), --state-file FILE (write look, tooltip, menu and an open password
 * dialog on every change, for scripts and tests), --exit-after SECONDS (quit by itself). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_status.h"
#include "exit_codes.h"
#include "helper_client.h"
#include "plat_ctl.h"
#include "plat_loop.h"
#include "plat_paths.h"
#include "plat_tray.h"
#include "tray_model.h"

#define TICK_MS 2000u

struct tray_app {
	struct plat_tray *t;
	struct sstp_tray_model m;
	struct sstp_helper_conn conn;
	const char *socket;
	const char *state_file;
	bool details_shown;
	bool connected;
	uint32_t overview_id;
	uint32_t req_id[SSTP_TRAY_MAX_ENTRIES];
	char req_name[SSTP_TRAY_MAX_ENTRIES][72];
	bool req_pw[SSTP_TRAY_MAX_ENTRIES]; /* the request carried a password */
	char ask_profile[72];              /* the password dialog is open for it ("" = none) */
	uint64_t exit_at;
};

static struct tray_app app;

/* Notifications wait for the next refresh, so that they carry the icon of the new look. */
#define MAX_NOTES 8
static struct sstp_tray_note notes[MAX_NOTES];
static size_t n_notes;

static void notify(const struct sstp_tray_note *note)
{
	if (note->show && n_notes < MAX_NOTES)
		notes[n_notes++] = *note;
}

static void flush_notes(void)
{
	for (size_t i = 0; i < n_notes; i++)
		plat_tray_notify(app.t, notes[i].summary, notes[i].body, notes[i].urgent);
	n_notes = 0;
}

static void write_state_file(const char *tooltip, const struct sstp_tray_item *items, size_t n)
{
	char tmp[512];
	FILE *f;

	if (!app.state_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", app.state_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "look: %s\n", sstp_tray_look_name(sstp_tray_model_look(&app.m)));
	fprintf(f, "tooltip: ");
	for (const char *p = tooltip; *p; p++)
		fputs(*p == '\n' ? " | " : (char[2]){ *p, 0 }, f);
	fputc('\n', f);
	/* "item:" lines are what keyboard navigation of the menu visits, in order */
	for (size_t i = 0; i < n; i++)
		if (items[i].action == 0)
			fprintf(f, "line: %s\n", items[i].label);
		else if (items[i].action > 0)
			fprintf(f, "%s: %s\n", items[i].enabled ? "item" : "disabled",
				items[i].label);
	if (app.ask_profile[0])
		fprintf(f, "dialog: password %s\n", app.ask_profile);
	fclose(f);
	rename(tmp, app.state_file);
}

/* Push the model to the icon, the menu and the details window; the menu is rebuilt only when
 * it changed, so an open menu is not pulled from under the user every tick. */
static void refresh(void)
{
	static struct sstp_tray_item items[SSTP_TRAY_MAX_ITEMS], shown[SSTP_TRAY_MAX_ITEMS];
	static struct plat_tray_item pitems[SSTP_TRAY_MAX_ITEMS];
	static size_t n_shown;
	static char details[8192], tooltip_shown[1024];
	static int look_shown = -1;
	char tooltip[1024];
	size_t n = sstp_tray_model_menu(&app.m, items, SSTP_TRAY_MAX_ITEMS);
	int look = (int)sstp_tray_model_look(&app.m);

	sstp_tray_model_tooltip(&app.m, tooltip, sizeof(tooltip));
	if (look != look_shown || strcmp(tooltip, tooltip_shown) != 0) {
		plat_tray_set_icon(app.t, (enum plat_tray_icon)look, tooltip);
		look_shown = look;
		memcpy(tooltip_shown, tooltip, sizeof(tooltip));
	}
	if (n != n_shown || memcmp(items, shown, n * sizeof(items[0])) != 0) {
		for (size_t i = 0; i < n; i++) {
			pitems[i].label = items[i].label;
			pitems[i].action = items[i].action;
			pitems[i].enabled = items[i].enabled;
		}
		plat_tray_set_menu(app.t, pitems, n);
		memcpy(shown, items, n * sizeof(items[0]));
		n_shown = n;
	}
	sstp_tray_model_details(&app.m, details, sizeof(details));
	plat_tray_details(app.t, details, false);
	write_state_file(tooltip, items, n);
	flush_notes();
}


static void lost(const char *why)
{
	if (app.connected) {
		plat_tray_unwatch(app.t);
		sstp_helper_conn_close(&app.conn);
	}
	app.connected = false;
	app.overview_id = 0;
	memset(app.req_id, 0, sizeof(app.req_id));
	sstp_tray_model_helper_down(&app.m, why);
	refresh();
}

/* password (may be NULL) is checked by the caller (sstp_helper_password_ok). */
static int send_req(uint8_t type, const char *profile, bool all, bool nowait,
		    const char *password, uint32_t *id)
{
	struct sstp_helper_req req;
	char err[256];
	int r;

	memset(&req, 0, sizeof(req));
	req.type = type;
	if (profile)
		snprintf(req.profile, sizeof(req.profile), "%s", profile);
	req.all = all;
	req.nowait = nowait;
	if (password) {
		size_t n = strnlen(password, SSTP_HELPER_PASSWORD_MAX);

		memcpy(req.password, password, n);
		req.password[n] = '\0';
		req.has_password = true;
	}
	r = sstp_helper_conn_send(&app.conn, &req, err, sizeof(err));
	sstp_helper_req_wipe(&req); /* sent (or not): no copy stays here */
	if (r != 0) {
		lost(err);
		return -1;
	}
	if (id)
		*id = req.id;
	return 0;
}

static void overview(void)
{
	if (app.connected && !app.overview_id)
		send_req(SSTP_CTL_REQ_STATUS, NULL, false, false, NULL, &app.overview_id);
}

static void overview_done(const struct sstp_ctl_msg *m)
{
	static char names[SSTP_HELPER_MAX_PROFILES][72];
	const char *ptrs[SSTP_HELPER_MAX_PROFILES];
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	size_t n = 0;

	sstp_ctl_iter_init(&it, m);
	while (sstp_ctl_next(&it, &a) == 1 && n < SSTP_HELPER_MAX_PROFILES)
		if (a.tag == SSTP_CTL_A_PROFILE && sstp_ctl_get_str(&a, names[n], sizeof(names[n])) == 0) {
			ptrs[n] = names[n];
			n++;
		}
	sstp_tray_model_set_profiles(&app.m, ptrs, n);
	app.overview_id = 0;
}

static void ask_password(const char *profile, const char *helper_msg);

static void handle(const struct sstp_ctl_msg *m)
{
	struct sstp_conn_status st;
	struct sstp_tray_note note;
	char msg[256];

	memset(&note, 0, sizeof(note));
	if (m->type == SSTP_CTL_EVENT ||
	    (m->type == SSTP_CTL_RESP_STATUS && m->id == app.overview_id)) {
		if (sstp_ctl_get_status(m, &st, NULL) == 0) {
			sstp_tray_model_update(&app.m, &st, &note);
			notify(&note);
		}
		return;
	}
	if (m->id == 0 && m->type == SSTP_CTL_RESP_ERROR) {
		sstp_ctl_reply_error(m, msg, sizeof(msg));
		lost(msg[0] ? msg : "the sstp helper refused us");
		return;
	}
	if (m->id && m->id == app.overview_id) {
		if (m->type == SSTP_CTL_RESP_OK)
			overview_done(m);
		else
			app.overview_id = 0;
		return;
	}
	for (size_t i = 0; i < SSTP_TRAY_MAX_ENTRIES; i++) {
		int idx;

		if (!app.req_id[i] || app.req_id[i] != m->id)
			continue;
		app.req_id[i] = 0;
		idx = sstp_tray_model_find(&app.m, app.req_name[i]);
		if (m->type == SSTP_CTL_RESP_ERROR && idx >= 0) {
			int code = sstp_ctl_reply_error(m, msg, sizeof(msg));

			/* a password was missing (not wrong: that is the session's failure) */
			if (!app.req_pw[i] && sstp_helper_reply_needs_password(m)) {
				sstp_tray_model_request_ended(&app.m, (size_t)idx);
				ask_password(app.req_name[i], msg);
				continue;
			}
			sstp_tray_model_request_failed(&app.m, (size_t)idx, code, msg, &note);
			notify(&note);
		}
	}
}

static void on_readable(void *ctx)
{
	struct sstp_ctl_msg m;
	char err[256];
	int r, frames = 0;

	(void)ctx;
	while (app.connected && frames < 64 &&
	       (r = sstp_helper_conn_next(&app.conn, 0, &m, err, sizeof(err))) != 0) {
		if (r < 0) {
			lost(err);
			return;
		}
		handle(&m);
		frames++;
	}
	refresh();
}

static void try_connect(void)
{
	char err[400];

	if (sstp_helper_conn_open(&app.conn, app.socket, 500, err, sizeof(err)) != 0) {
		sstp_tray_model_helper_down(&app.m, err);
		refresh();
		return;
	}
	app.connected = true;
	sstp_tray_model_helper_up(&app.m);
	plat_tray_watch(app.t, app.conn.fd, on_readable, NULL);
	if (send_req(SSTP_CTL_REQ_SUBSCRIBE, NULL, false, false, NULL, NULL) == 0)
		overview();
	refresh();
}

static void on_tick(void *ctx)
{
	(void)ctx;
	if (app.exit_at && plat_now_ms() >= app.exit_at) {
		plat_tray_quit(app.t);
		return;
	}
	if (!app.connected)
		try_connect();
	else
		overview(); /* counters and uptime for the details */
}

static void remember(size_t idx, uint32_t id, bool with_password)
{
	for (size_t i = 0; i < SSTP_TRAY_MAX_ENTRIES; i++)
		if (!app.req_id[i]) {
			app.req_id[i] = id;
			app.req_pw[i] = with_password;
			sstp_status_set(app.req_name[i], sizeof(app.req_name[i]), app.m.e[idx].name);
			return;
		}
}

/* The password dialog closed: send the connect again with the password (then forget it), or
 * nothing at all when the user cancelled. */
static void on_password(void *ctx, const char *password)
{
	struct sstp_tray_note note;
	char profile[sizeof(app.ask_profile)];
	uint32_t id = 0;
	int idx;

	(void)ctx;
	memcpy(profile, app.ask_profile, sizeof(profile));
	app.ask_profile[0] = '\0';
	idx = sstp_tray_model_find(&app.m, profile);
	if (!password || idx < 0 || !app.connected) {
		refresh();
		return;
	}
	if (!sstp_helper_password_ok(password)) {
		sstp_tray_model_request_failed(&app.m, (size_t)idx, SSTP_EXIT_USAGE,
					       "the password is too long (at most 1023 bytes) or "
					       "has a line break", &note);
		notify(&note);
	} else if (send_req(SSTP_CTL_REQ_CONNECT, profile, false, true, password, &id) == 0) {
		remember((size_t)idx, id, true);
		sstp_tray_model_requested(&app.m, (size_t)idx, true);
	}
	refresh();
}

static void ask_password(const char *profile, const char *helper_msg)
{
	char title[160], prompt[300];

	/* one dialog at a time: while one is open, this only raises it */
	snprintf(title, sizeof(title), "Password for %s - sstp VPN", profile);
	sstp_tray_password_prompt(profile, helper_msg, prompt, sizeof(prompt));
	if (plat_tray_ask_secret(app.t, title, prompt, on_password, NULL) == 0)
		sstp_status_set(app.ask_profile, sizeof(app.ask_profile), profile);
}

static void on_action(void *ctx, int action)
{
	int kind = SSTP_TRAY_ACTION_KIND(action);
	size_t idx = (size_t)SSTP_TRAY_ACTION_INDEX(action);
	static char details[8192];
	uint32_t id = 0;

	(void)ctx;
	switch (kind) {
	case SSTP_TRAY_ACT_CONNECT:
	case SSTP_TRAY_ACT_DISCONNECT:
		if (idx >= app.m.n || !app.connected)
			break;
		if (send_req(kind == SSTP_TRAY_ACT_CONNECT ? SSTP_CTL_REQ_CONNECT :
			     SSTP_CTL_REQ_DISCONNECT, app.m.e[idx].name, false,
			     kind == SSTP_TRAY_ACT_CONNECT, NULL, &id) == 0) {
			remember(idx, id, false);
			sstp_tray_model_requested(&app.m, idx, kind == SSTP_TRAY_ACT_CONNECT);
		}
		refresh();
		break;
	case SSTP_TRAY_ACT_DETAILS:
		sstp_tray_model_details(&app.m, details, sizeof(details));
		plat_tray_details(app.t, details, true);
		break;
	case SSTP_TRAY_ACT_QUIT:
		plat_tray_quit(app.t);
		break;
	default:
		break;
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: sstp-tray [--socket PATH] [--details] [--state-file FILE] "
		"[--exit-after SECONDS]\n"
		"Tray icon for sstp: connects and disconnects the system's VPN profiles through the\n"
		"sstp helper (sstp-helper.service); your user must be in group 'sstp'.\n");
}

int main(int argc, char **argv)
{
	char err[256];
	bool details = false;

	app.socket = sstp_helper_socket_path();
	if (plat_tray_init(&argc, &argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "sstp-tray: %s\n", err);
		return SSTP_EXIT_ERROR;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--details")) {
			details = true;
		} else if (!strcmp(a, "--socket") && i + 1 < argc && plat_path_is_absolute(argv[i + 1])) {
			app.socket = argv[++i];
		} else if (!strcmp(a, "--state-file") && i + 1 < argc) {
			app.state_file = argv[++i];
		} else if (!strcmp(a, "--exit-after") && i + 1 < argc) {
			char *end = NULL;
			unsigned long s = strtoul(argv[++i], &end, 10);

			if (!end || *end || s == 0 || s > 86400) {
				fprintf(stderr, "sstp-tray: --exit-after needs seconds (1-86400)\n");
				return SSTP_EXIT_USAGE;
			}
			app.exit_at = plat_now_ms() + s * 1000u;
		} else {
			fprintf(stderr, "sstp-tray: unknown option '%s'\n", a);
			usage(stderr);
			return SSTP_EXIT_USAGE;
		}
	}
	sstp_tray_model_init(&app.m);
	app.conn.fd = -1;
	app.t = plat_tray_new("sstp-tray", "sstp VPN", on_action, NULL, err, sizeof(err));
	if (!app.t) {
		fprintf(stderr, "sstp-tray: %s\n", err);
		return SSTP_EXIT_ERROR;
	}
	try_connect();
	if (details)
		on_action(NULL, SSTP_TRAY_ACTION(SSTP_TRAY_ACT_DETAILS, 0));
	plat_tray_every(app.t, TICK_MS, on_tick, NULL);
	plat_tray_run(app.t);
	if (app.connected)
		sstp_helper_conn_close(&app.conn);
	plat_tray_free(app.t);
	return 0;
}
