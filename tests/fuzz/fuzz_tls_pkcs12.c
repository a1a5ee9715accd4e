/* fuzz_tls_pkcs12.c - libFuzzer target for the PKCS#12 reader (password "password"). Oracles:
 * a failed parse leaves nothing behind; a successful one returns certificates and a key no larger
 * than the input, each certificate bag and key survives our writer and reads back identically
 * (round trip), and the BMP password conversion of the input as text is consistent. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_pkcs12.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bmp(const uint8_t *data, size_t size)
{
	char s[64];
	uint8_t *bmp;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1, len;

	memcpy(s, data, n);
	s[n] = '\0';
	if (tls_p12_bmp_password(s, &bmp, &len) != 0)
		return;
	/* UTF-16 of the text plus a 2-byte terminator: even, terminated, at most 4 bytes per byte */
	if (len % 2 != 0 || len < 2 || bmp[len - 1] != 0 || bmp[len - 2] != 0 ||
	    len > 4 * strlen(s) + 2)
		abort();
	free(bmp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_p12 p12, again;
	char err[256];
	const uint8_t *certs[TLS_P12_MAX_CERTS];
	size_t lens[TLS_P12_MAX_CERTS], i, out_len;
	uint8_t *out;

	check_bmp(data, size);
	if (tls_p12_parse(data, size, "password", &p12, err, sizeof(err)) != TLS_P12_OK) {
		if (p12.n_certs != 0 || p12.have_key || p12.key.der != NULL || err[0] == '\0')
			abort();
		return 0;
	}
	if (p12.n_certs == 0 || p12.n_certs > TLS_P12_MAX_CERTS)
		abort();
	for (i = 0; i < p12.n_certs; i++) {
		if (p12.certs[i].der == NULL || p12.certs[i].len > size)
			abort();
		certs[i] = p12.certs[i].der;
		lens[i] = p12.certs[i].len;
	}
	if (p12.have_key && (p12.key.der == NULL || p12.key.len > size))
		abort();
	if (p12.have_key && p12.key.len > 0 &&
	    tls_p12_write(certs, lens, p12.n_certs, p12.key.der, p12.key.len, "password", "f",
			  &out, &out_len, err, sizeof(err)) == TLS_P12_OK) {
		if (tls_p12_parse(out, out_len, "password", &again, err, sizeof(err)) != TLS_P12_OK)
			abort();
		if (again.n_certs != p12.n_certs || !again.have_key ||
		    again.key.len != p12.key.len ||
		    memcmp(again.key.der, p12.key.der, p12.key.len) != 0)
			abort();
		for (i = 0; i < p12.n_certs; i++)
			if (again.certs[i].len != lens[i] ||
			    memcmp(again.certs[i].der, certs[i], lens[i]) != 0)
				abort();
		tls_p12_free(&again);
		free(out);
	}
	tls_p12_free(&p12);
	return 0;
}
