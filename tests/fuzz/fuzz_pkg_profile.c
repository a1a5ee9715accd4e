/* fuzz_pkg_profile.c - libFuzzer target for the profile parser: an accepted profile formats to
 * text that parses back to the same text (round trip), and the CIDR parser's output formats and
 * re-parses to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_profile p, q;
	char err[300];
	sstp_profile_init(&p);
	if (sstp_profile_parse(&p, (const char *)data, size, NULL, err, sizeof(err)) == 0) {
		char *t1, *t2;
		size_t l1, l2;
		if (sstp_profile_format(&p, &t1, &l1) == 0) {
			sstp_profile_init(&q);
			if (sstp_profile_parse(&q, t1, l1, NULL, err, sizeof(err)) != 0)
				abort(); /* what we write, we read */
			if (sstp_profile_format(&q, &t2, &l2) != 0 || l1 != l2 || memcmp(t1, t2, l1))
				abort();
			free(t2);
			free(t1);
			sstp_profile_free(&q);
		}
		if (p.name && !sstp_profile_name_valid(p.name))
			abort();
	} else if (strncmp(err, "line ", 5) != 0 && !strstr(err, "larger than") &&
		   !strstr(err, "no profile text")) {
		abort(); /* errors name the line */
	}
	sstp_profile_free(&p);

	/* CIDR text round trip on the first line */
	char s[80];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = '\0';
	struct sstp_cidr c, back;
	char a[SSTP_CIDR_STRLEN];
	if (sstp_cidr_parse(s, &c) == 0) {
		if (sstp_cidr_format(&c, a, sizeof(a)) != 0 || sstp_cidr_parse(a, &back) != 0 ||
		    memcmp(&c, &back, sizeof(c)) != 0)
			abort();
	}
	return 0;
}
