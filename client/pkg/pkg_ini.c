/* pkg_ini.c - INI lookup and routes.txt parsing for the Windows installer's files (see
 * pkg_ini.h). Lines are walked in place with explicit lengths; nothing is copied unbounded. */
#include "pkg_ini.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sstp_err.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Next line of text from *pos: start and length without the line end. false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos, const char **ls, size_t *ll)
{
	if (*pos >= len)
		return false;
	const char *s = text + *pos;
	const char *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && s[n - 1] == '\r')
		n--;
	*ls = s;
	*ll = n;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && blank(**s))
		(*s)++, (*n)--;
	while (*n && blank((*s)[*n - 1]))
		(*n)--;
}

int sstp_ini_get(const char *text, size_t len, const char *section, const char *key,
		 char *out, size_t outlen)
{
	size_t pos = 0, klen = strlen(key), lines = 0;
	bool in_section = section == NULL;
	const char *ls;
	size_t ll;

	if (!text || len > SSTP_INI_MAX || outlen == 0 || memchr(text, '\0', len))
		return -1;
	while (next_line(text, len, &pos, &ls, &ll)) {
		if (++lines > SSTP_INI_MAX_LINES || ll > SSTP_INI_MAX_LINE)
			return -1;
		trim(&ls, &ll);
		if (ll == 0 || ls[0] == ';' || ls[0] == '#')
			continue;
		if (ls[0] == '[') {
			const char *end = memchr(ls, ']', ll);
			if (!end)
				continue;
			size_t sl = (size_t)(end - ls - 1);
			if (section)
				in_section = strlen(section) == sl &&
					     strncasecmp(ls + 1, section, sl) == 0;
			continue;
		}
		if (!in_section)
			continue;
		const char *eq = memchr(ls, '=', ll);
		if (!eq)
			continue;
		const char *k = ls;
		size_t kl = (size_t)(eq - ls);
		trim(&k, &kl);
		if (kl != klen || strncasecmp(k, key, klen) != 0)
			continue;
		const char *v = eq + 1;
		size_t vl = ll - (size_t)(v - ls);
		trim(&v, &vl);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
			v++, vl -= 2;
		if (vl + 1 > outlen)
			return -1;
		memcpy(out, v, vl);
		out[vl] = '\0';
		return 0;
	}
	return 1;
}

/* Split a line into at most max blank-separated tokens (pointers into a local copy). */
static size_t tokens(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *s = line;
	while (*s) {
		while (*s && blank(*s))
			s++;
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s && !blank(*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

int sstp_routes_txt_parse(const char *text, size_t len, struct sstp_cidr **out, size_t *n,
			  struct sstp_err *e)
{
	size_t pos = 0, lines = 0;
	const char *ls;
	size_t ll;
	char buf[SSTP_INI_MAX_LINE + 1];
	struct sstp_cidr *v = NULL;
	size_t nv = 0;

	*out = NULL;
	*n = 0;
	if (!text || len > SSTP_INI_MAX) {
		return sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt is larger than %u bytes",
				    SSTP_INI_MAX);
	}
	if (memchr(text, '\0', len)) {
		return sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt contains a NUL byte");
	}
	while (next_line(text, len, &pos, &ls, &ll)) {
		lines++;
		if (lines > SSTP_INI_MAX_LINES || ll > SSTP_INI_MAX_LINE) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: over the size limits",
				     lines);
			goto bad;
		}
		memcpy(buf, ls, ll);
		buf[ll] = '\0';
		char *tok[12];
		size_t nt = tokens(buf, tok, 11);
		if (nt == 0 || tok[0][0] == ';' || tok[0][0] == '#')
			continue;
		if (strcasecmp(tok[0], "REMOVE_GATEWAY") == 0 || strcasecmp(tok[0], "DELETE") == 0)
			continue;
		if (strcasecmp(tok[0], "ADD") != 0) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: expected 'ADD <network> "
				     "MASK <netmask> ...'", lines);
			goto bad;
		}
		/* ADD dest MASK mask [gateway [METRIC m [IF i]]] */
		if (nt < 4 || nt > 9 || strcasecmp(tok[2], "MASK") != 0) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: expected 'ADD <network> "
				     "MASK <netmask> ...'", lines);
			goto bad;
		}
		for (size_t i = 5; i + 1 < nt; i += 2) {
			if (strcasecmp(tok[i], "METRIC") != 0 && strcasecmp(tok[i], "IF") != 0) {
				sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: unexpected "
					     "'%.40s'", lines, tok[i]);
				goto bad;
			}
		}
		if (nt > 5 && (nt - 5) % 2 != 0) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: '%.40s' without a value",
				     lines, tok[nt - 1]);
			goto bad;
		}
		struct sstp_cidr c;
		struct sstp_ip mask;
		if (sstp_ip_parse(tok[1], &c.ip) != 0 || c.ip.family != SSTP_AF_INET4) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: '%.40s' is not an IPv4 "
				     "address", lines, tok[1]);
			goto bad;
		}
		int prefix;
		if (sstp_ip_parse(tok[3], &mask) != 0 || (prefix = sstp_ipv4_mask_prefix(&mask)) < 0) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: '%.40s' is not a netmask",
				     lines, tok[3]);
			goto bad;
		}
		if (prefix == 0) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt line %zu: a default route is not a "
				     "VNet route", lines);
			goto bad;
		}
		c.prefix = (unsigned)prefix;
		for (unsigned b = c.prefix; b < 32; b++)
			c.ip.addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
		if (nv >= SSTP_ROUTES_MAX) {
			sstp_err_set(e, SSTP_ERR_PROFILE, "routes.txt: more than %u routes",
				     SSTP_ROUTES_MAX);
			goto bad;
		}
		struct sstp_cidr *nvp = realloc(v, (nv + 1) * sizeof(*v));
		if (!nvp) {
			free(v);
			return sstp_err_set(e, SSTP_ERR_INTERNAL, "out of memory");
		}
		v = nvp;
		v[nv++] = c;
	}
	*out = v;
	*n = nv;
	return 0;
bad:
	free(v);
	return e ? e->kind : SSTP_ERR_PROFILE;
}

void sstp_text_from_utf16le(unsigned char *buf, size_t *len)
{
	if (*len < 2 || buf[0] != 0xff || buf[1] != 0xfe)
		return;
	size_t w = 0;
	for (size_t r = 2; r + 1 < *len; r += 2) {
		unsigned ch = buf[r] | ((unsigned)buf[r + 1] << 8);
		buf[w++] = ch == 0 ? '?' : ch < 0x80 ? (unsigned char)ch : '?';
	}
	*len = w;
	buf[w] = '\0';
}
