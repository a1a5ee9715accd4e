/* tray_model.h - what the tray icon shows, independent of any toolkit: the profiles the helper
 * offers and the last status of each, the overall look (disconnected / connecting / connected /
 * error), the menu (per profile: state, address, last error, connect or disconnect), the text of
 * the details window, and which changes deserve a desktop notification (drops, reconnects,
 * failures). Pure: statuses in, strings and decisions out. Never sees a secret. */
#ifndef SSTP_TRAY_MODEL_H
#define SSTP_TRAY_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define SSTP_TRAY_MAX_ENTRIES 32
#define SSTP_TRAY_LABEL_MAX 160
#define SSTP_TRAY_MAX_ITEMS (4 * SSTP_TRAY_MAX_ENTRIES + 8)

enum sstp_tray_look {
	SSTP_TRAY_LOOK_DISCONNECTED = 0,
	SSTP_TRAY_LOOK_CONNECTING,
	SSTP_TRAY_LOOK_CONNECTED,
	SSTP_TRAY_LOOK_ERROR,
};

/* Menu actions: kind << 8 | entry index. */
enum sstp_tray_action_kind {
	SSTP_TRAY_ACT_NONE = 0,   /* an informational line */
	SSTP_TRAY_ACT_CONNECT,
	SSTP_TRAY_ACT_DISCONNECT,
	SSTP_TRAY_ACT_DETAILS,
	SSTP_TRAY_ACT_QUIT,
};
#define SSTP_TRAY_ACTION(kind, idx) (((int)(kind) << 8) | (int)(idx))
#define SSTP_TRAY_ACTION_KIND(a) ((a) >> 8)
#define SSTP_TRAY_ACTION_INDEX(a) ((a) & 0xff)

struct sstp_tray_entry {
	char name[64];           /* as struct sstp_conn_status.name */
	bool is_profile;        /* offered by the helper (else: a session seen in status only) */
	bool have_status;
	struct sstp_conn_status st;
	bool user_stop;         /* a disconnect was asked for: its end is not a drop */
	bool requested;         /* a connect was asked for and nothing was heard yet */
	char request_error[256];/* the helper refused the last request */
};

struct sstp_tray_model {
	bool helper_up;
	char helper_error[256];
	struct sstp_tray_entry e[SSTP_TRAY_MAX_ENTRIES];
	size_t n;
};

struct sstp_tray_note {
	bool show;
	bool urgent;
	char summary[128];
	char body[300];
};

struct sstp_tray_item {
	char label[SSTP_TRAY_LABEL_MAX];
	int action;             /* SSTP_TRAY_ACTION(...), 0 for a plain line; -1 for a separator */
	bool enabled;
};

void sstp_tray_model_init(struct sstp_tray_model *m);
/* The helper answered (up) or cannot be reached (why): statuses are forgotten while it is down. */
void sstp_tray_model_helper_up(struct sstp_tray_model *m);
void sstp_tray_model_helper_down(struct sstp_tray_model *m, const char *why);
/* The profiles the helper can connect (an overview reply). Entries keep their status. */
void sstp_tray_model_set_profiles(struct sstp_tray_model *m, const char *const *names, size_t n);
/* A status (event or overview). *note (may be NULL) says whether to notify the user. */
void sstp_tray_model_update(struct sstp_tray_model *m, const struct sstp_conn_status *st,
			    struct sstp_tray_note *note);
/* The user asked to connect / disconnect entry idx (for the drop/failure wording). */
void sstp_tray_model_requested(struct sstp_tray_model *m, size_t idx, bool connect);
/* The helper refused a request for entry idx. Fills *note. */
void sstp_tray_model_request_failed(struct sstp_tray_model *m, size_t idx, int code,
				    const char *msg, struct sstp_tray_note *note);
/* The request for entry idx ended without effect and without an error (the helper asked for a
 * password first): the entry is no longer "connecting". */
void sstp_tray_model_request_ended(struct sstp_tray_model *m, size_t idx);
/* The prompt of the password dialog for profile: "Password for PROFILE (user U):" when the
 * helper's NEED_PASSWORD sentence ("profile P authenticates U with a password: ...") names the
 * user, else "Password for profile PROFILE:". helper_msg may be NULL. */
void sstp_tray_password_prompt(const char *profile, const char *helper_msg, char *out,
			       size_t len);
/* Index of the entry called name, or -1. */
int sstp_tray_model_find(const struct sstp_tray_model *m, const char *name);

enum sstp_tray_look sstp_tray_model_look(const struct sstp_tray_model *m);
const char *sstp_tray_look_name(enum sstp_tray_look look);
/* One line for the icon's tooltip ("sstp: work connected (10.0.0.2)"). */
void sstp_tray_model_tooltip(const struct sstp_tray_model *m, char *out, size_t len);
/* The menu, top to bottom. Returns the number of items written (at most max). */
size_t sstp_tray_model_menu(const struct sstp_tray_model *m, struct sstp_tray_item *items,
			    size_t max);
/* Multi-line text of the details window. */
void sstp_tray_model_details(const struct sstp_tray_model *m, char *out, size_t len);

#endif
