/* names.c - the one rule for a profile (and session) name (names.h). */
#include "names.h"

#include <string.h>

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '@';
}

bool sstp_profile_name_valid(const char *name)
{
	if (!name || !name[0] || name[0] == '.' || name[0] == '-')
		return false;
	size_t n = 0;
	for (; name[n]; n++)
		if (n >= SSTP_PROFILE_NAME_MAX || !name_char(name[n]))
			return false;
	return strstr(name, "..") == NULL;
}

bool sstp_ifname_valid(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n == 0 || n > SSTP_IFNAME_MAX || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(v[i]) || v[i] == '@')
			return false;
	return true;
}

int sstp_profile_name_sanitize(const char *in, char *out, size_t outlen)
{
	if (!in || !out || outlen < 2)
		return -1;
	size_t n = 0;
	for (const char *s = in; *s && n + 1 < outlen && n < SSTP_PROFILE_NAME_MAX; s++) {
		char c = name_char(*s) ? *s : '-';
		if (c == '.' && n > 0 && out[n - 1] == '.')
			continue;
		if ((c == '.' || c == '-') && n == 0)
			continue;
		if (c == '-' && n > 0 && out[n - 1] == '-')
			continue;
		out[n++] = c;
	}
	while (n > 0 && (out[n - 1] == '-' || out[n - 1] == '.'))
		n--;
	out[n] = '\0';
	return sstp_profile_name_valid(out) ? 0 : -1;
}
