/* fuzz_tls_record.c - libFuzzer target for the TLS 1.2 AES-GCM record parser (tls_record.c).
 * Input: 1 byte of options (key size, how much room the caller's buffer has), then a byte
 * stream opened record by record as the server's. Oracles: a result is never larger than the
 * bytes given, an opened record's plaintext is within bounds; and the same input sealed as one
 * record opens back to itself, while the record with one byte changed does not open. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef SSTP_HAVE_NETTLE

static const uint8_t key[32] = "fuzz-key-fuzz-key-fuzz-key-fuzz!";
static const uint8_t iv[4] = { 9, 8, 7, 6 };
static uint8_t stream[TLS_REC_MAX * 4], dst[TLS_REC_MAX_PLAIN], rec[TLS_REC_MAX];

static void open_stream(struct tls_rec *r, size_t len, size_t cap)
{
	size_t off = 0;

	while (off < len) {
		struct tls_rec_msg m;
		int n = tls_rec_open(r, stream + off, len - off, dst, cap, &m);

		if (n <= 0)
			return;
		if ((size_t)n > len - off || m.len > TLS_REC_MAX_PLAIN)
			abort();
		off += (size_t)n;
	}
}

/* Seals p as one record and opens it with a fresh layer on the same key, as is and with the
 * byte at flip changed: the first must give p back, the second must not open. */
static void roundtrip(size_t key_len, const uint8_t *p, size_t n, size_t flip)
{
	struct tls_rec a, b;
	struct tls_rec_msg m;
	int len, r;

	if (n > TLS_REC_MAX_PLAIN)
		n = TLS_REC_MAX_PLAIN;
	for (int pass = 0; pass < 2; pass++) {
		if (tls_rec_init(&a, key_len, key, iv, key, iv, 5, 5) != 0 ||
		    tls_rec_init(&b, key_len, key, iv, key, iv, 5, 5) != 0)
			abort();
		len = tls_rec_seal(&a, TLS_REC_APPDATA, p, n, rec);
		if (len != (int)(n + TLS_REC_OVERHEAD))
			abort();
		if (pass == 1)
			rec[flip % (size_t)len] ^= 0x5a;
		r = tls_rec_open(&b, rec, (size_t)len, dst, sizeof(dst), &m);
		if (pass == 0 && (r != len || m.len != n || (n && memcmp(m.data, p, n) != 0)))
			abort();
		if (pass == 1 && r > 0)
			abort();
		tls_rec_free(&a);
		tls_rec_free(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_rec r;
	size_t key_len, cap, len;

	if (size < 1)
		return 0;
	key_len = data[0] & 1 ? 32 : 16;
	cap = data[0] & 2 ? sizeof(dst) : (size_t)(data[0] >> 2) * 64;
	data++, size--;
	if (tls_rec_init(&r, key_len, key, iv, key, iv, 0, 0) != 0)
		abort();
	len = size < sizeof(stream) ? size : sizeof(stream);
	memcpy(stream, data, len);
	open_stream(&r, len, cap);
	tls_rec_free(&r);
	roundtrip(key_len, data, size, size ? data[size / 2] * 131u + size : 0);
	return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data, (void)size;
	return 0; /* built without nettle: the record layer is not compiled in */
}

#endif
