/* test_sstp_proxy.c - cmocka tests of the --proxy helpers: proxy URL parsing (user, IPv6,
 * default port, %-decoding) and its refusals of malformed input and passwords; status-line
 * extraction for error sentences (sanitising, truncation, non-status lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sstp_proxy.h"

static void test_plain(void **state)
{
	struct sstp_proxy_url u;

	(void)state;
	assert_int_equal(sstp_proxy_url_parse("http://proxy.example.com:3128", &u), 0);
	assert_string_equal(u.host, "proxy.example.com");
	assert_int_equal(u.port, 3128);
	assert_string_equal(u.user, "");
	assert_int_equal(u.ipv6, 0);
	assert_int_equal(sstp_proxy_url_parse("http://10.0.0.1/", &u), 0);
	assert_string_equal(u.host, "10.0.0.1");
	assert_int_equal(u.port, SSTP_PROXY_DEFAULT_PORT);
	assert_int_equal(sstp_proxy_url_parse("http://h:1/ignored/path?x", &u), 0);
	assert_int_equal(u.port, 1);
	assert_int_equal(sstp_proxy_url_parse("http://h:65535", &u), 0);
	assert_int_equal(u.port, 65535);
}

static void test_user_and_v6(void **state)
{
	struct sstp_proxy_url u;

	(void)state;
	assert_int_equal(sstp_proxy_url_parse("http://alice@10.231.0.1:3128", &u), 0);
	assert_string_equal(u.user, "alice");
	assert_string_equal(u.host, "10.231.0.1");
	assert_int_equal(sstp_proxy_url_parse("http://CORP%5Cbob%40x@[fd00::1]:8080/", &u), 0);
	assert_string_equal(u.user, "CORP\\bob@x");
	assert_string_equal(u.host, "fd00::1");
	assert_int_equal(u.ipv6, 1);
	assert_int_equal(u.port, 8080);
	/* the last '@' ends the user part */
	assert_int_equal(sstp_proxy_url_parse("http://a@b@h", &u), 0);
	assert_string_equal(u.user, "a@b");
	assert_string_equal(u.host, "h");
}

static void test_password_refused(void **state)
{
	struct sstp_proxy_url u;

	(void)state;
	memset(&u, 0x5a, sizeof(u));
	assert_int_equal(sstp_proxy_url_parse("http://alice:secret@h:3128", &u),
			 SSTP_PROXY_URL_PASSWORD);
	assert_int_equal(sstp_proxy_url_parse("http://alice:@h", &u), SSTP_PROXY_URL_PASSWORD);
	/* an encoded ':' is no way around it either (Basic forbids ':' in the user) */
	assert_int_equal(sstp_proxy_url_parse("http://alice%3Asecret@h", &u), SSTP_PROXY_URL_BAD);
	assert_int_equal((unsigned char)u.host[0], 0x5a); /* untouched on failure */
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "http://", "http:///", "https://h:443", "ftp://h", "HTTP://h", "http://:80",
		"http://h:", "http://h:0", "http://h:65536", "http://h:123456", "http://h:8o",
		"http://h:-1", "http://h:+1", "http://@h", "http://a%zz@h", "http://a%4@h",
		"http://a%@h", "http://a%0a@h", "http://a\tb@h", "http://h h", "http://h\r\nX: 1",
		"http://[fd00::1", "http://[]:80", "http://[fd00::1]x", "http://[fd00::1]:",
		"http://[h]", "http://h?x", "http://h#x", "http://-h", "http://.h", "http://h%20",
		"http://[fd00::1%eth0]", "proxy:3128", "http://a@", "http://h/:80x",
	};
	struct sstp_proxy_url u;
	char longhost[400];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = sstp_proxy_url_parse(bad[i], &u);

		if (strcmp(bad[i], "http://h/:80x") == 0) {
			assert_int_equal(r, 0); /* after '/': ignored */
			continue;
		}
		if (r == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(r, SSTP_PROXY_URL_BAD);
	}
	memcpy(longhost, "http://", 7);
	memset(longhost + 7, 'a', 300);
	longhost[307] = '\0';
	assert_int_equal(sstp_proxy_url_parse(longhost, &u), SSTP_PROXY_URL_BAD);
	memset(longhost + 7, 'a', SSTP_PROXY_HOST_MAX - 1);
	longhost[7 + SSTP_PROXY_HOST_MAX - 1] = '\0';
	assert_int_equal(sstp_proxy_url_parse(longhost, &u), 0);
	assert_int_equal(strlen(u.host), SSTP_PROXY_HOST_MAX - 1);
	longhost[6] = '/'; /* "http:/" + "/" still */
	memset(longhost + 7, 'u', 300);
	longhost[307] = '@';
	longhost[308] = 'h';
	longhost[309] = '\0';
	assert_int_equal(sstp_proxy_url_parse(longhost, &u), SSTP_PROXY_URL_BAD); /* user too long */
	assert_int_equal(sstp_proxy_url_parse(NULL, &u), SSTP_PROXY_URL_BAD);
	assert_int_equal(sstp_proxy_url_parse("http://h", NULL), SSTP_PROXY_URL_BAD);
}

static void test_status_line(void **state)
{
	char out[64];
	static const char l407[] = "HTTP/1.1 407 Proxy Authentication Required\r\n";
	static const char l200[] = "HTTP/1.0 200\n";

	(void)state;
	assert_int_equal(sstp_proxy_status_line(l407, strlen(l407), out, sizeof(out)), 407);
	assert_string_equal(out, "HTTP/1.1 407 Proxy Authentication Required");
	assert_int_equal(sstp_proxy_status_line(l200, strlen(l200), out, sizeof(out)), 200);
	assert_string_equal(out, "HTTP/1.0 200");
	assert_int_equal(sstp_proxy_status_line("HTTP/1.1 403 F\x01\xff" "x", 17, out, 8), 403);
	assert_string_equal(out, "HTTP/1.");
	assert_int_equal(sstp_proxy_status_line("HTTP/1.1 403 A\x01\xffz", 17, out, sizeof(out)), 403);
	assert_string_equal(out, "HTTP/1.1 403 A??z");
	memcpy(out, "keep", 5);
	assert_int_equal(sstp_proxy_status_line("Proxy-Authenticate: Basic\r\n", 27, out, 64), 0);
	assert_int_equal(sstp_proxy_status_line("HTTP/1.1 40 x\r\n", 15, out, 64), 0);
	assert_int_equal(sstp_proxy_status_line("HTTP/1.1 4077 x\r\n", 17, out, 64), 0);
	assert_int_equal(sstp_proxy_status_line("HTTP/1.1 099 x\r\n", 16, out, 64), 0);
	assert_int_equal(sstp_proxy_status_line("HTTP/1.1 407", 11, out, 64), 0); /* short len */
	assert_int_equal(sstp_proxy_status_line("\r\n", 2, out, 64), 0);
	assert_int_equal(sstp_proxy_status_line(NULL, 20, out, 64), 0);
	assert_string_equal(out, "keep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_user_and_v6),
		cmocka_unit_test(test_password_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_status_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
