/* certtool_check.c - `sstp cert check`: reads a client certificate (PKCS#12 or PEM/DER) and
 * reports, line by line, what an Azure P2S gateway will look at: validity dates, EKU clientAuth
 * (first), key usage, key strength, signature hash, the private key, and the chain to the root. */
#include "tls_compat.h"

#include <mbedtls/oid.h>
#include <mbedtls/platform_util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tls_certtool.h"
#include "tls_certtool_priv.h"
#include "tls_pkcs12.h"
#include "tls_priv.h"

#define REPORT_MAX 8192
#define FILE_MAX (1024 * 1024)

void tls_cert_set_free(struct tls_cert_set *set)
{
	mbedtls_x509_crt_free(&set->certs);
	mbedtls_pk_free(&set->key);
	memset(set, 0, sizeof(*set));
}

static int load_p12(const uint8_t *buf, size_t len, const char *password,
		    struct tls_cert_set *set, char *err, size_t errlen)
{
	struct tls_p12 p12;
	int ret;

	if (tls_p12_parse(buf, len, password, &p12, err, errlen) != TLS_P12_OK)
		return -1;
	set->is_pkcs12 = 1;
	for (size_t i = 0; i < p12.n_certs; i++)
		if (mbedtls_x509_crt_parse_der(&set->certs, p12.certs[i].der, p12.certs[i].len) != 0) {
			snprintf(err, errlen, "certificate %zu of the PKCS#12 cannot be parsed", i + 1);
			tls_p12_free(&p12);
			return -1;
		}
	if (p12.have_key) {
		ret = tls_compat_pk_parse_key(&set->key, p12.key.der, p12.key.len, NULL, 0);
		set->have_key = ret == 0;
	}
	tls_p12_free(&p12);
	return 0;
}

int tls_cert_set_load(const char *path, const char *password, struct tls_cert_set *set,
		      char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	char why[300];
	int pem, ret = -1;

	memset(set, 0, sizeof(*set));
	mbedtls_x509_crt_init(&set->certs);
	mbedtls_pk_init(&set->key);
	if (tls_drbg() == NULL) {
		snprintf(err, errlen, "cannot seed the random generator");
		return -1;
	}
	if (tls_read_file(path, FILE_MAX, &buf, &len, err, errlen) != 0)
		return -1;
	pem = strstr((const char *)buf, "-----BEGIN ") != NULL;
	if (!pem && mbedtls_x509_crt_parse_der(&set->certs, buf, len) != 0) {
		mbedtls_x509_crt_free(&set->certs);
		mbedtls_x509_crt_init(&set->certs);
		if (load_p12(buf, len, password, set, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto out;
		}
	} else if (pem) {
		(void)mbedtls_x509_crt_parse(&set->certs, buf, len + 1);
	}
	if (set->certs.version == 0) {
		snprintf(err, errlen, "%s holds no certificate", path);
		goto out;
	}
	/* the leaf: the key's certificate, else the first that is not a CA */
	for (const mbedtls_x509_crt *c = &set->certs; c != NULL && set->leaf == NULL; c = c->next)
		if (set->have_key && tls_compat_pk_check_pair(&c->pk, &set->key) == 0) {
			set->leaf = c;
			set->key_matches = 1;
		}
	for (const mbedtls_x509_crt *c = &set->certs; c != NULL && set->leaf == NULL; c = c->next)
		if (!TLS_CRT_CA_ISTRUE(c))
			set->leaf = c;
	if (set->leaf == NULL)
		set->leaf = &set->certs;
	ret = 0;
out:
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	if (ret != 0)
		tls_cert_set_free(set);
	return ret;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void check_dates(const mbedtls_x509_crt *c, char *rep, int *warn)
{
	char date[16];
	long left = days_from_civil(c->valid_to.year, c->valid_to.mon, c->valid_to.day) -
		    (long)(time(NULL) / 86400);

	tls_fmt_date(&c->valid_to, date, sizeof(date));
	if (mbedtls_x509_time_is_past(&c->valid_to)) {
		tls_appendf(rep, REPORT_MAX, "warning: the certificate expired on %s\n", date);
		(*warn)++;
	} else if (mbedtls_x509_time_is_future(&c->valid_from)) {
		tls_fmt_date(&c->valid_from, date, sizeof(date));
		tls_appendf(rep, REPORT_MAX, "warning: the certificate is not valid before %s\n",
			    date);
		(*warn)++;
	} else if (left < 30) {
		tls_appendf(rep, REPORT_MAX, "warning: the certificate expires in %ld days (%s)\n",
			    left, date);
		(*warn)++;
	} else {
		tls_appendf(rep, REPORT_MAX, "ok: valid until %s\n", date);
	}
}

static void check_usage(const mbedtls_x509_crt *c, char *rep, int *warn)
{
	const mbedtls_x509_sequence *eku;
	int pos = 0, at = -1;

	if (!(TLS_CRT_EXT_TYPES(c) & MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE)) {
		tls_appendf(rep, REPORT_MAX,
			    "warning: no extended key usage; the gateway wants Client "
			    "Authentication (1.3.6.1.5.5.7.3.2)\n");
		(*warn)++;
	} else {
		for (eku = &c->ext_key_usage; eku != NULL && eku->buf.p != NULL; eku = eku->next) {
			if (at < 0 && MBEDTLS_OID_CMP(MBEDTLS_OID_CLIENT_AUTH, &eku->buf) == 0)
				at = pos;
			pos++;
		}
		if (at < 0) {
			tls_appendf(rep, REPORT_MAX,
				    "warning: the extended key usage lacks Client Authentication; "
				    "the gateway refuses this certificate\n");
			(*warn)++;
		} else if (at > 0) {
			tls_appendf(rep, REPORT_MAX,
				    "warning: Client Authentication is not the first extended key "
				    "usage (Windows lists it first; put it first)\n");
			(*warn)++;
		} else {
			tls_appendf(rep, REPORT_MAX,
				    "ok: extended key usage starts with Client Authentication\n");
		}
	}
	if ((TLS_CRT_EXT_TYPES(c) & MBEDTLS_X509_EXT_KEY_USAGE) &&
	    !(TLS_CRT_KEY_USAGE(c) & MBEDTLS_X509_KU_DIGITAL_SIGNATURE)) {
		tls_appendf(rep, REPORT_MAX,
			    "warning: key usage lacks digitalSignature, which TLS client "
			    "authentication needs\n");
		(*warn)++;
	} else {
		tls_appendf(rep, REPORT_MAX, "ok: key usage allows digital signatures\n");
	}
	if (TLS_CRT_CA_ISTRUE(c)) {
		tls_appendf(rep, REPORT_MAX,
			    "warning: this is a CA certificate, not a client certificate\n");
		(*warn)++;
	}
	if (mbedtls_pk_get_type(&c->pk) == MBEDTLS_PK_RSA && mbedtls_pk_get_bitlen(&c->pk) < 2048) {
		tls_appendf(rep, REPORT_MAX, "warning: the RSA key has only %zu bits (use 2048+)\n",
			    mbedtls_pk_get_bitlen(&c->pk));
		(*warn)++;
	}
	if (TLS_CRT_SIG_MD(c) == MBEDTLS_MD_SHA1 || TLS_CRT_SIG_MD(c) == MBEDTLS_MD_MD5) {
		tls_appendf(rep, REPORT_MAX, "warning: signed with a SHA-1/MD5 hash (use SHA-256)\n");
		(*warn)++;
	}
}

/* Verifies leaf (+ the other certificates of the set as intermediates) against roots. */
static uint32_t chain_flags(const struct tls_cert_set *set, mbedtls_x509_crt *roots)
{
	mbedtls_x509_crt chain;
	uint32_t flags = 0;

	mbedtls_x509_crt_init(&chain);
	(void)mbedtls_x509_crt_parse_der(&chain, set->leaf->raw.p, set->leaf->raw.len);
	for (const mbedtls_x509_crt *c = &set->certs; c != NULL; c = c->next)
		if (c != set->leaf && !tls_crt_self_issued(c))
			(void)mbedtls_x509_crt_parse_der(&chain, c->raw.p, c->raw.len);
	(void)mbedtls_x509_crt_verify(&chain, roots, NULL, NULL, &flags, NULL, NULL);
	mbedtls_x509_crt_free(&chain);
	/* dates are reported on their own */
	return flags & ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
}

static int load_roots(const char *root_path, mbedtls_x509_crt *roots, char *err, size_t errlen)
{
	struct stat st;

	if (stat(root_path, &st) == 0 && S_ISDIR(st.st_mode))
		return tls_cert_load_root(root_path, roots, NULL, err, errlen);
	if (mbedtls_x509_crt_parse_file(roots, root_path) != 0 || roots->version == 0) {
		snprintf(err, errlen, "cannot read the root certificate %s", root_path);
		return -1;
	}
	return 0;
}

static void check_chain(const struct tls_cert_set *set, const char *root_path, char *rep,
			int *warn, char *err, size_t errlen, int *failed)
{
	mbedtls_x509_crt roots;
	char name[256];
	uint32_t flags;

	mbedtls_x509_crt_init(&roots);
	if (root_path != NULL) {
		if (load_roots(root_path, &roots, err, errlen) != 0) {
			*failed = 1;
			goto out;
		}
	} else {
		for (const mbedtls_x509_crt *c = &set->certs; c != NULL; c = c->next)
			if (c != set->leaf && tls_crt_self_issued(c))
				(void)mbedtls_x509_crt_parse_der(&roots, c->raw.p, c->raw.len);
		if (roots.version == 0) {
			tls_appendf(rep, REPORT_MAX,
				    "info: no root in the file and none given (--root): chain not "
				    "checked\n");
			goto out;
		}
	}
	flags = chain_flags(set, &roots);
	tls_fmt_dn(&roots.subject, name, sizeof(name));
	if (flags == 0) {
		tls_appendf(rep, REPORT_MAX, "ok: issued by \"%s\"%s\n", name,
			    root_path ? "" : " (the root in the file)");
	} else if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		char issuer[256];

		tls_fmt_dn(&set->leaf->issuer, issuer, sizeof(issuer));
		tls_appendf(rep, REPORT_MAX,
			    "warning: not issued by \"%s\" (its issuer is \"%s\"); the gateway "
			    "only accepts certificates of its uploaded roots\n",
			    name, issuer);
		(*warn)++;
	} else {
		char info[256];

		if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) < 0)
			snprintf(info, sizeof(info), "rejected");
		info[strcspn(info, "\n")] = '\0';
		tls_appendf(rep, REPORT_MAX, "warning: chain to \"%s\": %s\n", name, info);
		(*warn)++;
	}
out:
	mbedtls_x509_crt_free(&roots);
}

int tls_cert_check(const char *path, const char *password, const char *root_path,
		   char **report, char *err, size_t errlen)
{
	struct tls_cert_set set;
	char subj[256], tp[48], *rep;
	int warn = 0, failed = 0;

	*report = NULL;
	if (tls_cert_set_load(path, password, &set, err, errlen) != 0)
		return TLS_CERT_ERROR;
	rep = calloc(1, REPORT_MAX);
	if (rep == NULL) {
		snprintf(err, errlen, "out of memory");
		tls_cert_set_free(&set);
		return TLS_CERT_ERROR;
	}
	tls_fmt_dn(&set.leaf->subject, subj, sizeof(subj));
	if (tls_sha1_hex(set.leaf->raw.p, set.leaf->raw.len, tp, sizeof(tp)) != 0)
		snprintf(tp, sizeof(tp), "?");
	tls_appendf(rep, REPORT_MAX, "info: subject \"%s\", thumbprint %s\n", subj, tp);
	check_dates(set.leaf, rep, &warn);
	check_usage(set.leaf, rep, &warn);
	if (set.is_pkcs12) {
		if (set.key_matches) {
			tls_appendf(rep, REPORT_MAX, "ok: the private key belongs to the certificate\n");
		} else {
			tls_appendf(rep, REPORT_MAX, "warning: %s\n",
				    set.have_key ? "the private key does not belong to the certificate"
						 : "the PKCS#12 holds no usable private key");
			warn++;
		}
	}
	check_chain(&set, root_path, rep, &warn, err, errlen, &failed);
	tls_cert_set_free(&set);
	if (failed) {
		free(rep);
		return TLS_CERT_ERROR;
	}
	*report = rep;
	return warn ? TLS_CERT_WARNINGS : TLS_CERT_OK;
}
