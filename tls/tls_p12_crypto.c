/* tls_p12_crypto.c - password-based crypto of PKCS#12 files: the BMPString password, the
 * RFC 7292 key derivation, and decryption under PKCS#12 PBE (3DES, 2-key 3DES, RC2-40, RC2-128)
 * or PBES2 (PBKDF2 with HMAC-SHA1/224/256/384/512, AES-128/192/256-CBC or DES-EDE3-CBC). */
#include "tls_compat.h"

#include <mbedtls/asn1.h>
#include <mbedtls/cipher.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform_util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_pkcs12.h"
#include "tls_rc2.h"

#define OID_IS(oid, len, lit) ((len) == sizeof(lit) - 1 && memcmp((oid), (lit), (len)) == 0)

int tls_p12_bmp_password(const char *password, uint8_t **out, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)password;
	size_t n, i = 0, o = 0;
	uint8_t *b;

	*out = NULL;
	*out_len = 0;
	if (password == NULL) {
		*out = malloc(1);
		return *out != NULL ? 0 : -1;
	}
	n = strlen(password);
	if (n > TLS_P12_MAX_PASSWORD)
		return -1;
	b = malloc(4 * n + 2); /* every code point takes at most 4 bytes in UTF-16 */
	if (b == NULL)
		return -1;
	while (i < n) {
		uint32_t cp;
		size_t extra;

		if (s[i] < 0x80) {
			cp = s[i];
			extra = 0;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f;
			extra = 1;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f;
			extra = 2;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07;
			extra = 3;
		} else {
			goto bad;
		}
		if (extra > 0 && i + extra >= n)
			goto bad;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			goto bad;
		i += extra + 1;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | v >> 10), lo = (uint16_t)(0xdc00 | (v & 0x3ff));

			b[o++] = (uint8_t)(hi >> 8);
			b[o++] = (uint8_t)hi;
			b[o++] = (uint8_t)(lo >> 8);
			b[o++] = (uint8_t)lo;
		} else {
			b[o++] = (uint8_t)(cp >> 8);
			b[o++] = (uint8_t)cp;
		}
	}
	b[o++] = 0;
	b[o++] = 0;
	*out = b;
	*out_len = o;
	return 0;
bad:
	mbedtls_platform_zeroize(b, 4 * n + 2);
	free(b);
	return -1;
}

/* I_j = (I_j + B + 1) mod 2^(8v), big-endian, for one v-byte block. */
static void add_block(uint8_t *ij, const uint8_t *b, size_t v)
{
	unsigned carry = 1;

	for (size_t k = v; k-- > 0;) {
		carry += (unsigned)ij[k] + b[k];
		ij[k] = (uint8_t)carry;
		carry >>= 8;
	}
}

int tls_p12_kdf(int md, const uint8_t *pwd, size_t pwd_len, const uint8_t *salt,
		size_t salt_len, unsigned iterations, uint8_t id, uint8_t *out, size_t out_len)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type((mbedtls_md_type_t)md);
	mbedtls_md_context_t ctx;
	uint8_t d[128], a[MBEDTLS_MD_MAX_SIZE], b[128];
	uint8_t *ibuf = NULL;
	size_t u, v, slen, plen, ilen, i;
	int ret = -1;

	if (info == NULL || iterations < 1 || iterations > TLS_P12_MAX_ITER ||
	    pwd_len > 4 * TLS_P12_MAX_PASSWORD + 2 || salt_len > 1024)
		return -1;
	u = mbedtls_md_get_size(info);
	v = md == MBEDTLS_MD_SHA384 || md == MBEDTLS_MD_SHA512 ? 128 : 64;
	slen = salt_len ? v * ((salt_len + v - 1) / v) : 0;
	plen = pwd_len ? v * ((pwd_len + v - 1) / v) : 0;
	ilen = slen + plen;
	ibuf = malloc(ilen ? ilen : 1);
	if (ibuf == NULL)
		return -1;
	for (i = 0; i < slen; i++)
		ibuf[i] = salt[i % salt_len];
	for (i = 0; i < plen; i++)
		ibuf[slen + i] = pwd[i % pwd_len];
	memset(d, id, v);
	mbedtls_md_init(&ctx);
	if (mbedtls_md_setup(&ctx, info, 0) != 0)
		goto out;
	while (out_len > 0) {
		size_t take = out_len < u ? out_len : u;

		if (mbedtls_md_starts(&ctx) != 0 || mbedtls_md_update(&ctx, d, v) != 0 ||
		    mbedtls_md_update(&ctx, ibuf, ilen) != 0 || mbedtls_md_finish(&ctx, a) != 0)
			goto out;
		for (unsigned it = 1; it < iterations; it++)
			if (mbedtls_md(info, a, u, a) != 0)
				goto out;
		memcpy(out, a, take);
		out += take;
		out_len -= take;
		if (out_len == 0)
			break;
		for (i = 0; i < v; i++)
			b[i] = a[i % u];
		for (i = 0; i < ilen; i += v)
			add_block(ibuf + i, b, v);
	}
	ret = 0;
out:
	mbedtls_md_free(&ctx);
	mbedtls_platform_zeroize(a, sizeof(a));
	mbedtls_platform_zeroize(b, sizeof(b));
	mbedtls_platform_zeroize(ibuf, ilen ? ilen : 1);
	free(ibuf);
	return ret;
}

/* CBC decryption with PKCS#7 padding through mbedTLS's cipher layer. */
static int cbc_decrypt(mbedtls_cipher_type_t type, const uint8_t *key, size_t keylen,
		       const uint8_t *iv, size_t ivlen, const uint8_t *in, size_t in_len,
		       uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	const mbedtls_cipher_info_t *info = mbedtls_cipher_info_from_type(type);
	mbedtls_cipher_context_t c;
	uint8_t *buf;
	size_t olen = 0;
	int ret;

	if (info == NULL) {
		snprintf(err, errlen, "this mbedTLS lacks the cipher the PKCS#12 uses");
		return TLS_P12_UNSUPPORTED;
	}
	if (in_len == 0 || in_len % 8 != 0 || in_len > TLS_P12_MAX_SIZE) {
		snprintf(err, errlen, "encrypted PKCS#12 content has a bad length");
		return TLS_P12_MALFORMED;
	}
	buf = malloc(in_len + 16);
	if (buf == NULL)
		return TLS_P12_NOMEM;
	mbedtls_cipher_init(&c);
	ret = mbedtls_cipher_setup(&c, info);
	if (ret == 0)
		ret = mbedtls_cipher_setkey(&c, key, (int)(keylen * 8), MBEDTLS_DECRYPT);
	if (ret == 0)
		ret = mbedtls_cipher_set_padding_mode(&c, MBEDTLS_PADDING_PKCS7);
	if (ret == 0)
		ret = mbedtls_cipher_crypt(&c, iv, ivlen, in, in_len, buf, &olen);
	mbedtls_cipher_free(&c);
	if (ret != 0) {
		mbedtls_platform_zeroize(buf, in_len + 16);
		free(buf);
		if (ret == MBEDTLS_ERR_CIPHER_INVALID_PADDING) {
			snprintf(err, errlen, "decryption failed (wrong password?)");
			return TLS_P12_BAD_PASSWORD;
		}
		snprintf(err, errlen, "decryption error -0x%04x", (unsigned)-ret);
		return TLS_P12_MALFORMED;
	}
	*out = buf;
	*out_len = olen;
	return TLS_P12_OK;
}

static int rc2_decrypt(const uint8_t *key, size_t keylen, unsigned bits, const uint8_t iv[8],
		       const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len, char *err,
		       size_t errlen)
{
	struct tls_rc2 rc2;
	uint8_t ivc[8], *buf;
	unsigned pad;

	if (in_len == 0 || in_len % 8 != 0 || in_len > TLS_P12_MAX_SIZE) {
		snprintf(err, errlen, "encrypted PKCS#12 content has a bad length");
		return TLS_P12_MALFORMED;
	}
	buf = malloc(in_len);
	if (buf == NULL)
		return TLS_P12_NOMEM;
	memcpy(buf, in, in_len);
	memcpy(ivc, iv, 8);
	tls_rc2_setkey(&rc2, key, keylen, bits);
	tls_rc2_cbc_decrypt(&rc2, ivc, buf, in_len);
	tls_rc2_wipe(&rc2);
	pad = buf[in_len - 1];
	for (unsigned k = 1; pad >= 1 && pad <= 8 && k <= pad; k++)
		if (buf[in_len - k] != pad)
			pad = 0;
	if (pad < 1 || pad > 8) {
		mbedtls_platform_zeroize(buf, in_len);
		free(buf);
		snprintf(err, errlen, "decryption failed (wrong password?)");
		return TLS_P12_BAD_PASSWORD;
	}
	*out = buf;
	*out_len = in_len - pad;
	return TLS_P12_OK;
}

/* params: the content of pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INT } */
static int pkcs12_pbe(const uint8_t *oid, size_t oid_len, const uint8_t *params,
		      size_t params_len, const uint8_t *bmp, size_t bmp_len, const uint8_t *in,
		      size_t in_len, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	unsigned char *p = (unsigned char *)params, *end = p + params_len;
	uint8_t key[24], iv[8];
	size_t salt_len, keylen;
	const uint8_t *salt;
	int iter, ret;

	if (mbedtls_asn1_get_tag(&p, end, &salt_len, MBEDTLS_ASN1_OCTET_STRING) != 0) {
		snprintf(err, errlen, "PKCS#12 PBE parameters are malformed");
		return TLS_P12_MALFORMED;
	}
	salt = p;
	p += salt_len;
	if (mbedtls_asn1_get_int(&p, end, &iter) != 0 || p != end || iter < 1 ||
	    (unsigned)iter > TLS_P12_MAX_ITER) {
		snprintf(err, errlen, "PKCS#12 PBE iteration count is malformed or too large");
		return TLS_P12_MALFORMED;
	}
	if (OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_DES3_EDE_CBC))
		keylen = 24;
	else if (OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_DES2_EDE_CBC) ||
		 OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_RC2_128_CBC))
		keylen = 16;
	else
		keylen = 5; /* RC2-40 */
	if (tls_p12_kdf(MBEDTLS_MD_SHA1, bmp, bmp_len, salt, salt_len, (unsigned)iter, 1, key,
			keylen) != 0 ||
	    tls_p12_kdf(MBEDTLS_MD_SHA1, bmp, bmp_len, salt, salt_len, (unsigned)iter, 2, iv,
			8) != 0) {
		snprintf(err, errlen, "PKCS#12 key derivation failed");
		return TLS_P12_MALFORMED;
	}
	if (keylen == 24)
		ret = cbc_decrypt(MBEDTLS_CIPHER_DES_EDE3_CBC, key, 24, iv, 8, in, in_len, out,
				  out_len, err, errlen);
	else if (OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_DES2_EDE_CBC))
		ret = cbc_decrypt(MBEDTLS_CIPHER_DES_EDE_CBC, key, 16, iv, 8, in, in_len, out,
				  out_len, err, errlen);
	else
		ret = rc2_decrypt(key, keylen, (unsigned)keylen * 8, iv, in, in_len, out, out_len,
				  err, errlen);
	mbedtls_platform_zeroize(key, sizeof(key));
	mbedtls_platform_zeroize(iv, sizeof(iv));
	return ret;
}

/* params: the content of PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme } */
static int pbes2(const uint8_t *params, size_t params_len, const char *password,
		 const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len, char *err,
		 size_t errlen)
{
	unsigned char *p = (unsigned char *)params, *end = p + params_len, *kp, *kend;
	mbedtls_asn1_buf kdf_oid, kdf_params, enc_oid, enc_params;
	mbedtls_md_type_t prf = MBEDTLS_MD_SHA1;
	mbedtls_cipher_type_t cipher;
	uint8_t key[32];
	size_t salt_len, keylen, plen = password ? strlen(password) : 0;
	const uint8_t *salt;
	int iter, klen_field = -1, ret;

	if (mbedtls_asn1_get_alg(&p, end, &kdf_oid, &kdf_params) != 0 ||
	    mbedtls_asn1_get_alg(&p, end, &enc_oid, &enc_params) != 0 || p != end) {
		snprintf(err, errlen, "PBES2 parameters are malformed");
		return TLS_P12_MALFORMED;
	}
	if (!OID_IS(kdf_oid.p, kdf_oid.len, MBEDTLS_OID_PKCS5_PBKDF2)) {
		snprintf(err, errlen, "PBES2 key derivation other than PBKDF2 is not supported");
		return TLS_P12_UNSUPPORTED;
	}
	if (kdf_params.tag != (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) {
		snprintf(err, errlen, "PBKDF2 parameters are malformed");
		return TLS_P12_MALFORMED;
	}
	kp = kdf_params.p;
	kend = kp + kdf_params.len;
	if (mbedtls_asn1_get_tag(&kp, kend, &salt_len, MBEDTLS_ASN1_OCTET_STRING) != 0) {
		snprintf(err, errlen, "PBKDF2 salt is malformed (or not an explicit salt)");
		return TLS_P12_MALFORMED;
	}
	salt = kp;
	kp += salt_len;
	if (mbedtls_asn1_get_int(&kp, kend, &iter) != 0 || iter < 1 ||
	    (unsigned)iter > TLS_P12_MAX_ITER) {
		snprintf(err, errlen, "PBKDF2 iteration count is malformed or too large");
		return TLS_P12_MALFORMED;
	}
	if (kp < kend && *kp == MBEDTLS_ASN1_INTEGER &&
	    (mbedtls_asn1_get_int(&kp, kend, &klen_field) != 0 || klen_field < 1)) {
		snprintf(err, errlen, "PBKDF2 key length is malformed");
		return TLS_P12_MALFORMED;
	}
	if (kp < kend) {
		mbedtls_asn1_buf prf_oid, prf_params;

		if (mbedtls_asn1_get_alg(&kp, kend, &prf_oid, &prf_params) != 0 || kp != kend) {
			snprintf(err, errlen, "PBKDF2 PRF is malformed");
			return TLS_P12_MALFORMED;
		}
		if (mbedtls_oid_get_md_hmac(&prf_oid, &prf) != 0) {
			snprintf(err, errlen, "PBKDF2 PRF is not HMAC-SHA1/224/256/384/512");
			return TLS_P12_UNSUPPORTED;
		}
	}
	if (OID_IS(enc_oid.p, enc_oid.len, OID_AES256_CBC)) {
		cipher = MBEDTLS_CIPHER_AES_256_CBC;
		keylen = 32;
	} else if (OID_IS(enc_oid.p, enc_oid.len, OID_AES192_CBC)) {
		cipher = MBEDTLS_CIPHER_AES_192_CBC;
		keylen = 24;
	} else if (OID_IS(enc_oid.p, enc_oid.len, OID_AES128_CBC)) {
		cipher = MBEDTLS_CIPHER_AES_128_CBC;
		keylen = 16;
	} else if (OID_IS(enc_oid.p, enc_oid.len, MBEDTLS_OID_DES_EDE3_CBC)) {
		cipher = MBEDTLS_CIPHER_DES_EDE3_CBC;
		keylen = 24;
	} else {
		snprintf(err, errlen, "PBES2 cipher is not AES-CBC or DES-EDE3-CBC");
		return TLS_P12_UNSUPPORTED;
	}
	if (enc_params.tag != MBEDTLS_ASN1_OCTET_STRING ||
	    enc_params.len != (cipher == MBEDTLS_CIPHER_DES_EDE3_CBC ? 8u : 16u) ||
	    (klen_field != -1 && (size_t)klen_field != keylen)) {
		snprintf(err, errlen, "PBES2 cipher parameters are malformed");
		return TLS_P12_MALFORMED;
	}
	if (tls_compat_pbkdf2(prf, (const unsigned char *)password, plen, salt, salt_len,
			      (unsigned)iter, (uint32_t)keylen, key) != 0) {
		snprintf(err, errlen, "PBKDF2 failed");
		return TLS_P12_MALFORMED;
	}
	ret = cbc_decrypt(cipher, key, keylen, enc_params.p, enc_params.len, in, in_len, out,
			  out_len, err, errlen);
	mbedtls_platform_zeroize(key, sizeof(key));
	return ret;
}

int tls_p12_decrypt(const uint8_t *oid, size_t oid_len, const uint8_t *params, size_t params_len,
		    const char *password, const uint8_t *bmp, size_t bmp_len, const uint8_t *in,
		    size_t in_len, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	char name[64];
	mbedtls_asn1_buf o;

	*out = NULL;
	*out_len = 0;
	if (OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_DES3_EDE_CBC) ||
	    OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_DES2_EDE_CBC) ||
	    OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_RC2_128_CBC) ||
	    OID_IS(oid, oid_len, MBEDTLS_OID_PKCS12_PBE_SHA1_RC2_40_CBC))
		return pkcs12_pbe(oid, oid_len, params, params_len, bmp, bmp_len, in, in_len, out,
				  out_len, err, errlen);
	if (OID_IS(oid, oid_len, MBEDTLS_OID_PKCS5_PBES2))
		return pbes2(params, params_len, password, in, in_len, out, out_len, err, errlen);
	o.tag = MBEDTLS_ASN1_OID;
	o.p = (unsigned char *)oid;
	o.len = oid_len;
	if (mbedtls_oid_get_numeric_string(name, sizeof(name), &o) < 0)
		snprintf(name, sizeof(name), "?");
	snprintf(err, errlen, "PKCS#12 encryption algorithm %s is not supported", name);
	return TLS_P12_UNSUPPORTED;
}
