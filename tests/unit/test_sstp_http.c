/* test_sstp_http.c - cmocka tests of the SSTP HTTP handshake: the SSTP_DUPLEX_POST request
 * (Host port rule, Content-Length, GUID), and the response head parser: 200 with and without
 * SSTP bytes after the head, specific errors for 503/404/301, Content-Length rules, size and
 * header-count limits, bare LF handling, and a split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sstp_http.h"

static const uint8_t rnd16[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				   0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };

/* ---------------------------------------------------------------- request */

static void test_guid(void **state)
{
	char g[SSTP_GUID_STR_LEN + 1];
	(void)state;
	sstp_http_format_guid(g, rnd16);
	/* version nibble 4 at byte 6, variant 10xx at byte 8 */
	assert_string_equal(g, "{00112233-4455-4677-8899-AABBCCDDEEFF}");
	assert_int_equal(strlen(g), SSTP_GUID_STR_LEN);
}

static void test_request_443(void **state)
{
	char out[SSTP_HTTP_REQUEST_MAX];
	size_t n;
	static const char want[] =
		"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
		"Host: vpn.example.com\r\n"
		"Content-Length: 18446744073709551615\r\n"
		"SSTPCORRELATIONID: {00112233-4455-4677-8899-AABBCCDDEEFF}\r\n"
		"\r\n";
	(void)state;
	n = sstp_http_build_request(out, sizeof(out), "vpn.example.com", 443, rnd16);
	assert_int_equal(n, strlen(want));
	assert_string_equal(out, want);
	/* exactly one blank line, at the end */
	assert_ptr_equal(strstr(out, "\r\n\r\n"), out + n - 4);
}

static void test_request_port_and_errors(void **state)
{
	char out[SSTP_HTTP_REQUEST_MAX];
	char big[300];
	(void)state;
	assert_true(sstp_http_build_request(out, sizeof(out), "gw", 8443, rnd16) > 0);
	assert_non_null(strstr(out, "\r\nHost: gw:8443\r\n"));
	/* input of the first fuzz finding (an oracle bug, kept as a regression case) */
	assert_true(sstp_http_build_request(out, sizeof(out), "HTT", 0x4854, rnd16) > 0);
	assert_non_null(strstr(out, "\r\nHost: HTT:18516\r\nContent-Length: "));
	assert_true(sstp_http_build_request(out, sizeof(out), "::1", 4433, rnd16) > 0);
	assert_non_null(strstr(out, "\r\nHost: [::1]:4433\r\n"));
	assert_true(sstp_http_build_request(out, sizeof(out), "[::1]", 443, rnd16) > 0);
	assert_non_null(strstr(out, "\r\nHost: [::1]\r\n"));
	/* header injection and junk refused */
	assert_int_equal(sstp_http_build_request(out, sizeof(out), "a\r\nX: y", 443, rnd16), 0);
	assert_int_equal(sstp_http_build_request(out, sizeof(out), "a b", 443, rnd16), 0);
	assert_int_equal(sstp_http_build_request(out, sizeof(out), "", 443, rnd16), 0);
	assert_int_equal(sstp_http_build_request(out, sizeof(out), NULL, 443, rnd16), 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sstp_http_build_request(out, sizeof(out), big, 443, rnd16), 0);
	/* too small an output buffer */
	assert_int_equal(sstp_http_build_request(out, 50, "gw", 443, rnd16), 0);
	assert_string_equal(out, "");
}

/* ---------------------------------------------------------------- response */

static enum sstp_http_rc feed_all(struct sstp_http_resp *r, const char *s, size_t *consumed)
{
	return sstp_http_resp_feed(r, (const uint8_t *)s, strlen(s), consumed);
}

static void expect_error(const char *resp, const char *msg)
{
	struct sstp_http_resp r;
	size_t used;

	sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
	assert_int_equal(feed_all(&r, resp, &used), SSTP_HTTP_ERROR);
	assert_string_equal(sstp_http_resp_error(&r), msg);
}

static const char ok_windows[] =
	"HTTP/1.1 200\r\n"
	"Content-Length: 18446744073709551615\r\n"
	"Server: Microsoft-HTTPAPI/2.0\r\n"
	"Date: Thu, 09 Nov 2006 00:51:09 GMT\r\n"
	"\r\n";

static void test_resp_200(void **state)
{
	struct sstp_http_resp r;
	size_t used;
	(void)state;
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
	assert_int_equal(feed_all(&r, ok_windows, &used), SSTP_HTTP_DONE);
	assert_int_equal(used, strlen(ok_windows));
	assert_int_equal(r.status, 200);
	assert_int_equal(r.have_content_length, 1);
	assert_string_equal(sstp_http_resp_error(&r), "");
	/* sticky: more input is not taken */
	assert_int_equal(feed_all(&r, "xyz", &used), SSTP_HTTP_DONE);
	assert_int_equal(used, 0);
}

static void test_resp_200_with_sstp_bytes(void **state)
{
	struct sstp_http_resp r;
	uint8_t buf[256];
	size_t used, hl = strlen(ok_windows);
	static const uint8_t ack_start[] = { 0x10, 0x01, 0x00, 0x30, 0x00, 0x02 };
	(void)state;
	memcpy(buf, ok_windows, hl);
	memcpy(buf + hl, ack_start, sizeof(ack_start));
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
	assert_int_equal(sstp_http_resp_feed(&r, buf, hl + sizeof(ack_start), &used), SSTP_HTTP_DONE);
	assert_int_equal(used, hl);
	assert_memory_equal(buf + used, ack_start, sizeof(ack_start));
}

static void test_resp_variants_accepted(void **state)
{
	struct sstp_http_resp r;
	size_t used;
	(void)state;
	/* missing Content-Length, HTTP/1.0, reason phrase, odd case, OWS, leading zeros */
	static const char *ok[] = {
		"HTTP/1.1 200 OK\r\nServer: SSTP-Server/1.0\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:18446744073709551615  \r\n\r\n",
		"HTTP/1.1 200 OK\r\nCONTENT-LENGTH: \t018446744073709551615\r\n\r\n",
		"HTTP/1.1 200 OK\nContent-Length: 18446744073709551615\n\n",       /* bare LF */
		"HTTP/1.1 200 OK\r\nA: b\n\r\n",                                   /* mixed */
		"HTTP/1.1 200 OK\r\nX-Empty:\r\n\r\n",
	};
	size_t i;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
		assert_int_equal(feed_all(&r, ok[i], &used), SSTP_HTTP_DONE);
		assert_int_equal(used, strlen(ok[i]));
	}
}

static void test_resp_status_errors(void **state)
{
	(void)state;
	expect_error("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
		     "HTTP 503 from gateway: Service Unavailable");
	expect_error("HTTP/1.1 404 Not Found\r\n\r\n", "HTTP 404 from gateway: Not Found");
	expect_error("HTTP/1.1 301 Moved Permanently\r\nLocation: https://other.example/\r\n\r\n",
		     "HTTP 301 from gateway: Moved Permanently (Location: https://other.example/)");
	expect_error("HTTP/1.1 500\r\n\r\n", "HTTP 500 from gateway");
	expect_error("HTTP/1.1 503 no free \xff\xfe connections\r\n\r\n",
		     "HTTP 503 from gateway: no free ?? connections");
	expect_error("HTTP/1.1 503 no \x01 free\r\n\r\n",
		     "control character in HTTP response from gateway");
	expect_error("SSH-2.0-OpenSSH_9.2\r\n",
		     "gateway did not answer with HTTP/1.x (got \"SSH-2.0-OpenSSH_9.2\")");
	expect_error("HTTP/2 200\r\n\r\n", "gateway did not answer with HTTP/1.x (got \"HTTP/2 200\")");
	expect_error("HTTP/1.1 20\r\n\r\n", "gateway did not answer with HTTP/1.x (got \"HTTP/1.1 20\")");
	expect_error("HTTP/1.1 2000 OK\r\n\r\n",
		     "gateway did not answer with HTTP/1.x (got \"HTTP/1.1 2000 OK\")");
	expect_error("HTTP/1.1 099 x\r\n\r\n",
		     "gateway did not answer with HTTP/1.x (got \"HTTP/1.1 099 x\")");
	expect_error("\r\nHTTP/1.1 200 OK\r\n\r\n", "gateway did not answer with HTTP/1.x (got \"\")");
}

static void test_resp_header_errors(void **state)
{
	(void)state;
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		     "gateway answered HTTP 200 with Content-Length 0 instead of "
		     "18446744073709551615 (not an SSTP server?)");
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
		     "gateway answered HTTP 200 with Content-Length 18446744073709551616 instead of "
		     "18446744073709551615 (not an SSTP server?)");
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
		     "Content-Length: 5\r\n\r\n",
		     "gateway answered HTTP 200 with Content-Length 5 instead of "
		     "18446744073709551615 (not an SSTP server?)");
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		     "gateway answered HTTP 200 with Content-Length -1 instead of "
		     "18446744073709551615 (not an SSTP server?)");
	expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		     "gateway answered HTTP 200 with Transfer-Encoding: chunked (not an SSTP server?)");
	expect_error("HTTP/1.1 200 OK\r\n folded\r\n\r\n", "folded HTTP header line from gateway");
	expect_error("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "malformed HTTP header line from gateway");
	expect_error("HTTP/1.1 200 OK\r\n: v\r\n\r\n", "malformed HTTP header line from gateway");
	expect_error("HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "malformed HTTP header name from gateway");
	expect_error("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "stray CR in HTTP response from gateway");
	expect_error("HTTP/1.1 200 OK\r\nA: b\r\r\n\r\n", "stray CR in HTTP response from gateway");
	expect_error("HTTP/1.1 200 OK\r\nA: \x01\r\n\r\n",
		     "control character in HTTP response from gateway");
	/* a non-200 status wins over later header trouble */
	expect_error("HTTP/1.1 403 Forbidden\r\nContent-Length: 12\r\nBad Name: x\r\n\r\n",
		     "HTTP 403 from gateway: Forbidden");
}

static void test_resp_limits(void **state)
{
	static char big[SSTP_HTTP_HEAD_MAX + 200];
	struct sstp_http_resp r;
	size_t used, n, i;
	(void)state;

	/* oversize head: one huge header */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nX: ");
	memset(big + n, 'a', SSTP_HTTP_HEAD_MAX);
	big[n + SSTP_HTTP_HEAD_MAX] = '\0';
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
	assert_int_equal(feed_all(&r, big, &used), SSTP_HTTP_ERROR);
	assert_int_equal(used, SSTP_HTTP_HEAD_MAX);
	assert_string_equal(sstp_http_resp_error(&r),
			    "HTTP response head larger than 8192 bytes from gateway");

	/* exactly 8192 bytes including the blank line is accepted */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nX: ");
	memset(big + n, 'a', SSTP_HTTP_HEAD_MAX - n - 4);
	memcpy(big + SSTP_HTTP_HEAD_MAX - 4, "\r\n\r\n", 5);
	assert_int_equal(strlen(big), SSTP_HTTP_HEAD_MAX);
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
	assert_int_equal(feed_all(&r, big, &used), SSTP_HTTP_DONE);

	/* oversize head after a 503 still names the status */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 503 Busy\r\nX: ");
	memset(big + n, 'a', SSTP_HTTP_HEAD_MAX);
	big[n + SSTP_HTTP_HEAD_MAX] = '\0';
	expect_error(big, "HTTP 503 from gateway: Busy");

	/* header count: 64 allowed, 65 refused */
	for (i = 64; i <= 65; i++) {
		size_t k;
		n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n");
		for (k = 0; k < i; k++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "H%zu: v\r\n", k);
		n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
		sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
		if (i == 64) {
			assert_int_equal(feed_all(&r, big, &used), SSTP_HTTP_DONE);
		} else {
			assert_int_equal(feed_all(&r, big, &used), SSTP_HTTP_ERROR);
			assert_string_equal(sstp_http_resp_error(&r),
					    "more than 64 HTTP header lines from gateway");
		}
	}
}

/* Split at every byte: same result, same consumed total, SSTP bytes left over intact. */
static void test_resp_split_every_byte(void **state)
{
	static const char *resps[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\nServer: x\r\n\r\n\x10\x01",
		"HTTP/1.1 200 OK\nA: b\n\n\x10",
		"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\nbody",
	};
	size_t i, cut;
	(void)state;
	for (i = 0; i < sizeof(resps) / sizeof(resps[0]); i++) {
		const uint8_t *s = (const uint8_t *)resps[i];
		size_t len = strlen(resps[i]);
		struct sstp_http_resp whole;
		size_t wused;
		enum sstp_http_rc wrc;

		sstp_http_resp_init(&whole, SSTP_HTTP_PEER_GATEWAY);
		wrc = sstp_http_resp_feed(&whole, s, len, &wused);
		assert_int_not_equal(wrc, SSTP_HTTP_NEED_MORE);
		for (cut = 0; cut <= len; cut++) {
			struct sstp_http_resp r;
			size_t u1, u2;
			enum sstp_http_rc rc;

			sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
			rc = sstp_http_resp_feed(&r, s, cut, &u1);
			if (rc == SSTP_HTTP_NEED_MORE) {
				assert_int_equal(u1, cut);
				rc = sstp_http_resp_feed(&r, s + cut, len - cut, &u2);
				u1 += u2;
			}
			assert_int_equal(rc, wrc);
			assert_int_equal(u1, wused);
			assert_string_equal(sstp_http_resp_error(&r), sstp_http_resp_error(&whole));
		}
		/* one byte at a time */
		{
			struct sstp_http_resp r;
			size_t k, total = 0, u;
			enum sstp_http_rc rc = SSTP_HTTP_NEED_MORE;
			sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
			for (k = 0; k < len && rc == SSTP_HTTP_NEED_MORE; k++) {
				rc = sstp_http_resp_feed(&r, s + k, 1, &u);
				total += u;
			}
			assert_int_equal(rc, wrc);
			assert_int_equal(total, wused);
		}
	}
}

static void test_resp_proxy(void **state)
{
	struct sstp_http_resp r;
	size_t used;
	(void)state;
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_PROXY);
	assert_int_equal(feed_all(&r, "HTTP/1.1 200 Connection established\r\nContent-Length: 0\r\n\r\n",
				  &used), SSTP_HTTP_DONE);
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_PROXY);
	assert_int_equal(feed_all(&r, "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", &used),
			 SSTP_HTTP_ERROR);
	assert_string_equal(sstp_http_resp_error(&r),
			    "HTTP 407 from proxy: Proxy Authentication Required");
	/* need more, NULL input */
	sstp_http_resp_init(&r, SSTP_HTTP_PEER_GATEWAY);
	assert_int_equal(sstp_http_resp_feed(&r, NULL, 5, &used), SSTP_HTTP_NEED_MORE);
	assert_int_equal(used, 0);
	assert_int_equal(feed_all(&r, "HTTP/1.1 200 OK\r\n", &used), SSTP_HTTP_NEED_MORE);
	assert_int_equal(used, 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_request_443),
		cmocka_unit_test(test_request_port_and_errors),
		cmocka_unit_test(test_resp_200),
		cmocka_unit_test(test_resp_200_with_sstp_bytes),
		cmocka_unit_test(test_resp_variants_accepted),
		cmocka_unit_test(test_resp_status_errors),
		cmocka_unit_test(test_resp_header_errors),
		cmocka_unit_test(test_resp_limits),
		cmocka_unit_test(test_resp_split_every_byte),
		cmocka_unit_test(test_resp_proxy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
