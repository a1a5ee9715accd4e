/* stdio.h for Windows builds: the C runtime's header plus open_memstream (POSIX 2008, used by
 * tests to capture output) over a temporary file that is read back into a malloc'ed buffer on
 * fflush and fclose, as POSIX specifies; fclose/fflush are wrapped only to do that; and a
 * rename() that replaces an existing target as POSIX's does. */
#ifndef SSTP_COMPAT_STDIO_H
#define SSTP_COMPAT_STDIO_H

#include_next <stdio.h>

#include <errno.h>
#include <stdlib.h>

#define SSTP_COMPAT_MEMSTREAMS 8

/* per translation unit: a stream is opened and closed by the same code */
static struct {
	FILE *f;
	char **ptr;
	size_t *size;
} sstp_compat_ms[SSTP_COMPAT_MEMSTREAMS] __attribute__((unused));

static inline FILE *sstp_compat_open_memstream(char **ptr, size_t *size)
{
	char *name = _tempnam(NULL, "sstp");
	FILE *f = name ? fopen(name, "w+bD") : NULL; /* D: deleted when closed */

	free(name);
	if (!f)
		return NULL;
	for (int i = 0; i < SSTP_COMPAT_MEMSTREAMS; i++)
		if (!sstp_compat_ms[i].f) {
			sstp_compat_ms[i].f = f;
			sstp_compat_ms[i].ptr = ptr;
			sstp_compat_ms[i].size = size;
			*ptr = NULL;
			*size = 0;
			return f;
		}
	fclose(f);
	return NULL;
}

/* Copy the stream's bytes to *ptr / *size; returns the slot or -1 when f is no memstream. */
static inline int sstp_compat_ms_sync(FILE *f)
{
	for (int i = 0; f && i < SSTP_COMPAT_MEMSTREAMS; i++) {
		long n;
		char *buf;

		if (sstp_compat_ms[i].f != f)
			continue;
		fflush(f);
		n = ftell(f);
		buf = malloc(n > 0 ? (size_t)n + 1 : 1);
		if (buf) {
			rewind(f);
			n = n > 0 ? (long)fread(buf, 1, (size_t)n, f) : 0;
			buf[n] = '\0';
			fseek(f, 0, SEEK_END);
			free(*sstp_compat_ms[i].ptr);
			*sstp_compat_ms[i].ptr = buf;
			*sstp_compat_ms[i].size = (size_t)n;
		}
		return i;
	}
	return -1;
}

static inline int sstp_compat_fflush(FILE *f)
{
	return sstp_compat_ms_sync(f) >= 0 ? 0 : fflush(f);
}

static inline int sstp_compat_fclose(FILE *f)
{
	int i = sstp_compat_ms_sync(f);

	if (i >= 0)
		sstp_compat_ms[i].f = NULL;
	return fclose(f);
}

/* rename() replaces an existing target, as POSIX says and the atomic "write FILE.tmp, rename"
 * saves expect (the C runtime's fails when the target exists). Declared here as winbase.h does,
 * without pulling windows.h into every file. */
__declspec(dllimport) int __stdcall MoveFileExA(const char *from, const char *to,
						unsigned long flags);

static inline int sstp_compat_rename(const char *from, const char *to)
{
	if (MoveFileExA(from, to, 0x1 /* MOVEFILE_REPLACE_EXISTING */))
		return 0;
	errno = EACCES;
	return -1;
}

#define rename sstp_compat_rename
#define open_memstream sstp_compat_open_memstream
#define fflush sstp_compat_fflush
#define fclose sstp_compat_fclose

#endif
