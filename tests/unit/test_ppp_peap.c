/* test_ppp_peap.c - PEAPv0 inside the PPP engine against a fake TLS engine whose tunnel is the
 * identity (open and seal copy bytes), so the inner packets can be written and read directly:
 * Start with the version bits, the header-less inner Identity and EAP-MSCHAPv2 (RFC 2759
 * vectors), the Extensions packet with its EAP header and the Result TLV, EAP-Success giving
 * HLAK = MSK[0..31]; and hostile input: a Result TLV success before the inner method, a TLV
 * length past the packet, Extensions without a Result TLV, a Crypto-Binding TLV (refused with
 * its reason), an empty inner message. */
#include "test_ppp_util.h"

static const uint8_t eap_opt[] = {3, 4, 0xC2, 0x27};
static uint8_t io[4096];
static size_t io_len;
static int done_after; /* step number after which the handshake is "done" */
static int steps;

static int f_begin(void *c)
{
	(void)c;
	steps = 0;
	return 0;
}

static enum ppp_tls_status f_step(void *c, const uint8_t *in, size_t n, const uint8_t **o,
				  size_t *ol)
{
	static const uint8_t hello[] = {0x16, 3, 3, 0, 1, 1};
	(void)c;
	(void)in;
	(void)n;
	*o = hello;
	*ol = steps == 0 ? sizeof(hello) : 0;
	return steps++ >= done_after ? PPP_TLS_DONE : PPP_TLS_CONTINUE;
}

static int f_msk(void *c, uint8_t out[PPP_TLS_MSK_LEN])
{
	(void)c;
	for (int i = 0; i < PPP_TLS_MSK_LEN; i++)
		out[i] = (uint8_t)(0x40 + i);
	return 0;
}

static const char *f_err(void *c)
{
	(void)c;
	return "fake tunnel failure";
}

static int f_copy(void *c, const uint8_t *in, size_t n, const uint8_t **o, size_t *ol)
{
	(void)c;
	assert_true(n <= sizeof(io));
	if (n)
		memcpy(io, in, n);
	io_len = n;
	*o = io;
	*ol = n;
	return 0;
}

static struct ppp_tls_engine eng = {NULL, f_begin, f_step, f_msk, f_err, f_copy, f_copy};
static struct tframes f;

/* Feed a PEAP Request (flags, data) and return the client's Response data after the flags. */
static const uint8_t *peap(struct ppp *p, uint8_t id, uint8_t flags, const void *d, size_t len,
			   size_t *rlen)
{
	uint8_t b[600];

	b[0] = 25;
	b[1] = flags;
	if (len)
		memcpy(b + 2, d, len);
	feed_pkt(p, 0, PPP_PROTO_EAP, 1, id, b, len + 2);
	clear_frames(p, &f);
	if (f.n == 0 || tf_proto(&f, 0) != PPP_PROTO_EAP) {
		*rlen = 0;
		return NULL;
	}
	assert_int_equal(f.buf[0][8], 25);
	if (f.buf[0][9] & 0x80) { /* L: the TLS message length, then the data */
		assert_int_equal(ppp_get32(f.buf[0] + 10), f.len[0] - 14);
		*rlen = f.len[0] - 14;
		return f.buf[0] + 14;
	}
	*rlen = f.len[0] - 10;
	return f.buf[0] + 10;
}

static struct ppp *peap_up(struct test_rand *rnd)
{
	struct ppp_config cfg;
	struct ppp *p;
	size_t n;
	const uint8_t *r;

	test_config(&cfg, rnd);
	cfg.auth = PPP_AUTH_PEAP;
	cfg.tls = &eng;
	cfg.user = "User";
	cfg.user_len = 4;
	cfg.password = "clientPass";
	cfg.password_len = 10;
	done_after = 1;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, eap_opt, sizeof(eap_opt), 0);
	clear_frames(p, &f);
	r = peap(p, 1, 0x21, NULL, 0, &n); /* Start, version 1 offered: we answer version 0 */
	assert_non_null(r);
	assert_int_equal(f.buf[0][9] & 0x07, 0);
	r = peap(p, 2, 0x00, "\x16\x03\x03\x00\x01\x02", 6, &n); /* handshake done: empty ack */
	assert_int_equal(n, 0);
	return p;
}

static void test_peap_inner_exchange(void **state)
{
	static const char succ[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=ok";
	struct test_rand rnd;
	struct ppp_event ev;
	struct ppp *p;
	uint8_t b[128];
	const uint8_t *r;
	size_t n;
	static uint8_t peer[16];
	(void)state;

	p = peap_up(&rnd);
	/* inner Identity, header-less: "01" -> "01 User" */
	r = peap(p, 3, 0, "\x01", 1, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(r, "\x01User", 5);
	/* inner EAP-MSCHAPv2 Challenge (RFC 2759 vectors) */
	b[0] = 26;
	b[1] = 1;
	b[2] = 0x42;
	b[3] = 0;
	b[4] = 4 + 17 + 2;
	b[5] = 16;
	hex2bin("5B5D7C7D7B3F2F3E3C2C602132262628", b + 6, 16);
	b[22] = 'r';
	b[23] = 's';
	hex2bin("21402324255E262A28295F2B3A337C7E", peer, 16);
	rnd.script = peer;
	rnd.script_len = 16;
	rnd.script_off = 0;
	r = peap(p, 4, 0, b, 24, &n);
	assert_int_equal(n, 1 + 4 + 1 + 49 + 4);
	assert_int_equal(r[0], 26);
	{
		uint8_t nt[24];
		hex2bin("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", nt, 24);
		assert_memory_equal(r + 6 + 24, nt, 24);
	}
	/* Success request -> ack */
	b[0] = 26;
	b[1] = 3;
	b[2] = 0x42;
	b[3] = 0;
	b[4] = (uint8_t)(4 + strlen(succ));
	memcpy(b + 5, succ, strlen(succ));
	r = peap(p, 5, 0, b, 5 + strlen(succ), &n);
	assert_int_equal(n, 2);
	assert_memory_equal(r, "\x1a\x03", 2);
	/* Extensions with its EAP header, Result TLV success -> our Result success, full header */
	r = peap(p, 6, 0, "\x01\x07\x00\x0b\x21\x80\x03\x00\x02\x00\x01", 11, &n);
	assert_int_equal(n, 11);
	assert_memory_equal(r, "\x02\x07\x00\x0b\x21\x80\x03\x00\x02\x00\x01", 11);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 6, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_PEAP);
	for (int i = 0; i < 32; i++)
		assert_int_equal(ev.hlak[i], 0x40 + i);
	ppp_free(p);
}

static void expect_fail(struct ppp *p, const char *text)
{
	struct ppp_event ev;

	assert_int_equal(find_event(p, PPP_EV_AUTH_FAILED, &ev), 1);
	if (strstr(ev.message, text) == NULL)
		fail_msg("'%s' lacks '%s'", ev.message, text);
}

static void test_peap_hostile(void **state)
{
	struct test_rand rnd;
	struct ppp_event ev;
	struct ppp *p;
	const uint8_t *r;
	size_t n;
	(void)state;

	/* Result success before any inner method: we answer failure; EAP-Success is refused. */
	p = peap_up(&rnd);
	r = peap(p, 3, 0, "\x01\x07\x00\x0b\x21\x80\x03\x00\x02\x00\x01", 11, &n);
	assert_int_equal(n, 11);
	assert_int_equal(r[10], 2);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 3, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	ppp_free(p);
	/* a TLV longer than the packet */
	p = peap_up(&rnd);
	(void)peap(p, 3, 0, "\x01\x07\x00\x0b\x21\x80\x03\x00\x09\x00\x01", 11, &n);
	expect_fail(p, "malformed TLV");
	ppp_free(p);
	/* Extensions without a Result TLV */
	p = peap_up(&rnd);
	(void)peap(p, 3, 0, "\x01\x07\x00\x09\x21\x00\x07\x00\x00", 9, &n);
	expect_fail(p, "without a Result TLV");
	ppp_free(p);
	/* Crypto-Binding (NPS): refused with its reason */
	p = peap_up(&rnd);
	(void)peap(p, 3, 0, "\x01\x07\x00\x0f\x21\x80\x0c\x00\x02\x00\x01\x80\x03\x00\x02", 15,
		   &n);
	expect_fail(p, "crypto binding");
	ppp_free(p);
	/* an inner method we do not have: Nak offering 26; an empty tunnel message: empty ack */
	p = peap_up(&rnd);
	r = peap(p, 3, 0, "\x0d\x20", 2, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(r, "\x03\x1a", 2);
	(void)peap(p, 4, 0, "\x17\x03\x03\x00\x00", 0, &n);
	assert_int_equal(n, 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	ppp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peap_inner_exchange),
		cmocka_unit_test(test_peap_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
