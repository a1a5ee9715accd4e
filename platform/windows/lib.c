/* lib.c - plat_lib on Windows: LoadLibrary from the application's directory and the system's.
 * The Windows build links its static libcurl directly (SSTP_CURL_DLOPEN off), so this serves
 * builds that ship libcurl as a DLL. */
#include "plat_lib.h"

#include <stdio.h>
#include <string.h>
#include <windows.h>

static const char *const curl_names[] = {"libcurl-4.dll", "libcurl.dll", "libcurl-x64.dll"};

void *plat_lib_open(enum plat_lib lib, char *err, size_t errlen)
{
	size_t n = sizeof(curl_names) / sizeof(curl_names[0]);

	if (lib != PLAT_LIB_CURL) {
		snprintf(err, errlen, "unknown library %d", (int)lib);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		HMODULE h = LoadLibraryExA(curl_names[i], NULL, LOAD_LIBRARY_SEARCH_DEFAULT_DIRS);
		if (h)
			return (void *)h;
	}
	snprintf(err, errlen, "cannot load libcurl (libcurl-4.dll, error %lu)", (unsigned long)GetLastError());
	return NULL;
}

void (*plat_lib_sym(void *lib, const char *name))(void)
{
	FARPROC p = GetProcAddress((HMODULE)lib, name);
	void (*fn)(void);

	memcpy(&fn, &p, sizeof(fn));
	return fn;
}
