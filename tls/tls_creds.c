/* tls_creds.c - client identities: certificate chain + private key from PEM/DER files,
 * encrypted PKCS#8 (PBES2 or PKCS#12 PBE, decrypted here because mbedTLS 2.28 lacks AES PBES2),
 * PKCS#12 files, or an external signer (RSA through mbedTLS "RSA alt"). The chain handed to
 * TLS runs leaf -> issuers and leaves out the self-signed root. */
#include "tls_compat.h"

#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/platform_util.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_creds.h"
#include "tls_pkcs12.h"
#include "tls_priv.h"

#define CREDS_FILE_MAX (1024 * 1024)
#define MAX_INPUT_CERTS 32

struct tls_creds {
	mbedtls_x509_crt chain; /* leaf first, root left out */
	mbedtls_pk_context pk;
	struct tls_compat_rsa_alt alt; /* external signer glue (pk points here) */
	struct tls_signer signer;
	int has_signer;
};

mbedtls_x509_crt *tls_creds_crt(const struct tls_creds *c)
{
	return (mbedtls_x509_crt *)&c->chain;
}

mbedtls_pk_context *tls_creds_pk(const struct tls_creds *c)
{
	return (mbedtls_pk_context *)&c->pk;
}

/* Orders the certificates of all (any order) into c->chain: the one at index leaf, then its
 * issuers while they are present, without a self-signed root. */
static int build_chain(struct tls_creds *c, mbedtls_x509_crt *const *all, size_t n, size_t leaf,
		       char *err, size_t errlen)
{
	const mbedtls_x509_crt *cur = all[leaf];
	size_t steps = 0;

	for (;;) {
		if (mbedtls_x509_crt_parse_der(&c->chain, cur->raw.p, cur->raw.len) != 0) {
			snprintf(err, errlen, "cannot copy a certificate of the chain");
			return -1;
		}
		if (tls_crt_self_issued(cur) || ++steps >= n)
			break;
		{
			const mbedtls_x509_crt *next = NULL;

			for (size_t i = 0; i < n && next == NULL; i++)
				if (all[i] != cur && all[i]->subject_raw.len == cur->issuer_raw.len &&
				    memcmp(all[i]->subject_raw.p, cur->issuer_raw.p,
					   cur->issuer_raw.len) == 0)
					next = all[i];
			if (next == NULL || tls_crt_self_issued(next))
				break;
			cur = next;
		}
	}
	return 0;
}

/* Finds the certificate of the key among the list and builds the chain. */
static struct tls_creds *finish(struct tls_creds *c, mbedtls_x509_crt *list, const char *what,
				char *err, size_t errlen)
{
	mbedtls_x509_crt *all[MAX_INPUT_CERTS];
	size_t n = 0, i, leaf = SIZE_MAX;

	for (mbedtls_x509_crt *x = list; x != NULL && x->version != 0 && n < MAX_INPUT_CERTS;
	     x = x->next)
		all[n++] = x;
	if (n == 0) {
		snprintf(err, errlen, "%s holds no certificate", what);
		goto fail;
	}
	for (i = 0; i < n && leaf == SIZE_MAX; i++)
		if (tls_compat_pk_check_pair(&all[i]->pk, &c->pk) == 0)
			leaf = i;
	if (leaf == SIZE_MAX) {
		snprintf(err, errlen, "the private key does not belong to any certificate in %s",
			 what);
		goto fail;
	}
	if (build_chain(c, all, n, leaf, err, errlen) != 0)
		goto fail;
	mbedtls_x509_crt_free(list);
	return c;
fail:
	mbedtls_x509_crt_free(list);
	tls_creds_free(c);
	return NULL;
}

int tls_creds_external(const struct tls_creds *c)
{
	return c->has_signer;
}

static struct tls_creds *creds_alloc(void)
{
	struct tls_creds *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	mbedtls_x509_crt_init(&c->chain);
	mbedtls_pk_init(&c->pk);
	return c;
}

void tls_creds_free(struct tls_creds *c)
{
	if (c == NULL)
		return;
	mbedtls_x509_crt_free(&c->chain);
	mbedtls_pk_free(&c->pk);
	if (c->has_signer && c->signer.free != NULL)
		c->signer.free(c->signer.ctx);
	mbedtls_platform_zeroize(c, sizeof(*c));
	free(c);
}

struct tls_creds *tls_creds_load_pkcs12(const uint8_t *der, size_t len, const char *password,
					char *err, size_t errlen)
{
	struct tls_p12 p12;
	struct tls_creds *c;
	mbedtls_x509_crt list;
	int ret;

	if (tls_drbg() == NULL) {
		snprintf(err, errlen, "cannot seed the random generator");
		return NULL;
	}
	ret = tls_p12_parse(der, len, password, &p12, err, errlen);
	if (ret != TLS_P12_OK)
		return NULL;
	if (!p12.have_key) {
		snprintf(err, errlen, "the PKCS#12 holds no private key");
		tls_p12_free(&p12);
		return NULL;
	}
	c = creds_alloc();
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		tls_p12_free(&p12);
		return NULL;
	}
	ret = tls_compat_pk_parse_key(&c->pk, p12.key.der, p12.key.len, NULL, 0);
	if (ret != 0) {
		snprintf(err, errlen, "the private key in the PKCS#12 cannot be parsed (-0x%04x)",
			 (unsigned)-ret);
		tls_p12_free(&p12);
		tls_creds_free(c);
		return NULL;
	}
	mbedtls_x509_crt_init(&list);
	for (size_t i = 0; i < p12.n_certs; i++)
		if (mbedtls_x509_crt_parse_der(&list, p12.certs[i].der, p12.certs[i].len) != 0) {
			snprintf(err, errlen, "certificate %zu in the PKCS#12 cannot be parsed",
				 i + 1);
			tls_p12_free(&p12);
			mbedtls_x509_crt_free(&list);
			tls_creds_free(c);
			return NULL;
		}
	tls_p12_free(&p12);
	return finish(c, &list, "the PKCS#12", err, errlen);
}

static int is_pem(const uint8_t *buf)
{
	return strstr((const char *)buf, "-----BEGIN ") != NULL;
}

/* DER EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }; the plain
 * forms (PKCS#1, SEC1, PKCS#8) start with SEQUENCE { INTEGER ... }. */
static int is_encrypted_pkcs8(const uint8_t *buf, size_t len)
{
	unsigned char *p = (unsigned char *)buf, *end = p + len;
	size_t l;

	return mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) == 0 &&
	       mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) == 0;
}

static int has_pem(const uint8_t *buf, const char *label)
{
	char hdr[64];

	snprintf(hdr, sizeof(hdr), "-----BEGIN %s-----", label);
	return strstr((const char *)buf, hdr) != NULL;
}

/* EncryptedPrivateKeyInfo (DER) -> plaintext PKCS#8 via our PBES2/PKCS#12 PBE code. */
static int decrypt_pkcs8(const uint8_t *der, size_t len, const char *password, uint8_t **plain,
			 size_t *plain_len, char *err, size_t errlen)
{
	unsigned char *p = (unsigned char *)der, *end = p + len;
	mbedtls_asn1_buf alg, params;
	uint8_t *bmp = NULL;
	size_t l, bmp_len = 0;
	int ret;

	if (mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) != 0 ||
	    mbedtls_asn1_get_alg(&p, end, &alg, &params) != 0 || params.tag != TAG_SEQ ||
	    mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_OCTET_STRING) != 0) {
		snprintf(err, errlen, "encrypted private key is malformed");
		return -1;
	}
	if (password == NULL || password[0] == '\0') {
		snprintf(err, errlen, "the private key is encrypted: give its password");
		return -1;
	}
	if (tls_p12_bmp_password(password, &bmp, &bmp_len) != 0) {
		snprintf(err, errlen, "the password is not valid UTF-8 or is too long");
		return -1;
	}
	ret = tls_p12_decrypt(alg.p, alg.len, params.p, params.len, password, bmp, bmp_len, p, l,
			      plain, plain_len, err, errlen);
	mbedtls_platform_zeroize(bmp, bmp_len);
	free(bmp);
	if (ret == TLS_P12_BAD_PASSWORD)
		snprintf(err, errlen, "wrong password for the private key");
	return ret == TLS_P12_OK ? 0 : -1;
}

/* Parses a key file's content (PEM or DER; buf is NUL-terminated after len). */
static int parse_key(mbedtls_pk_context *pk, const uint8_t *buf, size_t len,
		     const char *password, const char *path, char *err, size_t errlen)
{
	uint8_t *plain = NULL;
	size_t plain_len = 0, pwlen = password ? strlen(password) : 0;
	int ret;
	char why[200];

	if (has_pem(buf, "ENCRYPTED PRIVATE KEY")) {
		mbedtls_pem_context pem;
		size_t used;

		mbedtls_pem_init(&pem);
		ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----",
					      "-----END ENCRYPTED PRIVATE KEY-----", buf, NULL, 0,
					      &used);
		if (ret == 0)
			ret = decrypt_pkcs8(TLS_PEM_BUF(&pem), TLS_PEM_BUFLEN(&pem), password,
					    &plain, &plain_len, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "bad PEM encoding");
		mbedtls_pem_free(&pem);
		if (ret != 0) {
			snprintf(err, errlen, "%s: %s", path, why);
			return -1;
		}
	} else if (!is_pem(buf) && is_encrypted_pkcs8(buf, len)) {
		if (decrypt_pkcs8(buf, len, password, &plain, &plain_len, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", path, why);
			return -1;
		}
	}
	if (plain != NULL) {
		ret = tls_compat_pk_parse_key(pk, plain, plain_len, NULL, 0);
		mbedtls_platform_zeroize(plain, plain_len);
		free(plain);
	} else {
		/* PEM needs its NUL counted; legacy "Proc-Type: 4,ENCRYPTED" PEM is mbedTLS's */
		ret = tls_compat_pk_parse_key(pk, buf, len + (is_pem(buf) ? 1 : 0),
					      (const unsigned char *)password, pwlen);
	}
	if (ret == 0)
		return 0;
	if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED)
		snprintf(err, errlen, "%s: the private key is encrypted: give its password", path);
	else if (ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH)
		snprintf(err, errlen, "%s: wrong password for the private key", path);
	else
		snprintf(err, errlen, "%s: no usable private key (-0x%04x)", path, (unsigned)-ret);
	return -1;
}

static int looks_like_pkcs12(const uint8_t *buf, size_t len)
{
	/* PFX ::= SEQUENCE { INTEGER 3, ... }: 30 len 02 01 03 */
	unsigned char *p = (unsigned char *)buf, *end = p + len;
	size_t l;
	int v;

	return mbedtls_asn1_get_tag(&p, end, &l, TAG_SEQ) == 0 &&
	       mbedtls_asn1_get_int(&p, end, &v) == 0 && v == 3;
}

struct tls_creds *tls_creds_load_files(const char *cert_path, const char *key_path,
				       const char *password, char *err, size_t errlen)
{
	uint8_t *buf = NULL, *kbuf = NULL;
	size_t len = 0, klen = 0;
	struct tls_creds *c = NULL;
	mbedtls_x509_crt list;
	char why[300];
	int ret;

	if (tls_drbg() == NULL) {
		snprintf(err, errlen, "cannot seed the random generator");
		return NULL;
	}
	if (tls_read_file(cert_path, CREDS_FILE_MAX, &buf, &len, err, errlen) != 0)
		return NULL;
	if (!is_pem(buf) && looks_like_pkcs12(buf, len)) {
		c = tls_creds_load_pkcs12(buf, len, password, why, sizeof(why));
		if (c == NULL)
			snprintf(err, errlen, "%s: %s", cert_path, why);
		goto out;
	}
	mbedtls_x509_crt_init(&list);
	ret = mbedtls_x509_crt_parse(&list, buf, len + (is_pem(buf) ? 1 : 0));
	if (ret < 0 || list.version == 0) {
		snprintf(err, errlen, "%s is neither a certificate (PEM/DER) nor a PKCS#12",
			 cert_path);
		mbedtls_x509_crt_free(&list);
		goto out;
	}
	c = creds_alloc();
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		mbedtls_x509_crt_free(&list);
		goto out;
	}
	if (key_path == NULL) {
		if (!has_pem(buf, "PRIVATE KEY") && !has_pem(buf, "RSA PRIVATE KEY") &&
		    !has_pem(buf, "EC PRIVATE KEY") && !has_pem(buf, "ENCRYPTED PRIVATE KEY")) {
			snprintf(err, errlen, "%s holds no private key: give the key file too",
				 cert_path);
			goto fail;
		}
		ret = parse_key(&c->pk, buf, len, password, cert_path, err, errlen);
	} else {
		if (tls_read_file(key_path, CREDS_FILE_MAX, &kbuf, &klen, err, errlen) != 0)
			goto fail;
		ret = parse_key(&c->pk, kbuf, klen, password, key_path, err, errlen);
	}
	if (ret != 0)
		goto fail;
	c = finish(c, &list, cert_path, err, errlen);
	goto out;
fail:
	mbedtls_x509_crt_free(&list);
	tls_creds_free(c);
	c = NULL;
out:
	if (buf != NULL) {
		mbedtls_platform_zeroize(buf, len);
		free(buf);
	}
	if (kbuf != NULL) {
		mbedtls_platform_zeroize(kbuf, klen);
		free(kbuf);
	}
	return c;
}

/* ---- external signers ---- */

static int alt_sign(void *ctx, mbedtls_md_type_t md, const unsigned char *hash, unsigned hlen,
		    unsigned char *sig)
{
	struct tls_creds *c = ctx;
	enum tls_hash h;
	size_t klen = mbedtls_pk_get_len(&c->chain.pk), slen = 0;

	switch (md) {
	case MBEDTLS_MD_NONE: h = TLS_HASH_NONE; break;
	case MBEDTLS_MD_SHA1: h = TLS_HASH_SHA1; break;
	case MBEDTLS_MD_SHA256: h = TLS_HASH_SHA256; break;
	case MBEDTLS_MD_SHA384: h = TLS_HASH_SHA384; break;
	case MBEDTLS_MD_SHA512: h = TLS_HASH_SHA512; break;
	default: return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
	}
	if (c->signer.sign(c->signer.ctx, h, hash, hlen, sig, klen, &slen) != 0 || slen != klen)
		return MBEDTLS_ERR_RSA_PRIVATE_FAILED;
	return 0;
}

static size_t alt_key_len(void *ctx)
{
	const struct tls_creds *c = ctx;

	return mbedtls_pk_get_len(&c->chain.pk);
}

struct tls_creds *tls_creds_from_signer(const struct tls_blob *chain, size_t n,
					const struct tls_signer *signer, char *err, size_t errlen)
{
	struct tls_creds *c = creds_alloc();
	size_t i;

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail_signer;
	}
	c->signer = *signer;
	c->has_signer = 1;
	if (n == 0 || signer->sign == NULL) {
		snprintf(err, errlen, "an external key needs its certificate chain");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		int ret = mbedtls_x509_crt_parse(&c->chain, chain[i].data, chain[i].len);

		if (ret != 0) {
			snprintf(err, errlen, "certificate %zu of the key store cannot be parsed",
				 i + 1);
			goto fail;
		}
	}
	if (signer->type != TLS_KEY_RSA || !mbedtls_pk_can_do(&c->chain.pk, MBEDTLS_PK_RSA)) {
		snprintf(err, errlen, "only RSA keys can sign through an external key store so far");
		goto fail;
	}
	c->alt.sign = alt_sign;
	c->alt.key_len = alt_key_len;
	c->alt.ctx = c;
	if (tls_compat_pk_setup_rsa_alt(&c->pk, &c->alt) != 0) {
		snprintf(err, errlen, "cannot set up the external key");
		goto fail;
	}
	return c;
fail:
	tls_creds_free(c);
	return NULL;
fail_signer:
	if (signer->free != NULL)
		signer->free(signer->ctx);
	return NULL;
}

/* ---- accessors ---- */

size_t tls_creds_chain_len(const struct tls_creds *c)
{
	size_t n = 0;

	for (const mbedtls_x509_crt *x = &c->chain; x != NULL && x->version != 0; x = x->next)
		n++;
	return n;
}

int tls_creds_cert_der(const struct tls_creds *c, size_t i, const uint8_t **der, size_t *len)
{
	const mbedtls_x509_crt *x = &c->chain;

	while (i-- > 0 && x != NULL)
		x = x->next;
	if (x == NULL || x->version == 0)
		return -1;
	*der = x->raw.p;
	*len = x->raw.len;
	return 0;
}

int tls_creds_subject_cn(const struct tls_creds *c, char *out, size_t outlen)
{
	for (const mbedtls_x509_name *n = &c->chain.subject; n != NULL; n = n->next) {
		if (n->oid.p == NULL || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
			continue;
		if (n->val.len + 1 > outlen)
			return -1;
		for (size_t i = 0; i < n->val.len; i++)
			if (n->val.p[i] == 0)
				return -1;
		memcpy(out, n->val.p, n->val.len);
		out[n->val.len] = '\0';
		return 0;
	}
	return -1;
}

int tls_creds_subject(const struct tls_creds *c, char *out, size_t outlen)
{
	return mbedtls_x509_dn_gets(out, outlen, &c->chain.subject) < 0 ? -1 : 0;
}

int tls_creds_thumbprint(const struct tls_creds *c, char *out, size_t outlen)
{
	return tls_sha1_hex(c->chain.raw.p, c->chain.raw.len, out, outlen);
}
