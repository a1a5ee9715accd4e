/* pkg_internal.h - helpers shared by the package reader's files (model building, certificate
 * facts, list parsing). Not for use outside client/pkg_*.c. */
#ifndef SSTP_PKG_INTERNAL_H
#define SSTP_PKG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "pkg.h"

#define SSTP_PKG_MAX_ROOTS 16u
#define SSTP_PKG_MAX_LIST 256u

/* Parse a DER certificate and append it with its subject, CN, validity and fingerprints;
 * a certificate already present (same SHA-256) is skipped. 0, SSTP_ERR_PROFILE or
 * SSTP_ERR_INTERNAL. */
int sstp_pkg_add_root(struct sstp_package *p, const unsigned char *der, size_t len,
		      char *err, size_t errlen);
/* Same from base64 text (blanks and newlines ignored). */
int sstp_pkg_add_root_b64(struct sstp_package *p, const char *b64, char *err, size_t errlen);
/* Fill the facts of one certificate. 0 or -1 when it is not a parseable X.509 certificate. */
int sstp_pkg_cert_info(struct sstp_pkg_cert *c, const unsigned char *der, size_t len);
/* Append unless already present. 0, or -1 when the list is full / out of memory. */
int sstp_pkg_add_route(struct sstp_package *p, const struct sstp_cidr *c);
int sstp_pkg_add_pool(struct sstp_package *p, const struct sstp_cidr *c);
int sstp_pkg_add_dns(struct sstp_package *p, const struct sstp_ip *ip);
/* VpnType list ("SSTP,IkeV2", "OpenVPN IkeV2") to enum sstp_pkg_proto bits. */
unsigned sstp_pkg_proto_parse(const char *s);
/* "SSTP, IKEv2 and OpenVPN" style text of the bits, into buf. */
void sstp_pkg_proto_text(unsigned bits, char *buf, size_t len);
/* A DNS host name or address literal of at most 253 characters. */
bool sstp_pkg_host_valid(const char *h);
/* Copy s without leading/trailing blanks (space, tab, CR, LF) into a new string; NULL on OOM. */
char *sstp_pkg_strdup_trim(const char *s, size_t len);
/* Call fn for each item of a list separated by commas, semicolons or blanks. Stops and returns
 * fn's non-zero result. At most SSTP_PKG_MAX_LIST items (else -2), each under 256 bytes
 * (else -3). */
int sstp_pkg_split(const char *s, int (*fn)(void *ctx, const char *item), void *ctx);
/* Render DER as PEM ("-----BEGIN CERTIFICATE-----" ...), malloc'ed, NUL-terminated. NULL on OOM. */
char *sstp_pkg_der_to_pem(const unsigned char *der, size_t len, size_t *pem_len);

#endif
