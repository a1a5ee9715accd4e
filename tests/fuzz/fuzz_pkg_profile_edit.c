/* fuzz_pkg_profile_edit.c - libFuzzer target for `sstp set` on profile text: the input is
 * KEY=VALUE assignments (one per line) up to the first NUL byte, then the profile text. A change
 * that is accepted yields a valid profile; a refused one yields nothing and a sentence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_err.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t alen = nul ? (size_t)(nul - data) : size;
	const char *text = nul ? (const char *)nul + 1 : "";
	size_t tlen = nul ? size - alen - 1 : 0;
	char *abuf = malloc(alen + 1), *out = NULL, err[300];
	const char *assign[16];
	size_t n = 0, outlen = 0;

	if (!abuf)
		return 0;
	memcpy(abuf, data, alen);
	abuf[alen] = '\0';
	for (char *s = abuf, *e; s && *s && n < 16; s = e) {
		e = strchr(s, '\n');
		if (e)
			*e++ = '\0';
		assign[n++] = s;
	}
	int rc = sstp_profile_text_set(text, tlen, assign, n, NULL, &out, &outlen, err, sizeof(err));
	if (rc == 0) {
		if (!out || sstp_profile_validate_text(out, outlen, NULL, err, sizeof(err)) != 0)
			abort(); /* what set writes is a valid profile */
	} else if (rc != SSTP_ERR_PROFILE || out || !err[0]) {
		abort(); /* refused: exit 9, nothing written, a sentence */
	}
	free(out);
	free(abuf);
	return 0;
}
