/* tls_verify.c - server certificate policy shared by the outer session and the EAP-TLS engine:
 * trust-anchor loading, host name matching (DNS and IP SANs, CN fallback), EKU serverAuth
 * (MS-SSTP 3.2.4.1), SHA-256 key pins, and one precise sentence per failure. */
#include "tls_compat.h"

#include <mbedtls/base64.h>
#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base_hex.h"
#include "tls_priv.h"

#define TLS_CA_FILE_MAX (16u * 1024 * 1024)

/* Where distributions keep the system trust store (bundle files first, then directories). */
static const char *const system_ca_candidates[] = {
	"/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Arch, Gentoo */
	"/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL */
	"/etc/ssl/ca-bundle.pem",             /* openSUSE */
	"/etc/ssl/cert.pem",                  /* macOS, Alpine, BSDs */
	"/etc/ssl/certs",                     /* hashed directory */
	NULL,
};

static size_t crt_count(const mbedtls_x509_crt *c)
{
	size_t n = 0;

	for (; c != NULL && c->version != 0; c = c->next)
		n++;
	return n;
}

static int load_one_path(mbedtls_x509_crt *ca, const char *path, int quiet, char *err,
			 size_t errlen)
{
	struct stat st;
	size_t before = crt_count(ca);

	if (stat(path, &st) != 0) {
		if (!quiet)
			snprintf(err, errlen, "CA file %s does not exist", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		(void)mbedtls_x509_crt_parse_path(ca, path); /* > 0: some files were not certs */
	} else {
		uint8_t *buf;
		size_t len;

		if (tls_read_file(path, TLS_CA_FILE_MAX, &buf, &len, err, errlen) != 0)
			return -1;
		/* PEM parsing needs the terminating NUL in the length. */
		if (len > 0 && strstr((const char *)buf, "-----BEGIN ") != NULL)
			len++;
		(void)mbedtls_x509_crt_parse(ca, buf, len);
		free(buf);
	}
	if (crt_count(ca) == before) {
		if (!quiet)
			snprintf(err, errlen, "no certificate found in CA file %s", path);
		return -1;
	}
	return 0;
}

int tls_ca_load(mbedtls_x509_crt *ca, const char *const *paths, const struct tls_blob *blobs,
		size_t n_blobs, int system, const char *system_path, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; paths != NULL && paths[i] != NULL; i++)
		if (load_one_path(ca, paths[i], 0, err, errlen) != 0)
			return -1;
	for (i = 0; i < n_blobs; i++) {
		const struct tls_blob *b = &blobs[i];
		size_t before = crt_count(ca);
		int ret;

		if (b->len > 0 && b->len < 64 * 1024 && memchr(b->data, 0, b->len) == NULL &&
		    b->len >= 11 && memcmp(b->data, "-----BEGIN ", 11) == 0) {
			/* PEM blob without its NUL: copy to terminate it */
			unsigned char *tmp = malloc(b->len + 1);

			if (tmp == NULL) {
				snprintf(err, errlen, "out of memory loading CA certificates");
				return -1;
			}
			memcpy(tmp, b->data, b->len);
			tmp[b->len] = 0;
			ret = mbedtls_x509_crt_parse(ca, tmp, b->len + 1);
			free(tmp);
		} else {
			ret = mbedtls_x509_crt_parse(ca, b->data, b->len);
		}
		if (ret < 0 || crt_count(ca) == before) {
			snprintf(err, errlen, "CA certificate %zu of the profile is not a certificate",
				 i + 1);
			return -1;
		}
	}
	if (system) {
		if (system_path != NULL) {
			if (load_one_path(ca, system_path, 0, err, errlen) != 0)
				return -1;
		} else {
			for (i = 0; system_ca_candidates[i] != NULL; i++)
				if (load_one_path(ca, system_ca_candidates[i], 1, err, errlen) == 0)
					break;
		}
	}
	return (int)crt_count(ca);
}

/* ---- IP literals ---- */

static int parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (i < len && isdigit((unsigned char)s[i])) {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (++digits > 3 || v > 255)
				return 0;
			i++;
		}
		if (digits == 0)
			return 0;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == len;
}

static int parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
	uint16_t g[8];
	size_t n = 0, i = 0;
	int gap = -1;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len >= 1 && s[0] == ':') {
		return 0;
	}
	while (i < len) {
		size_t start = i;
		unsigned v = 0;

		while (i < len && base_hex_digit(s[i]) >= 0 && i - start < 5) {
			v = v * 16 + (unsigned)base_hex_digit(s[i]);
			i++;
		}
		if (i < len && s[i] == '.') { /* embedded IPv4 as the last 32 bits */
			uint8_t v4[4];

			if (n > 6 || !parse_ipv4(s + start, len - start, v4))
				return 0;
			g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = len;
			break;
		}
		if (i == start || i - start > 4 || n >= 8)
			return 0;
		g[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = (int)n;
			i++;
		} else if (i == len) {
			return 0; /* trailing single colon */
		}
	}
	if (gap < 0 && n != 8)
		return 0;
	if (gap >= 0 && n > 7)
		return 0;
	memset(out, 0, 16);
	if (gap < 0) {
		for (i = 0; i < 8; i++) {
			out[2 * i] = (uint8_t)(g[i] >> 8);
			out[2 * i + 1] = (uint8_t)g[i];
		}
	} else {
		size_t tail = n - (size_t)gap;

		for (i = 0; i < (size_t)gap; i++) {
			out[2 * i] = (uint8_t)(g[i] >> 8);
			out[2 * i + 1] = (uint8_t)g[i];
		}
		for (i = 0; i < tail; i++) {
			size_t d = 8 - tail + i;

			out[2 * d] = (uint8_t)(g[gap + i] >> 8);
			out[2 * d + 1] = (uint8_t)g[gap + i];
		}
	}
	return 1;
}

int tls_parse_ip(const char *s, uint8_t out[16], size_t *out_len)
{
	size_t len = strlen(s);
	const char *pct;

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	pct = memchr(s, '%', len); /* IPv6 zone id: not part of the address */
	if (pct != NULL)
		len = (size_t)(pct - s);
	if (parse_ipv4(s, len, out)) {
		*out_len = 4;
		return 1;
	}
	if (memchr(s, ':', len) != NULL && parse_ipv6(s, len, out)) {
		*out_len = 16;
		return 1;
	}
	return 0;
}

/* ---- names ---- */

int tls_verify_set_name(struct tls_verify *v, const char *name)
{
	size_t len;

	v->name[0] = '\0';
	v->ip_len = 0;
	if (name == NULL || name[0] == '\0')
		return 0;
	len = strlen(name);
	if (len >= sizeof(v->name))
		return -1;
	if (tls_parse_ip(name, v->ip, &v->ip_len)) {
		memcpy(v->name, name, len + 1);
		return 0;
	}
	/* a DNS name: drop one trailing dot, keep it lower-case for display */
	if (len > 1 && name[len - 1] == '.')
		len--;
	for (size_t i = 0; i < len; i++)
		v->name[i] = (char)tolower((unsigned char)name[i]);
	v->name[len] = '\0';
	return 0;
}

/* pattern from the certificate (not NUL-terminated) against the expected host name. */
static int dns_match(const char *host, const unsigned char *pat, size_t plen)
{
	size_t hlen = strlen(host);

	if (plen > 0 && pat[plen - 1] == '.')
		plen--;
	if (plen == 0 || memchr(pat, 0, plen) != NULL)
		return 0;
	if (plen == hlen && strncasecmp(host, (const char *)pat, plen) == 0)
		return 1;
	/* "*.example.com": the wildcard is the whole left-most label and covers exactly one label;
	 * at least two labels must follow it. */
	if (plen > 2 && pat[0] == '*' && pat[1] == '.') {
		const char *dot = strchr(host, '.');
		const unsigned char *rest = pat + 1; /* ".example.com" */
		size_t rlen = plen - 1;

		if (memchr(rest + 1, '.', rlen - 1) == NULL || memchr(rest, '*', rlen) != NULL)
			return 0;
		if (dot == NULL || dot == host)
			return 0;
		return strlen(dot) == rlen && strncasecmp(dot, (const char *)rest, rlen) == 0;
	}
	return 0;
}

static const mbedtls_x509_buf *find_cn(const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_name *n;

	for (n = &crt->subject; n != NULL; n = n->next)
		if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0)
			return &n->val;
	return NULL;
}

#define SAN_DNS (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)
#define SAN_IP (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7)

int tls_verify_name_matches(const struct tls_verify *v, const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_sequence *san;
	const mbedtls_x509_buf *cn;
	int have_dns = 0, have_ip = 0;

	if (v->name[0] == '\0')
		return 1;
	for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
		if (san->buf.p == NULL)
			continue;
		if ((san->buf.tag & 0xff) == SAN_DNS) {
			have_dns = 1;
			if (v->ip_len == 0 && dns_match(v->name, san->buf.p, san->buf.len))
				return 1;
		} else if ((san->buf.tag & 0xff) == SAN_IP) {
			have_ip = 1;
			if (v->ip_len != 0 && san->buf.len == v->ip_len &&
			    memcmp(san->buf.p, v->ip, v->ip_len) == 0)
				return 1;
		}
	}
	/* RFC 6125: the CN is only a fallback for certificates without DNS names */
	if (have_dns || (v->ip_len != 0 && have_ip))
		return 0;
	cn = find_cn(crt);
	if (cn == NULL)
		return 0;
	if (v->ip_len != 0)
		return cn->len == strlen(v->name) && memcmp(cn->p, v->name, cn->len) == 0;
	return dns_match(v->name, cn->p, cn->len);
}

/* "a.example.com, b.example.com" or the CN: what the certificate is for. */
static void cert_names(const mbedtls_x509_crt *crt, char *out, size_t outlen)
{
	const mbedtls_x509_sequence *san;
	const mbedtls_x509_buf *cn;
	int n = 0;

	out[0] = '\0';
	for (san = &crt->subject_alt_names; san != NULL && n < 4; san = san->next) {
		if (san->buf.p == NULL)
			continue;
		if ((san->buf.tag & 0xff) == SAN_DNS) {
			tls_appendf(out, outlen, "%s%.*s", n ? ", " : "", (int)san->buf.len,
				    (const char *)san->buf.p);
			n++;
		} else if ((san->buf.tag & 0xff) == SAN_IP && san->buf.len == 4) {
			const unsigned char *a = san->buf.p;

			tls_appendf(out, outlen, "%s%u.%u.%u.%u", n ? ", " : "", a[0], a[1], a[2],
				    a[3]);
			n++;
		} else if ((san->buf.tag & 0xff) == SAN_IP && san->buf.len == 16) {
			tls_appendf(out, outlen, "%s(an IPv6 address)", n ? ", " : "");
			n++;
		}
	}
	if (san != NULL)
		tls_appendf(out, outlen, ", ...");
	if (n == 0) {
		cn = find_cn(crt);
		if (cn != NULL)
			tls_appendf(out, outlen, "%.*s", (int)cn->len, (const char *)cn->p);
		else
			tls_appendf(out, outlen, "(no name)");
	}
	/* names come from the network: keep the sentence printable */
	for (char *p = out; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
}

/* ---- pins ---- */

int tls_spki_sha256(const mbedtls_x509_crt *crt, uint8_t out[32])
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);

	if (md == NULL || crt->pk_raw.p == NULL)
		return -1;
	return mbedtls_md(md, crt->pk_raw.p, crt->pk_raw.len, out) == 0 ? 0 : -1;
}

static int parse_one_pin(const char *s, size_t len, uint8_t out[32])
{
	char tmp[128];
	size_t n = 0, olen = 0, i;

	if (len >= 8 && strncasecmp(s, "sha256//", 8) == 0) {
		s += 8;
		len -= 8;
	}
	for (i = 0; i < len; i++) { /* drop colons and blanks */
		if (s[i] == ':' || isspace((unsigned char)s[i]))
			continue;
		if (n + 1 >= sizeof(tmp))
			return -1;
		tmp[n++] = s[i];
	}
	tmp[n] = '\0';
	if (n == 64) {
		for (i = 0; i < 32; i++) {
			int b = base_hex_byte(tmp[2 * i], tmp[2 * i + 1]);

			if (b < 0)
				break;
			out[i] = (uint8_t)b;
		}
		if (i == 32)
			return 0;
	}
	if (n == 43) { /* base64 without padding */
		tmp[n++] = '=';
		tmp[n] = '\0';
	}
	if (n == 44 && mbedtls_base64_decode(out, 32, &olen, (const unsigned char *)tmp, n) == 0 &&
	    olen == 32)
		return 0;
	return -1;
}

int tls_verify_set_pins(struct tls_verify *v, const char *pins, char *err, size_t errlen)
{
	const char *p = pins;

	v->n_pins = 0;
	if (pins == NULL)
		return 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		if (len > 0) {
			if (v->n_pins == TLS_MAX_PINS) {
				snprintf(err, errlen, "too many --pin-sha256 values (at most %d)",
					 TLS_MAX_PINS);
				return -1;
			}
			if (parse_one_pin(p, len, v->pins[v->n_pins]) != 0) {
				snprintf(err, errlen,
					 "--pin-sha256 value %zu is neither base64 nor 64 hex digits "
					 "of a SHA-256",
					 v->n_pins + 1);
				return -1;
			}
			v->n_pins++;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (v->n_pins == 0) {
		snprintf(err, errlen, "--pin-sha256 is empty");
		return -1;
	}
	return 0;
}

/* ---- the callback ---- */

void tls_verify_reset(struct tls_verify *v)
{
	v->flags = 0;
	v->pin_matched = 0;
	v->have_leaf_pin = 0;
	v->error[0] = '\0';
	v->warning[0] = '\0';
}

/* Appends the sentence for the problems of one chain element to v->error. */
static void describe(struct tls_verify *v, const mbedtls_x509_crt *crt, int depth, uint32_t f)
{
	char subj[256], date[16], who[300];

	tls_fmt_dn(&crt->subject, subj, sizeof(subj));
	if (depth == 0)
		snprintf(who, sizeof(who), "server certificate");
	else
		snprintf(who, sizeof(who), "certificate \"%s\" in the server's chain", subj);
#define SEP (v->error[0] ? "; " : "")
	if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		char issuer[256];

		tls_fmt_dn(&crt->issuer, issuer, sizeof(issuer));
		if (tls_crt_self_issued(crt))
			tls_appendf(v->error, sizeof(v->error),
				    "%sself-signed certificate \"%s\" is not a trusted root", SEP,
				    subj);
		else
			tls_appendf(v->error, sizeof(v->error),
				    "%sunknown issuer \"%s\" (of \"%s\"): not in the trusted roots",
				    SEP, issuer, subj);
	}
	if (f & MBEDTLS_X509_BADCERT_EXPIRED) {
		tls_fmt_date(&crt->valid_to, date, sizeof(date));
		tls_appendf(v->error, sizeof(v->error), "%s%s expired on %s", SEP, who, date);
	}
	if (f & MBEDTLS_X509_BADCERT_FUTURE) {
		tls_fmt_date(&crt->valid_from, date, sizeof(date));
		tls_appendf(v->error, sizeof(v->error), "%s%s is not valid before %s", SEP, who,
			    date);
	}
	if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
		char names[256];

		cert_names(crt, names, sizeof(names));
		tls_appendf(v->error, sizeof(v->error), "%scertificate for %s presented by %s", SEP,
			    names, v->name);
	}
	if (f & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE)
		tls_appendf(v->error, sizeof(v->error),
			    "%s%s is not for server authentication (its extended key usage lacks "
			    "serverAuth)",
			    SEP, who);
	if (f & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
		 MBEDTLS_X509_BADCERT_BAD_KEY))
		tls_appendf(v->error, sizeof(v->error),
			    "%s%s uses a weak or unsupported signature hash or key", SEP, who);
	if (f & ~(uint32_t)(MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_EXPIRED |
			    MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_CN_MISMATCH |
			    MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_BAD_MD |
			    MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY)) {
		char info[256];

		if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", f) < 0)
			snprintf(info, sizeof(info), "rejected");
		info[strcspn(info, "\n")] = '\0';
		tls_appendf(v->error, sizeof(v->error), "%s%s: %s", SEP, who, info);
	}
#undef SEP
}

int tls_verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls_verify *v = ctx;
	uint32_t f = *flags & ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH; /* checked below */
	size_t i;

	if (depth > 0) {
		/* mbedTLS calls from the top of the chain down to the leaf (depth 0) last:
		 * collect here, decide at the leaf. */
		if (f != 0) {
			v->flags |= f;
			describe(v, crt, depth, f);
		}
		*flags = 0;
		return 0;
	}
	if (v->name[0] != '\0' && !tls_verify_name_matches(v, crt))
		f |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	if (mbedtls_x509_crt_check_extended_key_usage(crt, MBEDTLS_OID_SERVER_AUTH,
						      MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)) != 0)
		f |= MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
	if (f != 0)
		describe(v, crt, 0, f);
	v->flags |= f;
	v->have_leaf_pin = tls_spki_sha256(crt, v->leaf_pin) == 0;
	if (v->n_pins > 0) {
		for (i = 0; v->have_leaf_pin && i < v->n_pins; i++)
			if (memcmp(v->pins[i], v->leaf_pin, 32) == 0)
				v->pin_matched = 1;
		if (!v->pin_matched) {
			char mine[64] = "?";

			if (v->have_leaf_pin)
				tls_base64(v->leaf_pin, 32, mine, sizeof(mine));
			/* a pin mismatch is final, whatever else was found */
			snprintf(v->error, sizeof(v->error),
				 "server key does not match the pinned SHA-256 (the server's key is "
				 "sha256//%s)",
				 mine);
			v->flags |= MBEDTLS_X509_BADCERT_OTHER;
			*flags = v->flags;
			return 0;
		}
	}
	if (v->flags != 0 && (v->pin_matched || v->insecure)) {
		v->warning[0] = '\0';
		tls_appendf(v->warning, sizeof(v->warning), "%s (accepted because of %s)", v->error,
			    v->pin_matched ? "the pinned key" : "--insecure");
		v->error[0] = '\0';
		*flags = 0;
		return 0;
	}
	*flags = v->flags;
	return 0;
}
