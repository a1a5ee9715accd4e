/* fuzz_plat_journal.c - libFuzzer target for the undo journal parser (plat_journal_parse).
 * Checks, beyond not crashing or reading past the input: every accepted record can be written
 * back, the rewritten journal parses to exactly the same records and owner, and the limits hold. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plat_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct plat_journal a, b;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[PLAT_JOURNAL_MAX_RECS * PLAT_JOURNAL_MAX_LINE + 512];
	char err[256];
	size_t len = 0;
	int k;

	/* exact-size heap copy so any read past the end is caught */
	char *in = malloc(size ? size : 1);
	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);
	k = plat_journal_parse(in, size, &a, err, sizeof(err));
	free(in);
	if (k != 0)
		return 0;
	if (a.n > PLAT_JOURNAL_MAX_RECS || size > PLAT_JOURNAL_MAX_BYTES)
		abort();
	k = plat_journal_format_header(&a.owner, out, sizeof(out));
	if (k < 0)
		abort(); /* accepted an owner it cannot write */
	len = (size_t)k;
	for (size_t i = 0; i < a.n; i++) {
		if (i > 0 && a.recs[i].seq <= a.recs[i - 1].seq)
			abort();
		k = plat_journal_format_rec(&a.recs[i], out + len, sizeof(out) - len);
		if (k < 0)
			abort(); /* accepted a record it cannot write */
		len += (size_t)k;
	}
	if (plat_journal_parse(out, len, &b, err, sizeof(err)) != 0)
		abort();
	if (b.n != a.n || memcmp(&a.owner, &b.owner, sizeof(a.owner)) != 0)
		abort();
	for (size_t i = 0; i < a.n; i++) {
		if (memcmp(&a.recs[i], &b.recs[i], sizeof(a.recs[i])) != 0)
			abort();
	}
	return 0;
}
