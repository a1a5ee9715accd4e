/* test_win_keystore.c - the Windows key store adapter under Wine: imports a test PFX
 * (tests/data/windows/keystore.pfx, made by gen.sh) into CurrentUser\My, opens it through
 * plat_keystore_open by thumbprint and by subject, signs digests through the CryptoAPI and the
 * CNG paths and verifies each signature with mbedTLS against the certificate, builds the
 * identity the CLI builds (tls_creds_from_signer), then checks the errors for missing
 * certificates, keys and stores. The imported certificates and key container are removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "plat_win_keystore.h"

#include <ncrypt.h>

#include <mbedtls/bignum.h>
#include <mbedtls/md.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#define PFX_PASSWORD L"sstp-test"
#define LEAF_CN "sstp keystore client"
#define INT_CN "sstp keystore test intermediate"
#define ROOT_CN "sstp keystore test root"

struct imported {
	uint8_t leaf_thumb[20];
	char leaf_hex[41];
	uint8_t *int_der; /* the intermediate, to compare with the chain */
	size_t int_len;
	int ncerts;
};

static struct imported g;

static void sha1(const uint8_t *d, size_t n, uint8_t out[20])
{
	assert_int_equal(mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1), d, n, out), 0);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(65536);
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, 65536, f);
	fclose(f);
	assert_true(n > 0 && n < 65536);
	*len = n;
	return buf;
}

static bool cn_is(PCCERT_CONTEXT c, const char *cn)
{
	char name[256];

	CertGetNameStringA(c, CERT_NAME_ATTR_TYPE, 0, (void *)szOID_COMMON_NAME, name,
			   sizeof(name));
	return strcmp(name, cn) == 0;
}

/* Removes every certificate of ours from CurrentUser\My, and the leaf's key container. One at a
 * time, enumerating again after each deletion (deleting the enumerated context may end or
 * confuse the enumeration); bounded. */
static unsigned count_ours(void)
{
	HCERTSTORE my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
				      CERT_SYSTEM_STORE_CURRENT_USER, L"My");
	PCCERT_CONTEXT c = NULL;
	unsigned n = 0;

	while (my && (c = CertEnumCertificatesInStore(my, c)) != NULL) {
		char name[256];

		CertGetNameStringA(c, CERT_NAME_ATTR_TYPE, 0, (void *)szOID_COMMON_NAME, name,
				   sizeof(name));
		n += strncmp(name, "sstp keystore", 13) == 0;
	}
	if (my)
		CertCloseStore(my, 0);
	return n;
}

static void remove_ours(void)
{
	for (int round = 0; round < 50; round++) {
		HCERTSTORE my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
					      CERT_SYSTEM_STORE_CURRENT_USER, L"My");
		PCCERT_CONTEXT c = NULL;
		DWORD need = 0;

		if (my == NULL)
			return;
		while ((c = CertEnumCertificatesInStore(my, c)) != NULL) {
			char name[256];

			CertGetNameStringA(c, CERT_NAME_ATTR_TYPE, 0, (void *)szOID_COMMON_NAME, name,
					   sizeof(name));
			if (strncmp(name, "sstp keystore", 13) == 0)
				break;
		}
		if (c == NULL) {
			CertCloseStore(my, 0);
			return;
		}
		if (cn_is(c, LEAF_CN) &&
		    CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &need)) {
			CRYPT_KEY_PROV_INFO *info = malloc(need);
			HCRYPTPROV p;

			if (CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, info,
							      &need))
				CryptAcquireContextW(&p, info->pwszContainerName,
						     info->pwszProvName, info->dwProvType,
						     CRYPT_DELETEKEYSET);
			free(info);
		}
		{
			/* Wine 8 reports success but keeps the certificate: also remove the registry
			 * key the system store keeps it under (named by its SHA-1, upper-case hex) */
			uint8_t t[20];
			wchar_t key[128];
			int o = swprintf(key, 128, L"Software\\Microsoft\\SystemCertificates\\My\\Certificates\\");

			sha1(c->pbCertEncoded, c->cbCertEncoded, t);
			for (int i = 0; i < 20; i++)
				o += swprintf(key + o, 128 - (size_t)o, L"%02X", t[i]);
			CertDeleteCertificateFromStore(c); /* frees c */
			CertCloseStore(my, 0);
			RegDeleteTreeW(HKEY_CURRENT_USER, key);
		}
	}
}

static int setup(void **state)
{
	char path[1024];
	size_t len;
	uint8_t *pfx;
	CRYPT_DATA_BLOB blob;
	HCERTSTORE ps, my;
	PCCERT_CONTEXT c = NULL;

	(void)state;
	remove_ours();
	assert_int_equal(count_ours(), 0); /* the removal works (teardown relies on it) */
	snprintf(path, sizeof(path), "%s/windows/keystore.pfx", SSTP_TEST_DATA);
	pfx = read_file(path, &len);
	blob.pbData = pfx;
	blob.cbData = (DWORD)len;
	assert_true(PFXIsPFXBlob(&blob));
	/* the default: a persisted, non-exportable key in the user's key set */
	ps = PFXImportCertStore(&blob, PFX_PASSWORD, CRYPT_USER_KEYSET);
	if (ps == NULL)
		fail_msg("PFXImportCertStore: error 0x%lx", (unsigned long)GetLastError());
	free(pfx);
	my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"My");
	assert_non_null(my);
	while ((c = CertEnumCertificatesInStore(ps, c)) != NULL) {
		g.ncerts++;
		if (cn_is(c, LEAF_CN)) {
			sha1(c->pbCertEncoded, c->cbCertEncoded, g.leaf_thumb);
			for (int i = 0; i < 20; i++)
				snprintf(g.leaf_hex + 2 * i, 3, "%02x", g.leaf_thumb[i]);
		} else if (cn_is(c, INT_CN)) {
			g.int_der = malloc(c->cbCertEncoded);
			memcpy(g.int_der, c->pbCertEncoded, c->cbCertEncoded);
			g.int_len = c->cbCertEncoded;
		}
		assert_true(CertAddCertificateContextToStore(my, c, CERT_STORE_ADD_REPLACE_EXISTING,
							     NULL));
	}
	/* Wine 8 imports the leaf and the intermediate but drops the PFX's root: add the root from
	 * its own file, so the chain has a self-signed end to leave out */
	assert_true(g.ncerts >= 2);
	assert_non_null(g.int_der);
	snprintf(path, sizeof(path), "%s/windows/keystore-root.der", SSTP_TEST_DATA);
	pfx = read_file(path, &len);
	assert_true(CertAddEncodedCertificateToStore(my, X509_ASN_ENCODING, pfx, (DWORD)len,
						     CERT_STORE_ADD_REPLACE_EXISTING, NULL));
	free(pfx);
	CertCloseStore(ps, 0);
	CertCloseStore(my, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_ours();
	free(g.int_der);
	return 0;
}

/* Signs a digest of every hash through the signer and verifies it with mbedTLS. */
static void sign_and_verify(const struct tls_signer *s, const uint8_t *leaf, size_t leaf_len)
{
	static const struct {
		enum tls_hash h;
		mbedtls_md_type_t md;
		size_t len;
	} hs[] = {
		{ TLS_HASH_SHA256, MBEDTLS_MD_SHA256, 32 }, { TLS_HASH_SHA1, MBEDTLS_MD_SHA1, 20 },
		{ TLS_HASH_SHA384, MBEDTLS_MD_SHA384, 48 }, { TLS_HASH_SHA512, MBEDTLS_MD_SHA512, 64 },
		{ TLS_HASH_NONE, MBEDTLS_MD_NONE, 36 },
	};
	mbedtls_x509_crt crt;

	mbedtls_x509_crt_init(&crt);
	assert_int_equal(mbedtls_x509_crt_parse_der(&crt, leaf, leaf_len), 0);
	assert_int_equal(s->type, TLS_KEY_RSA);
	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		uint8_t digest[64], sig[512];
		size_t slen = 0;

		for (size_t j = 0; j < hs[i].len; j++)
			digest[j] = (uint8_t)(0x5a ^ (j * 7) ^ i);
		if (s->sign(s->ctx, hs[i].h, digest, hs[i].len, sig, sizeof(sig), &slen) != 0 &&
		    hs[i].h == TLS_HASH_NONE && plat_win_keystore_path(s->ctx) == PLAT_WIN_KS_NCRYPT) {
			/* NCryptSignHash without a hash OID (TLS 1.0/1.1's MD5+SHA-1) is refused by
			 * Wine 8's ncrypt; Windows' software KSP supports it: not checked here */
			print_message("CNG without a hash OID: refused by this system (Wine 8)\n");
			continue;
		}
		if (slen == 0)
			fail_msg("signing (hash %d, %s path) failed", (int)hs[i].h,
				 plat_win_keystore_path(s->ctx) == PLAT_WIN_KS_NCRYPT ? "CNG" :
											"CryptoAPI");
		assert_int_equal(slen, 256);
		if (mbedtls_pk_verify(&crt.pk, hs[i].md, digest, hs[i].len, sig, slen) != 0)
			fail_msg("signature (hash %d) does not verify", (int)hs[i].h);
		digest[0] ^= 1; /* and a wrong digest does not */
		assert_int_not_equal(mbedtls_pk_verify(&crt.pk, hs[i].md, digest, hs[i].len, sig,
						       slen),
				     0);
		/* a buffer smaller than the modulus is refused, not overrun */
		assert_int_equal(s->sign(s->ctx, hs[i].h, digest, hs[i].len, sig, 255, &slen), -1);
	}
	/* a digest of the wrong length for its hash */
	{
		uint8_t d[32] = { 0 }, sig[512];
		size_t slen;

		if (plat_win_keystore_path(s->ctx) == PLAT_WIN_KS_CAPI)
			assert_int_equal(s->sign(s->ctx, TLS_HASH_SHA1, d, 32, sig, sizeof(sig),
						 &slen),
					 -1);
	}
	mbedtls_x509_crt_free(&crt);
}

static void test_open_by_thumbprint(void **state)
{
	char uri[200], err[256] = "";
	struct tls_blob *chain = NULL;
	struct tls_signer s;
	size_t n = 0;
	uint8_t t[20];

	(void)state;
	/* upper case, with the spaces Windows' certificate dialog shows */
	snprintf(uri, sizeof(uri), "certstore:CurrentUser/My?thumbprint=%.2s%%20%s", g.leaf_hex,
		 g.leaf_hex + 2);
	if (plat_keystore_open(uri, &chain, &n, &s, err, sizeof(err)) != 0)
		fail_msg("%s: %s", uri, err);
	assert_true(n >= 1);
	sha1(chain[0].data, chain[0].len, t);
	assert_memory_equal(t, g.leaf_thumb, 20);
	/* the intermediate from the store, never the self-signed root */
	assert_int_equal(n, 2);
	assert_int_equal(chain[1].len, g.int_len);
	assert_memory_equal(chain[1].data, g.int_der, g.int_len);
	print_message("default signer path: %s\n",
		      plat_win_keystore_path(s.ctx) == PLAT_WIN_KS_NCRYPT ? "CNG (NCryptSignHash)" :
									 "CryptoAPI (CryptSignHash)");
	sign_and_verify(&s, chain[0].data, chain[0].len);

	/* what the CLI does with it (client/cli/cli_setup.c): an identity around the signer */
	{
		struct tls_creds *cr = tls_creds_from_signer(chain, n, &s, err, sizeof(err));
		char tp[64], cn[128], up[41];

		plat_keystore_chain_free(chain, n);
		if (cr == NULL)
			fail_msg("tls_creds_from_signer: %s", err);
		assert_int_equal(tls_creds_chain_len(cr), 2);
		assert_int_equal(tls_creds_thumbprint(cr, tp, sizeof(tp)), 0);
		for (int i = 0; i < 40; i++)
			up[i] = (char)(g.leaf_hex[i] >= 'a' ? g.leaf_hex[i] - 32 : g.leaf_hex[i]);
		up[40] = '\0';
		assert_string_equal(tp, up);
		assert_int_equal(tls_creds_subject_cn(cr, cn, sizeof(cn)), 0);
		assert_string_equal(cn, LEAF_CN);
		tls_creds_free(cr); /* frees the signer */
	}
}

static void test_capi_forced(void **state)
{
	HCERTSTORE my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
				      CERT_SYSTEM_STORE_CURRENT_USER, L"My");
	CRYPT_HASH_BLOB hb = { 20, g.leaf_thumb };
	PCCERT_CONTEXT c;
	struct tls_signer s;
	char err[256] = "";

	(void)state;
	c = CertFindCertificateInStore(my, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &hb, NULL);
	assert_non_null(c);
	if (plat_win_keystore_signer(c, false, false, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(plat_win_keystore_path(s.ctx), PLAT_WIN_KS_CAPI);
	sign_and_verify(&s, c->pbCertEncoded, c->cbCertEncoded);
	s.free(s.ctx);
	CertFreeCertificateContext(c);
	CertCloseStore(my, 0);
}

/* Appends X big-endian in exactly n bytes. */
static void put_mpi(BYTE **p, const mbedtls_mpi *x, size_t n)
{
	assert_int_equal(mbedtls_mpi_write_binary(x, *p, n), 0);
	*p += n;
}

/* The CNG path: the leaf's key (keystore-leaf.key) imported into the Microsoft software key
 * storage provider, attached to the certificate as CERT_NCRYPT_KEY_HANDLE_PROP_ID, and the signer
 * built with CNG preferred. */
static void test_ncrypt_path(void **state)
{
	char path[1024], err[256] = "";
	size_t len;
	uint8_t *pem, *blob, *p;
	mbedtls_pk_context pk;
	mbedtls_mpi n, e, pp, q;
	NCRYPT_PROV_HANDLE prov = 0;
	NCRYPT_KEY_HANDLE key = 0;
	HCERTSTORE my;
	CRYPT_HASH_BLOB hb = { 20, g.leaf_thumb };
	PCCERT_CONTEXT inst, c;
	struct tls_signer s;
	BCRYPT_RSAKEY_BLOB *hdr;
	size_t nlen, elen, plen, qlen;
	SECURITY_STATUS st;

	(void)state;
	snprintf(path, sizeof(path), "%s/windows/keystore-leaf.key", SSTP_TEST_DATA);
	pem = read_file(path, &len);
	pem = realloc(pem, len + 1);
	pem[len] = '\0';
	mbedtls_pk_init(&pk);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	assert_int_equal(mbedtls_pk_parse_key(&pk, pem, len + 1, NULL, 0, NULL, NULL), 0);
#else
	assert_int_equal(mbedtls_pk_parse_key(&pk, pem, len + 1, NULL, 0), 0);
#endif
	free(pem);
	mbedtls_mpi_init(&n);
	mbedtls_mpi_init(&e);
	mbedtls_mpi_init(&pp);
	mbedtls_mpi_init(&q);
	assert_int_equal(mbedtls_rsa_export(mbedtls_pk_rsa(pk), &n, &pp, &q, NULL, &e), 0);
	nlen = mbedtls_mpi_size(&n);
	elen = mbedtls_mpi_size(&e);
	plen = mbedtls_mpi_size(&pp);
	qlen = mbedtls_mpi_size(&q);
	blob = calloc(1, sizeof(*hdr) + elen + nlen + plen + qlen);
	hdr = (BCRYPT_RSAKEY_BLOB *)blob;
	hdr->Magic = BCRYPT_RSAPRIVATE_MAGIC;
	hdr->BitLength = (ULONG)mbedtls_mpi_bitlen(&n);
	hdr->cbPublicExp = (ULONG)elen;
	hdr->cbModulus = (ULONG)nlen;
	hdr->cbPrime1 = (ULONG)plen;
	hdr->cbPrime2 = (ULONG)qlen;
	p = blob + sizeof(*hdr);
	put_mpi(&p, &e, elen);
	put_mpi(&p, &n, nlen);
	put_mpi(&p, &pp, plen);
	put_mpi(&p, &q, qlen);
	st = NCryptOpenStorageProvider(&prov, MS_KEY_STORAGE_PROVIDER, 0);
	if (st != ERROR_SUCCESS)
		fail_msg("NCryptOpenStorageProvider: 0x%lx", (unsigned long)st);
	st = NCryptImportKey(prov, 0, BCRYPT_RSAPRIVATE_BLOB, NULL, &key, blob,
			     (DWORD)(p - blob), 0);
	if (st != ERROR_SUCCESS)
		fail_msg("NCryptImportKey: 0x%lx", (unsigned long)st);
	free(blob);

	my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"My");
	inst = CertFindCertificateInStore(my, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &hb, NULL);
	assert_non_null(inst);
	/* a context of its own (no store), so a handle property stays out of CurrentUser\My */
	c = CertCreateCertificateContext(X509_ASN_ENCODING, inst->pbCertEncoded, inst->cbCertEncoded);
	assert_non_null(c);
	if (CertSetCertificateContextProperty(c, CERT_NCRYPT_KEY_HANDLE_PROP_ID, 0, &key)) {
		/* Windows: through CryptAcquireCertificatePrivateKey, as plat_keystore_open does */
		if (plat_win_keystore_signer(c, true, false, &s, err, sizeof(err)) != 0)
			fail_msg("%s", err);
	} else {
		/* Wine 8 cannot attach a CNG handle to a certificate: the signer around the key */
		print_message("CERT_NCRYPT_KEY_HANDLE_PROP_ID refused (error 0x%lx): signer built "
			      "around the CNG key directly\n", (unsigned long)GetLastError());
		if (plat_win_keystore_signer_ncrypt(c, key, &s, err, sizeof(err)) != 0)
			fail_msg("%s", err);
	}
	print_message("certificate with a CNG key handle: %s\n",
		      plat_win_keystore_path(s.ctx) == PLAT_WIN_KS_NCRYPT ? "CNG (NCryptSignHash)" :
									 "CryptoAPI (CryptSignHash)");
	assert_int_equal(plat_win_keystore_path(s.ctx), PLAT_WIN_KS_NCRYPT);
	sign_and_verify(&s, c->pbCertEncoded, c->cbCertEncoded);
	s.free(s.ctx);
	CertFreeCertificateContext(c);
	CertFreeCertificateContext(inst);
	CertCloseStore(my, 0);
	NCryptFreeObject(key);
	NCryptFreeObject(prov);
	mbedtls_mpi_free(&n);
	mbedtls_mpi_free(&e);
	mbedtls_mpi_free(&pp);
	mbedtls_mpi_free(&q);
	mbedtls_pk_free(&pk);
}

static void test_open_by_subject(void **state)
{
	char err[256] = "";
	struct tls_blob *chain = NULL;
	struct tls_signer s;
	size_t n = 0;
	uint8_t t[20];

	(void)state;
	if (plat_keystore_open("certstore:currentuser/my?subject=SSTP%20Keystore%20Client", &chain,
			       &n, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	sha1(chain[0].data, chain[0].len, t);
	assert_memory_equal(t, g.leaf_thumb, 20);
	s.free(s.ctx);
	plat_keystore_chain_free(chain, n);
}

static void expect_open_error(const char *uri, const char *want)
{
	char err[256] = "";
	struct tls_blob *chain = (struct tls_blob *)1;
	struct tls_signer s;
	size_t n = 5;

	if (plat_keystore_open(uri, &chain, &n, &s, err, sizeof(err)) != -1)
		fail_msg("opened: %s", uri);
	assert_null(chain);
	assert_int_equal(n, 0);
	assert_null(s.ctx);
	if (strcmp(err, want) != 0)
		fail_msg("%s:\n  got  '%s'\n  want '%s'", uri, err, want);
}

static void test_errors(void **state)
{
	(void)state;
	expect_open_error("certstore:CurrentUser/My?thumbprint=00112233445566778899aabbccddeeff0011223",
			  "certstore: thumbprint has 39 hex digits, 40 expected");
	expect_open_error("certstore:CurrentUser/My?thumbprint=00112233445566778899aabbccddeeff0011223x",
			  "certstore: thumbprint has a non-hex character 'x' (40 hex digits expected)");
	expect_open_error("certstore:Everyone/My?subject=x",
			  "certstore: unknown store location 'Everyone' (CurrentUser or LocalMachine)");
	expect_open_error("certstore:CurrentUser/My?thumbprint=00112233445566778899aabbccddeeff00112233",
			  "no certificate with thumbprint 00112233445566778899AABBCCDDEEFF00112233 "
			  "in CurrentUser\\My");
	expect_open_error("certstore:CurrentUser/My?subject=nobody",
			  "no certificate with subject CN 'nobody' in CurrentUser\\My");
	expect_open_error("certstore:CurrentUser/My?subject=" ROOT_CN,
			  "the certificate with subject CN '" ROOT_CN "' in CurrentUser\\My has no "
			  "private key");
	/* Wine 8 attaches the PFX's key to every certificate of the PFX: the intermediate then
	 * "has" the leaf's key, which must be refused as not matching (Windows: no key at all) */
	{
		char err[256] = "";
		struct tls_blob *chain = NULL;
		struct tls_signer s;
		size_t n = 0;

		assert_int_equal(plat_keystore_open("certstore:CurrentUser/My?subject=" INT_CN, &chain,
						    &n, &s, err, sizeof(err)),
				 -1);
		print_message("intermediate: %s\n", err);
		if (strcmp(err, "CurrentUser\\My: the private key in the store does not match the "
				"certificate") != 0 &&
		    strcmp(err, "the certificate with subject CN '" INT_CN "' in CurrentUser\\My has no "
				"private key") != 0)
			fail_msg("unexpected: %s", err);
	}
	expect_open_error("certstore:CurrentUser/SstpNoSuchStore?subject=x",
			  "certificate store CurrentUser\\SstpNoSuchStore does not exist");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_by_thumbprint),
		cmocka_unit_test(test_capi_forced),
		cmocka_unit_test(test_ncrypt_path),
		cmocka_unit_test(test_open_by_subject),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
