/* ppp.c - the engine around the protocol modules: configuration, frame parsing (with or
 * without FF 03, compressed protocol), the phase gate that decides which protocol may speak
 * when, the output and event queues, link phases, timers and status accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp_crypto.h"
#include "ppp_internal.h"

/* ---- phase gate ---------------------------------------------------------------------------- */

#define PH(x) (1u << (x))

/* Which phases a protocol's packets are processed in; outside them they are dropped. */
static const struct {
	uint16_t proto;
	unsigned phases;
} gate_table[] = {
	{PPP_PROTO_LCP, PH(PPP_PHASE_ESTABLISH) | PH(PPP_PHASE_AUTHENTICATE) |
				PH(PPP_PHASE_NETWORK) | PH(PPP_PHASE_TERMINATE)},
	{PPP_PROTO_PAP, PH(PPP_PHASE_AUTHENTICATE)},
	{PPP_PROTO_CHAP, PH(PPP_PHASE_AUTHENTICATE)},
	{PPP_PROTO_EAP, PH(PPP_PHASE_AUTHENTICATE)},
	{PPP_PROTO_IPCP, PH(PPP_PHASE_NETWORK)},
	{PPP_PROTO_IPV6CP, PH(PPP_PHASE_NETWORK)},
	{PPP_PROTO_IP, PH(PPP_PHASE_NETWORK)},
	{PPP_PROTO_IPV6, PH(PPP_PHASE_NETWORK)},
};

/* Returns 1 when proto is known and allowed now, 0 known but not now, -1 unknown protocol. */
static int gate(const struct ppp *p, uint16_t proto)
{
	for (size_t i = 0; i < sizeof(gate_table) / sizeof(gate_table[0]); i++)
		if (gate_table[i].proto == proto)
			return (gate_table[i].phases & PH(p->phase)) ? 1 : 0;
	return -1;
}

/* ---- queues -------------------------------------------------------------------------------- */

struct ppp_wr ppp_out_begin(struct ppp *p, uint16_t proto)
{
	struct ppp_wr w = ppp_wr_init(NULL, 0);
	uint8_t *slot;

	if (p->outq_count == PPP_OUTQ_LEN) {
		p->out_dropped++;
		w.err = true;
		return w;
	}
	slot = p->outq[(p->outq_head + p->outq_count) % PPP_OUTQ_LEN];
	ppp_data_header(slot, proto);
	/* Capacity PPP_INFO_MAX: a writer that would exceed what SSTP carries fails (frame dropped,
	 * counted) rather than producing a frame the SSTP layer refuses. */
	return ppp_wr_init(slot + PPP_DATA_HDR_LEN, PPP_INFO_MAX);
}

void ppp_out_commit(struct ppp *p, const struct ppp_wr *w)
{
	unsigned idx;

	if (w->err || w->p == NULL || p->outq_count == PPP_OUTQ_LEN) {
		if (w->err && w->p != NULL)
			p->out_dropped++; /* would not fit one SSTP packet */
		return;
	}
	idx = (p->outq_head + p->outq_count) % PPP_OUTQ_LEN;
	p->outq_len[idx] = PPP_DATA_HDR_LEN + w->len;
	p->outq_count++;
}

int ppp_next_output(struct ppp *p, const uint8_t **frame, size_t *len)
{
	if (p == NULL || frame == NULL || len == NULL || p->outq_count == 0)
		return 0;
	*frame = p->outq[p->outq_head];
	*len = p->outq_len[p->outq_head];
	p->outq_head = (p->outq_head + 1) % PPP_OUTQ_LEN;
	p->outq_count--;
	return 1;
}

void ppp_event_push(struct ppp *p, const struct ppp_event *ev)
{
	if (p->evq_count == PPP_EVQ_LEN)
		return; /* the caller does not drain events; nothing sane to do */
	p->evq[(p->evq_head + p->evq_count) % PPP_EVQ_LEN] = *ev;
	p->evq_count++;
}

int ppp_next_event(struct ppp *p, struct ppp_event *ev)
{
	if (p == NULL || ev == NULL || p->evq_count == 0)
		return 0;
	*ev = p->evq[p->evq_head];
	ppp_wipe(&p->evq[p->evq_head], sizeof(p->evq[0]));
	p->evq_head = (p->evq_head + 1) % PPP_EVQ_LEN;
	p->evq_count--;
	return 1;
}

/* ---- helpers ------------------------------------------------------------------------------- */

void ppp_random(struct ppp *p, uint8_t *buf, size_t n)
{
	p->cfg.random(p->cfg.random_ctx, buf, n);
}

size_t ppp_peer_info_max(const struct ppp *p)
{
	size_t m = p->lcp.his.neg_mru ? p->lcp.his.mru : PPP_PEER_MRU_DEFAULT;

	return m < PPP_INFO_MAX ? m : PPP_INFO_MAX;
}

void ppp_printable(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t n = 0;

	if (cap == 0)
		return;
	for (size_t i = 0; i < len && n + 1 < cap; i++)
		dst[n++] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

void ppp_data_header(uint8_t hdr[PPP_DATA_HDR_LEN], uint16_t proto)
{
	hdr[0] = 0xFF;
	hdr[1] = 0x03;
	hdr[2] = (uint8_t)(proto >> 8);
	hdr[3] = (uint8_t)proto;
}

void ppp_set_down_reason(struct ppp *p, enum ppp_down_reason r, uint16_t proto, const char *msg)
{
	if (p->down_reason != PPP_DOWN_NONE)
		return;
	p->down_reason = r;
	p->down_proto = proto;
	snprintf(p->down_msg, sizeof(p->down_msg), "%s", msg ? msg : "");
}

/* ---- life cycle ---------------------------------------------------------------------------- */

static bool copy_str(char *dst, const char *src, size_t len)
{
	if (len > PPP_NAME_MAX || (len > 0 && src == NULL))
		return false;
	if (len > 0)
		memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

static void reset_run(struct ppp *p)
{
	lcp_init(p);
	memset(&p->ipcp, 0, sizeof(p->ipcp));
	memset(&p->ipv6cp, 0, sizeof(p->ipv6cp));
	fsm_init(&p->ipcp_fsm, p, PPP_PROTO_IPCP, &ppp_ipcp_callbacks);
	fsm_init(&p->ipv6cp_fsm, p, PPP_PROTO_IPV6CP, &ppp_ipv6cp_callbacks);
	p->phase = PPP_PHASE_DEAD;
	p->down_reported = false;
	p->down_reason = PPP_DOWN_NONE;
	p->down_proto = 0;
	p->down_msg[0] = '\0';
	p->auth_method = PPP_METHOD_NONE;
	p->auth_done = false;
	p->auth_deadline = UINT64_MAX;
	p->pap_timer = UINT64_MAX;
	p->pap_tries = 0;
	ppp_wipe(&p->mschap, sizeof(p->mschap));
	eap_reset(p);
}

struct ppp *ppp_new(const struct ppp_config *cfg)
{
	struct ppp *p;

	if (cfg == NULL || cfg->random == NULL)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->cfg = *cfg;
	if (!copy_str(p->user, cfg->user, cfg->user_len) ||
	    !copy_str(p->password, cfg->password, cfg->password_len) ||
	    !copy_str(p->identity, cfg->eap_identity, cfg->eap_identity_len)) {
		ppp_free(p);
		return NULL;
	}
	p->cfg.user = p->user;
	p->cfg.password = p->password;
	if (cfg->eap_identity != NULL) {
		p->cfg.eap_identity = p->identity;
	} else {
		p->cfg.eap_identity = p->user;
		p->cfg.eap_identity_len = cfg->user_len;
	}
	if (p->cfg.mru == 0)
		p->cfg.mru = PPP_MRU_DEFAULT;
	if (p->cfg.mru < PPP_MRU_MIN)
		p->cfg.mru = PPP_MRU_MIN;
	if (p->cfg.mru > PPP_MRU_MAX)
		p->cfg.mru = PPP_MRU_MAX;
	if (p->cfg.echo_max_failures == 0)
		p->cfg.echo_max_failures = 5;
	if (p->cfg.restart_ms == 0)
		p->cfg.restart_ms = 3000;
	if (p->cfg.auth_timeout_ms == 0)
		p->cfg.auth_timeout_ms = 60000;
	reset_run(p);
	return p;
}

void ppp_free(struct ppp *p)
{
	if (p == NULL)
		return;
	eaptls_reset(p);
	free(p->eap.rx);
	ppp_wipe(p, sizeof(*p));
	free(p);
}

void ppp_lower_up(struct ppp *p, uint64_t now_ms)
{
	if (p == NULL || p->phase != PPP_PHASE_DEAD)
		return;
	reset_run(p);
	p->phase = PPP_PHASE_ESTABLISH;
	fsm_open(&p->lcp_fsm, now_ms);
	fsm_lower_up(&p->lcp_fsm, now_ms);
}

void ppp_close(struct ppp *p, const char *reason, uint64_t now_ms)
{
	if (p == NULL || p->phase == PPP_PHASE_DEAD)
		return;
	ppp_set_down_reason(p, PPP_DOWN_LOCAL_CLOSE, 0, reason ? reason : "closed by the user");
	fsm_close(&p->lcp_fsm, reason, now_ms);
}

void ppp_lower_down(struct ppp *p)
{
	if (p == NULL || p->phase == PPP_PHASE_DEAD)
		return;
	/* After the peer's Terminate-Request the carrier going away is expected: keep that reason. */
	if (!p->lcp_fsm.peer_term)
		ppp_set_down_reason(p, PPP_DOWN_LOWER_DOWN, 0, "the carrier went down");
	fsm_lower_down(&p->lcp_fsm);
	fsm_close(&p->lcp_fsm, NULL, 0);
	if (!p->down_reported)
		ppp_link_finished(p);
	p->phase = PPP_PHASE_DEAD;
}

/* ---- layer transitions --------------------------------------------------------------------- */

void ppp_link_up(struct ppp *p, uint64_t now)
{
	struct ppp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = PPP_EV_LINK_UP;
	snprintf(ev.message, sizeof(ev.message), "LCP opened (MRU %u, peer MRU %u)",
		 (unsigned)ppp_local_mru(p), (unsigned)ppp_peer_mru(p));
	ppp_event_push(p, &ev);
	p->auth_done = false;
	if (!p->lcp.his.neg_auth) {
		p->auth_method = PPP_METHOD_NONE;
		p->phase = PPP_PHASE_AUTHENTICATE;
		ppp_auth_success(p, PPP_METHOD_NONE, NULL, now);
		return;
	}
	p->phase = PPP_PHASE_AUTHENTICATE;
	p->auth_deadline = now + p->cfg.auth_timeout_ms;
	switch (p->lcp.his.auth_proto) {
	case PPP_PROTO_PAP:
		p->auth_method = PPP_METHOD_PAP;
		pap_start(p, now);
		break;
	case PPP_PROTO_CHAP:
		p->auth_method = PPP_METHOD_MSCHAPV2;
		ppp_wipe(&p->mschap, sizeof(p->mschap));
		break;
	default:
		/* EAP: the method (TLS or MS-CHAPv2) is known once the server proposes one. */
		p->auth_method = (p->cfg.auth & PPP_AUTH_EAP_TLS) && p->cfg.tls ? PPP_METHOD_EAP_TLS
				 : (p->cfg.auth & PPP_AUTH_PEAP) && p->cfg.tls	 ? PPP_METHOD_PEAP
										 : PPP_METHOD_EAP_MSCHAPV2;
		eap_reset(p);
		break;
	}
}

void ppp_link_down(struct ppp *p)
{
	fsm_lower_down(&p->ipcp_fsm);
	fsm_lower_down(&p->ipv6cp_fsm);
	p->auth_done = false;
	p->auth_deadline = UINT64_MAX;
	p->pap_timer = UINT64_MAX;
	eap_reset(p);
	if (p->lcp_fsm.state == FSM_CLOSING || p->lcp_fsm.state == FSM_STOPPING)
		p->phase = PPP_PHASE_TERMINATE;
	else
		p->phase = PPP_PHASE_ESTABLISH;
}

void ppp_link_finished(struct ppp *p)
{
	struct ppp_event ev;
	struct fsm *f = &p->lcp_fsm;

	p->phase = PPP_PHASE_DEAD;
	p->auth_deadline = UINT64_MAX;
	p->pap_timer = UINT64_MAX;
	if (p->down_reported)
		return;
	p->down_reported = true;
	memset(&ev, 0, sizeof(ev));
	ev.type = PPP_EV_LINK_DOWN;
	if (p->down_reason != PPP_DOWN_NONE) {
		ev.reason = p->down_reason;
		ev.protocol = p->down_proto;
		snprintf(ev.message, sizeof(ev.message), "%s", p->down_msg);
	} else if (f->peer_term) {
		ev.reason = PPP_DOWN_PEER_TERMINATE;
		ev.protocol = PPP_PROTO_LCP;
		snprintf(ev.message, sizeof(ev.message), "%s", f->why);
	} else if (f->failed) {
		ev.reason = PPP_DOWN_NEGOTIATION;
		ev.protocol = PPP_PROTO_LCP;
		snprintf(ev.message, sizeof(ev.message), "%s", f->why);
	} else {
		ev.reason = PPP_DOWN_LOCAL_CLOSE;
		snprintf(ev.message, sizeof(ev.message), "link closed");
	}
	ppp_event_push(p, &ev);
}

void ppp_auth_success(struct ppp *p, enum ppp_auth_method m, const uint8_t *hlak, uint64_t now)
{
	struct ppp_event ev;

	if (p->auth_done || p->phase != PPP_PHASE_AUTHENTICATE)
		return;
	p->auth_done = true;
	p->auth_method = m;
	p->auth_deadline = UINT64_MAX;
	p->pap_timer = UINT64_MAX;
	memset(&ev, 0, sizeof(ev));
	ev.type = PPP_EV_AUTH_OK;
	ev.method = m;
	if (hlak != NULL)
		memcpy(ev.hlak, hlak, PPP_HLAK_LEN);
	snprintf(ev.message, sizeof(ev.message), "authenticated with %s", ppp_auth_method_name(m));
	ppp_event_push(p, &ev);
	ppp_wipe(&ev, sizeof(ev));
	p->phase = PPP_PHASE_NETWORK;
	/* Both network protocols start together (as pppd and Windows do): a server that takes its
	 * time over IPv6CP then does so during the negotiation, not after the tunnel is reported up. */
	fsm_open(&p->ipcp_fsm, now);
	fsm_lower_up(&p->ipcp_fsm, now);
	if (p->cfg.want_ipv6) {
		fsm_open(&p->ipv6cp_fsm, now);
		fsm_lower_up(&p->ipv6cp_fsm, now);
	}
}

void ppp_auth_failure(struct ppp *p, enum ppp_auth_method m, int code, bool retry,
		      const char *msg, uint64_t now)
{
	struct ppp_event ev;

	if (p->auth_done || p->phase != PPP_PHASE_AUTHENTICATE)
		return;
	p->auth_done = true;
	p->auth_deadline = UINT64_MAX;
	p->pap_timer = UINT64_MAX;
	memset(&ev, 0, sizeof(ev));
	ev.type = PPP_EV_AUTH_FAILED;
	ev.method = m;
	ev.code = code;
	ev.retry = retry;
	snprintf(ev.message, sizeof(ev.message), "%s", msg);
	ppp_event_push(p, &ev);
	ppp_set_down_reason(p, PPP_DOWN_AUTH_FAILED, 0, msg);
	fsm_close(&p->lcp_fsm, msg, now);
}

void ppp_ncp_finished(struct ppp *p, uint16_t proto, uint64_t now)
{
	struct fsm *f = proto == PPP_PROTO_IPCP ? &p->ipcp_fsm : &p->ipv6cp_fsm;

	if (proto != PPP_PROTO_IPCP)
		return; /* IPv6CP failing or rejected only means no IPv6 */
	if (p->phase != PPP_PHASE_NETWORK)
		return;
	ppp_set_down_reason(p, f->peer_term ? PPP_DOWN_PEER_TERMINATE : PPP_DOWN_NEGOTIATION,
			    PPP_PROTO_IPCP, f->why[0] ? f->why : "IPCP: negotiation failed");
	fsm_close(&p->lcp_fsm, f->why, now);
}

/* ---- input --------------------------------------------------------------------------------- */

int ppp_input(struct ppp *p, const uint8_t *frame, size_t len, uint64_t now_ms,
	      struct ppp_data *data)
{
	struct ppp_rd r;
	uint16_t proto;
	const uint8_t *info;
	size_t ilen;
	int g;

	if (p == NULL || (frame == NULL && len > 0) || data == NULL)
		return -1;
	memset(data, 0, sizeof(*data));
	if (p->phase == PPP_PHASE_DEAD || len == 0)
		return 0;
	p->last_rx = now_ms;
	r = ppp_rd_init(frame, len);
	if (frame[0] == 0xFF) {
		if (ppp_rd_u8(&r) != 0xFF || ppp_rd_u8(&r) != 0x03)
			return 0;
	}
	proto = ppp_rd_u8(&r);
	if (r.err)
		return 0;
	if ((proto & 1) == 0) { /* two-byte protocol: the low byte must be odd */
		uint8_t lo = ppp_rd_u8(&r);
		if (r.err || (lo & 1) == 0)
			return 0;
		proto = (uint16_t)(proto << 8 | lo);
	}
	info = frame + r.off;
	ilen = len - r.off;

	g = gate(p, proto);
	if (g < 0 || (proto == PPP_PROTO_IPV6CP && !p->cfg.want_ipv6)) {
		/* Unknown (CCP, multilink...) or disabled: Protocol-Reject while LCP is Opened
		 * (lcp_protocol_reject checks), silently dropped before. */
		lcp_protocol_reject(p, proto, info, ilen);
		return 0;
	}
	if (g == 0)
		return 0;
	if (proto != PPP_PROTO_LCP)
		p->lcp.heard = now_ms; /* LCP counts only for echo traffic (lcp.c) */
	switch (proto) {
	case PPP_PROTO_LCP:
		fsm_input(&p->lcp_fsm, info, ilen, now_ms);
		return 0;
	case PPP_PROTO_PAP:
		if (p->auth_method == PPP_METHOD_PAP)
			pap_input(p, info, ilen, now_ms);
		return 0;
	case PPP_PROTO_CHAP:
		if (p->auth_method == PPP_METHOD_MSCHAPV2)
			chap_input(p, info, ilen, now_ms);
		return 0;
	case PPP_PROTO_EAP:
		if (p->lcp.his.auth_proto == PPP_PROTO_EAP)
			eap_input(p, info, ilen, now_ms);
		return 0;
	case PPP_PROTO_IPCP:
		fsm_input(&p->ipcp_fsm, info, ilen, now_ms);
		return 0;
	case PPP_PROTO_IPV6CP:
		fsm_input(&p->ipv6cp_fsm, info, ilen, now_ms);
		return 0;
	case PPP_PROTO_IP:
	case PPP_PROTO_IPV6:
		if (!ppp_data_open(p, proto) || ilen == 0)
			return 0;
		data->proto = proto;
		data->pkt = info;
		data->len = ilen;
		return 1;
	default:
		return 0;
	}
}

/* ---- timers -------------------------------------------------------------------------------- */

void ppp_tick(struct ppp *p, uint64_t now_ms)
{
	if (p == NULL || p->phase == PPP_PHASE_DEAD)
		return;
	if (p->auth_deadline != UINT64_MAX && now_ms >= p->auth_deadline) {
		p->auth_deadline = UINT64_MAX;
		ppp_auth_failure(p, p->auth_method, 0, false,
				 "authentication did not finish in time (server silent)", now_ms);
	}
	pap_tick(p, now_ms);
	fsm_timeout(&p->lcp_fsm, now_ms);
	if (p->phase == PPP_PHASE_DEAD)
		return;
	fsm_timeout(&p->ipcp_fsm, now_ms);
	fsm_timeout(&p->ipv6cp_fsm, now_ms);
	lcp_tick(p, now_ms);
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t ppp_deadline(const struct ppp *p)
{
	uint64_t d = UINT64_MAX;

	if (p == NULL || p->phase == PPP_PHASE_DEAD)
		return UINT64_MAX;
	d = min64(d, p->lcp_fsm.timer);
	d = min64(d, p->ipcp_fsm.timer);
	d = min64(d, p->ipv6cp_fsm.timer);
	d = min64(d, lcp_deadline(p));
	d = min64(d, p->auth_deadline);
	d = min64(d, p->pap_timer);
	return d;
}

/* ---- status -------------------------------------------------------------------------------- */

bool ppp_data_open(const struct ppp *p, uint16_t proto)
{
	if (p == NULL || p->phase != PPP_PHASE_NETWORK)
		return false;
	if (proto == PPP_PROTO_IP)
		return p->ipcp_fsm.state == FSM_OPENED;
	if (proto == PPP_PROTO_IPV6)
		return p->ipv6cp_fsm.state == FSM_OPENED;
	return false;
}

enum ppp_ncp_status ppp_ncp_status(const struct ppp *p, uint16_t proto)
{
	const struct fsm *f;

	if (p == NULL || (proto != PPP_PROTO_IPCP && proto != PPP_PROTO_IPV6CP))
		return PPP_NCP_OFF;
	if (proto == PPP_PROTO_IPV6CP && !p->cfg.want_ipv6)
		return PPP_NCP_OFF;
	if (p->phase != PPP_PHASE_NETWORK)
		return PPP_NCP_PENDING;
	f = proto == PPP_PROTO_IPCP ? &p->ipcp_fsm : &p->ipv6cp_fsm;
	switch (f->state) {
	case FSM_OPENED:
		return PPP_NCP_OPEN;
	case FSM_INITIAL:
	case FSM_STARTING:
	case FSM_CLOSED:
	case FSM_STOPPED:
	case FSM_CLOSING:
	case FSM_STOPPING:
		/* refused (Protocol-Reject, Configure-Reject of what it needs), given up after the
		 * retries, or terminated by the peer: it will not open on this link */
		return PPP_NCP_REFUSED;
	default:
		return PPP_NCP_PENDING;
	}
}

enum ppp_phase ppp_get_phase(const struct ppp *p)
{
	return p ? p->phase : PPP_PHASE_DEAD;
}

const char *ppp_phase_name(enum ppp_phase phase)
{
	switch (phase) {
	case PPP_PHASE_DEAD:
		return "dead";
	case PPP_PHASE_ESTABLISH:
		return "establish";
	case PPP_PHASE_AUTHENTICATE:
		return "authenticate";
	case PPP_PHASE_NETWORK:
		return "network";
	case PPP_PHASE_TERMINATE:
		return "terminate";
	}
	return "?";
}

const char *ppp_state_name(const struct ppp *p, uint16_t proto)
{
	if (p == NULL)
		return "n/a";
	switch (proto) {
	case PPP_PROTO_LCP:
		return fsm_state_name(p->lcp_fsm.state);
	case PPP_PROTO_IPCP:
		return fsm_state_name(p->ipcp_fsm.state);
	case PPP_PROTO_IPV6CP:
		return fsm_state_name(p->ipv6cp_fsm.state);
	default:
		return "n/a";
	}
}

const char *ppp_auth_method_name(enum ppp_auth_method m)
{
	switch (m) {
	case PPP_METHOD_NONE:
		return "none";
	case PPP_METHOD_PAP:
		return "PAP";
	case PPP_METHOD_MSCHAPV2:
		return "MS-CHAPv2";
	case PPP_METHOD_EAP_MSCHAPV2:
		return "EAP-MSCHAPv2";
	case PPP_METHOD_EAP_TLS:
		return "EAP-TLS";
	case PPP_METHOD_PEAP:
		return "PEAP-MSCHAPv2";
	}
	return "?";
}

uint16_t ppp_peer_mru(const struct ppp *p)
{
	if (p == NULL || !p->lcp.his.neg_mru)
		return PPP_PEER_MRU_DEFAULT;
	return p->lcp.his.mru;
}

uint16_t ppp_local_mru(const struct ppp *p)
{
	if (p == NULL || !p->lcp.got.neg_mru)
		return PPP_PEER_MRU_DEFAULT;
	return p->lcp.got.mru;
}

uint16_t ppp_mtu(const struct ppp *p)
{
	uint16_t peer;

	if (p == NULL)
		return PPP_MRU_DEFAULT;
	peer = (uint16_t)ppp_peer_info_max(p);
	return peer < p->cfg.mru ? peer : p->cfg.mru;
}
