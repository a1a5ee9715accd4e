/* tls_rc2.h - RC2 (RFC 2268), only for reading legacy PKCS#12 files whose certificates are
 * encrypted with pbeWithSHAAnd40BitRC2-CBC (OpenSSL 1.x's default); mbedTLS has no RC2. */
#ifndef SSTP_TLS_RC2_H
#define SSTP_TLS_RC2_H

#include <stddef.h>
#include <stdint.h>

struct tls_rc2 {
	uint16_t k[64];
};

/* Expands key (1..128 bytes) with the given effective key bits (1..1024). 0 or -1. */
int tls_rc2_setkey(struct tls_rc2 *c, const uint8_t *key, size_t keylen, unsigned eff_bits);

/* One 8-byte block (in and out may alias). */
void tls_rc2_encrypt(const struct tls_rc2 *c, const uint8_t in[8], uint8_t out[8]);
void tls_rc2_decrypt(const struct tls_rc2 *c, const uint8_t in[8], uint8_t out[8]);

/* CBC decryption of len bytes (a multiple of 8) in place; padding is left to the caller. 0/-1. */
int tls_rc2_cbc_decrypt(const struct tls_rc2 *c, uint8_t iv[8], uint8_t *buf, size_t len);

/* Wipes the key schedule. */
void tls_rc2_wipe(struct tls_rc2 *c);

#endif
