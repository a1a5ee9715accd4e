/* fuzz_pkg_xml.c - libFuzzer target for the VpnSettings.xml reader: any input either fails with
 * a line-numbered message or yields a package whose values re-parse to themselves. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"
#include "pkg_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_package p;
	struct sstp_err e = {0};
	char a[SSTP_CIDR_STRLEN];
	sstp_package_init(&p);
	int rc = sstp_pkg_xml_parse((const char *)data, size, &p, &e);
	if (rc != 0) {
		if ((int)e.kind != rc ||
		    (strncmp(e.msg, "VpnSettings.xml", 15) != 0 && strcmp(e.msg, "out of memory") != 0))
			abort(); /* every failure has its kind and says where */
		sstp_package_free(&p);
		return 0;
	}
	if (p.n_routes > 256 || p.n_pools > 256 || p.n_dns > 256 || p.n_roots > 16)
		abort();
	for (size_t i = 0; i < p.n_routes + p.n_pools; i++) {
		const struct sstp_cidr *c = i < p.n_routes ? &p.routes[i] : &p.pools[i - p.n_routes];
		struct sstp_cidr back;
		if (sstp_cidr_format(c, a, sizeof(a)) != 0 || sstp_cidr_parse(a, &back) != 0 ||
		    memcmp(&back, c, sizeof(back)) != 0)
			abort();
	}
	for (size_t i = 0; i < p.n_dns; i++) {
		struct sstp_ip back;
		if (sstp_ip_format(&p.dns[i], a, sizeof(a)) != 0 || sstp_ip_parse(a, &back) != 0 ||
		    memcmp(&back, &p.dns[i], sizeof(back)) != 0)
			abort();
	}
	if (p.gateway && (!p.gateway[0] || strlen(p.gateway) > 253))
		abort();
	for (size_t i = 0; i < p.n_roots; i++)
		if (!p.roots[i].der || p.roots[i].der_len == 0)
			abort();
	sstp_package_free(&p);
	return 0;
}
