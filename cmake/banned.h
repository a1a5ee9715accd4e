/* banned.h - forced into every C file of the project (cmake/Warnings.cmake: -include) so the
 * compiler, not habit, keeps the rule against unbounded string and number functions:
 *   sprintf, strcpy, strcat -> snprintf (check the result), or memcpy with a checked length
 *   sscanf, atoi            -> strtol/strtoul with an end pointer and a range check
 *   gets                    -> fgets
 * A poisoned name is an error wherever it appears after the pragma, system headers included,
 * so the C library headers that declare them (and glibc's fortified versions) are included
 * first; their include guards make a later #include of them a no-op. */
#ifndef SSTP_BANNED_H
#define SSTP_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32) && (defined(__GNUC__) || defined(__clang__))
/* mingw-w64's <windows.h> uses strcpy in its own headers (rpcndr.h, stralign.h), which a poisoned
 * name would break: here the banned functions are redeclared deprecated instead, an error under
 * -Werror in project code and silent inside system headers. */
#define SSTP_BANNED(why) __attribute__((deprecated("banned (cmake/banned.h): " why)))
SSTP_BANNED("use snprintf") int sprintf(char *, const char *, ...);
SSTP_BANNED("use snprintf or memcpy") char *strcpy(char *, const char *);
SSTP_BANNED("use snprintf or memcpy") char *strcat(char *, const char *);
SSTP_BANNED("use strtol/strtoul") int sscanf(const char *, const char *, ...);
SSTP_BANNED("use strtol/strtoul") int atoi(const char *);
SSTP_BANNED("use fgets") char *gets(char *);
#undef SSTP_BANNED
#elif defined(__GNUC__) || defined(__clang__)
/* glibc's fortified versions are macros for compilers without __va_arg_pack (clang); poisoning a
 * macro is a warning, and the names are banned anyway */
#undef sprintf
#undef strcpy
#undef strcat
#undef sscanf
#undef atoi
#undef gets
#pragma GCC poison sprintf strcpy strcat sscanf atoi gets
#endif

#endif
