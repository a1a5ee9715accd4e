/* eap_peap.c - PEAPv0 (draft-josefsson-pppext-eap-tls-eap, [MS-PEAP]) for the peer, inside the
 * TLS tunnel the EAP-TLS framing (eap_tls.c) set up: the server's records are opened by the TLS
 * engine, the inner Request is read (without its EAP header, as PEAPv0 sends all but the
 * Extensions packets, or with it), answered by the inner method (Identity, EAP-MSCHAPv2 from
 * eap.c, the Result TLV here), and the Response is sealed and sent back as a TLS flight.
 * An NPS Cryptobinding TLV ([MS-PEAP] 2.2.8.1.1) is verified and answered (peap_cb.c has the
 * keys and the Compound MAC); PEAP's MSK then comes from the binding's IPMK. */
#include <stdio.h>
#include <string.h>

#include "ppp_crypto.h"
#include "ppp_internal.h"
#include "ppp_peap_cb.h"

#define PEAP_FAIL_METHOD PPP_METHOD_PEAP

enum {
	INNER_IDENTITY = 1,
	INNER_NAK = 3,
	INNER_MSCHAPV2 = 26,
	INNER_TLV = 33,
	TLV_RESULT = 3,
	TLV_CRYPTO_BINDING = 12,
	RESULT_SUCCESS = 1,
	RESULT_FAILURE = 2,
};

static void peap_fail(struct ppp *p, const char *why, uint64_t now)
{
	char msg[PPP_MSG_LEN];

	snprintf(msg, sizeof(msg), "PEAP: %s", why);
	ppp_auth_failure(p, PEAP_FAIL_METHOD, 0, false, msg, now);
}

/* Constant-time comparison of two MACs. */
static bool mac_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}

/* The server's Cryptobinding request (value v of vlen bytes): check its Compound MAC against the
 * keys of this tunnel and of the inner MS-CHAPv2, and write our response TLV into out. 0, or -1
 * after failing the authentication with the reason. */
static int crypto_binding(struct ppp *p, const uint8_t *v, size_t vlen,
			  uint8_t out[PPP_PEAP_CB_TLV_LEN], uint64_t now)
{
	const struct ppp_tls_engine *t = p->cfg.tls;
	struct ppp_peap_cb cb;
	uint8_t tk[PPP_TLS_MSK_LEN], ipmk[PPP_PEAP_IPMK_LEN], cmk[PPP_PEAP_CMK_LEN];
	uint8_t mac[PPP_PEAP_MAC_LEN], tlv[PPP_PEAP_CB_TLV_LEN];
	const char *why = ppp_peap_cb_parse(v, vlen, &cb);
	char msg[PPP_MSG_LEN - 16];
	int rc = -1;

	if (why != NULL) {
		snprintf(msg, sizeof(msg), "malformed cryptobinding request from the server: %s", why);
		peap_fail(p, msg, now);
		return -1;
	}
	/* TK's first 64 bytes are the tunnel's MSK; TempKey is its first 40. ISK: the inner
	 * MS-CHAPv2 MasterSendKey || MasterReceiveKey. */
	if (t->msk(t->ctx, tk) != 0 || ppp_peap_cb_keys(tk, p->mschap.hlak, ipmk, cmk) != 0) {
		peap_fail(p, "cannot derive the cryptobinding keys", now);
		goto out;
	}
	ppp_peap_cb_build(&cb, tlv);
	if (ppp_peap_cb_mac(cmk, tlv, mac) != 0) {
		peap_fail(p, "cannot compute the cryptobinding Compound MAC", now);
		goto out;
	}
	if (!mac_equal(mac, cb.mac, sizeof(mac))) {
		peap_fail(p, "the server's cryptobinding Compound MAC does not match this TLS tunnel "
			     "and inner MS-CHAPv2 (a relay in the middle, or a server bug): refused",
			  now);
		goto out;
	}
	/* Our response ([MS-PEAP] 3.2.5.3): same versions, the request's nonce, SubType response,
	 * our MAC. Outer TLVs (3.1.5.5.1) are not supported: a server that sent some in its Start
	 * would include them in its MAC, and the check above refuses it. */
	cb.reserved = 0;
	cb.subtype = PPP_PEAP_CB_RESPONSE;
	memset(cb.mac, 0, sizeof(cb.mac));
	ppp_peap_cb_build(&cb, out);
	if (ppp_peap_cb_mac(cmk, out, out + PPP_PEAP_CB_TLV_LEN - PPP_PEAP_MAC_LEN) != 0) {
		peap_fail(p, "cannot compute the cryptobinding Compound MAC", now);
		goto out;
	}
	memcpy(p->eap.cb_ipmk, ipmk, sizeof(ipmk));
	p->eap.cb_used = true;
	rc = 0;
out:
	ppp_wipe(tk, sizeof(tk));
	ppp_wipe(ipmk, sizeof(ipmk));
	ppp_wipe(cmk, sizeof(cmk));
	return rc;
}

/* Extensions (type 33) Request: TLVs of 2-byte type (M, R bits), 2-byte length, value. A Result
 * TLV, and (NPS) a Cryptobinding TLV, which is verified and answered when the result is a
 * success; other TLVs are skipped. */
static void tlv_request(struct ppp *p, uint8_t id, const uint8_t *d, size_t len, uint64_t now)
{
	struct ppp_rd r = ppp_rd_init(d, len);
	int result = 0;
	const uint8_t *cb = NULL;
	size_t cb_len = 0;
	uint8_t resp[6 + PPP_PEAP_CB_TLV_LEN];
	size_t rlen = 6;
	bool ok;

	while (ppp_rd_left(&r) > 0) {
		uint16_t type = ppp_rd_u16(&r) & 0x3FFF;
		uint16_t vlen = ppp_rd_u16(&r);

		if (r.err || vlen > ppp_rd_left(&r)) {
			peap_fail(p, "malformed TLV from the server", now);
			return;
		}
		if (type == TLV_RESULT && vlen == 2)
			result = ppp_get16(d + r.off);
		else if (type == TLV_CRYPTO_BINDING) {
			cb = d + r.off;
			cb_len = vlen;
		}
		r.off += vlen;
	}
	if (result != RESULT_SUCCESS && result != RESULT_FAILURE) {
		peap_fail(p, "the server sent Extensions without a Result TLV", now);
		return;
	}
	/* Our Result: success only when the inner method proved the server knows the password. */
	ok = result == RESULT_SUCCESS && p->mschap.verified;
	resp[0] = 0x80; /* M bit */
	resp[1] = TLV_RESULT;
	resp[2] = 0;
	resp[3] = 2;
	resp[4] = 0;
	resp[5] = ok ? RESULT_SUCCESS : RESULT_FAILURE;
	if (ok && cb != NULL) {
		if (crypto_binding(p, cb, cb_len, resp + 6, now) != 0)
			return;
		rlen += PPP_PEAP_CB_TLV_LEN;
	}
	eap_send_response(p, id, INNER_TLV, resp, rlen, NULL, 0);
	p->eap.peap_ok = ok; /* on failure the server's EAP-Failure follows */
}

bool peap_hlak(struct ppp *p, uint8_t hlak[PPP_HLAK_LEN])
{
	uint8_t msk[64];

	if (!p->eap.cb_used)
		return eaptls_success(p, hlak);
	if (!eaptls_success(p, hlak) || ppp_peap_cb_msk(p->eap.cb_ipmk, msk) != 0) {
		ppp_wipe(msk, sizeof(msk));
		return false;
	}
	memcpy(hlak, msk, PPP_HLAK_LEN);
	ppp_wipe(msk, sizeof(msk));
	return true;
}

/* One inner Request: type and data, identifier id. */
static void inner_request(struct ppp *p, uint8_t id, uint8_t type, const uint8_t *d, size_t len,
			  uint64_t now)
{
	static const uint8_t nak = INNER_MSCHAPV2;

	switch (type) {
	case INNER_IDENTITY:
		eap_send_response(p, id, INNER_IDENTITY, (const uint8_t *)p->cfg.user,
				  p->cfg.user_len, NULL, 0);
		break;
	case INNER_MSCHAPV2:
		eap_mschapv2_request(p, id, d, len, now);
		break;
	case INNER_TLV:
		tlv_request(p, id, d, len, now);
		break;
	default:
		eap_send_response(p, id, INNER_NAK, &nak, 1, NULL, 0);
		break;
	}
}

void peap_tunnel(struct ppp *p, uint8_t id, const uint8_t *rec, size_t len, uint64_t now)
{
	const struct ppp_tls_engine *t = p->cfg.tls;
	struct eap_state *e = &p->eap;
	const uint8_t *in = NULL, *out = NULL;
	size_t in_len = 0, out_len = 0;
	char why[PPP_MSG_LEN - 16];

	if (t->open(t->ctx, rec, len, &in, &in_len) != 0) {
		snprintf(why, sizeof(why), "%s", t->error(t->ctx));
		peap_fail(p, why, now);
		return;
	}
	if (in_len == 0) {
		eaptls_send_output(p, id, NULL, 0); /* nothing inside yet: keep the exchange going */
		return;
	}
	e->in_tunnel = true;
	e->tun_len = 0;
	e->tun_err = false;
	/* A whole EAP packet (Extensions, some servers' Identity) has Code Request and a Length
	 * equal to what arrived; anything else is PEAPv0's header-less form: type, data. */
	if (in_len >= 5 && in[0] == 1 && ppp_get16(in + 2) == in_len)
		inner_request(p, in[1], in[4], in + 5, in_len - 5, now);
	else
		inner_request(p, id, in[0], in + 1, in_len - 1, now);
	e->in_tunnel = false;
	if (p->auth_done)
		return; /* the inner method failed and said why */
	if (e->tun_err) {
		peap_fail(p, "inner Response too long", now);
		return;
	}
	if (e->tun_len == 0) {
		eaptls_send_output(p, id, NULL, 0);
		return;
	}
	if (t->seal(t->ctx, e->tun, e->tun_len, &out, &out_len) != 0) {
		snprintf(why, sizeof(why), "%s", t->error(t->ctx));
		ppp_wipe(e->tun, sizeof(e->tun));
		peap_fail(p, why, now);
		return;
	}
	ppp_wipe(e->tun, sizeof(e->tun));
	eaptls_send_output(p, id, out, out_len);
}
