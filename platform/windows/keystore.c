/* keystore.c (Windows) - plat_keystore_open: a certificate from a system store (CurrentUser or
 * LocalMachine, by SHA-1 thumbprint or subject CN) with its chain, and a tls_signer that signs
 * through the store's key: CNG (NCryptSignHash) when the key has a key storage provider,
 * CryptoAPI (CryptSignHash) for legacy CSP keys. The private key never leaves the store. */
#include "plat_win_keystore.h"

#include <ncrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_win.h"

#define KS_ENC (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

struct ks_key {
	PCCERT_CONTEXT cert;                   /* own reference (the key handle may depend on it) */
	HCRYPTPROV_OR_NCRYPT_KEY_HANDLE h;     /* from CryptAcquireCertificatePrivateKey */
	DWORD spec;                            /* CERT_NCRYPT_KEY_SPEC, or what the CSP reported */
	DWORD capi_spec;                       /* CryptoAPI: AT_KEYEXCHANGE or AT_SIGNATURE */
	BOOL free_h;                           /* ours to release */
	HCRYPTPROV aes;                        /* CryptoAPI: the same container in the RSA/AES CSP */
	DWORD key_bytes;                       /* RSA modulus length */
	enum plat_win_ks_path path;
};

static void ks_free(void *ctx)
{
	struct ks_key *k = ctx;

	if (k == NULL)
		return;
	if (k->aes)
		CryptReleaseContext(k->aes, 0);
	if (k->free_h) {
		if (k->spec == CERT_NCRYPT_KEY_SPEC)
			NCryptFreeObject(k->h);
		else
			CryptReleaseContext(k->h, 0);
	}
	if (k->cert)
		CertFreeCertificateContext(k->cert);
	free(k);
}

static int ks_sign_ncrypt(struct ks_key *k, enum tls_hash hash, const uint8_t *digest,
			  size_t digest_len, uint8_t *sig, size_t sig_size, size_t *sig_len)
{
	BCRYPT_PKCS1_PADDING_INFO pad = { NULL };
	DWORD out = 0;
	SECURITY_STATUS st;

	switch (hash) {
	case TLS_HASH_NONE: pad.pszAlgId = NULL; break; /* sign the bytes as given */
	case TLS_HASH_SHA1: pad.pszAlgId = BCRYPT_SHA1_ALGORITHM; break;
	case TLS_HASH_SHA256: pad.pszAlgId = BCRYPT_SHA256_ALGORITHM; break;
	case TLS_HASH_SHA384: pad.pszAlgId = BCRYPT_SHA384_ALGORITHM; break;
	case TLS_HASH_SHA512: pad.pszAlgId = BCRYPT_SHA512_ALGORITHM; break;
	default: return -1;
	}
	if (digest_len > 0xffffffffu || sig_size > 0xffffffffu)
		return -1;
	st = NCryptSignHash(k->h, &pad, (PBYTE)digest, (DWORD)digest_len, sig, (DWORD)sig_size,
			    &out, BCRYPT_PAD_PKCS1);
	if (st != ERROR_SUCCESS || out > sig_size)
		return -1;
	*sig_len = out;
	return 0;
}

static int ks_sign_capi(struct ks_key *k, enum tls_hash hash, const uint8_t *digest,
			size_t digest_len, uint8_t *sig, size_t sig_size, size_t *sig_len)
{
	HCRYPTPROV prov = k->h;
	HCRYPTHASH hh = 0;
	ALG_ID alg;
	size_t want;
	DWORD len, i;
	int ret = -1;

	switch (hash) {
	case TLS_HASH_NONE: alg = CALG_SSL3_SHAMD5; want = 36; break; /* MD5 || SHA-1, TLS <= 1.1 */
	case TLS_HASH_SHA1: alg = CALG_SHA1; want = 20; break;
	case TLS_HASH_SHA256: alg = CALG_SHA_256; want = 32; break;
	case TLS_HASH_SHA384: alg = CALG_SHA_384; want = 48; break;
	case TLS_HASH_SHA512: alg = CALG_SHA_512; want = 64; break;
	default: return -1;
	}
	if (digest_len != want || sig_size < k->key_bytes)
		return -1;
	/* SHA-2 hash objects exist only in the RSA/AES provider: same container, opened there */
	if (hash >= TLS_HASH_SHA256 && k->aes)
		prov = k->aes;
	if (!CryptCreateHash(prov, alg, 0, 0, &hh))
		return -1;
	if (!CryptSetHashParam(hh, HP_HASHVAL, digest, 0))
		goto out;
	len = (DWORD)k->key_bytes;
	if (!CryptSignHashW(hh, k->capi_spec, NULL, 0, sig, &len) || len != k->key_bytes)
		goto out;
	for (i = 0; i < len / 2; i++) { /* CryptoAPI writes the signature little-endian */
		uint8_t t = sig[i];

		sig[i] = sig[len - 1 - i];
		sig[len - 1 - i] = t;
	}
	*sig_len = len;
	ret = 0;
out:
	CryptDestroyHash(hh);
	return ret;
}

static int ks_sign(void *ctx, enum tls_hash hash, const uint8_t *digest, size_t digest_len,
		   uint8_t *sig, size_t sig_size, size_t *sig_len)
{
	struct ks_key *k = ctx;

	if (k->path == PLAT_WIN_KS_NCRYPT)
		return ks_sign_ncrypt(k, hash, digest, digest_len, sig, sig_size, sig_len);
	return ks_sign_capi(k, hash, digest, digest_len, sig, sig_size, sig_len);
}

enum plat_win_ks_path plat_win_keystore_path(const void *signer_ctx)
{
	return ((const struct ks_key *)signer_ctx)->path;
}

/* CryptoAPI: open the key's container in the RSA/AES provider too, for SHA-2 signatures
 * (PROV_RSA_FULL CSPs have no SHA-2 hash objects). Best effort: without it SHA-1 still works. */
static void ks_open_aes(struct ks_key *k, bool machine)
{
	DWORD type = 0, len = sizeof(type), need = 0;
	CRYPT_KEY_PROV_INFO *info;

	if (CryptGetProvParam(k->h, PP_PROVTYPE, (BYTE *)&type, &len, 0) && type == PROV_RSA_AES)
		return;
	if (!CertGetCertificateContextProperty(k->cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &need) ||
	    need == 0 || (info = malloc(need)) == NULL)
		return;
	if (CertGetCertificateContextProperty(k->cert, CERT_KEY_PROV_INFO_PROP_ID, info, &need) &&
	    info->pwszContainerName != NULL) {
		DWORD fl = CRYPT_SILENT;

		if (machine || (info->dwFlags & CRYPT_MACHINE_KEYSET))
			fl |= CRYPT_MACHINE_KEYSET;
		if (!CryptAcquireContextW(&k->aes, info->pwszContainerName, NULL, PROV_RSA_AES, fl))
			k->aes = 0;
	}
	free(info);
}

/* The key pair a CryptoAPI handle signs with: the reported spec when it is one of the two a
 * container holds, else (Wine 8's PFX import reports 3) whichever the container has. */
static int capi_pick_spec(struct ks_key *k)
{
	static const DWORD specs[] = { AT_KEYEXCHANGE, AT_SIGNATURE };
	HCRYPTKEY key;

	if (k->spec == AT_KEYEXCHANGE || k->spec == AT_SIGNATURE) {
		k->capi_spec = k->spec;
		return 0;
	}
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (CryptGetUserKey(k->h, specs[i], &key)) {
			CryptDestroyKey(key);
			k->capi_spec = specs[i];
			return 0;
		}
	}
	return -1;
}

/* CNG: the key's BCRYPT_RSAPUBLIC_BLOB equals the certificate key's (imported through
 * CryptImportPublicKeyInfoEx2). */
static bool ncrypt_key_matches(const struct ks_key *k)
{
	BCRYPT_KEY_HANDLE bk = NULL;
	DWORD alen = 0, blen = 0;
	BYTE *a = NULL, *b = NULL;
	bool same = false;

	if (!CryptImportPublicKeyInfoEx2(X509_ASN_ENCODING,
					 &k->cert->pCertInfo->SubjectPublicKeyInfo, 0, NULL, &bk))
		return false;
	if (NCryptExportKey(k->h, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, NULL, 0, &alen, 0) == 0 &&
	    BCryptExportKey(bk, NULL, BCRYPT_RSAPUBLIC_BLOB, NULL, 0, &blen, 0) == 0 &&
	    alen == blen && alen > 0 && (a = malloc(alen)) != NULL && (b = malloc(blen)) != NULL &&
	    NCryptExportKey(k->h, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, a, alen, &alen, 0) == 0 &&
	    BCryptExportKey(bk, NULL, BCRYPT_RSAPUBLIC_BLOB, b, blen, &blen, 0) == 0)
		same = alen == blen && memcmp(a, b, alen) == 0;
	free(a);
	free(b);
	BCryptDestroyKey(bk);
	return same;
}

/* True if the key handle's public half is the certificate's public key. */
static bool key_matches(const struct ks_key *k)
{
	DWORD len = 0;
	CERT_PUBLIC_KEY_INFO *pub;
	bool same = false;

	if (k->path == PLAT_WIN_KS_NCRYPT)
		return ncrypt_key_matches(k);
	if (!CryptExportPublicKeyInfo(k->h, k->capi_spec, KS_ENC, NULL, &len) || len == 0 ||
	    (pub = malloc(len)) == NULL)
		return false;
	if (CryptExportPublicKeyInfo(k->h, k->capi_spec, KS_ENC, pub, &len))
		same = CertComparePublicKeyInfo(KS_ENC, pub,
						&k->cert->pCertInfo->SubjectPublicKeyInfo) != FALSE;
	free(pub);
	return same;
}

/* A new key record for cert (RSA checked, modulus length noted), or NULL with err. */
static struct ks_key *ks_new(PCCERT_CONTEXT cert, char *err, size_t errlen)
{
	CERT_PUBLIC_KEY_INFO *spki = &cert->pCertInfo->SubjectPublicKeyInfo;
	struct ks_key *k;
	DWORD bits;

	if (spki->Algorithm.pszObjId == NULL || strcmp(spki->Algorithm.pszObjId, szOID_RSA_RSA)) {
		snprintf(err, errlen, "the certificate's key is not RSA (%s): only RSA keys from the "
			 "certificate store are supported", spki->Algorithm.pszObjId ?
			 spki->Algorithm.pszObjId : "unknown algorithm");
		return NULL;
	}
	bits = CertGetPublicKeyLength(KS_ENC, spki);
	if (bits < 1024 || bits > 16384) {
		snprintf(err, errlen, "the certificate's RSA key has an unusable size (%lu bits)",
			 (unsigned long)bits);
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->cert = CertDuplicateCertificateContext(cert);
	k->key_bytes = (bits + 7) / 8;
	return k;
}

/* Checks the key against the certificate and hands k out as a signer (k freed on failure). */
static int ks_finish(struct ks_key *k, struct tls_signer *signer, char *err, size_t errlen)
{
	if (!key_matches(k)) {
		snprintf(err, errlen, "the private key in the store does not match the certificate");
		ks_free(k);
		return -1;
	}
	signer->ctx = k;
	signer->type = TLS_KEY_RSA;
	signer->sign = ks_sign;
	signer->free = ks_free;
	return 0;
}

int plat_win_keystore_signer(PCCERT_CONTEXT cert, bool prefer_ncrypt, bool machine,
			     struct tls_signer *signer, char *err, size_t errlen)
{
	DWORD flags = CRYPT_ACQUIRE_COMPARE_KEY_FLAG; /* the key must match the certificate */
	struct ks_key *k = ks_new(cert, err, errlen);
	char m[160];

	if (k == NULL)
		return -1;
	if (prefer_ncrypt)
		flags |= CRYPT_ACQUIRE_PREFER_NCRYPT_KEY_FLAG;
	if (!CryptAcquireCertificatePrivateKey(cert, flags, NULL, &k->h, &k->spec, &k->free_h)) {
		DWORD e = GetLastError();

		if (e == (DWORD)CRYPT_E_NO_KEY_PROPERTY)
			snprintf(err, errlen, "the certificate has no private key in the store");
		else
			snprintf(err, errlen, "cannot open the certificate's private key: %s",
				 plat_win_strerror(e, m, sizeof(m)));
		k->free_h = FALSE;
		ks_free(k);
		return -1;
	}
	if (k->spec == CERT_NCRYPT_KEY_SPEC) {
		k->path = PLAT_WIN_KS_NCRYPT;
	} else {
		k->path = PLAT_WIN_KS_CAPI;
		if (capi_pick_spec(k) != 0) {
			snprintf(err, errlen, "the certificate's key container has no key pair");
			ks_free(k);
			return -1;
		}
		ks_open_aes(k, machine);
	}
	return ks_finish(k, signer, err, errlen);
}

int plat_win_keystore_signer_ncrypt(PCCERT_CONTEXT cert, NCRYPT_KEY_HANDLE key,
				    struct tls_signer *signer, char *err, size_t errlen)
{
	struct ks_key *k = ks_new(cert, err, errlen);

	if (k == NULL)
		return -1;
	k->h = key;
	k->spec = CERT_NCRYPT_KEY_SPEC;
	k->free_h = FALSE; /* borrowed */
	k->path = PLAT_WIN_KS_NCRYPT;
	return ks_finish(k, signer, err, errlen);
}

/* ---- the store ------------------------------------------------------------------------------ */

static void store_label(const struct plat_ks_uri *u, char *out, size_t len)
{
	snprintf(out, len, "%s\\%s",
		 u->location == PLAT_KS_LOCAL_MACHINE ? "LocalMachine" : "CurrentUser", u->store);
}

static bool has_key_prop(PCCERT_CONTEXT c)
{
	DWORD n = 0;

	return CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n) ||
	       CertGetCertificateContextProperty(c, CERT_NCRYPT_KEY_HANDLE_PROP_ID, NULL, &n) ||
	       CertGetCertificateContextProperty(c, CERT_KEY_CONTEXT_PROP_ID, NULL, &n);
}

/* The one certificate whose subject CN equals u->subject (any case) and that has a private
 * key; NULL with err when none or several do. */
static PCCERT_CONTEXT find_by_subject(HCERTSTORE st, const struct plat_ks_uri *u,
				      const char *label, char *err, size_t errlen)
{
	wchar_t want[PLAT_KS_SUBJECT_MAX], cn[PLAT_KS_SUBJECT_MAX + 1];
	PCCERT_CONTEXT c = NULL, found = NULL;
	unsigned named = 0, keyed = 0;

	if (plat_win_widen(u->subject, want, PLAT_KS_SUBJECT_MAX) != 0) {
		snprintf(err, errlen, "certstore: subject is not valid UTF-8");
		return NULL;
	}
	while ((c = CertEnumCertificatesInStore(st, c)) != NULL) {
		DWORD n = CertGetNameStringW(c, CERT_NAME_ATTR_TYPE, 0, (void *)szOID_COMMON_NAME, cn,
					     PLAT_KS_SUBJECT_MAX + 1);

		if (n <= 1 || CompareStringOrdinal(cn, -1, want, -1, TRUE) != CSTR_EQUAL)
			continue;
		named++;
		if (!has_key_prop(c))
			continue;
		if (++keyed == 1)
			found = CertDuplicateCertificateContext(c);
	}
	if (keyed == 1)
		return found;
	if (found)
		CertFreeCertificateContext(found);
	if (keyed > 1)
		snprintf(err, errlen, "%u certificates with subject CN '%s' and a private key in %s: "
			 "select one with ?thumbprint=HEX", keyed, u->subject, label);
	else if (named)
		snprintf(err, errlen, "the certificate with subject CN '%s' in %s has no private key",
			 u->subject, label);
	else
		snprintf(err, errlen, "no certificate with subject CN '%s' in %s", u->subject, label);
	return NULL;
}

static int blob_push(struct tls_blob **chain, size_t *n, const BYTE *der, DWORD len)
{
	struct tls_blob *nc = realloc(*chain, (*n + 1) * sizeof(**chain));
	uint8_t *copy;

	if (nc == NULL)
		return -1;
	*chain = nc;
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, der, len);
	nc[*n].data = copy;
	nc[*n].len = len;
	(*n)++;
	return 0;
}

/* Leaf first, then the intermediates Windows chains it to (the store itself, the CA stores),
 * without a self-signed root. Chain building failing is not an error: the leaf alone is sent. */
static int build_chain(PCCERT_CONTEXT leaf, HCERTSTORE st, bool machine, struct tls_blob **chain,
		       size_t *n)
{
	CERT_CHAIN_PARA para;
	PCCERT_CHAIN_CONTEXT cc = NULL;
	DWORD i;

	if (blob_push(chain, n, leaf->pbCertEncoded, leaf->cbCertEncoded) != 0)
		return -1;
	memset(&para, 0, sizeof(para));
	para.cbSize = sizeof(para);
	if (!CertGetCertificateChain(machine ? HCCE_LOCAL_MACHINE : HCCE_CURRENT_USER, leaf, NULL,
				     st, &para, CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL, NULL, &cc))
		return 0;
	if (cc->cChain > 0) {
		const CERT_SIMPLE_CHAIN *sc = cc->rgpChain[0];

		for (i = 1; i < sc->cElement; i++) {
			const CERT_CHAIN_ELEMENT *el = sc->rgpElement[i];

			if (el->TrustStatus.dwInfoStatus & CERT_TRUST_IS_SELF_SIGNED)
				break;
			if (blob_push(chain, n, el->pCertContext->pbCertEncoded,
				      el->pCertContext->cbCertEncoded) != 0) {
				CertFreeCertificateChain(cc);
				return -1;
			}
		}
	}
	CertFreeCertificateChain(cc);
	return 0;
}

int plat_keystore_open(const char *uri, struct tls_blob **chain, size_t *n,
		       struct tls_signer *signer, char *err, size_t errlen)
{
	struct plat_ks_uri u;
	wchar_t wstore[PLAT_KS_STORE_MAX];
	char label[PLAT_KS_STORE_MAX + 16], m[160], reason[PLAT_KS_SUBJECT_MAX + 200];
	HCERTSTORE st;
	PCCERT_CONTEXT cert;
	bool machine;
	DWORD fl;

	*chain = NULL;
	*n = 0;
	memset(signer, 0, sizeof(*signer));
	if (plat_keystore_uri_parse(uri, &u, err, errlen) != 0)
		return -1;
	store_label(&u, label, sizeof(label));
	machine = u.location == PLAT_KS_LOCAL_MACHINE;
	if (plat_win_widen(u.store, wstore, PLAT_KS_STORE_MAX) != 0) {
		snprintf(err, errlen, "certstore: bad store name");
		return -1;
	}
	fl = (machine ? CERT_SYSTEM_STORE_LOCAL_MACHINE : CERT_SYSTEM_STORE_CURRENT_USER) |
	     CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG;
	st = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, fl, wstore);
	if (st == NULL) {
		DWORD e = GetLastError();

		if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
			snprintf(err, errlen, "certificate store %s does not exist", label);
		else
			snprintf(err, errlen, "cannot open certificate store %s: %s", label,
				 plat_win_strerror(e, m, sizeof(m)));
		return -1;
	}
	if (u.has_thumbprint) {
		CRYPT_HASH_BLOB hb = { PLAT_KS_THUMB_LEN, u.thumbprint };
		char hex[2 * PLAT_KS_THUMB_LEN + 1];

		for (size_t i = 0; i < PLAT_KS_THUMB_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02X", u.thumbprint[i]);
		cert = CertFindCertificateInStore(st, KS_ENC, 0, CERT_FIND_SHA1_HASH, &hb, NULL);
		if (cert == NULL)
			snprintf(err, errlen, "no certificate with thumbprint %s in %s", hex, label);
	} else {
		cert = find_by_subject(st, &u, label, err, errlen);
	}
	if (cert == NULL) {
		CertCloseStore(st, 0);
		return -1;
	}
	if (plat_win_keystore_signer(cert, true, machine, signer, reason, sizeof(reason)) != 0) {
		snprintf(err, errlen, "%s: %s", label, reason);
		goto fail;
	}
	if (build_chain(cert, st, machine, chain, n) != 0) {
		snprintf(err, errlen, "out of memory");
		signer->free(signer->ctx);
		memset(signer, 0, sizeof(*signer));
		plat_keystore_chain_free(*chain, *n);
		*chain = NULL;
		*n = 0;
		goto fail;
	}
	CertFreeCertificateContext(cert);
	CertCloseStore(st, 0);
	return 0;
fail:
	CertFreeCertificateContext(cert);
	CertCloseStore(st, 0);
	return -1;
}
