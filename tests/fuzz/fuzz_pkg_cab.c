/* fuzz_pkg_cab.c - libFuzzer target for locating and extracting the installer's cabinet with
 * libmspack from memory: extracted files never exceed the caps, and the cabinet found lies
 * inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkg_cab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off, len;
	struct sstp_cab_files f;
	struct sstp_err e = {0};
	if (sstp_cab_find(data, size, &off, &len) == 0) {
		if (off > size || len > size - off || memcmp(data + off, "MSCF", 4) != 0)
			abort();
	} else {
		off = 0;
		len = size;
	}
	if (sstp_cab_extract(data + off, len, NULL, &f, &e) == 0) {
		if (f.n > SSTP_CAB_MAX_FILES)
			abort();
		for (size_t i = 0; i < f.n; i++)
			if (f.v[i].len > SSTP_CAB_MAX_FILE || f.v[i].data[f.v[i].len] != 0)
				abort();
	} else if (e.kind == SSTP_ERR_NONE || !e.msg[0]) {
		abort(); /* every refusal has a kind and a sentence */
	}
	sstp_cab_files_free(&f);
	return 0;
}
