/* certtool.c - `sstp cert root|client|thumbprint`: a self-signed P2S root (key, PEM, DER and
 * the one-line base64 the Azure portal takes), client certificates signed by it (EKU clientAuth)
 * exported as PKCS#12 with the chain, and SHA-1 thumbprints. `cert check` is in certtool_check.c. */
#include "tls_compat.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_crt.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tls_certtool.h"
#include "tls_certtool_priv.h"
#include "tls_pkcs12.h"
#include "tls_priv.h"

#define ROOT_KEY "root.key"
#define ROOT_PEM "root.pem"
#define ROOT_CER "root.cer"
#define CERT_BUF 8192

/* Writes a new file (never replacing one) with the given mode. 0 or -1 with err. */
int tls_cert_write_new(const char *path, const void *data, size_t len, int mode, char *err,
		       size_t errlen)
{
	const uint8_t *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s already exists: not overwriting it", path);
		else
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* "CN=<cn>" for mbedTLS's name parser (which only knows the escape "\,"). */
static int subject_of(const char *cn, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t o;

	if (cn == NULL || cn[0] == '\0' || strlen(cn) > 64) {
		snprintf(err, errlen, "--cn must be 1 to 64 characters");
		return -1;
	}
	o = (size_t)snprintf(out, outlen, "CN=");
	for (const char *c = cn; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') {
			snprintf(err, errlen, "--cn may not contain control characters or '\\'");
			return -1;
		}
		if (o + 3 >= outlen) {
			snprintf(err, errlen, "--cn is too long");
			return -1;
		}
		if (*c == ',')
			out[o++] = '\\';
		out[o++] = *c;
	}
	out[o] = '\0';
	return 0;
}

/* "YYYYMMDDhhmmss" (UTC) of now + days. */
static void x509_time(long days, char out[32])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int gen_rsa(mbedtls_pk_context *pk, unsigned bits, char *err, size_t errlen)
{
	int ret;

	if (bits == 0)
		bits = 2048;
	if (bits < 2048 || bits > 8192) {
		snprintf(err, errlen, "RSA key size must be 2048 to 8192 bits");
		return -1;
	}
	if (tls_drbg() == NULL) {
		snprintf(err, errlen, "cannot seed the random generator");
		return -1;
	}
	ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
	if (ret == 0)
		ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk), tls_rng, NULL, bits, 65537);
	if (ret != 0) {
		snprintf(err, errlen, "RSA key generation failed (-0x%04x)", (unsigned)-ret);
		return -1;
	}
	return 0;
}

/* ExtendedKeyUsage ::= SEQUENCE { clientAuth } as an extension value. */
static int set_eku_client_auth(mbedtls_x509write_cert *w)
{
	unsigned char buf[32] = { 0 }, *p = buf + sizeof(buf);
	size_t len = 0;
	int r;

	r = mbedtls_asn1_write_oid(&p, buf, MBEDTLS_OID_CLIENT_AUTH,
				   MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH));
	if (r < 0)
		return r;
	len += (size_t)r;
	r = mbedtls_asn1_write_len(&p, buf, len);
	if (r < 0)
		return r;
	len += (size_t)r;
	r = mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
	if (r < 0)
		return r;
	len += (size_t)r;
	return mbedtls_x509write_crt_set_extension(w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
						   MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE),
						   0, p, len);
}

/* Common fields: serial (random, positive), names, validity, SHA-256. */
static int crt_basics(mbedtls_x509write_cert *w, const char *subject, const char *issuer,
		      const char *not_after)
{
	unsigned char serial[16];
	char nb[32];

	if (tls_random(serial, sizeof(serial)) != 0)
		return -1;
	serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x40); /* positive, 16 bytes */
	x509_time(0, nb);
	mbedtls_x509write_crt_set_version(w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(w, MBEDTLS_MD_SHA256);
	if (tls_compat_crt_set_serial(w, serial, sizeof(serial)) != 0 ||
	    mbedtls_x509write_crt_set_subject_name(w, subject) != 0 ||
	    mbedtls_x509write_crt_set_issuer_name(w, issuer) != 0 ||
	    mbedtls_x509write_crt_set_validity(w, nb, not_after) != 0)
		return -1;
	return 0;
}

static int crt_der(mbedtls_x509write_cert *w, uint8_t *buf, size_t size, const uint8_t **der,
		   size_t *len)
{
	int n = mbedtls_x509write_crt_der(w, buf, size, tls_rng, NULL);

	if (n <= 0)
		return -1;
	*der = buf + size - (size_t)n;
	*len = (size_t)n;
	return 0;
}

static void join(char *out, size_t outlen, const char *dir, const char *name)
{
	snprintf(out, outlen, "%s/%s", dir, name);
}

int tls_cert_root(const char *cn, const char *out_dir, unsigned key_bits, unsigned days,
		  char **public_b64, char *err, size_t errlen)
{
	char subject[200], na[32], path[4096];
	uint8_t *buf = NULL, *pem = NULL;
	const uint8_t *der;
	size_t der_len, b64_len = 0;
	mbedtls_x509write_cert w;
	mbedtls_pk_context key;
	int rc = TLS_CERT_ERROR;

	*public_b64 = NULL;
	if (subject_of(cn, subject, sizeof(subject), err, errlen) != 0)
		return TLS_CERT_USAGE;
	if (out_dir == NULL || out_dir[0] == '\0' || strlen(out_dir) > 4000) {
		snprintf(err, errlen, "--out needs a directory");
		return TLS_CERT_USAGE;
	}
	if (days > 36500) {
		snprintf(err, errlen, "--days must be at most 36500");
		return TLS_CERT_USAGE;
	}
	if (mkdir(out_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", out_dir, strerror(errno));
		return TLS_CERT_ERROR;
	}
	join(path, sizeof(path), out_dir, ROOT_KEY);
	if (access(path, F_OK) == 0) {
		snprintf(err, errlen, "%s already exists: not replacing a root key", path);
		return TLS_CERT_ERROR;
	}
	mbedtls_x509write_crt_init(&w);
	mbedtls_pk_init(&key);
	buf = malloc(CERT_BUF);
	pem = malloc(CERT_BUF);
	if (buf == NULL || pem == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (gen_rsa(&key, key_bits, err, errlen) != 0)
		goto out;
	x509_time(days ? days : 3650, na);
	mbedtls_x509write_crt_set_subject_key(&w, &key);
	mbedtls_x509write_crt_set_issuer_key(&w, &key);
	if (crt_basics(&w, subject, subject, na) != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(&w, 1, -1) != 0 ||
	    mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
							MBEDTLS_X509_KU_KEY_CERT_SIGN |
							MBEDTLS_X509_KU_CRL_SIGN) != 0 ||
	    mbedtls_x509write_crt_set_subject_key_identifier(&w) != 0 ||
	    crt_der(&w, buf, CERT_BUF, &der, &der_len) != 0) {
		snprintf(err, errlen, "cannot build the root certificate");
		goto out;
	}
	/* the key first, so a failure never leaves a certificate without its key */
	if (mbedtls_pk_write_key_pem(&key, pem, CERT_BUF) != 0) {
		snprintf(err, errlen, "cannot encode the root key");
		goto out;
	}
	if (tls_cert_write_new(path, pem, strlen((char *)pem), 0600, err, errlen) != 0)
		goto out;
	join(path, sizeof(path), out_dir, ROOT_CER);
	if (tls_cert_write_new(path, der, der_len, 0644, err, errlen) != 0)
		goto out;
	if (tls_cert_pem(der, der_len, (char *)pem, CERT_BUF) != 0) {
		snprintf(err, errlen, "cannot encode the root certificate");
		goto out;
	}
	join(path, sizeof(path), out_dir, ROOT_PEM);
	if (tls_cert_write_new(path, pem, strlen((char *)pem), 0644, err, errlen) != 0)
		goto out;
	b64_len = ((der_len + 2) / 3) * 4 + 1;
	*public_b64 = malloc(b64_len);
	if (*public_b64 == NULL || tls_base64(der, der_len, *public_b64, b64_len) != 0) {
		free(*public_b64);
		*public_b64 = NULL;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = TLS_CERT_OK;
out:
	mbedtls_x509write_crt_free(&w);
	mbedtls_pk_free(&key);
	if (pem != NULL)
		mbedtls_platform_zeroize(pem, CERT_BUF);
	free(pem);
	free(buf);
	return rc;
}

int tls_cert_pem(const uint8_t *der, size_t len, char *out, size_t outlen)
{
	size_t olen = 0;

	return mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n",
					"-----END CERTIFICATE-----\n", der, len,
					(unsigned char *)out, outlen, &olen) == 0
		       ? 0
		       : -1;
}

int tls_cert_load_root(const char *root_dir, mbedtls_x509_crt *crt, mbedtls_pk_context *key,
		       char *err, size_t errlen)
{
	char path[4096];
	uint8_t *buf;
	size_t len;
	int ret;

	join(path, sizeof(path), root_dir, ROOT_PEM);
	if (mbedtls_x509_crt_parse_file(crt, path) != 0) {
		snprintf(err, errlen, "cannot read the root certificate %s", path);
		return -1;
	}
	if (key == NULL)
		return 0;
	join(path, sizeof(path), root_dir, ROOT_KEY);
	if (tls_read_file(path, 64 * 1024, &buf, &len, err, errlen) != 0)
		return -1;
	ret = tls_compat_pk_parse_key(key, buf, len + 1, NULL, 0);
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	if (ret != 0 || tls_compat_pk_check_pair(&crt->pk, key) != 0) {
		snprintf(err, errlen, "%s is not the key of %s/%s", path, root_dir, ROOT_PEM);
		return -1;
	}
	return 0;
}

int tls_cert_client(const char *root_dir, const char *cn, const char *out_p12,
		    const char *password, unsigned key_bits, unsigned days, char *err,
		    size_t errlen)
{
	char subject[200], issuer[512], na[32], root_na[32];
	uint8_t *buf = NULL, *pkcs8 = NULL, *p12 = NULL;
	const uint8_t *der, *certs[2];
	size_t der_len, pkcs8_len = 0, p12_len = 0, lens[2];
	mbedtls_x509write_cert w;
	mbedtls_pk_context key, root_key;
	mbedtls_x509_crt root;
	int rc = TLS_CERT_ERROR;

	if (subject_of(cn, subject, sizeof(subject), err, errlen) != 0)
		return TLS_CERT_USAGE;
	if (root_dir == NULL || out_p12 == NULL || out_p12[0] == '\0') {
		snprintf(err, errlen, "--root and --out are required");
		return TLS_CERT_USAGE;
	}
	if (password == NULL || password[0] == '\0') {
		snprintf(err, errlen, "the PKCS#12 needs a non-empty password");
		return TLS_CERT_USAGE;
	}
	if (days > 36500) {
		snprintf(err, errlen, "--days must be at most 36500");
		return TLS_CERT_USAGE;
	}
	mbedtls_x509write_crt_init(&w);
	mbedtls_pk_init(&key);
	mbedtls_pk_init(&root_key);
	mbedtls_x509_crt_init(&root);
	if (tls_cert_load_root(root_dir, &root, &root_key, err, errlen) != 0)
		goto out;
	if (mbedtls_x509_dn_gets(issuer, sizeof(issuer), &root.subject) < 0) {
		snprintf(err, errlen, "the root's name cannot be read");
		goto out;
	}
	buf = malloc(CERT_BUF);
	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (gen_rsa(&key, key_bits, err, errlen) != 0)
		goto out;
	/* never past the root's own end of validity */
	x509_time(days ? days : 730, na);
	snprintf(root_na, sizeof(root_na), "%04d%02d%02d%02d%02d%02d", root.valid_to.year,
		 root.valid_to.mon, root.valid_to.day, root.valid_to.hour, root.valid_to.min,
		 root.valid_to.sec);
	if (strcmp(na, root_na) > 0)
		memcpy(na, root_na, sizeof(na));
	mbedtls_x509write_crt_set_subject_key(&w, &key);
	mbedtls_x509write_crt_set_issuer_key(&w, &root_key);
	if (crt_basics(&w, subject, issuer, na) != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(&w, 0, -1) != 0 ||
	    mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
							MBEDTLS_X509_KU_KEY_ENCIPHERMENT) != 0 ||
	    set_eku_client_auth(&w) != 0 ||
	    mbedtls_x509write_crt_set_subject_key_identifier(&w) != 0 ||
	    mbedtls_x509write_crt_set_authority_key_identifier(&w) != 0 ||
	    crt_der(&w, buf, CERT_BUF, &der, &der_len) != 0) {
		snprintf(err, errlen, "cannot build the client certificate");
		goto out;
	}
	if (tls_pk_write_pkcs8(&key, &pkcs8, &pkcs8_len) != 0) {
		snprintf(err, errlen, "cannot encode the client key");
		goto out;
	}
	certs[0] = der;
	lens[0] = der_len;
	certs[1] = root.raw.p;
	lens[1] = root.raw.len;
	if (tls_p12_write(certs, lens, 2, pkcs8, pkcs8_len, password, cn, &p12, &p12_len, err,
			  errlen) != TLS_P12_OK)
		goto out;
	if (tls_cert_write_new(out_p12, p12, p12_len, 0600, err, errlen) != 0)
		goto out;
	rc = TLS_CERT_OK;
out:
	mbedtls_x509write_crt_free(&w);
	mbedtls_pk_free(&key);
	mbedtls_pk_free(&root_key);
	mbedtls_x509_crt_free(&root);
	if (pkcs8 != NULL) {
		mbedtls_platform_zeroize(pkcs8, pkcs8_len);
		free(pkcs8);
	}
	free(p12);
	free(buf);
	return rc;
}

int tls_cert_thumbprint(const char *path, const char *password, char *out, size_t outlen,
			char *err, size_t errlen)
{
	struct tls_cert_set set;
	int ret;

	if (tls_cert_set_load(path, password, &set, err, errlen) != 0)
		return TLS_CERT_ERROR;
	ret = tls_sha1_hex(set.leaf->raw.p, set.leaf->raw.len, out, outlen);
	tls_cert_set_free(&set);
	if (ret != 0) {
		snprintf(err, errlen, "thumbprint buffer too small");
		return TLS_CERT_ERROR;
	}
	return TLS_CERT_OK;
}
