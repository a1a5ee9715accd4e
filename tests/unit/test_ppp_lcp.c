/* test_ppp_lcp.c - LCP option negotiation: what we reject (PFC, ACFC, Callback, MRRU, short
 * seq, EPDISC, Quality, unknown), MRU range and Naks, ACCM, magic loop detection, our request
 * after Naks and Rejects (SoftEther rejects magic), Max-Failure, malformed options, Echo and
 * Protocol-Reject truncation to the peer MRU, Code-Reject, renegotiation, frame parsing, the
 * caller's echo probe (ppp_echo_now) and the Echo-Reply count that answers it; the sentence
 * for a server insisting on an authentication method the profile does not allow. */
#include "test_ppp_util.h"

static struct tframes f;

static struct ppp *start(struct test_rand *rnd)
{
	struct ppp_config cfg;
	struct ppp *p;
	test_config(&cfg, rnd);
	p = ppp_new(&cfg);
	ppp_lower_up(p, 0);
	clear_frames(p, &f);
	return p;
}

/* Feed a server Configure-Request; return the single answer's code. */
static uint8_t answer(struct ppp *p, uint8_t id, const void *opts, size_t len)
{
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, id, opts, len);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_id(&f, 0), id);
	return tf_code(&f, 0);
}

/* A server insisting on a method the profile does not allow: Nak, then a sentence naming it and
 * the option; none when the method is allowed, and none once an Auth-Protocol was agreed. */
static void test_auth_wanted_hint(void **state)
{
	static const uint8_t pap[] = {3, 4, 0xC0, 0x23}, chap[] = {3, 5, 0xC2, 0x23, 0x81},
			     md5[] = {3, 5, 0xC2, 0x23, 0x05}, eap[] = {3, 4, 0xC2, 0x27};
	struct ppp_config cfg;
	struct test_rand rnd;
	struct ppp *p;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_MSCHAPV2;
	p = ppp_new(&cfg);
	ppp_lower_up(p, 0);
	clear_frames(p, &f);
	assert_null(ppp_auth_wanted_hint(p));
	assert_int_equal(answer(p, 1, pap, sizeof(pap)), 3); /* Nak: MS-CHAPv2 instead */
	assert_non_null(strstr(ppp_auth_wanted_hint(p), "--auth pap"));
	assert_int_equal(answer(p, 2, eap, sizeof(eap)), 3);
	assert_non_null(strstr(ppp_auth_wanted_hint(p), "asks for EAP"));
	assert_int_equal(answer(p, 3, md5, sizeof(md5)), 3);
	assert_non_null(strstr(ppp_auth_wanted_hint(p), "does not implement"));
	assert_int_equal(answer(p, 4, chap, sizeof(chap)), 2); /* agreed: no hint any more */
	assert_null(ppp_auth_wanted_hint(p));
	ppp_free(p);

	cfg.auth = PPP_AUTH_PAP;
	p = ppp_new(&cfg);
	ppp_lower_up(p, 0);
	clear_frames(p, &f);
	assert_int_equal(answer(p, 1, chap, sizeof(chap)), 3);
	assert_non_null(strstr(ppp_auth_wanted_hint(p), "--auth mschapv2"));
	assert_int_equal(answer(p, 2, pap, sizeof(pap)), 2);
	assert_null(ppp_auth_wanted_hint(p));
	ppp_free(p);
}

static void test_rejects(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	const uint8_t req[] = {
		1,  4,  0x05, 0xDC,                      /* MRU 1500: fine */
		7,  2,                                    /* PFC */
		8,  2,                                    /* ACFC */
		13, 3,  6,                                /* Callback CBCP */
		17, 4,  0x06, 0x4E,                       /* MRRU 1614 */
		18, 2,                                    /* short sequence */
		19, 9,  1,    'a', 'b', 'c', 'd', 'e', 'f', /* EPDISC */
		4,  4,  0xC0, 0x25,                       /* Quality LQR */
		99, 3,  0,                                /* unknown */
		2,  6,  0,    0,   0,   0,                /* ACCM: fine */
	};
	const uint8_t rej[] = {7, 2, 8, 2, 13, 3, 6, 17, 4, 0x06, 0x4E, 18, 2,
			       19, 9, 1, 'a', 'b', 'c', 'd', 'e', 'f', 4, 4, 0xC0, 0x25, 99, 3, 0};
	(void)state;
	assert_int_equal(answer(p, 1, req, sizeof(req)), 4);
	assert_int_equal(f.len[0], 8 + sizeof(rej));
	assert_memory_equal(f.buf[0] + 8, rej, sizeof(rej));
	ppp_free(p);
}

static void test_mru_range(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	(void)state;
	assert_int_equal(answer(p, 1, "\x01\x04\x13\x88", 4), 3); /* 5000 */
	assert_memory_equal(f.buf[0] + 8, "\x01\x04\x0f\xfb", 4);  /* Nak 4091 */
	assert_int_equal(answer(p, 2, "\x01\x04\x00\x64", 4), 3); /* 100 */
	assert_memory_equal(f.buf[0] + 8, "\x01\x04\x00\x80", 4);  /* Nak 128 */
	assert_int_equal(answer(p, 3, "\x01\x03\x10", 3), 4);     /* bad length: reject */
	assert_int_equal(answer(p, 4, "\x01\x04\x0f\xfb", 4), 2); /* 4091: ack */
	assert_int_equal(ppp_peer_mru(p), 4091);
	assert_int_equal(ppp_mtu(p), 1400);
	ppp_free(p);
}

static void test_nak_and_reject_of_our_request(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	uint8_t id = tf_id(&f, 0);
	(void)state;
	assert_memory_equal(f.buf[0] + 8, "\x01\x04\x05\x78", 4);
	/* Nak MRU -> 1500, next request uses it, with a new id. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 3, id, "\x01\x04\x05\xdc", 4);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 1);
	assert_int_not_equal(tf_id(&f, 0), id);
	assert_memory_equal(f.buf[0] + 8, "\x01\x04\x05\xdc", 4);
	id = tf_id(&f, 0);
	/* Stale reply (old id): ignored. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 4, (uint8_t)(id - 1), f.buf[0] + 12, 6);
	/* Reject of something we did not send: bad, ignored. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 4, id, "\x07\x02", 2);
	/* Reject of magic with a wrong value: ignored. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 4, id, "\x05\x06\0\0\0\1", 6);
	{
		static struct tframes g;
		clear_frames(p, &g);
		assert_int_equal(g.n, 0);
	}
	/* SoftEther rejects magic: the next request has only the MRU. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 4, id, f.buf[0] + 12, 6);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.len[0], 8 + 4);
	/* Nak with an absurd MRU drops the option; a Nak hint for another option is ignored. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 3, tf_id(&f, 0), "\x01\x04\x23\x28\x02\x06\0\0\0\0", 10);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.len[0], 8);
	/* Ack of the empty request + server request -> Opened; echo reply uses magic 0. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 2, tf_id(&f, 0), NULL, 0);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 9, "\x01\x04\x05\xdc", 4);
	clear_frames(p, &f);
	assert_int_equal(tf_code(&f, 0), 2);
	assert_true(tf_find(&f, PPP_PROTO_IPCP, 1) >= 0); /* no auth asked: straight to IPCP */
	assert_string_equal(ppp_state_name(p, PPP_PROTO_LCP), "Opened");
	assert_int_equal(ppp_local_mru(p), 1500); /* not negotiated: default */
	clear_frames(p, &f);
	feed_pkt(p, 0, PPP_PROTO_LCP, 9, 5, "\0\0\0\0", 4);
	clear_frames(p, &f);
	assert_true(f.n >= 1);
	assert_int_equal(tf_code(&f, 0), 10);
	assert_int_equal(ppp_get32(f.buf[0] + 8), 0);
	ppp_free(p);
}

static void test_magic_loop(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	struct ppp_event ev;
	uint8_t req[6] = {5, 6};
	(void)state;
	for (int k = 0; k < FSM_MAX_FAILURE - 1; k++) {
		/* The peer sends our own magic: Nak with a different one, and we change ours. */
		uint32_t mine = p->lcp.want.magic;
		req[2] = (uint8_t)(mine >> 24);
		req[3] = (uint8_t)(mine >> 16);
		req[4] = (uint8_t)(mine >> 8);
		req[5] = (uint8_t)mine;
		assert_int_equal(answer(p, (uint8_t)k, req, 6), 3);
		assert_int_not_equal(ppp_get32(f.buf[0] + 10), mine);
		assert_int_not_equal(p->lcp.want.magic, mine);
	}
	{
		uint32_t mine = p->lcp.want.magic;
		req[2] = (uint8_t)(mine >> 24);
		req[3] = (uint8_t)(mine >> 16);
		req[4] = (uint8_t)(mine >> 8);
		req[5] = (uint8_t)mine;
		feed_pkt(p, 0, PPP_PROTO_LCP, 1, 50, req, 6);
	}
	clear_frames(p, &f);
	assert_int_equal(tf_code(&f, 0), 5); /* Terminate-Request */
	for (int k = 0; k < 4 && ppp_get_phase(p) != PPP_PHASE_DEAD; k++)
		ppp_tick(p, ppp_deadline(p));
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_LOOPBACK);
	ppp_free(p);

	/* A zero magic from the peer is Nak'ed too. */
	p = start(&rnd);
	assert_int_equal(answer(p, 1, "\x05\x06\0\0\0\0", 6), 3);
	assert_int_not_equal(ppp_get32(f.buf[0] + 10), 0);
	ppp_free(p);
}

static void test_max_failure_lcp(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	(void)state;
	/* The peer insists on MRU 5000: after Max-Failure Naks we reject the option. */
	for (int k = 0; k < FSM_MAX_FAILURE; k++)
		assert_int_equal(answer(p, (uint8_t)k, "\x01\x04\x13\x88", 4), 3);
	assert_int_equal(answer(p, 20, "\x01\x04\x13\x88", 4), 4);
	assert_memory_equal(f.buf[0] + 8, "\x01\x04\x13\x88", 4);
	ppp_free(p);
}

static void test_malformed_options(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	struct ppp_data d;
	(void)state;
	/* Option length 0, 1, and running past the packet: no answer at all. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 1, "\x01\x00\x05\xdc", 4);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 2, "\x01\x01", 2);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 3, "\x01\x04\x05\xdc\x05\x09\0\0", 8);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 4, "\x01", 1);
	/* Nak / Rej with malformed options: ignored. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 3, p->lcp_fsm.reqid, "\x01\x09\x05", 3);
	feed_pkt(p, 0, PPP_PROTO_LCP, 4, p->lcp_fsm.reqid, "\x01", 1);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	/* Frame-level garbage. */
	assert_int_equal(ppp_input(p, (const uint8_t *)"\xFF\x04\xC0\x21", 4, 0, &d), 0);
	assert_int_equal(ppp_input(p, (const uint8_t *)"\xFF", 1, 0, &d), 0);
	assert_int_equal(ppp_input(p, (const uint8_t *)"\xC0\x20\x01", 3, 0, &d), 0);
	assert_int_equal(ppp_input(p, (const uint8_t *)"\xC0", 1, 0, &d), 0);
	assert_int_equal(ppp_input(p, (const uint8_t *)"", 0, 0, &d), 0);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	/* LCP without FF 03 is accepted. */
	{
		const uint8_t fr[] = {0xC0, 0x21, 1, 7, 0, 8, 1, 4, 5, 0xdc};
		assert_int_equal(ppp_input(p, fr, sizeof(fr), 0, &d), 0);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(tf_code(&f, 0), 2);
	}
	ppp_free(p);
}

static void open_lcp(struct ppp *p, const char *mru_opt)
{
	uint8_t id = p->lcp_fsm.reqid;
	uint8_t mine[16];
	struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));
	p->lcp_fsm.cb->addci(&p->lcp_fsm, &w);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 1, mru_opt, 4);
	feed_pkt(p, 0, PPP_PROTO_LCP, 2, id, mine, w.len);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_LCP), "Opened");
	clear_frames(p, &f);
}

static void test_truncation_to_peer_mru(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	static uint8_t big[1000];
	(void)state;
	open_lcp(p, "\x01\x04\x00\x80"); /* peer MRU 128 */
	memset(big, 0xAB, sizeof(big));
	feed_pkt(p, 0, PPP_PROTO_LCP, 9, 3, big, sizeof(big));
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 10);
	assert_int_equal(f.len[0] - 4, 128);
	assert_int_equal(ppp_get16(f.buf[0] + 6), 128);
	/* Protocol-Reject of an unknown protocol in the network phase, truncated too. */
	{
		static uint8_t fr[1004];
		struct ppp_data d;
		fr[0] = 0xFF;
		fr[1] = 0x03;
		fr[2] = 0x80;
		fr[3] = 0x2B; /* IPXCP */
		memset(fr + 4, 0xCD, 1000);
		assert_int_equal(ppp_input(p, fr, sizeof(fr), 0, &d), 0);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(tf_code(&f, 0), 8);
		assert_int_equal(f.len[0] - 4, 128);
		assert_int_equal(ppp_get16(f.buf[0] + 6), 128);
		assert_int_equal(ppp_get16(f.buf[0] + 8), 0x802B);
	}
	/* Unknown LCP code: Code-Reject, also truncated. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 42, 3, big, sizeof(big));
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 7);
	assert_int_equal(f.len[0] - 4, 128);
	assert_int_equal(f.buf[0][8], 42);
	ppp_free(p);
}

static void test_protocol_reject_only_when_open(void **state)
{
	struct test_rand rnd;
	struct ppp *p = start(&rnd);
	struct ppp_data d;
	const uint8_t ccp[] = {0xFF, 0x03, 0x80, 0xFD, 1, 1, 0, 4};
	(void)state;
	assert_int_equal(ppp_input(p, ccp, sizeof(ccp), 0, &d), 0);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	/* Echo before Opened: ignored. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 9, 1, "\0\0\0\0", 4);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	/* Once LCP is open (here: authenticating), unknown protocols are Protocol-Rejected,
	 * while IPCP (known, but not allowed before auth) is silently dropped. */
	{
		int i;
		uint8_t id = p->lcp_fsm.reqid;
		uint8_t mine[16];
		struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));
		p->lcp_fsm.cb->addci(&p->lcp_fsm, &w);
		feed_pkt(p, 0, PPP_PROTO_LCP, 1, 1, "\x03\x04\xc0\x23", 4);
		feed_pkt(p, 0, PPP_PROTO_LCP, 2, id, mine, w.len);
		assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
		clear_frames(p, &f);
		assert_int_equal(ppp_input(p, ccp, sizeof(ccp), 0, &d), 0);
		feed_pkt(p, 0, PPP_PROTO_IPCP, 1, 1, "\x03\x06\x0a\0\0\1", 6);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		i = tf_find(&f, PPP_PROTO_LCP, 8);
		assert_int_equal(i, 0);
		assert_int_equal(ppp_get16(f.buf[0] + 8), PPP_PROTO_CCP);
	}
	ppp_free(p);
}

static void test_echo_code_reject_stops_keepalive(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	struct ppp *p;
	(void)state;
	test_config(&cfg, &rnd);
	cfg.echo_interval_ms = 1000;
	p = ppp_new(&cfg);
	ppp_lower_up(p, 0);
	clear_frames(p, &f);
	open_lcp(p, "\x01\x04\x05\xdc");
	assert_int_equal(lcp_deadline(p), 1000);
	feed_pkt(p, 0, PPP_PROTO_LCP, 7, 1, "\x09\x00\x00\x08\0\0\0\0", 8);
	assert_true(p->lcp.echo_off);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_LCP), "Opened");
	ppp_tick(p, 1000);
	assert_int_equal(lcp_deadline(p), UINT64_MAX);
	ppp_free(p);
}

/* A probe: an Echo-Request at once, outside the keepalive count; only a real Echo-Reply (not our
 * own request looped back) counts as its answer; none before LCP opens or after Code-Reject. */
static void test_echo_probe(void **state)
{
	struct test_rand rnd;
	struct ppp *p;
	uint32_t base;

	(void)state;
	p = start(&rnd);
	assert_false(ppp_echo_now(p)); /* LCP not open */
	open_lcp(p, "\x01\x04\x05\xdc");
	base = ppp_echo_replies(p);
	assert_true(ppp_echo_now(p));
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_LCP);
	assert_int_equal(tf_code(&f, 0), 9);
	assert_int_equal(p->lcp.echo_pending, 0); /* not a keepalive failure in waiting */
	/* the peer's own Echo-Request is answered but does not answer ours */
	feed_pkt(p, 0, PPP_PROTO_LCP, 9, 3, "\x11\x22\x33\x44", 4);
	assert_int_equal(ppp_echo_replies(p), base);
	/* an Echo-Reply does */
	feed_pkt(p, 0, PPP_PROTO_LCP, 10, tf_id(&f, 0), "\x11\x22\x33\x44", 4);
	assert_int_equal(ppp_echo_replies(p), base + 1);
	/* after the peer rejected echoes: no probe */
	feed_pkt(p, 0, PPP_PROTO_LCP, 7, 1, "\x09\x00\x00\x08\0\0\0\0", 8);
	assert_false(ppp_echo_now(p));
	ppp_free(p);
}

/* No LCP echo while authenticating (a server busy with RADIUS may leave it unanswered and the
 * failures would add up); in the network phase, any frame from the peer postpones the next echo
 * by a full interval (backed off while traffic flows), and silence still ends the link. */
static void test_echo_not_during_auth_and_backed_off(void **state)
{
	static const uint8_t chap_opt[] = {3, 5, 0xC2, 0x23, 0x81};
	struct ppp_config cfg;
	struct test_rand rnd;
	struct ppp_event ev;
	struct ppp *p;
	uint64_t t;
	(void)state;
	test_config(&cfg, &rnd);
	cfg.echo_interval_ms = 1000;
	cfg.echo_max_failures = 2;
	cfg.auth_timeout_ms = 60000;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, chap_opt, sizeof(chap_opt), 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	for (t = 1000; t <= 20000; t += 1000) {
		ppp_tick(p, t);
		clear_frames(p, &f);
		assert_int_equal(tf_find(&f, PPP_PROTO_LCP, 9), -1);
	}
	assert_int_equal(find_event(p, PPP_EV_KEEPALIVE_LOST, &ev), 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);

	/* Network phase: IPCP frames from the peer every 800 ms keep the echo away. */
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	for (t = 800; t <= 8000; t += 800) {
		feed_pkt(p, t, PPP_PROTO_IPCP, 1, (uint8_t)t, "\x03\x06\x0a\x00\x00\x01", 6);
		ppp_tick(p, t);
		clear_frames(p, &f);
		assert_int_equal(tf_find(&f, PPP_PROTO_LCP, 9), -1);
	}
	/* Then silence: echoes go out and the keepalive is lost. */
	for (t = 8000; t <= 20000 && !find_event(p, PPP_EV_KEEPALIVE_LOST, &ev); t += 250)
		ppp_tick(p, t);
	assert_true(t <= 20000);
	assert_int_equal(p->lcp.echo_pending, 2);
	ppp_free(p);
}

static void test_renegotiation(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;
	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	while (ppp_next_event(p, &ev))
		;
	/* A new Configure-Request in Opened: this-layer-down, back to establish. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 0x60, "\x01\x04\x05\xdc", 4);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_ESTABLISH);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_IPCP), "Starting");
	assert_false(ppp_data_open(p, PPP_PROTO_IP));
	clear_frames(p, &f);
	assert_true(tf_find(&f, PPP_PROTO_LCP, 1) >= 0);
	assert_true(tf_find(&f, PPP_PROTO_LCP, 2) >= 0);
	/* Ack ours again: up, auth none, NCPs restart. */
	{
		int i = tf_find(&f, PPP_PROTO_LCP, 1);
		feed_pkt(p, 0, PPP_PROTO_LCP, 2, tf_id(&f, (size_t)i), f.buf[i] + 8, f.len[i] - 8);
	}
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_IPCP), "Req-Sent");
	ppp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_auth_wanted_hint),
		cmocka_unit_test(test_mru_range),
		cmocka_unit_test(test_nak_and_reject_of_our_request),
		cmocka_unit_test(test_magic_loop),
		cmocka_unit_test(test_max_failure_lcp),
		cmocka_unit_test(test_malformed_options),
		cmocka_unit_test(test_truncation_to_peer_mru),
		cmocka_unit_test(test_protocol_reject_only_when_open),
		cmocka_unit_test(test_echo_code_reject_stops_keepalive),
		cmocka_unit_test(test_echo_probe),
		cmocka_unit_test(test_renegotiation),
		cmocka_unit_test(test_echo_not_during_auth_and_backed_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
