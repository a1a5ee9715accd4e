/* auth_pap.c - PAP client (RFC 1334): send Authenticate-Request with retransmission on the
 * restart timer, report Authenticate-Ack as success (zero HLAK) and Nak as failure with the
 * server's message. The password is never copied anywhere but the outgoing frame. */
#include <stdio.h>
#include <string.h>

#include "ppp_crypto.h"
#include "ppp_internal.h"

enum {
	PAP_AUTHREQ = 1,
	PAP_AUTHACK = 2,
	PAP_AUTHNAK = 3,
};

static void pap_send(struct ppp *p, uint64_t now)
{
	struct ppp_wr w = ppp_out_begin(p, PPP_PROTO_PAP);
	size_t ulen = p->cfg.user_len, plen = p->cfg.password_len;

	ppp_wr_u8(&w, PAP_AUTHREQ);
	ppp_wr_u8(&w, p->pap_id);
	ppp_wr_u16(&w, (uint16_t)(6 + ulen + plen));
	ppp_wr_u8(&w, (uint8_t)ulen);
	ppp_wr_bytes(&w, p->cfg.user, ulen);
	ppp_wr_u8(&w, (uint8_t)plen);
	ppp_wr_bytes(&w, p->cfg.password, plen);
	ppp_out_commit(p, &w);
	p->pap_tries++;
	p->pap_timer = now + p->cfg.restart_ms;
}

void pap_start(struct ppp *p, uint64_t now)
{
	uint8_t id;

	ppp_random(p, &id, 1);
	p->pap_id = id;
	p->pap_tries = 0;
	pap_send(p, now);
}

void pap_tick(struct ppp *p, uint64_t now)
{
	if (p->pap_timer == UINT64_MAX || now < p->pap_timer)
		return;
	p->pap_timer = UINT64_MAX;
	if (p->phase != PPP_PHASE_AUTHENTICATE || p->auth_method != PPP_METHOD_PAP || p->auth_done)
		return;
	if (p->pap_tries >= FSM_MAX_CONFIGURE) {
		ppp_auth_failure(p, PPP_METHOD_PAP, 0, false,
				 "PAP: no answer from the server to Authenticate-Request", now);
		return;
	}
	pap_send(p, now);
}

void pap_input(struct ppp *p, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct ppp_rd r = ppp_rd_init(pkt, len);
	uint8_t code = ppp_rd_u8(&r);
	uint8_t id = ppp_rd_u8(&r);
	uint16_t plen = ppp_rd_u16(&r);
	uint8_t mlen;
	const uint8_t *msg = NULL;
	char text[128];
	char out[200];

	if (r.err || plen < 4 || plen > len || id != p->pap_id || p->auth_done)
		return;
	r.len = plen;
	if (code != PAP_AUTHACK && code != PAP_AUTHNAK)
		return;
	/* Msg-Length and Message are optional in practice; read them only if present. */
	mlen = ppp_rd_u8(&r);
	if (!r.err)
		msg = ppp_rd_bytes(&r, mlen);
	ppp_printable(text, sizeof(text), msg, msg ? mlen : 0);
	if (code == PAP_AUTHACK) {
		ppp_auth_success(p, PPP_METHOD_PAP, NULL, now);
		return;
	}
	snprintf(out, sizeof(out), "PAP: server rejected the user name or password%s%s%s",
		 text[0] ? " (\"" : "", text, text[0] ? "\")" : "");
	ppp_auth_failure(p, PPP_METHOD_PAP, 0, false, out, now);
}
