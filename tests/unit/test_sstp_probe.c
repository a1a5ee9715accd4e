/* test_sstp_probe.c - the SSTP call's liveness probe (sstp_call_probe): an ECHO_REQUEST at once
 * with a short deadline, only an ECHO_RESPONSE ends it (the peer's other traffic may still come
 * in over a path that loses ours), silence aborts the call as a dead peer (no ABORT sent), a
 * second probe never sends a second echo nor moves the deadline, and no probe outside
 * CONNECTED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sstp_fsm.h"

static const uint8_t cert[] = "the bytes of a certificate";
static const uint8_t nonce[32] = { 0xA0, 1, 2, 3 };
static const uint8_t hlak[32] = { 0x2A };

/* The output pending now, consumed; its length. */
static size_t take_out(struct sstp_call *c, uint8_t *buf, size_t cap)
{
	const uint8_t *p;
	size_t n;

	sstp_call_output(c, &p, &n);
	assert_true(n <= cap);
	memcpy(buf, p, n);
	sstp_call_output_consume(c, n);
	return n;
}

static unsigned count_events(struct sstp_call *c, enum sstp_event_kind kind,
			     enum sstp_abort_cause *cause)
{
	struct sstp_event ev;
	unsigned k = 0;

	while (sstp_call_next_event(c, &ev))
		if (ev.kind == kind) {
			k++;
			if (cause)
				*cause = ev.cause;
		}
	return k;
}

static void connected(struct sstp_call *c)
{
	struct sstp_call_cfg cfg;
	uint8_t b[128];

	sstp_call_cfg_defaults(&cfg);
	cfg.server_cert_der = cert;
	cfg.server_cert_len = sizeof(cert);
	assert_int_equal(sstp_call_init(c, &cfg), SSTP_PERR_OK);
	assert_int_equal(sstp_call_probe(c, 0, 2500), SSTP_PERR_STATE); /* not started */
	assert_int_equal(sstp_call_start(c, 0), SSTP_PERR_OK);
	take_out(c, b, sizeof(b));
	sstp_encode_connect_ack(b, sizeof(b), 3, nonce);
	assert_int_equal(sstp_call_input(c, b, 48, 1000), SSTP_PERR_OK);
	count_events(c, SSTP_EV_START_PPP, NULL);
	assert_int_equal(sstp_call_probe(c, 1000, 2500), SSTP_PERR_STATE); /* no PPP yet */
	assert_int_equal(sstp_call_auth_done(c, hlak, 2000), SSTP_PERR_OK);
	count_events(c, SSTP_EV_CONNECTED, NULL);
	take_out(c, b, sizeof(b));
}

static void expect_echo(struct sstp_call *c)
{
	uint8_t want[8], got[64];

	sstp_encode_simple(want, sizeof(want), SSTP_MSG_ECHO_REQUEST);
	assert_int_equal(take_out(c, got, sizeof(got)), 8);
	assert_memory_equal(got, want, 8);
}

static void test_probe_dead(void **state)
{
	struct sstp_call c;
	uint8_t b[64];
	enum sstp_abort_cause cause = SSTP_CAUSE_NONE;

	(void)state;
	connected(&c);
	assert_int_equal(sstp_call_deadline(&c), 62000); /* the hello interval */
	assert_int_equal(sstp_call_probe(&c, 10000, 2500), SSTP_PERR_OK);
	expect_echo(&c);
	assert_int_equal(sstp_call_deadline(&c), 12500);
	/* probed again (another event): no second echo, the deadline does not move later */
	assert_int_equal(sstp_call_probe(&c, 11000, 2500), SSTP_PERR_OK);
	assert_int_equal(take_out(&c, b, sizeof(b)), 0);
	assert_int_equal(sstp_call_deadline(&c), 12500);
	/* the peer's own echo request (traffic in) does not answer ours */
	sstp_encode_simple(b, sizeof(b), SSTP_MSG_ECHO_REQUEST);
	assert_int_equal(sstp_call_input(&c, b, 8, 12000), SSTP_PERR_OK);
	assert_int_equal(count_events(&c, SSTP_EV_ABORTED, NULL), 0);
	take_out(&c, b, sizeof(b)); /* our ECHO_RESPONSE to it */
	assert_int_equal(sstp_call_deadline(&c), 12500);
	sstp_call_tick(&c, 12499);
	assert_int_equal(count_events(&c, SSTP_EV_ABORTED, NULL), 0);
	sstp_call_tick(&c, 12500);
	assert_int_equal(count_events(&c, SSTP_EV_ABORTED, &cause), 1);
	assert_int_equal(cause, SSTP_CAUSE_PEER_DEAD);
	assert_int_equal(take_out(&c, b, sizeof(b)), 0); /* no ABORT into a dead path */
	assert_int_equal(sstp_call_probe(&c, 13000, 2500), SSTP_PERR_STATE);
	assert_int_equal(sstp_call_deadline(&c), UINT64_MAX); /* closed: no timer left */
}

static void test_probe_answered(void **state)
{
	struct sstp_call c;
	uint8_t b[8];

	(void)state;
	connected(&c);
	assert_int_equal(sstp_call_probe(&c, 10000, 2500), SSTP_PERR_OK);
	expect_echo(&c);
	sstp_encode_simple(b, sizeof(b), SSTP_MSG_ECHO_RESPONSE);
	assert_int_equal(sstp_call_input(&c, b, 8, 11200), SSTP_PERR_OK);
	assert_int_equal(count_events(&c, SSTP_EV_ABORTED, NULL), 0);
	/* alive: the hello timer goes on from the answer */
	assert_int_equal(sstp_call_deadline(&c), 71200);
	sstp_call_tick(&c, 12500);
	assert_int_equal(count_events(&c, SSTP_EV_ABORTED, NULL), 0);
	assert_int_equal(sstp_call_state(&c), SSTP_ST_CONNECTED);
}

static void test_probe_during_hello_echo(void **state)
{
	struct sstp_call c;
	uint8_t b[64];

	(void)state;
	connected(&c);
	sstp_call_tick(&c, 62000); /* the hello echo: its deadline is a full interval away */
	expect_echo(&c);
	assert_int_equal(sstp_call_deadline(&c), 122000);
	/* a probe sends its own echo and waits a short time for an answer */
	assert_int_equal(sstp_call_probe(&c, 63000, 2500), SSTP_PERR_OK);
	expect_echo(&c);
	assert_int_equal(sstp_call_deadline(&c), 65500);
	sstp_encode_simple(b, sizeof(b), SSTP_MSG_ECHO_RESPONSE);
	assert_int_equal(sstp_call_input(&c, b, 8, 64000), SSTP_PERR_OK);
	assert_int_equal(count_events(&c, SSTP_EV_ABORTED, NULL), 0);
	assert_int_equal(sstp_call_deadline(&c), 124000); /* both answered: the hello timer */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_dead),
		cmocka_unit_test(test_probe_answered),
		cmocka_unit_test(test_probe_during_hello_echo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
