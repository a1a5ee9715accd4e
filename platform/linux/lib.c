/* lib.c - plat_lib on Linux: dlopen of the distribution's shared libraries by soname. */
#include "plat_lib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* libcurl4 (OpenSSL flavour) first, then the GnuTLS and NSS flavours Debian also ships. */
static const char *const curl_names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4"};
/* libzip4 (Debian 12), libzip5 (newer releases keep the same API) */
static const char *const zip_names[] = {"libzip.so.4", "libzip.so.5"};

void *plat_lib_open(enum plat_lib lib, char *err, size_t errlen)
{
	const char *const *names = curl_names;
	size_t n = sizeof(curl_names) / sizeof(curl_names[0]);
	const char *why = "";

	const char *what = "libcurl", *pkg = "libcurl4";

	if (lib == PLAT_LIB_ZIP) {
		names = zip_names;
		n = sizeof(zip_names) / sizeof(zip_names[0]);
		what = "libzip";
		pkg = "libzip4";
	} else if (lib != PLAT_LIB_CURL) {
		snprintf(err, errlen, "unknown library %d", (int)lib);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (h)
			return h;
		if (i == 0)
			why = dlerror();
	}
	snprintf(err, errlen, "cannot load %s (%s): install the %s package", what, why ? why : "?", pkg);
	return NULL;
}

void (*plat_lib_sym(void *lib, const char *name))(void)
{
	void *p = dlsym(lib, name);
	void (*fn)(void);

	/* POSIX guarantees a function's address survives the trip through void *. */
	memcpy(&fn, &p, sizeof(fn));
	return fn;
}
