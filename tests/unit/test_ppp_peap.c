/* test_ppp_peap.c - PEAPv0 inside the PPP engine against a fake TLS engine whose tunnel is the
 * identity (open and seal copy bytes), so the inner packets can be written and read directly:
 * Start with the version bits, the header-less inner Identity and EAP-MSCHAPv2 (RFC 2759
 * vectors), the Extensions packet with its EAP header and the Result TLV, EAP-Success giving
 * HLAK = MSK[0..31]; and hostile input: a Result TLV success before the inner method, a TLV
 * length past the packet, Extensions without a Result TLV, a short Cryptobinding TLV, an empty
 * inner message. Cryptobinding ([MS-PEAP] 3.1.5.5): keys, Compound MAC and MSK against values
 * computed independently with Python's hashlib/hmac (tests/unit/gen_peap_cb_vectors.py; no
 * published vector exists), the server's request verified and answered, the HLAK from the
 * binding's MSK, a wrong MAC, a wrong version or subtype, a binding with a failed Result. */
#include "test_ppp_util.h"

#include "ppp_peap_cb.h"

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

/* Inner Identity and EAP-MSCHAPv2 (RFC 2759 vectors) up to the client's Success ack. */
static void inner_mschapv2(struct ppp *p, struct test_rand *rnd)
{
	static const char succ[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=ok";
	static uint8_t peer[16];
	uint8_t b[128];
	const uint8_t *r;
	size_t n;

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
	rnd->script = peer;
	rnd->script_len = 16;
	rnd->script_off = 0;
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
}

static void test_peap_inner_exchange(void **state)
{
	struct test_rand rnd;
	struct ppp_event ev;
	struct ppp *p;
	const uint8_t *r;
	size_t n;
	(void)state;

	p = peap_up(&rnd);
	inner_mschapv2(p, &rnd);
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
	/* a Cryptobinding TLV too short to hold a nonce and a MAC, after the inner method */
	p = peap_up(&rnd);
	inner_mschapv2(p, &rnd);
	(void)peap(p, 6, 0, "\x01\x07\x00\x11\x21\x80\x03\x00\x02\x00\x01\x00\x0c\x00\x02\x00\x00",
		   17, &n);
	expect_fail(p, "malformed cryptobinding request from the server: Cryptobinding TLV length");
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

/* tests/unit/gen_peap_cb_vectors.py: TK = the fake engine's MSK, ISK from RFC 3079 3.5.3 */
#define V_ISK "D5F0E9521E3EA9589645E86051C822268B7CDC149B993A1BA118CB153F56DCCB"
#define V_IPMK "E4A6BB30BEA72AFFA7F8299A55D79D10CD0F2203D635225697C7BFDD8C304F480E37E677E69A18BC"
#define V_CMK "87BD3BE81B82A2E49BD943EC57C169361C3984DA"
#define V_REQ_MAC "5B1E34FB64E73DDC299153CE9A9F93AA966881E5"
#define V_RSP_MAC "D9B175DDD9C6ADF14144EA868EDAC8D5F10563B7"
#define V_HLAK "91AFE0DBED3EB5A2D2F111D71BFDB5D93C688B1C1FCB92EB3730D51E0297180E"

static void cb_tlv(uint8_t tlv[PPP_PEAP_CB_TLV_LEN], uint8_t subtype, const char *mac_hex)
{
	static const uint8_t hdr[8] = {0, 12, 0, 56, 0, 0, 0, 0};

	memcpy(tlv, hdr, sizeof(hdr));
	tlv[7] = subtype;
	for (int i = 0; i < 32; i++)
		tlv[8 + i] = (uint8_t)(0x80 + i);
	hex2bin(mac_hex, tlv + 40, 20);
}

static void test_peap_cb_vectors(void **state)
{
	uint8_t tk[40], isk[32], ipmk[40], cmk[20], want[40], tlv[60], mac[20], msk[64];
	struct ppp_peap_cb cb;
	(void)state;

	for (int i = 0; i < 40; i++)
		tk[i] = (uint8_t)(0x40 + i);
	hex2bin(V_ISK, isk, 32);
	assert_int_equal(ppp_peap_cb_keys(tk, isk, ipmk, cmk), 0);
	hex2bin(V_IPMK, want, 40);
	assert_memory_equal(ipmk, want, 40);
	hex2bin(V_CMK, want, 20);
	assert_memory_equal(cmk, want, 20);
	cb_tlv(tlv, 0, V_RSP_MAC); /* the MAC field is ignored by the computation */
	assert_int_equal(ppp_peap_cb_mac(cmk, tlv, mac), 0);
	hex2bin(V_REQ_MAC, want, 20);
	assert_memory_equal(mac, want, 20);
	assert_int_equal(ppp_peap_cb_msk(ipmk, msk), 0);
	hex2bin(V_HLAK, want, 32);
	assert_memory_equal(msk, want, 32);
	/* the parser: a request parses; every other shape says why */
	assert_null(ppp_peap_cb_parse(tlv + 4, 56, &cb));
	assert_int_equal(cb.nonce[31], 0x9F);
	assert_non_null(ppp_peap_cb_parse(tlv + 4, 55, &cb));
	assert_non_null(ppp_peap_cb_parse(tlv + 4, 57, &cb));
	tlv[5] = 1;
	assert_non_null(strstr(ppp_peap_cb_parse(tlv + 4, 56, &cb), "version is not 0"));
	tlv[5] = 0;
	tlv[6] = 2;
	assert_non_null(strstr(ppp_peap_cb_parse(tlv + 4, 56, &cb), "received version"));
	tlv[6] = 0;
	tlv[7] = 1;
	assert_non_null(strstr(ppp_peap_cb_parse(tlv + 4, 56, &cb), "not a request"));
}

/* Extensions Request id 7 with Result (result) and the 60-byte Cryptobinding TLV. */
static const uint8_t *cb_request(struct ppp *p, uint8_t result, const uint8_t tlv[60], size_t *n)
{
	uint8_t b[71] = {1, 7, 0, 71, 33, 0x80, 3, 0, 2, 0, 0};

	b[10] = result;
	memcpy(b + 11, tlv, 60);
	return peap(p, 6, 0, b, sizeof(b), n);
}

static void test_peap_cryptobinding(void **state)
{
	struct test_rand rnd;
	struct ppp_event ev;
	struct ppp *p;
	const uint8_t *r;
	uint8_t tlv[60], want[71] = {2, 7, 0, 71, 33, 0x80, 3, 0, 2, 0, 1}, hlak[32];
	size_t n;
	(void)state;

	/* NPS: Result success with a Cryptobinding request -> Result success with our response */
	p = peap_up(&rnd);
	inner_mschapv2(p, &rnd);
	cb_tlv(tlv, 0, V_REQ_MAC);
	r = cb_request(p, 1, tlv, &n);
	cb_tlv(want + 11, 1, V_RSP_MAC);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(r, want, sizeof(want));
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 6, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_PEAP);
	hex2bin(V_HLAK, hlak, 32); /* MSK from the binding's IPMK, not the tunnel's MSK */
	assert_memory_equal(ev.hlak, hlak, 32);
	ppp_free(p);
	/* a wrong Compound MAC (a relay between two tunnels): refused with the reason */
	p = peap_up(&rnd);
	inner_mschapv2(p, &rnd);
	cb_tlv(tlv, 0, V_REQ_MAC);
	tlv[59] ^= 1;
	(void)cb_request(p, 1, tlv, &n);
	expect_fail(p, "Compound MAC does not match");
	ppp_free(p);
	/* a wrong version, a response where a request belongs */
	p = peap_up(&rnd);
	inner_mschapv2(p, &rnd);
	cb_tlv(tlv, 1, V_REQ_MAC);
	(void)cb_request(p, 1, tlv, &n);
	expect_fail(p, "not a request");
	ppp_free(p);
	/* Result failure with a binding: our Result failure, no binding, no success */
	p = peap_up(&rnd);
	inner_mschapv2(p, &rnd);
	cb_tlv(tlv, 0, V_REQ_MAC);
	r = cb_request(p, 2, tlv, &n);
	assert_int_equal(n, 11);
	assert_int_equal(r[10], 2);
	feed_pkt(p, 0, PPP_PROTO_EAP, 3, 6, NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 0);
	ppp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peap_inner_exchange),
		cmocka_unit_test(test_peap_hostile),
		cmocka_unit_test(test_peap_cb_vectors),
		cmocka_unit_test(test_peap_cryptobinding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
