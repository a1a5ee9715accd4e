/* eap.c - EAP peer (RFC 3748) inside PPP: Identity, Notification, legacy Nak offering only the
 * enabled methods, duplicate-Request handling, Success/Failure, and EAP-MSCHAPv2
 * (draft-kamath-pppext-eap-mschapv2) on top of the shared MS-CHAPv2 code. EAP-TLS framing is
 * in eap_tls.c. Every length is checked against the received bytes before use. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ppp_crypto.h"
#include "ppp_internal.h"

enum {
	EAP_REQUEST = 1,
	EAP_RESPONSE = 2,
	EAP_SUCCESS = 3,
	EAP_FAILURE = 4,
};

enum {
	EAPT_IDENTITY = 1,
	EAPT_NOTIFICATION = 2,
	EAPT_NAK = 3,
	EAPT_TLS = 13,
	EAPT_PEAP = 25,
	EAPT_TLV = 33,
	EAPT_MSCHAPV2 = 26,
};

enum {
	MSCHAPV2_CHALLENGE = 1,
	MSCHAPV2_RESPONSE = 2,
	MSCHAPV2_SUCCESS = 3,
	MSCHAPV2_FAILURE = 4,
};

void eap_reset(struct ppp *p)
{
	struct eap_state *e = &p->eap;

	e->have_last = false;
	e->last_len = 0;
	e->last_req_len = 0;
	e->cur_req = NULL;
	e->refused = 0;
	e->in_tunnel = false;
	e->tun_len = 0;
	e->peap_ok = false;
	e->cb_used = false;
	ppp_wipe(e->cb_ipmk, sizeof(e->cb_ipmk));
	e->method = 0;
	e->notification[0] = '\0';
	eaptls_reset(p);
}

static bool tls_enabled(const struct ppp *p)
{
	return (p->cfg.auth & PPP_AUTH_EAP_TLS) && p->cfg.tls != NULL;
}

static bool peap_enabled(const struct ppp *p)
{
	return (p->cfg.auth & PPP_AUTH_PEAP) && p->cfg.tls != NULL && p->cfg.tls->open != NULL &&
	       p->cfg.tls->seal != NULL;
}

static bool mschapv2_enabled(const struct ppp *p)
{
	return (p->cfg.auth & PPP_AUTH_EAP_MSCHAPV2) != 0;
}

void eap_send_response(struct ppp *p, uint8_t id, uint8_t type, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen)
{
	struct eap_state *e = &p->eap;
	struct ppp_wr w = ppp_wr_init(e->last, sizeof(e->last));
	struct ppp_wr o;

	if (e->in_tunnel) { /* PEAPv0: inner Responses without the EAP header, but TLV ones */
		w = ppp_wr_init(e->tun, sizeof(e->tun));
		if (type == EAPT_TLV) {
			ppp_wr_u8(&w, EAP_RESPONSE);
			ppp_wr_u8(&w, id);
			ppp_wr_u16(&w, (uint16_t)(5 + alen + blen));
		}
		ppp_wr_u8(&w, type);
		ppp_wr_bytes(&w, a, alen);
		ppp_wr_bytes(&w, b, blen);
		e->tun_len = w.len;
		e->tun_err = w.err;
		return;
	}
	ppp_wr_u8(&w, EAP_RESPONSE);
	ppp_wr_u8(&w, id);
	ppp_wr_u16(&w, (uint16_t)(5 + alen + blen));
	ppp_wr_u8(&w, type);
	ppp_wr_bytes(&w, a, alen);
	ppp_wr_bytes(&w, b, blen);
	if (w.err) {
		e->have_last = false;
		return;
	}
	e->have_last = true;
	e->last_id = id;
	e->last_len = w.len;
	e->last_req_len = SIZE_MAX; /* never matches unless the Request is recorded below */
	if (e->cur_req != NULL && e->cur_req_len <= sizeof(e->last_req)) {
		memcpy(e->last_req, e->cur_req, e->cur_req_len);
		e->last_req_len = e->cur_req_len;
	}
	o = ppp_out_begin(p, PPP_PROTO_EAP);
	ppp_wr_bytes(&o, e->last, e->last_len);
	ppp_out_commit(p, &o);
}

static void resend_last(struct ppp *p)
{
	struct ppp_wr o = ppp_out_begin(p, PPP_PROTO_EAP);

	ppp_wr_bytes(&o, p->eap.last, p->eap.last_len);
	ppp_out_commit(p, &o);
}

static void send_nak(struct ppp *p, uint8_t id, uint8_t refused)
{
	uint8_t types[3];
	size_t n = 0;

	if (p->eap.refused == 0)
		p->eap.refused = refused; /* named if the server then gives up */
	if (tls_enabled(p))
		types[n++] = EAPT_TLS;
	if (peap_enabled(p))
		types[n++] = EAPT_PEAP;
	if (mschapv2_enabled(p))
		types[n++] = EAPT_MSCHAPV2;
	if (n == 0)
		types[n++] = 0; /* no alternative */
	eap_send_response(p, id, EAPT_NAK, types, n, NULL, 0);
}

void eap_mschapv2_request(struct ppp *p, uint8_t id, const uint8_t *d, size_t len, uint64_t now)
{
	struct ppp_rd r = ppp_rd_init(d, len);
	uint8_t op = ppp_rd_u8(&r);
	uint8_t msid = ppp_rd_u8(&r);
	uint16_t mslen = ppp_rd_u16(&r);
	const uint8_t *body;
	size_t blen;
	/* inside PEAP, failures are named PEAP-MSCHAPv2 */
	const enum ppp_auth_method inner_m =
		p->eap.in_tunnel ? PPP_METHOD_PEAP : PPP_METHOD_EAP_MSCHAPV2;

	/* MS-Length covers OpCode..end. Some servers count more than they send (hostap takes the
	 * packet's length then): never read past what arrived. */
	if (r.err || mslen < 4)
		return;
	if (mslen > len)
		mslen = (uint16_t)len;
	body = d + 4;
	blen = (size_t)mslen - 4;
	switch (op) {
	case MSCHAPV2_CHALLENGE: {
		uint8_t value[49];
		size_t ulen = p->cfg.user_len;
		if (blen < 17 || body[0] != 16)
			return;
		if (mschap_make_response(p, body + 1, value) != 0) {
			ppp_auth_failure(p, inner_m, 0, false,
					 "EAP-MSCHAPv2: internal crypto failure", now);
			return;
		}
		p->mschap.chal_id = msid;
		{
			uint8_t buf[4 + 1 + 49 + PPP_NAME_MAX];
			struct ppp_wr w = ppp_wr_init(buf, sizeof(buf));
			ppp_wr_u8(&w, MSCHAPV2_RESPONSE);
			ppp_wr_u8(&w, msid);
			ppp_wr_u16(&w, (uint16_t)(4 + 1 + 49 + ulen));
			ppp_wr_u8(&w, 49);
			ppp_wr_bytes(&w, value, 49);
			ppp_wr_bytes(&w, p->cfg.user, ulen);
			if (!w.err)
				eap_send_response(p, id, EAPT_MSCHAPV2, buf, w.len, NULL, 0);
			ppp_wipe(buf, sizeof(buf));
		}
		ppp_wipe(value, sizeof(value));
		break;
	}
	case MSCHAPV2_SUCCESS: {
		const uint8_t ack = MSCHAPV2_SUCCESS;
		if (!p->mschap.have_response)
			return;
		if (!mschap_check_success(p, body, blen)) {
			ppp_auth_failure(p, inner_m, 0, false,
					 "EAP-MSCHAPv2: the server's authenticator response (S=) is "
					 "wrong: it does not know the password, refusing it",
					 now);
			return;
		}
		eap_send_response(p, id, EAPT_MSCHAPV2, &ack, 1, NULL, 0);
		break;
	}
	case MSCHAPV2_FAILURE: {
		const uint8_t ack = MSCHAPV2_FAILURE;
		eap_send_response(p, id, EAPT_MSCHAPV2, &ack, 1, NULL, 0);
		mschap_report_failure(p, inner_m, body, blen, now);
		break;
	}
	default:
		break;
	}
}

static void eap_dispatch(struct ppp *p, uint8_t id, const uint8_t *d, size_t len, uint64_t now)
{
	struct eap_state *e = &p->eap;
	uint8_t type;

	type = d[0];
	d++;
	len--;
	switch (type) {
	case EAPT_IDENTITY:
		eap_send_response(p, id, EAPT_IDENTITY, (const uint8_t *)p->cfg.eap_identity,
				  p->cfg.eap_identity_len, NULL, 0);
		break;
	case EAPT_NOTIFICATION:
		ppp_printable(e->notification, sizeof(e->notification), d, len);
		eap_send_response(p, id, EAPT_NOTIFICATION, NULL, 0, NULL, 0);
		break;
	case EAPT_TLS:
	case EAPT_PEAP: /* both run on the EAP-TLS engine */
		if (!(type == EAPT_TLS ? tls_enabled(p) : peap_enabled(p)) ||
		    (e->method != 0 && e->method != type)) {
			send_nak(p, id, type);
			break;
		}
		e->method = type;
		p->auth_method = type == EAPT_TLS ? PPP_METHOD_EAP_TLS : PPP_METHOD_PEAP;
		eaptls_request(p, id, d, len, now);
		break;
	case EAPT_MSCHAPV2:
		if (!mschapv2_enabled(p) || (e->method != 0 && e->method != EAPT_MSCHAPV2)) {
			send_nak(p, id, type);
			break;
		}
		e->method = EAPT_MSCHAPV2;
		p->auth_method = PPP_METHOD_EAP_MSCHAPV2;
		eap_mschapv2_request(p, id, d, len, now);
		break;
	case EAPT_NAK:
		break; /* only valid in Responses */
	default:
		send_nak(p, id, type);
		break;
	}
}

static void eap_request(struct ppp *p, uint8_t id, const uint8_t *d, size_t len, uint64_t now)
{
	struct eap_state *e = &p->eap;

	if (len < 1)
		return;
	if (e->have_last && id == e->last_id && len == e->last_req_len &&
	    memcmp(d, e->last_req, len) == 0) {
		resend_last(p); /* retransmitted Request: same answer, no reprocessing */
		return;
	}
	/* A new Request (a reused identifier with new content counts as new). The Response sent
	 * for it records it (eap_send_response). */
	e->cur_req = d;
	e->cur_req_len = len;
	eap_dispatch(p, id, d, len, now);
	e->cur_req = NULL;
}

/* What the server wanted, when it gives up after our Nak, and what would give it. */
static const char *refused_text(const struct ppp *p, uint8_t type)
{
	switch (type) {
	case EAPT_TLS:
		return "after asking for EAP-TLS, which needs a client certificate (--cert FILE|URI)";
	case EAPT_MSCHAPV2:
		return p->cfg.password_len ? "after asking for EAP-MSCHAPv2, which --auth excludes"
					   : "after asking for EAP-MSCHAPv2, which needs --user and a "
					     "password";
	case EAPT_PEAP:
		return "after asking for PEAP (EAP type 25), which needs --auth peap and a password";
	case 4:
		return "after asking for EAP-MD5 (EAP type 4), which sstp does not speak";
	case 21:
		return "after asking for EAP-TTLS (EAP type 21), which sstp does not speak";
	default:
		return "after asking for an EAP method sstp does not speak";
	}
}

static void eap_failure(struct ppp *p, uint64_t now)
{
	struct eap_state *e = &p->eap;
	char msg[2 * PPP_MSG_LEN]; /* cut to PPP_MSG_LEN by ppp_auth_failure */
	const char *what;

	if (e->method == EAPT_TLS)
		what = "during EAP-TLS (certificate refused or handshake failed on the server)";
	else if (e->method == EAPT_MSCHAPV2)
		what = "during EAP-MSCHAPv2";
	else if (e->method == EAPT_PEAP)
		what = "during PEAP";
	else if (e->refused != 0)
		what = refused_text(p, e->refused);
	else
		what = "before any method ran (no common EAP method?)";
	snprintf(msg, sizeof(msg), "EAP: server sent EAP-Failure %s%s%s%s", what,
		 e->notification[0] ? ": \"" : "", e->notification,
		 e->notification[0] ? "\"" : "");
	ppp_auth_failure(p, p->auth_method, 0, false, msg, now);
}

static void eap_success(struct ppp *p, uint64_t now)
{
	struct eap_state *e = &p->eap;
	uint8_t hlak[PPP_HLAK_LEN];

	if (e->method == EAPT_TLS && eaptls_success(p, hlak)) {
		ppp_auth_success(p, PPP_METHOD_EAP_TLS, hlak, now);
		ppp_wipe(hlak, sizeof(hlak));
		return;
	}
	if (e->method == EAPT_PEAP && e->peap_ok && p->mschap.verified && peap_hlak(p, hlak)) {
		ppp_auth_success(p, PPP_METHOD_PEAP, hlak, now); /* MS-SSTP: MSK[0..31] */
		ppp_wipe(hlak, sizeof(hlak));
		return;
	}
	if (e->method == EAPT_MSCHAPV2 && p->mschap.verified) {
		ppp_auth_success(p, PPP_METHOD_EAP_MSCHAPV2, p->mschap.hlak, now);
		return;
	}
	/* A Success before the method finished would skip server authentication. */
	ppp_auth_failure(p, p->auth_method, 0, false,
			 "EAP: server sent EAP-Success before the authentication method "
			 "completed; refusing it",
			 now);
}

void eap_input(struct ppp *p, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct ppp_rd r = ppp_rd_init(pkt, len);
	uint8_t code = ppp_rd_u8(&r);
	uint8_t id = ppp_rd_u8(&r);
	uint16_t plen = ppp_rd_u16(&r);

	(void)id;
	if (r.err || plen < 4 || plen > len || p->auth_done)
		return; /* Length may not claim more than the frame holds */
	switch (code) {
	case EAP_REQUEST:
		eap_request(p, id, pkt + 4, (size_t)plen - 4, now);
		break;
	case EAP_SUCCESS:
		eap_success(p, now);
		break;
	case EAP_FAILURE:
		eap_failure(p, now);
		break;
	default:
		break;
	}
}
