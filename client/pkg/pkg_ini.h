/* pkg_ini.h - the small text formats inside the Azure Windows installer: INI files (.pbk
 * phonebook, .cms/.inf profiles) and the CMAK static route file routes.txt, with hard limits. */
#ifndef SSTP_PKG_INI_H
#define SSTP_PKG_INI_H

#include <stddef.h>

#include "profile.h"
#include "sstp_err.h"

#define SSTP_INI_MAX (512u * 1024u)   /* bytes of one INI or route file */
#define SSTP_INI_MAX_LINE 4096u       /* bytes per line */
#define SSTP_INI_MAX_LINES 20000u     /* lines per file */
#define SSTP_ROUTES_MAX 256u          /* routes per routes.txt */

/* Find the first `key=value` (key ASCII case-insensitive) in section (NULL: any section) and copy
 * its value, blanks trimmed and one pair of surrounding double quotes removed, to out.
 * Returns 0 (found), 1 (not found), -1 (over a limit, NUL byte, or value longer than outlen-1). */
int sstp_ini_get(const char *text, size_t len, const char *section, const char *key,
		 char *out, size_t outlen);

/* Parse routes.txt ("ADD 10.0.0.0 MASK 255.255.0.0 default METRIC default IF default" lines,
 * blank lines, REMOVE_GATEWAY, DELETE lines ignored). *out is malloc'ed (caller frees), in file
 * order. 0, or SSTP_ERR_PROFILE (SSTP_ERR_INTERNAL: out of memory) with "routes.txt line N: ..."
 * in e (may be NULL). */
int sstp_routes_txt_parse(const char *text, size_t len, struct sstp_cidr **out, size_t *n,
			  struct sstp_err *e);

/* If buf starts with a UTF-16LE byte order mark, convert it in place to 8-bit text (characters
 * above U+007F become '?') and update *len. Other input is left alone. */
void sstp_text_from_utf16le(unsigned char *buf, size_t *len);

#endif
