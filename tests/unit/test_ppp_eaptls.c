/* test_ppp_eaptls.c - EAP-TLS framing against a fake ppp_tls_engine: fragmentation of our
 * flights to the peer MRU (L on the first, M on all but the last, one per ack), reassembly of
 * the server's fragments, the MSK -> HLAK hand-off, and malformed input (L smaller than the
 * data, over the 64 KiB cap, fragments without L, lengths that lie, early Success). */
#include "test_ppp_util.h"

static const uint8_t eap_opt[] = {3, 4, 0xC2, 0x27};

struct fake_tls {
	int begins;
	int steps;
	size_t in_total[8];   /* size of each message fed */
	uint8_t in_last[70000];
	size_t in_last_len;
	size_t out_len[8];    /* what step N answers with */
	enum ppp_tls_status st[8];
	uint8_t out[70000];
	int msk_calls;
	const char *err;
};

static int fake_begin(void *ctx)
{
	struct fake_tls *t = ctx;
	t->begins++;
	t->steps = 0;
	return 0;
}

static enum ppp_tls_status fake_step(void *ctx, const uint8_t *in, size_t in_len,
				     const uint8_t **out, size_t *out_len)
{
	struct fake_tls *t = ctx;
	int k = t->steps < 8 ? t->steps : 7;
	t->in_total[k] = in_len;
	assert_true(in_len <= sizeof(t->in_last));
	if (in_len)
		memcpy(t->in_last, in, in_len);
	t->in_last_len = in_len;
	t->steps++;
	for (size_t i = 0; i < t->out_len[k]; i++)
		t->out[i] = (uint8_t)(i * 13 + (size_t)k);
	*out = t->out;
	*out_len = t->out_len[k];
	return t->st[k];
}

static int fake_msk(void *ctx, uint8_t out[PPP_TLS_MSK_LEN])
{
	struct fake_tls *t = ctx;
	t->msk_calls++;
	for (int i = 0; i < PPP_TLS_MSK_LEN; i++)
		out[i] = (uint8_t)(0xA0 + i);
	return 0;
}

static const char *fake_error(void *ctx)
{
	struct fake_tls *t = ctx;
	return t->err ? t->err : "fake failure";
}

static struct fake_tls fake;
static struct ppp_tls_engine engine = {&fake, fake_begin, fake_step, fake_msk, fake_error,
				       NULL, NULL};
static struct tframes f;

static struct ppp *tls_up(uint16_t server_mru)
{
	struct ppp_config cfg;
	static struct test_rand rnd;
	struct ppp *p;
	uint8_t req[16] = {1, 4, (uint8_t)(server_mru >> 8), (uint8_t)server_mru, 3, 4, 0xC2, 0x27};
	int i;

	memset(&fake, 0, sizeof(fake));
	test_config(&cfg, &rnd);
	cfg.auth = PPP_AUTH_EAP_TLS;
	cfg.tls = &engine;
	p = ppp_new(&cfg);
	ppp_lower_up(p, 0);
	clear_frames(p, &f);
	i = tf_find(&f, PPP_PROTO_LCP, 1);
	feed_pkt(p, 0, PPP_PROTO_LCP, 1, 0x50, req, 8);
	feed_pkt(p, 0, PPP_PROTO_LCP, 2, tf_id(&f, (size_t)i), f.buf[i] + 8, f.len[i] - 8);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	clear_frames(p, &f);
	return p;
}

/* Feed an EAP-TLS Request: flags, optional L, data. */
static void tls_req(struct ppp *p, uint8_t id, uint8_t flags, uint32_t L, const uint8_t *data,
		    size_t len)
{
	static uint8_t b[PPP_FRAME_MAX];
	size_t n = 0;
	b[n++] = 13;
	b[n++] = flags;
	if (flags & 0x80) {
		b[n++] = (uint8_t)(L >> 24);
		b[n++] = (uint8_t)(L >> 16);
		b[n++] = (uint8_t)(L >> 8);
		b[n++] = (uint8_t)L;
	}
	assert_true(n + len <= sizeof(b));
	if (len)
		memcpy(b + n, data, len);
	feed_pkt(p, 0, PPP_PROTO_EAP, 1, id, b, n + len);
}

/* The single frame produced must be an EAP-TLS Response with id; returns its flags. */
static uint8_t expect_resp(struct ppp *p, uint8_t id, size_t *datalen)
{
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_EAP);
	assert_int_equal(tf_code(&f, 0), 2);
	assert_int_equal(tf_id(&f, 0), id);
	assert_int_equal(ppp_get16(f.buf[0] + 6), f.len[0] - 4);
	assert_int_equal(f.buf[0][8], 13);
	if (datalen)
		*datalen = f.len[0] - 10 - ((f.buf[0][9] & 0x80) ? 4 : 0);
	return f.buf[0][9];
}

static void expect_failed(struct ppp *p, const char *text)
{
	struct ppp_event ev;
	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_EAP_TLS);
	assert_non_null(strstr(ev.message, text));
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_TERMINATE);
}

static void test_full_exchange(void **state)
{
	struct ppp *p;
	struct ppp_event ev;
	static uint8_t srv[2500];
	size_t dl;
	uint8_t fl;
	(void)state;

	p = tls_up(1500);
	fake.out_len[0] = 3000; /* ClientHello + cert: three fragments of <= 1398 (not 1490) */
	fake.st[0] = PPP_TLS_CONTINUE;
	fake.out_len[1] = 200;
	fake.st[1] = PPP_TLS_CONTINUE;
	fake.out_len[2] = 0;
	fake.st[2] = PPP_TLS_DONE;

	feed_pkt(p, 0, PPP_PROTO_EAP, 1, 1, (const uint8_t *)"\x01", 1);
	clear_frames(p, &f);
	tls_req(p, 2, 0x20, 0, NULL, 0); /* Start */
	assert_int_equal(fake.begins, 1);
	assert_int_equal(fake.in_total[0], 0);
	fl = expect_resp(p, 2, &dl);
	assert_int_equal(fl, 0xC0); /* L + M */
	assert_int_equal(ppp_get32(f.buf[0] + 10), 3000);
	assert_int_equal(dl, 1398);
	assert_int_equal(f.len[0], 4 + 10 + 1398); /* the RADIUS-safe cap, below the peer MRU */
	assert_int_equal(f.buf[0][14], fake.out[0]);
	tls_req(p, 3, 0x00, 0, NULL, 0); /* ack */
	fl = expect_resp(p, 3, &dl);
	assert_int_equal(fl, 0x40);
	assert_int_equal(dl, 1398);
	assert_int_equal(f.buf[0][10], fake.out[1398]);
	/* A retransmitted ack (same id) gets the same fragment, not the next one. */
	tls_req(p, 3, 0x00, 0, NULL, 0);
	fl = expect_resp(p, 3, &dl);
	assert_int_equal(fl, 0x40);
	assert_int_equal(f.buf[0][10], fake.out[1398]);
	tls_req(p, 4, 0x00, 0, NULL, 0);
	fl = expect_resp(p, 4, &dl);
	assert_int_equal(fl, 0x00);
	assert_int_equal(dl, 3000 - 2 * 1398);
	assert_int_equal(f.buf[0][10 + 3000 - 2 * 1398 - 1], fake.out[2999]);

	/* Server flight in two fragments; each non-final one is acked with an empty Response. */
	for (size_t i = 0; i < sizeof(srv); i++)
		srv[i] = (uint8_t)(i ^ 0x5A);
	tls_req(p, 5, 0xC0, sizeof(srv), srv, 1400);
	fl = expect_resp(p, 5, &dl);
	assert_int_equal(fl, 0);
	assert_int_equal(dl, 0);
	assert_int_equal(fake.steps, 1);
	tls_req(p, 5, 0xC0, sizeof(srv), srv, 1400); /* retransmission: not appended twice */
	expect_resp(p, 5, NULL);
	tls_req(p, 6, 0x00, 0, srv + 1400, 1100);
	assert_int_equal(fake.steps, 2);
	assert_int_equal(fake.in_total[1], 2500);
	assert_memory_equal(fake.in_last, srv, 2500);
	fl = expect_resp(p, 6, &dl);
	assert_int_equal(fl, 0x80); /* unfragmented, L present */
	assert_int_equal(ppp_get32(f.buf[0] + 10), 200);
	assert_int_equal(dl, 200);

	/* Final flight without L; engine says DONE; we answer with an empty Response. */
	tls_req(p, 7, 0x00, 0, srv, 50);
	assert_int_equal(fake.in_total[2], 50);
	fl = expect_resp(p, 7, &dl);
	assert_int_equal(fl, 0);
	assert_int_equal(dl, 0);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 7, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_EAP_TLS);
	for (int i = 0; i < 32; i++)
		assert_int_equal(ev.hlak[i], 0xA0 + i);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	ppp_free(p);
}

static void test_small_mru_fragments(void **state)
{
	struct ppp *p;
	size_t dl, total = 0;
	uint8_t fl;
	uint8_t id = 2;
	(void)state;

	p = tls_up(128);
	fake.out_len[0] = 1000;
	tls_req(p, id, 0x20, 0, NULL, 0);
	for (int k = 0; k < 20; k++) {
		fl = expect_resp(p, id, &dl);
		assert_true(f.len[0] - 4 <= 128);
		assert_int_equal((fl & 0x80) != 0, k == 0);
		total += dl;
		if (!(fl & 0x40))
			break;
		tls_req(p, ++id, 0x00, 0, NULL, 0);
	}
	assert_int_equal(total, 1000);
	ppp_free(p);
}

/* RRAS and Azure announce MRU 4091; an SSTP data packet carries at most 4091 bytes of PPP frame
 * (FF 03, protocol, 4087 of information). A client flight over 5 KB (a three-level RSA-4096
 * chain) must leave in frames that fit, and the pieces must add up to the flight. Each fragment
 * carries at most 1398 bytes of TLS data: the server relays it to NPS in one RADIUS packet
 * (4096 octets at most), which a 4 KB EAP packet does not fit. So must LCP Echo-Reply and
 * Protocol-Reject be sized from the peer's MRU. */
static void test_mru_4091_frames_fit_sstp(void **state)
{
	static uint8_t got[8000], big[5000];
	struct ppp *p;
	struct ppp_data d;
	size_t dl, total = 0;
	uint8_t fl, id = 2;
	(void)state;

	p = tls_up(4091);
	fake.out_len[0] = 6200;
	fake.st[0] = PPP_TLS_CONTINUE;
	tls_req(p, id, 0x20, 0, NULL, 0);
	for (int k = 0; k < 10; k++) {
		size_t hl;
		fl = expect_resp(p, id, &dl);
		hl = 10 + ((fl & 0x80) ? 4 : 0);
		assert_true(f.len[0] <= 4091);             /* one SSTP data packet */
		assert_true(f.len[0] - 4 <= PPP_INFO_MAX); /* information field <= 4087 */
		assert_true(dl <= 1398);                   /* relayable over RADIUS */
		assert_int_equal(dl, (fl & 0x40) ? 1398 : 6200 - 4 * 1398);
		assert_int_equal((fl & 0x80) != 0, k == 0);
		if (k == 0)
			assert_int_equal(ppp_get32(f.buf[0] + 10), 6200);
		assert_true(total + dl <= sizeof(got));
		memcpy(got + total, f.buf[0] + hl, dl);
		total += dl;
		if (!(fl & 0x40))
			break;
		tls_req(p, ++id, 0x00, 0, NULL, 0);
	}
	assert_int_equal(total, 6200);
	assert_memory_equal(got, fake.out, 6200);
	assert_int_equal(p->out_dropped, 0);

	/* LCP Echo-Request carrying 4100 bytes: the reply is cut to fit. */
	memset(big, 0x77, sizeof(big));
	feed_pkt(p, 0, PPP_PROTO_LCP, 9, 0x31, big, 4100);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 10);
	assert_int_equal(f.len[0], 4091);
	assert_int_equal(ppp_get16(f.buf[0] + 6), 4087);
	/* An unknown protocol with a 4600-byte information field: Protocol-Reject fits too. */
	{
		static uint8_t fr[4700];
		memset(fr, 0x11, sizeof(fr));
		fr[0] = 0xFF;
		fr[1] = 0x03;
		fr[2] = 0x80;
		fr[3] = 0xFD; /* CCP */
		assert_int_equal(ppp_input(p, fr, 4 + 4600, 0, &d), 0);
	}
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 8);
	assert_int_equal(f.len[0], 4091);
	assert_int_equal(ppp_peer_mru(p), 4091);
	assert_int_equal(ppp_mtu(p), PPP_INFO_MAX < p->cfg.mru ? PPP_INFO_MAX : p->cfg.mru);
	ppp_free(p);
}

static void test_cap_boundary(void **state)
{
	struct ppp *p;
	static uint8_t big[65536];
	uint8_t id = 3;
	size_t off = 0;
	(void)state;

	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	clear_frames(p, &f);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31);
	while (off < sizeof(big)) {
		size_t n = sizeof(big) - off < 1400 ? sizeof(big) - off : 1400;
		uint8_t fl = (uint8_t)((off == 0 ? 0x80 : 0) | (off + n < sizeof(big) ? 0x40 : 0));
		tls_req(p, id++, fl, sizeof(big), big + off, n);
		off += n;
	}
	assert_int_equal(fake.in_total[1], sizeof(big));
	assert_memory_equal(fake.in_last, big, sizeof(big));
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);

	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 65537, big, 1000);
	expect_failed(p, "out of range");
	assert_int_equal(fake.steps, 1);
	ppp_free(p);
}

static void test_malformed(void **state)
{
	struct ppp *p;
	static uint8_t d[2000];
	(void)state;

	/* M without L on the first fragment. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0x40, 0, d, 100);
	expect_failed(p, "no L flag");
	ppp_free(p);

	/* L smaller than the data (CVE-2012-4445 / CVE-2018-11574 shape). */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 10, d, 100);
	expect_failed(p, "more data than");
	ppp_free(p);

	/* Accumulated fragments overrun L. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 150, d, 100);
	tls_req(p, 4, 0x00, 0, d, 100);
	expect_failed(p, "more data than");
	ppp_free(p);

	/* Last fragment short of L. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 300, d, 100);
	tls_req(p, 4, 0x00, 0, d, 100);
	expect_failed(p, "ends before");
	assert_int_equal(fake.steps, 1);
	ppp_free(p);

	/* L changes between fragments. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 300, d, 100);
	tls_req(p, 4, 0xC0, 400, d, 100);
	expect_failed(p, "changed");
	ppp_free(p);

	/* L flag with fewer than 4 length bytes. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	feed_pkt(p, 0, PPP_PROTO_EAP, 1, 3, (const uint8_t *)"\x0d\x80\x00\x01", 4);
	expect_failed(p, "missing");
	ppp_free(p);

	/* L = 0. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0x80, 0, NULL, 0);
	expect_failed(p, "out of range");
	ppp_free(p);

	/* Empty fragment with M. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 100, d, 0);
	expect_failed(p, "empty fragment");
	ppp_free(p);

	/* Server data while our fragments are unacknowledged. */
	p = tls_up(1500);
	fake.out_len[0] = 3000;
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0x00, 0, d, 10);
	expect_failed(p, "unacknowledged");
	ppp_free(p);

	/* EAP-TLS Request with no Flags octet: dropped silently. EAP Length lying: dropped. */
	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	clear_frames(p, &f);
	feed_pkt(p, 0, PPP_PROTO_EAP, 1, 3, (const uint8_t *)"\x0d", 1);
	{
		const uint8_t fr[] = {0xFF, 3, 0xC2, 0x27, 1, 4, 0x10, 0x00, 13, 0x80, 0, 0, 0x10, 0};
		struct ppp_data dd;
		assert_int_equal(ppp_input(p, fr, sizeof(fr), 0, &dd), 0);
	}
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);

	/* EAP-TLS fragments before any Start are ignored. */
	p = tls_up(1500);
	tls_req(p, 3, 0xC0, 300, d, 100);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	assert_int_equal(fake.begins, 0);
	ppp_free(p);
}

static void test_early_success_and_after_done(void **state)
{
	struct ppp *p;
	struct ppp_event ev;
	static uint8_t d[100];
	(void)state;

	/* EAP-Success before the handshake is done. */
	p = tls_up(1500);
	fake.out_len[0] = 100;
	tls_req(p, 2, 0x20, 0, NULL, 0);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 2, NULL, 0);
	expect_failed(p, "before the authentication method");
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	assert_int_equal(fake.msk_calls, 0);
	ppp_free(p);

	/* TLS data after DONE. */
	p = tls_up(1500);
	fake.st[1] = PPP_TLS_DONE;
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0x00, 0, d, 50);
	tls_req(p, 4, 0x00, 0, d, 50);
	expect_failed(p, "after the handshake");
	ppp_free(p);
}

static void test_engine_failure(void **state)
{
	struct ppp *p;
	(void)state;

	p = tls_up(1500);
	fake.out_len[1] = 7; /* an alert */
	fake.st[1] = PPP_TLS_FAILED;
	fake.err = "server certificate not trusted";
	tls_req(p, 2, 0x20, 0, NULL, 0);
	clear_frames(p, &f);
	tls_req(p, 3, 0x00, 0, (const uint8_t *)"\x16\x03\x03\x00\x01\x02", 6);
	clear_frames(p, &f);
	assert_true(f.n >= 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_EAP);
	assert_int_equal(f.len[0], 4 + 10 + 7); /* the alert goes out before the link closes */
	expect_failed(p, "server certificate not trusted");
	/* A later EAP-Success does not revive it. */
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 3, NULL, 0);
	{
		struct ppp_event ev;
		assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	}
	ppp_free(p);
}

static void test_new_start_restarts(void **state)
{
	struct ppp *p;
	static uint8_t d[100];
	(void)state;

	p = tls_up(1500);
	tls_req(p, 2, 0x20, 0, NULL, 0);
	tls_req(p, 3, 0xC0, 300, d, 100);
	tls_req(p, 4, 0x20, 0, NULL, 0);
	assert_int_equal(fake.begins, 2);
	/* The half-gathered message was dropped: a fresh unfragmented one works. */
	tls_req(p, 5, 0x00, 0, d, 60);
	assert_int_equal(fake.in_last_len, 60);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_exchange),
		cmocka_unit_test(test_small_mru_fragments),
		cmocka_unit_test(test_mru_4091_frames_fit_sstp),
		cmocka_unit_test(test_cap_boundary),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_early_success_and_after_done),
		cmocka_unit_test(test_engine_failure),
		cmocka_unit_test(test_new_start_restarts),
	};
	(void)eap_opt;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
