/* stdlib.h for Windows builds: the C runtime's header plus realpath() over _fullpath (an absolute,
 * normalised path of an existing file; Windows links are not resolved). */
#ifndef SSTP_COMPAT_STDLIB_H
#define SSTP_COMPAT_STDLIB_H

#include_next <stdlib.h>

#include <errno.h>
#include <io.h>

static inline char *sstp_compat_realpath(const char *path, char *resolved)
{
	char *r;

	if (_access(path, 0) != 0)
		return NULL; /* errno set: realpath fails for a missing file too */
	r = _fullpath(resolved, path, resolved ? 260 : 0);
	if (!r)
		errno = ENAMETOOLONG;
	return r;
}

#define realpath sstp_compat_realpath

#endif
