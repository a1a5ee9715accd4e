/* fuzz_nm_report.c - libFuzzer target for the NetworkManager plugin's report reader: any lines
 * (split at newlines) either parse or are refused, never overrun the fixed tables, and a
 * finished report always yields dictionaries NetworkManager can take. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nm_sstp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nm_sstp_report r;
	struct nm_sstp_opts o;
	char *text = malloc(size + 1), *line, *save = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		(void)nm_sstp_report_line(&r, line);
	if (r.n_routes > NM_SSTP_MAX_ROUTES || r.n_dns > NM_SSTP_MAX_DNS ||
	    !memchr(r.ifname, '\0', sizeof(r.ifname)))
		abort();
	if (r.up) {
		GVariant *v = g_variant_ref_sink(nm_sstp_report_config(&r));
		GVariant *ip4 = nm_sstp_report_ip4(&r, &o), *ip6 = nm_sstp_report_ip6(&r, &o);

		if (!ip4)
			abort(); /* up needs an address */
		g_variant_unref(v);
		g_variant_unref(g_variant_ref_sink(ip4));
		if (ip6)
			g_variant_unref(g_variant_ref_sink(ip6));
	}
	free(text);
	return 0;
}
