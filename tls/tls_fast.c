/* tls_fast.c - record I/O of an established TLS 1.2 AES-GCM session on nettle (see tls_fast.h).
 * Reads take as many records as the socket has into one buffer and decrypt straight into the
 * caller's buffer when the plaintext fits; writes seal one record and keep it until the socket
 * took all of it (a retry with the same arguments then reports the bytes, as mbedTLS does). */
#ifdef SSTP_HAVE_NETTLE

#include "tls_compat.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tls.h"
#include "tls_fast.h"
#include "tls_priv.h"
#include "tls_record.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* the session loop ignores SIGPIPE anyway */
#endif

#define RBUF_CAP 32768 /* a full record plus whatever followed it in the same recv */

struct tls_fast {
	struct tls_rec rec;
	int fd;
	int dead;       /* sticky TLS_CLOSED / TLS_ERR_* once the session ended */
	int close_sent;
	const uint8_t *pt; /* decrypted application data not yet handed out */
	size_t pt_len;
	size_t rstart, rend; /* received bytes not yet opened: rbuf[rstart, rend) */
	size_t woff, wlen;   /* sealed bytes not yet sent: wbuf[woff, wlen) */
	size_t wclaim;       /* plaintext bytes the pending record carries */
	uint8_t wbuf[TLS_REC_MAX_PLAIN + TLS_REC_OVERHEAD];
	uint8_t rbuf[RBUF_CAP];
};

struct tls_fast *tls_fast_new(int fd, const struct tls_fast_keys *k, uint64_t tx_seq,
			      uint64_t rx_seq)
{
	struct tls_fast *f = malloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	memset(f, 0, offsetof(struct tls_fast, wbuf)); /* the buffers need no clearing */
	if (tls_rec_init(&f->rec, k->key_len, k->client_key, k->client_iv, k->server_key,
			 k->server_iv, tx_seq, rx_seq) != 0) {
		free(f);
		return NULL;
	}
	f->fd = fd;
	return f;
}

void tls_fast_free(struct tls_fast *f)
{
	if (f == NULL)
		return;
	tls_rec_free(&f->rec);
	free(f);
}

static int end(struct tls_fast *f, int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Ends the session with code and one sentence in err. */
static int end(struct tls_fast *f, int code, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	f->dead = code;
	return code;
}

/* Sends what is left of wbuf: 0 when all is out, TLS_WANT_WRITE, TLS_ERR_IO. */
static int flush(struct tls_fast *f, char *err, size_t errlen)
{
	while (f->woff < f->wlen) {
		ssize_t r = send(f->fd, f->wbuf + f->woff, f->wlen - f->woff, MSG_NOSIGNAL);

		if (r > 0) {
			f->woff += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return TLS_WANT_WRITE;
		return end(f, TLS_ERR_IO, err, errlen, "socket error while writing: %s",
			   strerror(r < 0 ? errno : EPIPE));
	}
	f->woff = f->wlen = 0;
	return 0;
}

/* Best effort: an alert to the server before the session ends (or a refusal), unless a record
 * is still on its way out. */
static void send_alert(struct tls_fast *f, uint8_t level, uint8_t desc)
{
	uint8_t a[2] = { level, desc };
	char ignore[8];
	int n;

	if (f->wlen != 0 || f->dead == TLS_ERR_IO)
		return;
	n = tls_rec_seal(&f->rec, TLS_REC_ALERT, a, sizeof(a), f->wbuf);
	if (n > 0) {
		f->wlen = (size_t)n;
		f->wclaim = 0;
		flush(f, ignore, sizeof(ignore));
	}
}

static int bad_record(struct tls_fast *f, int why, char *err, size_t errlen)
{
	static const struct { int why; uint8_t alert; const char *text; } t[] = {
		{ TLS_REC_E_TYPE, 10, "a TLS record of unknown type" },
		{ TLS_REC_E_VERSION, 70, "a TLS record that is not TLS 1.2" },
		{ TLS_REC_E_LENGTH, 22, "an oversized TLS record" },
		{ TLS_REC_E_SHORT, 50, "a TLS record too short for its nonce and tag" },
		{ TLS_REC_E_MAC, 20, "a TLS record that failed authentication (bad_record_mac: "
				     "corrupted or forged data)" },
		{ TLS_REC_E_OVERFLOW, 22, "a TLS record with more than 16384 bytes of data" },
		{ TLS_REC_E_SEQ, 80, "more TLS records than sequence numbers" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].why == why) {
			send_alert(f, 2, t[i].alert);
			return end(f, TLS_ERR_PROTO, err, errlen, "server sent %s", t[i].text);
		}
	return end(f, TLS_ERR_PROTO, err, errlen, "bad TLS record");
}

/* Receives more bytes behind the partial record: 0, TLS_WANT_READ, TLS_CLOSED or TLS_ERR_IO. */
static int fill(struct tls_fast *f, char *err, size_t errlen)
{
	ssize_t r;

	if (f->rstart > 0) {
		memmove(f->rbuf, f->rbuf + f->rstart, f->rend - f->rstart);
		f->rend -= f->rstart;
		f->rstart = 0;
	}
	do
		r = recv(f->fd, f->rbuf + f->rend, sizeof(f->rbuf) - f->rend, 0);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		f->rend += (size_t)r;
		return 0;
	}
	if (r == 0)
		return end(f, TLS_CLOSED, err, errlen,
			   "server closed the connection (without a TLS close_notify)");
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return TLS_WANT_READ;
	if (errno == ECONNRESET)
		return end(f, TLS_ERR_IO, err, errlen, "connection reset by the server while "
			   "reading");
	return end(f, TLS_ERR_IO, err, errlen, "socket error while reading: %s",
		   strerror(errno));
}

/* A record that is not application data: 0 to go on, or the session's end. */
static int control_record(struct tls_fast *f, const struct tls_rec_msg *m, char *err,
			  size_t errlen)
{
	if (m->type == TLS_REC_ALERT) {
		if (m->len != 2) {
			send_alert(f, 2, 50);
			return end(f, TLS_ERR_PROTO, err, errlen, "server sent a malformed TLS "
				   "alert");
		}
		if (m->data[1] == 0)
			return end(f, TLS_CLOSED, err, errlen, "server closed the TLS connection");
		if (m->data[0] == 2)
			return end(f, TLS_ERR_PROTO, err, errlen, "server sent TLS alert %s (%u) "
				   "while reading", tls_alert_name(m->data[1]), m->data[1]);
		return 0; /* a warning: nothing to do */
	}
	if (m->type == TLS_REC_HANDSHAKE && m->len == 4 && m->data[0] == 0 && m->data[1] == 0 &&
	    m->data[2] == 0 && m->data[3] == 0 && f->wlen == 0) {
		send_alert(f, 1, 100); /* HelloRequest: warning no_renegotiation (RFC 5246 7.2.2) */
		return 0;
	}
	send_alert(f, 2, 10);
	return end(f, TLS_ERR_PROTO, err, errlen, "server sent an unexpected TLS %s record after "
		   "the handshake (renegotiation is refused)",
		   m->type == TLS_REC_HANDSHAKE ? "handshake" : "change_cipher_spec");
}

int tls_fast_read(struct tls_fast *f, uint8_t *buf, size_t n, char *err, size_t errlen)
{
	if (n > INT_MAX)
		n = INT_MAX;
	for (;;) {
		struct tls_rec_msg m;
		int r;

		if (f->pt_len > 0) {
			size_t k = f->pt_len < n ? f->pt_len : n;

			memcpy(buf, f->pt, k);
			f->pt += k;
			f->pt_len -= k;
			return (int)k;
		}
		if (f->dead)
			return f->dead;
		r = tls_rec_open(&f->rec, f->rbuf + f->rstart, f->rend - f->rstart, buf, n, &m);
		if (r < 0)
			return bad_record(f, r, err, errlen);
		if (r == 0) {
			r = fill(f, err, errlen);
			if (r != 0)
				return r;
			continue;
		}
		f->rstart += (size_t)r;
		if (f->rstart == f->rend)
			f->rstart = f->rend = 0;
		if (m.type != TLS_REC_APPDATA) {
			r = control_record(f, &m, err, errlen);
			if (r != 0)
				return r;
			continue;
		}
		if (m.len == 0)
			continue;
		if (m.data == buf)
			return (int)m.len;
		f->pt = m.data; /* inside rbuf, before rstart: kept until handed out */
		f->pt_len = m.len;
	}
}

int tls_fast_write(struct tls_fast *f, const uint8_t *buf, size_t n, char *err, size_t errlen)
{
	int r;

	if (f->dead)
		return f->dead;
	if (f->wlen != 0) {
		r = flush(f, err, errlen);
		if (r != 0)
			return r;
		r = (int)f->wclaim;
		f->wclaim = 0;
		if (r > 0)
			return r;
	}
	if (n == 0)
		return 0;
	if (n > TLS_REC_MAX_PLAIN)
		n = TLS_REC_MAX_PLAIN;
	r = tls_rec_seal(&f->rec, TLS_REC_APPDATA, buf, n, f->wbuf);
	if (r < 0)
		return end(f, TLS_ERR_PROTO, err, errlen, "cannot send: more TLS records than sequence numbers");
	f->wlen = (size_t)r;
	f->woff = 0;
	f->wclaim = n;
	r = flush(f, err, errlen);
	if (r != 0)
		return r;
	f->wclaim = 0;
	return (int)n;
}

size_t tls_fast_pending(const struct tls_fast *f)
{
	int h;

	if (f->pt_len > 0)
		return f->pt_len;
	h = tls_rec_header(f->rbuf + f->rstart, f->rend - f->rstart);
	return h < 0 || (h > 0 && (size_t)h <= f->rend - f->rstart) ? 1 : 0;
}

int tls_fast_close_notify(struct tls_fast *f, char *err, size_t errlen)
{
	int r;

	if (f->dead == TLS_ERR_IO)
		return TLS_ERR_IO;
	r = flush(f, err, errlen);
	if (r != 0)
		return r;
	if (!f->close_sent) {
		uint8_t a[2] = { 1, 0 };

		r = tls_rec_seal(&f->rec, TLS_REC_ALERT, a, sizeof(a), f->wbuf);
		if (r < 0)
			return TLS_ERR_IO;
		f->close_sent = 1;
		f->wlen = (size_t)r;
		f->wclaim = 0;
		r = flush(f, err, errlen);
		if (r != 0)
			return r;
	}
	return TLS_OK;
}

#endif
