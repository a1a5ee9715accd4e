/* test_session_detect.c - the pure part of early dead-path detection (session_detect.c): a
 * suspend seen as the boot clock running ahead of the monotonic one, what an event does in each
 * phase, and the reconnect that starts at once after an event but keeps its backoff otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "session_detect.h"

static void test_sleepclock(void **state)
{
	struct sess_sleepclock c = {0};

	(void)state;
	/* the first look records: the machine may have slept before the session started */
	assert_int_equal(sess_sleepclock_feed(&c, 1000, 91000), 0);
	/* both clocks advance together: no suspend */
	assert_int_equal(sess_sleepclock_feed(&c, 6000, 96000), 0);
	/* drift below the threshold, even repeated, until it adds up */
	assert_int_equal(sess_sleepclock_feed(&c, 7000, 97000 + SESS_SUSPEND_MIN_MS - 1), 0);
	assert_int_equal(sess_sleepclock_feed(&c, 8000, 98000 + SESS_SUSPEND_MIN_MS - 1), 0);
	assert_int_equal(sess_sleepclock_feed(&c, 9000, 99000 + SESS_SUSPEND_MIN_MS), SESS_SUSPEND_MIN_MS);
	/* a suspend of 10 minutes: the monotonic clock moved 20 ms, the boot clock 600020 */
	assert_int_equal(sess_sleepclock_feed(&c, 9020, 99020 + SESS_SUSPEND_MIN_MS + 600000), 600000);
	/* reported once */
	assert_int_equal(sess_sleepclock_feed(&c, 9500, 99500 + SESS_SUSPEND_MIN_MS + 600000), 0);
	/* a boot clock behind (should not happen): start over instead of reporting */
	assert_int_equal(sess_sleepclock_feed(&c, 20000, 20000), 0);
	assert_int_equal(sess_sleepclock_feed(&c, 21000, 25000), 4000);
}

static void test_actions(void **state)
{
	(void)state;
	/* up: probe (CONFIGURING too: the call is connected while IPv6CP settles) */
	assert_int_equal(sess_wake_action(SSTP_STATE_CONNECTED, false, true), SESS_WAKE_PROBE);
	assert_int_equal(sess_wake_action(SSTP_STATE_CONFIGURING, false, false), SESS_WAKE_PROBE);
	/* a teardown is already under way */
	assert_int_equal(sess_wake_action(SSTP_STATE_CONNECTED, true, true), SESS_WAKE_IGNORE);
	assert_int_equal(sess_wake_action(SSTP_STATE_DISCONNECTING, false, true), SESS_WAKE_IGNORE);
	/* waiting to reconnect: now */
	assert_int_equal(sess_wake_action(SSTP_STATE_RECONNECTING, false, true), SESS_WAKE_RETRY_NOW);
	/* a reconnect connecting over the old path starts again; a first connection does not */
	for (int st = SSTP_STATE_RESOLVING; st <= SSTP_STATE_HTTP; st++) {
		assert_int_equal(sess_wake_action((enum sstp_conn_state)st, false, true),
				 SESS_WAKE_RESTART);
		assert_int_equal(sess_wake_action((enum sstp_conn_state)st, false, false),
				 SESS_WAKE_IGNORE);
	}
	/* SSTP/PPP negotiation has short timers of its own */
	for (int st = SSTP_STATE_SSTP; st <= SSTP_STATE_NETWORK; st++)
		assert_int_equal(sess_wake_action((enum sstp_conn_state)st, false, true),
				 SESS_WAKE_IGNORE);
	assert_int_equal(sess_wake_action(SSTP_STATE_IDLE, false, false), SESS_WAKE_IGNORE);
	assert_string_equal(sess_wake_action_name(SESS_WAKE_PROBE), "probe");
	assert_string_equal(sess_wake_action_name(SESS_WAKE_IGNORE), "ignore");
}

static void test_retry_delay(void **state)
{
	(void)state;
	/* no event: the backoff */
	assert_int_equal(sess_wake_retry_delay(4000, 0, 50000), 4000);
	/* a drop 2.6 s after the event that probed: at once */
	assert_int_equal(sess_wake_retry_delay(4000, 47400, 50000), 0);
	assert_int_equal(sess_wake_retry_delay(4000, 50000 - SESS_WAKE_FRESH_MS, 50000), 0);
	/* an old event does not hurry an unrelated drop */
	assert_int_equal(sess_wake_retry_delay(4000, 50000 - SESS_WAKE_FRESH_MS - 1, 50000), 4000);
	/* an event "after" now (clock confusion): the backoff */
	assert_int_equal(sess_wake_retry_delay(1000, 60000, 50000), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleepclock),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_retry_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
