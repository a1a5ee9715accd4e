/* cli_secret.c - password input for the CLI (file, stdin, terminal), wiped on release. */
#include "cli_secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "log.h"
#include "plat_proc.h"

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

static int read_line(FILE *f, char *buf, size_t len)
{
	size_t n = 0;
	int c;

	while ((c = fgetc(f)) != EOF && c != '\n') {
		if (n + 1 >= len)
			return -1;
		buf[n++] = (char)c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (int)n;
}

char *sstp_secret_read(const char *file, bool from_stdin, const char *prompt, char *err,
		       size_t errlen)
{
	char *buf = calloc(1, SSTP_SECRET_MAX);
	int r;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mlock(buf, SSTP_SECRET_MAX); /* best effort: keep it out of swap */
	if (file) {
		FILE *f = fopen(file, "re");
		struct stat st;

		if (!f) {
			snprintf(err, errlen, "cannot read the password file %s: %s", file, strerror(errno));
			goto fail;
		}
		setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer keeps a copy after fclose */
		if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0044))
			sstp_warn("password file %s is readable by other users (chmod 600 it)", file);
		r = read_line(f, buf, SSTP_SECRET_MAX);
		fclose(f);
		if (r < 0) {
			snprintf(err, errlen, "the first line of %s is longer than %d bytes", file,
				 SSTP_SECRET_MAX - 1);
			goto fail;
		}
	} else if (from_stdin) {
		setvbuf(stdin, NULL, _IONBF, 0); /* no unwiped stdio buffer (best effort) */
		r = read_line(stdin, buf, SSTP_SECRET_MAX);
		if (r < 0) {
			snprintf(err, errlen, "the password on standard input is longer than %d bytes",
				 SSTP_SECRET_MAX - 1);
			goto fail;
		}
	} else if (prompt) {
		r = plat_read_password(prompt, buf, SSTP_SECRET_MAX);
		if (r < 0) {
			snprintf(err, errlen, r == -ENXIO ? "a password is needed and there is no terminal "
				 "to ask: use --password-file FILE or --password-stdin"
				 : "cannot read the password: %s", strerror(-r));
			goto fail;
		}
	} else {
		snprintf(err, errlen, "no password source");
		goto fail;
	}
	sstp_log_add_secret(buf);
	return buf;
fail:
	wipe(buf, SSTP_SECRET_MAX);
	munlock(buf, SSTP_SECRET_MAX);
	free(buf);
	return NULL;
}

void sstp_secret_free(char *secret)
{
	if (!secret)
		return;
	sstp_log_forget_secret(secret);
	wipe(secret, SSTP_SECRET_MAX);
	munlock(secret, SSTP_SECRET_MAX);
	free(secret);
}
