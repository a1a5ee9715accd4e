/* ppp_peap_cb.h - PEAPv0 cryptobinding ([MS-PEAP] 2.2.8.1.1, 3.1.5.5): the Cryptobinding TLV an
 * NPS server sends with its Result TLV, the keys that bind the inner method to the TLS tunnel and
 * the Compound MAC over the TLV. Pure functions, exposed so unit tests and the fuzz target can
 * check every step.
 *
 *   TK       = TLS-PRF(master_secret, "client EAP encryption", client_random || server_random)
 *              (the EAP-TLS key material, whose first 64 bytes are the TLS engine's MSK)
 *   TempKey  = TK[0..39]
 *   ISK      = the inner method's keys; EAP-MSCHAPv2: MasterSendKey || MasterReceiveKey (client
 *              view, RFC 3079), 32 bytes
 *   IPMK|CMK = PRF+(TempKey, "Inner Methods Compound Keys" || ISK, 60): IPMK 40, CMK 20
 *   PRF+(K, S, n) = T1 | T2 | ..., Ti = HMAC-SHA1(K, T(i-1) | S | i | 0x00 | 0x00), T0 empty
 *   Compound MAC = HMAC-SHA1(CMK, the 60-byte TLV with its MAC field zeroed || 0x19 (PEAP))
 *   MSK with binding = PRF+(IPMK, "Session Key Generating Function" || 0x00, 64)
 */
#ifndef SSTP_PPP_PEAP_CB_H
#define SSTP_PPP_PEAP_CB_H

#include <stddef.h>
#include <stdint.h>

#define PPP_PEAP_TK_LEN 40    /* TempKey */
#define PPP_PEAP_ISK_LEN 32
#define PPP_PEAP_IPMK_LEN 40
#define PPP_PEAP_CMK_LEN 20
#define PPP_PEAP_NONCE_LEN 32
#define PPP_PEAP_MAC_LEN 20
#define PPP_PEAP_CB_VLEN 56   /* value of the Cryptobinding TLV */
#define PPP_PEAP_CB_TLV_LEN 60 /* with its 4-byte TLV header */
#define PPP_PEAP_CB_TYPE 12
#define PPP_PEAP_CB_REQUEST 0
#define PPP_PEAP_CB_RESPONSE 1

struct ppp_peap_cb {
	uint8_t reserved, version, recv_version, subtype;
	uint8_t nonce[PPP_PEAP_NONCE_LEN];
	uint8_t mac[PPP_PEAP_MAC_LEN];
};

/* PRF+ of [MS-PEAP] 3.1.5.5.2.2 (PEAPv0, HMAC-SHA1) with S = label || seed; olen <= 255 * 20.
 * 0 / -1. */
int ppp_peap_prf_plus(const uint8_t *key, size_t klen, const char *label, const uint8_t *seed,
		      size_t slen, uint8_t *out, size_t olen);
/* IPMK and CMK from TempKey and ISK. 0 / -1. */
int ppp_peap_cb_keys(const uint8_t tk[PPP_PEAP_TK_LEN], const uint8_t isk[PPP_PEAP_ISK_LEN],
		     uint8_t ipmk[PPP_PEAP_IPMK_LEN], uint8_t cmk[PPP_PEAP_CMK_LEN]);
/* The first 64 bytes of the CSK: PEAP's MSK once the binding was used. 0 / -1. */
int ppp_peap_cb_msk(const uint8_t ipmk[PPP_PEAP_IPMK_LEN], uint8_t msk[64]);
/* Parse a Cryptobinding TLV value (after the 4-byte TLV header). NULL when it is a well-formed
 * PEAPv0 request (Version 0, Received Version 0, SubType 0), else why not. */
const char *ppp_peap_cb_parse(const uint8_t *v, size_t vlen, struct ppp_peap_cb *out);
/* The 60-byte TLV (header: type 12 without the M bit, length 56) from cb. */
void ppp_peap_cb_build(const struct ppp_peap_cb *cb, uint8_t tlv[PPP_PEAP_CB_TLV_LEN]);
/* Compound MAC of a 60-byte TLV (its MAC field is taken as zero). 0 / -1. */
int ppp_peap_cb_mac(const uint8_t cmk[PPP_PEAP_CMK_LEN], const uint8_t tlv[PPP_PEAP_CB_TLV_LEN],
		    uint8_t mac[PPP_PEAP_MAC_LEN]);

#endif
