/* stdlib.h for Windows builds: the C runtime's header plus realpath() over _fullpath (an absolute,
 * normalised path of an existing file; Windows links are not resolved), setenv/unsetenv over
 * _putenv_s, and mkdtemp over _mktemp_s + _mkdir. */
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

static inline int sstp_compat_setenv(const char *name, const char *value, int overwrite)
{
	if (!overwrite && getenv(name))
		return 0;
	return _putenv_s(name, value) == 0 ? 0 : -1;
}

static inline int sstp_compat_unsetenv(const char *name)
{
	return _putenv_s(name, "") == 0 ? 0 : -1; /* an empty value removes the variable */
}

int __cdecl _mkdir(const char *path);

static inline char *sstp_compat_mkdtemp(char *tmpl)
{
	size_t n = 0;

	while (tmpl[n])
		n++;
	if (_mktemp_s(tmpl, n + 1) != 0 || _mkdir(tmpl) != 0)
		return NULL;
	return tmpl;
}

#define realpath sstp_compat_realpath
#define setenv sstp_compat_setenv
#define unsetenv sstp_compat_unsetenv
#define mkdtemp sstp_compat_mkdtemp

#endif
