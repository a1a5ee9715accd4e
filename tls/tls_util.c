/* tls_util.c - small helpers shared by the tls/ sources: bounded string appends, base64 on one
 * line, dates and distinguished names as text, reading a whole file with a size cap. */
#include "tls_compat.h"

#include <mbedtls/base64.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_priv.h"

void tls_appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (size == 0)
		return;
	used = strnlen(buf, size);
	if (used >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

int tls_base64(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	size_t olen = 0;

	if (mbedtls_base64_encode((unsigned char *)out, outlen, &olen, in, len) != 0)
		return -1;
	return 0;
}

int tls_crt_self_issued(const mbedtls_x509_crt *crt)
{
	return crt->issuer_raw.len == crt->subject_raw.len &&
	       memcmp(crt->issuer_raw.p, crt->subject_raw.p, crt->subject_raw.len) == 0;
}

int tls_sha1_hex(const uint8_t *data, size_t len, char *out, size_t outlen)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	uint8_t h[20];

	if (md == NULL || outlen < 41 || data == NULL || mbedtls_md(md, data, len, h) != 0)
		return -1;
	for (size_t i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02X", h[i]);
	return 0;
}

void tls_fmt_date(const mbedtls_x509_time *t, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-%02d-%02d", t->year, t->mon, t->day);
}

void tls_fmt_dn(const mbedtls_x509_name *dn, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (mbedtls_x509_dn_gets(out, outlen, dn) < 0)
		snprintf(out, outlen, "?");
	else if (out[0] == '\0')
		snprintf(out, outlen, "(empty name)");
}

int tls_read_file(const char *path, size_t max, uint8_t **out, size_t *outlen, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	*outlen = 0;
	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096 + 1) {
			size_t ncap = cap ? cap * 2 : 8192;
			uint8_t *nb;

			if (ncap > max + 4096 + 1)
				ncap = max + 4096 + 1;
			if (ncap <= cap) {
				snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
				goto fail;
			}
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				snprintf(err, errlen, "out of memory reading %s", path);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len > max) {
			snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
			goto fail;
		}
		if (n == 0) {
			if (ferror(f)) {
				snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL) {
			snprintf(err, errlen, "out of memory reading %s", path);
			return -1;
		}
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;
fail:
	fclose(f);
	if (buf != NULL) {
		mbedtls_platform_zeroize(buf, cap);
		free(buf);
	}
	return -1;
}
