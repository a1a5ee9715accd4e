/* fuzz_pkg_foreign.c - libFuzzer target for the foreign connection files of `sstp import`: the
 * first byte picks a Windows phonebook (even) or a NetworkManager-sstp keyfile (odd); the rest is
 * the file, UTF-16 included. Accepted input names a server; refused input says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_err.h"
#include "pkg.h"
#include "pkg_ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_profile p;
	char err[300] = "";
	if (size < 1 || size > SSTP_INI_MAX)
		return 0;
	size_t len = size - 1;
	unsigned char *buf = malloc(len + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	buf[len] = '\0';
	sstp_text_from_utf16le(buf, &len);
	int rc = data[0] & 1 ? sstp_profile_from_nmconnection((char *)buf, len, &p, err, sizeof(err))
			     : sstp_profile_from_pbk((char *)buf, len, NULL, &p, err, sizeof(err));
	if (rc == 0 && (!p.server || !p.server[0]))
		abort();
	if (rc != 0 && (rc != SSTP_ERR_PROFILE && rc != SSTP_ERR_INTERNAL))
		abort();
	if (rc == SSTP_ERR_PROFILE && !err[0])
		abort();
	sstp_profile_free(&p);
	free(buf);
	return 0;
}
