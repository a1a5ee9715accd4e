/* test_sstp_fsm.c - cmocka tests of the SSTP client call state machine driven by a hand-held
 * clock: the happy path to Call_Connected with the crypto binding, every timer at its exact
 * expiry, NAK retries, unexpected and malformed messages per state, fatal stream errors,
 * teardown handshakes, PPP frame gating, input/output buffer rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sstp_fsm.h"

static const uint8_t cert[] = "not really DER, but the bytes the TLS layer would hand over";
static const uint8_t nonce[32] = { 0xA0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 0x5F };
static const uint8_t hlak[32] = { 0x2A, 0x1B, 0xB4, 0x0D };
static const uint8_t lcp_frame[] = { 0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04 };
static const uint8_t ip_frame[] = { 0xFF, 0x03, 0x00, 0x21, 0x45, 0x00, 0x00, 0x14 };

struct fx {
	struct sstp_call call;
	struct sstp_event ev[16];
	size_t nev;
	uint8_t out[SSTP_CALL_OUTBUF];
	size_t nout;
	uint8_t pkt[SSTP_MAX_PACKET];
};

static struct fx *new_fx(uint8_t allowed)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct sstp_call_cfg cfg;

	sstp_call_cfg_defaults(&cfg);
	cfg.server_cert_der = cert;
	cfg.server_cert_len = sizeof(cert);
	cfg.allowed_hashes = allowed;
	assert_int_equal(sstp_call_init(&f->call, &cfg), SSTP_PERR_OK);
	assert_int_equal(sstp_call_deadline(&f->call), UINT64_MAX);
	return f;
}

static int setup(void **state)
{
	*state = new_fx(0);
	return 0;
}

static int teardown_fx(void **state)
{
	test_free(*state);
	return 0;
}

/* Collects all events and all output. */
static void drain(struct fx *f)
{
	const uint8_t *p;
	size_t n;
	struct sstp_event e;

	f->nev = 0;
	while (sstp_call_next_event(&f->call, &e)) {
		assert_true(f->nev < 16);
		f->ev[f->nev++] = e;
	}
	sstp_call_output(&f->call, &p, &n);
	memcpy(f->out, p, n);
	f->nout = n;
	sstp_call_output_consume(&f->call, n);
	sstp_call_output(&f->call, &p, &n);
	assert_int_equal(n, 0);
}

static void feed(struct fx *f, const uint8_t *b, size_t n, uint64_t now)
{
	assert_int_equal(sstp_call_input(&f->call, b, n, now), SSTP_PERR_OK);
	drain(f);
}

static void tick(struct fx *f, uint64_t now)
{
	sstp_call_tick(&f->call, now);
	drain(f);
}

static void expect_out(struct fx *f, const uint8_t *want, size_t n)
{
	assert_int_equal(f->nout, n);
	assert_memory_equal(f->out, want, n);
}

static void expect_simple_out(struct fx *f, uint16_t type)
{
	uint8_t b[8];
	sstp_encode_simple(b, sizeof(b), type);
	expect_out(f, b, 8);
}

static void expect_abort_out(struct fx *f, uint8_t attrib, uint32_t status)
{
	uint8_t b[20];
	sstp_encode_abort(b, sizeof(b), 1, attrib, status);
	expect_out(f, b, 20);
}

static void feed_simple(struct fx *f, uint16_t type, uint64_t now)
{
	uint8_t b[8];
	sstp_encode_simple(b, sizeof(b), type);
	feed(f, b, 8, now);
}

static void feed_ack(struct fx *f, uint8_t mask, uint64_t now)
{
	uint8_t b[48];
	sstp_encode_connect_ack(b, sizeof(b), mask, nonce);
	feed(f, b, sizeof(b), now);
}

static void feed_data(struct fx *f, const uint8_t *frame, size_t n, uint64_t now)
{
	size_t len = sstp_encode_data(f->pkt, sizeof(f->pkt), frame, n);
	feed(f, f->pkt, len, now);
}

/* start at t=0, ACK at t=1000 */
static void to_ack_received(struct fx *f, uint8_t mask)
{
	uint8_t req[14];
	assert_int_equal(sstp_call_start(&f->call, 0), SSTP_PERR_OK);
	drain(f);
	sstp_encode_connect_request(req, sizeof(req));
	expect_out(f, req, sizeof(req));
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_REQUEST_SENT);
	assert_int_equal(sstp_call_deadline(&f->call), 60000);
	feed_ack(f, mask, 1000);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_START_PPP);
	assert_int_equal(f->nout, 0);
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_ACK_RECEIVED);
	assert_int_equal(sstp_call_deadline(&f->call), 61000);   /* restarted on ACK */
}

/* ... and auth done at t=2000 */
static void to_connected(struct fx *f)
{
	to_ack_received(f, 3);
	assert_int_equal(sstp_call_auth_done(&f->call, hlak, 2000), SSTP_PERR_OK);
	drain(f);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CONNECTED);
	assert_int_equal(f->nout, 112);
	assert_int_equal(sstp_call_deadline(&f->call), 62000);   /* hello timer */
}

static void expect_aborted(struct fx *f, size_t idx, enum sstp_abort_cause cause, uint32_t status)
{
	assert_true(idx < f->nev);
	assert_int_equal(f->ev[idx].kind, SSTP_EV_ABORTED);
	assert_int_equal(f->ev[idx].cause, cause);
	assert_int_equal(f->ev[idx].status, status);
	assert_non_null(f->ev[idx].reason);
}

/* ---------------------------------------------------------------- happy path and binding */

static void check_binding(uint8_t allowed, uint8_t mask, uint8_t want_hash)
{
	struct fx *f = new_fx(allowed);
	uint8_t want[112], ch[32];

	to_ack_received(f, mask);
	assert_int_equal(sstp_call_hash(&f->call), want_hash);
	assert_int_equal(sstp_call_auth_done(&f->call, hlak, 2000), SSTP_PERR_OK);
	drain(f);
	assert_int_equal(sstp_binding_cert_hash(want_hash, cert, sizeof(cert), ch), 0);
	assert_int_equal(sstp_binding_build_connected(want, want_hash, nonce, ch, hlak), 0);
	expect_out(f, want, sizeof(want));
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_CONNECTED);
	test_free(f);
}

static void test_binding_sha256_and_sha1(void **state)
{
	(void)state;
	check_binding(0, 3, SSTP_HASH_SHA256);
	check_binding(0, 2, SSTP_HASH_SHA256);
	check_binding(0, 1, SSTP_HASH_SHA1);
	check_binding(SSTP_HASH_MASK_SHA1, 3, SSTP_HASH_SHA1);
}

static void test_happy_path_and_gating(void **state)
{
	struct fx *f = *state;
	(void)state;

	/* before the ACK nothing may be sent */
	assert_int_equal(sstp_call_send_ppp(&f->call, lcp_frame, sizeof(lcp_frame)), SSTP_PERR_STATE);
	to_ack_received(f, 3);
	/* PPP control frames flow in Ack_Received, data frames do not */
	assert_int_equal(sstp_call_send_ppp(&f->call, lcp_frame, sizeof(lcp_frame)), SSTP_PERR_OK);
	assert_int_equal(sstp_call_send_ppp(&f->call, ip_frame, sizeof(ip_frame)), SSTP_PERR_STATE);
	assert_true(sstp_call_may_send(&f->call, 0xC021));
	assert_false(sstp_call_may_send(&f->call, 0x0021));
	drain(f);
	assert_int_equal(f->nout, 4 + sizeof(lcp_frame));
	assert_memory_equal(f->out, ((const uint8_t[]){ 0x10, 0x00, 0x00, 12 }), 4);
	assert_memory_equal(f->out + 4, lcp_frame, sizeof(lcp_frame));
	/* received: LCP delivered, IPv4 dropped */
	feed_data(f, lcp_frame, sizeof(lcp_frame), 1500);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_PPP_FRAME);
	assert_int_equal(f->ev[0].frame_len, sizeof(lcp_frame));
	assert_memory_equal(f->ev[0].frame, lcp_frame, sizeof(lcp_frame));
	feed_data(f, ip_frame, sizeof(ip_frame), 1600);
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->call.dropped_frames, 1);
	/* auth done -> connected; data flows both ways */
	assert_int_equal(sstp_call_auth_done(&f->call, hlak, 2000), SSTP_PERR_OK);
	drain(f);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CONNECTED);
	assert_int_equal(sstp_call_auth_done(&f->call, hlak, 2000), SSTP_PERR_STATE);
	assert_int_equal(sstp_call_send_ppp(&f->call, ip_frame, sizeof(ip_frame)), SSTP_PERR_OK);
	feed_data(f, ip_frame, sizeof(ip_frame), 2100);
	assert_int_equal(f->nev, 1);
	assert_memory_equal(f->ev[0].frame, ip_frame, sizeof(ip_frame));
	assert_int_equal(f->nout, 12);
	/* bad send arguments */
	assert_int_equal(sstp_call_send_ppp(&f->call, ip_frame, 0), SSTP_PERR_INVAL);
	assert_int_equal(sstp_call_send_ppp(&f->call, NULL, 5), SSTP_PERR_INVAL);
	assert_int_equal(sstp_call_send_ppp(&f->call, f->pkt, SSTP_MAX_PPP_FRAME + 1), SSTP_PERR_INVAL);
	assert_int_equal(sstp_call_send_ppp(&f->call, (const uint8_t[]){ 0xFF, 0x03 }, 2),
			 SSTP_PERR_INVAL);
	assert_int_equal(sstp_call_start(&f->call, 3000), SSTP_PERR_STATE);
	assert_string_equal(sstp_call_state_name(sstp_call_state(&f->call)), "Call_Connected");
}

static void test_several_packets_one_read(void **state)
{
	struct fx *f = *state;
	uint8_t b[256];
	size_t n = 0;

	assert_int_equal(sstp_call_start(&f->call, 0), SSTP_PERR_OK);
	drain(f);
	n += sstp_encode_connect_ack(b + n, sizeof(b) - n, 2, nonce);
	n += sstp_encode_data(b + n, sizeof(b) - n, lcp_frame, sizeof(lcp_frame));
	n += sstp_encode_simple(b + n, sizeof(b) - n, SSTP_MSG_ECHO_REQUEST);
	n += sstp_encode_data(b + n, sizeof(b) - n, lcp_frame, 5);
	feed(f, b, n, 10);
	assert_int_equal(f->nev, 3);
	assert_int_equal(f->ev[0].kind, SSTP_EV_START_PPP);
	assert_int_equal(f->ev[1].kind, SSTP_EV_PPP_FRAME);
	assert_int_equal(f->ev[2].kind, SSTP_EV_PPP_FRAME);
	assert_int_equal(f->ev[2].frame_len, 5);
	expect_simple_out(f, SSTP_MSG_ECHO_RESPONSE);   /* echo answered in Ack_Received */
}

/* Byte-at-a-time input; a frame spanning inputs stays valid until the next input call. */
static void test_byte_at_a_time(void **state)
{
	struct fx *f = *state;
	uint8_t b[256];
	size_t n = 0, i, frames = 0;

	to_connected(f);
	n += sstp_encode_data(b + n, sizeof(b) - n, ip_frame, sizeof(ip_frame));
	n += sstp_encode_simple(b + n, sizeof(b) - n, SSTP_MSG_ECHO_REQUEST);
	n += sstp_encode_data(b + n, sizeof(b) - n, lcp_frame, sizeof(lcp_frame));
	for (i = 0; i < n; i++) {
		feed(f, b + i, 1, 3000 + i);
		if (f->nev) {
			uint8_t one = b[i];
			assert_int_equal(f->nev, 1);
			assert_int_equal(f->ev[0].kind, SSTP_EV_PPP_FRAME);
			frames++;
			/* still intact after next_event returned 0 */
			assert_memory_equal(f->ev[0].frame, frames == 1 ? ip_frame : lcp_frame,
					    f->ev[0].frame_len);
			(void)one;
		}
		if (i == 4 + sizeof(ip_frame) + 7)
			expect_simple_out(f, SSTP_MSG_ECHO_RESPONSE);
	}
	assert_int_equal(frames, 2);
	assert_int_equal(sstp_call_deadline(&f->call), 3000 + n - 1 + 60000);
}

static void test_busy_and_closed_input(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];

	sstp_encode_simple(b, sizeof(b), SSTP_MSG_ECHO_REQUEST);
	to_connected(f);
	assert_int_equal(sstp_call_input(&f->call, b, 8, 3000), SSTP_PERR_OK);
	assert_int_equal(sstp_call_input(&f->call, b, 8, 3000), SSTP_PERR_BUSY);
	drain(f);
	assert_int_equal(sstp_call_input(&f->call, b, 8, 3000), SSTP_PERR_OK);
	assert_int_equal(sstp_call_input(&f->call, NULL, 0, 3000), SSTP_PERR_BUSY);
	drain(f);
	assert_int_equal(sstp_call_input(&f->call, NULL, 0, 3000), SSTP_PERR_OK);
}

static void test_output_full(void **state)
{
	struct fx *f = *state;
	size_t sent = 0;
	enum sstp_perr e;
	static uint8_t frame[SSTP_MAX_PPP_FRAME];

	to_connected(f);
	frame[0] = 0xFF;
	frame[1] = 0x03;
	frame[2] = 0x00;
	frame[3] = 0x21;
	while ((e = sstp_call_send_ppp(&f->call, frame, sizeof(frame))) == SSTP_PERR_OK)
		sent++;
	assert_int_equal(e, SSTP_PERR_NOSPACE);
	assert_int_equal(sent, SSTP_CALL_OUTBUF / SSTP_MAX_PACKET);
	sstp_call_output_consume(&f->call, 100);
	assert_int_equal(sstp_call_send_ppp(&f->call, frame, 96), SSTP_PERR_OK);
	sstp_call_output_consume(&f->call, SIZE_MAX);
	assert_int_equal(sstp_call_send_ppp(&f->call, frame, sizeof(frame)), SSTP_PERR_OK);
}

/* ---------------------------------------------------------------- timers */

static void test_negotiation_timeout_request_sent(void **state)
{
	struct fx *f = *state;
	static const uint8_t want_abort[] = { 0x10, 0x01, 0x00, 0x14, 0x00, 0x05, 0x00, 0x01,
					      0x00, 0x02, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x00,
					      0x00, 0x00, 0x00, 0x08 };
	assert_int_equal(sstp_call_start(&f->call, 500), SSTP_PERR_OK);
	drain(f);
	tick(f, 60499);
	assert_int_equal(f->nev + f->nout, 0);
	tick(f, 60500);
	expect_aborted(f, 0, SSTP_CAUSE_TIMEOUT, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	expect_out(f, want_abort, sizeof(want_abort));
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_ABORT_PENDING);
	/* T_ABORT1 = 3 s */
	assert_int_equal(sstp_call_deadline(&f->call), 63500);
	tick(f, 63499);
	assert_int_equal(f->nev, 0);
	tick(f, 63500);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_CLOSED);
	assert_int_equal(sstp_call_deadline(&f->call), UINT64_MAX);
}

static void test_negotiation_timeout_ack_received(void **state)
{
	struct fx *f = *state;
	to_ack_received(f, 3);
	tick(f, 60999);
	assert_int_equal(f->nev, 0);
	tick(f, 61000);
	expect_aborted(f, 0, SSTP_CAUSE_TIMEOUT, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	expect_abort_out(f, 0, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	/* the peer answers with ABORT: T_ABORT2 = 1 s from then */
	{
		uint8_t b[20];
		sstp_encode_abort(b, sizeof(b), 1, 0, 0);
		feed(f, b, sizeof(b), 61200);
	}
	assert_int_equal(f->nev + f->nout, 0);
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_ABORT_TIMEOUT_PENDING);
	assert_int_equal(sstp_call_deadline(&f->call), 62200);
	feed_simple(f, SSTP_MSG_ECHO_REQUEST, 61300);   /* ignored now */
	assert_int_equal(f->nev + f->nout, 0);
	tick(f, 62200);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
}

static void test_hello_and_dead_peer(void **state)
{
	struct fx *f = *state;
	to_connected(f);                 /* hello due at 62000 */
	tick(f, 61999);
	assert_int_equal(f->nev + f->nout, 0);
	tick(f, 62000);
	expect_simple_out(f, SSTP_MSG_ECHO_REQUEST);
	assert_int_equal(f->nev, 0);
	assert_int_equal(sstp_call_deadline(&f->call), 122000);
	/* any packet answers it and restarts the timer */
	feed_simple(f, SSTP_MSG_ECHO_RESPONSE, 70000);
	assert_int_equal(sstp_call_deadline(&f->call), 130000);
	tick(f, 130000);
	expect_simple_out(f, SSTP_MSG_ECHO_REQUEST);
	/* a data packet also counts */
	feed_data(f, ip_frame, sizeof(ip_frame), 140000);
	assert_int_equal(sstp_call_deadline(&f->call), 200000);
	tick(f, 200000);
	expect_simple_out(f, SSTP_MSG_ECHO_REQUEST);
	/* nothing for another interval: dead, no ABORT sent */
	tick(f, 259999);
	assert_int_equal(f->nev + f->nout, 0);
	tick(f, 260000);
	assert_int_equal(f->nev, 2);
	expect_aborted(f, 0, SSTP_CAUSE_PEER_DEAD, 0);
	assert_string_equal(f->ev[0].reason, "peer stopped responding");
	assert_int_equal(f->ev[1].kind, SSTP_EV_CLOSED);
	assert_int_equal(f->nout, 0);
	/* everything after CLOSED is ignored */
	feed_simple(f, SSTP_MSG_ECHO_REQUEST, 260001);
	assert_int_equal(f->nev + f->nout, 0);
	sstp_call_disconnect(&f->call, 260002);
	tick(f, 999999);
	assert_int_equal(f->nev + f->nout, 0);
}

static void test_custom_timers(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct sstp_call_cfg cfg;
	(void)state;
	sstp_call_cfg_defaults(&cfg);
	cfg.server_cert_der = cert;
	cfg.server_cert_len = sizeof(cert);
	cfg.negotiation_ms = 100;
	cfg.hello_ms = 50;
	cfg.abort1_ms = 7;
	assert_int_equal(sstp_call_init(&f->call, &cfg), SSTP_PERR_OK);
	assert_int_equal(sstp_call_start(&f->call, 1000), SSTP_PERR_OK);
	assert_int_equal(sstp_call_deadline(&f->call), 1100);
	drain(f);
	feed_ack(f, 2, 1010);
	assert_int_equal(sstp_call_deadline(&f->call), 1110);
	assert_int_equal(sstp_call_auth_done(&f->call, hlak, 1020), SSTP_PERR_OK);
	assert_int_equal(sstp_call_deadline(&f->call), 1070);
	drain(f);
	feed_ack(f, 2, 1030);                 /* unexpected now: abort with T_ABORT1 = 7 ms */
	expect_aborted(f, 0, SSTP_CAUSE_PROTOCOL, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
	assert_int_equal(sstp_call_deadline(&f->call), 1037);
	test_free(f);
}

/* ---------------------------------------------------------------- teardown */

static void test_peer_abort_connected(void **state)
{
	struct fx *f = *state;
	uint8_t b[20];
	to_connected(f);
	sstp_encode_abort(b, sizeof(b), 1, 0, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	feed(f, b, sizeof(b), 5000);
	expect_aborted(f, 0, SSTP_CAUSE_PEER_ABORT, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	expect_abort_out(f, 0, 0);
	assert_int_equal(sstp_call_deadline(&f->call), 6000);
	assert_int_equal(sstp_call_send_ppp(&f->call, ip_frame, sizeof(ip_frame)), SSTP_PERR_STATE);
	feed_data(f, ip_frame, sizeof(ip_frame), 5500);   /* dropped */
	assert_int_equal(f->nev, 0);
	tick(f, 6000);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
}

static void test_peer_disconnect(void **state)
{
	struct fx *f = *state;
	uint8_t b[20];
	to_connected(f);
	sstp_encode_disconnect(b, sizeof(b), 1, 0, 0x1234);
	feed(f, b, sizeof(b), 5000);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_PEER_DISCONNECT);
	assert_int_equal(f->ev[0].status, 0x1234);
	expect_simple_out(f, SSTP_MSG_CALL_DISCONNECT_ACK);
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_DISCONNECT_TIMEOUT_PENDING);
	tick(f, 5999);
	assert_int_equal(f->nev, 0);
	tick(f, 6000);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
}

static void test_local_disconnect(void **state)
{
	struct fx *f = *state;
	static const uint8_t want[] = { 0x10, 0x01, 0x00, 0x14, 0x00, 0x06, 0x00, 0x01, 0x00, 0x02,
					0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	uint8_t b[20];

	/* ACK arrives */
	to_connected(f);
	sstp_call_disconnect(&f->call, 5000);
	drain(f);
	expect_out(f, want, sizeof(want));
	assert_int_equal(sstp_call_deadline(&f->call), 10000);
	sstp_call_disconnect(&f->call, 5001);   /* no-op while waiting */
	drain(f);
	assert_int_equal(f->nout, 0);
	feed_simple(f, SSTP_MSG_ECHO_REQUEST, 5100);   /* ignored */
	assert_int_equal(f->nout + f->nev, 0);
	feed_simple(f, SSTP_MSG_CALL_DISCONNECT_ACK, 5200);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
	test_free(f);

	/* no ACK: T_DISC1 = 5 s */
	f = new_fx(0);
	*state = f;
	to_connected(f);
	sstp_call_disconnect(&f->call, 5000);
	drain(f);
	tick(f, 9999);
	assert_int_equal(f->nev, 0);
	tick(f, 10000);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
	test_free(f);

	/* crossing DISCONNECTs: answer with ACK, T_DISC2 = 1 s */
	f = new_fx(0);
	*state = f;
	to_ack_received(f, 3);
	sstp_call_disconnect(&f->call, 5000);
	drain(f);
	sstp_encode_disconnect(b, sizeof(b), 0, 0, 0);
	feed(f, b, 8, 5100);
	expect_simple_out(f, SSTP_MSG_CALL_DISCONNECT_ACK);
	assert_int_equal(sstp_call_deadline(&f->call), 6100);
	tick(f, 6100);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
	test_free(f);

	/* peer ABORT while waiting for the ACK ends the wait after T_ABORT2 */
	f = new_fx(0);
	*state = f;
	to_connected(f);
	sstp_call_disconnect(&f->call, 5000);
	drain(f);
	sstp_encode_abort(b, sizeof(b), 0, 0, 0);
	feed(f, b, 8, 5100);
	assert_int_equal(f->nout + f->nev, 0);
	assert_int_equal(sstp_call_deadline(&f->call), 6100);
	test_free(f);

	/* before start: closes at once */
	f = new_fx(0);
	*state = f;
	sstp_call_disconnect(&f->call, 1);
	drain(f);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].kind, SSTP_EV_CLOSED);
	assert_int_equal(f->nout, 0);
}

/* ---------------------------------------------------------------- NAK and unexpected input */

static void test_nak_storm(void **state)
{
	struct fx *f = *state;
	struct sstp_status_info st;
	uint8_t b[64], req[14];
	size_t n;
	int i;

	memset(&st, 0, sizeof(st));
	st.attrib_id = SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID;
	st.status = SSTP_STATUS_VALUE_NOT_SUPPORTED;
	n = sstp_encode_connect_nak(b, sizeof(b), &st, 1);
	sstp_encode_connect_request(req, sizeof(req));
	assert_int_equal(sstp_call_start(&f->call, 0), SSTP_PERR_OK);
	drain(f);
	for (i = 1; i <= 3; i++) {
		feed(f, b, n, (uint64_t)i * 1000);
		assert_int_equal(f->nev, 0);
		expect_out(f, req, sizeof(req));      /* retry */
		assert_int_equal(sstp_call_deadline(&f->call), (uint64_t)i * 1000 + 60000);
	}
	feed(f, b, n, 4000);
	expect_aborted(f, 0, SSTP_CAUSE_NAK, SSTP_STATUS_RETRY_COUNT_EXCEEDED);
	expect_abort_out(f, 0, SSTP_STATUS_RETRY_COUNT_EXCEEDED);
}

static void test_no_common_hash(void **state)
{
	struct fx *f = *state;
	assert_int_equal(sstp_call_start(&f->call, 0), SSTP_PERR_OK);
	drain(f);
	feed_ack(f, 0x04, 10);
	expect_aborted(f, 0, SSTP_CAUSE_NO_HASH, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	expect_abort_out(f, SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	test_free(f);

	f = new_fx(SSTP_HASH_MASK_SHA256);
	*state = f;
	assert_int_equal(sstp_call_start(&f->call, 0), SSTP_PERR_OK);
	drain(f);
	feed_ack(f, SSTP_HASH_MASK_SHA1, 10);
	expect_aborted(f, 0, SSTP_CAUSE_NO_HASH, SSTP_STATUS_VALUE_NOT_SUPPORTED);
}

/* Puts a fresh call in the given state (0: Request_Sent, 1: Ack_Received, 2: Connected). */
static struct fx *in_state(int which)
{
	struct fx *f = new_fx(0);
	if (which == 0) {
		assert_int_equal(sstp_call_start(&f->call, 0), SSTP_PERR_OK);
		drain(f);
	} else if (which == 1) {
		to_ack_received(f, 3);
	} else {
		to_connected(f);
	}
	return f;
}

static void expect_unexpected(int which, const uint8_t *b, size_t n)
{
	struct fx *f = in_state(which);
	feed(f, b, n, 9000);
	expect_aborted(f, 0, SSTP_CAUSE_PROTOCOL, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
	expect_abort_out(f, 0, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
	assert_int_equal(sstp_call_state(&f->call), SSTP_ST_ABORT_PENDING);
	assert_int_equal(sstp_call_deadline(&f->call), 12000);
	test_free(f);
}

static void test_unexpected_per_state(void **state)
{
	uint8_t req[14], conn[112], ack[48], nak[20], dack[8], data[16], z[32] = { 0 };
	struct sstp_status_info st;
	size_t dn;
	int s;
	(void)state;

	memset(&st, 0, sizeof(st));
	sstp_encode_connect_request(req, sizeof(req));
	sstp_encode_call_connected(conn, sizeof(conn), 2, nonce, z, z);
	sstp_encode_connect_ack(ack, sizeof(ack), 3, nonce);
	sstp_encode_connect_nak(nak, sizeof(nak), &st, 1);
	sstp_encode_simple(dack, sizeof(dack), SSTP_MSG_CALL_DISCONNECT_ACK);
	dn = sstp_encode_data(data, sizeof(data), lcp_frame, sizeof(lcp_frame));
	for (s = 0; s <= 2; s++) {
		expect_unexpected(s, req, sizeof(req));     /* client-only messages */
		expect_unexpected(s, conn, sizeof(conn));
		expect_unexpected(s, dack, sizeof(dack));
		if (s > 0) {
			expect_unexpected(s, ack, sizeof(ack));
			expect_unexpected(s, nak, sizeof(nak));
		}
	}
	expect_unexpected(0, data, dn);   /* PPP before the ACK */
}

static void expect_malformed(const uint8_t *b, size_t n, uint8_t attrib, uint32_t status)
{
	int s;
	for (s = 0; s <= 2; s++) {
		struct fx *f = in_state(s);
		feed(f, b, n, 9000);
		expect_aborted(f, 0, SSTP_CAUSE_PROTOCOL, status);
		expect_abort_out(f, attrib, status);
		test_free(f);
	}
}

static void test_malformed_aborts(void **state)
{
	uint8_t b[128];
	size_t n;
	(void)state;
	/* attribute length overflowing the packet */
	n = sstp_encode_connect_ack(b, sizeof(b), 3, nonce);
	b[11] = 0x40;
	expect_malformed(b, n, SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	/* unknown attribute */
	n = sstp_encode_connect_ack(b, sizeof(b), 3, nonce);
	b[9] = 0x09;
	expect_malformed(b, n, 0x09, SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG);
	/* wrong fixed length */
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 44, 0, 2, 0, 1, 0, 4, 0, 36 }, 12);
	expect_malformed(b, 44, SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	/* STATUS_INFO too short in ABORT */
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 16, 0, 5, 0, 1, 0, 2, 0, 8, 0, 0, 0, 0 }, 16);
	expect_malformed(b, 16, SSTP_ATTR_STATUS_INFO, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	/* control packet of length 4..7 */
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 6, 0, 8 }, 6);
	expect_malformed(b, 6, 0, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	/* unknown message type */
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 8, 0x00, 0x42, 0, 0 }, 8);
	expect_malformed(b, 8, 0, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	/* duplicate attribute */
	n = sstp_encode_connect_ack(b, sizeof(b), 3, nonce);
	memcpy(b + n, b + 8, 40);
	b[3] = (uint8_t)(n + 40);
	b[7] = 2;
	expect_malformed(b, n + 40, SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_STATUS_INVALID_FRAME_RECEIVED);
}

static void test_fatal_stream(void **state)
{
	static const uint8_t bad_version[] = { 0x20, 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00 };
	static const uint8_t bad_length[] = { 0x10, 0x01, 0x00, 0x03, 0x00, 0x08, 0x00, 0x00 };
	int s;
	(void)state;
	for (s = 0; s <= 2; s++) {
		struct fx *f = in_state(s);
		uint8_t b[16];
		/* a good echo request first, in the same read: it is still answered */
		sstp_encode_simple(b, sizeof(b), SSTP_MSG_ECHO_REQUEST);
		memcpy(b + 8, s == 1 ? bad_length : bad_version, 8);
		feed(f, b, 16, 9000);
		assert_int_equal(f->nev, 2);
		expect_aborted(f, 0, SSTP_CAUSE_STREAM, SSTP_STATUS_INVALID_FRAME_RECEIVED);
		assert_int_equal(f->ev[1].kind, SSTP_EV_CLOSED);
		expect_simple_out(f, SSTP_MSG_ECHO_RESPONSE);   /* no ABORT */
		assert_int_equal(sstp_call_state(&f->call), SSTP_ST_CLOSED);
		feed(f, b, 8, 9001);
		assert_int_equal(f->nev + f->nout, 0);
		test_free(f);
	}
}

static void test_misc_api(void **state)
{
	struct sstp_call *c = test_calloc(1, sizeof(*c));
	struct sstp_call_cfg cfg;
	enum sstp_state st;
	(void)state;
	sstp_call_cfg_defaults(&cfg);
	assert_int_equal(sstp_call_init(c, &cfg), SSTP_PERR_INVAL);   /* no certificate */
	assert_int_equal(sstp_call_init(NULL, &cfg), SSTP_PERR_INVAL);
	cfg.server_cert_der = cert;
	cfg.server_cert_len = sizeof(cert);
	assert_int_equal(sstp_call_init(c, &cfg), SSTP_PERR_OK);
	assert_null(c->cfg.server_cert_der);
	assert_int_equal(sstp_call_hash(c), 0);
	assert_int_equal(sstp_call_auth_done(c, hlak, 0), SSTP_PERR_STATE);
	assert_int_equal(sstp_call_auth_done(c, NULL, 0), SSTP_PERR_INVAL);
	sstp_call_tick(c, 123456);   /* no timer: nothing */
	assert_int_equal(sstp_call_state(c), SSTP_ST_DISCONNECTED);
	for (st = SSTP_ST_DISCONNECTED; st <= SSTP_ST_CLOSED; st++)
		assert_string_not_equal(sstp_call_state_name(st), "unknown");
	assert_int_equal(sstp_ppp_protocol((const uint8_t[]){ 0xFF, 0x03, 0xC0, 0x21 }, 4), 0xC021);
	assert_int_equal(sstp_ppp_protocol((const uint8_t[]){ 0xC0, 0x21 }, 2), 0xC021);
	assert_int_equal(sstp_ppp_protocol((const uint8_t[]){ 0x21, 0x45 }, 2), 0x21);
	assert_int_equal(sstp_ppp_protocol((const uint8_t[]){ 0xFF, 0x03, 0x80 }, 3), 0);
	assert_int_equal(sstp_ppp_protocol(NULL, 0), 0);
	test_free(c);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown_fx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binding_sha256_and_sha1),
		T(test_happy_path_and_gating),
		T(test_several_packets_one_read),
		T(test_byte_at_a_time),
		T(test_busy_and_closed_input),
		T(test_output_full),
		T(test_negotiation_timeout_request_sent),
		T(test_negotiation_timeout_ack_received),
		T(test_hello_and_dead_peer),
		cmocka_unit_test(test_custom_timers),
		T(test_peer_abort_connected),
		T(test_peer_disconnect),
		T(test_local_disconnect),
		T(test_nak_storm),
		T(test_no_common_hash),
		cmocka_unit_test(test_unexpected_per_state),
		cmocka_unit_test(test_malformed_aborts),
		cmocka_unit_test(test_fatal_stream),
		cmocka_unit_test(test_misc_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
