/* tls_priv.h - internals shared by the tls/ sources and their unit tests, not by other modules:
 * trust-anchor loading, the certificate verification context and its mbedTLS callback, small
 * formatting helpers, and what mbedTLS needs from a struct tls_creds. */
#ifndef SSTP_TLS_PRIV_H
#define SSTP_TLS_PRIV_H

#include "tls_compat.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"
#include "tls_creds.h"

#define TLS_MAX_PINS 8
#define TLS_MSG_LEN 600

/* Loads trust anchors into ca (initialised by the caller): every path (file or directory),
 * every blob (PEM or DER), and the system store when system is set (system_path or the
 * default). Returns the number of certificates loaded, or -1 with err set (an unreadable
 * explicit path, a blob that is not a certificate). */
int tls_ca_load(mbedtls_x509_crt *ca, const char *const *paths, const struct tls_blob *blobs,
		size_t n_blobs, int system, const char *system_path, char *err, size_t errlen);

/* Verification policy and result for one handshake; the callback fills the result. */
struct tls_verify {
	char name[256];  /* expected name, "" = no name check */
	uint8_t ip[16];  /* name as an address when ip_len is 4 or 16 */
	size_t ip_len;
	uint8_t pins[TLS_MAX_PINS][32];
	size_t n_pins;
	int insecure;    /* accept anything, remember what was wrong in warning */
	/* filled by tls_verify_cb */
	uint32_t flags;  /* union of the problems found (MBEDTLS_X509_BADCERT_*) */
	int pin_matched;
	int have_leaf_pin;
	uint8_t leaf_pin[32];
	char error[TLS_MSG_LEN];
	char warning[TLS_MSG_LEN];
};

/* Sets the expected name (DNS name or IP literal, brackets allowed; NULL/"" = none). 0 or -1. */
int tls_verify_set_name(struct tls_verify *v, const char *name);

/* Parses --pin-sha256 (base64 or hex, "sha256//" prefix allowed, ',' separated). 0 or -1. */
int tls_verify_set_pins(struct tls_verify *v, const char *pins, char *err, size_t errlen);

/* Forgets the result of a previous handshake. */
void tls_verify_reset(struct tls_verify *v);

/* mbedTLS verify callback (mbedtls_ssl_set_verify) with ctx = struct tls_verify. */
int tls_verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);

/* 1 if crt is valid for the expected name of v (DNS/IP SANs, CN only without DNS SANs). */
int tls_verify_name_matches(const struct tls_verify *v, const mbedtls_x509_crt *crt);

/* 1 if the literal is an IPv4/IPv6 address (brackets allowed); fills out (4 or 16 bytes). */
int tls_parse_ip(const char *s, uint8_t out[16], size_t *out_len);

/* SHA-256 over the certificate's SubjectPublicKeyInfo DER. 0 or -1. */
int tls_spki_sha256(const mbedtls_x509_crt *crt, uint8_t out[32]);

/* "YYYY-MM-DD" of an X.509 time. */
void tls_fmt_date(const mbedtls_x509_time *t, char *out, size_t outlen);

/* Subject/issuer DN as text ("CN=foo, O=bar"); "?" on failure. */
void tls_fmt_dn(const mbedtls_x509_name *dn, char *out, size_t outlen);

/* Appends printf-style text to a NUL-terminated buffer, truncating safely. */
void tls_appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 1 if the certificate's issuer name equals its subject name (a root or self-signed leaf). */
int tls_crt_self_issued(const mbedtls_x509_crt *crt);

/* SHA-1 of data as upper-case hex (a certificate thumbprint) into out (>= 41). 0 or -1. */
int tls_sha1_hex(const uint8_t *data, size_t len, char *out, size_t outlen);

/* Base64 without line breaks into out; 0 or -1 if out is too small. */
int tls_base64(const uint8_t *in, size_t len, char *out, size_t outlen);

/* Reads a whole file (at most max bytes) into a malloc'd buffer with a NUL after the data.
 * 0, or -1 with err ("cannot read F: reason"). */
int tls_read_file(const char *path, size_t max, uint8_t **out, size_t *outlen, char *err,
		  size_t errlen);

/* What the TLS contexts need from an identity: the chain (leaf first, mbedTLS list) and the
 * private key (possibly an external signer behind RSA alt). */
mbedtls_x509_crt *tls_creds_crt(const struct tls_creds *c);
mbedtls_pk_context *tls_creds_pk(const struct tls_creds *c);
/* 1 if the key is an external signer (PKCS#1 v1.5 only: no RSA-PSS, so no TLS 1.3). */
int tls_creds_external(const struct tls_creds *c);

/* Maps an mbedTLS handshake/record error to TLS_ERR_* and one sentence in out. v (may be
 * NULL) holds what the verify callback found; sys_errno the socket error, if any. */
int tls_map_error(const mbedtls_ssl_context *ssl, const struct tls_verify *v, int ret,
		  int sys_errno, const char *during, char *out, size_t outlen);

/* The name of a TLS alert description ("bad_record_mac"), "unknown alert" when unknown. */
const char *tls_alert_name(unsigned a);

/* Cipher suites the linked mbedTLS offers, AEAD/ECDHE first, weak ones dropped; 0-terminated,
 * caller frees. NULL on allocation failure. */
int *tls_suite_list(void);

/* The private key as a PKCS#8 PrivateKeyInfo DER (RSA or EC), malloc'd; wipe and free it.
 * 0 or -1. */
int tls_pk_write_pkcs8(mbedtls_pk_context *pk, uint8_t **out, size_t *out_len);

/* The global random source as mbedTLS needs it (tls_random.c). */
mbedtls_ctr_drbg_context *tls_drbg(void);

#endif
