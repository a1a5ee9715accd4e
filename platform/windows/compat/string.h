/* string.h for Windows builds: the C runtime's header plus the GNU/POSIX functions the shared
 * code uses that msvcrt lacks (memmem, strcasestr, strndup, explicit_bzero), as small inline
 * definitions. */
#ifndef SSTP_COMPAT_STRING_H
#define SSTP_COMPAT_STRING_H

#include_next <string.h>

#include <ctype.h>
#include <stdlib.h>

static inline void *sstp_compat_memmem(const void *hay, size_t hlen, const void *needle,
				       size_t nlen)
{
	const unsigned char *h = hay;

	if (nlen == 0)
		return (void *)hay;
	for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++)
		if (h[i] == *(const unsigned char *)needle && memcmp(h + i, needle, nlen) == 0)
			return (void *)(h + i);
	return NULL;
}

static inline char *sstp_compat_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (_strnicmp(hay, needle, n) == 0)
			return (char *)hay;
	return n == 0 ? (char *)hay : NULL;
}

static inline char *sstp_compat_strndup(const char *s, size_t n)
{
	size_t len = 0;
	char *d;

	while (len < n && s[len])
		len++;
	d = malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* stores through a volatile pointer are never optimised away */
static inline void sstp_compat_explicit_bzero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

#define explicit_bzero sstp_compat_explicit_bzero
#define memmem sstp_compat_memmem
#define strcasestr sstp_compat_strcasestr
#define strndup sstp_compat_strndup

#endif
