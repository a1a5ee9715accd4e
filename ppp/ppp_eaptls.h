/* ppp_eaptls.h - the inner TLS engine the EAP-TLS method drives.
 *
 * The PPP engine does EAP framing, fragmentation and reassembly; the TLS handshake itself is
 * done by an engine behind this table (tls/eap_tls_engine.c on mbedTLS, a fake in unit tests).
 * Everything is memory in, memory out: no sockets, no clocks. */
#ifndef SSTP_PPP_EAPTLS_H
#define SSTP_PPP_EAPTLS_H

#include <stddef.h>
#include <stdint.h>

enum ppp_tls_status {
	PPP_TLS_CONTINUE = 0, /* handshake goes on: send *out (may be empty), wait for more */
	PPP_TLS_DONE = 1,     /* handshake finished and verified; *out may hold the last flight */
	PPP_TLS_FAILED = -1,  /* fatal: error() says why; *out may hold an alert to send */
};

#define PPP_TLS_MSK_LEN 64

struct ppp_tls_engine {
	void *ctx;
	/* Start a fresh handshake (EAP-TLS Start received). 0 or -1. */
	int (*begin)(void *ctx);
	/* Feed one reassembled TLS message from the server (in_len 0 right after begin) and get the
	 * client's next flight. *out points into engine-owned memory, valid until the next call. */
	enum ppp_tls_status (*step)(void *ctx, const uint8_t *in, size_t in_len,
				    const uint8_t **out, size_t *out_len);
	/* After PPP_TLS_DONE: the 64-byte MSK of RFC 5216 section 2.3. 0 or -1. */
	int (*msk)(void *ctx, uint8_t out[PPP_TLS_MSK_LEN]);
	/* Human-readable reason for the last failure (never contains key material). */
	const char *(*error)(void *ctx);
	/* Tunnelled methods (PEAP), after PPP_TLS_DONE; NULL when the engine has no tunnel.
	 * open: TLS records from the server in (may be empty: what is left of the last message),
	 * the application data they carry out (engine-owned, valid until the next call).
	 * seal: inner bytes in, the TLS records carrying them out. 0, or -1 with error() set. */
	int (*open)(void *ctx, const uint8_t *in, size_t in_len, const uint8_t **out,
		    size_t *out_len);
	int (*seal)(void *ctx, const uint8_t *in, size_t in_len, const uint8_t **out,
		    size_t *out_len);
};

#endif
