/* sstp_http.h - the HTTPS handshake of SSTP ([MS-SSTP] 3.2.4.1, 4.1): builds the
 * SSTP_DUPLEX_POST request and parses the server's response head incrementally with hard limits.
 * Pure: no I/O, no allocation; the caller owns every buffer. */
#ifndef SSTP_HTTP_H
#define SSTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_HTTP_HEAD_MAX 8192          /* response head cap, bytes (incl. the blank line) */
#define SSTP_HTTP_MAX_HEADERS 64         /* header lines after the status line */
#define SSTP_HTTP_TIMEOUT_MS 60000u      /* wait for the response ([MS-SSTP] 4.1); session's job */
#define SSTP_HTTP_REQUEST_MAX 512        /* enough for any request built here (host <= 255) */
#define SSTP_HTTP_ERR_MAX 256
#define SSTP_GUID_STR_LEN 38             /* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */

/* Formats a random (version 4) GUID from 16 caller-supplied random bytes into out (39 bytes incl.
 * NUL), braces included. */
void sstp_http_format_guid(char out[SSTP_GUID_STR_LEN + 1], const uint8_t rnd[16]);

/* Builds the SSTP_DUPLEX_POST request head into out[cap]. host is the server name (no port, no
 * CR/LF/space/control characters, <= 255 bytes); ":port" is appended to Host only when port != 443.
 * rnd: 16 random bytes for SSTPCORRELATIONID. Returns the length (no NUL counted; out is NUL
 * terminated) or 0 if host is invalid or cap too small. */
size_t sstp_http_build_request(char *out, size_t cap, const char *host, uint16_t port,
			       const uint8_t rnd[16]);

/* Who answers: changes only the wording of errors and the Content-Length rule. */
enum sstp_http_peer {
	SSTP_HTTP_PEER_GATEWAY = 0,   /* SSTP server: Content-Length, if present, must be 2^64-1 */
	SSTP_HTTP_PEER_PROXY = 1,     /* HTTP CONNECT answer: Content-Length ignored */
};

enum sstp_http_rc {
	SSTP_HTTP_NEED_MORE = 0,   /* all input consumed, head not complete yet */
	SSTP_HTTP_DONE = 1,        /* head complete and acceptable; *consumed bytes were the head */
	SSTP_HTTP_ERROR = 2,       /* fatal; sstp_http_resp_error() says what the server said */
};

/* Parser state; the caller allocates it (about 8.5 KiB). */
struct sstp_http_resp {
	enum sstp_http_peer peer;
	enum sstp_http_rc rc;
	char head[SSTP_HTTP_HEAD_MAX];
	size_t have;               /* bytes stored in head */
	size_t line_start;         /* start of the line being received */
	unsigned lines;            /* complete lines so far (status line included) */
	int status;                /* HTTP status code once the status line was parsed, else 0 */
	int http_minor;            /* 0 or 1 */
	int have_content_length;
	int head_done;             /* blank line seen */
	char reason[80];           /* sanitised reason phrase */
	char location[120];        /* sanitised Location header (redirects) */
	char err[SSTP_HTTP_ERR_MAX];
};

void sstp_http_resp_init(struct sstp_http_resp *r, enum sstp_http_peer peer);
/* Feeds len bytes. On DONE, *consumed is the number of bytes of buf that belonged to the head; the
 * rest (buf + *consumed) is the start of the SSTP stream. On NEED_MORE, *consumed == len. After
 * DONE or ERROR further calls return the same result and consume nothing. */
enum sstp_http_rc sstp_http_resp_feed(struct sstp_http_resp *r, const uint8_t *buf, size_t len,
				      size_t *consumed);
/* Human error text, e.g. "HTTP 503 from gateway: Service Unavailable"; "" unless ERROR.
 * Server-supplied text is reduced to printable ASCII and truncated. */
const char *sstp_http_resp_error(const struct sstp_http_resp *r);

#endif
