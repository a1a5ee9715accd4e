/* tls_record.c - TLS 1.2 AES-GCM records on nettle (see tls_record.h). Nonce = 4-byte implicit
 * IV from the key block || 8-byte explicit nonce (ours: the sequence number); additional data =
 * sequence number || type || version || plaintext length (RFC 5246 6.2.3.3, RFC 5288 3). */
#ifdef SSTP_HAVE_NETTLE

#include "tls_record.h"

#include <nettle/gcm.h>
#include <nettle/memops.h>

#include <stdlib.h>
#include <string.h>

struct tls_rec_dir {
	union {
		struct gcm_aes128_ctx a128;
		struct gcm_aes256_ctx a256;
	} gcm;
	int aes256;
	uint8_t iv[4];
	uint64_t seq;
};

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static struct tls_rec_dir *dir_new(size_t key_len, const uint8_t *key, const uint8_t iv[4],
				   uint64_t seq)
{
	struct tls_rec_dir *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->aes256 = key_len == 32;
	if (d->aes256)
		gcm_aes256_set_key(&d->gcm.a256, key);
	else
		gcm_aes128_set_key(&d->gcm.a128, key);
	memcpy(d->iv, iv, 4);
	d->seq = seq;
	return d;
}

static void dir_free(struct tls_rec_dir *d)
{
	if (d == NULL)
		return;
	memset(d, 0, sizeof(*d));
	__asm__ __volatile__("" : : "r"(d) : "memory"); /* the wipe is not optimised away */
	free(d);
}

int tls_rec_init(struct tls_rec *r, size_t key_len, const uint8_t *tx_key, const uint8_t tx_iv[4],
		 const uint8_t *rx_key, const uint8_t rx_iv[4], uint64_t tx_seq, uint64_t rx_seq)
{
	r->tx = r->rx = NULL;
	if (key_len != 16 && key_len != 32)
		return -1;
	r->tx = dir_new(key_len, tx_key, tx_iv, tx_seq);
	r->rx = dir_new(key_len, rx_key, rx_iv, rx_seq);
	if (r->tx == NULL || r->rx == NULL) {
		tls_rec_free(r);
		return -1;
	}
	return 0;
}

void tls_rec_free(struct tls_rec *r)
{
	dir_free(r->tx);
	dir_free(r->rx);
	r->tx = r->rx = NULL;
}

int tls_rec_header(const uint8_t *in, size_t avail)
{
	size_t len;

	if (avail < TLS_REC_HDR)
		return 0;
	if (in[0] < TLS_REC_CCS || in[0] > TLS_REC_APPDATA)
		return TLS_REC_E_TYPE;
	if (in[1] != 3 || in[2] != 3)
		return TLS_REC_E_VERSION;
	len = (size_t)in[3] << 8 | in[4];
	if (len > TLS_REC_MAX_BODY)
		return TLS_REC_E_LENGTH;
	if (len < TLS_REC_EXPLICIT + TLS_REC_TAG)
		return TLS_REC_E_SHORT;
	return (int)(TLS_REC_HDR + len);
}

/* Starts one record's GCM state: nonce and additional data. */
static void gcm_start(struct tls_rec_dir *d, const uint8_t explicit_nonce[8], uint8_t type,
		      size_t plain_len)
{
	uint8_t nonce[12], aad[13];

	memcpy(nonce, d->iv, 4);
	memcpy(nonce + 4, explicit_nonce, 8);
	put_be64(aad, d->seq);
	aad[8] = type;
	aad[9] = 3;
	aad[10] = 3;
	aad[11] = (uint8_t)(plain_len >> 8);
	aad[12] = (uint8_t)plain_len;
	if (d->aes256) {
		gcm_aes256_set_iv(&d->gcm.a256, sizeof(nonce), nonce);
		gcm_aes256_update(&d->gcm.a256, sizeof(aad), aad);
	} else {
		gcm_aes128_set_iv(&d->gcm.a128, sizeof(nonce), nonce);
		gcm_aes128_update(&d->gcm.a128, sizeof(aad), aad);
	}
}

int tls_rec_open(struct tls_rec *r, uint8_t *in, size_t avail, uint8_t *dst, size_t dst_cap,
		 struct tls_rec_msg *m)
{
	struct tls_rec_dir *d = r->rx;
	int total = tls_rec_header(in, avail);
	size_t body, plain;
	uint8_t tag[TLS_REC_TAG], *out;

	if (total <= 0)
		return total;
	if ((size_t)total > avail)
		return 0;
	if (d->seq == UINT64_MAX)
		return TLS_REC_E_SEQ;
	body = (size_t)total - TLS_REC_HDR;
	plain = body - TLS_REC_EXPLICIT - TLS_REC_TAG;
	if (plain > TLS_REC_MAX_PLAIN)
		return TLS_REC_E_OVERFLOW;
	out = dst != NULL && plain <= dst_cap ? dst : in + TLS_REC_HDR + TLS_REC_EXPLICIT;
	gcm_start(d, in + TLS_REC_HDR, in[0], plain);
	if (d->aes256) {
		gcm_aes256_decrypt(&d->gcm.a256, plain, out, in + TLS_REC_HDR + TLS_REC_EXPLICIT);
		gcm_aes256_digest(&d->gcm.a256, sizeof(tag), tag);
	} else {
		gcm_aes128_decrypt(&d->gcm.a128, plain, out, in + TLS_REC_HDR + TLS_REC_EXPLICIT);
		gcm_aes128_digest(&d->gcm.a128, sizeof(tag), tag);
	}
	if (!memeql_sec(tag, in + total - TLS_REC_TAG, TLS_REC_TAG)) {
		memset(out, 0, plain); /* nothing of a forged record stays readable */
		return TLS_REC_E_MAC;
	}
	d->seq++;
	m->type = in[0];
	m->data = out;
	m->len = plain;
	return total;
}

int tls_rec_seal(struct tls_rec *r, uint8_t type, const uint8_t *in, size_t n, uint8_t *out)
{
	struct tls_rec_dir *d = r->tx;
	size_t body = n + TLS_REC_EXPLICIT + TLS_REC_TAG;
	uint8_t *ct = out + TLS_REC_HDR + TLS_REC_EXPLICIT;

	if (n > TLS_REC_MAX_PLAIN)
		return TLS_REC_E_LENGTH;
	if (d->seq == UINT64_MAX)
		return TLS_REC_E_SEQ;
	out[0] = type;
	out[1] = 3;
	out[2] = 3;
	out[3] = (uint8_t)(body >> 8);
	out[4] = (uint8_t)body;
	put_be64(out + TLS_REC_HDR, d->seq); /* unique per key: the sequence number */
	gcm_start(d, out + TLS_REC_HDR, type, n);
	if (d->aes256) {
		gcm_aes256_encrypt(&d->gcm.a256, n, ct, in);
		gcm_aes256_digest(&d->gcm.a256, TLS_REC_TAG, ct + n);
	} else {
		gcm_aes128_encrypt(&d->gcm.a128, n, ct, in);
		gcm_aes128_digest(&d->gcm.a128, TLS_REC_TAG, ct + n);
	}
	d->seq++;
	return (int)(TLS_REC_HDR + body);
}

#endif
