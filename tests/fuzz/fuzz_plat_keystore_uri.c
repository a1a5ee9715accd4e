/* fuzz_plat_keystore_uri.c - libFuzzer target for the certstore: URI parser
 * (plat_keystore_uri_parse). Beyond not crashing or reading past the NUL: a failure leaves an
 * error sentence; an accepted URI names exactly one selection with a valid location and store
 * name, and writing it back (hex thumbprint or percent-encoded subject) parses to the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_store(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PLAT_KS_STORE_MAX)
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			abort();
	}
}

/* Writes u back as a URI into out (big enough: every subject byte as %XX). */
static void write_back(const struct plat_ks_uri *u, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	const char *loc = u->location == PLAT_KS_LOCAL_MACHINE ? "LocalMachine" : "CurrentUser";
	const char *sel = u->has_thumbprint ? "?thumbprint=" : "?subject=";
	size_t n = strlen("certstore:") + strlen(loc) + 1 + strlen(u->store) + strlen(sel);

	if (n >= outsz)
		abort();
	o = (size_t)snprintf(out, outsz, "certstore:%s/%s%s", loc, u->store, sel);
	if (u->has_thumbprint) {
		for (size_t i = 0; i < PLAT_KS_THUMB_LEN; i++) {
			out[o++] = hex[u->thumbprint[i] >> 4];
			out[o++] = hex[u->thumbprint[i] & 15];
		}
	} else {
		for (const unsigned char *p = (const unsigned char *)u->subject; *p; p++) {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct plat_ks_uri a, b;
	static char back[PLAT_KS_STORE_MAX + 3 * PLAT_KS_SUBJECT_MAX + 64];
	char err[256];
	char *in;
	int k;

	if (size > 4096)
		return 0;
	/* exact-size heap copy, NUL-terminated: any read past the NUL is caught */
	in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	err[0] = '\0';
	k = plat_keystore_uri_parse(in, &a, err, sizeof(err));
	if (k != 0) {
		free(in);
		if (k != -1 || err[0] == '\0' || strlen(err) >= sizeof(err))
			abort();
		return 0;
	}
	if (!plat_keystore_is_uri(in))
		abort();
	free(in);
	if (a.location != PLAT_KS_CURRENT_USER && a.location != PLAT_KS_LOCAL_MACHINE)
		abort();
	check_store(a.store);
	if (a.has_thumbprint == (a.subject[0] != '\0'))
		abort(); /* exactly one selection */
	if (strlen(a.subject) >= PLAT_KS_SUBJECT_MAX)
		abort();
	write_back(&a, back, sizeof(back));
	if (plat_keystore_uri_parse(back, &b, err, sizeof(err)) != 0)
		abort(); /* the parser refuses what it accepted, written back */
	if (b.location != a.location || strcmp(b.store, a.store) != 0 ||
	    b.has_thumbprint != a.has_thumbprint || strcmp(b.subject, a.subject) != 0 ||
	    memcmp(b.thumbprint, a.thumbprint, sizeof(a.thumbprint)) != 0)
		abort();
	return 0;
}
