/* test_pkg_fetch.c - package download over HTTPS against a loopback server this test starts
 * (tests/data/pkg/https_server.py, test CA): success with quotes and JSON escapes, redirects,
 * loops, downgrade, HTTP errors, size caps, timeouts, TLS verification, proxy settings; and the
 * SAS query string never appears in any message. Skips (77) when python3 is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "sstp_err.h"
#include "pkg.h"
#include "test_pkg_util.h"

#define SECRET "SECRETSIG"

static pid_t server_pid = -1;
static int server_port;
static char tmpdir[] = "/tmp/sstp-fetch-XXXXXX";
static char ca_file[512];

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			if (waitpid(server_pid, NULL, WNOHANG) == server_pid) {
				server_pid = -1;
				break;
			}
			struct timespec ts = {0, 100 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		if (server_pid > 0) {
			kill(server_pid, SIGKILL);
			waitpid(server_pid, NULL, 0);
			server_pid = -1;
		}
	}
	tz_rm_rf(tmpdir);
}

static int start_server(void)
{
	char portfile[600], script[512], cert[512], key[512], pkg[512];
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(portfile, sizeof(portfile), "%s/port", tmpdir);
	snprintf(script, sizeof(script), "%s/pkg/https_server.py", SSTP_TEST_DATA);
	snprintf(cert, sizeof(cert), "%s/pkg/server.pem", SSTP_TEST_DATA);
	snprintf(key, sizeof(key), "%s/pkg/server-key.pem", SSTP_TEST_DATA);
	snprintf(pkg, sizeof(pkg), "%s/pkg/gw-demo.zip", SSTP_TEST_DATA);
	snprintf(ca_file, sizeof(ca_file), "%s/pkg/ca.pem", SSTP_TEST_DATA);
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		execlp("python3", "python3", script, "--cert", cert, "--key", key, "--package", pkg,
		       "--port-file", portfile, "--lifetime", "120", (char *)NULL);
		_exit(127);
	}
	/* wait up to 15 s for the port */
	for (int i = 0; i < 150; i++) {
		size_t len = 0;
		unsigned char *p = tz_read_file(portfile, &len);
		if (p) {
			char *end;
			long v = strtol((char *)p, &end, 10);
			free(p);
			if (v > 0 && v < 65536) {
				server_port = (int)v;
				return 0;
			}
		}
		int st;
		if (waitpid(server_pid, &st, WNOHANG) == server_pid) {
			server_pid = -1;
			return -1; /* python3 missing or failed */
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void url(char *buf, size_t len, const char *path)
{
	snprintf(buf, len, "https://127.0.0.1:%d%s?sv=2020-08-04&se=2030-01-01&sig=" SECRET "%%2Bab",
		 server_port, path);
}

/* fetch and check that the secret is in no message */
static int fetch(const char *u, const struct sstp_fetch_opts *o, unsigned char **buf,
		 size_t *len, char *err, size_t errlen)
{
	err[0] = '\0';
	int rc = sstp_pkg_fetch(u, o, buf, len, err, errlen);
	if (strstr(err, SECRET) || strstr(err, "REDIRSECRET") || strstr(err, "LOOPSECRET") ||
	    strstr(err, "DOWNGRADESECRET") || strstr(err, "sig="))
		fail_msg("query string leaked: %s", err);
	return rc;
}

static void test_download_ok(void **state)
{
	(void)state;
	char u[300], q[400], err[512];
	unsigned char *buf;
	size_t len, flen;
	struct sstp_fetch_opts o = {.ca_file = ca_file};
	char *prog = NULL;
	size_t pl = 0;
	o.progress = open_memstream(&prog, &pl); /* not a terminal: no progress bar */
	url(u, sizeof(u), "/pkg.zip");
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), 0);
	fclose(o.progress);
	assert_int_equal(pl, 0);
	free(prog);
	unsigned char *want = tz_fixture(&flen);
	assert_int_equal(len, flen);
	assert_memory_equal(buf, want, len);
	free(buf);
	o.progress = NULL;
	/* as `az` prints it: a JSON string, with quotes and maybe escaped slashes */
	snprintf(q, sizeof(q), "  \"https:\\/\\/127.0.0.1:%d\\/pkg.zip?sv=1\\u0026sig=" SECRET "\"\n",
		 server_port);
	assert_int_equal(fetch(q, &o, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, flen);
	free(buf);
	snprintf(q, sizeof(q), "'%s'", u);
	assert_int_equal(fetch(q, &o, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	/* redirects are followed (up to the limit), and carry secrets too */
	url(u, sizeof(u), "/redirect/3");
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, flen);
	free(buf);
	o.max_redirects = 2;
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), SSTP_ERR_UNREACHABLE);
	assert_non_null(strstr(err, "too many redirects"));
	o.max_redirects = 0;
	/* the whole package reader on a URL */
	url(u, sizeof(u), "/pkg.zip");
	struct sstp_package p;
	assert_int_equal(sstp_package_read(u, &o, &p, err, sizeof(err)), 0);
	assert_non_null(strstr(p.gateway, "azuregateway-eb180077"));
	sstp_package_free(&p);
	free(want);
}

/* On a terminal (a pseudo-terminal here) the progress bar is drawn. */
static void test_progress_on_tty(void **state)
{
	(void)state;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		if (master >= 0)
			close(master);
		skip();
	}
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	FILE *tty = fdopen(slave, "w");
	assert_non_null(tty);
	char u[300], err[512];
	unsigned char *buf;
	size_t len = 0;
	struct sstp_fetch_opts o = {.ca_file = ca_file, .progress = tty};
	url(u, sizeof(u), "/pkg.zip");
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	fclose(tty);
	char out[8192];
	size_t got = 0;
	fcntl(master, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(master, out + got, sizeof(out) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	out[got] = '\0';
	close(master);
	assert_non_null(strstr(out, "Downloading package ["));
	assert_non_null(strstr(out, "100%"));
	assert_null(strstr(out, SECRET));
}

static void test_download_errors(void **state)
{
	(void)state;
	char u[300], err[512];
	unsigned char *buf = NULL;
	size_t len = 0;
	struct sstp_fetch_opts o = {.ca_file = ca_file};
	static const struct {
		const char *path;
		int rc;
		const char *needle;
	} cases[] = {
		{"/loop", SSTP_ERR_UNREACHABLE, "too many redirects"},
		{"/http-redirect", SSTP_ERR_UNREACHABLE, "non-https"},
		{"/expired", SSTP_ERR_UNREACHABLE, "HTTP 403 from https://127.0.0.1:"},
		{"/missing", SSTP_ERR_UNREACHABLE, "HTTP 404"},
		{"/empty", SSTP_ERR_PROFILE, "empty file"},
		{"/big", SSTP_ERR_PROFILE, "larger than"},
		{"/big-nolength", SSTP_ERR_PROFILE, "larger than"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		url(u, sizeof(u), cases[i].path);
		int rc = fetch(u, &o, &buf, &len, err, sizeof(err));
		if (rc != cases[i].rc || !strstr(err, cases[i].needle))
			fail_msg("%s: rc %d err '%s'", cases[i].path, rc, err);
		assert_null(buf);
		assert_int_equal(len, 0);
		/* the redacted URL is in the message */
		if (cases[i].rc != SSTP_ERR_PROFILE || i >= 4)
			assert_non_null(strstr(err, "?<redacted>"));
	}
	/* a small cap for a normal download */
	o.max_bytes = 1000;
	url(u, sizeof(u), "/pkg.zip");
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), SSTP_ERR_PROFILE);
	o.max_bytes = 0;
	/* timeout */
	o.timeout_s = 1;
	url(u, sizeof(u), "/slow");
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), SSTP_ERR_TIMEOUT);
	assert_non_null(strstr(err, "timed out"));
	o.timeout_s = 0;
	/* TLS verified: without the test CA the server is not trusted */
	o.ca_file = NULL;
	url(u, sizeof(u), "/pkg.zip");
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), SSTP_ERR_CERT);
	assert_non_null(strstr(err, "TLS with https://127.0.0.1:"));
	/* not https, not a URL */
	o.ca_file = ca_file;
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/pkg.zip?sig=" SECRET, server_port);
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "only https://"));
	assert_int_equal(fetch("https://exa mple/?sig=" SECRET, &o, &buf, &len, err, sizeof(err)),
			 SSTP_ERR_USAGE);
	/* nothing listens on port 1 */
	assert_int_equal(fetch("https://127.0.0.1:1/x?sig=" SECRET, &o, &buf, &len, err,
			       sizeof(err)),
			 SSTP_ERR_UNREACHABLE);
}

static void test_proxy_env(void **state)
{
	(void)state;
	char u[300], err[512];
	unsigned char *buf = NULL;
	size_t len = 0;
	struct sstp_fetch_opts o = {.ca_file = ca_file};
	url(u, sizeof(u), "/pkg.zip");
	/* a proxy that does not exist: the download must try it and fail */
	setenv("https_proxy", "http://127.0.0.1:1", 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	int rc = fetch(u, &o, &buf, &len, err, sizeof(err));
	assert_int_equal(rc, SSTP_ERR_UNREACHABLE);
	assert_null(buf);
	/* ... unless no_proxy exempts the host */
	setenv("no_proxy", "127.0.0.1", 1);
	assert_int_equal(fetch(u, &o, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	unsetenv("https_proxy");
}

static void test_redact(void **state)
{
	(void)state;
	char out[128];
	sstp_url_redact("https://acct.blob.core.windows.net/c/pkg.zip?sv=1&sig=" SECRET, out,
			sizeof(out));
	assert_string_equal(out, "https://acct.blob.core.windows.net/c/pkg.zip?<redacted>");
	sstp_url_redact("  \"https://user:pw@host/p#frag\"\n", out, sizeof(out));
	assert_string_equal(out, "https://host/p#<redacted>");
	sstp_url_redact("https://host/plain", out, sizeof(out));
	assert_string_equal(out, "https://host/plain");
	sstp_url_redact("https://host/a?b", out, 4);
	assert_null(strstr(out, "b"));
	/* a long path in a small buffer keeps the redaction marker, never the query */
	char small[24];
	sstp_url_redact("https://averyveryverylonghost.example/path?sig=" SECRET, small,
			sizeof(small));
	assert_null(strstr(small, "sig"));
	assert_non_null(strstr(small, "?<redacted>"));
	sstp_url_redact(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	assert_true(sstp_pkg_is_url("\"https://x/y\""));
	assert_true(sstp_pkg_is_url("HTTPS://x"));
	assert_false(sstp_pkg_is_url("/tmp/https://x"));
	assert_false(sstp_pkg_is_url("pkg.zip"));
}

int main(void)
{
	/* a proxy from the caller's environment must not capture loopback traffic */
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	unsetenv("NO_PROXY");
	const struct CMUnitTest offline[] = {cmocka_unit_test(test_redact)};
	int rc = cmocka_run_group_tests(offline, NULL, NULL);
	if (start_server() != 0) {
		stop_server();
		fprintf(stderr, "test_pkg_fetch: cannot start the python3 HTTPS server, skipping\n");
		return rc ? rc : 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_download_ok),
		cmocka_unit_test(test_progress_on_tty),
		cmocka_unit_test(test_download_errors),
		cmocka_unit_test(test_proxy_env),
	};
	rc |= cmocka_run_group_tests(tests, NULL, NULL);
	stop_server();
	return rc;
}
