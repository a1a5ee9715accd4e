/* fuzz_sstp_proxy.c - libFuzzer target for the --proxy helpers. Input: first byte selects the
 * function, the rest is the text. Oracles for the URL parser: success gives a non-empty host of
 * URL characters only, a user without control bytes or ':', a port 1..65535, and a rebuilt
 * http://[user@]host:port URL (user %-encoded) parses back to the same result; the input with
 * ':x' spliced into the user part is refused. For the status line: printable output within bounds,
 * code 100..999 only for lines starting with "HTTP/". */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *in)
{
	struct sstp_proxy_url u, v;
	char rebuilt[2048], enc[SSTP_PROXY_USER_MAX * 3 + 1];
	size_t o = 0;
	int r = sstp_proxy_url_parse(in, &u);

	if (r != SSTP_PROXY_URL_OK) {
		if (r != SSTP_PROXY_URL_BAD && r != SSTP_PROXY_URL_PASSWORD)
			abort();
		return;
	}
	if (!u.host[0] || strnlen(u.host, sizeof(u.host)) >= sizeof(u.host) || u.port == 0)
		abort();
	for (const char *h = u.host; *h; h++)
		if (*h <= 0x20 || *h >= 0x7f || strchr("@/?#[]%", *h) || (*h == ':' && !u.ipv6))
			abort();
	for (const unsigned char *p = (const unsigned char *)u.user; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == ':')
			abort();
		o += (size_t)snprintf(enc + o, sizeof(enc) - o, "%%%02X", *p);
	}
	enc[o] = '\0';
	snprintf(rebuilt, sizeof(rebuilt), "http://%s%s%s%s%s:%u/", enc, u.user[0] ? "@" : "",
		 u.ipv6 ? "[" : "", u.host, u.ipv6 ? "]" : "", u.port);
	if (sstp_proxy_url_parse(rebuilt, &v) != SSTP_PROXY_URL_OK || memcmp(&u, &v, sizeof(u)) != 0)
		abort();
	if (u.user[0]) { /* a password in the URL is always refused */
		snprintf(rebuilt, sizeof(rebuilt), "http://%s:x@%s%s%s:%u/", enc, u.ipv6 ? "[" : "",
			 u.host, u.ipv6 ? "]" : "", u.port);
		if (sstp_proxy_url_parse(rebuilt, &v) != SSTP_PROXY_URL_PASSWORD)
			abort();
	}
}

static void check_status(const uint8_t *d, size_t n)
{
	char out[40];
	int code;

	memset(out, 0x7f, sizeof(out));
	code = sstp_proxy_status_line((const char *)d, n, out, sizeof(out));
	if (code == 0) {
		for (size_t i = 0; i < sizeof(out); i++)
			if ((unsigned char)out[i] != 0x7f)
				abort(); /* untouched */
		return;
	}
	if (code < 100 || code > 999 || n < 5 || memcmp(d, "HTTP/", 5) != 0)
		abort();
	if (strnlen(out, sizeof(out)) >= sizeof(out))
		abort();
	for (const char *p = out; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	if (data[0] & 1) {
		check_status(data + 1, size - 1);
		return 0;
	}
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	check_url(s);
	free(s);
	return 0;
}
