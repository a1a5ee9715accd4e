/* ppp_crypto.h - the hash and cipher primitives the PPP auth methods need: MD4 (in-tree, since
 * mbedTLS 3.x dropped it), SHA-1, HMAC-SHA1 and single DES (both through mbedTLS). Pure functions. */
#ifndef SSTP_PPP_CRYPTO_H
#define SSTP_PPP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define PPP_MD4_LEN 16
#define PPP_SHA1_LEN 20

/* One piece of a multi-part hash input. */
struct ppp_iov {
	const void *p;
	size_t len;
};

/* MD4 (RFC 1320) of in[0..len). */
void ppp_md4(const uint8_t *in, size_t len, uint8_t out[PPP_MD4_LEN]);
/* SHA-1 of the concatenation of n pieces. 0 on success, -1 on a library failure. */
int ppp_sha1(const struct ppp_iov *parts, size_t n, uint8_t out[PPP_SHA1_LEN]);
/* HMAC-SHA1 (RFC 2104, through mbedTLS) keyed with key[0..klen) over the concatenation of n
 * pieces. 0 on success, -1 on a library failure. */
int ppp_hmac_sha1(const uint8_t *key, size_t klen, const struct ppp_iov *parts, size_t n,
		  uint8_t out[PPP_SHA1_LEN]);
/* DES-ECB encryption of one block with a 56-bit key given as 7 bytes (parity bits are added
 * as RFC 2759 DesEncrypt expects). 0 on success, -1 on a library failure. */
int ppp_des_encrypt(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8]);
/* Wipe memory in a way the compiler cannot optimise away. */
void ppp_wipe(void *p, size_t n);

#endif
