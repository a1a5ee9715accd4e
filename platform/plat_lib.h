/* plat_lib.h - shared libraries loaded at run time: optional dependencies that only some commands
 * need (libcurl for package downloads and HTTP proxies, libzip for package import), so that
 * everyday commands do not map them. The library file names per system live in platform/<os>/lib.c. */
#ifndef PLAT_LIB_H
#define PLAT_LIB_H

#include <stddef.h>

enum plat_lib {
	PLAT_LIB_CURL,
	PLAT_LIB_ZIP,
};

/* Opens the library (its usual file names on this system, tried in order). NULL with a sentence
 * in err when none loads. The handle stays open for the life of the process. */
void *plat_lib_open(enum plat_lib lib, char *err, size_t errlen);

/* The address of a function exported by an opened library, NULL when absent. */
void (*plat_lib_sym(void *lib, const char *name))(void);

#endif
