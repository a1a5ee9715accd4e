/* cli_secret.h - reading a password for the CLI without ever taking it from argv: from a file
 * (first line), from standard input (first line), or from a terminal prompt with echo off.
 * The returned string is locked in memory where possible, registered with the logger's redaction
 * and must be released with sstp_secret_free(), which wipes it. */
#ifndef SSTP_CLI_SECRET_H
#define SSTP_CLI_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SSTP_SECRET_MAX 1024

/* Exactly one source: file (non-NULL), stdin (from_stdin), or the terminal (prompt non-NULL and
 * neither of the others). Returns the secret (possibly "") or NULL with a sentence in err. */
char *sstp_secret_read(const char *file, bool from_stdin, const char *prompt, char *err,
		       size_t errlen);
void sstp_secret_free(char *secret);

#endif
