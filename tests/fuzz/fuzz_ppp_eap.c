/* fuzz_ppp_eap.c - libFuzzer target for the EAP peer and EAP-TLS framing (the CVE-2020-8597
 * and CVE-2018-11574 classes). LCP is opened with Auth-Protocol EAP by a script; the input is a
 * list of length-prefixed EAP packets (first byte: methods and server MRU, 0xFE/0xFF = 4091);
 * PEAP is enabled with an identity tunnel, so inner packets (TLVs, inner MS-CHAPv2) are fuzzed.
 * Invariants: every frame fits one SSTP data packet; every message handed to the TLS engine is at
 * most 64 KiB and made only of bytes the server sent in fragments; our own TLS output, read
 * back from our fragments (L on the first, M on all but the last, each within the peer MRU),
 * is byte-identical to what the engine produced. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp.h"
#include "ppp_internal.h"

static void frand(void *ctx, uint8_t *buf, size_t n)
{
	uint32_t *s = ctx;
	for (size_t i = 0; i < n; i++) {
		*s = *s * 1103515245u + 12345u;
		buf[i] = (uint8_t)(*s >> 16);
	}
}

static uint8_t eng_out[9000];
static size_t eng_out_len;  /* the flight currently being sent */
static uint8_t back[9000];  /* our fragments reassembled */
static size_t back_len, back_total;
static bool back_active;
static uint8_t last_frag[PPP_FRAME_MAX]; /* our previous EAP-TLS Response (resends repeat it) */
static size_t last_frag_len;

static size_t server_bytes; /* TLS payload bytes the server sent in total */
static size_t fed_bytes;    /* bytes the engine was fed in total */

static int f_begin(void *c)
{
	(void)c;
	back_active = false; /* a new handshake abandons any flight in progress */
	last_frag_len = 0;
	return 0;
}

static enum ppp_tls_status f_step(void *c, const uint8_t *in, size_t n, const uint8_t **o,
				  size_t *ol)
{
	(void)c;
	if (n > PPP_EAPTLS_MAX || (n > 0 && in == NULL))
		abort();
	fed_bytes += n;
	if (fed_bytes > server_bytes)
		abort(); /* the engine got bytes the server never sent */
	eng_out_len = n == 0 ? 2500 : (n * 37) % sizeof(eng_out);
	for (size_t i = 0; i < eng_out_len; i++)
		eng_out[i] = (uint8_t)(i * 7 + n);
	*o = eng_out;
	*ol = eng_out_len;
	return (n % 9 == 4) ? PPP_TLS_DONE : ((n % 13 == 5) ? PPP_TLS_FAILED : PPP_TLS_CONTINUE);
}

static int f_msk(void *c, uint8_t out[PPP_TLS_MSK_LEN])
{
	(void)c;
	memset(out, 0x22, PPP_TLS_MSK_LEN);
	return 0;
}

static const char *f_err(void *c)
{
	(void)c;
	return "fake";
}

/* PEAP's tunnel: the identity (inner packets are what the input says). */
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

/* Check one EAP-TLS Response fragment of ours and append it to the read-back buffer. */
static void check_tls_fragment(const uint8_t *d, size_t len)
{
	uint8_t flags;
	size_t off = 1;

	if (len < 1)
		abort();
	flags = d[0];
	if (flags & 0x20)
		abort(); /* S is for servers only */
	if (flags & 0x80) {
		if (len < 5 || back_active)
			abort(); /* L only on the first fragment */
		back_total = ppp_get32(d + 1);
		back_len = 0;
		back_active = true;
		off = 5;
		if (back_total > sizeof(back))
			abort();
	} else if (len == 1) {
		return; /* an empty ack */
	} else if (!back_active) {
		abort(); /* continuation without a first fragment */
	}
	if (len - off > back_total - back_len)
		abort();
	memcpy(back + back_len, d + off, len - off);
	back_len += len - off;
	if (!(flags & 0x40)) {
		if (back_len != back_total || back_total != eng_out_len ||
		    memcmp(back, eng_out, back_total) != 0)
			abort(); /* read-back differs from what the engine produced */
		back_active = false;
	}
}

static void drain(struct ppp *p)
{
	const uint8_t *fr;
	size_t len;
	struct ppp_event ev;

	while (ppp_next_output(p, &fr, &len) == 1) {
		if (len < 4 || fr[0] != 0xFF || fr[1] != 0x03 || len - 4 > ppp_peer_mru(p) ||
		    len > 4091)
			abort(); /* within the peer's MRU and one SSTP data packet */
		if (ppp_get16(fr + 2) != PPP_PROTO_EAP)
			continue;
		if (len < 9 || ppp_get16(fr + 6) != len - 4 || fr[4] != 2)
			abort();
		if (fr[8] != 13)
			continue;
		if (len == last_frag_len && memcmp(fr, last_frag, len) == 0)
			continue; /* a resend for a retransmitted Request */
		memcpy(last_frag, fr, len);
		last_frag_len = len;
		check_tls_fragment(fr + 9, len - 9);
	}
	while (ppp_next_event(p, &ev) == 1)
		if (memchr(ev.message, 0, sizeof(ev.message)) == NULL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppp_config cfg;
	uint32_t seed = 7;
	struct ppp *p;
	struct ppp_data d;
	size_t off = 1;
	uint8_t mru_hi;

	if (size < 1)
		return 0;
	eng_out_len = back_len = back_total = server_bytes = fed_bytes = 0;
	back_active = false;
	last_frag_len = 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.random = frand;
	cfg.random_ctx = &seed;
	cfg.user = "DOMAIN\\someone";
	cfg.user_len = 14;
	cfg.password = "pw";
	cfg.password_len = 2;
	cfg.auth = (data[0] & 1) ? PPP_AUTH_EAP_TLS | PPP_AUTH_PEAP
				 : (PPP_AUTH_EAP_TLS | PPP_AUTH_EAP_MSCHAPV2 | PPP_AUTH_PEAP);
	cfg.tls = &eng;
	p = ppp_new(&cfg);
	if (p == NULL)
		abort();
	ppp_lower_up(p, 0);
	{
		/* Server: MRU from the first byte (128..1535), Auth EAP; then ack our request. */
		uint8_t fr[32] = {0xFF, 3, 0xC0, 0x21, 1, 1, 0, 12, 1, 4, 0, 0, 3, 4, 0xC2, 0x27};
		uint8_t mine[32];
		struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));
		mru_hi = (uint8_t)(data[0] >> 1);
		unsigned mru = mru_hi == 127 ? 4091 : 128 + mru_hi * 11u; /* 4091: RRAS, Azure */
		fr[10] = (uint8_t)(mru >> 8);
		fr[11] = (uint8_t)mru;
		ppp_input(p, fr, 16, 0, &d);
		p->lcp_fsm.cb->addci(&p->lcp_fsm, &w);
		fr[4] = 2;
		fr[5] = p->lcp_fsm.reqid;
		fr[7] = (uint8_t)(4 + w.len);
		memcpy(fr + 8, mine, w.len);
		ppp_input(p, fr, 8 + w.len, 0, &d);
	}
	drain(p);
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		uint8_t *fr;
		off += 2;
		if (len > size - off)
			len = size - off;
		fr = malloc(len + 4);
		if (fr == NULL)
			abort();
		fr[0] = 0xFF;
		fr[1] = 0x03;
		fr[2] = 0xC2;
		fr[3] = 0x27;
		memcpy(fr + 4, data + off, len);
		/* Count the EAP-TLS payload this Request really carries (within its Length). */
		if (len >= 6 && fr[4] == 1 && (fr[8] == 13 || fr[8] == 25)) {
			size_t plen = ppp_get16(fr + 6);
			size_t hdr = (fr[9] & 0x80) ? 10 : 6;
			if (plen <= len && plen > hdr)
				server_bytes += plen - hdr;
		}
		ppp_input(p, fr, len + 4, 0, &d);
		free(fr);
		off += len;
		drain(p);
	}
	ppp_free(p);
	return 0;
}
