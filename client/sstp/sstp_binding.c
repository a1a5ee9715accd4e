/* sstp_binding.c - SSTP crypto binding ([MS-SSTP] 3.2.5.2): certificate hash, CMK via the
 * IKEv2-style PRF+ (first block only) and the compound MAC over CALL_CONNECTED, all through the
 * generic mbedTLS md API (same in 2.28 and 3.x). */
#include "sstp_binding.h"

#include <string.h>

#include <mbedtls/md.h>

static const char cmk_seed[] = "SSTP inner method derived CMK";   /* 29 bytes, no NUL used */

uint8_t sstp_binding_choose_hash(uint8_t server_mask, uint8_t allowed_mask)
{
	uint8_t common;

	if (allowed_mask == 0)
		allowed_mask = SSTP_HASH_MASK_SHA1 | SSTP_HASH_MASK_SHA256;
	common = server_mask & allowed_mask;
	if (common & SSTP_HASH_MASK_SHA256)
		return SSTP_HASH_SHA256;
	if (common & SSTP_HASH_MASK_SHA1)
		return SSTP_HASH_SHA1;
	return 0;
}

size_t sstp_binding_hash_len(uint8_t hash_proto)
{
	switch (hash_proto) {
	case SSTP_HASH_SHA1: return 20;
	case SSTP_HASH_SHA256: return 32;
	default: return 0;
	}
}

const char *sstp_binding_hash_name(uint8_t hash_proto)
{
	switch (hash_proto) {
	case SSTP_HASH_SHA1: return "SHA-1";
	case SSTP_HASH_SHA256: return "SHA-256";
	default: return "none";
	}
}

static const mbedtls_md_info_t *md_of(uint8_t hash_proto)
{
	switch (hash_proto) {
	case SSTP_HASH_SHA1: return mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	case SSTP_HASH_SHA256: return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	default: return NULL;
	}
}

int sstp_binding_cert_hash(uint8_t hash_proto, const uint8_t *der, size_t der_len,
			   uint8_t out[SSTP_HASH_FIELD_LEN])
{
	const mbedtls_md_info_t *md = md_of(hash_proto);

	memset(out, 0, SSTP_HASH_FIELD_LEN);
	if (!md || (!der && der_len))
		return -1;
	if (mbedtls_md(md, der, der_len, out) != 0) {
		memset(out, 0, SSTP_HASH_FIELD_LEN);
		return -1;
	}
	return 0;
}

int sstp_binding_cmk(uint8_t hash_proto, const uint8_t hlak[SSTP_HLAK_LEN],
		     uint8_t cmk[SSTP_HASH_FIELD_LEN])
{
	const mbedtls_md_info_t *md = md_of(hash_proto);
	uint8_t msg[sizeof(cmk_seed) - 1 + 3];
	size_t seed_len = sizeof(cmk_seed) - 1;
	size_t out_len = sstp_binding_hash_len(hash_proto);

	memset(cmk, 0, SSTP_HASH_FIELD_LEN);
	if (!md)
		return -1;
	/* PRF+ T1 = HMAC(K, S || LEN || 0x01); LEN = output length, 16-bit little endian */
	memcpy(msg, cmk_seed, seed_len);
	msg[seed_len] = (uint8_t)(out_len & 0xFF);
	msg[seed_len + 1] = (uint8_t)(out_len >> 8);
	msg[seed_len + 2] = 0x01;
	if (mbedtls_md_hmac(md, hlak, SSTP_HLAK_LEN, msg, sizeof(msg), cmk) != 0) {
		memset(cmk, 0, SSTP_HASH_FIELD_LEN);
		return -1;
	}
	return 0;
}

int sstp_binding_build_connected(uint8_t out[SSTP_CALL_CONNECTED_LEN], uint8_t hash_proto,
				 const uint8_t nonce[SSTP_NONCE_LEN],
				 const uint8_t cert_hash[SSTP_HASH_FIELD_LEN],
				 const uint8_t hlak[SSTP_HLAK_LEN])
{
	static const uint8_t zero_mac[SSTP_HASH_FIELD_LEN];
	const mbedtls_md_info_t *md = md_of(hash_proto);
	uint8_t cmk[SSTP_HASH_FIELD_LEN];
	uint8_t mac[SSTP_HASH_FIELD_LEN];
	int rc = -1;

	if (!md)
		return -1;
	if (sstp_encode_call_connected(out, SSTP_CALL_CONNECTED_LEN, hash_proto, nonce, cert_hash,
				       zero_mac) != SSTP_CALL_CONNECTED_LEN)
		return -1;
	memset(mac, 0, sizeof(mac));
	if (sstp_binding_cmk(hash_proto, hlak, cmk) == 0 &&
	    mbedtls_md_hmac(md, cmk, sstp_binding_hash_len(hash_proto), out,
			    SSTP_CALL_CONNECTED_LEN, mac) == 0) {
		memcpy(out + 80, mac, SSTP_HASH_FIELD_LEN);
		rc = 0;
	}
	memset(cmk, 0, sizeof(cmk));
	memset(mac, 0, sizeof(mac));
	return rc;
}
