/* tls_pkcs11.c - PKCS#11 key store adapter: parses a pkcs11: URI (RFC 7512), loads the module
 * (dlopen), finds the token, certificate and private key, and signs through C_Sign with
 * CKM_RSA_PKCS behind a struct tls_signer. Built only with p11-kit's pkcs11.h (SSTP_HAVE_PKCS11). */
#include "tls_compat.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform_util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_hex.h"
#include "tls_creds.h"
#include "tls_pkcs11.h"

#if defined(SSTP_HAVE_PKCS11)

#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#define URI_MAX 1024
#define MAX_SLOTS 64

struct p11_uri {
	char token[33], serial[17], object[256], module[512];
	unsigned char id[128];
	size_t id_len;
	long slot_id; /* -1: any */
	int has_token, has_serial, has_object;
};

struct p11_key {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SESSION_HANDLE session;
	CK_OBJECT_HANDLE key;
	int logged_in;
};

/* Percent-decodes in[0..len) into out (cap bytes). Returns the length or -1. */
static long pct_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '%') {
			int b;

			if (i + 2 >= len || (b = base_hex_byte(in[i + 1], in[i + 2])) < 0)
				return -1;
			c = (unsigned char)b;
			i += 2;
		}
		if (o >= cap)
			return -1;
		out[o++] = c;
	}
	return (long)o;
}

static int set_text(char *dst, size_t cap, const char *v, size_t len)
{
	long n = pct_decode(v, len, (unsigned char *)dst, cap - 1);

	if (n < 0 || memchr(dst, 0, (size_t)n) != NULL)
		return -1;
	dst[n] = '\0';
	return 0;
}

static int parse_uri(const char *uri, struct p11_uri *u, char *err, size_t errlen)
{
	const char *p, *end;
	int in_query = 0;

	memset(u, 0, sizeof(*u));
	u->slot_id = -1;
	if (strncmp(uri, "pkcs11:", 7) != 0 || strlen(uri) > URI_MAX) {
		snprintf(err, errlen, "not a pkcs11: URI");
		return -1;
	}
	p = uri + 7;
	while (*p) {
		const char *eq, *val;
		size_t klen, vlen;
		int bad = 0;

		end = p + strcspn(p, in_query ? "&" : ";?");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL) {
			snprintf(err, errlen, "pkcs11: URI attribute without a value");
			return -1;
		}
		klen = (size_t)(eq - p);
		val = eq + 1;
		vlen = (size_t)(end - val);
#define KEY(s) (klen == sizeof(s) - 1 && memcmp(p, s, klen) == 0)
		if (!in_query && KEY("token")) {
			bad = set_text(u->token, sizeof(u->token), val, vlen);
			u->has_token = 1;
		} else if (!in_query && KEY("serial")) {
			bad = set_text(u->serial, sizeof(u->serial), val, vlen);
			u->has_serial = 1;
		} else if (!in_query && KEY("object")) {
			bad = set_text(u->object, sizeof(u->object), val, vlen);
			u->has_object = 1;
		} else if (!in_query && KEY("id")) {
			long n = pct_decode(val, vlen, u->id, sizeof(u->id));

			bad = n <= 0;
			u->id_len = n > 0 ? (size_t)n : 0;
		} else if (!in_query && KEY("slot-id")) {
			char tmp[24], *e;

			bad = set_text(tmp, sizeof(tmp), val, vlen);
			if (!bad) {
				u->slot_id = strtol(tmp, &e, 10);
				bad = *e != '\0' || u->slot_id < 0;
			}
		} else if (in_query && KEY("module-path")) {
			bad = set_text(u->module, sizeof(u->module), val, vlen);
		} else if (in_query && (KEY("pin-value") || KEY("pin-source"))) {
			snprintf(err, errlen,
				 "a PIN in the pkcs11: URI is not accepted: give it in a file or on "
				 "stdin");
			return -1;
		}
		/* other attributes (type, manufacturer, model, library-*) do not narrow our search */
#undef KEY
		if (bad) {
			snprintf(err, errlen, "bad value in the pkcs11: URI");
			return -1;
		}
		p = end;
		if (*p == '?')
			in_query = 1;
		if (*p)
			p++;
	}
	return 0;
}

/* CK strings are blank-padded, not terminated. */
static int padded_eq(const unsigned char *field, size_t flen, const char *want)
{
	size_t n = strlen(want);

	if (n > flen || memcmp(field, want, n) != 0)
		return 0;
	for (size_t i = n; i < flen; i++)
		if (field[i] != ' ' && field[i] != 0)
			return 0;
	return 1;
}

static const char *ckr(CK_RV rv)
{
	switch (rv) {
	case CKR_PIN_INCORRECT: return "wrong PIN";
	case CKR_PIN_LOCKED: return "the PIN is locked";
	case CKR_PIN_EXPIRED: return "the PIN expired";
	case CKR_TOKEN_NOT_PRESENT: return "no token present";
	case CKR_DEVICE_REMOVED: return "the token was removed";
	case CKR_USER_PIN_NOT_INITIALIZED: return "the token has no user PIN";
	case CKR_KEY_TYPE_INCONSISTENT: return "the key cannot do this";
	case CKR_MECHANISM_INVALID: return "the token does not offer RSA PKCS#1 signatures";
	default: return "PKCS#11 error";
	}
}

/* First object of a class with the given id/label; 0 if none. */
static CK_OBJECT_HANDLE find_object(struct p11_key *k, CK_OBJECT_CLASS cls, const void *id,
				    size_t id_len, const char *label)
{
	CK_ATTRIBUTE t[3];
	CK_ULONG n = 0, found = 0;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	t[n].type = CKA_CLASS;
	t[n].pValue = &cls;
	t[n++].ulValueLen = sizeof(cls);
	if (id_len > 0) {
		t[n].type = CKA_ID;
		t[n].pValue = (void *)id;
		t[n++].ulValueLen = id_len;
	}
	if (label != NULL) {
		t[n].type = CKA_LABEL;
		t[n].pValue = (void *)label;
		t[n++].ulValueLen = strlen(label);
	}
	if (k->f->C_FindObjectsInit(k->session, t, n) != CKR_OK)
		return CK_INVALID_HANDLE;
	if (k->f->C_FindObjects(k->session, &h, 1, &found) != CKR_OK || found != 1)
		h = CK_INVALID_HANDLE;
	k->f->C_FindObjectsFinal(k->session);
	return h;
}

/* Reads one attribute into a malloc'd buffer. */
static int get_attr(struct p11_key *k, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
		    unsigned char **out, size_t *len)
{
	CK_ATTRIBUTE a = { type, NULL, 0 };

	*out = NULL;
	if (k->f->C_GetAttributeValue(k->session, o, &a, 1) != CKR_OK ||
	    a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen > 64 * 1024)
		return -1;
	*out = malloc(a.ulValueLen ? a.ulValueLen : 1);
	if (*out == NULL)
		return -1;
	a.pValue = *out;
	if (k->f->C_GetAttributeValue(k->session, o, &a, 1) != CKR_OK) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*len = a.ulValueLen;
	return 0;
}

static void key_close(void *ctx)
{
	struct p11_key *k = ctx;

	if (k == NULL)
		return;
	if (k->f != NULL) {
		if (k->logged_in)
			k->f->C_Logout(k->session);
		if (k->session != CK_INVALID_HANDLE)
			k->f->C_CloseSession(k->session);
		k->f->C_Finalize(NULL);
	}
	if (k->dl != NULL)
		dlclose(k->dl);
	free(k);
}

/* DigestInfo ::= SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING digest } (RFC 8017 9.2). */
static int digest_info(enum tls_hash h, const uint8_t *d, size_t dlen, unsigned char *buf,
		       size_t cap, const unsigned char **out, size_t *out_len)
{
	static const mbedtls_md_type_t md[] = { MBEDTLS_MD_NONE, MBEDTLS_MD_SHA1,
						MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384,
						MBEDTLS_MD_SHA512 };
	unsigned char *p = buf + cap;
	const char *oid;
	size_t oid_len, len = 0, alg;
	int r;

	if (h == TLS_HASH_NONE) {
		*out = d;
		*out_len = dlen;
		return 0;
	}
	if ((unsigned)h >= sizeof(md) / sizeof(md[0]) ||
	    mbedtls_oid_get_oid_by_md(md[h], &oid, &oid_len) != 0)
		return -1;
#define W(x)                         \
	do {                         \
		r = (x);             \
		if (r < 0)           \
			return -1;   \
		len += (size_t)r;    \
	} while (0)
	W(mbedtls_asn1_write_octet_string(&p, buf, d, dlen));
	alg = len;
	W(mbedtls_asn1_write_null(&p, buf));
	W(mbedtls_asn1_write_oid(&p, buf, oid, oid_len));
	W(mbedtls_asn1_write_len(&p, buf, len - alg));
	W(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	W(mbedtls_asn1_write_len(&p, buf, len));
	W(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
#undef W
	*out = p;
	*out_len = len;
	return 0;
}

static int key_sign(void *ctx, enum tls_hash hash, const uint8_t *digest, size_t digest_len,
		    uint8_t *sig, size_t sig_size, size_t *sig_len)
{
	struct p11_key *k = ctx;
	CK_MECHANISM mech = { CKM_RSA_PKCS, NULL, 0 };
	unsigned char buf[128];
	const unsigned char *in;
	size_t in_len;
	CK_ULONG out_len = sig_size;

	if (digest_info(hash, digest, digest_len, buf, sizeof(buf), &in, &in_len) != 0)
		return -1;
	if (k->f->C_SignInit(k->session, &mech, k->key) != CKR_OK)
		return -1;
	if (k->f->C_Sign(k->session, (CK_BYTE_PTR)in, in_len, sig, &out_len) != CKR_OK)
		return -1;
	*sig_len = out_len;
	return 0;
}

static int open_token(struct p11_key *k, const struct p11_uri *u, const char *pin, char *err,
		      size_t errlen)
{
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_ULONG n = MAX_SLOTS;
	CK_TOKEN_INFO ti;
	CK_RV rv;

	rv = k->f->C_Initialize(NULL);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		snprintf(err, errlen, "the PKCS#11 module does not initialise (0x%lx)",
			 (unsigned long)rv);
		return -1;
	}
	if (k->f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK) {
		snprintf(err, errlen, "cannot list PKCS#11 slots");
		return -1;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		if (u->slot_id >= 0 && slots[i] != (CK_SLOT_ID)u->slot_id)
			continue;
		if (k->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		if ((u->has_token && !padded_eq(ti.label, sizeof(ti.label), u->token)) ||
		    (u->has_serial && !padded_eq(ti.serialNumber, sizeof(ti.serialNumber), u->serial)))
			continue;
		if (k->f->C_OpenSession(slots[i], CKF_SERIAL_SESSION, NULL, NULL, &k->session) !=
		    CKR_OK) {
			snprintf(err, errlen, "cannot open a session on the token");
			return -1;
		}
		if (pin != NULL || (ti.flags & CKF_LOGIN_REQUIRED)) {
			if (pin == NULL) {
				snprintf(err, errlen, "the token needs its PIN");
				return -1;
			}
			rv = k->f->C_Login(k->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
			if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
				snprintf(err, errlen, "token login failed: %s", ckr(rv));
				return -1;
			}
			k->logged_in = rv == CKR_OK;
		}
		return 0;
	}
	snprintf(err, errlen, "no PKCS#11 token matches the URI%s%s", u->has_token ? " token=" : "",
		 u->has_token ? u->token : "");
	return -1;
}

int tls_pkcs11_available(void)
{
	return 1;
}

struct tls_creds *tls_pkcs11_load(const char *uri, const char *module, const char *pin,
				  char *err, size_t errlen)
{
	struct p11_uri u;
	struct p11_key *k;
	struct tls_signer signer;
	struct tls_blob blob;
	CK_C_GetFunctionList getf;
	void *sym;
	CK_OBJECT_HANDLE cert;
	CK_KEY_TYPE kt = CKK_RSA;
	CK_ATTRIBUTE kta = { CKA_KEY_TYPE, &kt, sizeof(kt) };
	unsigned char *der = NULL, *id = NULL;
	size_t der_len = 0, id_len = 0;
	const char *mod;

	if (parse_uri(uri, &u, err, errlen) != 0)
		return NULL;
	mod = u.module[0] ? u.module : module ? module : "p11-kit-proxy.so";
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->session = CK_INVALID_HANDLE;
	k->dl = dlopen(mod, RTLD_NOW | RTLD_LOCAL);
	if (k->dl == NULL) {
		snprintf(err, errlen, "cannot load the PKCS#11 module %s", mod);
		goto fail;
	}
	sym = dlsym(k->dl, "C_GetFunctionList");
	memcpy(&getf, &sym, sizeof(getf)); /* object pointer to function pointer, POSIX-style */
	if (sym == NULL || getf(&k->f) != CKR_OK || k->f == NULL) {
		snprintf(err, errlen, "%s is not a PKCS#11 module", mod);
		k->f = NULL;
		goto fail;
	}
	if (open_token(k, &u, pin, err, errlen) != 0)
		goto fail;
	cert = find_object(k, CKO_CERTIFICATE, u.id, u.id_len, u.has_object ? u.object : NULL);
	if (cert == CK_INVALID_HANDLE) {
		snprintf(err, errlen, "no certificate on the token matches the URI");
		goto fail;
	}
	if (get_attr(k, cert, CKA_VALUE, &der, &der_len) != 0 ||
	    get_attr(k, cert, CKA_ID, &id, &id_len) != 0) {
		snprintf(err, errlen, "cannot read the certificate from the token");
		goto fail;
	}
	/* the key that belongs to the certificate: same CKA_ID (else the URI's label) */
	k->key = find_object(k, CKO_PRIVATE_KEY, id, id_len,
			     id_len == 0 && u.has_object ? u.object : NULL);
	free(id);
	id = NULL;
	if (k->key == CK_INVALID_HANDLE) {
		snprintf(err, errlen, "no private key on the token belongs to the certificate%s",
			 k->logged_in ? "" : " (is a PIN needed?)");
		goto fail;
	}
	if (k->f->C_GetAttributeValue(k->session, k->key, &kta, 1) != CKR_OK || kt != CKK_RSA) {
		snprintf(err, errlen, "only RSA keys on PKCS#11 tokens are supported so far");
		goto fail;
	}
	blob.data = der;
	blob.len = der_len;
	signer.ctx = k;
	signer.type = TLS_KEY_RSA;
	signer.sign = key_sign;
	signer.free = key_close;
	{
		struct tls_creds *c = tls_creds_from_signer(&blob, 1, &signer, err, errlen);

		free(der);
		return c; /* from_signer owns k now, also on failure */
	}
fail:
	free(der);
	free(id);
	key_close(k);
	return NULL;
}

#else /* !SSTP_HAVE_PKCS11 */

int tls_pkcs11_available(void)
{
	return 0;
}

struct tls_creds *tls_pkcs11_load(const char *uri, const char *module, const char *pin,
				  char *err, size_t errlen)
{
	(void)uri;
	(void)module;
	(void)pin;
	snprintf(err, errlen,
		 "this sstp was built without PKCS#11 support (it needs p11-kit's pkcs11.h, "
		 "Debian package libp11-kit-dev)");
	return NULL;
}

#endif
