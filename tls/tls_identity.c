/* tls_identity.c - the EAP-TLS identity a certificate stands for, chosen as Windows does: the
 * user principal name from the subject-alternative-name (otherName 1.3.6.1.4.1.311.20.2.3), then
 * the SAN e-mail address (rfc822Name), then the subject CN. mbedTLS 2.28 keeps otherName values
 * of this type unparsed, so the certificate's DER is walked here with the bounds-checked
 * mbedtls_asn1 readers: every length is checked against what is left before it is used. */
#include "tls_compat.h"

#include <mbedtls/asn1.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tls_creds.h"
#include "tls_identity.h"

/* 1.3.6.1.4.1.311.20.2.3 (szOID_NT_PRINCIPAL_NAME) and 2.5.29.17 (subjectAltName), DER. */
static const uint8_t oid_upn[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03};
static const uint8_t oid_san[] = {0x55, 0x1D, 0x11};

/* One TLV at *p: its tag, and *p moved to the contents (len bytes, all inside end). */
static int next_tlv(unsigned char **p, const unsigned char *end, int *tag, size_t *len)
{
	if (*p >= end)
		return -1;
	*tag = **p;
	(*p)++;
	return mbedtls_asn1_get_len(p, end, len) == 0 ? 0 : -1;
}

/* Skip one TLV with the given tag (or any tag when tag < 0). */
static int skip_tlv(unsigned char **p, const unsigned char *end, int tag)
{
	int t;
	size_t len;

	if (next_tlv(p, end, &t, &len) != 0 || (tag >= 0 && t != tag))
		return -1;
	*p += len;
	return 0;
}

/* A name usable as an EAP identity: printable, no NUL or controls, fits out. */
static int copy_name(const unsigned char *s, size_t n, char *out, size_t cap)
{
	if (n == 0 || n + 1 > cap || n > TLS_IDENTITY_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7F)
			return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* otherName contents: type-id OID, [0] EXPLICIT value. Fills upn when it is a UPN. */
static int other_name(unsigned char *p, const unsigned char *end, char *upn, size_t cap)
{
	size_t len;
	int tag;

	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OID) != 0)
		return -1;
	if (len != sizeof(oid_upn) || memcmp(p, oid_upn, len) != 0)
		return 0; /* another otherName type: not ours */
	p += len;
	if (mbedtls_asn1_get_tag(&p, end, &len,
				 MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0) != 0)
		return -1;
	end = p + len;
	if (next_tlv(&p, end, &tag, &len) != 0 || p + len != end)
		return -1;
	if (tag != MBEDTLS_ASN1_UTF8_STRING && tag != MBEDTLS_ASN1_IA5_STRING &&
	    tag != MBEDTLS_ASN1_PRINTABLE_STRING)
		return -1;
	if (upn[0] == '\0' && copy_name(p, len, upn, cap) != 0)
		return -1;
	return 0;
}

/* GeneralNames (the SAN extension's value). */
static int general_names(unsigned char *p, const unsigned char *end, struct tls_identity *id)
{
	size_t len;
	int tag;

	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
		    0 ||
	    p + len != end)
		return -1;
	while (p < end) {
		if (next_tlv(&p, end, &tag, &len) != 0)
			return -1;
		if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0)) {
			if (other_name(p, p + len, id->upn, sizeof(id->upn)) != 0)
				return -1;
		} else if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 1) && id->email[0] == '\0') {
			if (copy_name(p, len, id->email, sizeof(id->email)) != 0)
				return -1;
		}
		p += len;
	}
	return 0;
}

/* Extensions ::= SEQUENCE OF Extension { extnID, critical BOOLEAN DEFAULT FALSE, OCTET STRING } */
static int extensions(unsigned char *p, const unsigned char *end, struct tls_identity *id)
{
	size_t len;

	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
		    0 ||
	    p + len != end)
		return -1;
	while (p < end) {
		unsigned char *ext_end;
		bool san;

		if (mbedtls_asn1_get_tag(&p, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
			return -1;
		ext_end = p + len;
		if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OID) != 0)
			return -1;
		san = len == sizeof(oid_san) && memcmp(p, oid_san, len) == 0;
		p += len;
		if (p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN && skip_tlv(&p, ext_end, -1) != 0)
			return -1;
		if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) != 0 ||
		    p + len != ext_end)
			return -1;
		if (san && general_names(p, ext_end, id) != 0)
			return -1;
		p = ext_end;
	}
	return 0;
}

static int walk_cert(const uint8_t *der, size_t der_len, struct tls_identity *id)
{
	unsigned char *p = (unsigned char *)der;
	const unsigned char *end = der + der_len;
	size_t len;
	int tag;

	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ... }, ... } */
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
		    0 ||
	    mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
		return -1;
	end = p + len;
	if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0) &&
	    skip_tlv(&p, end, -1) != 0)
		return -1; /* version */
	if (skip_tlv(&p, end, MBEDTLS_ASN1_INTEGER) != 0) /* serialNumber */
		return -1;
	for (int i = 0; i < 5; i++) /* signature, issuer, validity, subject, subjectPublicKeyInfo */
		if (skip_tlv(&p, end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
			return -1;
	while (p < end) { /* issuerUniqueID [1], subjectUniqueID [2], extensions [3] */
		unsigned char *c;

		if (next_tlv(&p, end, &tag, &len) != 0)
			return -1;
		c = p;
		p += len;
		if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3))
			return extensions(c, p, id);
	}
	return 0; /* a v1 certificate: no extensions */
}

int tls_identity_from_der(const uint8_t *der, size_t der_len, struct tls_identity *id)
{
	memset(id, 0, sizeof(*id));
	if (der == NULL || walk_cert(der, der_len, id) != 0) {
		memset(id, 0, sizeof(*id)); /* nothing half-read is used */
		return -1;
	}
	return 0;
}

int tls_identity_choose(const struct tls_identity *id, const char *cn, char *out, size_t cap,
			const char **source)
{
	const char *v = NULL, *src = NULL;

	if (id != NULL && id->upn[0]) {
		v = id->upn;
		src = "certificate UPN (subject alternative name)";
	} else if (id != NULL && id->email[0]) {
		v = id->email;
		src = "certificate e-mail (subject alternative name)";
	} else if (cn != NULL && cn[0]) {
		v = cn;
		src = "certificate subject CN";
	}
	if (v == NULL || strlen(v) + 1 > cap)
		return -1;
	snprintf(out, cap, "%s", v);
	if (source)
		*source = src;
	return 0;
}

int tls_creds_identity(const struct tls_creds *c, char *out, size_t cap, const char **source)
{
	struct tls_identity id;
	const uint8_t *der;
	size_t der_len;
	char cn[TLS_IDENTITY_MAX + 1];

	if (c == NULL || tls_creds_cert_der(c, 0, &der, &der_len) != 0)
		return -1;
	if (tls_identity_from_der(der, der_len, &id) != 0)
		memset(&id, 0, sizeof(id)); /* mbedTLS parsed it; a SAN we cannot read: use the CN */
	if (tls_creds_subject_cn(c, cn, sizeof(cn)) != 0)
		cn[0] = '\0';
	return tls_identity_choose(&id, cn, out, cap, source);
}
