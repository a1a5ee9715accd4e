/* peap_cb.c - PEAPv0 cryptobinding keys, Compound MAC and TLV codec (see ppp_peap_cb.h for the
 * formulas, [MS-PEAP] 3.1.5.5 for their source). HMAC-SHA1 comes from mbedTLS (ppp_crypto.c). */
#include "ppp_peap_cb.h"

#include <string.h>

#include "ppp_crypto.h"

#define PEAP_EAP_TYPE 25

int ppp_peap_prf_plus(const uint8_t *key, size_t klen, const char *label, const uint8_t *seed,
		      size_t slen, uint8_t *out, size_t olen)
{
	uint8_t t[PPP_SHA1_LEN];
	uint8_t tail[3] = {0, 0, 0};
	size_t done = 0;
	int rc = 0;

	if (olen > 255 * PPP_SHA1_LEN)
		return -1;
	for (unsigned i = 1; done < olen; i++) {
		struct ppp_iov parts[4] = {
			{t, i == 1 ? 0 : sizeof(t)},
			{label, strlen(label)},
			{seed, slen},
			{tail, sizeof(tail)},
		};
		size_t n;

		tail[0] = (uint8_t)i;
		if (ppp_hmac_sha1(key, klen, parts, 4, t) != 0) {
			rc = -1;
			break;
		}
		n = olen - done < sizeof(t) ? olen - done : sizeof(t);
		memcpy(out + done, t, n);
		done += n;
	}
	ppp_wipe(t, sizeof(t));
	return rc;
}

int ppp_peap_cb_keys(const uint8_t tk[PPP_PEAP_TK_LEN], const uint8_t isk[PPP_PEAP_ISK_LEN],
		     uint8_t ipmk[PPP_PEAP_IPMK_LEN], uint8_t cmk[PPP_PEAP_CMK_LEN])
{
	uint8_t imck[PPP_PEAP_IPMK_LEN + PPP_PEAP_CMK_LEN];
	int rc = ppp_peap_prf_plus(tk, PPP_PEAP_TK_LEN, "Inner Methods Compound Keys", isk,
				   PPP_PEAP_ISK_LEN, imck, sizeof(imck));

	if (rc == 0) {
		memcpy(ipmk, imck, PPP_PEAP_IPMK_LEN);
		memcpy(cmk, imck + PPP_PEAP_IPMK_LEN, PPP_PEAP_CMK_LEN);
	}
	ppp_wipe(imck, sizeof(imck));
	return rc;
}

int ppp_peap_cb_msk(const uint8_t ipmk[PPP_PEAP_IPMK_LEN], uint8_t msk[64])
{
	static const uint8_t nul = 0; /* Windows counts the label's terminating NUL here */

	return ppp_peap_prf_plus(ipmk, PPP_PEAP_IPMK_LEN, "Session Key Generating Function", &nul, 1,
				 msk, 64);
}

const char *ppp_peap_cb_parse(const uint8_t *v, size_t vlen, struct ppp_peap_cb *out)
{
	memset(out, 0, sizeof(*out));
	if (vlen != PPP_PEAP_CB_VLEN)
		return "Cryptobinding TLV length is not 56";
	out->reserved = v[0];
	out->version = v[1];
	out->recv_version = v[2];
	out->subtype = v[3];
	memcpy(out->nonce, v + 4, PPP_PEAP_NONCE_LEN);
	memcpy(out->mac, v + 4 + PPP_PEAP_NONCE_LEN, PPP_PEAP_MAC_LEN);
	if (out->version != 0)
		return "Cryptobinding TLV version is not 0";
	if (out->recv_version != 0)
		return "Cryptobinding TLV received version is not PEAPv0";
	if (out->subtype != PPP_PEAP_CB_REQUEST)
		return "Cryptobinding TLV is not a request";
	return NULL;
}

void ppp_peap_cb_build(const struct ppp_peap_cb *cb, uint8_t tlv[PPP_PEAP_CB_TLV_LEN])
{
	tlv[0] = 0;
	tlv[1] = PPP_PEAP_CB_TYPE;
	tlv[2] = 0;
	tlv[3] = PPP_PEAP_CB_VLEN;
	tlv[4] = cb->reserved;
	tlv[5] = cb->version;
	tlv[6] = cb->recv_version;
	tlv[7] = cb->subtype;
	memcpy(tlv + 8, cb->nonce, PPP_PEAP_NONCE_LEN);
	memcpy(tlv + 8 + PPP_PEAP_NONCE_LEN, cb->mac, PPP_PEAP_MAC_LEN);
}

int ppp_peap_cb_mac(const uint8_t cmk[PPP_PEAP_CMK_LEN], const uint8_t tlv[PPP_PEAP_CB_TLV_LEN],
		    uint8_t mac[PPP_PEAP_MAC_LEN])
{
	static const uint8_t zero[PPP_PEAP_MAC_LEN];
	static const uint8_t type = PEAP_EAP_TYPE;
	const struct ppp_iov parts[3] = {
		{tlv, PPP_PEAP_CB_TLV_LEN - PPP_PEAP_MAC_LEN},
		{zero, sizeof(zero)},
		{&type, 1},
	};

	return ppp_hmac_sha1(cmk, PPP_PEAP_CMK_LEN, parts, 3, mac);
}
