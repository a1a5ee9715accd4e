/* tls_pkcs11.h - client identities on PKCS#11 tokens (smart cards, HSMs, SoftHSM2) named by a
 * pkcs11: URI (RFC 7512). The private key never leaves the token: TLS signatures go through
 * C_Sign (RSA PKCS#1 v1.5) behind a struct tls_signer. */
#ifndef SSTP_TLS_PKCS11_H
#define SSTP_TLS_PKCS11_H

#include <stddef.h>

struct tls_creds;

/* 1 if this build can load PKCS#11 modules (built with the PKCS#11 header of p11-kit). */
int tls_pkcs11_available(void);

/* Opens the certificate and RSA private key a URI names. Understood URI attributes: token,
 * serial, slot-id, object, id (percent-encoded bytes), type; query: module-path. The PIN comes
 * from the caller (a file or stdin, never the URI: pin-value is refused). module: the PKCS#11
 * module when the URI has no module-path (NULL: p11-kit-proxy.so, which serves every module the
 * system registered). The certificate is the one with the URI's id/label; the key the private
 * key with the same CKA_ID. Returns NULL with a sentence in err. The module stays loaded and
 * logged in until tls_creds_free. */
struct tls_creds *tls_pkcs11_load(const char *uri, const char *module, const char *pin,
				  char *err, size_t errlen);

#endif
