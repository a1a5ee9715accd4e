/* fuzz_tls_identity.c - libFuzzer target for the certificate walk that finds the EAP-TLS
 * identity (SAN UPN otherName, rfc822Name): any bytes as a certificate's DER. Oracles: the
 * fields are terminated, printable and within TLS_IDENTITY_MAX; on failure both are empty. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap || n > TLS_IDENTITY_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_identity id;
	uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees any over-read */
	char out[64];

	if (copy == NULL)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (tls_identity_from_der(copy, size, &id) == 0) {
		check(id.upn, sizeof(id.upn));
		check(id.email, sizeof(id.email));
		(void)tls_identity_choose(&id, NULL, out, sizeof(out), NULL);
	} else if (id.upn[0] || id.email[0]) {
		abort(); /* nothing half-read may be left */
	}
	free(copy);
	return 0;
}
