/* test_ppp_auth.c - authentication as the client: LCP Auth-Protocol acceptance and Nak with the
 * preferred method, PAP, MS-CHAPv2 (wrong S=, Failure E=/R=/M= parsing into a message), EAP
 * Identity / Notification / legacy Nak, EAP-MSCHAPv2, premature EAP-Success, auth timeout,
 * reused EAP identifiers and the lenient MS-Length / S= parsing. */
#include "test_ppp_util.h"

static const uint8_t pap_opt[] = {3, 4, 0xC0, 0x23};
static const uint8_t chap_opt[] = {3, 5, 0xC2, 0x23, 0x81};
static const uint8_t md5_opt[] = {3, 5, 0xC2, 0x23, 0x05};
static const uint8_t eap_opt[] = {3, 4, 0xC2, 0x27};

/* Feed an LCP Configure-Request with one Auth-Protocol option; return our answer frame. */
static void auth_answer(struct ppp *p, const uint8_t *opt, size_t len, struct tframes *f)
{
	ppp_lower_up(p, 0);
	clear_frames(p, f);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 0x20, opt, len);
	clear_frames(p, f);
	assert_int_equal(f->n, 1);
}

static void test_auth_option_policy(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	(void)state;

	/* PAP + MS-CHAPv2 enabled: CHAP-MD5 is Nak'ed with MS-CHAPv2, PAP and MS-CHAPv2 acked. */
	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	auth_answer(p, md5_opt, sizeof(md5_opt), &f);
	assert_int_equal(tf_code(&f, 0), 3);
	assert_int_equal(f.len[0], 8 + 5);
	assert_memory_equal(f.buf[0] + 8, chap_opt, 5);
	ppp_free(p);
	p = ppp_new(&cfg);
	auth_answer(p, chap_opt, sizeof(chap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 2);
	ppp_free(p);
	p = ppp_new(&cfg);
	auth_answer(p, pap_opt, sizeof(pap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 2);
	ppp_free(p);
	/* EAP without any EAP method: Nak with MS-CHAPv2. */
	p = ppp_new(&cfg);
	auth_answer(p, eap_opt, sizeof(eap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 3);
	assert_memory_equal(f.buf[0] + 8, chap_opt, 5);
	ppp_free(p);

	/* Only PAP: MS-CHAPv2 is Nak'ed with PAP. */
	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_PAP;
	p = ppp_new(&cfg);
	auth_answer(p, chap_opt, sizeof(chap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 3);
	assert_memory_equal(f.buf[0] + 8, pap_opt, 4);
	ppp_free(p);

	/* Nothing enabled: reject the option. */
	cfg.auth = 0;
	p = ppp_new(&cfg);
	auth_answer(p, chap_opt, sizeof(chap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 4);
	assert_memory_equal(f.buf[0] + 8, chap_opt, 5);
	ppp_free(p);

	/* EAP-TLS enabled but no engine: EAP not acceptable; EAP-TLS alone -> reject. */
	cfg.auth = PPP_AUTH_EAP_TLS;
	p = ppp_new(&cfg);
	auth_answer(p, eap_opt, sizeof(eap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 4);
	ppp_free(p);

	/* EAP-MSCHAPv2 + MS-CHAPv2: first EAP is Nak'ed, a repeated EAP request is accepted. */
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2 | PPP_AUTH_MSCHAPV2;
	p = ppp_new(&cfg);
	auth_answer(p, eap_opt, sizeof(eap_opt), &f);
	assert_int_equal(tf_code(&f, 0), 3);
	assert_memory_equal(f.buf[0] + 8, chap_opt, 5);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 0x21, eap_opt, sizeof(eap_opt));
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 2);
	ppp_free(p);

	/* Auth option malformed (too short): rejected. */
	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	auth_answer(p, (const uint8_t *)"\x03\x03\xC0", 3, &f);
	assert_int_equal(tf_code(&f, 0), 4);
	ppp_free(p);
}

static struct ppp *pap_up(struct ppp_config *cfg, struct tframes *f, int *idx)
{
	struct ppp *p = ppp_new(cfg);
	lcp_up_with(p, f, pap_opt, sizeof(pap_opt), 0);
	*idx = tf_find(f, PPP_PROTO_PAP, 1);
	assert_true(*idx >= 0);
	return p;
}

static void test_pap(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	int i;
	(void)state;

	test_config(&cfg, &rnd);
	p = pap_up(&cfg, &f, &i);
	assert_int_equal(f.len[i], 8 + 1 + 4 + 1 + 6);
	assert_memory_equal(f.buf[i] + 8, "\x04user\x06secret", 12);
	/* Retransmission keeps the identifier; a reply with another id is ignored. */
	ppp_tick(p, 3000);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	feed_pkt(p, 3001, PPP_PROTO_PAP, 2, (uint8_t)(tf_id(&f, 0) + 1), (const uint8_t *)"\0", 1);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	feed_pkt(p, 3001, PPP_PROTO_PAP, 2, tf_id(&f, 0), (const uint8_t *)"\x02OK", 3);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_PAP);
	for (int k = 0; k < 32; k++)
		assert_int_equal(ev.hlak[k], 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	ppp_free(p);

	/* Nak with a message, and a Msg-Length that lies. */
	p = pap_up(&cfg, &f, &i);
	feed_pkt(p, 1, PPP_PROTO_PAP, 3, tf_id(&f, (size_t)i), (const uint8_t *)"\x40nope", 5);
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_PAP);
	assert_non_null(strstr(ev.message, "PAP"));
	assert_null(strstr(ev.message, "secret"));
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_TERMINATE);
	ppp_free(p);

	/* Server never answers: 10 tries, then failure. */
	p = pap_up(&cfg, &f, &i);
	for (int k = 0; k < 12 && ppp_get_phase(p) == PPP_PHASE_AUTHENTICATE; k++)
		ppp_tick(p, ppp_deadline(p));
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_non_null(strstr(ev.message, "no answer"));
	ppp_free(p);
}

static void feed_challenge(struct ppp *p, uint8_t id)
{
	uint8_t c[17];
	c[0] = 16;
	hex2bin("5B5D7C7D7B3F2F3E3C2C602132262628", c + 1, 16);
	feed_pkt(p, 0, PPP_PROTO_CHAP, 1, id, c, sizeof(c));
}

static struct ppp *chap_up(struct ppp_config *cfg, struct test_rand *rnd, struct tframes *f)
{
	static uint8_t peer[16];
	struct ppp *p;

	cfg->user = "User";
	cfg->user_len = 4;
	cfg->password = "clientPass";
	cfg->password_len = 10;
	p = ppp_new(cfg);
	lcp_up_with(p, f, chap_opt, sizeof(chap_opt), 0);
	hex2bin("21402324255E262A28295F2B3A337C7E", peer, 16);
	rnd->script = peer;
	rnd->script_len = 16;
	rnd->script_off = 0;
	feed_challenge(p, 1);
	clear_frames(p, f);
	assert_int_equal(f->n, 1);
	return p;
}

static void test_mschapv2_bad_authenticator(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	const char *bad = "S=407A5589115FD0D6209F510FE9C04566932CDA57 M=hi";
	(void)state;

	test_config(&cfg, &rnd);
	p = chap_up(&cfg, &rnd, &f);
	/* Wrong id is ignored; wrong S= fails authentication. */
	feed_pkt(p, 0, PPP_PROTO_CHAP, 3, 2, (const uint8_t *)bad, strlen(bad));
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 0);
	feed_pkt(p, 0, PPP_PROTO_CHAP, 3, 1, (const uint8_t *)bad, strlen(bad));
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_non_null(strstr(ev.message, "S="));
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_TERMINATE);
	/* A later correct Success changes nothing. */
	feed_pkt(p, 0, PPP_PROTO_CHAP, 3, 1,
		 (const uint8_t *)"S=407A5589115FD0D6209F510FE9C04566932CDA56", 42);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	ppp_free(p);

	/* Truncated Success message. */
	p = chap_up(&cfg, &rnd, &f);
	feed_pkt(p, 0, PPP_PROTO_CHAP, 3, 1, (const uint8_t *)"S=407A", 6);
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	ppp_free(p);
}

static void test_mschapv2_failure_codes(void **state)
{
	static const struct {
		const char *msg;
		int code;
		const char *text;
	} v[] = {
		{"E=691 R=0 C=00000000000000000000000000000000 V=3 M=bad", 691,
		 "bad user name or password"},
		{"E=648 R=0 V=3", 648, "password expired"},
		{"E=647 R=0 V=3", 647, "account disabled"},
		{"E=649 R=0 V=3", 649, "no dial-in permission"},
		{"E=646 R=1 V=3", 646, "time of day"},
		{"E=709 R=0 V=3", 709, "changing the password"},
		{"garbage", 0, "without an error code"},
	};
	(void)state;
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct ppp_config cfg;
		struct test_rand rnd;
		static struct tframes f;
		struct ppp_event ev;
		struct ppp *p;
		test_config(&cfg, &rnd);
		p = chap_up(&cfg, &rnd, &f);
		feed_pkt(p, 0, PPP_PROTO_CHAP, 4, 1, (const uint8_t *)v[k].msg, strlen(v[k].msg));
		assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
		assert_int_equal(ev.code, v[k].code);
		assert_non_null(strstr(ev.message, v[k].text));
		assert_null(strstr(ev.message, "clientPass"));
		if (k == 4)
			assert_true(ev.retry);
		ppp_free(p);
	}
}

static void test_mschapv2_malformed(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, chap_opt, sizeof(chap_opt), 0);
	clear_frames(p, &f);
	/* Value-Size 8, short packet, length field lying: all dropped without a response. */
	feed_pkt(p, 0, PPP_PROTO_CHAP, 1, 1, (const uint8_t *)"\x08\x01\x02\x03\x04\x05\x06\x07\x08",
		 9);
	feed_pkt(p, 0, PPP_PROTO_CHAP, 1, 1, (const uint8_t *)"\x10\x01", 2);
	{
		const uint8_t fr[] = {0xFF, 0x03, 0xC2, 0x23, 1, 1, 0x00, 0x40, 16, 1, 2};
		struct ppp_data d;
		assert_int_equal(ppp_input(p, fr, sizeof(fr), 0, &d), 0);
	}
	/* Success/Failure before any Response: ignored. */
	feed_pkt(p, 0, PPP_PROTO_CHAP, 3, 1, (const uint8_t *)"S=", 2);
	feed_pkt(p, 0, PPP_PROTO_CHAP, 4, 1, (const uint8_t *)"E=691", 5);
	/* PAP packets when CHAP was agreed: ignored. */
	feed_pkt(p, 0, PPP_PROTO_PAP, 2, 1, (const uint8_t *)"\0", 1);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);
}

static void test_auth_timeout(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth_timeout_ms = 20000;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, chap_opt, sizeof(chap_opt), 100);
	assert_int_equal(ppp_deadline(p), 20100);
	ppp_tick(p, 20099);
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 0);
	ppp_tick(p, 20100);
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_non_null(strstr(ev.message, "in time"));
	ppp_free(p);
}

/* ---- EAP ----------------------------------------------------------------------------------- */

static void feed_eap_req(struct ppp *p, uint8_t id, uint8_t type, const void *data, size_t len)
{
	uint8_t b[512];
	b[0] = type;
	memcpy(b + 1, data, len);
	feed_pkt(p, 0, PPP_PROTO_EAP, 1, id, b, len + 1);
}

static void test_eap_identity_notification_nak(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2;
	cfg.eap_identity = "anon@corp";
	cfg.eap_identity_len = 9;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	assert_int_equal(tf_code(&f, (size_t)tf_find(&f, PPP_PROTO_LCP, 2)), 2);
	clear_frames(p, &f);
	feed_eap_req(p, 1, 1, "Welcome to the SoftEther VPN server!", 36);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_EAP);
	assert_int_equal(tf_code(&f, 0), 2);
	assert_int_equal(tf_id(&f, 0), 1);
	assert_int_equal(f.len[0], 4 + 5 + 9);
	assert_int_equal(f.buf[0][8], 1);
	assert_memory_equal(f.buf[0] + 9, "anon@corp", 9);
	/* Retransmitted request: same answer. */
	feed_eap_req(p, 1, 1, "", 0);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.len[0], 4 + 5 + 9);
	/* Notification: empty response; its text appears in a later failure. */
	feed_eap_req(p, 2, 2, "Account \x01locked", 15);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.len[0], 4 + 5);
	assert_int_equal(f.buf[0][8], 2);
	/* EAP-TLS proposed but not enabled: legacy Nak offering 26 only. MD5 the same. */
	feed_eap_req(p, 3, 13, "\x20", 1);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.len[0], 4 + 5 + 1);
	assert_int_equal(f.buf[0][8], 3);
	assert_int_equal(f.buf[0][9], 26);
	feed_eap_req(p, 4, 4, "\x10" "abcdefghijklmnop", 17);
	clear_frames(p, &f);
	assert_int_equal(f.buf[0][8], 3);
	assert_int_equal(f.buf[0][9], 26);
	/* Premature EAP-Success is refused. */
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 4, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_non_null(strstr(ev.message, "before the authentication method"));
	ppp_free(p);

	/* EAP-Failure carries the notification text. */
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	feed_eap_req(p, 2, 2, "Account locked", 14);
	feed_pkt(p, 0, PPP_PROTO_EAP, 4, 3, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_non_null(strstr(ev.message, "Account locked"));
	ppp_free(p);
}

static void test_eap_no_methods_nak_zero(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	p->cfg.auth = 0; /* as if nothing were left */
	clear_frames(p, &f);
	feed_eap_req(p, 1, 13, "\x20", 1);
	clear_frames(p, &f);
	assert_int_equal(f.len[0], 4 + 5 + 1);
	assert_int_equal(f.buf[0][9], 0);
	ppp_free(p);
}

static void eap_mschap_challenge(struct ppp *p, struct test_rand *rnd, uint8_t eapid)
{
	static uint8_t peer[16];
	uint8_t b[4 + 17 + 2];
	b[0] = 1;    /* Challenge */
	b[1] = 0x42; /* MS-CHAPv2-ID */
	b[2] = 0;
	b[3] = sizeof(b);
	b[4] = 16;
	hex2bin("5B5D7C7D7B3F2F3E3C2C602132262628", b + 5, 16);
	b[21] = 'r';
	b[22] = 's';
	hex2bin("21402324255E262A28295F2B3A337C7E", peer, 16);
	rnd->script = peer;
	rnd->script_len = 16;
	rnd->script_off = 0;
	feed_eap_req(p, eapid, 26, b, sizeof(b));
}

static void test_eap_mschapv2(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	const char *succ = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=ok";
	uint8_t sb[64];
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2;
	cfg.user = "User";
	cfg.user_len = 4;
	cfg.password = "clientPass";
	cfg.password_len = 10;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	eap_mschap_challenge(p, &rnd, 5);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	/* Response: type 26, OpCode 2, same MS-CHAPv2-ID, MS-Length, Value-Size 49. */
	assert_int_equal(f.len[0], 4 + 5 + 4 + 1 + 49 + 4);
	assert_int_equal(f.buf[0][8], 26);
	assert_int_equal(f.buf[0][9], 2);
	assert_int_equal(f.buf[0][10], 0x42);
	assert_int_equal(ppp_get16(f.buf[0] + 11), 4 + 1 + 49 + 4);
	assert_int_equal(f.buf[0][13], 49);
	{
		uint8_t nt[24];
		hex2bin("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", nt, 24);
		assert_memory_equal(f.buf[0] + 14 + 24, nt, 24);
	}
	/* Success request -> 1-byte Success response, then EAP-Success -> AUTH_OK. */
	sb[0] = 3;
	sb[1] = 0x42;
	sb[2] = 0;
	sb[3] = (uint8_t)(4 + strlen(succ));
	memcpy(sb + 4, succ, strlen(succ));
	feed_eap_req(p, 6, 26, sb, 4 + strlen(succ));
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.len[0], 4 + 5 + 1);
	assert_int_equal(f.buf[0][9], 3);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 6, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_EAP_MSCHAPV2);
	{
		uint8_t hlak[32];
		hex2bin("D5F0E9521E3EA9589645E86051C822268B7CDC149B993A1BA118CB153F56DCCB", hlak, 32);
		assert_memory_equal(ev.hlak, hlak, 32);
	}
	ppp_free(p);

	/* MS-Length longer than the packet: the packet's length counts (too short here: ignored).
	 * Failure: reported. */
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	clear_frames(p, &f);
	feed_eap_req(p, 5, 26, "\x01\x42\x00\xff\x10", 5);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	eap_mschap_challenge(p, &rnd, 6);
	{
		const char *fm = "E=691 R=0 C=00000000000000000000000000000000 V=3 M=denied";
		sb[0] = 4;
		sb[1] = 0x42;
		sb[2] = 0;
		sb[3] = (uint8_t)(4 + strlen(fm));
		memcpy(sb + 4, fm, strlen(fm));
		feed_eap_req(p, 7, 26, sb, 4 + strlen(fm));
	}
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_int_equal(ev.code, 691);
	assert_int_equal(ev.method, PPP_METHOD_EAP_MSCHAPV2);
	ppp_free(p);

	/* Wrong S= inside EAP: failure, no Success response. */
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	eap_mschap_challenge(p, &rnd, 5);
	clear_frames(p, &f);
	succ = "S=0000000000000000000000000000000000000000";
	sb[3] = (uint8_t)(4 + strlen(succ));
	memcpy(sb + 4, succ, strlen(succ));
	feed_eap_req(p, 6, 26, sb, 4 + strlen(succ));
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 6, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	ppp_free(p);
}

/* Servers seen in the field: identifiers reused for new Requests (a new Request, not a
 * retransmission), MS-Length larger than the packet, and S= followed by NUL, CR or more bytes. */
static void test_eap_reuse_and_lenient(void **state)
{
	static const char *const tails[] = {"\0", "\r\n", "\0\0garbage", " M=ok"};
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp_event ev;
	uint8_t sb[80], resp[PPP_FRAME_MAX];
	size_t resp_len;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2;
	cfg.user = "User";
	cfg.user_len = 4;
	cfg.password = "clientPass";
	cfg.password_len = 10;
	for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
		const char *s = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
		size_t tl = k == 0 ? 1 : k == 1 ? 2 : k == 2 ? 9 : 5;
		struct ppp *p = ppp_new(&cfg);

		lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
		clear_frames(p, &f);
		eap_mschap_challenge(p, &rnd, 5);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		resp_len = f.len[0];
		memcpy(resp, f.buf[0], resp_len);
		/* The same Request again (identifier and content): the same Response, not recomputed. */
		eap_mschap_challenge(p, &rnd, 5);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.len[0], resp_len);
		assert_memory_equal(f.buf[0], resp, resp_len);
		/* Success Request reusing identifier 5, MS-Length 0xff (larger than the packet) and a
		 * tail after the 40 hex digits: a new Request, answered with the Success ack. */
		sb[0] = 3;
		sb[1] = 0x42;
		sb[2] = 0;
		sb[3] = 0xff;
		memcpy(sb + 4, s, 42);
		memcpy(sb + 46, tails[k], tl);
		feed_eap_req(p, 5, 26, sb, 46 + tl);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.len[0], 4 + 5 + 1);
		assert_int_equal(f.buf[0][9], 3);
		feed_pkt(p, 0, PPP_PROTO_EAP, 3, 5, NULL, 0);
		assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
		ppp_free(p);
	}
	/* A 41st hex digit is not an authenticator response of ours. */
	{
		struct ppp *p = ppp_new(&cfg);
		const char *s = "S=407A5589115FD0D6209F510FE9C04566932CDA56A";

		lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
		eap_mschap_challenge(p, &rnd, 5);
		sb[0] = 3;
		sb[1] = 0x42;
		sb[2] = 0;
		sb[3] = 4 + 43;
		memcpy(sb + 4, s, 43);
		feed_eap_req(p, 6, 26, sb, 47);
		assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
		ppp_free(p);
	}
}

static void test_eap_malformed(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_data d;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	clear_frames(p, &f);
	{
		/* EAP Length larger than the frame (the CVE-2020-8597 shape), Length < 4, no type. */
		const uint8_t a[] = {0xFF, 3, 0xC2, 0x27, 1, 9, 0x01, 0x00, 1, 'x'};
		const uint8_t b[] = {0xFF, 3, 0xC2, 0x27, 1, 9, 0x00, 0x03, 1};
		const uint8_t c[] = {0xFF, 3, 0xC2, 0x27, 1, 9, 0x00, 0x04};
		const uint8_t e[] = {0xFF, 3, 0xC2, 0x27, 1, 9};
		assert_int_equal(ppp_input(p, a, sizeof(a), 0, &d), 0);
		assert_int_equal(ppp_input(p, b, sizeof(b), 0, &d), 0);
		assert_int_equal(ppp_input(p, c, sizeof(c), 0, &d), 0);
		assert_int_equal(ppp_input(p, e, sizeof(e), 0, &d), 0);
	}
	/* A huge identity request (name data far beyond any buffer) is fine. */
	{
		static uint8_t big[4000];
		memset(big, 'N', sizeof(big));
		big[0] = 1;
		feed_pkt(p, 0, PPP_PROTO_EAP, 1, 9, big, sizeof(big));
	}
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);
}

/* A server that asks only for a method we refuse and then sends EAP-Failure: the failure names
 * what it asked for and what would give it (an NPS policy allowing only PEAP, EAP-TLS without
 * --cert). */
static void test_eap_failure_names_refused_method(void **state)
{
	static const struct {
		uint8_t type;
		const char *text;
	} v[] = {{25, "PEAP (EAP type 25)"}, {13, "--cert"}, {21, "EAP-TTLS"}, {4, "EAP-MD5"}};
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp_event ev;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_MSCHAPV2;
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct ppp *p = ppp_new(&cfg);

		lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
		feed_eap_req(p, 1, 1, "", 0);
		clear_frames(p, &f);
		feed_eap_req(p, 2, v[k].type, "\x20", 1);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.buf[0][8], 3); /* Nak */
		feed_pkt(p, 0, PPP_PROTO_EAP, 4, 2, NULL, 0);
		assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
		if (strstr(ev.message, v[k].text) == NULL)
			fail_msg("'%s' lacks '%s'", ev.message, v[k].text);
		ppp_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_option_policy),
		cmocka_unit_test(test_pap),
		cmocka_unit_test(test_mschapv2_bad_authenticator),
		cmocka_unit_test(test_mschapv2_failure_codes),
		cmocka_unit_test(test_mschapv2_malformed),
		cmocka_unit_test(test_auth_timeout),
		cmocka_unit_test(test_eap_identity_notification_nak),
		cmocka_unit_test(test_eap_no_methods_nak_zero),
		cmocka_unit_test(test_eap_mschapv2),
		cmocka_unit_test(test_eap_malformed),
		cmocka_unit_test(test_eap_reuse_and_lenient),
		cmocka_unit_test(test_eap_failure_names_refused_method),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
