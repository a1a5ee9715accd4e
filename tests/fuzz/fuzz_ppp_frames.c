/* fuzz_ppp_frames.c - libFuzzer target for the whole PPP input path: frame parsing, the phase
 * gate, LCP/IPCP/IPv6CP option parsers, PAP/CHAP/EAP. A scripted server opens LCP (with an
 * auth protocol picked by the first input byte) so the fuzzer reaches the later phases; then
 * the rest of the input is a list of length-prefixed frames and clock ticks.
 * Invariants: every output frame is FF 03 + protocol, control packets carry a Length equal to
 * the frame size and fit the peer's MRU; data handed out lies inside the input frame. */
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

static const uint8_t fake_out[3000] = {0x16, 0x03, 0x03};
static int f_begin(void *c)
{
	(void)c;
	return 0;
}
static enum ppp_tls_status f_step(void *c, const uint8_t *in, size_t n, const uint8_t **o,
				  size_t *ol)
{
	(void)c;
	if (n > PPP_EAPTLS_MAX)
		abort();
	if (n > 0 && in == NULL)
		abort();
	*o = fake_out;
	*ol = n % 7 == 3 ? 0 : (n * 13) % sizeof(fake_out);
	return n % 5 == 1 ? PPP_TLS_DONE : (n % 11 == 2 ? PPP_TLS_FAILED : PPP_TLS_CONTINUE);
}
static int f_msk(void *c, uint8_t out[PPP_TLS_MSK_LEN])
{
	(void)c;
	memset(out, 0x11, PPP_TLS_MSK_LEN);
	return 0;
}
static const char *f_err(void *c)
{
	(void)c;
	return "fake";
}
static struct ppp_tls_engine eng = {NULL, f_begin, f_step, f_msk, f_err, NULL, NULL};

static void check_outputs(struct ppp *p)
{
	const uint8_t *fr;
	size_t len;
	struct ppp_event ev;

	while (ppp_next_output(p, &fr, &len) == 1) {
		uint16_t proto;
		if (len < 4 || len > PPP_FRAME_MAX || fr[0] != 0xFF || fr[1] != 0x03)
			abort();
		proto = ppp_get16(fr + 2);
		if (proto == PPP_PROTO_IP || proto == PPP_PROTO_IPV6)
			abort(); /* the engine never makes data frames */
		if (len - 4 > ppp_peer_mru(p))
			abort();
		if (len < 8 || ppp_get16(fr + 6) != len - 4)
			abort();
	}
	while (ppp_next_event(p, &ev) == 1) {
		if (ev.type <= PPP_EV_NONE || ev.type > PPP_EV_LINK_DOWN)
			abort();
		if (memchr(ev.message, 0, sizeof(ev.message)) == NULL)
			abort();
	}
}

static void lcp_open(struct ppp *p, uint8_t sel)
{
	static const uint8_t auths[][5] = {
		{0}, {3, 4, 0xC0, 0x23}, {3, 5, 0xC2, 0x23, 0x81}, {3, 4, 0xC2, 0x27}};
	static const uint8_t alen[] = {0, 4, 5, 4};
	uint8_t fr[64] = {0xFF, 0x03, 0xC0, 0x21, 1, 0x50, 0, 0, 1, 4, 0x05, 0xDC};
	size_t n = 12;
	uint8_t mine[32];
	struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));
	struct ppp_data d;

	memcpy(fr + n, auths[sel & 3], alen[sel & 3]);
	n += alen[sel & 3];
	fr[7] = (uint8_t)(n - 4);
	ppp_input(p, fr, n, 0, &d);
	if (sel & 4)
		return; /* leave LCP half-open: the fuzzer negotiates */
	p->lcp_fsm.cb->addci(&p->lcp_fsm, &w);
	fr[4] = 2;
	fr[5] = p->lcp_fsm.reqid;
	memcpy(fr + 8, mine, w.len);
	fr[7] = (uint8_t)(w.len + 4);
	ppp_input(p, fr, 8 + w.len, 0, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppp_config cfg;
	uint32_t seed = 1;
	struct ppp *p;
	uint64_t now = 0;
	size_t off = 1;

	if (size < 1)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.random = frand;
	cfg.random_ctx = &seed;
	cfg.user = "DOM\\user";
	cfg.user_len = 8;
	cfg.password = "pw";
	cfg.password_len = 2;
	cfg.auth = PPP_AUTH_ALL;
	cfg.tls = &eng;
	cfg.want_ipv6 = (data[0] & 8) != 0;
	cfg.request_dns = (data[0] & 16) != 0;
	cfg.echo_interval_ms = (data[0] & 32) ? 1000 : 0;
	p = ppp_new(&cfg);
	if (p == NULL)
		abort();
	ppp_lower_up(p, now);
	lcp_open(p, data[0]);
	check_outputs(p);
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		struct ppp_data d;
		off += 2;
		if (len == 0xFFFF) { /* a clock tick */
			uint64_t dl = ppp_deadline(p);
			now = dl == UINT64_MAX ? now + 1000 : dl;
			ppp_tick(p, now);
			check_outputs(p);
			continue;
		}
		if (len > size - off)
			len = size - off;
		{
			/* Copy so ASan sees reads past the frame. */
			uint8_t *fr = malloc(len ? len : 1);
			if (fr == NULL)
				abort();
			memcpy(fr, data + off, len);
			int r = ppp_input(p, fr, len, now, &d);
			if (r < 0)
				abort();
			if (r == 1 && (d.pkt < fr || d.len == 0 || d.pkt + d.len != fr + len ||
				       !ppp_data_open(p, d.proto)))
				abort();
			free(fr);
		}
		off += len;
		check_outputs(p);
		if (ppp_get_phase(p) > PPP_PHASE_TERMINATE)
			abort();
	}
	ppp_close(p, "end", now);
	check_outputs(p);
	ppp_lower_down(p);
	check_outputs(p);
	ppp_free(p);
	return 0;
}
