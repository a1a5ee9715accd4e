/* sstp_proxy.h - pure helpers for `--proxy`: parsing an http://[user@]host[:port][/] proxy URL
 * (never a password: that comes from a file or the environment) and turning a proxy's HTTP
 * status line into printable text for an error sentence. No I/O, no allocation. */
#ifndef SSTP_PROXY_H
#define SSTP_PROXY_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_PROXY_HOST_MAX 256  /* host name or address, brackets of IPv6 not included */
#define SSTP_PROXY_USER_MAX 256  /* user name after %-decoding */
#define SSTP_PROXY_DEFAULT_PORT 8080

struct sstp_proxy_url {
	char host[SSTP_PROXY_HOST_MAX]; /* "proxy.example.com", "10.0.0.1" or "fd00::1" */
	uint16_t port;
	int ipv6;                       /* host was written in brackets */
	char user[SSTP_PROXY_USER_MAX]; /* "" when the URL names none */
};

enum sstp_proxy_url_err {
	SSTP_PROXY_URL_OK = 0,
	SSTP_PROXY_URL_BAD = -1,      /* not http://HOST[:PORT] */
	SSTP_PROXY_URL_PASSWORD = -2, /* user:password@: refused, argv is world-readable */
};

/* Parse `url` into *out. Only the http scheme; the user part is %-decoded and must not contain
 * control characters; anything after the first '/' is ignored. Returns enum sstp_proxy_url_err. */
int sstp_proxy_url_parse(const char *url, struct sstp_proxy_url *out);

/* When line[0..len) is an HTTP status line ("HTTP/1.1 407 Proxy Authentication Required",
 * CR/LF optional), copy it without the line end into out (non-printable bytes become '?',
 * truncated to fit) and return the status code (100..999); else return 0 and leave out alone. */
int sstp_proxy_status_line(const char *line, size_t len, char *out, size_t outlen);

#endif
