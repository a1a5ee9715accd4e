/* tray_model.c - the tray's state model: entries per profile/session, the overall look, menu
 * and details text, and the notification decisions for drops, reconnects and failures. */
#include "tray_model.h"

#include <stdio.h>
#include <string.h>

static bool is_connecting(uint32_t st)
{
	return st >= SSTP_STATE_RESOLVING && st <= SSTP_STATE_CONFIGURING;
}

static bool is_running(uint32_t st)
{
	return st != SSTP_STATE_IDLE && st != SSTP_STATE_DISCONNECTED;
}

void sstp_tray_model_init(struct sstp_tray_model *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->helper_error, sizeof(m->helper_error), "not connected to the sstp helper yet");
}

void sstp_tray_model_helper_up(struct sstp_tray_model *m)
{
	m->helper_up = true;
	m->helper_error[0] = '\0';
}

void sstp_tray_model_helper_down(struct sstp_tray_model *m, const char *why)
{
	m->helper_up = false;
	sstp_status_set(m->helper_error, sizeof(m->helper_error), why && why[0] ? why :
			"the sstp helper is not running");
	for (size_t i = 0; i < m->n; i++) {
		m->e[i].have_status = false;
		m->e[i].requested = false;
	}
}

int sstp_tray_model_find(const struct sstp_tray_model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->e[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int add_entry(struct sstp_tray_model *m, const char *name)
{
	struct sstp_tray_entry *e;

	if (m->n == SSTP_TRAY_MAX_ENTRIES || !name || !name[0])
		return -1;
	e = &m->e[m->n];
	memset(e, 0, sizeof(*e));
	sstp_status_set(e->name, sizeof(e->name), name);
	return (int)m->n++;
}

void sstp_tray_model_set_profiles(struct sstp_tray_model *m, const char *const *names, size_t n)
{
	/* which entries are still profiles; drop those that are neither a profile nor a running
	 * session; then add the new profiles (so stale entries never take their slots) */
	for (size_t i = 0; i < m->n; i++) {
		m->e[i].is_profile = false;
		for (size_t k = 0; k < n; k++)
			if (strcmp(m->e[i].name, names[k]) == 0)
				m->e[i].is_profile = true;
	}
	for (size_t i = 0; i < m->n;) {
		struct sstp_tray_entry *e = &m->e[i];

		if (!e->is_profile && !(e->have_status && is_running(e->st.state))) {
			memmove(e, e + 1, (m->n - i - 1) * sizeof(*e));
			m->n--;
			continue;
		}
		i++;
	}
	for (size_t k = 0; k < n; k++) {
		int i = sstp_tray_model_find(m, names[k]);

		if (i < 0)
			i = add_entry(m, names[k]);
		if (i >= 0)
			m->e[i].is_profile = true;
	}
}

static void note_set(struct sstp_tray_note *note, bool urgent, const char *summary,
		     const char *body)
{
	if (!note)
		return;
	note->show = true;
	note->urgent = urgent;
	sstp_status_set(note->summary, sizeof(note->summary), summary);
	sstp_status_set(note->body, sizeof(note->body), body);
}

void sstp_tray_model_update(struct sstp_tray_model *m, const struct sstp_conn_status *st,
			    struct sstp_tray_note *note)
{
	char summary[128], body[300];
	struct sstp_tray_entry *e;
	uint32_t was;
	bool had;
	int i;

	if (note)
		memset(note, 0, sizeof(*note));
	i = sstp_tray_model_find(m, st->name);
	if (i < 0 && (i = add_entry(m, st->name)) < 0)
		return;
	e = &m->e[i];
	had = e->have_status;
	was = had ? e->st.state : SSTP_STATE_IDLE;
	e->st = *st;
	e->have_status = true;
	if (is_running(st->state) && st->state != SSTP_STATE_DISCONNECTING)
		e->request_error[0] = '\0';
	if (st->state != was)
		e->requested = false;
	if (!had || st->state == was)
		return; /* a snapshot, or nothing new: no notification */

	if (st->state == SSTP_STATE_CONNECTED && (was == SSTP_STATE_RECONNECTING ||
						 st->reconnects > 0)) {
		snprintf(summary, sizeof(summary), "VPN %s reconnected", e->name);
		snprintf(body, sizeof(body), "%s%s (reconnect %u)", st->ipv4_local[0] ? "address " : "",
			 st->ipv4_local, (unsigned)st->reconnects);
		note_set(note, false, summary, body);
	} else if (st->state == SSTP_STATE_RECONNECTING && was == SSTP_STATE_CONNECTED) {
		snprintf(summary, sizeof(summary), "VPN %s dropped", e->name);
		snprintf(body, sizeof(body), "reconnecting%s%s", st->last_error[0] ? ": " : "",
			 st->last_error);
		note_set(note, true, summary, body);
	} else if (st->state == SSTP_STATE_DISCONNECTED && !e->user_stop) {
		if (is_connecting(was))
			snprintf(summary, sizeof(summary), "VPN %s could not connect", e->name);
		else
			snprintf(summary, sizeof(summary), "VPN %s disconnected", e->name);
		snprintf(body, sizeof(body), "%s", st->last_error[0] ? st->last_error :
			 was == SSTP_STATE_DISCONNECTING ? "stopped by the system or another user" :
			 "the session ended");
		note_set(note, st->last_exit != 0 || was != SSTP_STATE_DISCONNECTING, summary, body);
	}
	if (st->state == SSTP_STATE_DISCONNECTED)
		e->user_stop = false;
}

void sstp_tray_model_requested(struct sstp_tray_model *m, size_t idx, bool connect)
{
	if (idx >= m->n)
		return;
	m->e[idx].user_stop = !connect;
	m->e[idx].requested = connect;
	m->e[idx].request_error[0] = '\0';
}

void sstp_tray_model_request_failed(struct sstp_tray_model *m, size_t idx, int code,
				    const char *msg, struct sstp_tray_note *note)
{
	char summary[128];

	if (note)
		memset(note, 0, sizeof(*note));
	if (idx >= m->n)
		return;
	m->e[idx].requested = false;
	m->e[idx].user_stop = false;
	snprintf(m->e[idx].request_error, sizeof(m->e[idx].request_error), "%s (exit code %d)",
		 msg && msg[0] ? msg : "refused by the helper", code);
	snprintf(summary, sizeof(summary), "VPN %s: request refused", m->e[idx].name);
	note_set(note, true, summary, m->e[idx].request_error);
}

void sstp_tray_model_request_ended(struct sstp_tray_model *m, size_t idx)
{
	if (idx >= m->n)
		return;
	m->e[idx].requested = false;
	m->e[idx].user_stop = false;
}

void sstp_tray_password_prompt(const char *profile, const char *helper_msg, char *out,
			       size_t len)
{
	static const char mid[] = " authenticates ", tail[] = " with a password";
	char head[96];
	const char *u, *end;
	size_t hl;

	if (!len)
		return;
	/* the helper's sentence, exactly for this profile (helper_req.c resolve_password) */
	hl = (size_t)snprintf(head, sizeof(head), "profile %s%s", profile, mid);
	if (helper_msg && hl < sizeof(head) && strncmp(helper_msg, head, hl) == 0) {
		u = helper_msg + hl;
		end = strstr(u, tail);
		if (end && end > u && end - u < 128 && !memchr(u, ' ', (size_t)(end - u))) {
			snprintf(out, len, "Password for %s (user %.*s):", profile, (int)(end - u),
				 u);
			return;
		}
	}
	snprintf(out, len, "Password for profile %s:", profile);
}

static bool entry_error(const struct sstp_tray_entry *e)
{
	return e->request_error[0] ||
	       (e->have_status && e->st.state == SSTP_STATE_DISCONNECTED && e->st.last_exit != 0);
}

enum sstp_tray_look sstp_tray_model_look(const struct sstp_tray_model *m)
{
	bool connecting = false, connected = false, error = false;

	if (!m->helper_up)
		return SSTP_TRAY_LOOK_ERROR;
	for (size_t i = 0; i < m->n; i++) {
		const struct sstp_tray_entry *e = &m->e[i];

		if (e->requested)
			connecting = true;
		if (!e->have_status)
			continue;
		if (e->st.state == SSTP_STATE_CONNECTED)
			connected = true;
		else if (is_connecting(e->st.state) || e->st.state == SSTP_STATE_RECONNECTING)
			connecting = true;
		if (entry_error(e))
			error = true;
	}
	/* something on its way beats the rest; then a working tunnel; then an error */
	if (connecting)
		return SSTP_TRAY_LOOK_CONNECTING;
	if (connected)
		return SSTP_TRAY_LOOK_CONNECTED;
	return error ? SSTP_TRAY_LOOK_ERROR : SSTP_TRAY_LOOK_DISCONNECTED;
}

const char *sstp_tray_look_name(enum sstp_tray_look look)
{
	switch (look) {
	case SSTP_TRAY_LOOK_CONNECTING: return "connecting";
	case SSTP_TRAY_LOOK_CONNECTED: return "connected";
	case SSTP_TRAY_LOOK_ERROR: return "error";
	default: return "disconnected";
	}
}

/* "connected, 10.0.0.2" / "connecting (tls)" / "disconnected" / "error" */
static void entry_state(const struct sstp_tray_entry *e, char *out, size_t len)
{
	if (e->requested && (!e->have_status || !is_running(e->st.state))) {
		snprintf(out, len, "connecting");
	} else if (!e->have_status || e->st.state == SSTP_STATE_IDLE) {
		snprintf(out, len, "%s", entry_error(e) ? "error" : "disconnected");
	} else if (e->st.state == SSTP_STATE_CONNECTED) {
		snprintf(out, len, "connected%s%s", e->st.ipv4_local[0] ? ", " : "",
			 e->st.ipv4_local);
	} else if (is_connecting(e->st.state)) {
		snprintf(out, len, "connecting (%s)",
			 sstp_state_name((enum sstp_conn_state)e->st.state));
	} else if (e->st.state == SSTP_STATE_DISCONNECTED) {
		snprintf(out, len, "%s", entry_error(e) ? "error" : "disconnected");
	} else {
		snprintf(out, len, "%s", sstp_state_name((enum sstp_conn_state)e->st.state));
	}
}

static const char *entry_last_error(const struct sstp_tray_entry *e)
{
	if (e->request_error[0])
		return e->request_error;
	if (e->have_status && e->st.last_error[0] && (e->st.last_exit != 0 ||
						      e->st.state == SSTP_STATE_RECONNECTING))
		return e->st.last_error;
	return NULL;
}

void sstp_tray_model_tooltip(const struct sstp_tray_model *m, char *out, size_t len)
{
	size_t used;
	char state[96];

	if (!m->helper_up) {
		snprintf(out, len, "sstp: %s", m->helper_error);
		return;
	}
	used = (size_t)snprintf(out, len, "sstp: %s", sstp_tray_look_name(sstp_tray_model_look(m)));
	for (size_t i = 0; i < m->n && used < len; i++) {
		const struct sstp_tray_entry *e = &m->e[i];

		if (!e->requested && !(e->have_status && is_running(e->st.state)) && !entry_error(e))
			continue;
		entry_state(e, state, sizeof(state));
		used += (size_t)snprintf(out + used, len - used, "\n%s: %s", e->name, state);
	}
}

static struct sstp_tray_item *item(struct sstp_tray_item *items, size_t max, size_t *n,
				   int action, bool enabled)
{
	struct sstp_tray_item *it;

	if (*n >= max)
		return NULL;
	it = &items[(*n)++];
	memset(it, 0, sizeof(*it));
	it->action = action;
	it->enabled = enabled;
	return it;
}

size_t sstp_tray_model_menu(const struct sstp_tray_model *m, struct sstp_tray_item *items,
			    size_t max)
{
	struct sstp_tray_item *it;
	char state[96];
	size_t n = 0;

	if (!m->helper_up) {
		if ((it = item(items, max, &n, 0, false)))
			snprintf(it->label, sizeof(it->label), "sstp helper unreachable");
		if ((it = item(items, max, &n, 0, false)))
			snprintf(it->label, sizeof(it->label), "%.150s", m->helper_error);
	} else if (m->n == 0 && (it = item(items, max, &n, 0, false))) {
		snprintf(it->label, sizeof(it->label), "no profiles (sstp import as root)");
	}
	for (size_t i = 0; m->helper_up && i < m->n; i++) {
		const struct sstp_tray_entry *e = &m->e[i];
		const char *err = entry_last_error(e);
		bool running = e->requested || (e->have_status && is_running(e->st.state) &&
						 e->st.state != SSTP_STATE_DISCONNECTING);

		entry_state(e, state, sizeof(state));
		if ((it = item(items, max, &n, 0, false)))
			snprintf(it->label, sizeof(it->label), "%.64s: %.90s", e->name, state);
		if (err && (it = item(items, max, &n, 0, false)))
			snprintf(it->label, sizeof(it->label), "    last error: %.130s", err);
		if (running && (it = item(items, max, &n,
					  SSTP_TRAY_ACTION(SSTP_TRAY_ACT_DISCONNECT, i), true)))
			snprintf(it->label, sizeof(it->label), "    Disconnect %.64s", e->name);
		else if (!running && e->is_profile &&
			 (it = item(items, max, &n, SSTP_TRAY_ACTION(SSTP_TRAY_ACT_CONNECT, i),
				     e->st.state != SSTP_STATE_DISCONNECTING)))
			snprintf(it->label, sizeof(it->label), "    Connect %.64s", e->name);
		if (i + 1 < m->n)
			item(items, max, &n, -1, false);
	}
	item(items, max, &n, -1, false);
	if ((it = item(items, max, &n, SSTP_TRAY_ACTION(SSTP_TRAY_ACT_DETAILS, 0), true)))
		snprintf(it->label, sizeof(it->label), "Details...");
	if ((it = item(items, max, &n, SSTP_TRAY_ACTION(SSTP_TRAY_ACT_QUIT, 0), true)))
		snprintf(it->label, sizeof(it->label), "Quit");
	return n;
}

void sstp_tray_model_details(const struct sstp_tray_model *m, char *out, size_t len)
{
	size_t used = 0;
	char state[96];

#define PUT(...)                                                                    \
	do {                                                                        \
		if (used < len)                                                     \
			used += (size_t)snprintf(out + used, len - used, __VA_ARGS__); \
	} while (0)

	if (len)
		out[0] = '\0';
	PUT("State: %s\n", sstp_tray_look_name(sstp_tray_model_look(m)));
	if (!m->helper_up) {
		PUT("%s\n", m->helper_error);
		return;
	}
	if (m->n == 0)
		PUT("No profiles: an administrator creates them with 'sstp import'.\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct sstp_tray_entry *e = &m->e[i];
		const struct sstp_conn_status *st = &e->st;
		const char *err = entry_last_error(e);

		entry_state(e, state, sizeof(state));
		PUT("\n%s: %s\n", e->name, state);
		if (e->have_status && st->state == SSTP_STATE_CONNECTED) {
			if (st->server[0])
				PUT("  server:   %s\n", st->server);
			if (st->ifname[0])
				PUT("  device:   %s (mtu %u)\n", st->ifname, (unsigned)st->mtu);
			if (st->ipv4_local[0])
				PUT("  address:  %s%s%s\n", st->ipv4_local,
				    st->ipv4_peer[0] ? " peer " : "", st->ipv4_peer);
			if (st->ndns)
				PUT("  dns:      %s (%s)\n", st->dns[0], st->dns_backend);
			if (st->auth_method[0])
				PUT("  auth:     %s, %s\n", st->auth_method, st->tls_version);
			PUT("  uptime:   %llus, reconnects %u\n", (unsigned long long)st->uptime_s,
			    (unsigned)st->reconnects);
			PUT("  traffic:  %llu bytes in, %llu out\n",
			    (unsigned long long)st->bytes_in, (unsigned long long)st->bytes_out);
		}
		if (err)
			PUT("  last error: %s\n", err);
	}
#undef PUT
}
