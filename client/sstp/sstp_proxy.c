/* sstp_proxy.c - pure parsing for the HTTP proxy of `sstp connect --proxy`: the proxy URL
 * (scheme, optional user, host or [IPv6], port) and the proxy's status line for error text.
 * See sstp_proxy.h. */
#include "sstp_proxy.h"

#include <string.h>

#include "base_hex.h"

/* %-decode p[0..n) into out; refuses control bytes, ':' (a password) and a bad escape. */
static int decode_user(const char *p, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	if (n == 0)
		return SSTP_PROXY_URL_BAD;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ':')
			return SSTP_PROXY_URL_PASSWORD;
		if (c == '%') {
			int b;

			if (i + 2 >= n || (b = base_hex_byte(p[i + 1], p[i + 2])) < 0)
				return SSTP_PROXY_URL_BAD;
			c = (unsigned char)b;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || c == ':')
			return SSTP_PROXY_URL_BAD; /* controls; ':' cannot be in a Basic user-id */
		if (o + 1 >= outlen)
			return SSTP_PROXY_URL_BAD;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return SSTP_PROXY_URL_OK;
}

static int host_char(char c, int v6)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	if (v6)
		return c == ':' || c == '.';
	return c == '.' || c == '-' || c == '_';
}

int sstp_proxy_url_parse(const char *url, struct sstp_proxy_url *out)
{
	const char *p, *end, *at, *h, *hend, *rest;
	unsigned long port = SSTP_PROXY_DEFAULT_PORT;
	struct sstp_proxy_url u;
	size_t hl;
	int r;

	if (!url || !out)
		return SSTP_PROXY_URL_BAD;
	memset(&u, 0, sizeof(u));
	if (strncmp(url, "http://", 7) != 0)
		return SSTP_PROXY_URL_BAD;
	p = url + 7;
	end = p + strcspn(p, "/?#");
	if (*end && *end != '/')
		return SSTP_PROXY_URL_BAD; /* a query or fragment right after the authority */
	at = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q; /* the last '@' ends the user part */
	if (at) {
		if ((r = decode_user(p, (size_t)(at - p), u.user, sizeof(u.user))) != 0)
			return r;
		p = at + 1;
	}
	if (p < end && *p == '[') {
		h = p + 1;
		hend = memchr(h, ']', (size_t)(end - h));
		if (!hend)
			return SSTP_PROXY_URL_BAD;
		rest = hend + 1;
		u.ipv6 = 1;
	} else {
		h = p;
		hend = memchr(p, ':', (size_t)(end - p));
		if (!hend)
			hend = end;
		rest = hend;
	}
	hl = (size_t)(hend - h);
	if (hl == 0 || hl >= sizeof(u.host))
		return SSTP_PROXY_URL_BAD;
	for (size_t i = 0; i < hl; i++)
		if (!host_char(h[i], u.ipv6))
			return SSTP_PROXY_URL_BAD;
	if (u.ipv6 && !memchr(h, ':', hl))
		return SSTP_PROXY_URL_BAD;
	if (h[0] == '-' || h[0] == '.')
		return SSTP_PROXY_URL_BAD;
	if (rest < end) {
		unsigned long v = 0;
		const char *d = rest + 1;

		if (*rest != ':' || d >= end || end - d > 5)
			return SSTP_PROXY_URL_BAD;
		for (; d < end; d++) {
			if (*d < '0' || *d > '9')
				return SSTP_PROXY_URL_BAD;
			v = v * 10 + (unsigned long)(*d - '0');
		}
		if (v == 0 || v > 65535)
			return SSTP_PROXY_URL_BAD;
		port = v;
	}
	memcpy(u.host, h, hl);
	u.host[hl] = '\0';
	u.port = (uint16_t)port;
	*out = u;
	return SSTP_PROXY_URL_OK;
}

int sstp_proxy_status_line(const char *line, size_t len, char *out, size_t outlen)
{
	size_t i = 0, o = 0;
	int code = 0;

	if (!line || len < 12 || memcmp(line, "HTTP/", 5) != 0)
		return 0;
	while (i < len && line[i] != ' ')
		i++;
	if (i + 4 > len || line[i] != ' ')
		return 0;
	for (size_t k = i + 1; k < i + 4; k++) {
		if (line[k] < '0' || line[k] > '9')
			return 0;
		code = code * 10 + (line[k] - '0');
	}
	if (code < 100 || (i + 4 < len && line[i + 4] != ' ' && line[i + 4] != '\r' &&
			   line[i + 4] != '\n'))
		return 0;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!out || outlen == 0)
		return code;
	for (i = 0; i < len && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)line[i];

		out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[o] = '\0';
	return code;
}
