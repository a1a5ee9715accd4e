/* fsm.c - the RFC 1661 section 4 option negotiation automaton: every event in every state,
 * restart counter and timer (kept as a deadline), Max-Configure/Max-Terminate/Max-Failure, and
 * a cap on Nak loops. Protocol specifics live in the callback tables (lcp.c, ipcp.c, ipv6cp.c). */
#include "fsm.h"

#include <stdio.h>
#include <string.h>

#include "ppp_internal.h"

static const char *const state_names[FSM_NSTATES] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing",
	"Stopping", "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened",
};

const char *fsm_state_name(enum fsm_state s)
{
	return (s >= 0 && s < FSM_NSTATES) ? state_names[s] : "?";
}

void fsm_init(struct fsm *f, struct ppp *ppp, uint16_t proto, const struct fsm_callbacks *cb)
{
	memset(f, 0, sizeof(*f));
	f->ppp = ppp;
	f->proto = proto;
	f->cb = cb;
	f->state = FSM_INITIAL;
	f->timer = UINT64_MAX;
	f->hold_since = UINT64_MAX;
	f->id = 1;
}

static void set_why(struct fsm *f, const char *why)
{
	if (why != NULL && f->why[0] == '\0')
		snprintf(f->why, sizeof(f->why), "%s", why);
}

void fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	struct ppp_wr w = ppp_out_begin(f->ppp, f->proto);
	size_t max = ppp_peer_info_max(f->ppp);

	if (len + 4 > max)
		len = max - 4;
	ppp_wr_u8(&w, code);
	ppp_wr_u8(&w, id);
	ppp_wr_u16(&w, (uint16_t)(len + 4));
	ppp_wr_bytes(&w, data, len);
	ppp_out_commit(f->ppp, &w);
}

/* The restart timer (RFC 1661 4.6 leaves its value to the implementation). Configure-Requests
 * are retransmitted after 1 s, then 2 s, then every cfg.restart_ms (3 s): SoftEther ignores an
 * IPCP request that arrives while it still waits for the session's DHCP lease, and a flat 3 s
 * made every such connect 3 s slower. Terminate-Requests and the wait after a Terminate-Ack use
 * the full period. */
static uint64_t restart_ms(const struct fsm *f)
{
	return f->ppp->cfg.restart_ms;
}

static uint64_t confreq_restart_ms(const struct fsm *f)
{
	uint64_t full = f->ppp->cfg.restart_ms, t = FSM_FIRST_RESTART_MS;
	/* Configure-Requests sent since the counter was initialised, this one included. */
	unsigned sent = f->restarts < FSM_MAX_CONFIGURE ? FSM_MAX_CONFIGURE - f->restarts : 1;

	for (unsigned i = 1; i < sent && t < full; i++)
		t *= 2;
	return t < full ? t : full;
}

/* Actions of RFC 1661 section 4.4. */
static void tlu(struct fsm *f)
{
	f->cb->up(f);
}

static void tld(struct fsm *f)
{
	f->cb->down(f);
}

static void tls_(struct fsm *f)
{
	if (f->cb->starting)
		f->cb->starting(f);
}

static void tlf(struct fsm *f)
{
	f->timer = UINT64_MAX;
	f->cb->finished(f);
}

static void irc_conf(struct fsm *f)
{
	f->restarts = FSM_MAX_CONFIGURE;
}

static void irc_term(struct fsm *f)
{
	f->restarts = FSM_MAX_TERMINATE;
}

static void zrc(struct fsm *f)
{
	f->restarts = 0;
	f->timer = f->now + restart_ms(f);
}

static void scr(struct fsm *f, bool retransmit)
{
	uint8_t opts[PPP_FRAME_MAX];
	struct ppp_wr w = ppp_wr_init(opts, sizeof(opts));

	if (!retransmit || !f->reqid_valid) {
		if (f->state != FSM_REQSENT && f->state != FSM_ACKRCVD && f->state != FSM_ACKSENT) {
			f->cb->resetci(f);
			f->snaks = 0;
			f->rnaks = 0;
		}
		f->reqid = f->id++;
	}
	f->cb->addci(f, &w);
	if (w.err)
		w.len = 0;
	f->reqid_valid = true;
	fsm_send(f, FSM_CONFREQ, f->reqid, opts, w.len);
	if (f->restarts > 0)
		f->restarts--;
	f->timer = f->now + confreq_restart_ms(f);
}

static void str(struct fsm *f)
{
	fsm_send(f, FSM_TERMREQ, f->id++, NULL, 0);
	if (f->restarts > 0)
		f->restarts--;
	f->timer = f->now + restart_ms(f);
}

static void sta(struct fsm *f, uint8_t id)
{
	fsm_send(f, FSM_TERMACK, id, NULL, 0);
}

static void scj(struct fsm *f, const uint8_t *pkt, size_t len)
{
	fsm_send(f, FSM_CODEREJ, f->id++, pkt, len);
}

void fsm_lower_up(struct fsm *f, uint64_t now)
{
	f->now = now;
	switch (f->state) {
	case FSM_INITIAL:
		f->state = FSM_CLOSED;
		break;
	case FSM_STARTING:
		irc_conf(f);
		scr(f, false);
		f->state = FSM_REQSENT;
		break;
	default:
		break; /* illegal event: ignore */
	}
}

void fsm_lower_down(struct fsm *f)
{
	f->timer = UINT64_MAX;
	f->reqid_valid = false;
	switch (f->state) {
	case FSM_CLOSED:
	case FSM_CLOSING:
		f->state = FSM_INITIAL;
		break;
	case FSM_STOPPED:
		f->state = FSM_STARTING;
		tls_(f);
		break;
	case FSM_STOPPING:
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		f->state = FSM_STARTING;
		break;
	case FSM_OPENED:
		f->state = FSM_STARTING;
		tld(f);
		break;
	default:
		break;
	}
}

void fsm_open(struct fsm *f, uint64_t now)
{
	f->now = now;
	switch (f->state) {
	case FSM_INITIAL:
		f->state = FSM_STARTING;
		f->failed = false;
		f->peer_term = false;
		f->why[0] = '\0';
		tls_(f);
		break;
	case FSM_CLOSED:
		f->failed = false;
		f->peer_term = false;
		f->why[0] = '\0';
		irc_conf(f);
		scr(f, false);
		f->state = FSM_REQSENT;
		break;
	case FSM_CLOSING:
		f->state = FSM_STOPPING;
		break;
	default:
		break;
	}
}

void fsm_close(struct fsm *f, const char *why, uint64_t now)
{
	f->now = now;
	set_why(f, why);
	switch (f->state) {
	case FSM_STARTING:
		f->state = FSM_INITIAL;
		tlf(f);
		break;
	case FSM_STOPPED:
		f->state = FSM_CLOSED;
		break;
	case FSM_STOPPING:
		f->state = FSM_CLOSING;
		break;
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		f->reqid_valid = false;
		irc_term(f);
		str(f);
		f->state = FSM_CLOSING;
		break;
	case FSM_OPENED:
		f->state = FSM_CLOSING;
		tld(f);
		irc_term(f);
		str(f);
		break;
	default:
		break;
	}
}

void fsm_fail(struct fsm *f, const char *why, uint64_t now)
{
	f->failed = true;
	set_why(f, why);
	fsm_close(f, why, now);
}

/* A network protocol's Configure-Request is not sent again while the whole link has been
 * silent for the last half restart period (up to FSM_NCP_HOLD_MAX_MS): the carrier (SSTP over
 * TLS) loses nothing, so the peer is busy, not deaf. SoftEther stops reading the session for
 * about 4 s while it looks for an IPv6 router on the first IPv6CP request, then works through
 * every copy that queued up meanwhile, each one re-opening IPCP or IPv6CP; without copies it
 * answers at once when it is back. The hold is spent once per link (a peer that never answers
 * still gets every retransmission, later). LCP keeps its plain timer. */
static bool ncp_hold(struct fsm *f, uint64_t now)
{
	uint64_t quiet = confreq_restart_ms(f) / 2;

	if (f->proto == PPP_PROTO_LCP || now < f->ppp->last_rx + quiet)
		return false;
	if (f->hold_since == UINT64_MAX)
		f->hold_since = now;
	return now - f->hold_since < FSM_NCP_HOLD_MAX_MS;
}

void fsm_timeout(struct fsm *f, uint64_t now)
{
	f->now = now;
	if (f->timer == UINT64_MAX || now < f->timer)
		return;
	f->timer = UINT64_MAX;
	switch (f->state) {
	case FSM_CLOSING:
	case FSM_STOPPING:
		if (f->restarts > 0) {
			str(f);
		} else {
			f->state = f->state == FSM_CLOSING ? FSM_CLOSED : FSM_STOPPED;
			tlf(f);
		}
		break;
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		if (ncp_hold(f, now)) {
			f->timer = now + confreq_restart_ms(f);
			break;
		}
		if (f->restarts > 0) {
			scr(f, true);
			if (f->state == FSM_ACKRCVD)
				f->state = FSM_REQSENT;
		} else {
			char why[96];
			snprintf(why, sizeof(why), "%s: no answer to Configure-Request after %d tries",
				 f->cb->name, FSM_MAX_CONFIGURE);
			f->failed = true;
			set_why(f, why);
			f->reqid_valid = false;
			f->state = FSM_STOPPED;
			tlf(f);
		}
		break;
	default:
		break;
	}
}

static void rcv_confreq(struct fsm *f, uint8_t id, const uint8_t *opt, size_t len)
{
	uint8_t reply[PPP_FRAME_MAX];
	struct ppp_wr w = ppp_wr_init(reply, ppp_peer_info_max(f->ppp) - 4);
	enum fsm_reqci_result res;

	switch (f->state) {
	case FSM_CLOSED:
		sta(f, id);
		return;
	case FSM_CLOSING:
	case FSM_STOPPING:
		return;
	default:
		break;
	}
	res = f->cb->reqci(f, opt, len, &w, f->snaks >= FSM_MAX_FAILURE);
	if (res == FSM_REQ_DISCARD || w.err)
		return;
	if (f->state == FSM_OPENED) {
		tld(f);
		scr(f, false);
		f->state = FSM_REQSENT;
	} else if (f->state == FSM_STOPPED) {
		irc_conf(f);
		scr(f, false);
		f->state = FSM_REQSENT;
	}
	fsm_send(f, (uint8_t)res, id, reply, w.len);
	if (res == FSM_REQ_ACK) {
		f->snaks = 0;
		if (f->state == FSM_ACKRCVD) {
			f->timer = UINT64_MAX;
			f->state = FSM_OPENED;
			tlu(f);
		} else {
			f->state = FSM_ACKSENT;
		}
	} else {
		if (res == FSM_REQ_NAK)
			f->snaks++;
		if (f->state != FSM_ACKRCVD)
			f->state = FSM_REQSENT;
	}
}

static void rcv_confack(struct fsm *f, uint8_t id, const uint8_t *opt, size_t len)
{
	if (f->state == FSM_CLOSED || f->state == FSM_STOPPED) {
		sta(f, id); /* we are not negotiating: tell the peer */
		return;
	}
	if (f->state == FSM_CLOSING || f->state == FSM_STOPPING)
		return;
	if (!f->reqid_valid || id != f->reqid || !f->cb->ackci(f, opt, len))
		return; /* not an answer to our outstanding request: silently discard */
	f->reqid_valid = false;
	f->rnaks = 0;
	switch (f->state) {
	case FSM_REQSENT:
		irc_conf(f);
		f->state = FSM_ACKRCVD;
		break;
	case FSM_ACKRCVD:
		scr(f, false); /* crossed connection */
		f->state = FSM_REQSENT;
		break;
	case FSM_ACKSENT:
		irc_conf(f);
		f->timer = UINT64_MAX;
		f->state = FSM_OPENED;
		tlu(f);
		break;
	case FSM_OPENED:
		tld(f);
		scr(f, false);
		f->state = FSM_REQSENT;
		break;
	default:
		break;
	}
}

static void rcv_confnakrej(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *opt,
			   size_t len)
{
	bool ok;

	if (f->state == FSM_CLOSED || f->state == FSM_STOPPED) {
		sta(f, id);
		return;
	}
	if (f->state == FSM_CLOSING || f->state == FSM_STOPPING)
		return;
	if (!f->reqid_valid || id != f->reqid)
		return;
	f->rnaks++;
	if (code == FSM_CONFNAK)
		ok = f->cb->nakci(f, opt, len, f->rnaks >= FSM_MAX_NAK_LOOPS);
	else
		ok = f->cb->rejci(f, opt, len);
	if (!ok)
		return;
	f->reqid_valid = false;
	if (f->rnaks >= 2 * FSM_MAX_NAK_LOOPS) {
		char why[96];
		snprintf(why, sizeof(why), "%s: peer keeps refusing our options (%u Nak/Reject)",
			 f->cb->name, f->rnaks);
		fsm_fail(f, why, f->now);
		return;
	}
	switch (f->state) {
	case FSM_REQSENT:
	case FSM_ACKSENT:
		irc_conf(f);
		scr(f, false);
		break;
	case FSM_ACKRCVD:
		scr(f, false);
		f->state = FSM_REQSENT;
		break;
	case FSM_OPENED:
		tld(f);
		scr(f, false);
		f->state = FSM_REQSENT;
		break;
	default:
		break;
	}
}

static void rcv_termreq(struct fsm *f, uint8_t id, const uint8_t *data, size_t len)
{
	switch (f->state) {
	case FSM_OPENED: {
		char text[64];
		char why[128];
		ppp_printable(text, sizeof(text), data, len);
		snprintf(why, sizeof(why), "%s: peer sent Terminate-Request%s%s%s", f->cb->name,
			 text[0] ? " (\"" : "", text, text[0] ? "\")" : "");
		f->peer_term = true;
		set_why(f, why);
		f->state = FSM_STOPPING;
		tld(f);
		zrc(f);
		sta(f, id);
		break;
	}
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		f->state = FSM_REQSENT;
		sta(f, id);
		break;
	default:
		sta(f, id);
		break;
	}
}

static void rcv_termack(struct fsm *f)
{
	switch (f->state) {
	case FSM_CLOSING:
		f->state = FSM_CLOSED;
		tlf(f);
		break;
	case FSM_STOPPING:
		f->state = FSM_STOPPED;
		tlf(f);
		break;
	case FSM_ACKRCVD:
		f->state = FSM_REQSENT;
		break;
	case FSM_OPENED:
		tld(f);
		scr(f, false);
		f->state = FSM_REQSENT;
		break;
	default:
		break;
	}
}

/* RXJ- (catastrophic reject): the other end cannot do this protocol or a core code. */
static void rxj_minus(struct fsm *f, const char *why)
{
	f->failed = true;
	set_why(f, why);
	switch (f->state) {
	case FSM_CLOSED:
	case FSM_CLOSING:
		f->state = FSM_CLOSED;
		tlf(f);
		break;
	case FSM_STOPPED:
	case FSM_STOPPING:
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		f->reqid_valid = false;
		f->state = FSM_STOPPED;
		tlf(f);
		break;
	case FSM_OPENED:
		f->state = FSM_STOPPING;
		tld(f);
		irc_term(f);
		str(f);
		break;
	default:
		break;
	}
}

static void rcv_coderej(struct fsm *f, uint8_t id, const uint8_t *data, size_t len)
{
	if (len < 1)
		return;
	if (data[0] >= FSM_CONFREQ && data[0] <= FSM_CODEREJ) {
		char why[96];
		snprintf(why, sizeof(why), "%s: peer Code-Rejected code %u", f->cb->name, data[0]);
		rxj_minus(f, why);
		return;
	}
	/* RXJ+: tolerable; let the protocol know (LCP stops echoes). */
	if (f->cb->extcode)
		f->cb->extcode(f, FSM_CODEREJ, id, data, len);
	if (f->state == FSM_ACKRCVD)
		f->state = FSM_REQSENT;
}

void fsm_protocol_rejected(struct fsm *f, uint64_t now)
{
	char why[96];

	f->now = now;
	snprintf(why, sizeof(why), "%s: peer sent Protocol-Reject", f->cb->name);
	rxj_minus(f, why);
}

void fsm_input(struct fsm *f, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct ppp_rd r = ppp_rd_init(pkt, len);
	uint8_t code = ppp_rd_u8(&r);
	uint8_t id = ppp_rd_u8(&r);
	uint16_t plen = ppp_rd_u16(&r);
	const uint8_t *data;
	size_t dlen;

	f->now = now;
	if (r.err || plen < 4 || plen > len)
		return; /* too short or length lies: silently discard (RFC 1661 5) */
	if (f->state == FSM_INITIAL || f->state == FSM_STARTING)
		return;
	data = pkt + 4;
	dlen = (size_t)plen - 4; /* bytes after Length are padding */
	switch (code) {
	case FSM_CONFREQ:
		rcv_confreq(f, id, data, dlen);
		break;
	case FSM_CONFACK:
		rcv_confack(f, id, data, dlen);
		break;
	case FSM_CONFNAK:
	case FSM_CONFREJ:
		rcv_confnakrej(f, code, id, data, dlen);
		break;
	case FSM_TERMREQ:
		rcv_termreq(f, id, data, dlen);
		break;
	case FSM_TERMACK:
		rcv_termack(f);
		break;
	case FSM_CODEREJ:
		rcv_coderej(f, id, data, dlen);
		break;
	default:
		if (f->cb->extcode == NULL || !f->cb->extcode(f, code, id, data, dlen))
			scj(f, pkt, plen); /* RUC */
		break;
	}
}
