/* sstp_binding.h - SSTP crypto binding ([MS-SSTP] 3.2.5.2): hash choice from the server's
 * bitmask, certificate hash of the outer TLS server leaf (DER), CMK from the HLAK and the compound
 * MAC over CALL_CONNECTED. Uses mbedTLS md/HMAC only; pure, no allocation kept. */
#ifndef SSTP_BINDING_H
#define SSTP_BINDING_H

#include <stddef.h>
#include <stdint.h>

#include "sstp_codec.h"

#define SSTP_HLAK_LEN 32

/* Picks SSTP_HASH_SHA256 when both sides allow it, else SSTP_HASH_SHA1, else 0 (no common hash).
 * allowed_mask: SSTP_HASH_MASK_* bits the client accepts (0 means both). */
uint8_t sstp_binding_choose_hash(uint8_t server_mask, uint8_t allowed_mask);
/* Digest length of a hash protocol: 20, 32, or 0 if unknown. */
size_t sstp_binding_hash_len(uint8_t hash_proto);
/* "SHA-256", "SHA-1" or "none". */
const char *sstp_binding_hash_name(uint8_t hash_proto);

/* out = H(der) zero padded to 32 bytes. Returns 0 or -1 (unknown hash or mbedTLS failure). */
int sstp_binding_cert_hash(uint8_t hash_proto, const uint8_t *der, size_t der_len,
			   uint8_t out[SSTP_HASH_FIELD_LEN]);
/* CMK = HMAC-H(HLAK, "SSTP inner method derived CMK" || LEN16LE || 0x01), zero padded to 32. */
int sstp_binding_cmk(uint8_t hash_proto, const uint8_t hlak[SSTP_HLAK_LEN],
		     uint8_t cmk[SSTP_HASH_FIELD_LEN]);
/* Builds the complete 112-byte CALL_CONNECTED into out: binding fields plus the compound MAC
 * HMAC-H(CMK, message with MAC zeroed) at offset 80. cert_hash is the padded 32-byte field.
 * Returns 0 or -1. */
int sstp_binding_build_connected(uint8_t out[SSTP_CALL_CONNECTED_LEN], uint8_t hash_proto,
				 const uint8_t nonce[SSTP_NONCE_LEN],
				 const uint8_t cert_hash[SSTP_HASH_FIELD_LEN],
				 const uint8_t hlak[SSTP_HLAK_LEN]);

#endif
