/* tls_identity.h - the EAP-TLS identity of a client certificate, chosen as Windows does: SAN
 * UPN (otherName 1.3.6.1.4.1.311.20.2.3), then SAN e-mail (rfc822Name), then the subject CN. */
#ifndef SSTP_TLS_IDENTITY_H
#define SSTP_TLS_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

struct tls_creds;

#define TLS_IDENTITY_MAX 255 /* an EAP identity longer than this is not used */

struct tls_identity {
	char upn[TLS_IDENTITY_MAX + 1];   /* first UPN otherName, "" when none */
	char email[TLS_IDENTITY_MAX + 1]; /* first rfc822Name, "" when none */
};

/* Read the UPN and e-mail from a certificate's DER. 0 (fields may be empty), or -1 when the
 * DER (or a SAN value of these kinds) is malformed: lengths past the end, wrong tags, names with
 * NUL or control bytes or longer than TLS_IDENTITY_MAX. */
int tls_identity_from_der(const uint8_t *der, size_t der_len, struct tls_identity *id);

/* Pick UPN, then e-mail, then cn (may be NULL). 0 with out filled and *source (if not NULL) a
 * phrase naming where it came from; -1 when none is usable or it does not fit cap. */
int tls_identity_choose(const struct tls_identity *id, const char *cn, char *out, size_t cap,
			const char **source);

/* The identity of the credentials' leaf certificate (UPN, e-mail, CN). 0 or -1. */
int tls_creds_identity(const struct tls_creds *c, char *out, size_t cap, const char **source);

#endif
