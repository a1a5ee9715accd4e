/* ipv6cp.c - IPv6CP (RFC 5072) as a callback table for fsm.c: negotiate a random non-zero
 * Interface-Identifier, take the server's suggestion on Nak, Nak a zero or clashing identifier
 * from the server, reject compression and unknown options. Failure here only means "no IPv6". */
#include <stdio.h>
#include <string.h>

#include "ppp_internal.h"

enum {
	CI_IFACEID = 1,
	CI_COMPRESS = 2,
};

static const uint8_t zero_iid[8];

static void random_iid(struct ppp *p, uint8_t iid[8], const uint8_t avoid[8])
{
	for (int tries = 0; tries < 16; tries++) {
		ppp_random(p, iid, 8);
		iid[0] &= (uint8_t)~0x02; /* local scope (universal/local bit clear, RFC 5072 4.1) */
		if (memcmp(iid, zero_iid, 8) != 0 && memcmp(iid, avoid, 8) != 0)
			return;
	}
	/* A broken random source: still produce something valid and distinct. */
	memcpy(iid, "\x00\x00\x00\x00\x00\x00\x00\x01", 8);
	if (memcmp(iid, avoid, 8) == 0)
		iid[7] = 2;
}

static void ipv6cp_resetci(struct fsm *f)
{
	struct ppp *p = f->ppp;

	memset(&p->ipv6cp, 0, sizeof(p->ipv6cp));
	p->ipv6cp.neg_iid = true;
	random_iid(p, p->ipv6cp.iid, zero_iid);
}

static void ipv6cp_addci(struct fsm *f, struct ppp_wr *w)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cp;

	if (s->neg_iid) {
		ppp_wr_u8(w, CI_IFACEID);
		ppp_wr_u8(w, 10);
		ppp_wr_bytes(w, s->iid, 8);
	}
}

static bool ipv6cp_ackci(struct fsm *f, const uint8_t *opt, size_t len)
{
	uint8_t mine[16];
	struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));

	ipv6cp_addci(f, &w);
	return !w.err && w.len == len && (len == 0 || memcmp(mine, opt, len) == 0);
}

static bool wellformed(const uint8_t *opt, size_t len)
{
	size_t off = 0;

	while (off < len) {
		if (len - off < 2 || opt[off + 1] < 2 || opt[off + 1] > len - off)
			return false;
		off += opt[off + 1];
	}
	return true;
}

static bool ipv6cp_nakci(struct fsm *f, const uint8_t *opt, size_t len, bool treat_as_reject)
{
	struct ppp *p = f->ppp;
	struct ipv6cp_state *s = &p->ipv6cp;
	size_t off = 0;

	if (!wellformed(opt, len))
		return false;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *v = opt + off + 2;
		off += olen;
		if (type != CI_IFACEID || olen != 10 || !s->neg_iid)
			continue;
		if (treat_as_reject)
			s->neg_iid = false;
		else if (memcmp(v, zero_iid, 8) != 0 && memcmp(v, s->peer_iid, 8) != 0)
			memcpy(s->iid, v, 8);
		else
			random_iid(p, s->iid, s->peer_iid);
	}
	return true;
}

static bool ipv6cp_rejci(struct fsm *f, const uint8_t *opt, size_t len)
{
	struct ipv6cp_state *s = &f->ppp->ipv6cp;

	if (!wellformed(opt, len))
		return false;
	if (len == 10 && opt[0] == CI_IFACEID && opt[1] == 10 && s->neg_iid) {
		s->neg_iid = false;
		return true;
	}
	return false;
}

static enum fsm_reqci_result ipv6cp_reqci(struct fsm *f, const uint8_t *opt, size_t len,
					  struct ppp_wr *w, bool reject_if_disagree)
{
	struct ppp *p = f->ppp;
	struct ipv6cp_state *s = &p->ipv6cp;
	uint8_t nakbuf[16];
	struct ppp_wr nak = ppp_wr_init(nakbuf, sizeof(nakbuf));
	uint8_t peer[8] = { 0 };
	bool have_peer = false, any_rej = false;
	size_t off = 0;

	if (!wellformed(opt, len))
		return FSM_REQ_DISCARD;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *v = opt + off + 2;
		if (type == CI_IFACEID && olen == 10 && !have_peer) {
			if (memcmp(v, zero_iid, 8) != 0 && memcmp(v, s->iid, 8) != 0) {
				memcpy(peer, v, 8);
				have_peer = true;
			} else if (reject_if_disagree) {
				any_rej = true;
				ppp_wr_bytes(w, opt + off, olen);
			} else {
				uint8_t sugg[8];
				random_iid(p, sugg, s->iid);
				ppp_wr_u8(&nak, CI_IFACEID);
				ppp_wr_u8(&nak, 10);
				ppp_wr_bytes(&nak, sugg, 8);
			}
		} else {
			any_rej = true;
			ppp_wr_bytes(w, opt + off, olen);
		}
		off += olen;
	}
	if (any_rej)
		return FSM_REQ_REJ;
	if (nak.len > 0 && !nak.err) {
		ppp_wr_bytes(w, nakbuf, nak.len);
		return FSM_REQ_NAK;
	}
	ppp_wr_bytes(w, opt, len);
	if (have_peer)
		memcpy(s->peer_iid, peer, 8);
	return FSM_REQ_ACK;
}

static void ipv6cp_up(struct fsm *f)
{
	struct ppp *p = f->ppp;
	struct ipv6cp_state *s = &p->ipv6cp;
	struct ppp_event ev;

	if (!s->neg_iid) {
		fsm_fail(f, "IPv6CP: the server refused an interface identifier", f->now);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = PPP_EV_IPV6_UP;
	memcpy(ev.ipv6_local_iid, s->iid, 8);
	memcpy(ev.ipv6_peer_iid, s->peer_iid, 8);
	snprintf(ev.message, sizeof(ev.message), "IPv6CP opened");
	ppp_event_push(p, &ev);
}

static void ipv6cp_down(struct fsm *f)
{
	(void)f;
}

static void ipv6cp_finished(struct fsm *f)
{
	ppp_ncp_finished(f->ppp, PPP_PROTO_IPV6CP, f->now);
}

const struct fsm_callbacks ppp_ipv6cp_callbacks = {
	.name = "IPv6CP",
	.resetci = ipv6cp_resetci,
	.addci = ipv6cp_addci,
	.ackci = ipv6cp_ackci,
	.nakci = ipv6cp_nakci,
	.rejci = ipv6cp_rejci,
	.reqci = ipv6cp_reqci,
	.up = ipv6cp_up,
	.down = ipv6cp_down,
	.starting = NULL,
	.finished = ipv6cp_finished,
	.extcode = NULL,
};
