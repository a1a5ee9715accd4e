/* tls_pkcs12.c - PKCS#12 reader (RFC 7292, password integrity and privacy modes): checks the
 * MAC, decrypts encryptedData and shrouded key bags, and returns the certificates and the
 * plaintext PKCS#8 key. Every length is checked by mbedTLS's ASN.1 reader; DER only (no BER
 * indefinite lengths). */
#include "tls_compat.h"

#include <mbedtls/asn1.h>
#include <mbedtls/constant_time.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform_util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_pkcs12.h"


#define OID_IS(buf, lit) ((buf).len == sizeof(lit) - 1 && memcmp((buf).p, (lit), (buf).len) == 0)
#define MAX_BAGS 64
#define MAX_NESTING 3

struct p12_ctx {
	struct tls_p12 *out;
	const char *password;
	const uint8_t *bmp;
	size_t bmp_len;
	char *err;
	size_t errlen;
	int bags;
};

static int malformed(struct p12_ctx *c, const char *what)
{
	snprintf(c->err, c->errlen, "malformed PKCS#12: %s", what);
	return TLS_P12_MALFORMED;
}

static int parse_safe_contents(struct p12_ctx *c, unsigned char *p, const unsigned char *end,
			       int depth);

/* bagAttributes: remembers the first localKeyId. */
static int parse_attrs(struct p12_ctx *c, unsigned char *p, const unsigned char *end,
		       struct tls_p12_item *it)
{
	while (p < end) {
		unsigned char *aend, *vend;
		mbedtls_asn1_buf oid;
		size_t len;

		if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0)
			return malformed(c, "bag attribute");
		aend = p + len;
		if (mbedtls_asn1_get_tag(&p, aend, &oid.len, MBEDTLS_ASN1_OID) != 0)
			return malformed(c, "bag attribute type");
		oid.p = p;
		p += oid.len;
		if (mbedtls_asn1_get_tag(&p, aend, &len, TAG_SET) != 0)
			return malformed(c, "bag attribute values");
		vend = p + len;
		if (OID_IS(oid, OID_ATTR_LOCAL_KEY_ID) && it->key_id_len == 0 && p < vend) {
			if (mbedtls_asn1_get_tag(&p, vend, &len, MBEDTLS_ASN1_OCTET_STRING) != 0)
				return malformed(c, "localKeyId");
			if (len <= sizeof(it->key_id)) {
				memcpy(it->key_id, p, len);
				it->key_id_len = len;
			}
		}
		p = aend;
	}
	return TLS_P12_OK;
}

static int take_copy(struct tls_p12_item *it, const unsigned char *p, size_t len)
{
	it->der = malloc(len ? len : 1);
	if (it->der == NULL)
		return TLS_P12_NOMEM;
	memcpy(it->der, p, len);
	it->len = len;
	return TLS_P12_OK;
}

/* EncryptedPrivateKeyInfo or EncryptedContentInfo's algorithm + ciphertext -> plaintext. */
static int decrypt_with(struct p12_ctx *c, const mbedtls_asn1_buf *alg,
			const mbedtls_asn1_buf *params, const unsigned char *ct, size_t ct_len,
			uint8_t **plain, size_t *plain_len)
{
	if (params->tag != TAG_SEQ)
		return malformed(c, "encryption parameters");
	return tls_p12_decrypt(alg->p, alg->len, params->p, params->len, c->password, c->bmp,
			       c->bmp_len, ct, ct_len, plain, plain_len, c->err, c->errlen);
}

static int parse_bag(struct p12_ctx *c, unsigned char *p, const unsigned char *end, int depth)
{
	mbedtls_asn1_buf oid;
	unsigned char *vend, *vstart;
	struct tls_p12_item item;
	size_t len;
	int ret;

	memset(&item, 0, sizeof(item));
	if (++c->bags > MAX_BAGS)
		return malformed(c, "too many bags");
	if (mbedtls_asn1_get_tag(&p, end, &oid.len, MBEDTLS_ASN1_OID) != 0)
		return malformed(c, "bag type");
	oid.p = p;
	p += oid.len;
	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_CTX0) != 0)
		return malformed(c, "bag value");
	vstart = p;
	vend = p + len;
	if (vend < end) {
		size_t alen;
		unsigned char *a = vend;

		if (mbedtls_asn1_get_tag(&a, end, &alen, TAG_SET) != 0 || a + alen != end)
			return malformed(c, "bag attributes");
		ret = parse_attrs(c, a, end, &item);
		if (ret != TLS_P12_OK)
			return ret;
	}

	if (OID_IS(oid, OID_BAG_CERT)) {
		mbedtls_asn1_buf ctype;
		size_t l2;

		if (mbedtls_asn1_get_tag(&p, vend, &len, TAG_SEQ) != 0 ||
		    mbedtls_asn1_get_tag(&p, vend, &ctype.len, MBEDTLS_ASN1_OID) != 0)
			return malformed(c, "certificate bag");
		ctype.p = p;
		p += ctype.len;
		if (!OID_IS(ctype, OID_CERT_X509))
			return TLS_P12_OK; /* SDSI certificates: nothing for us */
		if (mbedtls_asn1_get_tag(&p, vend, &l2, TAG_CTX0) != 0 ||
		    mbedtls_asn1_get_tag(&p, vend, &l2, MBEDTLS_ASN1_OCTET_STRING) != 0)
			return malformed(c, "certificate bag value");
		if (c->out->n_certs == TLS_P12_MAX_CERTS)
			return malformed(c, "too many certificates");
		ret = take_copy(&item, p, l2);
		if (ret != TLS_P12_OK)
			return ret;
		c->out->certs[c->out->n_certs++] = item;
		return TLS_P12_OK;
	}
	if (OID_IS(oid, OID_BAG_KEY) || OID_IS(oid, OID_BAG_SHROUDED)) {
		if (c->out->have_key)
			return TLS_P12_OK; /* only the first key is used */
		if (OID_IS(oid, OID_BAG_KEY)) {
			/* a plaintext PrivateKeyInfo: copy the whole SEQUENCE */
			if (mbedtls_asn1_get_tag(&p, vend, &len, TAG_SEQ) != 0 || p + len != vend)
				return malformed(c, "key bag");
			ret = take_copy(&item, vstart, (size_t)(vend - vstart));
		} else {
			mbedtls_asn1_buf alg, params;
			uint8_t *plain;
			size_t plain_len;

			if (mbedtls_asn1_get_tag(&p, vend, &len, TAG_SEQ) != 0 ||
			    mbedtls_asn1_get_alg(&p, vend, &alg, &params) != 0 ||
			    mbedtls_asn1_get_tag(&p, vend, &len, MBEDTLS_ASN1_OCTET_STRING) != 0)
				return malformed(c, "shrouded key bag");
			ret = decrypt_with(c, &alg, &params, p, len, &plain, &plain_len);
			if (ret != TLS_P12_OK)
				return ret;
			item.der = plain;
			item.len = plain_len;
		}
		if (ret != TLS_P12_OK)
			return ret;
		c->out->key = item;
		c->out->have_key = 1;
		return TLS_P12_OK;
	}
	if (OID_IS(oid, OID_BAG_SAFE)) {
		if (depth >= MAX_NESTING)
			return malformed(c, "safe contents nested too deeply");
		return parse_safe_contents(c, p, vend, depth + 1);
	}
	return TLS_P12_OK; /* CRL and secret bags: ignored */
}

/* SafeContents ::= SEQUENCE OF SafeBag */
static int parse_safe_contents(struct p12_ctx *c, unsigned char *p, const unsigned char *end,
			       int depth)
{
	size_t len;

	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0 || p + len != end)
		return malformed(c, "safe contents");
	while (p < end) {
		unsigned char *bend;
		int ret;

		if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0)
			return malformed(c, "safe bag");
		bend = p + len;
		ret = parse_bag(c, p, bend, depth);
		if (ret != TLS_P12_OK)
			return ret;
		p = bend;
	}
	return TLS_P12_OK;
}

/* One ContentInfo of the AuthenticatedSafe. */
static int parse_content_info(struct p12_ctx *c, unsigned char *p, const unsigned char *end)
{
	mbedtls_asn1_buf oid;
	size_t len;

	if (mbedtls_asn1_get_tag(&p, end, &oid.len, MBEDTLS_ASN1_OID) != 0)
		return malformed(c, "content type");
	oid.p = p;
	p += oid.len;
	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_CTX0) != 0)
		return malformed(c, "content");
	end = p + len;
	if (OID_IS(oid, OID_PKCS7_DATA)) {
		if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OCTET_STRING) != 0)
			return malformed(c, "data content (BER-encoded files are not supported)");
		return parse_safe_contents(c, p, p + len, 0);
	}
	if (OID_IS(oid, OID_PKCS7_ENCRYPTED)) {
		mbedtls_asn1_buf ctype, alg, params;
		uint8_t *plain;
		size_t plain_len;
		int version, ret;

		if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0 ||
		    mbedtls_asn1_get_int(&p, end, &version) != 0 ||
		    mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0 ||
		    mbedtls_asn1_get_tag(&p, end, &ctype.len, MBEDTLS_ASN1_OID) != 0)
			return malformed(c, "encrypted data");
		ctype.p = p;
		p += ctype.len;
		if (!OID_IS(ctype, OID_PKCS7_DATA))
			return malformed(c, "encrypted content is not data");
		if (mbedtls_asn1_get_alg(&p, end, &alg, &params) != 0)
			return malformed(c, "encrypted data algorithm");
		/* encryptedContent [0] IMPLICIT OCTET STRING (primitive in DER) */
		if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0) != 0)
			return malformed(c, "encrypted content (BER-encoded files are not supported)");
		ret = decrypt_with(c, &alg, &params, p, len, &plain, &plain_len);
		if (ret != TLS_P12_OK)
			return ret;
		ret = parse_safe_contents(c, plain, plain + plain_len, 0);
		mbedtls_platform_zeroize(plain, plain_len);
		free(plain);
		return ret;
	}
	if (OID_IS(oid, OID_PKCS7_ENVELOPED)) {
		snprintf(c->err, c->errlen,
			 "PKCS#12 with public-key privacy (envelopedData) is not supported");
		return TLS_P12_UNSUPPORTED;
	}
	return malformed(c, "unknown content type in the authenticated safe");
}

/* MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 * Returns TLS_P12_OK if the MAC over auth verifies with bmp. */
static int check_mac(struct p12_ctx *c, unsigned char *p, const unsigned char *end,
		     const unsigned char *auth, size_t auth_len, const uint8_t *bmp,
		     size_t bmp_len)
{
	mbedtls_asn1_buf alg, params;
	mbedtls_md_type_t md;
	const mbedtls_md_info_t *info;
	uint8_t key[MBEDTLS_MD_MAX_SIZE], mac[MBEDTLS_MD_MAX_SIZE];
	const unsigned char *digest, *salt;
	size_t len, dlen, salt_len, hlen;
	int iter = 1, ret;

	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0 || p + len != end)
		return malformed(c, "MAC data");
	if (mbedtls_asn1_get_tag(&p, end, &len, TAG_SEQ) != 0 ||
	    mbedtls_asn1_get_alg(&p, p + len, &alg, &params) != 0 ||
	    mbedtls_asn1_get_tag(&p, end, &dlen, MBEDTLS_ASN1_OCTET_STRING) != 0)
		return malformed(c, "MAC digest");
	digest = p;
	p += dlen;
	if (mbedtls_asn1_get_tag(&p, end, &salt_len, MBEDTLS_ASN1_OCTET_STRING) != 0)
		return malformed(c, "MAC salt");
	salt = p;
	p += salt_len;
	if (p < end && mbedtls_asn1_get_int(&p, end, &iter) != 0)
		return malformed(c, "MAC iterations");
	if (p != end || iter < 1 || (unsigned)iter > TLS_P12_MAX_ITER)
		return malformed(c, "MAC iteration count");
	if (mbedtls_oid_get_md_alg(&alg, &md) != 0 || (info = mbedtls_md_info_from_type(md)) == NULL) {
		snprintf(c->err, c->errlen,
			 "PKCS#12 MAC algorithm is not supported (only SHA-1 and SHA-2)");
		return TLS_P12_UNSUPPORTED;
	}
	hlen = mbedtls_md_get_size(info);
	if (dlen != hlen)
		return malformed(c, "MAC length");
	if (tls_p12_kdf(md, bmp, bmp_len, salt, salt_len, (unsigned)iter, 3, key, hlen) != 0)
		return malformed(c, "MAC key derivation");
	ret = mbedtls_md_hmac(info, key, hlen, auth, auth_len, mac);
	mbedtls_platform_zeroize(key, sizeof(key));
	if (ret != 0)
		return malformed(c, "MAC computation");
	if (mbedtls_ct_memcmp(mac, digest, hlen) != 0) {
		snprintf(c->err, c->errlen,
			 "wrong password, or the file is damaged (the PKCS#12 MAC does not verify)");
		return TLS_P12_BAD_PASSWORD;
	}
	return TLS_P12_OK;
}

void tls_p12_free(struct tls_p12 *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_certs; i++)
		free(p->certs[i].der);
	if (p->key.der != NULL) {
		mbedtls_platform_zeroize(p->key.der, p->key.len);
		free(p->key.der);
	}
	memset(p, 0, sizeof(*p));
}

int tls_p12_parse(const uint8_t *der, size_t len, const char *password, struct tls_p12 *out,
		  char *err, size_t errlen)
{
	struct p12_ctx c;
	unsigned char *p = (unsigned char *)der, *end = p + len, *ci_end, *auth, *mac = NULL;
	uint8_t *bmp = NULL, *bmp2 = NULL;
	size_t l, auth_len, bmp_len = 0, bmp2_len = 0;
	mbedtls_asn1_buf oid;
	int version, ret;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.password = password;
	c.err = err;
	c.errlen = errlen;
	if (len > TLS_P12_MAX_SIZE)
		return malformed(&c, "file too large");
	if (mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) != 0 || p + l != end)
		return malformed(&c, "not a DER PFX structure");
	if (mbedtls_asn1_get_int(&p, end, &version) != 0 || version != 3)
		return malformed(&c, "PFX version is not 3");
	if (mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) != 0)
		return malformed(&c, "authSafe");
	ci_end = p + l;
	if (mbedtls_asn1_get_tag(&p, ci_end, &oid.len, MBEDTLS_ASN1_OID) != 0)
		return malformed(&c, "authSafe content type");
	oid.p = p;
	p += oid.len;
	if (OID_IS(oid, OID_PKCS7_SIGNED)) {
		snprintf(err, errlen, "PKCS#12 with public-key integrity (signedData) is not supported");
		return TLS_P12_UNSUPPORTED;
	}
	if (!OID_IS(oid, OID_PKCS7_DATA))
		return malformed(&c, "authSafe is not data");
	if (mbedtls_asn1_get_tag(&p, ci_end, &l, TAG_CTX0) != 0 ||
	    mbedtls_asn1_get_tag(&p, ci_end, &auth_len, MBEDTLS_ASN1_OCTET_STRING) != 0 ||
	    p + auth_len != ci_end)
		return malformed(&c, "authSafe content (BER-encoded files are not supported)");
	auth = p;
	p = ci_end;
	if (p < end)
		mac = p;

	if (tls_p12_bmp_password(password, &bmp, &bmp_len) != 0) {
		snprintf(err, errlen, "the password is not valid UTF-8 or is too long");
		return TLS_P12_BAD_PASSWORD;
	}
	if (mac != NULL) {
		ret = check_mac(&c, mac, end, auth, auth_len, bmp, bmp_len);
		if (ret == TLS_P12_BAD_PASSWORD && (password == NULL || password[0] == '\0')) {
			/* no password: some writers use an empty BMPString, others none at all */
			if (tls_p12_bmp_password(password ? NULL : "", &bmp2, &bmp2_len) == 0 &&
			    check_mac(&c, mac, end, auth, auth_len, bmp2, bmp2_len) == TLS_P12_OK) {
				free(bmp);
				bmp = bmp2;
				bmp_len = bmp2_len;
				bmp2 = NULL;
				ret = TLS_P12_OK;
			} else if (password == NULL || password[0] == '\0') {
				snprintf(err, errlen,
					 "the PKCS#12 needs a password (its MAC does not verify "
					 "without one)");
			}
		}
		if (ret != TLS_P12_OK)
			goto out;
		out->mac_present = 1;
	}
	c.bmp = bmp;
	c.bmp_len = bmp_len;

	/* AuthenticatedSafe ::= SEQUENCE OF ContentInfo */
	p = auth;
	end = auth + auth_len;
	if (mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) != 0 || p + l != end) {
		ret = malformed(&c, "authenticated safe");
		goto out;
	}
	while (p < end) {
		unsigned char *e;

		if (mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) != 0) {
			ret = malformed(&c, "content info");
			goto out;
		}
		e = p + l;
		ret = parse_content_info(&c, p, e);
		if (ret != TLS_P12_OK)
			goto out;
		p = e;
	}
	if (out->n_certs == 0) {
		snprintf(err, errlen, "the PKCS#12 holds no certificate");
		ret = TLS_P12_MALFORMED;
		goto out;
	}
	ret = TLS_P12_OK;
out:
	if (bmp != NULL) {
		mbedtls_platform_zeroize(bmp, bmp_len);
		free(bmp);
	}
	if (bmp2 != NULL) {
		mbedtls_platform_zeroize(bmp2, bmp2_len);
		free(bmp2);
	}
	if (ret != TLS_P12_OK)
		tls_p12_free(out);
	return ret;
}
