/* tls_compat.h - the only place that knows mbedTLS 2.28 (Debian 12) from 3.x (3.6 LTS): thin
 * wrappers over the calls whose signatures changed and accessors for fields 3.x made private.
 * Include it first in every tls/ source (it must precede any mbedTLS header). */
#ifndef SSTP_TLS_COMPAT_H
#define SSTP_TLS_COMPAT_H

/* 3.x hides struct fields behind MBEDTLS_PRIVATE(); this lets the accessors below reach them. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS 1

#include <mbedtls/version.h>

#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <stdint.h>
#include <string.h>

#include "tls.h"

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define TLS_COMPAT_V3 1
#include <psa/crypto.h>
#else
#define TLS_COMPAT_V3 0
#include <mbedtls/bignum.h>
#ifndef MBEDTLS_PRIVATE
#define MBEDTLS_PRIVATE(m) m
#endif
#endif

#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define TLS_COMPAT_HAVE_TLS13 1
#else
#define TLS_COMPAT_HAVE_TLS13 0
#endif

/* Error codes 3.x renamed. TLS_ERR_SSL_NEW_TICKET: a TLS 1.3 ticket arrived, just read again
 * (2.28 never returns it; 1 is not an mbedTLS error code). */
#if TLS_COMPAT_V3
#define TLS_ERR_SSL_BAD_CERT MBEDTLS_ERR_SSL_BAD_CERTIFICATE
#define TLS_ERR_SSL_BAD_VERSION MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION
#define TLS_ERR_SSL_NEW_TICKET MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
#else
#define TLS_ERR_SSL_BAD_CERT MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE
#define TLS_ERR_SSL_BAD_VERSION MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION
#define TLS_ERR_SSL_NEW_TICKET 1
#endif

/* Certificate fields that 3.x made private. */
#define TLS_CRT_KEY_USAGE(c) ((c)->MBEDTLS_PRIVATE(key_usage))
#define TLS_CRT_EXT_TYPES(c) ((c)->MBEDTLS_PRIVATE(ext_types))
#define TLS_CRT_CA_ISTRUE(c) ((c)->MBEDTLS_PRIVATE(ca_istrue))
#define TLS_CRT_SIG_MD(c) ((c)->MBEDTLS_PRIVATE(sig_md))
/* Curve of an EC key held in a pk context. */
#define TLS_PK_EC_GRP_ID(pk) (mbedtls_pk_ec(*(pk))->MBEDTLS_PRIVATE(grp).id)
/* Decoded DER of a mbedtls_pem_context after mbedtls_pem_read_buffer. */
#define TLS_PEM_BUF(ctx) ((ctx)->MBEDTLS_PRIVATE(buf))
#define TLS_PEM_BUFLEN(ctx) ((ctx)->MBEDTLS_PRIVATE(buflen))
/* Description byte of the last alert received (valid after MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE). */
#define TLS_SSL_LAST_ALERT(ssl) ((ssl)->MBEDTLS_PRIVATE(in_msg)[1])
/* Whether a certificate of our own is configured, and whether the server sent a
 * CertificateRequest (2.28 keeps the flag in the context; 3.x in private handshake state: there
 * only the TLS 1.3 certificate_required alert tells). */
#define TLS_SSL_HAS_OWN_CERT(ssl) \
	((ssl)->MBEDTLS_PRIVATE(conf)->MBEDTLS_PRIVATE(key_cert) != NULL)
#if TLS_COMPAT_V3
#define TLS_SSL_SERVER_ASKED_CERT(ssl) 0
#else
#define TLS_SSL_SERVER_ASKED_CERT(ssl) ((ssl)->client_auth != 0)
#endif

/* Library-wide setup needed before any crypto (PSA on 3.x). 0 or -1. */
static inline int tls_compat_init(void)
{
#if TLS_COMPAT_V3
	return psa_crypto_init() == PSA_SUCCESS ? 0 : -1;
#else
	return 0;
#endif
}

/* min/max as 12 or 13 (TLS 1.2 / 1.3). */
static inline void tls_compat_conf_versions(mbedtls_ssl_config *conf, int min, int max)
{
#if TLS_COMPAT_V3
	mbedtls_ssl_conf_min_tls_version(conf, min == 13 ? MBEDTLS_SSL_VERSION_TLS1_3
							 : MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(conf, max == 13 ? MBEDTLS_SSL_VERSION_TLS1_3
							 : MBEDTLS_SSL_VERSION_TLS1_2);
#else
	(void)min;
	(void)max; /* 2.28 has no TLS 1.3: always exactly 1.2 */
	mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

static inline int tls_compat_pk_parse_key(mbedtls_pk_context *pk, const unsigned char *key,
					  size_t keylen, const unsigned char *pwd, size_t pwdlen)
{
#if TLS_COMPAT_V3
	return mbedtls_pk_parse_key(pk, key, keylen, pwd, pwdlen, tls_rng, NULL);
#else
	return mbedtls_pk_parse_key(pk, key, keylen, pwd, pwdlen);
#endif
}

static inline int tls_compat_pk_sign(mbedtls_pk_context *pk, mbedtls_md_type_t md,
				     const unsigned char *hash, size_t hlen, unsigned char *sig,
				     size_t sig_size, size_t *sig_len)
{
#if TLS_COMPAT_V3
	return mbedtls_pk_sign(pk, md, hash, hlen, sig, sig_size, sig_len, tls_rng, NULL);
#else
	if (sig_size < MBEDTLS_PK_SIGNATURE_MAX_SIZE) /* 2.28 assumes a buffer this large */
		return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
	return mbedtls_pk_sign(pk, md, hash, hlen, sig, sig_len, tls_rng, NULL);
#endif
}

static inline int tls_compat_pk_check_pair(const mbedtls_pk_context *pub,
					   const mbedtls_pk_context *prv)
{
#if TLS_COMPAT_V3
	return mbedtls_pk_check_pair(pub, prv, tls_rng, NULL);
#else
	return mbedtls_pk_check_pair(pub, prv);
#endif
}

static inline int tls_compat_pbkdf2(mbedtls_md_type_t md, const unsigned char *pwd, size_t plen,
				    const unsigned char *salt, size_t slen, unsigned iter,
				    uint32_t keylen, unsigned char *out)
{
#if TLS_COMPAT_V3
	return mbedtls_pkcs5_pbkdf2_hmac_ext(md, pwd, plen, salt, slen, iter, keylen, out);
#else
	mbedtls_md_context_t ctx;
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	int ret;

	if (info == NULL)
		return MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE;
	mbedtls_md_init(&ctx);
	ret = mbedtls_md_setup(&ctx, info, 1);
	if (ret == 0)
		ret = mbedtls_pkcs5_pbkdf2_hmac(&ctx, pwd, plen, salt, slen, iter, keylen, out);
	mbedtls_md_free(&ctx);
	return ret;
#endif
}

static inline int tls_compat_crt_set_serial(mbedtls_x509write_cert *crt, const unsigned char *s,
					    size_t len)
{
#if TLS_COMPAT_V3
	return mbedtls_x509write_crt_set_serial_raw(crt, (unsigned char *)s, len);
#else
	mbedtls_mpi mpi;
	int ret;

	mbedtls_mpi_init(&mpi);
	ret = mbedtls_mpi_read_binary(&mpi, s, len);
	if (ret == 0)
		ret = mbedtls_x509write_crt_set_serial(crt, &mpi);
	mbedtls_mpi_free(&mpi);
	return ret;
#endif
}

/* External RSA signing (mbedTLS "RSA alt"): the callback signs PKCS#1 v1.5 over hash. */
struct tls_compat_rsa_alt {
	int (*sign)(void *ctx, mbedtls_md_type_t md, const unsigned char *hash, unsigned hlen,
		    unsigned char *sig);
	size_t (*key_len)(void *ctx);
	void *ctx;
};

#if TLS_COMPAT_V3
static inline int tls_compat_rsa_alt_tramp(void *ctx, mbedtls_f_rng_t *f_rng, void *p_rng,
					   mbedtls_md_type_t md, unsigned int hlen,
					   const unsigned char *hash, unsigned char *sig)
#else
static inline int tls_compat_rsa_alt_tramp(void *ctx, int (*f_rng)(void *, unsigned char *, size_t),
					   void *p_rng, int mode, mbedtls_md_type_t md,
					   unsigned int hlen, const unsigned char *hash,
					   unsigned char *sig)
#endif
{
	const struct tls_compat_rsa_alt *a = ctx;

	(void)f_rng;
	(void)p_rng;
#if !TLS_COMPAT_V3
	if (mode != MBEDTLS_RSA_PRIVATE)
		return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
#endif
	return a->sign(a->ctx, md, hash, hlen, sig);
}

static inline size_t tls_compat_rsa_alt_len(void *ctx)
{
	const struct tls_compat_rsa_alt *a = ctx;

	return a->key_len(a->ctx);
}

/* alt must outlive pk. */
static inline int tls_compat_pk_setup_rsa_alt(mbedtls_pk_context *pk,
					      struct tls_compat_rsa_alt *alt)
{
	return mbedtls_pk_setup_rsa_alt(pk, alt, NULL, tls_compat_rsa_alt_tramp,
					tls_compat_rsa_alt_len);
}

/* TLS 1.2 key export: fn receives the 48-byte master secret, both randoms and the PRF. */
struct tls_compat_export {
	void (*fn)(void *ctx, const unsigned char *ms, size_t ms_len, const unsigned char cr[32],
		   const unsigned char sr[32], mbedtls_tls_prf_types prf);
	void *ctx;
};

#if TLS_COMPAT_V3
static inline void tls_compat_export_tramp(void *p, mbedtls_ssl_key_export_type type,
					   const unsigned char *secret, size_t secret_len,
					   const unsigned char cr[32], const unsigned char sr[32],
					   mbedtls_tls_prf_types prf)
{
	const struct tls_compat_export *e = p;

	if (type == MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET)
		e->fn(e->ctx, secret, secret_len, cr, sr, prf);
}
#else
static inline int tls_compat_export_tramp(void *p, const unsigned char *ms,
					  const unsigned char *kb, size_t maclen, size_t keylen,
					  size_t ivlen, const unsigned char cr[32],
					  const unsigned char sr[32], mbedtls_tls_prf_types prf)
{
	const struct tls_compat_export *e = p;

	(void)kb;
	(void)maclen;
	(void)keylen;
	(void)ivlen;
	e->fn(e->ctx, ms, 48, cr, sr, prf);
	return 0;
}
#endif

/* Call after mbedtls_ssl_setup(ssl, conf); e must outlive ssl. */
static inline void tls_compat_set_export_cb(mbedtls_ssl_config *conf, mbedtls_ssl_context *ssl,
					    struct tls_compat_export *e)
{
#if TLS_COMPAT_V3
	(void)conf;
	mbedtls_ssl_set_export_keys_cb(ssl, tls_compat_export_tramp, e);
#else
	(void)ssl;
	mbedtls_ssl_conf_export_keys_ext_cb(conf, tls_compat_export_tramp, e);
#endif
}

#endif
