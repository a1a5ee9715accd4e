/* fuzz_pkg_zip.c - libFuzzer target for the zip layer and the whole package reader: accepted
 * archives only hold safe, normalised, unique names; entries never inflate past their declared
 * size or the caps; the package reader on the same bytes fails cleanly or yields a gateway. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pkg.h"
#include "pkg_zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *n)
{
	char again[SSTP_ZIP_MAX_NAME + 2];
	const char *why;
	size_t l = strlen(n);
	if (l == 0 || n[0] == '/' || strchr(n, '\\') || strchr(n, ':') || strstr(n, "//"))
		abort();
	if (!strncmp(n, "../", 3) || strstr(n, "/../") || !strcmp(n, "..") ||
	    (l >= 3 && !strcmp(n + l - 3, "/..")))
		abort();
	/* normalisation is idempotent */
	if (sstp_zip_name_check(n, l, again, sizeof(again), &why) != 0 || strcmp(again, n) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_zip *z;
	char err[512];
	struct sstp_zip_limits lim = {.max_entries = 64, .max_entry_size = 1u << 20,
				      .max_total = 4u << 20};
	if (sstp_zip_open_mem(data, size, &lim, &z, err, sizeof(err)) == 0) {
		size_t n = sstp_zip_count(z);
		if (n > 64)
			abort();
		for (size_t i = 0; i < n; i++) {
			const char *name = sstp_zip_name(z, i);
			check_name(name);
			if (sstp_zip_find(z, name) != (long)i)
				abort(); /* names are unique, case-insensitively */
			if (sstp_zip_is_dir(z, i))
				continue;
			unsigned char *buf;
			size_t len;
			if (sstp_zip_read(z, i, 0, &buf, &len, err, sizeof(err)) == 0) {
				if (len != sstp_zip_declared_size(z, i) || len > lim.max_entry_size ||
				    buf[len] != 0)
					abort();
				free(buf);
			}
		}
		sstp_zip_close(z);
	}
	struct sstp_package p;
	if (sstp_package_from_zip(data, size, &p, err, sizeof(err)) == 0) {
		if (!p.gateway || !p.gateway[0])
			abort();
		sstp_package_free(&p);
	} else if (!err[0]) {
		abort();
	}
	return 0;
}
