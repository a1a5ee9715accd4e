/* tls_p12_write.c - PKCS#12 writer in the shape OpenSSL 3 and Windows 10+ produce: certificates
 * in an encryptedData, the key in a shrouded key bag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC),
 * and an HMAC-SHA256 MAC. DER is built back to front with mbedTLS's asn1write functions. */
#include "tls_compat.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/cipher.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform_util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"
#include "tls_pkcs12.h"
#include "tls_priv.h"

/* OpenSSL 3's default; capped so that fuzz builds (TLS_P12_MAX_ITER 64) read what they write */
#define P12_ITER (TLS_P12_MAX_ITER < 2048 ? TLS_P12_MAX_ITER : 2048)
#define P12_SALT_LEN 16

/* A back-to-front DER buffer with a sticky error. */
struct wbuf {
	unsigned char *buf, *p;
	size_t size;
	int err;
};

static int wb_init(struct wbuf *w, size_t size)
{
	w->buf = malloc(size);
	w->size = size;
	w->p = w->buf + size;
	w->err = w->buf == NULL;
	return w->err ? -1 : 0;
}

static size_t wb_len(const struct wbuf *w)
{
	return w->err ? 0 : (size_t)(w->buf + w->size - w->p);
}

static void wb_free(struct wbuf *w)
{
	if (w->buf != NULL) {
		mbedtls_platform_zeroize(w->buf, w->size);
		free(w->buf);
	}
	w->buf = NULL;
}

static void wb_check(struct wbuf *w, int r)
{
	if (r < 0)
		w->err = 1;
}

static void put_raw(struct wbuf *w, const void *d, size_t len)
{
	if (!w->err)
		wb_check(w, mbedtls_asn1_write_raw_buffer(&w->p, w->buf, d, len));
}

/* Closes a constructed or primitive element whose content began at mark (a wb_len value). */
static void put_hdr(struct wbuf *w, size_t mark, unsigned char tag)
{
	if (w->err)
		return;
	wb_check(w, mbedtls_asn1_write_len(&w->p, w->buf, wb_len(w) - mark));
	if (!w->err)
		wb_check(w, mbedtls_asn1_write_tag(&w->p, w->buf, tag));
}

static void put_tlv(struct wbuf *w, unsigned char tag, const void *d, size_t len)
{
	size_t m = wb_len(w);

	put_raw(w, d, len);
	put_hdr(w, m, tag);
}

static void put_oid(struct wbuf *w, const char *oid, size_t len)
{
	put_tlv(w, MBEDTLS_ASN1_OID, oid, len);
}

#define PUT_OID(w, lit) put_oid((w), (lit), sizeof(lit) - 1)

static void put_int(struct wbuf *w, int v)
{
	if (!w->err)
		wb_check(w, mbedtls_asn1_write_int(&w->p, w->buf, v));
}

/* AlgorithmIdentifier of PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC. */
static void put_pbes2_alg(struct wbuf *w, const uint8_t *salt, const uint8_t iv[16])
{
	size_t alg = wb_len(w), params, enc, kdf, kdfp, prf;

	params = wb_len(w);
	enc = wb_len(w);
	put_tlv(w, MBEDTLS_ASN1_OCTET_STRING, iv, 16);
	PUT_OID(w, OID_AES256_CBC);
	put_hdr(w, enc, TAG_SEQ);
	kdf = wb_len(w);
	kdfp = wb_len(w);
	prf = wb_len(w);
	if (!w->err)
		wb_check(w, mbedtls_asn1_write_null(&w->p, w->buf));
	PUT_OID(w, MBEDTLS_OID_HMAC_SHA256);
	put_hdr(w, prf, TAG_SEQ);
	put_int(w, P12_ITER);
	put_tlv(w, MBEDTLS_ASN1_OCTET_STRING, salt, P12_SALT_LEN);
	put_hdr(w, kdfp, TAG_SEQ);
	PUT_OID(w, MBEDTLS_OID_PKCS5_PBKDF2);
	put_hdr(w, kdf, TAG_SEQ);
	put_hdr(w, params, TAG_SEQ);
	PUT_OID(w, MBEDTLS_OID_PKCS5_PBES2);
	put_hdr(w, alg, TAG_SEQ);
}

/* Encrypts in under PBES2 with fresh salt and IV; writes ciphertext (as tag) and then the
 * algorithm identifier in front of it, i.e. "AlgorithmIdentifier, <tag> ciphertext". */
static int put_encrypted(struct wbuf *w, const char *password, const uint8_t *in, size_t len,
			 unsigned char ct_tag)
{
	const mbedtls_cipher_info_t *info = mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_256_CBC);
	mbedtls_cipher_context_t c;
	uint8_t salt[P12_SALT_LEN], iv[16], key[32], *ct;
	size_t olen = 0;
	int ret;

	if (info == NULL || tls_random(salt, sizeof(salt)) != 0 || tls_random(iv, sizeof(iv)) != 0)
		return -1;
	if (tls_compat_pbkdf2(MBEDTLS_MD_SHA256, (const unsigned char *)password, strlen(password),
			      salt, sizeof(salt), P12_ITER, 32, key) != 0)
		return -1;
	ct = malloc(len + 16);
	if (ct == NULL) {
		mbedtls_platform_zeroize(key, sizeof(key));
		return -1;
	}
	mbedtls_cipher_init(&c);
	ret = mbedtls_cipher_setup(&c, info);
	if (ret == 0)
		ret = mbedtls_cipher_setkey(&c, key, 256, MBEDTLS_ENCRYPT);
	if (ret == 0)
		ret = mbedtls_cipher_set_padding_mode(&c, MBEDTLS_PADDING_PKCS7);
	if (ret == 0)
		ret = mbedtls_cipher_crypt(&c, iv, sizeof(iv), in, len, ct, &olen);
	mbedtls_cipher_free(&c);
	mbedtls_platform_zeroize(key, sizeof(key));
	if (ret == 0) {
		put_tlv(w, ct_tag, ct, olen);
		put_pbes2_alg(w, salt, iv);
	}
	free(ct);
	return ret == 0 && !w->err ? 0 : -1;
}

/* bagAttributes SET { localKeyId, friendlyName } */
static void put_attrs(struct wbuf *w, const uint8_t key_id[20], const uint8_t *bmp_name,
		      size_t bmp_len)
{
	size_t set = wb_len(w), a, v;

	if (bmp_name != NULL) {
		a = wb_len(w);
		v = wb_len(w);
		put_tlv(w, MBEDTLS_ASN1_BMP_STRING, bmp_name, bmp_len);
		put_hdr(w, v, TAG_SET);
		PUT_OID(w, OID_ATTR_FRIENDLY_NAME);
		put_hdr(w, a, TAG_SEQ);
	}
	a = wb_len(w);
	v = wb_len(w);
	put_tlv(w, MBEDTLS_ASN1_OCTET_STRING, key_id, 20);
	put_hdr(w, v, TAG_SET);
	PUT_OID(w, OID_ATTR_LOCAL_KEY_ID);
	put_hdr(w, a, TAG_SEQ);
	put_hdr(w, set, TAG_SET);
}

/* The plaintext SafeContents of certificate bags, leaf (certs[0]) first, the leaf's bag with
 * the key's attributes. 0, or -1 when w ran out. */
static int put_cert_safe(struct wbuf *w, const uint8_t *const *certs, const size_t *cert_lens,
			 size_t n_certs, const uint8_t key_id[20], const uint8_t *bmp_name,
			 size_t bmp_name_len)
{
	size_t m = wb_len(w);

	for (size_t i = n_certs; i-- > 0;) {
		size_t bag = wb_len(w), val, cb, ex, os;

		if (i == 0)
			put_attrs(w, key_id, bmp_name, bmp_name_len);
		val = wb_len(w);
		cb = wb_len(w);
		ex = wb_len(w);
		os = wb_len(w);
		put_raw(w, certs[i], cert_lens[i]);
		put_hdr(w, os, MBEDTLS_ASN1_OCTET_STRING);
		put_hdr(w, ex, TAG_CTX0);
		PUT_OID(w, OID_CERT_X509);
		put_hdr(w, cb, TAG_SEQ);
		put_hdr(w, val, TAG_CTX0);
		PUT_OID(w, OID_BAG_CERT);
		put_hdr(w, bag, TAG_SEQ);
	}
	put_hdr(w, m, TAG_SEQ);
	return w->err ? -1 : 0;
}

/* The AuthenticatedSafe's second ContentInfo: data holding the key's SafeContents (one
 * shrouded key bag, the key encrypted under the password). 0 or -1. */
static int put_key_info(struct wbuf *w, const char *password, const uint8_t *key, size_t key_len,
			const uint8_t key_id[20], const uint8_t *bmp_name, size_t bmp_name_len)
{
	size_t ci = wb_len(w), ex, os, sc, bag, val, epki;

	ex = wb_len(w);
	os = wb_len(w);
	sc = wb_len(w);
	bag = wb_len(w);
	put_attrs(w, key_id, bmp_name, bmp_name_len);
	val = wb_len(w);
	epki = wb_len(w);
	if (put_encrypted(w, password, key, key_len, MBEDTLS_ASN1_OCTET_STRING) != 0)
		return -1;
	put_hdr(w, epki, TAG_SEQ);
	put_hdr(w, val, TAG_CTX0);
	PUT_OID(w, OID_BAG_SHROUDED);
	put_hdr(w, bag, TAG_SEQ);
	put_hdr(w, sc, TAG_SEQ);
	put_hdr(w, os, MBEDTLS_ASN1_OCTET_STRING);
	put_hdr(w, ex, TAG_CTX0);
	PUT_OID(w, OID_PKCS7_DATA);
	put_hdr(w, ci, TAG_SEQ);
	return w->err ? -1 : 0;
}

/* The AuthenticatedSafe's first ContentInfo: encryptedData of the certificate SafeContents.
 * 0 or -1. */
static int put_cert_info(struct wbuf *w, const char *password, const struct wbuf *certsafe)
{
	size_t ci = wb_len(w), ex, ed, eci;

	ex = wb_len(w);
	ed = wb_len(w);
	eci = wb_len(w);
	if (put_encrypted(w, password, certsafe->p, wb_len(certsafe),
			  MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0) != 0)
		return -1;
	PUT_OID(w, OID_PKCS7_DATA);
	put_hdr(w, eci, TAG_SEQ);
	put_int(w, 0);
	put_hdr(w, ed, TAG_SEQ);
	put_hdr(w, ex, TAG_CTX0);
	PUT_OID(w, OID_PKCS7_ENCRYPTED);
	put_hdr(w, ci, TAG_SEQ);
	return w->err ? -1 : 0;
}

/* The PFX: version 3, the AuthenticatedSafe as data, MacData (SHA-256 HMAC mac over it, its salt
 * and P12_ITER). 0, or -1 when w ran out. */
static int put_pfx(struct wbuf *w, const struct wbuf *auth, const uint8_t mac_salt[P12_SALT_LEN],
		   const uint8_t mac[32])
{
	size_t m = wb_len(w), m2, m3, alg;

	m2 = wb_len(w); /* MacData */
	put_int(w, P12_ITER);
	put_tlv(w, MBEDTLS_ASN1_OCTET_STRING, mac_salt, P12_SALT_LEN);
	m3 = wb_len(w); /* DigestInfo */
	put_tlv(w, MBEDTLS_ASN1_OCTET_STRING, mac, 32);
	alg = wb_len(w);
	if (!w->err)
		wb_check(w, mbedtls_asn1_write_null(&w->p, w->buf));
	PUT_OID(w, MBEDTLS_OID_DIGEST_ALG_SHA256);
	put_hdr(w, alg, TAG_SEQ);
	put_hdr(w, m3, TAG_SEQ);
	put_hdr(w, m2, TAG_SEQ);
	m2 = wb_len(w); /* authSafe ContentInfo */
	m3 = wb_len(w);
	put_tlv(w, MBEDTLS_ASN1_OCTET_STRING, auth->p, wb_len(auth));
	put_hdr(w, m3, TAG_CTX0);
	PUT_OID(w, OID_PKCS7_DATA);
	put_hdr(w, m2, TAG_SEQ);
	put_int(w, 3);
	put_hdr(w, m, TAG_SEQ);
	return w->err ? -1 : 0;
}

int tls_p12_write(const uint8_t *const *certs, const size_t *cert_lens, size_t n_certs,
		  const uint8_t *key, size_t key_len, const char *password,
		  const char *friendly_name, uint8_t **out, size_t *out_len, char *err,
		  size_t errlen)
{
	const mbedtls_md_info_t *sha1 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	const mbedtls_md_info_t *sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	struct wbuf certsafe = { 0 }, auth = { 0 }, pfx = { 0 };
	uint8_t key_id[20], mac_salt[P12_SALT_LEN], mac_key[32], mac[32];
	uint8_t *bmp = NULL, *bmp_name = NULL;
	size_t total = key_len, bmp_len = 0, bmp_name_len = 0, i, m;
	int ret = TLS_P12_NOMEM;

	*out = NULL;
	*out_len = 0;
	if (password == NULL || password[0] == '\0' || n_certs == 0 || sha1 == NULL ||
	    sha256 == NULL) {
		snprintf(err, errlen, "a PKCS#12 needs a password, a certificate and a key");
		return TLS_P12_MALFORMED;
	}
	for (i = 0; i < n_certs; i++)
		total += cert_lens[i];
	if (total > TLS_P12_MAX_SIZE / 2) {
		snprintf(err, errlen, "certificates and key are too large for a PKCS#12");
		return TLS_P12_MALFORMED;
	}
	if (tls_p12_bmp_password(password, &bmp, &bmp_len) != 0 ||
	    (friendly_name != NULL &&
	     tls_p12_bmp_password(friendly_name, &bmp_name, &bmp_name_len) != 0)) {
		snprintf(err, errlen, "password or name is not valid UTF-8");
		ret = TLS_P12_MALFORMED;
		goto out;
	}
	if (bmp_name != NULL)
		bmp_name_len -= 2; /* an attribute value has no terminator */
	if (mbedtls_md(sha1, certs[0], cert_lens[0], key_id) != 0)
		goto fail;
	if (wb_init(&certsafe, total + 1024 + 256 * n_certs) != 0 ||
	    wb_init(&auth, 2 * total + 4096) != 0 ||
	    wb_init(&pfx, 2 * total + 8192) != 0)
		goto fail;

	if (put_cert_safe(&certsafe, certs, cert_lens, n_certs, key_id, bmp_name,
			  bmp_name_len) != 0)
		goto fail;
	/* AuthenticatedSafe: [encryptedData(certs), data(shrouded key bag)] */
	m = wb_len(&auth);
	if (put_key_info(&auth, password, key, key_len, key_id, bmp_name, bmp_name_len) != 0 ||
	    put_cert_info(&auth, password, &certsafe) != 0)
		goto fail;
	put_hdr(&auth, m, TAG_SEQ);
	if (auth.err)
		goto fail;

	/* MAC over the AuthenticatedSafe */
	if (tls_random(mac_salt, sizeof(mac_salt)) != 0 ||
	    tls_p12_kdf(MBEDTLS_MD_SHA256, bmp, bmp_len, mac_salt, sizeof(mac_salt), P12_ITER, 3,
			mac_key, sizeof(mac_key)) != 0 ||
	    mbedtls_md_hmac(sha256, mac_key, sizeof(mac_key), auth.p, wb_len(&auth), mac) != 0)
		goto fail;

	if (put_pfx(&pfx, &auth, mac_salt, mac) != 0)
		goto fail;
	*out = malloc(wb_len(&pfx));
	if (*out == NULL)
		goto fail;
	memcpy(*out, pfx.p, wb_len(&pfx));
	*out_len = wb_len(&pfx);
	ret = TLS_P12_OK;
	goto out;
fail:
	snprintf(err, errlen, "cannot build the PKCS#12 (out of memory or no randomness)");
out:
	wb_free(&certsafe);
	wb_free(&auth);
	wb_free(&pfx);
	mbedtls_platform_zeroize(mac_key, sizeof(mac_key));
	if (bmp != NULL) {
		mbedtls_platform_zeroize(bmp, bmp_len);
		free(bmp);
	}
	free(bmp_name);
	return ret;
}

int tls_pk_write_pkcs8(mbedtls_pk_context *pk, uint8_t **out, size_t *out_len)
{
	size_t size = 8192, klen, m, alg;
	struct wbuf w;
	uint8_t *tmp;
	int ret;

	*out = NULL;
	*out_len = 0;
	tmp = malloc(size);
	if (tmp == NULL)
		return -1;
	/* the inner key (PKCS#1 RSAPrivateKey or SEC1 ECPrivateKey) is written at the end */
	ret = mbedtls_pk_write_key_der(pk, tmp, size);
	if (ret <= 0 || wb_init(&w, (size_t)ret + 128) != 0) {
		mbedtls_platform_zeroize(tmp, size);
		free(tmp);
		return -1;
	}
	klen = (size_t)ret;
	m = wb_len(&w);
	put_tlv(&w, MBEDTLS_ASN1_OCTET_STRING, tmp + size - klen, klen);
	mbedtls_platform_zeroize(tmp, size);
	free(tmp);
	alg = wb_len(&w);
	if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_RSA) {
		if (!w.err)
			wb_check(&w, mbedtls_asn1_write_null(&w.p, w.buf));
		PUT_OID(&w, MBEDTLS_OID_PKCS1_RSA);
	} else if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_ECKEY) {
		const char *curve;
		size_t clen;

		if (mbedtls_oid_get_oid_by_ec_grp(TLS_PK_EC_GRP_ID(pk), &curve, &clen) != 0)
			w.err = 1;
		else
			put_oid(&w, curve, clen);
		PUT_OID(&w, MBEDTLS_OID_EC_ALG_UNRESTRICTED);
	} else {
		w.err = 1;
	}
	put_hdr(&w, alg, TAG_SEQ);
	put_int(&w, 0);
	put_hdr(&w, m, TAG_SEQ);
	if (!w.err && (*out = malloc(wb_len(&w))) != NULL) {
		*out_len = wb_len(&w);
		memcpy(*out, w.p, *out_len);
	}
	wb_free(&w);
	return *out != NULL ? 0 : -1;
}
