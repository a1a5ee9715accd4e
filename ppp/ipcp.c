/* ipcp.c - IPCP (RFC 1332, DNS from RFC 1877) as a callback table for fsm.c: request 0.0.0.0
 * and (optionally) DNS 129/131, take the server's Nak values, drop what it rejects, never ask
 * for VJ compression, ack the server's own address, reject everything else it asks for. */
#include <stdio.h>
#include <string.h>

#include "ppp_internal.h"

enum {
	CI_ADDRS = 1,
	CI_COMPRESS = 2,
	CI_ADDR = 3,
	CI_DNS1 = 129,
	CI_NBNS1 = 130,
	CI_DNS2 = 131,
	CI_NBNS2 = 132,
};

static void ipcp_resetci(struct fsm *f)
{
	struct ppp *p = f->ppp;
	struct ipcp_state *s = &p->ipcp;

	memset(s, 0, sizeof(*s));
	s->neg_addr = true;
	s->neg_dns1 = p->cfg.request_dns;
	s->neg_dns2 = p->cfg.request_dns;
}

static void put_addr(struct ppp_wr *w, uint8_t type, const uint8_t a[4])
{
	ppp_wr_u8(w, type);
	ppp_wr_u8(w, 6);
	ppp_wr_bytes(w, a, 4);
}

static void ipcp_addci(struct fsm *f, struct ppp_wr *w)
{
	struct ipcp_state *s = &f->ppp->ipcp;

	if (s->neg_addr)
		put_addr(w, CI_ADDR, s->addr);
	if (s->neg_dns1)
		put_addr(w, CI_DNS1, s->dns1);
	if (s->neg_dns2)
		put_addr(w, CI_DNS2, s->dns2);
}

static bool ipcp_ackci(struct fsm *f, const uint8_t *opt, size_t len)
{
	uint8_t mine[32];
	struct ppp_wr w = ppp_wr_init(mine, sizeof(mine));

	ipcp_addci(f, &w);
	return !w.err && w.len == len && (len == 0 || memcmp(mine, opt, len) == 0);
}

/* Walk well-formed options; false when an option is truncated or too short. */
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

static bool ipcp_nakci(struct fsm *f, const uint8_t *opt, size_t len, bool treat_as_reject)
{
	struct ipcp_state *s = &f->ppp->ipcp;
	struct ipcp_state n = *s;
	size_t off = 0;

	if (!wellformed(opt, len))
		return false;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *v = opt + off + 2;
		off += olen;
		if (olen != 6)
			continue;
		switch (type) {
		case CI_ADDR:
			if (!s->neg_addr)
				break;
			if (treat_as_reject)
				n.neg_addr = false;
			else
				memcpy(n.addr, v, 4);
			break;
		case CI_DNS1:
			if (!s->neg_dns1)
				break;
			if (treat_as_reject)
				n.neg_dns1 = false;
			else
				memcpy(n.dns1, v, 4);
			break;
		case CI_DNS2:
			if (!s->neg_dns2)
				break;
			if (treat_as_reject)
				n.neg_dns2 = false;
			else
				memcpy(n.dns2, v, 4);
			break;
		default:
			break; /* a hint to add an option (VJ, NBNS...): we do not */
		}
	}
	*s = n;
	return true;
}

static bool ipcp_rejci(struct fsm *f, const uint8_t *opt, size_t len)
{
	struct ipcp_state *s = &f->ppp->ipcp;
	struct ipcp_state n = *s;
	size_t off = 0;

	if (!wellformed(opt, len))
		return false;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		off += olen;
		if (type == CI_ADDR && olen == 6 && n.neg_addr)
			n.neg_addr = false;
		else if (type == CI_DNS1 && olen == 6 && n.neg_dns1)
			n.neg_dns1 = false;
		else if (type == CI_DNS2 && olen == 6 && n.neg_dns2)
			n.neg_dns2 = false;
		else
			return false;
	}
	*s = n;
	return true;
}

static enum fsm_reqci_result ipcp_reqci(struct fsm *f, const uint8_t *opt, size_t len,
					struct ppp_wr *w, bool reject_if_disagree)
{
	struct ipcp_state *s = &f->ppp->ipcp;
	uint8_t peer[4] = {0};
	bool any_rej = false;
	size_t off = 0;

	(void)reject_if_disagree; /* we never Nak: everything we cannot take is rejected */
	if (!wellformed(opt, len))
		return FSM_REQ_DISCARD;
	while (off < len) {
		uint8_t type = opt[off], olen = opt[off + 1];
		const uint8_t *v = opt + off + 2;
		static const uint8_t zero[4];
		if (type == CI_ADDR && olen == 6 && memcmp(v, zero, 4) != 0) {
			memcpy(peer, v, 4); /* the server's own address: ack */
		} else {
			/* VJ compression, a 0.0.0.0 address, DNS/NBNS asked of us, unknown: reject */
			any_rej = true;
			ppp_wr_bytes(w, opt + off, olen);
		}
		off += olen;
	}
	if (any_rej)
		return FSM_REQ_REJ;
	ppp_wr_bytes(w, opt, len);
	memcpy(s->peer, peer, 4);
	return FSM_REQ_ACK;
}

static void ipcp_up(struct fsm *f)
{
	struct ppp *p = f->ppp;
	struct ipcp_state *s = &p->ipcp;
	static const uint8_t zero[4];
	struct ppp_event ev;

	if (!s->neg_addr || memcmp(s->addr, zero, 4) == 0) {
		fsm_fail(f, "IPCP: the server did not assign an IPv4 address", f->now);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = PPP_EV_IPV4_UP;
	memcpy(ev.ipv4_local, s->addr, 4);
	memcpy(ev.ipv4_peer, s->peer, 4);
	if (s->neg_dns1)
		memcpy(ev.dns1, s->dns1, 4);
	if (s->neg_dns2)
		memcpy(ev.dns2, s->dns2, 4);
	snprintf(ev.message, sizeof(ev.message), "IPv4 %u.%u.%u.%u peer %u.%u.%u.%u", s->addr[0],
		 s->addr[1], s->addr[2], s->addr[3], s->peer[0], s->peer[1], s->peer[2],
		 s->peer[3]);
	ppp_event_push(p, &ev);
}

static void ipcp_down(struct fsm *f)
{
	(void)f;
}

static void ipcp_finished(struct fsm *f)
{
	ppp_ncp_finished(f->ppp, PPP_PROTO_IPCP, f->now);
}

const struct fsm_callbacks ppp_ipcp_callbacks = {
	.name = "IPCP",
	.resetci = ipcp_resetci,
	.addci = ipcp_addci,
	.ackci = ipcp_ackci,
	.nakci = ipcp_nakci,
	.rejci = ipcp_rejci,
	.reqci = ipcp_reqci,
	.up = ipcp_up,
	.down = ipcp_down,
	.starting = NULL,
	.finished = ipcp_finished,
	.extcode = NULL,
};
