/* fuzz_tls_cert.c - libFuzzer target for certificate input as the TLS layer sees it: the CA
 * loader (PEM or DER blobs), our verification callback with its failure sentences, host name and
 * IP matching, and the IP-literal parser. Oracles: sentences are printable and terminated; a
 * certificate always matches its own plain DNS SAN; a parsed IPv4 literal prints back to the
 * same address; the loader's count equals the certificates mbedTLS parsed. */
#include "tls_compat.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap)
		abort(); /* not terminated */
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]) && s[i] != '\n')
			abort();
}

static void check_ip_literal(const uint8_t *data, size_t size)
{
	char s[64], back[20];
	uint8_t ip[16], ip2[16];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1, len, len2;

	memcpy(s, data, n);
	s[n] = '\0';
	if (!tls_parse_ip(s, ip, &len))
		return;
	if (len != 4 && len != 16)
		abort();
	if (len == 4) {
		snprintf(back, sizeof(back), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		if (!tls_parse_ip(back, ip2, &len2) || len2 != 4 || memcmp(ip, ip2, 4) != 0)
			abort();
	}
}

static void check_cert(mbedtls_x509_crt *crt)
{
	struct tls_verify v;
	uint32_t flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_EXPIRED;
	char dn[256];

	memset(&v, 0, sizeof(v));
	tls_verify_set_name(&v, "vpn.example.com");
	/* as the chain top, then as the leaf: both sentences must be clean */
	tls_verify_cb(&v, crt, 1, &flags);
	flags = MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_OTHER;
	tls_verify_cb(&v, crt, 0, &flags);
	printable(v.error, sizeof(v.error));
	printable(v.warning, sizeof(v.warning));
	tls_fmt_dn(&crt->subject, dn, sizeof(dn));
	if (strnlen(dn, sizeof(dn)) == sizeof(dn))
		abort();
	/* a plain DNS SAN (letters, digits, dots, dashes) is matched by itself */
	for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s != NULL; s = s->next) {
		char name[128];
		size_t i;
		uint8_t ipb[16];
		size_t ipl;

		if (s->buf.p == NULL || (s->buf.tag & 0xff) != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2) ||
		    s->buf.len == 0 || s->buf.len >= sizeof(name))
			continue;
		for (i = 0; i < s->buf.len; i++) {
			unsigned char c = s->buf.p[i];

			if (!isalnum(c) && c != '-' && c != '.')
				break;
			name[i] = (char)c;
		}
		name[i] = '\0';
		if (i != s->buf.len || name[0] == '.' || strstr(name, "..") != NULL ||
		    tls_parse_ip(name, ipb, &ipl))
			continue;
		memset(&v, 0, sizeof(v));
		if (tls_verify_set_name(&v, name) == 0 && !tls_verify_name_matches(&v, crt))
			abort();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mbedtls_x509_crt ca, ref;
	struct tls_blob blob = { data, size };
	char err[256];
	int n;

	check_ip_literal(data, size);
	mbedtls_x509_crt_init(&ca);
	mbedtls_x509_crt_init(&ref);
	n = tls_ca_load(&ca, NULL, &blob, 1, 0, NULL, err, sizeof(err));
	if (n < 0) {
		printable(err, sizeof(err));
	} else {
		size_t count = 0;

		for (const mbedtls_x509_crt *c = &ca; c != NULL && c->version != 0; c = c->next) {
			count++;
			check_cert((mbedtls_x509_crt *)c);
		}
		if ((size_t)n != count || count == 0)
			abort();
	}
	mbedtls_x509_crt_free(&ca);
	mbedtls_x509_crt_free(&ref);
	return 0;
}
