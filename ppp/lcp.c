/* lcp.c - LCP (RFC 1661) as a callback table for fsm.c: our MRU and Magic-Number, the peer's
 * options (MRU range, ACCM, Auth-Protocol chosen from the enabled methods, magic loop
 * detection, Reject of everything else), Echo keepalive, Protocol-Reject and Code-Reject. */
#include <stdio.h>
#include <string.h>

#include "ppp_internal.h"

enum {
	LCP_PROTREJ = 8,
	LCP_ECHOREQ = 9,
	LCP_ECHOREP = 10,
	LCP_DISCREQ = 11,
	LCP_IDENT = 12,
	LCP_TIMEREM = 13,
};

enum {
	CI_MRU = 1,
	CI_ACCM = 2,
	CI_AUTH = 3,
	CI_MAGIC = 5,
};

#define CHAP_MSCHAPV2 0x81

static struct ppp *P(struct fsm *f)
{
	return f->ppp;
}

static uint32_t new_magic(struct ppp *p)
{
	uint8_t b[4];
	uint32_t m = 0;

	for (int tries = 0; m == 0 && tries < 8; tries++) {
		ppp_random(p, b, sizeof(b));
		m = ppp_get32(b);
	}
	return m ? m : 0x5a5a1234u;
}

void lcp_init(struct ppp *p)
{
	memset(&p->lcp, 0, sizeof(p->lcp));
	p->lcp.echo_next = UINT64_MAX;
	p->lcp.heard = UINT64_MAX;
	fsm_init(&p->lcp_fsm, p, PPP_PROTO_LCP, &ppp_lcp_callbacks);
}

static void lcp_resetci(struct fsm *f)
{
	struct ppp *p = P(f);
	struct lcp_state *l = &p->lcp;

	memset(&l->want, 0, sizeof(l->want));
	memset(&l->got, 0, sizeof(l->got));
	memset(&l->his, 0, sizeof(l->his));
	l->want.neg_mru = true;
	l->want.mru = p->cfg.mru;
	l->want.neg_magic = true;
	l->want.magic = new_magic(p);
	l->magic_loops = 0;
	l->nakked_auth = 0;
	l->nakked_alg = 0;
	l->auth_agreed = false;
}

static void lcp_addci(struct fsm *f, struct ppp_wr *w)
{
	struct lcp_opts *o = &P(f)->lcp.want;

	if (o->neg_mru) {
		ppp_wr_u8(w, CI_MRU);
		ppp_wr_u8(w, 4);
		ppp_wr_u16(w, o->mru);
	}
	if (o->neg_magic) {
		ppp_wr_u8(w, CI_MAGIC);
		ppp_wr_u8(w, 6);
		ppp_wr_u32(w, o->magic);
	}
}

static bool lcp_ackci(struct fsm *f, const uint8_t *opt, size_t len)
{
	struct lcp_state *l = &P(f)->lcp;
	uint8_t mine[16];
	struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));

	lcp_addci(f, &w);
	if (w.err || w.len != len || (len > 0 && memcmp(mine, opt, len) != 0))
		return false;
	l->got = l->want;
	return true;
}

/* Walk options: each must have len >= 2 and fit. Returns false on malformed input. */
static bool opts_wellformed(const uint8_t *opt, size_t len)
{
	size_t off = 0;

	while (off < len) {
		if (len - off < 2 || opt[off + 1] < 2 || opt[off + 1] > len - off)
			return false;
		off += opt[off + 1];
	}
	return true;
}

static bool lcp_nakci(struct fsm *f, const uint8_t *opt, size_t len, bool treat_as_reject)
{
	struct ppp *p = P(f);
	struct lcp_opts *o = &p->lcp.want;
	struct lcp_opts n = *o;
	size_t off = 0;

	if (!opts_wellformed(opt, len))
		return false;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *v = opt + off + 2;
		if (type == CI_MRU && olen == 4 && o->neg_mru) {
			uint16_t mru = ppp_get16(v);
			if (treat_as_reject || mru < PPP_MRU_MIN || mru > PPP_MRU_MAX)
				n.neg_mru = false; /* fall back to the default 1500 */
			else
				n.mru = mru;
		} else if (type == CI_MAGIC && olen == 6 && o->neg_magic) {
			if (treat_as_reject)
				n.neg_magic = false;
			else
				n.magic = new_magic(p);
		}
		/* Other options are hints to add an option: we add none. */
		off += olen;
	}
	*o = n;
	return true;
}

static bool lcp_rejci(struct fsm *f, const uint8_t *opt, size_t len)
{
	struct lcp_opts *o = &P(f)->lcp.want;
	struct lcp_opts n = *o;
	size_t off = 0;

	if (!opts_wellformed(opt, len))
		return false;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *v = opt + off + 2;
		if (type == CI_MRU && olen == 4 && n.neg_mru && ppp_get16(v) == o->mru)
			n.neg_mru = false;
		else if (type == CI_MAGIC && olen == 6 && n.neg_magic && ppp_get32(v) == o->magic)
			n.neg_magic = false;
		else
			return false; /* not what we sent: bad Reject */
		off += olen;
	}
	*o = n;
	return true;
}

static bool eap_usable(const struct ppp *p)
{
	return ((p->cfg.auth & (PPP_AUTH_EAP_TLS | PPP_AUTH_PEAP)) && p->cfg.tls != NULL) ||
	       (p->cfg.auth & PPP_AUTH_EAP_MSCHAPV2);
}

/* Write our preferred Auth-Protocol option; false when no method is enabled. */
static bool put_preferred_auth(const struct ppp *p, struct ppp_wr *w)
{
	unsigned a = p->cfg.auth;

	if ((a & (PPP_AUTH_EAP_TLS | PPP_AUTH_PEAP)) && p->cfg.tls != NULL) {
		const uint8_t o[4] = {CI_AUTH, 4, 0xC2, 0x27};
		ppp_wr_bytes(w, o, sizeof(o));
	} else if (a & PPP_AUTH_MSCHAPV2) {
		const uint8_t o[5] = {CI_AUTH, 5, 0xC2, 0x23, CHAP_MSCHAPV2};
		ppp_wr_bytes(w, o, sizeof(o));
	} else if (a & PPP_AUTH_EAP_MSCHAPV2) {
		const uint8_t o[4] = {CI_AUTH, 4, 0xC2, 0x27};
		ppp_wr_bytes(w, o, sizeof(o));
	} else if (a & PPP_AUTH_PAP) {
		const uint8_t o[4] = {CI_AUTH, 4, 0xC0, 0x23};
		ppp_wr_bytes(w, o, sizeof(o));
	} else {
		return false;
	}
	return true;
}

/* Decide on the peer's Auth-Protocol option: 'a' ack, 'n' nak (preferred), 'r' reject. */
static char judge_auth(struct ppp *p, const uint8_t *v, size_t vlen, struct lcp_opts *his)
{
	unsigned a = p->cfg.auth;
	uint16_t proto = vlen >= 2 ? ppp_get16(v) : 0;
	bool ok = false;

	if (proto == PPP_PROTO_PAP && vlen == 2) {
		ok = (a & PPP_AUTH_PAP) != 0;
	} else if (proto == PPP_PROTO_CHAP && vlen == 3 && v[2] == CHAP_MSCHAPV2) {
		ok = (a & PPP_AUTH_MSCHAPV2) != 0;
	} else if (proto == PPP_PROTO_EAP && vlen == 2) {
		bool tls = (a & (PPP_AUTH_EAP_TLS | PPP_AUTH_PEAP)) && p->cfg.tls != NULL;
		bool other = (a & (PPP_AUTH_MSCHAPV2 | PPP_AUTH_PAP)) != 0;
		/* EAP-MSCHAPv2 only when nothing else can do, or the peer insists after a Nak. */
		ok = tls || (eap_usable(p) && (!other || p->lcp.nakked_auth == PPP_PROTO_EAP));
	}
	if (ok) {
		p->lcp.auth_agreed = true;
		his->neg_auth = true;
		his->auth_proto = proto;
		his->chap_alg = proto == PPP_PROTO_CHAP ? v[2] : 0;
		return 'a';
	}
	if ((a & PPP_AUTH_ALL) == 0 ||
	    ((a & ~(unsigned)(PPP_AUTH_EAP_TLS | PPP_AUTH_PEAP)) == 0 && p->cfg.tls == NULL))
		return 'r';
	p->lcp.nakked_auth = proto;
	p->lcp.nakked_alg = proto == PPP_PROTO_CHAP && vlen >= 3 ? v[2] : 0;
	return 'n';
}

const char *ppp_auth_wanted_hint(const struct ppp *p)
{
	unsigned a = p->cfg.auth;
	uint16_t proto = p->lcp.nakked_auth;

	if (proto == 0 || p->lcp.auth_agreed)
		return NULL;
	if (proto == PPP_PROTO_PAP)
		return (a & PPP_AUTH_PAP) ? NULL
					  : "the server asks for PAP (the password in clear inside "
					    "TLS), which this profile does not allow: --auth pap allows it";
	if (proto == PPP_PROTO_CHAP && p->lcp.nakked_alg == CHAP_MSCHAPV2)
		return (a & PPP_AUTH_MSCHAPV2) ? NULL
					       : "the server asks for MS-CHAPv2, which this profile does "
						 "not allow: --auth mschapv2 allows it";
	if (proto == PPP_PROTO_EAP)
		return eap_usable(p) ? NULL
				     : "the server asks for EAP, which this profile does not allow: "
				       "--auth eap-mschapv2, peap or eap-tls allows it";
	return "the server asks for an authentication protocol sstp does not implement (CHAP-MD5 "
	       "or another): the server must offer MS-CHAPv2, EAP or PAP";
}

static enum fsm_reqci_result lcp_reqci(struct fsm *f, const uint8_t *opt, size_t len,
				       struct ppp_wr *w, bool reject_if_disagree)
{
	struct ppp *p = P(f);
	struct lcp_opts his;
	uint8_t nakbuf[PPP_FRAME_MAX];
	struct ppp_wr nak = ppp_wr_init(nakbuf, sizeof(nakbuf));
	size_t rej_start = w->len;
	bool any_rej = false;
	size_t off = 0;

	if (!opts_wellformed(opt, len))
		return FSM_REQ_DISCARD;
	memset(&his, 0, sizeof(his));
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *o = opt + off;
		const uint8_t *v = o + 2;
		size_t vlen = (size_t)olen - 2;
		char verdict = 'r';

		switch (type) {
		case CI_MRU:
			if (olen != 4)
				break;
			his.mru = ppp_get16(v);
			if (his.mru >= PPP_MRU_MIN && his.mru <= PPP_MRU_MAX) {
				his.neg_mru = true;
				verdict = 'a';
			} else {
				uint16_t s = his.mru > PPP_MRU_MAX ? PPP_MRU_MAX : PPP_MRU_MIN;
				verdict = 'n';
				ppp_wr_u8(&nak, CI_MRU);
				ppp_wr_u8(&nak, 4);
				ppp_wr_u16(&nak, s);
			}
			break;
		case CI_ACCM:
			if (olen != 6)
				break;
			his.neg_accm = true;
			his.accm = ppp_get32(v);
			verdict = 'a';
			break;
		case CI_AUTH:
			if (olen < 4)
				break;
			verdict = judge_auth(p, v, vlen, &his);
			if (verdict == 'n')
				put_preferred_auth(p, &nak);
			break;
		case CI_MAGIC: {
			uint32_t m;
			if (olen != 6)
				break;
			m = ppp_get32(v);
			if (m != 0 && !(p->lcp.want.neg_magic && m == p->lcp.want.magic)) {
				his.neg_magic = true;
				his.magic = m;
				verdict = 'a';
				break;
			}
			if (m != 0 && ++p->lcp.magic_loops >= FSM_MAX_FAILURE) {
				ppp_set_down_reason(p, PPP_DOWN_LOOPBACK, PPP_PROTO_LCP,
						    "LCP: the link appears to be looped back "
						    "(peer echoes our Magic-Number)");
				fsm_fail(f, "LCP: looped-back link", f->now);
				return FSM_REQ_DISCARD;
			}
			/* Same magic as ours (or zero): pick a new one and suggest another. */
			p->lcp.want.magic = new_magic(p);
			verdict = 'n';
			ppp_wr_u8(&nak, CI_MAGIC);
			ppp_wr_u8(&nak, 6);
			ppp_wr_u32(&nak, new_magic(p));
			break;
		}
		default:
			/* PFC, ACFC, Quality, Callback, MRRU, short-seq, EPDISC and unknown. */
			break;
		}
		if (verdict == 'n' && reject_if_disagree)
			verdict = 'r';
		if (verdict == 'r') {
			any_rej = true;
			ppp_wr_bytes(w, o, olen);
		}
		off += olen;
	}
	if (any_rej)
		return FSM_REQ_REJ;
	if (nak.len > 0) {
		w->len = rej_start;
		ppp_wr_bytes(w, nakbuf, nak.len);
		return FSM_REQ_NAK;
	}
	if (nak.err)
		return FSM_REQ_DISCARD;
	ppp_wr_bytes(w, opt, len);
	p->lcp.his = his;
	return FSM_REQ_ACK;
}

static void lcp_up(struct fsm *f)
{
	struct ppp *p = P(f);

	p->lcp.echo_pending = 0;
	p->lcp.echo_off = false;
	p->lcp.echo_next = p->cfg.echo_interval_ms ? f->now + p->cfg.echo_interval_ms : UINT64_MAX;
	ppp_link_up(p, f->now);
}

static void lcp_down(struct fsm *f)
{
	struct ppp *p = P(f);

	p->lcp.echo_next = UINT64_MAX;
	ppp_link_down(p);
}

static void lcp_finished(struct fsm *f)
{
	ppp_link_finished(P(f));
}

static void send_echo_reply(struct ppp *p, uint8_t id, const uint8_t *data, size_t len)
{
	struct ppp_wr w = ppp_out_begin(p, PPP_PROTO_LCP);
	size_t max = ppp_peer_info_max(p);

	/* Keep the whole LCP packet within the peer's MRU. */
	if (len > max - 8)
		len = max - 8;
	ppp_wr_u8(&w, LCP_ECHOREP);
	ppp_wr_u8(&w, id);
	ppp_wr_u16(&w, (uint16_t)(8 + len));
	ppp_wr_u32(&w, p->lcp.got.neg_magic ? p->lcp.got.magic : 0);
	ppp_wr_bytes(&w, data, len);
	ppp_out_commit(p, &w);
}

static void rcv_protrej(struct ppp *p, const uint8_t *data, size_t len, uint64_t now)
{
	uint16_t proto;

	if (len < 2)
		return;
	proto = ppp_get16(data);
	switch (proto) {
	case PPP_PROTO_IPCP:
		fsm_protocol_rejected(&p->ipcp_fsm, now);
		break;
	case PPP_PROTO_IPV6CP:
		fsm_protocol_rejected(&p->ipv6cp_fsm, now);
		break;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
	case PPP_PROTO_EAP:
		if (p->phase == PPP_PHASE_AUTHENTICATE)
			ppp_auth_failure(p, p->auth_method, 0, false,
					 "server Protocol-Rejected the authentication protocol it asked for",
					 now);
		break;
	default:
		break; /* LCP itself or data protocols: nothing to stop */
	}
}

static bool lcp_extcode(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	struct ppp *p = P(f);

	switch (code) {
	case FSM_CODEREJ: /* RXJ+ for a non-core code */
		if (len >= 1 && (data[0] == LCP_ECHOREQ || data[0] == LCP_ECHOREP))
			p->lcp.echo_off = true;
		return true;
	case LCP_PROTREJ:
		if (f->state == FSM_OPENED)
			rcv_protrej(p, data, len, f->now);
		return true;
	case LCP_ECHOREQ:
		if (f->state == FSM_OPENED && len >= 4) {
			p->lcp.heard = f->now;
			send_echo_reply(p, id, data + 4, len - 4);
		}
		return true;
	case LCP_ECHOREP:
		if (f->state == FSM_OPENED && len >= 4) {
			uint32_t m = ppp_get32(data);
			if (!(p->lcp.got.neg_magic && m == p->lcp.got.magic)) { /* not our own, looped */
				p->lcp.echo_pending = 0; /* the echo schedule itself goes on */
				p->lcp.echo_replies++;
			}
		}
		return true;
	case LCP_DISCREQ:
	case LCP_IDENT:
	case LCP_TIMEREM:
		return true;
	default:
		return false;
	}
}

void lcp_protocol_reject(struct ppp *p, uint16_t proto, const uint8_t *info, size_t len)
{
	struct ppp_wr w;
	size_t max = ppp_peer_info_max(p);

	if (p->lcp_fsm.state != FSM_OPENED)
		return;
	if (len > max - 6)
		len = max - 6;
	w = ppp_out_begin(p, PPP_PROTO_LCP);
	ppp_wr_u8(&w, LCP_PROTREJ);
	ppp_wr_u8(&w, p->lcp_fsm.id++);
	ppp_wr_u16(&w, (uint16_t)(6 + len));
	ppp_wr_u16(&w, proto);
	ppp_wr_bytes(&w, info, len);
	ppp_out_commit(p, &w);
}

static void send_echo_request(struct ppp *p);

void lcp_tick(struct ppp *p, uint64_t now)
{
	struct lcp_state *l = &p->lcp;
	unsigned max = p->cfg.echo_max_failures;

	if (p->lcp_fsm.state != FSM_OPENED || l->echo_next == UINT64_MAX || now < l->echo_next)
		return;
	if (l->echo_off) {
		l->echo_next = UINT64_MAX;
		return;
	}
	/* No echo before the network phase: a server busy with RADIUS/EAP may leave it unanswered
	 * (or count it against us), and authentication has its own timeout. */
	if (p->phase != PPP_PHASE_NETWORK) {
		l->echo_pending = 0;
		l->echo_next = now + p->cfg.echo_interval_ms;
		return;
	}
	/* Backed off while the peer is heard from: any frame it sent within the interval proves it
	 * alive, so the next echo waits a full interval after it (servers that answer SSTP echo but
	 * not LCP echo keep the link as long as traffic flows). */
	if (l->heard != UINT64_MAX && l->heard + p->cfg.echo_interval_ms > now) {
		l->echo_pending = 0;
		l->echo_next = l->heard + p->cfg.echo_interval_ms;
		return;
	}
	if (l->echo_pending >= max) {
		struct ppp_event ev;
		char msg[96];
		l->echo_next = UINT64_MAX;
		memset(&ev, 0, sizeof(ev));
		ev.type = PPP_EV_KEEPALIVE_LOST;
		snprintf(msg, sizeof(msg), "peer did not answer %u LCP Echo-Requests", max);
		snprintf(ev.message, sizeof(ev.message), "%s", msg);
		ppp_event_push(p, &ev);
		ppp_set_down_reason(p, PPP_DOWN_KEEPALIVE, PPP_PROTO_LCP, msg);
		fsm_close(&p->lcp_fsm, msg, now);
		return;
	}
	send_echo_request(p);
	l->echo_pending++;
	l->echo_next = now + p->cfg.echo_interval_ms;
}

static void send_echo_request(struct ppp *p)
{
	struct ppp_wr w = ppp_out_begin(p, PPP_PROTO_LCP);

	ppp_wr_u8(&w, LCP_ECHOREQ);
	ppp_wr_u8(&w, p->lcp.echo_id++);
	ppp_wr_u16(&w, 8);
	ppp_wr_u32(&w, p->lcp.got.neg_magic ? p->lcp.got.magic : 0);
	ppp_out_commit(p, &w);
}

bool ppp_echo_now(struct ppp *p)
{
	if (p->lcp_fsm.state != FSM_OPENED || p->lcp.echo_off)
		return false;
	send_echo_request(p); /* outside the keepalive count: a probe of the caller's */
	return true;
}

uint32_t ppp_echo_replies(const struct ppp *p)
{
	return p->lcp.echo_replies;
}

uint64_t lcp_deadline(const struct ppp *p)
{
	if (p->lcp_fsm.state != FSM_OPENED)
		return UINT64_MAX;
	return p->lcp.echo_next;
}

const struct fsm_callbacks ppp_lcp_callbacks = {
	.name = "LCP",
	.resetci = lcp_resetci,
	.addci = lcp_addci,
	.ackci = lcp_ackci,
	.nakci = lcp_nakci,
	.rejci = lcp_rejci,
	.reqci = lcp_reqci,
	.up = lcp_up,
	.down = lcp_down,
	.starting = NULL,
	.finished = lcp_finished,
	.extcode = lcp_extcode,
};
