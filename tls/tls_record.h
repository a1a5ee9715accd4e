/* tls_record.h - the TLS 1.2 record layer for application data once the mbedTLS handshake is
 * done: AES-128/256-GCM records (RFC 5246 section 6.2, RFC 5288) sealed and opened with nettle,
 * which uses AES-NI and carry-less multiply where the CPU has them. Pure: bytes in, bytes out; the
 * socket side is in tls_fast.c. Available when SSTP_HAVE_NETTLE is defined. */
#ifndef SSTP_TLS_RECORD_H
#define SSTP_TLS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define TLS_REC_HDR 5
#define TLS_REC_EXPLICIT 8                 /* explicit nonce carried in each GCM record */
#define TLS_REC_TAG 16
#define TLS_REC_OVERHEAD (TLS_REC_HDR + TLS_REC_EXPLICIT + TLS_REC_TAG)
#define TLS_REC_MAX_PLAIN 16384            /* 2^14 */
#define TLS_REC_MAX_BODY (16384 + 2048)    /* largest TLSCiphertext.length a peer may send */
#define TLS_REC_MAX (TLS_REC_HDR + TLS_REC_MAX_BODY)

enum tls_rec_type {
	TLS_REC_CCS = 20,
	TLS_REC_ALERT = 21,
	TLS_REC_HANDSHAKE = 22,
	TLS_REC_APPDATA = 23,
};

/* Results of tls_rec_header/tls_rec_open below 0; the alert to send back is in the comment. */
enum tls_rec_err {
	TLS_REC_E_TYPE = -1,     /* unknown content type (unexpected_message) */
	TLS_REC_E_VERSION = -2,  /* record version is not 3.3 (protocol_version) */
	TLS_REC_E_LENGTH = -3,   /* body longer than 2^14 + 2048 (record_overflow) */
	TLS_REC_E_SHORT = -4,    /* body shorter than nonce + tag (decode_error) */
	TLS_REC_E_MAC = -5,      /* authentication failed (bad_record_mac) */
	TLS_REC_E_OVERFLOW = -6, /* plaintext above 2^14 (record_overflow) */
	TLS_REC_E_SEQ = -7,      /* sequence number exhausted */
};

struct tls_rec_dir; /* one direction's key, implicit IV and sequence number */

struct tls_rec {
	struct tls_rec_dir *tx, *rx;
};

/* Keys as mbedTLS's key block gives them (key_len 16 or 32, 4-byte implicit IVs) and the
 * sequence numbers the next records in each direction carry. 0, or -1 (bad key length, no
 * memory). tls_rec_free wipes and frees. */
int tls_rec_init(struct tls_rec *r, size_t key_len, const uint8_t *tx_key, const uint8_t tx_iv[4],
		 const uint8_t *rx_key, const uint8_t rx_iv[4], uint64_t tx_seq, uint64_t rx_seq);
void tls_rec_free(struct tls_rec *r);

/* Checks the header at in (avail bytes). 0: fewer than 5 bytes; > 0: the whole record's size
 * (header included), which may be more than avail; < 0: enum tls_rec_err. */
int tls_rec_header(const uint8_t *in, size_t avail);

/* One received record */
struct tls_rec_msg {
	uint8_t type;        /* enum tls_rec_type */
	const uint8_t *data; /* the plaintext: dst, or inside the record at in */
	size_t len;
};

/* Opens the record at in (avail bytes): 0 when it is not complete yet, the record's size when it
 * was opened (m filled), < 0 (enum tls_rec_err). The plaintext goes to dst when it fits in dst_cap
 * bytes, else it is decrypted in place (in is modified either way). */
int tls_rec_open(struct tls_rec *r, uint8_t *in, size_t avail, uint8_t *dst, size_t dst_cap,
		 struct tls_rec_msg *m);

/* Seals n <= 2^14 bytes of type into out (n + TLS_REC_OVERHEAD bytes); returns the record size,
 * or < 0 (TLS_REC_E_LENGTH, TLS_REC_E_SEQ). */
int tls_rec_seal(struct tls_rec *r, uint8_t type, const uint8_t *in, size_t n, uint8_t *out);

#endif
