/* fuzz_pkg_ini.c - libFuzzer target for the installer's text formats: INI lookup returns
 * bounded, single-line values; routes.txt yields IPv4 prefixes with clear host bits that
 * round-trip through the formatter; UTF-16 conversion never grows its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkg_ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"PhoneNumber", "TunnelAddress", "VpnStrategy",
					   "ServiceName", ""};
	char v[64];
	for (size_t k = 0; k < 5; k++) {
		memset(v, 'Z', sizeof(v));
		int rc = sstp_ini_get((const char *)data, size, k == 3 ? "Strings" : NULL, keys[k], v,
				      sizeof(v));
		if (rc == 0 && (memchr(v, '\0', sizeof(v)) == NULL || strchr(v, '\n')))
			abort();
		if (rc < -1 || rc > 1)
			abort();
	}
	struct sstp_cidr *r;
	size_t n;
	char a[SSTP_CIDR_STRLEN];
	struct sstp_err e = {0};
	if (sstp_routes_txt_parse((const char *)data, size, &r, &n, &e) == 0) {
		if (n > SSTP_ROUTES_MAX)
			abort();
		for (size_t i = 0; i < n; i++) {
			struct sstp_cidr back;
			if (r[i].ip.family != SSTP_AF_INET4 || r[i].prefix < 1 || r[i].prefix > 32)
				abort();
			if (sstp_cidr_format(&r[i], a, sizeof(a)) != 0 || sstp_cidr_parse(a, &back) != 0 ||
			    memcmp(&back, &r[i], sizeof(back)) != 0)
				abort();
		}
		free(r);
	} else if (r != NULL || !e.msg[0] || e.kind == SSTP_ERR_NONE) {
		abort();
	}
	unsigned char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	size_t l = size;
	sstp_text_from_utf16le(copy, &l);
	if (l > size)
		abort();
	free(copy);
	return 0;
}
