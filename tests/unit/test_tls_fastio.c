/* test_tls_fastio.c - the established session's record I/O (tls_fast.c) over a socketpair whose
 * other end plays the server with its own record layer: records split across reads and several
 * in one read, the caller's buffer smaller than a record, a warning alert ignored, a HelloRequest
 * answered with no_renegotiation, any other handshake record, a fatal alert, a forged record and
 * garbage each ending the session with their own sentence (and the alert we send back), the
 * server's close_notify and a plain EOF told apart, our own close_notify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls.h"

#ifdef SSTP_HAVE_NETTLE

#include "tls_fast.h"
#include "tls_record.h"

struct pair {
	struct tls_fast *f;
	struct tls_rec server; /* seals with the server's keys, opens the client's */
	int fd[2];             /* 0: ours (non-blocking), 1: the server's */
	char err[256];
};

static struct tls_fast_keys keys = {
	.client_key = "client-key-16-bytes-and-more....",
	.server_key = "server-key-16-bytes-and-more....",
	.client_iv = { 1, 1, 1, 1 },
	.server_iv = { 2, 2, 2, 2 },
	.key_len = 16,
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fd), 0);
	fcntl(p->fd[0], F_SETFL, fcntl(p->fd[0], F_GETFL) | O_NONBLOCK);
	p->f = tls_fast_new(p->fd[0], &keys, 1, 1);
	assert_non_null(p->f);
	assert_int_equal(tls_rec_init(&p->server, 16, keys.server_key, keys.server_iv,
				      keys.client_key, keys.client_iv, 1, 1), 0);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	tls_fast_free(p->f);
	tls_rec_free(&p->server);
	close(p->fd[0]);
	if (p->fd[1] >= 0)
		close(p->fd[1]);
	free(p);
	return 0;
}

/* The server sends one record (or raw bytes with type 0). */
static void server_send(struct pair *p, uint8_t type, const void *data, size_t n)
{
	uint8_t rec[TLS_REC_MAX];
	int len = (int)n;

	if (type != 0)
		len = tls_rec_seal(&p->server, type, data, n, rec);
	else
		memcpy(rec, data, n);
	assert_int_equal(write(p->fd[1], rec, (size_t)len), len);
}

/* What the client sent, opened by the server: the record's type, its data into out. */
static uint8_t server_recv(struct pair *p, uint8_t *out, size_t cap, size_t *len)
{
	static uint8_t buf[TLS_REC_MAX];
	struct tls_rec_msg m;
	ssize_t n = read(p->fd[1], buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(tls_rec_open(&p->server, buf, (size_t)n, out, cap, &m), (int)n);
	*len = m.len;
	return m.type;
}

static int client_read(struct pair *p, uint8_t *buf, size_t n)
{
	return tls_fast_read(p->f, buf, n, p->err, sizeof(p->err));
}

static void test_data_both_ways(void **state)
{
	struct pair *p = *state;
	uint8_t big[TLS_REC_MAX_PLAIN], buf[20000], rec[TLS_REC_MAX];
	size_t len;
	int n;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13);
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_WANT_READ);
	assert_int_equal(tls_fast_pending(p->f), 0);
	/* one record in two halves: nothing until the second half is in */
	n = tls_rec_seal(&p->server, TLS_REC_APPDATA, big, 3000, rec);
	assert_int_equal(write(p->fd[1], rec, 100), 100);
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_WANT_READ);
	assert_int_equal(write(p->fd[1], rec + 100, (size_t)n - 100), n - 100);
	assert_int_equal(client_read(p, buf, sizeof(buf)), 3000);
	assert_memory_equal(buf, big, 3000);
	/* three records in one read; a 10-byte buffer takes the first record in pieces */
	server_send(p, TLS_REC_APPDATA, "0123456789abcdef", 16);
	server_send(p, TLS_REC_APPDATA, "", 0);
	server_send(p, TLS_REC_APPDATA, big, sizeof(big));
	assert_int_equal(client_read(p, buf, 10), 10);
	assert_true(tls_fast_pending(p->f) > 0);
	assert_int_equal(client_read(p, buf + 10, 10), 6);
	assert_memory_equal(buf, "0123456789abcdef", 16);
	assert_true(tls_fast_pending(p->f) > 0);
	assert_int_equal(client_read(p, buf, sizeof(buf)), sizeof(big));
	assert_memory_equal(buf, big, sizeof(big));
	assert_int_equal(tls_fast_pending(p->f), 0);
	/* writes: at most 2^14 per record */
	assert_int_equal(tls_fast_write(p->f, buf, sizeof(buf), p->err, sizeof(p->err)),
			 TLS_REC_MAX_PLAIN);
	assert_int_equal(server_recv(p, rec, sizeof(rec), &len), TLS_REC_APPDATA);
	assert_int_equal(len, TLS_REC_MAX_PLAIN);
	assert_memory_equal(rec, big, len);
}

static void test_alerts_and_renegotiation(void **state)
{
	struct pair *p = *state;
	uint8_t buf[64], a[2];
	size_t len;

	server_send(p, TLS_REC_ALERT, "\x01\x5a", 2);                 /* warning user_canceled */
	server_send(p, TLS_REC_HANDSHAKE, "\x00\x00\x00\x00", 4);     /* HelloRequest */
	server_send(p, TLS_REC_APPDATA, "after", 5);
	assert_int_equal(client_read(p, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "after", 5);
	assert_int_equal(server_recv(p, a, sizeof(a), &len), TLS_REC_ALERT);
	assert_int_equal(len, 2);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[1], 100); /* no_renegotiation */
	server_send(p, TLS_REC_HANDSHAKE, "\x01\x00\x00\x00", 4);     /* anything else */
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_ERR_PROTO);
	assert_non_null(strstr(p->err, "unexpected TLS handshake record"));
	assert_int_equal(server_recv(p, a, sizeof(a), &len), TLS_REC_ALERT);
	assert_int_equal(a[0], 2);
	assert_int_equal(a[1], 10); /* unexpected_message */
	/* the session stays ended */
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_ERR_PROTO);
	assert_int_equal(tls_fast_write(p->f, buf, 1, p->err, sizeof(p->err)), TLS_ERR_PROTO);
}

static void test_fatal_alert(void **state)
{
	struct pair *p = *state;
	uint8_t buf[64];

	server_send(p, TLS_REC_ALERT, "\x02\x28", 2);
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_ERR_PROTO);
	assert_string_equal(p->err, "server sent TLS alert handshake_failure (40) while reading");
}

static void test_malformed_alert(void **state)
{
	struct pair *p = *state;
	uint8_t buf[64];

	server_send(p, TLS_REC_ALERT, "\x02\x28\x00", 3);
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_ERR_PROTO);
	assert_string_equal(p->err, "server sent a malformed TLS alert");
}

static void test_forged_record(void **state)
{
	struct pair *p = *state;
	uint8_t rec[64], buf[64], a[2];
	size_t len;
	int n = tls_rec_seal(&p->server, TLS_REC_APPDATA, (const uint8_t *)"secret", 6, rec);

	rec[n - 1] ^= 1;
	server_send(p, 0, rec, (size_t)n);
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_ERR_PROTO);
	assert_non_null(strstr(p->err, "bad_record_mac"));
	assert_int_equal(server_recv(p, a, sizeof(a), &len), TLS_REC_ALERT);
	assert_int_equal(a[1], 20); /* bad_record_mac */
}

static void test_garbage(void **state)
{
	struct pair *p = *state;
	uint8_t buf[64], rec[128];
	int n = tls_rec_seal(&p->server, TLS_REC_APPDATA, (const uint8_t *)"ok", 2, rec);

	memcpy(rec + n, "HTTP/1.1 400 Bad Request\r\n", 26);
	server_send(p, 0, rec, (size_t)n + 26);
	assert_int_equal(client_read(p, buf, sizeof(buf)), 2);
	assert_true(tls_fast_pending(p->f) > 0); /* a bad header is reported by the next read */
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_ERR_PROTO);
	assert_string_equal(p->err, "server sent a TLS record of unknown type");
}

static void test_close_notify_and_eof(void **state)
{
	struct pair *p = *state;
	uint8_t buf[64], a[2];
	size_t len;

	server_send(p, TLS_REC_APPDATA, "last", 4);
	server_send(p, TLS_REC_ALERT, "\x01\x00", 2);
	assert_int_equal(client_read(p, buf, sizeof(buf)), 4);
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_CLOSED);
	assert_string_equal(p->err, "server closed the TLS connection");
	assert_int_equal(tls_fast_close_notify(p->f, p->err, sizeof(p->err)), TLS_OK);
	assert_int_equal(server_recv(p, a, sizeof(a), &len), TLS_REC_ALERT);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[1], 0);
}

static void test_eof(void **state)
{
	struct pair *p = *state;
	uint8_t buf[64];

	close(p->fd[1]);
	p->fd[1] = -1;
	assert_int_equal(client_read(p, buf, sizeof(buf)), TLS_CLOSED);
	assert_string_equal(p->err, "server closed the connection (without a TLS close_notify)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_data_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alerts_and_renegotiation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fatal_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_notify_and_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
	return 77; /* built without nettle: mbedTLS keeps the record layer */
}

#endif
