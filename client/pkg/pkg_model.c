/* pkg_model.c - struct sstp_package life cycle and the helpers its readers share: server root
 * certificates (X.509 facts and fingerprints through mbedTLS), de-duplicated route/pool/DNS
 * lists, VpnType parsing, list splitting and PEM rendering. */
#include "pkg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include "sstp_err.h"

void sstp_package_init(struct sstp_package *p)
{
	memset(p, 0, sizeof(*p));
}

void sstp_package_free(struct sstp_package *p)
{
	if (!p)
		return;
	free(p->gateway);
	free(p->vpn_type);
	free(p->auth);
	for (size_t i = 0; i < p->n_roots; i++)
		free(p->roots[i].der);
	free(p->roots);
	sstp_strlist_free(&p->root_cns);
	sstp_strlist_free(&p->issuer_cns);
	free(p->routes);
	free(p->pools);
	free(p->dns);
	free(p->vnet_name);
	free(p->vnet_id);
	sstp_package_init(p);
}

static void time_text(const mbedtls_x509_time *t, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", t->year, t->mon, t->day, t->hour,
		 t->min, t->sec);
}

static int digest(mbedtls_md_type_t type, const unsigned char *in, size_t len, uint8_t *out)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(type);
	return md && mbedtls_md(md, in, len, out) == 0 ? 0 : -1;
}

int sstp_pkg_cert_info(struct sstp_pkg_cert *c, const unsigned char *der, size_t len)
{
	mbedtls_x509_crt crt;
	int rc = -1;
	memset(c, 0, sizeof(*c));
	mbedtls_x509_crt_init(&crt);
	if (!der || len == 0 || mbedtls_x509_crt_parse_der(&crt, der, len) != 0)
		goto out;
	/* the whole input must be the certificate: no trailing bytes */
	if (crt.raw.len != len)
		goto out;
	if (mbedtls_x509_dn_gets(c->subject, sizeof(c->subject), &crt.subject) < 0)
		c->subject[0] = '\0';
	for (const mbedtls_x509_name *n = &crt.subject; n; n = n->next) {
		if (n->oid.p && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
			size_t l = n->val.len < sizeof(c->cn) - 1 ? n->val.len : sizeof(c->cn) - 1;
			for (size_t i = 0; i < l; i++) {
				unsigned char ch = n->val.p[i];
				c->cn[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
			}
			c->cn[l] = '\0';
		}
	}
	time_text(&crt.valid_from, c->not_before, sizeof(c->not_before));
	time_text(&crt.valid_to, c->not_after, sizeof(c->not_after));
	if (digest(MBEDTLS_MD_SHA1, der, len, c->sha1) || digest(MBEDTLS_MD_SHA256, der, len, c->sha256))
		goto out;
	rc = 0;
out:
	mbedtls_x509_crt_free(&crt);
	return rc;
}

int sstp_pkg_add_root(struct sstp_package *p, const unsigned char *der, size_t len,
		      char *err, size_t errlen)
{
	struct sstp_pkg_cert c;
	if (sstp_pkg_cert_info(&c, der, len) != 0) {
		snprintf(err, errlen, "package: a server root certificate is not a valid X.509 "
			 "certificate");
		return SSTP_ERR_PROFILE;
	}
	for (size_t i = 0; i < p->n_roots; i++)
		if (memcmp(p->roots[i].sha256, c.sha256, sizeof(c.sha256)) == 0)
			return 0;
	if (p->n_roots >= SSTP_PKG_MAX_ROOTS) {
		snprintf(err, errlen, "package: more than %u server root certificates",
			 SSTP_PKG_MAX_ROOTS);
		return SSTP_ERR_PROFILE;
	}
	c.der = malloc(len);
	struct sstp_pkg_cert *v = realloc(p->roots, (p->n_roots + 1) * sizeof(*v));
	if (!c.der || !v) {
		free(c.der);
		if (v)
			p->roots = v;
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	memcpy(c.der, der, len);
	c.der_len = len;
	p->roots = v;
	p->roots[p->n_roots++] = c;
	return 0;
}

int sstp_pkg_add_root_b64(struct sstp_package *p, const char *b64, char *err, size_t errlen)
{
	size_t n = strlen(b64), w = 0, olen = 0;
	char *clean = malloc(n + 1);
	if (!clean) {
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	for (size_t i = 0; i < n; i++)
		if (b64[i] != ' ' && b64[i] != '\t' && b64[i] != '\r' && b64[i] != '\n')
			clean[w++] = b64[i];
	clean[w] = '\0';
	unsigned char *der = malloc(w / 4 * 3 + 3);
	if (!der) {
		free(clean);
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	int rc;
	if (w == 0 || mbedtls_base64_decode(der, w / 4 * 3 + 3, &olen, (const unsigned char *)clean,
					    w) != 0) {
		snprintf(err, errlen, "package: a server root certificate is not valid base64");
		rc = SSTP_ERR_PROFILE;
	} else {
		rc = sstp_pkg_add_root(p, der, olen, err, errlen);
	}
	free(clean);
	free(der);
	return rc;
}

static int add_unique(void **arr, size_t *n, size_t elem, const void *item)
{
	unsigned char *a = *arr;
	for (size_t i = 0; i < *n; i++)
		if (memcmp(a + i * elem, item, elem) == 0)
			return 0;
	if (*n >= SSTP_PKG_MAX_LIST)
		return -1;
	a = realloc(a, (*n + 1) * elem);
	if (!a)
		return -1;
	memcpy(a + *n * elem, item, elem);
	*arr = a;
	(*n)++;
	return 0;
}

int sstp_pkg_add_route(struct sstp_package *p, const struct sstp_cidr *c)
{
	return add_unique((void **)&p->routes, &p->n_routes, sizeof(*c), c);
}

int sstp_pkg_add_pool(struct sstp_package *p, const struct sstp_cidr *c)
{
	return add_unique((void **)&p->pools, &p->n_pools, sizeof(*c), c);
}

int sstp_pkg_add_dns(struct sstp_package *p, const struct sstp_ip *ip)
{
	return add_unique((void **)&p->dns, &p->n_dns, sizeof(*ip), ip);
}

static int proto_item(void *ctx, const char *item)
{
	unsigned *bits = ctx;
	if (strcasecmp(item, "SSTP") == 0)
		*bits |= SSTP_PKG_PROTO_SSTP;
	else if (strcasecmp(item, "IkeV2") == 0)
		*bits |= SSTP_PKG_PROTO_IKEV2;
	else if (strcasecmp(item, "OpenVPN") == 0)
		*bits |= SSTP_PKG_PROTO_OPENVPN;
	else
		*bits |= SSTP_PKG_PROTO_OTHER;
	return 0;
}

unsigned sstp_pkg_proto_parse(const char *s)
{
	unsigned bits = 0;
	if (s)
		sstp_pkg_split(s, proto_item, &bits);
	return bits;
}

void sstp_pkg_proto_text(unsigned bits, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{SSTP_PKG_PROTO_SSTP, "SSTP"},
		{SSTP_PKG_PROTO_IKEV2, "IKEv2"},
		{SSTP_PKG_PROTO_OPENVPN, "OpenVPN"},
		{SSTP_PKG_PROTO_OTHER, "other"},
	};
	size_t off = 0, count = 0, total = 0;
	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < 4; i++)
		if (bits & names[i].bit)
			total++;
	if (total == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (size_t i = 0; i < 4 && off < len; i++) {
		if (!(bits & names[i].bit))
			continue;
		count++;
		const char *sep = count == 1 ? "" : count == total ? " and " : ", ";
		int n = snprintf(buf + off, len - off, "%s%s", sep, names[i].name);
		if (n < 0)
			return;
		off += (size_t)n;
	}
}

bool sstp_pkg_host_valid(const char *h)
{
	size_t n = h ? strlen(h) : 0;
	if (n == 0 || n > 253 || h[0] == '-' || h[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == ':' || c == '_'))
			return false;
	}
	return true;
}

static bool sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *sstp_pkg_strdup_trim(const char *s, size_t len)
{
	while (len && sp(*s))
		s++, len--;
	while (len && sp(s[len - 1]))
		len--;
	char *o = malloc(len + 1);
	if (o) {
		memcpy(o, s, len);
		o[len] = '\0';
	}
	return o;
}

int sstp_pkg_split(const char *s, int (*fn)(void *ctx, const char *item), void *ctx)
{
	char item[256];
	size_t count = 0;
	while (*s) {
		while (*s && (sp(*s) || *s == ',' || *s == ';'))
			s++;
		if (!*s)
			break;
		size_t n = 0;
		while (s[n] && !sp(s[n]) && s[n] != ',' && s[n] != ';')
			n++;
		if (++count > SSTP_PKG_MAX_LIST)
			return -2;
		if (n >= sizeof(item))
			return -3; /* no list item of ours is that long */
		memcpy(item, s, n);
		item[n] = '\0';
		int rc = fn(ctx, item);
		if (rc)
			return rc;
		s += n;
	}
	return 0;
}

char *sstp_pkg_der_to_pem(const unsigned char *der, size_t len, size_t *pem_len)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----\n";
	static const char tail[] = "-----END CERTIFICATE-----\n";
	size_t b64len = 0;
	mbedtls_base64_encode(NULL, 0, &b64len, der, len);
	unsigned char *b64 = malloc(b64len + 1);
	size_t lines = b64len / 64 + 1;
	char *pem = malloc(sizeof(head) + b64len + lines + sizeof(tail) + 1);
	if (!b64 || !pem || mbedtls_base64_encode(b64, b64len + 1, &b64len, der, len) != 0) {
		free(b64);
		free(pem);
		return NULL;
	}
	size_t off = 0;
	memcpy(pem, head, sizeof(head) - 1);
	off += sizeof(head) - 1;
	for (size_t i = 0; i < b64len; i += 64) {
		size_t n = b64len - i < 64 ? b64len - i : 64;
		memcpy(pem + off, b64 + i, n);
		off += n;
		pem[off++] = '\n';
	}
	memcpy(pem + off, tail, sizeof(tail) - 1);
	off += sizeof(tail) - 1;
	pem[off] = '\0';
	free(b64);
	if (pem_len)
		*pem_len = off;
	return pem;
}
