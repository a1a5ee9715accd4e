/* tls_random.c - the process-wide random source: one mbedTLS CTR_DRBG seeded from the platform
 * entropy source on first use. Used for TLS handshakes, key generation, SSTP GUIDs/nonces and the
 * PPP engine's random callback. Single-threaded by design (see tls.h). */
#include "tls_compat.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

#include <stdlib.h>

#include "tls.h"
#include "tls_priv.h"

static mbedtls_entropy_context g_entropy;
static mbedtls_ctr_drbg_context g_drbg;
static int g_state; /* 0 untouched, 1 ready, -1 seeding failed */

mbedtls_ctr_drbg_context *tls_drbg(void)
{
	static const unsigned char pers[] = "sstp tls_random";

	if (g_state == 0) {
		g_state = -1;
		if (tls_compat_init() != 0)
			return NULL;
		mbedtls_entropy_init(&g_entropy);
		mbedtls_ctr_drbg_init(&g_drbg);
		if (mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy, pers,
					  sizeof(pers) - 1) != 0) {
			mbedtls_ctr_drbg_free(&g_drbg);
			mbedtls_entropy_free(&g_entropy);
			return NULL;
		}
		/* long-lived sessions: reseed from the OS now and then */
		mbedtls_ctr_drbg_set_reseed_interval(&g_drbg, 10000);
		g_state = 1;
	}
	return g_state == 1 ? &g_drbg : NULL;
}

int tls_rng(void *ctx, unsigned char *buf, size_t n)
{
	mbedtls_ctr_drbg_context *d = tls_drbg();

	(void)ctx;
	if (d == NULL)
		return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
	while (n > 0) {
		size_t chunk = n < MBEDTLS_CTR_DRBG_MAX_REQUEST ? n : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		int ret = mbedtls_ctr_drbg_random(d, buf, chunk);

		if (ret != 0)
			return ret;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

int tls_random(void *buf, size_t n)
{
	return tls_rng(NULL, buf, n) == 0 ? 0 : -1;
}

void tls_random_fill(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	if (tls_rng(NULL, buf, n) != 0)
		abort(); /* no entropy: continuing would hand out predictable nonces */
}
