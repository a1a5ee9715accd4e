/* fuzz_ppp_options.c - libFuzzer target for the option parsers in isolation: the LCP, IPCP and
 * IPv6CP Configure-Request checkers and their Nak/Reject handlers, and the MS-CHAPv2 Success /
 * Failure message parsers. Invariants: a Configure-Ack echoes the request byte for byte; a
 * Configure-Reject lists only options copied verbatim from the request, in order; a Nak is a
 * well-formed option list; parsed text is NUL-terminated and printable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp.h"
#include "ppp_internal.h"
#include "ppp_mschap.h"

static void frand(void *ctx, uint8_t *buf, size_t n)
{
	uint32_t *s = ctx;
	for (size_t i = 0; i < n; i++) {
		*s = *s * 1103515245u + 12345u;
		buf[i] = (uint8_t)(*s >> 16);
	}
}

static bool wellformed(const uint8_t *o, size_t len)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < 2 || o[off + 1] < 2 || o[off + 1] > len - off)
			return false;
		off += o[off + 1];
	}
	return true;
}

/* Every option of rej appears, in order, as a verbatim option of req. */
static bool subset_in_order(const uint8_t *rej, size_t rlen, const uint8_t *req, size_t qlen)
{
	size_t r = 0, q = 0;
	while (r < rlen) {
		size_t ol = rej[r + 1];
		while (q < qlen && !(req[q + 1] == ol && memcmp(req + q, rej + r, ol) == 0))
			q += req[q + 1];
		if (q >= qlen)
			return false;
		q += ol;
		r += ol;
	}
	return true;
}

static void run_fsm(struct fsm *f, const uint8_t *opt, size_t len, bool rej_if)
{
	uint8_t out[PPP_FRAME_MAX];
	struct ppp_wr w = ppp_wr_init(out, sizeof(out));
	enum fsm_reqci_result r = f->cb->reqci(f, opt, len, &w, rej_if);

	if (w.err)
		return;
	if (!wellformed(opt, len)) {
		if (r != FSM_REQ_DISCARD)
			abort();
		return;
	}
	switch (r) {
	case FSM_REQ_ACK:
		if (w.len != len || memcmp(out, opt, len) != 0)
			abort();
		break;
	case FSM_REQ_REJ:
		if (w.len == 0 || !subset_in_order(out, w.len, opt, len))
			abort();
		break;
	case FSM_REQ_NAK:
		if (w.len == 0 || !wellformed(out, w.len) || rej_if)
			abort();
		break;
	default:
		break;
	}
	/* Nak / Reject handlers must survive anything; then our next request is well-formed. */
	f->cb->nakci(f, opt, len, rej_if);
	f->cb->rejci(f, opt, len);
	w = ppp_wr_init(out, sizeof(out));
	f->cb->addci(f, &w);
	if (w.err || !wellformed(out, w.len) || !f->cb->ackci(f, out, w.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppp_config cfg;
	uint32_t seed = 3;
	struct ppp *p;
	uint8_t *opt;

	if (size < 1)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.random = frand;
	cfg.random_ctx = &seed;
	cfg.auth = data[0] & PPP_AUTH_ALL;
	cfg.request_dns = true;
	cfg.want_ipv6 = true;
	p = ppp_new(&cfg);
	if (p == NULL)
		abort();
	opt = malloc(size);
	if (opt == NULL)
		abort();
	memcpy(opt, data + 1, size - 1);
	switch ((data[0] >> 4) & 3) {
	case 0:
		p->lcp_fsm.cb->resetci(&p->lcp_fsm);
		run_fsm(&p->lcp_fsm, opt, size - 1, (data[0] & 0x40) != 0);
		break;
	case 1:
		p->ipcp_fsm.cb->resetci(&p->ipcp_fsm);
		run_fsm(&p->ipcp_fsm, opt, size - 1, (data[0] & 0x40) != 0);
		break;
	case 2:
		p->ipv6cp_fsm.cb->resetci(&p->ipv6cp_fsm);
		run_fsm(&p->ipv6cp_fsm, opt, size - 1, (data[0] & 0x40) != 0);
		break;
	default: {
		struct ppp_mschap_failure fl;
		uint8_t s[20];
		ppp_mschap_parse_failure(opt, size - 1, &fl);
		if (memchr(fl.message, 0, sizeof(fl.message)) == NULL)
			abort();
		for (const char *c = fl.message; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				abort();
		if (fl.error < -1)
			abort();
		ppp_mschap_parse_success(opt, size - 1, s);
		break;
	}
	}
	free(opt);
	ppp_free(p);
	return 0;
}
