/* test_status_redact.c - the logger never prints secrets: registered secrets, URL query strings
 * (Azure SAS tokens), password=/sig= values; redaction stays inside the buffer; and the status
 * JSON escapes what it prints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "status.h"

static void redact(const char *in, const char *want)
{
	char b[256];

	snprintf(b, sizeof(b), "%s", in);
	sstp_log_redact(b, sizeof(b));
	assert_string_equal(b, want);
}

static void test_secrets(void **state)
{
	static const char pw[] = "hunter2-correct";

	(void)state;
	assert_int_equal(sstp_log_add_secret(pw), 0);
	redact("user bob password hunter2-correct ok", "user bob password *** ok");
	redact("hunter2-correcthunter2-correct", "******");
	sstp_log_forget_secret(pw);
	redact("hunter2-correct", "hunter2-correct");
	assert_int_equal(sstp_log_add_secret("abc"), 0); /* too short: ignored, not an error */
	redact("abc", "abc");
}

static void test_urls_and_keys(void **state)
{
	char out[128];

	(void)state;
	redact("GET https://x.blob.core.windows.net/p.zip?sv=2020&sig=AbC%2B done",
	       "GET https://x.blob.core.windows.net/p.zip?<redacted> done");
	redact("fetch 'http://h/a?b=c' and https://h/x", "fetch 'http://h/a?<redacted>' and https://h/x");
	redact("password=secret123 user=bob", "password=*** user=bob");
	redact("a sig=ZZZ&x=1", "a sig=***&x=1");
	redact("passkey=abc", "passkey=abc"); /* key= only as a whole word */
	redact("key=abc", "key=***");
	assert_string_equal(sstp_redact_url("https://h/p?sig=1#f", out, sizeof(out)), "https://h/p?<redacted>");
	assert_string_equal(sstp_redact_url("https://h/p", out, sizeof(out)), "https://h/p");
}

static void test_bounds(void **state)
{
	char b[24];
	static const char pw[] = "longersecretvalue";

	(void)state;
	/* the replacement may be longer than what it replaces: stays NUL-terminated in the buffer */
	snprintf(b, sizeof(b), "https://a/b?c");
	sstp_log_redact(b, sizeof(b));
	assert_true(strlen(b) < sizeof(b));
	assert_non_null(strstr(b, "?<redac"));
	snprintf(b, sizeof(b), "x https://a?%s", "q");
	sstp_log_redact(b, sizeof(b));
	assert_true(strlen(b) < sizeof(b));
	sstp_log_add_secret(pw);
	snprintf(b, sizeof(b), "%s", pw);
	sstp_log_redact(b, sizeof(b));
	assert_string_equal(b, "***");
	sstp_log_forget_secret(pw);
}

static void test_log_line_redacted(void **state)
{
	static const char pw[] = "s3cr3t-pass";
	char path[] = "/tmp/sstp-log-XXXXXX", text[512];
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	dup2(fd, 2);
	sstp_log_init("t", SSTP_LOG_DEBUG, SSTP_LOG_TO_STDERR);
	sstp_log_add_secret(pw);
	sstp_dbg("connecting with %s to https://h/p?sig=%s", pw, "XYZ");
	sstp_trace("not shown at debug level %s", pw);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	sstp_log_forget_secret(pw);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	text[n] = '\0';
	assert_null(strstr(text, pw));
	assert_null(strstr(text, "XYZ"));
	assert_null(strstr(text, "not shown"));
	assert_non_null(strstr(text, "t: debug: connecting with *** to https://h/p?<redacted>"));
}

/* Under systemd (JOURNAL_STREAM names stderr): "<N>" priorities, no syslog copy; a stream that
 * is not the journal keeps the plain format and both sinks. */
static void test_journal_stream(void **state)
{
	char path[] = "/tmp/sstp-log-XXXXXX", text[512], js[64];
	int fd = mkstemp(path), saved = dup(2);
	struct stat st;
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	dup2(fd, 2);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	sstp_log_init("t", SSTP_LOG_DEBUG, SSTP_LOG_TO_STDERR | SSTP_LOG_TO_SYSLOG);
	assert_int_equal(sstp_log_get_sinks(), SSTP_LOG_TO_STDERR);
	sstp_err("it broke");
	sstp_warn("careful");
	sstp_info("connected");
	sstp_dbg("details");
	fflush(stderr);
	/* another stream than the journal's */
	setenv("JOURNAL_STREAM", "1:2", 1);
	sstp_log_init("t", SSTP_LOG_DEBUG, SSTP_LOG_TO_STDERR);
	sstp_info("plain");
	fflush(stderr);
	unsetenv("JOURNAL_STREAM");
	dup2(saved, 2);
	close(saved);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	text[n] = '\0';
	assert_string_equal(text, "<3>it broke\n<4>warning: careful\n<5>connected\n<6>debug: details\n"
				  "t: plain\n");
}

static void test_status_json_escapes(void **state)
{
	struct sstp_conn_status st;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	memset(&st, 0, sizeof(st));
	SSTP_STATUS_SET(st.name, "a\"b\\c\nd\x01");
	st.state = SSTP_STATE_CONNECTED;
	SSTP_STATUS_SET(st.routes[0], "10.0.0.0/8");
	st.nroutes = 1;
	sstp_status_print_json(f, &st);
	fclose(f);
	assert_non_null(strstr(text, "\"name\":\"a\\\"b\\\\c\\nd\\u0001\""));
	assert_non_null(strstr(text, "\"state\":\"connected\""));
	assert_non_null(strstr(text, "\"routes\":[\"10.0.0.0/8\"]"));
	assert_non_null(strstr(text, "\"ipv4\":null"));
	assert_non_null(strstr(text, "\"last_error\":null"));
	free(text);
	assert_int_equal(sstp_state_from_name("reconnecting"), SSTP_STATE_RECONNECTING);
	assert_int_equal(sstp_state_from_name("nope"), -1);
	assert_string_equal(sstp_state_name((enum sstp_conn_state)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secrets),           cmocka_unit_test(test_urls_and_keys),
		cmocka_unit_test(test_bounds),            cmocka_unit_test(test_log_line_redacted),
		cmocka_unit_test(test_status_json_escapes),
		cmocka_unit_test(test_journal_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
