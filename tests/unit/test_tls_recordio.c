/* test_tls_recordio.c - the established session's record layer (nettle after the mbedTLS
 * handshake, tls_fast.c) against `openssl s_server -rev` on 127.0.0.1 with AES-128-GCM and
 * AES-256-GCM: 60 KB of lines both ways (several lines per record up, one record per line down,
 * so reads take many records at once), then our close_notify reaching the server, and the
 * server's close_notify reaching us. Bounded in time; the server is killed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tls_helpers.h"

#define LINES 60
#define LINE 1000 /* bytes per line, newline included */

static const char *const test_ca[] = { TD "ca.pem", NULL };
static char dir[64];
static pid_t server = -1;
static struct tls_session *sess;

static int setup(void **state)
{
	(void)state;
	if (th_have_openssl())
		th_tmpdir(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (dir[0])
		th_rmdir(dir);
	return 0;
}

static int cleanup(void **state)
{
	(void)state;
	tls_session_free(sess);
	sess = NULL;
	th_kill(server);
	server = -1;
	return 0;
}

static void wait_fd(int events)
{
	struct pollfd pfd = { .fd = tls_session_fd(sess), .events = (short)events };

	poll(&pfd, 1, 10);
}

/* s_server with the suite, our session connected and handshaken, its log path in log. */
static void connect_suite(const char *suite, char *log, size_t loglen)
{
	struct tls_config cfg = { .server_name = "localhost", .ca_paths = test_ca,
				  .no_system_ca = 1, .max_version = TLS_VERSION_1_2 };
	char args[512], err[256];
	int port = th_free_port(), fd;

	if (!th_have_openssl())
		skip();
	snprintf(log, loglen, "%s/s_server.log", dir);
	snprintf(args, sizeof(args), "-cert %sserver.pem -key %sserver.key -rev -no_tls1_3 -cipher %s",
		 TD, TD, suite);
	server = th_s_server(port, args, log);
	assert_true(server > 0);
	fd = th_connect(port);
	assert_true(fd >= 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	sess = tls_session_new(&cfg, err, sizeof(err));
	assert_non_null(sess);
	tls_session_set_fd(sess, fd);
	assert_int_equal(th_handshake_poll(sess), TLS_OK);
	assert_string_equal(tls_version_name(sess), "TLSv1.2");
#ifdef SSTP_HAVE_NETTLE
	assert_string_equal(tls_record_layer(sess), getenv("SSTP_TLS_RECORD") ? "mbedTLS" : "nettle");
#endif
}

static void write_all(const uint8_t *p, size_t n)
{
	size_t off = 0;

	for (int i = 0; i < 2000 && off < n; i++) {
		int r = tls_write(sess, p + off, n - off);

		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		assert_int_equal(r, TLS_WANT_WRITE);
		wait_fd(POLLOUT);
	}
	assert_int_equal(off, n);
}

/* Reads until n bytes or a result <= 0 other than WANT_READ (returned), at most ~10 s. */
static int read_some(uint8_t *buf, size_t n, size_t *got)
{
	*got = 0;
	for (int i = 0; i < 1000 && *got < n; i++) {
		int r = tls_read(sess, buf + *got, n - *got);

		if (r > 0) {
			*got += (size_t)r;
			continue;
		}
		if (r != TLS_WANT_READ)
			return r;
		if (tls_pending(sess) == 0)
			wait_fd(POLLIN);
	}
	return 0;
}

/* LINES lines of LINE bytes up in 16 KiB writes; each comes back reversed. */
static void exchange(void)
{
	static uint8_t up[LINES * LINE], down[LINES * LINE];
	size_t got;

	for (size_t i = 0; i < sizeof(up); i++)
		up[i] = (i + 1) % LINE == 0 ? '\n' : (uint8_t)('a' + (i * 7 + i / LINE) % 26);
	write_all(up, sizeof(up));
	assert_int_equal(read_some(down, sizeof(down), &got), 0);
	assert_int_equal(got, sizeof(down));
	for (size_t l = 0; l < LINES; l++) {
		const uint8_t *u = up + l * LINE, *d = down + l * LINE;

		for (size_t j = 0; j < LINE - 1; j++)
			assert_int_equal(d[j], u[LINE - 2 - j]);
		assert_int_equal(d[LINE - 1], '\n');
	}
}

static int log_has(const char *log, const char *what)
{
	for (int i = 0; i < 500; i++) {
		size_t len;
		uint8_t *t = th_read(log, &len);
		int found = t != NULL && strstr((char *)t, what) != NULL;

		free(t);
		if (found)
			return 1;
		poll(NULL, 0, 10);
	}
	return 0;
}

/* Data both ways, then our close_notify: s_server sees the orderly end of the stream. */
static void client_closes(const char *suite)
{
	char log[128];
	int r = TLS_WANT_WRITE;

	connect_suite(suite, log, sizeof(log));
	exchange();
	for (int i = 0; i < 500 && r == TLS_WANT_WRITE; i++) {
		r = tls_close_notify(sess);
		if (r == TLS_WANT_WRITE)
			wait_fd(POLLOUT);
	}
	assert_int_equal(r, TLS_OK);
	assert_true(log_has(log, "CONNECTION CLOSED"));
}

/* Data both ways, then "CLOSE": s_server sends its close_notify, which ends our reads. */
static void server_closes(const char *suite)
{
	char log[128];
	uint8_t buf[64];
	size_t got;

	connect_suite(suite, log, sizeof(log));
	exchange();
	write_all((const uint8_t *)"CLOSE\n", 6);
	assert_int_equal(read_some(buf, sizeof(buf), &got), TLS_CLOSED);
	assert_int_equal(got, 0);
	assert_string_equal(tls_error(sess), "server closed the TLS connection");
}

static void test_aes128_client_closes(void **state)
{
	(void)state;
	client_closes("ECDHE-RSA-AES128-GCM-SHA256");
}

static void test_aes256_client_closes(void **state)
{
	(void)state;
	client_closes("ECDHE-RSA-AES256-GCM-SHA384");
}

static void test_aes128_server_closes(void **state)
{
	(void)state;
	server_closes("ECDHE-RSA-AES128-GCM-SHA256");
}

static void test_aes256_server_closes(void **state)
{
	(void)state;
	server_closes("ECDHE-RSA-AES256-GCM-SHA384");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_aes128_client_closes, cleanup),
		cmocka_unit_test_teardown(test_aes256_client_closes, cleanup),
		cmocka_unit_test_teardown(test_aes128_server_closes, cleanup),
		cmocka_unit_test_teardown(test_aes256_server_closes, cleanup),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
