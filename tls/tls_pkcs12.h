/* tls_pkcs12.h - PKCS#12 / .pfx (RFC 7292) on mbedTLS primitives: the reader (MAC check,
 * PKCS#12 PBE with 3DES/RC2, PBES2 with PBKDF2 + AES/3DES), the writer (PBES2 AES-256-CBC,
 * PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC) and the password-based crypto both share. */
#ifndef SSTP_TLS_PKCS12_H
#define SSTP_TLS_PKCS12_H

#include <stddef.h>
#include <stdint.h>

#define TLS_P12_MAX_CERTS 16
#define TLS_P12_MAX_SIZE (1024 * 1024)

enum tls_p12_rc {
	TLS_P12_OK = 0,
	TLS_P12_NOMEM = -1,
	TLS_P12_BAD_PASSWORD = -2, /* MAC mismatch or decryption failed: wrong password or damage */
	TLS_P12_MALFORMED = -3,
	TLS_P12_UNSUPPORTED = -4,  /* an algorithm or encoding this reader does not handle */
};

struct tls_p12_item {
	uint8_t *der; /* malloc'd */
	size_t len;
	uint8_t key_id[64]; /* localKeyId attribute, if any */
	size_t key_id_len;
};

/* What a PKCS#12 held. key is a plaintext PKCS#8 PrivateKeyInfo (wiped by tls_p12_free). */
struct tls_p12 {
	struct tls_p12_item certs[TLS_P12_MAX_CERTS];
	size_t n_certs;
	struct tls_p12_item key;
	int have_key;
	int mac_present; /* a MAC was present and verified */
};

/* Parses and decrypts der. password: UTF-8, NULL or "" for none. On error, err says why and
 * *out holds nothing (it is always safe to call tls_p12_free). */
int tls_p12_parse(const uint8_t *der, size_t len, const char *password, struct tls_p12 *out,
		  char *err, size_t errlen);
void tls_p12_free(struct tls_p12 *p);

/* Writes a PKCS#12: certs[0] is the leaf (gets the localKeyId matching the key), the others
 * follow in order; key is a PKCS#8 PrivateKeyInfo DER. friendly_name may be NULL. *out is
 * malloc'd. password must be non-empty. TLS_P12_OK or an error with err. */
int tls_p12_write(const uint8_t *const *certs, const size_t *cert_lens, size_t n_certs,
		  const uint8_t *key, size_t key_len, const char *password,
		  const char *friendly_name, uint8_t **out, size_t *out_len, char *err,
		  size_t errlen);

/* ---- OIDs and tags shared by reader and writer (expand where <mbedtls/oid.h> is included) ---- */
#define OID_PKCS7_DATA MBEDTLS_OID_PKCS "\x07\x01"
#define OID_PKCS7_SIGNED MBEDTLS_OID_PKCS "\x07\x02"
#define OID_PKCS7_ENVELOPED MBEDTLS_OID_PKCS "\x07\x03"
#define OID_PKCS7_ENCRYPTED MBEDTLS_OID_PKCS "\x07\x06"
#define OID_BAG_KEY MBEDTLS_OID_PKCS12 "\x0a\x01\x01"
#define OID_BAG_SHROUDED MBEDTLS_OID_PKCS12 "\x0a\x01\x02"
#define OID_BAG_CERT MBEDTLS_OID_PKCS12 "\x0a\x01\x03"
#define OID_BAG_SAFE MBEDTLS_OID_PKCS12 "\x0a\x01\x06"
#define OID_CERT_X509 MBEDTLS_OID_PKCS9 "\x16\x01"
#define OID_ATTR_FRIENDLY_NAME MBEDTLS_OID_PKCS9 "\x14"
#define OID_ATTR_LOCAL_KEY_ID MBEDTLS_OID_PKCS9 "\x15"
#define OID_AES128_CBC MBEDTLS_OID_AES "\x02"
#define OID_AES192_CBC MBEDTLS_OID_AES "\x16"
#define OID_AES256_CBC MBEDTLS_OID_AES "\x2a"
#define TAG_SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
#define TAG_SET (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET)
#define TAG_CTX0 (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0)

/* ---- shared password-based crypto (tls_p12_crypto.c) ---- */

/* Most iterations accepted for a KDF, and the password length cap (bytes of UTF-8). */
#ifdef SSTP_FUZZING
#define TLS_P12_MAX_ITER 64
#else
#define TLS_P12_MAX_ITER 10000000
#endif
#define TLS_P12_MAX_PASSWORD 1024

/* RFC 7292 appendix B.1: the password as a BMPString with a two-byte NUL terminator; NULL
 * password gives an empty result. malloc'd into *out (wipe and free it). 0 or -1 (not UTF-8,
 * too long, out of memory). */
int tls_p12_bmp_password(const char *password, uint8_t **out, size_t *out_len);

/* RFC 7292 appendix B.2 key derivation; id 1 = key, 2 = IV, 3 = MAC key. md is an
 * mbedtls_md_type_t. 0 or -1. */
int tls_p12_kdf(int md, const uint8_t *bmp_pwd, size_t pwd_len, const uint8_t *salt,
		size_t salt_len, unsigned iterations, uint8_t id, uint8_t *out, size_t out_len);

/* Decrypts data encrypted under the algorithm identifier alg_oid/alg_params (PKCS#12 PBE or
 * PBES2) into a malloc'd *out (padding removed). password: UTF-8 (PBES2); bmp: the same as a
 * BMPString (PKCS#12 PBE). Returns a TLS_P12_* code and err. */
int tls_p12_decrypt(const uint8_t *alg_oid, size_t oid_len, const uint8_t *params,
		    size_t params_len, const char *password, const uint8_t *bmp, size_t bmp_len,
		    const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len, char *err,
		    size_t errlen);

#endif
