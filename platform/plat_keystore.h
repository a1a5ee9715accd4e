/* plat_keystore.h - client identities held in the operating system's key store: a certificate
 * chain plus a tls_signer whose private key never leaves the store. URIs name them:
 *   certstore:CurrentUser/My?thumbprint=HEX   (Windows; also LocalMachine, subject=CN)
 * The URI parser is OS-neutral (plat_keystore_uri.c); opening is per OS (platform/<os>/). */
#ifndef SSTP_PLAT_KEYSTORE_H
#define SSTP_PLAT_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the key store hands out is the TLS layer's (tls_creds.h); callers that look inside
 * include it themselves. */
struct tls_blob;
struct tls_signer;

enum plat_ks_location {
	PLAT_KS_CURRENT_USER = 1,
	PLAT_KS_LOCAL_MACHINE = 2,
};

#define PLAT_KS_STORE_MAX 64    /* store name bytes, NUL included */
#define PLAT_KS_SUBJECT_MAX 256 /* subject CN bytes, NUL included */
#define PLAT_KS_THUMB_LEN 20    /* SHA-1 of the certificate's DER */

/* A parsed certstore: URI. Exactly one of has_thumbprint / subject[0] selects the certificate. */
struct plat_ks_uri {
	enum plat_ks_location location;
	char store[PLAT_KS_STORE_MAX];     /* "My", "Root", ... (letters, digits, '_', '-', '.') */
	bool has_thumbprint;
	uint8_t thumbprint[PLAT_KS_THUMB_LEN];
	char subject[PLAT_KS_SUBJECT_MAX]; /* UTF-8 common name, matched case-insensitively */
};

/* True if s starts with "certstore:" (any case): a URI for plat_keystore_open. */
bool plat_keystore_is_uri(const char *s);

/* Parses "certstore:LOCATION/STORE?thumbprint=HEX" or "...?subject=CN". LOCATION is
 * CurrentUser or LocalMachine (any case). Values are percent-decoded; a thumbprint is 40 hex
 * digits and may contain spaces or colons between them (as Windows dialogs show it). Returns 0,
 * or -1 with a sentence in err naming what is wrong. Never reads past the NUL of uri. */
int plat_keystore_uri_parse(const char *uri, struct plat_ks_uri *out, char *err, size_t errlen);

/* Opens the identity a certstore: URI names. On success returns 0, *chain is a malloc'ed array
 * of *n DER certificates (leaf first, then intermediates the system can chain to, without the
 * root), each blob's data malloc'ed too: the caller frees them with plat_keystore_chain_free.
 * *signer signs with the store's key (RSA); its ctx is owned by whoever calls signer->free
 * (tls_creds_from_signer takes it over). On failure returns -1, nothing to free, and err says
 * why ("no certificate with thumbprint ... in CurrentUser\My", "certstore: URIs are a Windows
 * keystore ..."). */
int plat_keystore_open(const char *uri, struct tls_blob **chain, size_t *n,
		       struct tls_signer *signer, char *err, size_t errlen);

/* Frees what plat_keystore_open returned in *chain (NULL is fine). */
void plat_keystore_chain_free(struct tls_blob *chain, size_t n);

#endif
