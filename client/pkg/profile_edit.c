/* profile_edit.c - `sstp set` on the text of a profile: KEY=VALUE assignments replace the lines of
 * their key where the key first appeared (comments and every other line kept), an empty VALUE
 * removes the key, and the result is parsed before anyone writes it, so an error names the key
 * and the line of the file that would have been. */
#include "profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_err.h"

struct tbuf {
	char *b;
	size_t n, cap;
	bool bad;
};

static void tb_put(struct tbuf *t, const char *s, size_t n)
{
	if (t->bad)
		return;
	if (t->n + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		while (cap < t->n + n + 1)
			cap *= 2;
		if (cap > 4 * SSTP_PROFILE_MAX_FILE) {
			t->bad = true;
			return;
		}
		char *nb = realloc(t->b, cap);
		if (!nb) {
			t->bad = true;
			return;
		}
		t->b = nb;
		t->cap = cap;
	}
	memcpy(t->b + t->n, s, n);
	t->n += n;
	t->b[t->n] = '\0';
}

static int efail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int efail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return SSTP_ERR_PROFILE;
}

/* The key of one line ("" for blank/comment lines), trimmed, into key (at most keylen-1). */
static void line_key(const char *s, size_t n, char *key, size_t keylen)
{
	size_t i = 0, e;
	key[0] = '\0';
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#' || s[i] == ';' || s[i] == '\r')
		return;
	for (e = i; e < n && s[e] != '=' && s[e] != '\r'; e++)
		;
	while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e - i >= keylen)
		return;
	memcpy(key, s + i, e - i);
	key[e - i] = '\0';
}

/* "key = value\n" with quotes when the value has leading or trailing blanks. */
static void put_assign(struct tbuf *t, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool quote = n && (v[0] == ' ' || v[0] == '\t' || v[0] == '"' || v[n - 1] == ' ' ||
			   v[n - 1] == '\t');
	tb_put(t, key, strlen(key));
	tb_put(t, quote ? " = \"" : " = ", quote ? 4 : 3);
	tb_put(t, v, n);
	tb_put(t, quote ? "\"\n" : "\n", quote ? 2 : 1);
}

/* Emit every assignment of key (skipping empty values: they remove the key). */
static void put_key(struct tbuf *t, const char *key, const char *const *assign, size_t n)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (strncmp(assign[i], key, kl) == 0 && assign[i][kl] == '=' && assign[i][kl + 1])
			put_assign(t, key, assign[i] + kl + 1);
}

/* Check each assignment's shape: a known key, no control character in the value. */
static int check_assign(const char *a, char *key, size_t keylen, char *err, size_t errlen)
{
	const char *eq = strchr(a, '=');
	if (!eq || eq == a || (size_t)(eq - a) >= keylen)
		return efail(err, errlen, "'%.80s' is not KEY=VALUE", a);
	memcpy(key, a, (size_t)(eq - a));
	key[eq - a] = '\0';
	const struct sstp_profile_key_info *k = sstp_profile_key_find(key);
	if (!k)
		return efail(err, errlen, "%s: unknown key (see sstp.conf(5) for the keys)", key);
	if (k->secret)
		return efail(err, errlen, "%s: secrets are never stored in a profile; use "
			     "password-file, cert-password-file or a keystore URI", key);
	for (const char *v = eq + 1; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return efail(err, errlen, "%s: the value holds a control character", key);
	if (strlen(eq + 1) > SSTP_PROFILE_MAX_LINE - 64)
		return efail(err, errlen, "%s: the value is longer than %u bytes", key,
			     SSTP_PROFILE_MAX_LINE - 64);
	return 0;
}

int sstp_profile_text_set(const char *text, size_t len, const char *const *assign, size_t n,
			  const char *basedir, char **out, size_t *outlen, char *err,
			  size_t errlen)
{
	struct tbuf t = {0};
	char key[64], lk[64];
	bool done[SSTP_PROFILE_MAX_LIST] = {false};
	int rc;

	*out = NULL;
	if (n > SSTP_PROFILE_MAX_LIST || len > SSTP_PROFILE_MAX_FILE)
		return efail(err, errlen, "too many assignments or profile too large");
	for (size_t i = 0; i < n; i++)
		if ((rc = check_assign(assign[i], key, sizeof(key), err, errlen)) != 0)
			return rc;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
		line_key(text + pos, ll, lk, sizeof(lk));
		size_t hit = n;
		for (size_t i = 0; i < n && lk[0]; i++) {
			size_t kl = strlen(lk);
			if (strncmp(assign[i], lk, kl) == 0 && assign[i][kl] == '=')
				hit = i;
		}
		if (hit == n) {
			tb_put(&t, text + pos, ll);
			if (!nl)
				tb_put(&t, "\n", 1);
		} else {
			/* the first line of an assigned key takes all its new values */
			bool first = true;
			for (size_t i = 0; i < n; i++) {
				size_t kl = strlen(lk);
				if (strncmp(assign[i], lk, kl) == 0 && assign[i][kl] == '=') {
					first = first && !done[i];
					done[i] = true;
				}
			}
			if (first)
				put_key(&t, lk, assign, n);
		}
		pos += ll;
	}
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		size_t kl = (size_t)(strchr(assign[i], '=') - assign[i]);
		memcpy(key, assign[i], kl);
		key[kl] = '\0';
		for (size_t j = i; j < n; j++)
			if (strncmp(assign[j], key, kl) == 0 && assign[j][kl] == '=')
				done[j] = true;
		put_key(&t, key, assign, n);
	}
	if (t.bad || t.n > SSTP_PROFILE_MAX_FILE) {
		free(t.b);
		return efail(err, errlen, "the profile would be larger than %u bytes",
			     SSTP_PROFILE_MAX_FILE);
	}
	if (!t.b)
		tb_put(&t, "", 0);
	if ((rc = sstp_profile_validate_text(t.b ? t.b : "", t.n, basedir, err, errlen)) != 0) {
		free(t.b);
		return rc;
	}
	*out = t.b;
	*outlen = t.n;
	return 0;
}

int sstp_profile_validate_text(const char *text, size_t len, const char *basedir, char *err,
			       size_t errlen)
{
	struct sstp_profile p;
	sstp_profile_init(&p);
	int rc = sstp_profile_parse(&p, text, len, basedir, err, errlen);
	if (rc == 0 && !p.server)
		rc = efail(err, errlen, "server: the profile needs a 'server = host[:port]' line");
	sstp_profile_free(&p);
	return rc;
}
