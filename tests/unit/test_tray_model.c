/* test_tray_model.c - cmocka tests of the tray model (client/tray/tray_model.c): the overall
 * look, which changes raise a notification and how urgent, the menu per profile, the profile
 * list merge, bounds, tooltip and details text, a request that ends for a password dialog and
 * the dialog's prompt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tray_model.h"

static struct sstp_tray_model m;

static struct sstp_conn_status mk(const char *name, enum sstp_conn_state state)
{
	struct sstp_conn_status st;

	memset(&st, 0, sizeof(st));
	SSTP_STATUS_SET(st.name, name);
	st.state = state;
	return st;
}

static void up(void)
{
	static const char *const names[] = { "office", "lab" };

	sstp_tray_model_init(&m);
	sstp_tray_model_helper_up(&m);
	sstp_tray_model_set_profiles(&m, names, 2);
}

static void test_look(void **state)
{
	struct sstp_conn_status st;

	(void)state;
	sstp_tray_model_init(&m);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_ERROR); /* no helper yet */
	up();
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_DISCONNECTED);
	st = mk("office", SSTP_STATE_TLS);
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_CONNECTING);
	st.state = SSTP_STATE_CONNECTED;
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_CONNECTED);
	/* another profile failing while one is up: the working tunnel is what the icon shows */
	st = mk("lab", SSTP_STATE_DISCONNECTED);
	st.last_exit = 4;
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_CONNECTED);
	st = mk("office", SSTP_STATE_DISCONNECTED);
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_ERROR);
	/* a reconnect in progress beats everything */
	st = mk("office", SSTP_STATE_RECONNECTING);
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_CONNECTING);
	sstp_tray_model_helper_down(&m, "gone");
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_ERROR);
	assert_string_equal(sstp_tray_look_name(SSTP_TRAY_LOOK_CONNECTING), "connecting");
}

static void test_notifications(void **state)
{
	struct sstp_conn_status st;
	struct sstp_tray_note note;

	(void)state;
	up();
	/* the first status of a session is a snapshot: never notified */
	st = mk("office", SSTP_STATE_CONNECTED);
	sstp_tray_model_update(&m, &st, &note);
	assert_false(note.show);
	/* same state again: nothing */
	sstp_tray_model_update(&m, &st, &note);
	assert_false(note.show);
	/* drop */
	st.state = SSTP_STATE_RECONNECTING;
	SSTP_STATUS_SET(st.last_error, "peer stopped responding");
	sstp_tray_model_update(&m, &st, &note);
	assert_true(note.show);
	assert_true(note.urgent);
	assert_string_equal(note.summary, "VPN office dropped");
	assert_non_null(strstr(note.body, "peer stopped responding"));
	/* back */
	st.state = SSTP_STATE_CONNECTED;
	st.reconnects = 1;
	SSTP_STATUS_SET(st.ipv4_local, "10.0.0.7");
	sstp_tray_model_update(&m, &st, &note);
	assert_true(note.show);
	assert_false(note.urgent);
	assert_string_equal(note.summary, "VPN office reconnected");
	assert_non_null(strstr(note.body, "10.0.0.7"));
	/* the user's own disconnect is not news */
	sstp_tray_model_requested(&m, (size_t)sstp_tray_model_find(&m, "office"), false);
	st.state = SSTP_STATE_DISCONNECTING;
	sstp_tray_model_update(&m, &st, &note);
	assert_false(note.show);
	st = mk("office", SSTP_STATE_DISCONNECTED);
	sstp_tray_model_update(&m, &st, &note);
	assert_false(note.show);
	/* a failed attempt */
	st = mk("lab", SSTP_STATE_TLS);
	sstp_tray_model_update(&m, &st, &note);
	st.state = SSTP_STATE_DISCONNECTED;
	st.last_exit = 5;
	SSTP_STATUS_SET(st.last_error, "server certificate rejected");
	sstp_tray_model_update(&m, &st, &note);
	assert_true(note.show && note.urgent);
	assert_string_equal(note.summary, "VPN lab could not connect");
	assert_string_equal(note.body, "server certificate rejected");
	/* stopped by someone else: told, but not urgent */
	st = mk("office", SSTP_STATE_CONNECTED);
	sstp_tray_model_update(&m, &st, &note);
	st.state = SSTP_STATE_DISCONNECTING;
	sstp_tray_model_update(&m, &st, &note);
	st.state = SSTP_STATE_DISCONNECTED;
	sstp_tray_model_update(&m, &st, &note);
	assert_true(note.show);
	assert_false(note.urgent);
	assert_string_equal(note.summary, "VPN office disconnected");
}

static size_t find_item(const struct sstp_tray_item *items, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].label, label) == 0)
			return i;
	return (size_t)-1;
}

static void test_menu(void **state)
{
	static struct sstp_tray_item items[SSTP_TRAY_MAX_ITEMS];
	struct sstp_conn_status st;
	struct sstp_tray_note note;
	size_t n, i;

	(void)state;
	up();
	st = mk("office", SSTP_STATE_CONNECTED);
	SSTP_STATUS_SET(st.ipv4_local, "10.1.2.3");
	sstp_tray_model_update(&m, &st, NULL);
	n = sstp_tray_model_menu(&m, items, SSTP_TRAY_MAX_ITEMS);
	/* profiles come in the helper's order: office, lab */
	i = find_item(items, n, "office: connected, 10.1.2.3");
	assert_true(i < n);
	assert_int_equal(items[i].action, 0);
	assert_int_equal(items[i + 1].action,
			 SSTP_TRAY_ACTION(SSTP_TRAY_ACT_DISCONNECT, sstp_tray_model_find(&m, "office")));
	assert_string_equal(items[i + 1].label, "    Disconnect office");
	i = find_item(items, n, "    Connect lab");
	assert_true(i < n);
	assert_true(items[i].enabled);
	assert_int_equal(SSTP_TRAY_ACTION_KIND(items[i].action), SSTP_TRAY_ACT_CONNECT);
	assert_int_equal(SSTP_TRAY_ACTION_INDEX(items[i].action), sstp_tray_model_find(&m, "lab"));
	assert_string_equal(items[n - 2].label, "Details...");
	assert_string_equal(items[n - 1].label, "Quit");
	assert_int_equal(items[n - 3].action, -1);
	/* a refused request shows up as the last error, and as an error look */
	sstp_tray_model_request_failed(&m, (size_t)sstp_tray_model_find(&m, "lab"), 9,
				       "no profile named 'lab'", &note);
	assert_true(note.show);
	n = sstp_tray_model_menu(&m, items, SSTP_TRAY_MAX_ITEMS);
	assert_true(find_item(items, n, "    last error: no profile named 'lab' (exit code 9)") < n);
	/* a connect asked for shows as connecting before the helper says anything */
	sstp_tray_model_requested(&m, (size_t)sstp_tray_model_find(&m, "lab"), true);
	n = sstp_tray_model_menu(&m, items, SSTP_TRAY_MAX_ITEMS);
	assert_true(find_item(items, n, "lab: connecting") < n);
	assert_true(find_item(items, n, "    Disconnect lab") < n);
	/* bounded */
	assert_int_equal(sstp_tray_model_menu(&m, items, 3), 3);
	/* helper down: one explanation, no actions but Details and Quit */
	sstp_tray_model_helper_down(&m, "permission denied");
	n = sstp_tray_model_menu(&m, items, SSTP_TRAY_MAX_ITEMS);
	assert_string_equal(items[0].label, "sstp helper unreachable");
	assert_string_equal(items[1].label, "permission denied");
	for (i = 0; i + 2 < n; i++)
		assert_true(items[i].action <= 0);
}

static void test_profiles_merge(void **state)
{
	static const char *const two[] = { "b", "a" };
	static const char *const one[] = { "a" };
	struct sstp_conn_status st;
	char names[40][16];
	const char *many[40];

	(void)state;
	sstp_tray_model_init(&m);
	sstp_tray_model_helper_up(&m);
	sstp_tray_model_set_profiles(&m, two, 2);
	assert_int_equal(m.n, 2);
	/* a session outside the profiles (started by root by hand) gets an entry while it runs */
	st = mk("adhoc", SSTP_STATE_CONNECTED);
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(m.n, 3);
	assert_false(m.e[2].is_profile);
	st = mk("b", SSTP_STATE_CONNECTED);
	sstp_tray_model_update(&m, &st, NULL);
	/* b leaves the profile list but runs: kept; a stays */
	sstp_tray_model_set_profiles(&m, one, 1);
	assert_int_equal(m.n, 3);
	/* adhoc ends: dropped at the next merge */
	st = mk("adhoc", SSTP_STATE_DISCONNECTED);
	sstp_tray_model_update(&m, &st, NULL);
	sstp_tray_model_set_profiles(&m, one, 1);
	assert_int_equal(sstp_tray_model_find(&m, "adhoc"), -1);
	assert_true(sstp_tray_model_find(&m, "b") >= 0);
	assert_true(m.e[sstp_tray_model_find(&m, "a")].is_profile);
	/* never more than SSTP_TRAY_MAX_ENTRIES */
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "p%d", i);
		many[i] = names[i];
	}
	sstp_tray_model_set_profiles(&m, many, 40);
	assert_int_equal(m.n, SSTP_TRAY_MAX_ENTRIES);
	st = mk("one-too-many", SSTP_STATE_CONNECTED);
	sstp_tray_model_update(&m, &st, NULL);
	assert_int_equal(m.n, SSTP_TRAY_MAX_ENTRIES);
}

static void test_text(void **state)
{
	struct sstp_conn_status st;
	char buf[2048], small[24];

	(void)state;
	up();
	st = mk("office", SSTP_STATE_CONNECTED);
	SSTP_STATUS_SET(st.ipv4_local, "10.1.2.3");
	SSTP_STATUS_SET(st.server, "gw.example.test");
	SSTP_STATUS_SET(st.ifname, "sstp0");
	st.mtu = 1400;
	st.uptime_s = 61;
	sstp_tray_model_update(&m, &st, NULL);
	sstp_tray_model_tooltip(&m, buf, sizeof(buf));
	assert_string_equal(buf, "sstp: connected\noffice: connected, 10.1.2.3");
	sstp_tray_model_details(&m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "State: connected\n"));
	assert_non_null(strstr(buf, "server:   gw.example.test"));
	assert_non_null(strstr(buf, "device:   sstp0 (mtu 1400)"));
	assert_non_null(strstr(buf, "uptime:   61s"));
	assert_non_null(strstr(buf, "lab: disconnected"));
	/* small buffers are cut, never overrun */
	memset(small, 'x', sizeof(small));
	sstp_tray_model_details(&m, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	sstp_tray_model_tooltip(&m, small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
	sstp_tray_model_helper_down(&m, NULL);
	sstp_tray_model_tooltip(&m, buf, sizeof(buf));
	assert_string_equal(buf, "sstp: the sstp helper is not running");
}

/* The helper asked for a password: the entry stops "connecting" without an error; the prompt
 * names the user only when the helper's sentence is about this very profile. */
static void test_password(void **state)
{
	char out[128];

	(void)state;
	up();
	sstp_tray_model_requested(&m, 0, true);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_CONNECTING);
	sstp_tray_model_request_ended(&m, 0);
	assert_int_equal(sstp_tray_model_look(&m), SSTP_TRAY_LOOK_DISCONNECTED);
	assert_string_equal(m.e[0].request_error, "");
	sstp_tray_model_request_ended(&m, 99); /* out of range: ignored */

	sstp_tray_password_prompt("office", "profile office authenticates alice with a password: "
				  "give it with --password-file FILE", out, sizeof(out));
	assert_string_equal(out, "Password for office (user alice):");
	sstp_tray_password_prompt("office",
				  "profile office authenticates CORP\\bob with a password", out,
				  sizeof(out));
	assert_string_equal(out, "Password for office (user CORP\\bob):");
	/* another profile's sentence, no sentence, an odd one: no user */
	sstp_tray_password_prompt("lab", "profile office authenticates alice with a password", out,
				  sizeof(out));
	assert_string_equal(out, "Password for profile lab:");
	sstp_tray_password_prompt("lab", NULL, out, sizeof(out));
	assert_string_equal(out, "Password for profile lab:");
	sstp_tray_password_prompt("lab", "profile lab authenticates  with a password", out,
				  sizeof(out));
	assert_string_equal(out, "Password for profile lab:");
	sstp_tray_password_prompt("lab", "profile lab authenticates a b with a password", out,
				  sizeof(out));
	assert_string_equal(out, "Password for profile lab:");
	sstp_tray_password_prompt("lab", "profile lab authenticates alice", out, sizeof(out));
	assert_string_equal(out, "Password for profile lab:");
	/* a short buffer: cut, still terminated */
	sstp_tray_password_prompt("office", "profile office authenticates alice with a password",
				  out, 10);
	assert_string_equal(out, "Password ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_look),
		cmocka_unit_test(test_notifications),
		cmocka_unit_test(test_menu),
		cmocka_unit_test(test_profiles_merge),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
