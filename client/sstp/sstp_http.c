/* sstp_http.c - SSTP_DUPLEX_POST request builder and an incremental, bounded parser for the
 * server's (or a proxy's) HTTP response head. Lines end with LF, optionally preceded by CR; a CR
 * anywhere else, folded lines, control bytes, oversize heads or too many headers are errors. */
#include "sstp_http.h"

#include <stdio.h>
#include <string.h>

#define SSTP_URI "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
#define CONTENT_LENGTH_MAX "18446744073709551615"

/* ---------------------------------------------------------------- request */

void sstp_http_format_guid(char out[SSTP_GUID_STR_LEN + 1], const uint8_t rnd[16])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t g[16];
	size_t i, o = 0;

	memcpy(g, rnd, sizeof(g));
	g[6] = (uint8_t)((g[6] & 0x0F) | 0x40);   /* version 4 */
	g[8] = (uint8_t)((g[8] & 0x3F) | 0x80);   /* RFC 4122 variant */
	out[o++] = '{';
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[g[i] >> 4];
		out[o++] = hex[g[i] & 0x0F];
	}
	out[o++] = '}';
	out[o] = '\0';
}

static int host_ok(const char *host, size_t *len)
{
	size_t i, n;

	if (!host)
		return 0;
	n = strnlen(host, 256);
	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c <= 0x20 || c >= 0x7F || c == '/' || c == '?' || c == '#' || c == '@')
			return 0;
	}
	*len = n;
	return 1;
}

size_t sstp_http_build_request(char *out, size_t cap, const char *host, uint16_t port,
			       const uint8_t rnd[16])
{
	char guid[SSTP_GUID_STR_LEN + 1];
	char portstr[8] = "";
	size_t hlen;
	int v6, n;

	if (!out || cap == 0 || !rnd || !host_ok(host, &hlen))
		return 0;
	/* an IPv6 literal needs brackets in Host */
	v6 = memchr(host, ':', hlen) != NULL && host[0] != '[';
	if (port != 443)
		snprintf(portstr, sizeof(portstr), ":%u", (unsigned)port);
	sstp_http_format_guid(guid, rnd);
	n = snprintf(out, cap,
		     "SSTP_DUPLEX_POST " SSTP_URI " HTTP/1.1\r\n"
		     "Host: %s%s%s%s\r\n"
		     "Content-Length: " CONTENT_LENGTH_MAX "\r\n"
		     "SSTPCORRELATIONID: %s\r\n"
		     "\r\n",
		     v6 ? "[" : "", host, v6 ? "]" : "", portstr, guid);
	if (n < 0 || (size_t)n >= cap) {
		out[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

/* ---------------------------------------------------------------- response */

static const char *peer_name(const struct sstp_http_resp *r)
{
	return r->peer == SSTP_HTTP_PEER_PROXY ? "proxy" : "gateway";
}

/* Copies server text as printable ASCII ('?' for anything else), truncating with "...". */
static void sanitize(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i, o = 0;

	if (cap == 0)
		return;
	for (i = 0; i < n && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[o++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	if (i < n && cap > 4) {
		o = o > cap - 4 ? cap - 4 : o;
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

static enum sstp_http_rc fail_msg(struct sstp_http_resp *r, const char *what)
{
	/* a non-200 status, once known, is the most useful thing to report */
	if (r->status && r->status != 200 && r->err[0] == '\0') {
		snprintf(r->err, sizeof(r->err), "HTTP %d from %s%s%s", r->status, peer_name(r),
			 r->reason[0] ? ": " : "", r->reason);
	} else {
		snprintf(r->err, sizeof(r->err), "%s from %s", what, peer_name(r));
	}
	r->rc = SSTP_HTTP_ERROR;
	return r->rc;
}

static int ieq(const char *a, size_t alen, const char *lit)
{
	size_t i, n = strlen(lit);

	if (alen != n)
		return 0;
	for (i = 0; i < n; i++) {
		char x = a[i], y = lit[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* "HTTP/1.x SSS[ reason]" */
static enum sstp_http_rc parse_status(struct sstp_http_resp *r, const char *l, size_t n)
{
	char got[48];

	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') ||
	    l[8] != ' ' || l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' ||
	    l[11] < '0' || l[11] > '9' || (n > 12 && l[12] != ' ')) {
		sanitize(got, sizeof(got), l, n);
		snprintf(r->err, sizeof(r->err), "%s did not answer with HTTP/1.x (got \"%s\")",
			 peer_name(r), got);
		r->rc = SSTP_HTTP_ERROR;
		return r->rc;
	}
	r->http_minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (n > 13)
		sanitize(r->reason, sizeof(r->reason), l + 13, n - 13);
	return SSTP_HTTP_NEED_MORE;
}

static enum sstp_http_rc check_content_length(struct sstp_http_resp *r, const char *v, size_t n)
{
	char shown[40];
	size_t i = 0;

	r->have_content_length = 1;
	if (r->peer == SSTP_HTTP_PEER_PROXY)
		return SSTP_HTTP_NEED_MORE;
	while (i + 1 < n && v[i] == '0')
		i++;
	if (n - i == strlen(CONTENT_LENGTH_MAX) && memcmp(v + i, CONTENT_LENGTH_MAX, n - i) == 0)
		return SSTP_HTTP_NEED_MORE;
	if (r->status != 200)
		return SSTP_HTTP_NEED_MORE;   /* the status error wins */
	sanitize(shown, sizeof(shown), v, n);
	snprintf(r->err, sizeof(r->err),
		 "gateway answered HTTP 200 with Content-Length %s instead of "
		 CONTENT_LENGTH_MAX " (not an SSTP server?)", shown);
	r->rc = SSTP_HTTP_ERROR;
	return r->rc;
}

static enum sstp_http_rc parse_header(struct sstp_http_resp *r, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n);
	const char *v;
	size_t name_len, vn, i;

	if (l[0] == ' ' || l[0] == '\t')
		return fail_msg(r, "folded HTTP header line");
	if (!colon || colon == l)
		return fail_msg(r, "malformed HTTP header line");
	name_len = (size_t)(colon - l);
	for (i = 0; i < name_len; i++)
		if (!is_tchar((unsigned char)l[i]))
			return fail_msg(r, "malformed HTTP header name");
	v = colon + 1;
	vn = n - name_len - 1;
	while (vn && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (ieq(l, name_len, "Content-Length"))
		return check_content_length(r, v, vn);
	if (ieq(l, name_len, "Transfer-Encoding") && r->peer == SSTP_HTTP_PEER_GATEWAY &&
	    r->status == 200) {
		char shown[48];
		sanitize(shown, sizeof(shown), v, vn);
		snprintf(r->err, sizeof(r->err),
			 "gateway answered HTTP 200 with Transfer-Encoding: %s (not an SSTP server?)",
			 shown);
		r->rc = SSTP_HTTP_ERROR;
		return r->rc;
	}
	if (ieq(l, name_len, "Location"))
		sanitize(r->location, sizeof(r->location), v, vn);
	return SSTP_HTTP_NEED_MORE;
}

static enum sstp_http_rc finish(struct sstp_http_resp *r)
{
	if (r->status == 200) {
		r->rc = SSTP_HTTP_DONE;
		return r->rc;
	}
	if (r->location[0])
		snprintf(r->err, sizeof(r->err), "HTTP %d from %s%s%s (Location: %s)", r->status,
			 peer_name(r), r->reason[0] ? ": " : "", r->reason, r->location);
	else
		snprintf(r->err, sizeof(r->err), "HTTP %d from %s%s%s", r->status, peer_name(r),
			 r->reason[0] ? ": " : "", r->reason);
	r->rc = SSTP_HTTP_ERROR;
	return r->rc;
}

/* Handles one complete line head[line_start .. have) (LF included). */
static enum sstp_http_rc on_line(struct sstp_http_resp *r)
{
	const char *l = r->head + r->line_start;
	size_t n = r->have - r->line_start - 1;   /* without LF */
	size_t i;

	if (n && l[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];
		if (c == '\r')
			return fail_msg(r, "stray CR in HTTP response");
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return fail_msg(r, "control character in HTTP response");
	}
	r->lines++;
	if (r->lines == 1)
		return parse_status(r, l, n);
	if (n == 0) {
		r->head_done = 1;
		return finish(r);
	}
	if (r->lines - 1 > SSTP_HTTP_MAX_HEADERS) {
		char what[64];
		snprintf(what, sizeof(what), "more than %d HTTP header lines",
			 SSTP_HTTP_MAX_HEADERS);
		return fail_msg(r, what);
	}
	return parse_header(r, l, n);
}

void sstp_http_resp_init(struct sstp_http_resp *r, enum sstp_http_peer peer)
{
	memset(r, 0, sizeof(*r));
	r->peer = peer;
	r->rc = SSTP_HTTP_NEED_MORE;
}

enum sstp_http_rc sstp_http_resp_feed(struct sstp_http_resp *r, const uint8_t *buf, size_t len,
				      size_t *consumed)
{
	size_t i;

	*consumed = 0;
	if (r->rc != SSTP_HTTP_NEED_MORE)
		return r->rc;
	if (!buf)
		len = 0;
	for (i = 0; i < len; i++) {
		if (r->have >= SSTP_HTTP_HEAD_MAX) {
			char what[80];
			*consumed = i;
			snprintf(what, sizeof(what), "HTTP response head larger than %d bytes",
				 SSTP_HTTP_HEAD_MAX);
			return fail_msg(r, what);
		}
		r->head[r->have++] = (char)buf[i];
		if (buf[i] != '\n')
			continue;
		if (on_line(r) != SSTP_HTTP_NEED_MORE) {
			*consumed = i + 1;
			return r->rc;
		}
		r->line_start = r->have;
	}
	*consumed = len;
	return SSTP_HTTP_NEED_MORE;
}

const char *sstp_http_resp_error(const struct sstp_http_resp *r)
{
	return r->rc == SSTP_HTTP_ERROR ? r->err : "";
}
