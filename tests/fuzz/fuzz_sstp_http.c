/* fuzz_sstp_http.c - libFuzzer target for the SSTP HTTP response head parser (gateway and proxy
 * modes) and the request builder. Oracles: a split feed gives exactly the result, consumed count
 * and error text of a single feed; consumed never exceeds the input; DONE only for status 200
 * with the head ending in LF; error texts are non-empty printable ASCII; a built request has
 * exactly five CRLFs whatever host string it was given. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, int must_be_empty)
{
	size_t n = strnlen(s, SSTP_HTTP_ERR_MAX);
	size_t i;

	if (n >= SSTP_HTTP_ERR_MAX)
		abort();                    /* not NUL terminated in its buffer */
	if (must_be_empty != (n == 0))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			abort();
}

static void run(const uint8_t *d, size_t n, size_t cut, enum sstp_http_peer peer)
{
	static struct sstp_http_resp a, b;
	size_t ua, u1, u2 = 0, total;
	enum sstp_http_rc ra, rb;

	sstp_http_resp_init(&a, peer);
	ra = sstp_http_resp_feed(&a, d, n, &ua);
	if (ua > n)
		abort();
	if (ra == SSTP_HTTP_NEED_MORE && ua != n)
		abort();
	if (ra == SSTP_HTTP_DONE) {
		if (a.status != 200 || ua == 0 || d[ua - 1] != '\n')
			abort();
	}
	check_text(sstp_http_resp_error(&a), ra != SSTP_HTTP_ERROR);

	/* the same bytes in two pieces, the second fed only if the first needs more */
	sstp_http_resp_init(&b, peer);
	rb = sstp_http_resp_feed(&b, d, cut, &u1);
	if (u1 > cut)
		abort();
	if (rb == SSTP_HTTP_NEED_MORE)
		rb = sstp_http_resp_feed(&b, d + cut, n - cut, &u2);
	total = u1 + u2;
	if (rb != ra || total != ua || strcmp(sstp_http_resp_error(&a), sstp_http_resp_error(&b)))
		abort();
	/* sticky after the end */
	if (ra != SSTP_HTTP_NEED_MORE) {
		rb = sstp_http_resp_feed(&b, d, n, &u1);
		if (rb != ra || u1 != 0)
			abort();
	}
}

static void build(const uint8_t *d, size_t n)
{
	char host[300], out[SSTP_HTTP_REQUEST_MAX];
	uint8_t rnd[16] = { 0 };
	size_t len, hl = n < sizeof(host) - 1 ? n : sizeof(host) - 1, i, crlf = 0;
	uint16_t port = n >= 2 ? (uint16_t)((d[0] << 8) | d[1]) : 443;

	memcpy(host, d, hl);
	host[hl] = '\0';
	memcpy(rnd, d, n < 16 ? n : 16);
	len = sstp_http_build_request(out, sizeof(out), host, port, rnd);
	if (len == 0)
		return;
	if (len >= sizeof(out) || strlen(out) != len)
		abort();
	for (i = 0; i + 1 < len; i++) {
		if (out[i] == '\r' && out[i + 1] == '\n') {
			crlf++;
			i++;
		} else if (out[i] == '\r' || out[i] == '\n')
			abort();
	}
	if (crlf != 5 || memcmp(out + len - 4, "\r\n\r\n", 4) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cut;

	if (size < 2)
		return 0;
	cut = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	data += 2;
	size -= 2;
	run(data, size, cut > size ? size : cut, SSTP_HTTP_PEER_GATEWAY);
	run(data, size, size / 2, SSTP_HTTP_PEER_PROXY);
	build(data, size);
	return 0;
}
