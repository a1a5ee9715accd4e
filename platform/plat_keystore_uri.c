/* plat_keystore_uri.c - the OS-neutral part of the key store adapter: parsing certstore: URIs
 * (location, store name, thumbprint or subject selection) with specific errors, and freeing the
 * chain plat_keystore_open returns. Pure: no OS calls, every byte checked before it is used. */
#include "plat_keystore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base_hex.h"
#include "tls_creds.h" /* struct tls_blob */

#define KS_SCHEME "certstore:"
#define KS_SCHEME_LEN (sizeof(KS_SCHEME) - 1)

bool plat_keystore_is_uri(const char *s)
{
	return s != NULL && strncasecmp(s, KS_SCHEME, KS_SCHEME_LEN) == 0;
}

void plat_keystore_chain_free(struct tls_blob *chain, size_t n)
{
	size_t i;

	if (chain == NULL)
		return;
	for (i = 0; i < n; i++)
		free((void *)chain[i].data);
	free(chain);
}

/* Percent-decodes s[0..len) into out (size outsz, NUL-terminated). 0, or -1: bad escape, an
 * encoded NUL, or too long. */
static int pct_decode(const char *s, size_t len, char *out, size_t outsz, const char **why)
{
	size_t i = 0, o = 0;

	while (i < len) {
		char c = s[i];

		if (c == '%') {
			int b;

			if (len - i < 3 || (b = base_hex_byte(s[i + 1], s[i + 2])) < 0) {
				*why = "a '%' not followed by two hex digits";
				return -1;
			}
			c = (char)b;
			if (c == '\0') {
				*why = "an encoded NUL (%00)";
				return -1;
			}
			i += 3;
		} else {
			i++;
		}
		if (o + 1 >= outsz) {
			*why = "more than 255 bytes";
			return -1;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

static int parse_thumbprint(const char *v, uint8_t out[PLAT_KS_THUMB_LEN], char *err,
			    size_t errlen)
{
	size_t digits = 0;
	const char *p;

	for (p = v; *p; p++) {
		int h = base_hex_digit(*p);

		if (*p == ' ' || *p == ':')
			continue;
		if (h < 0) {
			snprintf(err, errlen, "certstore: thumbprint has a non-hex character '%c' "
				 "(40 hex digits expected)", (*p > 0x20 && *p < 0x7f) ? *p : '?');
			return -1;
		}
		if (digits == 2 * PLAT_KS_THUMB_LEN) {
			snprintf(err, errlen, "certstore: thumbprint is longer than 40 hex digits "
				 "(a SHA-1 thumbprint is 40)");
			return -1;
		}
		if (digits % 2 == 0)
			out[digits / 2] = (uint8_t)(h << 4);
		else
			out[digits / 2] |= (uint8_t)h;
		digits++;
	}
	if (digits != 2 * PLAT_KS_THUMB_LEN) {
		snprintf(err, errlen, "certstore: thumbprint has %zu hex digits, 40 expected", digits);
		return -1;
	}
	return 0;
}

static int valid_store_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* One "key=value" of the query, [p, p+len). */
static int parse_param(const char *p, size_t len, struct plat_ks_uri *out, char *err,
		       size_t errlen)
{
	const char *eq = memchr(p, '=', len);
	size_t klen;
	char val[PLAT_KS_SUBJECT_MAX]; /* the longest value: a subject */
	const char *why = "";

	if (eq == NULL) {
		snprintf(err, errlen, "certstore: query part '%.*s' has no '=' (use thumbprint=HEX "
			 "or subject=NAME)", (int)(len > 40 ? 40 : len), p);
		return -1;
	}
	klen = (size_t)(eq - p);
	if (pct_decode(eq + 1, len - klen - 1, val, sizeof(val), &why) != 0) {
		snprintf(err, errlen, "certstore: value of '%.*s': %s", (int)(klen > 20 ? 20 : klen),
			 p, why);
		return -1;
	}
	if (klen == 10 && strncasecmp(p, "thumbprint", 10) == 0) {
		if (out->has_thumbprint) {
			snprintf(err, errlen, "certstore: thumbprint given twice");
			return -1;
		}
		if (parse_thumbprint(val, out->thumbprint, err, errlen) != 0)
			return -1;
		out->has_thumbprint = true;
		return 0;
	}
	if (klen == 7 && strncasecmp(p, "subject", 7) == 0) {
		size_t vl = strlen(val);

		if (out->subject[0]) {
			snprintf(err, errlen, "certstore: subject given twice");
			return -1;
		}
		if (vl == 0) {
			snprintf(err, errlen, "certstore: subject is empty");
			return -1;
		}
		memcpy(out->subject, val, vl + 1);
		return 0;
	}
	snprintf(err, errlen, "certstore: unknown parameter '%.*s' (thumbprint or subject)",
		 (int)(klen > 40 ? 40 : klen), p);
	return -1;
}

int plat_keystore_uri_parse(const char *uri, struct plat_ks_uri *out, char *err, size_t errlen)
{
	const char *p, *slash, *q, *end;
	size_t llen, slen;

	memset(out, 0, sizeof(*out));
	if (!plat_keystore_is_uri(uri)) {
		snprintf(err, errlen, "not a certstore: URI");
		return -1;
	}
	p = uri + KS_SCHEME_LEN;
	end = p + strlen(p);
	q = memchr(p, '?', (size_t)(end - p));
	if (q == NULL)
		q = end;
	slash = memchr(p, '/', (size_t)(q - p));
	if (slash == NULL) {
		snprintf(err, errlen, "certstore: URI needs LOCATION/STORE, e.g. "
			 "certstore:CurrentUser/My?thumbprint=HEX");
		return -1;
	}
	llen = (size_t)(slash - p);
	if (llen == 11 && strncasecmp(p, "CurrentUser", 11) == 0) {
		out->location = PLAT_KS_CURRENT_USER;
	} else if (llen == 12 && strncasecmp(p, "LocalMachine", 12) == 0) {
		out->location = PLAT_KS_LOCAL_MACHINE;
	} else {
		snprintf(err, errlen, "certstore: unknown store location '%.*s' (CurrentUser or "
			 "LocalMachine)", (int)(llen > 40 ? 40 : llen), p);
		return -1;
	}
	slen = (size_t)(q - slash - 1);
	if (slen == 0) {
		snprintf(err, errlen, "certstore: store name is empty (e.g. My)");
		return -1;
	}
	if (slen >= sizeof(out->store)) {
		snprintf(err, errlen, "certstore: store name is longer than %zu characters",
			 sizeof(out->store) - 1);
		return -1;
	}
	for (size_t i = 0; i < slen; i++) {
		if (!valid_store_char(slash[1 + i])) {
			snprintf(err, errlen, "certstore: store name has an invalid character (letters, "
				 "digits, '_', '-', '.')");
			return -1;
		}
	}
	memcpy(out->store, slash + 1, slen);
	out->store[slen] = '\0';
	if (q == end || q + 1 == end) {
		snprintf(err, errlen, "certstore: say which certificate: ?thumbprint=HEX or "
			 "?subject=NAME");
		return -1;
	}
	p = q + 1;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		size_t len = (size_t)((amp ? amp : end) - p);

		if (len == 0) {
			snprintf(err, errlen, "certstore: empty query parameter");
			return -1;
		}
		if (parse_param(p, len, out, err, errlen) != 0)
			return -1;
		p += len;
		if (amp) {
			p++;
			if (p == end) {
				snprintf(err, errlen, "certstore: empty query parameter");
				return -1;
			}
		}
	}
	if (out->has_thumbprint && out->subject[0]) {
		snprintf(err, errlen, "certstore: give thumbprint or subject, not both");
		return -1;
	}
	return 0;
}
