/* fuzz_ppp_peapcb.c - libFuzzer target for PEAP's Extensions (TLV) and Cryptobinding parsers
 * inside the PPP engine. A script opens LCP (Auth EAP), answers Identity, runs PEAP Start and a
 * fake TLS handshake (identity tunnel, MSK 0x22..), and marks the inner MS-CHAPv2 as done with a
 * fixed ISK (what a verified Success would leave); the input is then a list of length-prefixed
 * tunnel messages (inner packets, with or without their EAP header). fuzz_ppp_eap cannot get
 * here: it would have to forge the server's MS-CHAPv2 proof.
 * Invariants: every frame fits one SSTP data packet; an Extensions Response of ours is 11 bytes
 * (Result) or 71 (Result + Cryptobinding) and then its Compound MAC is the one the keys give and
 * the server's nonce is echoed; event texts are NUL-terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp.h"
#include "ppp_crypto.h"
#include "ppp_internal.h"
#include "ppp_peap_cb.h"

static uint8_t isk[32];
static uint8_t last_nonce[32];
static bool have_nonce;

static void frand(void *ctx, uint8_t *buf, size_t n)
{
	uint32_t *s = ctx;
	for (size_t i = 0; i < n; i++) {
		*s = *s * 1103515245u + 12345u;
		buf[i] = (uint8_t)(*s >> 16);
	}
}

static int f_begin(void *c)
{
	(void)c;
	return 0;
}

static enum ppp_tls_status f_step(void *c, const uint8_t *in, size_t n, const uint8_t **o,
				  size_t *ol)
{
	(void)c;
	(void)in;
	(void)n;
	*o = NULL;
	*ol = 0;
	return PPP_TLS_DONE;
}

static int f_msk(void *c, uint8_t out[PPP_TLS_MSK_LEN])
{
	(void)c;
	for (int i = 0; i < PPP_TLS_MSK_LEN; i++)
		out[i] = (uint8_t)(0x22 + i);
	return 0;
}

static const char *f_err(void *c)
{
	(void)c;
	return "fake";
}

static int f_tunnel(void *c, const uint8_t *in, size_t n, const uint8_t **o, size_t *ol)
{
	static uint8_t t[PPP_EAPTLS_MAX];

	(void)c;
	if (n > sizeof(t) || (n > 0 && in == NULL))
		abort();
	if (n)
		memcpy(t, in, n);
	*o = t;
	*ol = n;
	return 0;
}

static struct ppp_tls_engine eng = {NULL, f_begin, f_step, f_msk, f_err, f_tunnel, f_tunnel};

/* Our Extensions Response (EAP header included), d/len after the PEAP flags octet. */
static void check_extensions(const uint8_t *d, size_t len)
{
	uint8_t tk[64], ipmk[40], cmk[20], mac[20];

	if (len < 5 || d[0] != 2 || d[4] != 33)
		return; /* not an Extensions Response */
	if (ppp_get16(d + 2) != len || (len != 11 && len != 71))
		abort();
	if (len == 11)
		return;
	if (d[10] != 1 || !have_nonce || memcmp(d + 19, last_nonce, 32) != 0)
		abort(); /* a binding only with success, echoing the server's nonce */
	f_msk(NULL, tk);
	if (ppp_peap_cb_keys(tk, isk, ipmk, cmk) != 0 || ppp_peap_cb_mac(cmk, d + 11, mac) != 0 ||
	    memcmp(mac, d + 51, 20) != 0 || d[18] != 1)
		abort();
}

static void drain(struct ppp *p)
{
	const uint8_t *fr;
	size_t len;
	struct ppp_event ev;

	while (ppp_next_output(p, &fr, &len) == 1) {
		if (len < 4 || len > 4091)
			abort();
		if (ppp_get16(fr + 2) != PPP_PROTO_EAP || len < 10 || fr[8] != 25)
			continue;
		if (!(fr[9] & 0x80)) /* a flight in one fragment carries L (and its length) */
			check_extensions(fr + 10, len - 10);
		else if (len >= 14 && ppp_get32(fr + 10) == len - 14)
			check_extensions(fr + 14, len - 14);
		else
			abort(); /* our sealed Extensions always fit one fragment */
	}
	while (ppp_next_event(p, &ev) == 1)
		if (memchr(ev.message, 0, sizeof(ev.message)) == NULL)
			abort();
}

static void feed_eap(struct ppp *p, uint8_t code, uint8_t id, const uint8_t *b, size_t n)
{
	uint8_t fr[1500];
	struct ppp_data d;

	fr[0] = 0xFF;
	fr[1] = 0x03;
	fr[2] = 0xC2;
	fr[3] = 0x27;
	fr[4] = code;
	fr[5] = id;
	fr[6] = (uint8_t)((n + 4) >> 8);
	fr[7] = (uint8_t)(n + 4);
	if (n > sizeof(fr) - 8)
		abort();
	if (n)
		memcpy(fr + 8, b, n);
	ppp_input(p, fr, n + 8, 0, &d);
	drain(p);
}

static struct ppp *setup(uint32_t *seed)
{
	static const uint8_t lcp[] = {0xFF, 3, 0xC0, 0x21, 1, 1, 0, 8, 3, 4, 0xC2, 0x27};
	struct ppp_config cfg;
	struct ppp_data d;
	struct ppp *p;
	uint8_t fr[32], mine[32];
	struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));

	memset(&cfg, 0, sizeof(cfg));
	cfg.random = frand;
	cfg.random_ctx = seed;
	cfg.user = "someone";
	cfg.user_len = 7;
	cfg.password = "pw";
	cfg.password_len = 2;
	cfg.auth = PPP_AUTH_PEAP;
	cfg.tls = &eng;
	p = ppp_new(&cfg);
	if (p == NULL)
		abort();
	ppp_lower_up(p, 0);
	ppp_input(p, lcp, sizeof(lcp), 0, &d);
	p->lcp_fsm.cb->addci(&p->lcp_fsm, &w);
	memcpy(fr, lcp, 8);
	fr[4] = 2;
	fr[5] = p->lcp_fsm.reqid;
	fr[7] = (uint8_t)(4 + w.len);
	memcpy(fr + 8, mine, w.len);
	ppp_input(p, fr, 8 + w.len, 0, &d);
	drain(p);
	feed_eap(p, 1, 1, (const uint8_t *)"\x01", 1);           /* Identity */
	feed_eap(p, 1, 2, (const uint8_t *)"\x19\x20", 2);       /* PEAP Start */
	feed_eap(p, 1, 3, (const uint8_t *)"\x19\x00\x16\x03", 4); /* "handshake": done */
	/* The inner MS-CHAPv2 as a verified Success leaves it. */
	p->mschap.verified = true;
	memcpy(p->mschap.hlak, isk, sizeof(isk));
	return p;
}

/* The nonce of the Cryptobinding TLV the client will use: the last type-12 TLV of 56 bytes in
 * the Extensions message m (whole packet, or header-less type 33), walked as the client walks. */
static void note_nonce(const uint8_t *m, size_t len)
{
	size_t off;

	have_nonce = false;
	if (len >= 5 && m[0] == 1 && ppp_get16(m + 2) == len && m[4] == 33)
		off = 5;
	else if (len >= 1 && m[0] == 33)
		off = 1;
	else
		return;
	while (off + 4 <= len) {
		uint16_t type = ppp_get16(m + off) & 0x3FFF, vlen = ppp_get16(m + off + 2);

		if (vlen > len - off - 4)
			return;
		if (type == 12) {
			have_nonce = vlen == 56;
			if (have_nonce)
				memcpy(last_nonce, m + off + 8, 32);
		}
		off += 4 + (size_t)vlen;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed = 7;
	uint8_t b[1402];
	struct ppp *p;
	size_t off = 0;
	uint8_t id = 10;

	for (int i = 0; i < 32; i++)
		isk[i] = (uint8_t)(0xA0 + i);
	p = setup(&seed);
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (len > size - off)
			len = size - off;
		if (len > 1400)
			len = 1400;
		note_nonce(data + off, len);
		b[0] = 25;
		b[1] = 0;
		if (len)
			memcpy(b + 2, data + off, len);
		feed_eap(p, 1, id++, b, len + 2);
		off += len;
	}
	feed_eap(p, 3, id, NULL, 0); /* EAP-Success: AUTH_OK only after our Result success */
	ppp_free(p);
	return 0;
}
