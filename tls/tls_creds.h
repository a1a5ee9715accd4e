/* tls_creds.h - a client identity: certificate chain (leaf first) plus a way to sign with its
 * private key. Loaded from files (PEM/DER certificate + PKCS#1/PKCS#8/encrypted PKCS#8 key, or
 * PKCS#12/.pfx) or built around an external signer whose key never leaves its store
 * (PKCS#11, Windows CNG, macOS Keychain adapters plug in through struct tls_signer). */
#ifndef SSTP_TLS_CREDS_H
#define SSTP_TLS_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "tls.h"

enum tls_key_type {
	TLS_KEY_RSA = 1,
	TLS_KEY_EC = 2,
};

enum tls_hash {
	TLS_HASH_NONE = 0, /* digest is already a complete DigestInfo / raw input */
	TLS_HASH_SHA1 = 1,
	TLS_HASH_SHA256 = 2,
	TLS_HASH_SHA384 = 3,
	TLS_HASH_SHA512 = 4,
};

/* An external private key. The signer signs a precomputed digest: RSA keys produce a PKCS#1
 * v1.5 signature over DigestInfo(hash, digest) (TLS_HASH_NONE: sign digest as is); EC keys
 * produce a DER ECDSA-Sig-Value. Returns 0 and sets *sig_len, or -1. The public key comes from
 * the leaf certificate. */
struct tls_signer {
	void *ctx;
	enum tls_key_type type;
	int (*sign)(void *ctx, enum tls_hash hash, const uint8_t *digest, size_t digest_len,
		    uint8_t *sig, size_t sig_size, size_t *sig_len);
	void (*free)(void *ctx); /* called by tls_creds_free; may be NULL */
};

/* Loads a client identity from files. cert_path holds PEM or DER certificates (leaf first or
 * in any order; the leaf is the one matching the key) or a PKCS#12/.pfx (detected by content).
 * key_path: PEM/DER key (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8); NULL when cert_path is a
 * PKCS#12 or a PEM that also holds the key. password: for encrypted keys and PKCS#12; NULL or
 * "" when none. The password is only read; copies made inside are wiped.
 * NULL on failure with a sentence in err ("wrong password for client.p12", ...). */
struct tls_creds *tls_creds_load_files(const char *cert_path, const char *key_path,
				       const char *password, char *err, size_t errlen);

/* Same for a PKCS#12 held in memory. */
struct tls_creds *tls_creds_load_pkcs12(const uint8_t *der, size_t len, const char *password,
					char *err, size_t errlen);

/* Builds an identity around an external signer. chain: DER or PEM certificates, leaf first.
 * Takes ownership of signer->ctx (signer->free is called on failure too). */
struct tls_creds *tls_creds_from_signer(const struct tls_blob *chain, size_t n,
					const struct tls_signer *signer, char *err,
					size_t errlen);

void tls_creds_free(struct tls_creds *c);

/* Number of certificates in the chain (leaf first) and the DER of the i-th (valid until free). */
size_t tls_creds_chain_len(const struct tls_creds *c);
int tls_creds_cert_der(const struct tls_creds *c, size_t i, const uint8_t **der, size_t *len);

/* The leaf's subject CN (for the EAP identity), the full subject ("CN=client, O=..."), and the
 * SHA-1 thumbprint as 40 upper-case hex digits. 0, or -1 if absent/too long. */
int tls_creds_subject_cn(const struct tls_creds *c, char *out, size_t outlen);
int tls_creds_subject(const struct tls_creds *c, char *out, size_t outlen);
int tls_creds_thumbprint(const struct tls_creds *c, char *out, size_t outlen);

#endif
