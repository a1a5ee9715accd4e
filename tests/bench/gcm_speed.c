/* gcm_speed.c - benchmark helper: single-core AES-GCM throughput of the linked mbedTLS (the sstp
 * handshake's library, and the record layer's without nettle) or, built with -DGCM_NETTLE and
 * -lnettle, of nettle (the record layer's after the handshake), for the ceiling rows of
 * tests/bench/run.sh.
 * Usage: gcm_speed SECONDS SIZE...   prints "aes-<bits>-gcm <size> <bit/s>" per key size and size. */
#ifdef GCM_NETTLE
#include <nettle/gcm.h>
#else
#include <mbedtls/gcm.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SIZE 65536

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Encrypt-and-tag SIZE-byte records (13 bytes of AAD, like a TLS 1.2 record) for SECONDS of CPU
 * time (CPU time, not wall time: the figure stays a per-core ceiling on a busy machine). */
#ifdef GCM_NETTLE
/* The same work through nettle: nonce, AAD, encrypt, tag per record. */
static int run(unsigned bits, size_t size, double secs)
{
	static unsigned char in[MAX_SIZE], out[MAX_SIZE];
	unsigned char key[32], iv[12], aad[13], tag[16];
	struct gcm_aes128_ctx c128;
	struct gcm_aes256_ctx c256;
	unsigned long long bytes = 0;
	double t0, t1;

	memset(key, 0x5a, sizeof(key));
	memset(iv, 0, sizeof(iv));
	memset(aad, 0x17, sizeof(aad));
	memset(in, 0xa5, size);
	gcm_aes128_set_key(&c128, key);
	gcm_aes256_set_key(&c256, key);
	t0 = cpu_s();
	do {
		for (int i = 0; i < 64; i++) {
			iv[11]++;
			if (bits == 256) {
				gcm_aes256_set_iv(&c256, sizeof(iv), iv);
				gcm_aes256_update(&c256, sizeof(aad), aad);
				gcm_aes256_encrypt(&c256, size, out, in);
				gcm_aes256_digest(&c256, sizeof(tag), tag);
			} else {
				gcm_aes128_set_iv(&c128, sizeof(iv), iv);
				gcm_aes128_update(&c128, sizeof(aad), aad);
				gcm_aes128_encrypt(&c128, size, out, in);
				gcm_aes128_digest(&c128, sizeof(tag), tag);
			}
			bytes += size;
		}
		t1 = cpu_s();
	} while (t1 - t0 < secs);
	printf("aes-%u-gcm %zu %.0f\n", bits, size, (double)bytes * 8.0 / (t1 - t0));
	return 0;
}
#else
static int run(unsigned bits, size_t size, double secs)
{
	static unsigned char in[MAX_SIZE], out[MAX_SIZE];
	unsigned char key[32], iv[12], aad[13], tag[16];
	mbedtls_gcm_context gcm;
	unsigned long long bytes = 0;
	double t0, t1;

	memset(key, 0x5a, sizeof(key));
	memset(iv, 0, sizeof(iv));
	memset(aad, 0x17, sizeof(aad));
	memset(in, 0xa5, size);
	mbedtls_gcm_init(&gcm);
	if (mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, bits) != 0) {
		fprintf(stderr, "gcm_speed: mbedtls_gcm_setkey(%u bits) failed\n", bits);
		mbedtls_gcm_free(&gcm);
		return -1;
	}
	t0 = cpu_s();
	do {
		for (int i = 0; i < 64; i++) {
			iv[11]++; /* a fresh nonce per record, as TLS does */
			if (mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, size, iv, sizeof(iv), aad,
						      sizeof(aad), in, out, sizeof(tag), tag) != 0) {
				fprintf(stderr, "gcm_speed: encryption failed\n");
				mbedtls_gcm_free(&gcm);
				return -1;
			}
			bytes += size;
		}
		t1 = cpu_s();
	} while (t1 - t0 < secs);
	mbedtls_gcm_free(&gcm);
	printf("aes-%u-gcm %zu %.0f\n", bits, size, (double)bytes * 8.0 / (t1 - t0));
	return 0;
}
#endif

int main(int argc, char **argv)
{
	char *end;
	double secs;

	if (argc < 3) {
		fprintf(stderr, "usage: gcm_speed SECONDS SIZE...\n");
		return 2;
	}
	secs = strtod(argv[1], &end);
	if (*end || secs <= 0 || secs > 60) {
		fprintf(stderr, "gcm_speed: bad SECONDS '%s'\n", argv[1]);
		return 2;
	}
	for (int a = 2; a < argc; a++) {
		unsigned long size = strtoul(argv[a], &end, 10);

		if (*end || size == 0 || size > MAX_SIZE) {
			fprintf(stderr, "gcm_speed: bad SIZE '%s' (1-%d)\n", argv[a], MAX_SIZE);
			return 2;
		}
		if (run(128, size, secs) < 0 || run(256, size, secs) < 0)
			return 1;
	}
	return 0;
}
