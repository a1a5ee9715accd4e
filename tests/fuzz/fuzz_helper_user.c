/* fuzz_helper_user.c - libFuzzer target for the helper's parsers of a user's own profile: the
 * policy file (helper_policy_parse) and the profile text a user's CLI sends (helper_user_parse,
 * then helper_policy_check). The first byte picks which half of the input is the policy.
 * Invariants: no crash; a refusal says why; a parsed user profile holds no path of the user's
 * (CA, certificate, key, password files, proxy) and carries the name the helper gave it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct helper_policy pol;
	struct sstp_profile p;
	char err[300];
	size_t cut;

	if (size < 1)
		return 0;
	cut = size > 1 ? data[0] % size : 0;
	data++;
	size--;
	if (cut > size)
		cut = size;
	err[0] = '\0';
	helper_policy_init(&pol);
	if (helper_policy_parse(&pol, (const char *)data, cut, err, sizeof(err)) != 0) {
		if (!err[0])
			abort();
		helper_policy_init(&pol);
	}
	if (pol.n_gateways > HELPER_POLICY_MAX_GATEWAYS)
		abort();
	sstp_profile_init(&p);
	err[0] = '\0';
	if (size - cut <= SSTP_HELPER_UPROFILE_MAX &&
	    helper_user_parse(&p, "fuzz", data + cut, size - cut, err, sizeof(err)) == 0) {
		if (p.ca.n || p.cert || p.key || p.cert_password_file || p.password_file || p.proxy ||
		    p.proxy_password_file || !p.name || strcmp(p.name, "fuzz") != 0)
			abort();
		err[0] = '\0';
		if (helper_policy_check(&pol, &p, err, sizeof(err)) != 0 && !err[0])
			abort();
	} else if (size - cut <= SSTP_HELPER_UPROFILE_MAX && !err[0]) {
		abort();
	}
	sstp_profile_free(&p);
	return 0;
}
