/* tls_fast.h - the established TLS 1.2 session's record I/O without mbedTLS: AES-GCM records
 * (tls_record.c, nettle) over the session's non-blocking socket, a read buffer that takes as many
 * records as the socket has in one recv, one record of up to 2^14 bytes per write, alerts
 * (close_notify, fatal ones) and refusal of anything but application data and alerts. Same return
 * conventions as tls_read/tls_write/tls_pending/tls_close_notify (tls.h). POSIX sockets; built
 * only when SSTP_HAVE_NETTLE is defined. */
#ifndef SSTP_TLS_FAST_H
#define SSTP_TLS_FAST_H

#include <stddef.h>
#include <stdint.h>

/* What the mbedTLS key export gave: client/server write keys and implicit IVs. */
struct tls_fast_keys {
	uint8_t client_key[32], server_key[32];
	uint8_t client_iv[4], server_iv[4];
	size_t key_len; /* 16 or 32; 0 = nothing usable exported */
};

struct tls_fast;

/* A client-side record layer on fd with the next sequence numbers to send and to expect. NULL
 * on failure (bad key length, no memory). Does not own fd. */
struct tls_fast *tls_fast_new(int fd, const struct tls_fast_keys *k, uint64_t tx_seq,
			      uint64_t rx_seq);
void tls_fast_free(struct tls_fast *f);

/* err receives one sentence when the result is TLS_CLOSED or TLS_ERR_*. */
int tls_fast_read(struct tls_fast *f, uint8_t *buf, size_t n, char *err, size_t errlen);
int tls_fast_write(struct tls_fast *f, const uint8_t *buf, size_t n, char *err, size_t errlen);
size_t tls_fast_pending(const struct tls_fast *f);
int tls_fast_close_notify(struct tls_fast *f, char *err, size_t errlen);

#endif
