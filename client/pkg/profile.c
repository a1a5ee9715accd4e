/* profile.c - struct sstp_profile life cycle and its text format: `key = value` lines whose keys
 * mirror the long options of `sstp connect`, '#'/';' comments, hard limits on size, line length
 * and key count, and errors that name the line. Files and directories are in profile_fs.c. */
#include "profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_err.h"
#include "plat_paths.h"

void sstp_profile_init(struct sstp_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->port = 443;
	p->reconnect = true;
}

void sstp_profile_free(struct sstp_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->server);
	free(p->sni);
	sstp_strlist_free(&p->ca);
	free(p->pin_sha256);
	free(p->routes);
	free(p->pools);
	free(p->dns);
	sstp_strlist_free(&p->dns_domains);
	free(p->cert);
	free(p->key);
	free(p->cert_password_file);
	free(p->user);
	free(p->identity);
	free(p->tls_cert);
	free(p->password_file);
	free(p->auth);
	free(p->route_conflict);
	free(p->proxy);
	free(p->proxy_user);
	free(p->proxy_password_file);
	free(p->vnet_name);
	free(p->vnet_id);
	free(p->ifname);
	free(p->script);
	free(p->up);
	free(p->down);
	free(p->dir);
	sstp_profile_init(p);
}

static int append(void **arr, size_t *n, size_t elem, const void *item)
{
	if (*n >= SSTP_PROFILE_MAX_LIST)
		return -1;
	unsigned char *v = realloc(*arr, (*n + 1) * elem);
	if (!v)
		return -1;
	memcpy(v + *n * elem, item, elem);
	*arr = v;
	(*n)++;
	return 0;
}

int sstp_profile_add_route(struct sstp_profile *p, const struct sstp_cidr *c)
{
	return append((void **)&p->routes, &p->n_routes, sizeof(*c), c);
}

int sstp_profile_add_pool(struct sstp_profile *p, const struct sstp_cidr *c)
{
	return append((void **)&p->pools, &p->n_pools, sizeof(*c), c);
}

int sstp_profile_add_dns(struct sstp_profile *p, const struct sstp_ip *ip)
{
	return append((void **)&p->dns, &p->n_dns, sizeof(*ip), ip);
}

/* ---- parsing ---- */

enum key_kind { K_STR, K_PATH, K_LIST_PATH, K_LIST_STR, K_ROUTE, K_POOL, K_DNS, K_BOOL, K_MTU,
		K_SERVER, K_NAME, K_AUTH, K_PROXY, K_SECRET, K_IFNAME, K_TIMEOUT, K_CMD, K_CONFLICT };

struct key_def {
	enum key_kind kind;
	size_t off; /* offset of the field in struct sstp_profile */
	struct sstp_profile_key_info info;
};

#define F(m) offsetof(struct sstp_profile, m)
#define I(k, range, def, opt) {k, range, def, opt, false, false, false}
#define IL(k, range, opt) {k, range, "", opt, true, false, false}
#define IP(k, opt) {k, "path or URI", "", opt, false, true, false}
#define IS(k) {k, "refused", "", NULL, false, false, true}
#define B(k) I(k, "true|false", "false", "--" k)
static const struct key_def keys[] = {
	{K_NAME, F(name), I("name", "letters, digits, - _ . @ (1-64)", "the directory name", NULL)},
	{K_SERVER, F(server), I("server", "host[:port]", "", "SERVER argument")},
	{K_STR, F(sni), I("sni", "host name", "server", "--sni")},
	{K_LIST_PATH, F(ca), {"ca", "path", "", "--ca", true, true, false}},
	{K_STR, F(pin_sha256), I("pin-sha256", "base64 or hex SHA-256", "", "--pin-sha256")},
	{K_ROUTE, 0, IL("route", "IPv4/IPv6 prefix", "--route")},
	{K_POOL, 0, IL("pool", "IPv4/IPv6 prefix", NULL)},
	{K_DNS, 0, IL("dns", "IPv4/IPv6 address", "--dns")},
	{K_LIST_STR, F(dns_domains), IL("dns-domain", "domain name", NULL)},
	{K_PATH, F(cert), IP("cert", "--cert")},
	{K_PATH, F(key), IP("key", "--key")},
	{K_PATH, F(cert_password_file), IP("cert-password-file", "--cert-password-file")},
	{K_STR, F(user), I("user", "user name", "", "--user")},
	{K_STR, F(identity), I("identity", "EAP identity", "UPN, e-mail or CN",
					    "--identity")},
	{K_PATH, F(tls_cert), IP("tls-cert", "--tls-cert")},
	{K_PATH, F(password_file), IP("password-file", "--password-file")},
	{K_AUTH, F(auth), I("auth", "eap-tls,eap-mschapv2,mschapv2,pap,peap", "all but peap", "--auth")},
	{K_PROXY, F(proxy), I("proxy", "http://[USER@]HOST[:PORT] without password", "",
			      "--proxy")},
	{K_STR, F(proxy_user), I("proxy-user", "user name", "", "--proxy-user")},
	{K_PATH, F(proxy_password_file), IP("proxy-password-file", "--proxy-password-file")},
	{K_MTU, F(mtu), I("mtu", "576-4087", "negotiated", "--mtu")},
	{K_BOOL, F(no_routes), B("no-routes")},
	{K_BOOL, F(no_dns), B("no-dns")},
	{K_BOOL, F(full_tunnel), B("full-tunnel")},
	{K_BOOL, F(kill_switch), B("kill-switch")},
	{K_CONFLICT, F(route_conflict), I("route-conflict", "prefer-tunnel|skip", "prefer-tunnel",
					    "--route-conflict")},
	{K_BOOL, F(reconnect), I("reconnect", "true|false", "true", "--reconnect/--no-reconnect")},
	{K_BOOL, F(no_ipv6), B("no-ipv6")},
	{K_IFNAME, F(ifname), I("interface", "1-15 characters", "sstpN", "--interface")},
	{K_TIMEOUT, F(timeout), I("timeout", "1-86400 seconds", "none", "--timeout")},
	{K_PATH, F(script), {"script", "path", "", "--script", false, true, false}},
	{K_CMD, F(up), I("up", "shell command", "", "--up")},
	{K_CMD, F(down), I("down", "shell command", "", "--down")},
	{K_STR, F(vnet_name), I("vnet-name", "text", "", NULL)},
	{K_STR, F(vnet_id), I("vnet-id", "text", "", NULL)},
	{K_SECRET, 0, IS("password")},
	{K_SECRET, 0, IS("cert-password")},
	{K_SECRET, 0, IS("key-password")},
	{K_SECRET, 0, IS("proxy-password")},
	{K_SECRET, 0, IS("secret")},
	{K_SECRET, 0, IS("psk")},
};
#undef B
#undef IS
#undef IP
#undef IL
#undef I
#undef F
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	if (err && errlen) {
		int n = line ? snprintf(err, errlen, "line %u: ", line) : 0;
		if (n < 0 || (size_t)n >= errlen)
			n = 0;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return SSTP_ERR_PROFILE;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

size_t sstp_profile_keystore_scheme(const char *v)
{
	size_t i = 0;
	if (!((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')))
		return 0;
	while ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
	       (v[i] >= '0' && v[i] <= '9') || v[i] == '+' || v[i] == '-' || v[i] == '.')
		i++;
	return i >= 2 && v[i] == ':' ? i : 0;
}

static int resolve_path(const char *v, const char *basedir, char **out)
{
	if (plat_path_is_absolute(v) || sstp_profile_keystore_scheme(v) || !basedir || !basedir[0]) {
		*out = strdup(v);
		return *out ? 0 : -1;
	}
	size_t n = strlen(basedir) + 1 + strlen(v) + 1;
	*out = malloc(n);
	if (!*out)
		return -1;
	snprintf(*out, n, "%s/%s", basedir, v);
	return 0;
}

static int parse_server(struct sstp_profile *p, const char *v)
{
	const char *host = v, *port = NULL;
	size_t hlen;
	if (v[0] == '[') {
		const char *end = strchr(v, ']');
		if (!end)
			return -1;
		host = v + 1;
		hlen = (size_t)(end - host);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -1;
	} else {
		const char *c = strchr(v, ':');
		if (c && strchr(c + 1, ':')) {
			hlen = strlen(v); /* bare IPv6 literal, no port */
		} else {
			hlen = c ? (size_t)(c - v) : strlen(v);
			if (c)
				port = c + 1;
		}
	}
	if (hlen == 0 || hlen > 253)
		return -1;
	for (size_t i = 0; i < hlen; i++) {
		char ch = host[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == ':' || ch == '_'))
			return -1;
	}
	unsigned long pv = 443;
	if (port) {
		char *end;
		errno = 0;
		if (!*port || *port < '0' || *port > '9')
			return -1;
		pv = strtoul(port, &end, 10);
		if (errno || *end || pv == 0 || pv > 65535)
			return -1;
	}
	char *h = strndup(host, hlen);
	if (!h)
		return -1;
	free(p->server);
	p->server = h;
	p->port = (uint16_t)pv;
	return 0;
}

static int check_auth(const char *v)
{
	static const char *const ok[] = {"eap-tls", "eap-mschapv2", "mschapv2", "pap"};
	const char *s = v;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool found = false;
		for (size_t i = 0; i < 4; i++)
			if (strlen(ok[i]) == n && strncasecmp(ok[i], s, n) == 0)
				found = true;
		if (!found)
			return -1;
		s += n;
		if (*s == ',')
			s++;
		if (e && !*s)
			return -1;
	}
	return 0;
}

/* mtu and timeout: decimal numbers in the range of their connect options. */
static int set_number(struct sstp_profile *p, const struct key_def *k, const char *v,
		      unsigned line, char *err, size_t errlen)
{
	bool mtu = k->kind == K_MTU;
	unsigned long lo = mtu ? SSTP_MTU_MIN : 1, hi = mtu ? SSTP_MTU_MAX : SSTP_TIMEOUT_MAX;
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || errno || *end || n < lo || n > hi)
		return fail(err, errlen, line, "%s: expected %s from %lu to %lu, not '%.32s'",
			    k->info.key, mtu ? "a number" : "seconds", lo, hi, v);
	*(unsigned *)((char *)p + k->off) = (unsigned)n;
	return 0;
}

static int set_value(struct sstp_profile *p, const struct key_def *k, const char *v,
		     const char *basedir, unsigned line, char *err, size_t errlen)
{
	char *base = (char *)p;
	char **sp = (char **)(base + k->off);
	struct sstp_cidr c;
	struct sstp_ip ip;
	bool b;

	switch (k->kind) {
	case K_SECRET:
		return fail(err, errlen, line, "'%s': secrets are never stored in a profile; use "
			    "password-file, cert-password-file or a keystore URI", k->info.key);
	case K_NAME:
		if (!sstp_profile_name_valid(v))
			return fail(err, errlen, line, "name: '%.64s' is not a valid profile name "
				    "(letters, digits, '-', '_', '.', '@')", v);
		/* fallthrough */
	case K_STR:
		if (!v[0])
			return 0;
		free(*sp);
		*sp = strdup(v);
		return *sp ? 0 : fail(err, errlen, line, "out of memory");
	case K_PROXY:
		if (strchr(v, '@'))
			return fail(err, errlen, line, "proxy: credentials are never stored in a "
				    "profile (use proxy-user and proxy-password-file)");
		free(*sp);
		*sp = strdup(v);
		return *sp ? 0 : fail(err, errlen, line, "out of memory");
	case K_CONFLICT:
		if (strcmp(v, "skip") != 0 && strcmp(v, "prefer-tunnel") != 0)
			return fail(err, errlen, line, "route-conflict: expected skip or prefer-tunnel");
		free(*sp);
		*sp = strdup(v);
		return *sp ? 0 : fail(err, errlen, line, "out of memory");
	case K_AUTH:
		if (check_auth(v) != 0)
			return fail(err, errlen, line, "auth: expected a comma list of eap-tls, "
				    "eap-mschapv2, mschapv2, pap");
		free(*sp);
		*sp = strdup(v);
		return *sp ? 0 : fail(err, errlen, line, "out of memory");
	case K_PATH:
		if (strncasecmp(v, "pkcs11:", 7) == 0 && strstr(v, "pin-value"))
			return fail(err, errlen, line, "%s: a PKCS#11 PIN is a secret and is never "
				    "stored in a profile", k->info.key);
		free(*sp);
		*sp = NULL;
		return resolve_path(v, basedir, sp) == 0 ? 0 : fail(err, errlen, line, "out of memory");
	case K_LIST_PATH: {
		struct sstp_strlist *l = (struct sstp_strlist *)(base + k->off);
		char *path = NULL;
		if (l->n >= SSTP_PROFILE_MAX_LIST)
			return fail(err, errlen, line, "too many '%s' entries", k->info.key);
		if (resolve_path(v, basedir, &path) != 0 || sstp_strlist_add(l, path) != 0) {
			free(path);
			return fail(err, errlen, line, "out of memory");
		}
		free(path);
		return 0;
	}
	case K_LIST_STR: {
		struct sstp_strlist *l = (struct sstp_strlist *)(base + k->off);
		if (l->n >= SSTP_PROFILE_MAX_LIST)
			return fail(err, errlen, line, "too many '%s' entries", k->info.key);
		return sstp_strlist_add(l, v) == 0 ? 0 : fail(err, errlen, line, "out of memory");
	}
	case K_ROUTE:
	case K_POOL:
		if (sstp_cidr_parse(v, &c) != 0)
			return fail(err, errlen, line, "%s: '%s' is not an IPv4/IPv6 prefix like "
				    "10.0.0.0/16", k->info.key, v);
		if ((k->kind == K_ROUTE ? sstp_profile_add_route(p, &c) : sstp_profile_add_pool(p, &c)))
			return fail(err, errlen, line, "too many '%s' entries", k->info.key);
		return 0;
	case K_DNS:
		if (sstp_ip_parse(v, &ip) != 0)
			return fail(err, errlen, line, "dns: '%s' is not an IP address", v);
		if (sstp_profile_add_dns(p, &ip) != 0)
			return fail(err, errlen, line, "too many 'dns' entries");
		return 0;
	case K_BOOL:
		if (parse_bool(v, &b) != 0)
			return fail(err, errlen, line, "%s: expected true or false, not '%s'", k->info.key, v);
		*(bool *)(base + k->off) = b;
		return 0;
	case K_MTU:
	case K_TIMEOUT:
		return set_number(p, k, v, line, err, errlen);
	case K_IFNAME:
		if (!sstp_ifname_valid(v))
			return fail(err, errlen, line, "interface: expected a device name of 1 to %u "
				    "characters (letters, digits, '-', '_', '.'), not '%.32s'",
				    SSTP_IFNAME_MAX, v);
		free(*sp);
		*sp = strdup(v);
		return *sp ? 0 : fail(err, errlen, line, "out of memory");
	case K_CMD:
		if (strlen(v) > SSTP_HOOK_MAX)
			return fail(err, errlen, line, "%s: the command is longer than %u bytes",
				    k->info.key, SSTP_HOOK_MAX);
		free(*sp);
		*sp = strdup(v);
		return *sp ? 0 : fail(err, errlen, line, "out of memory");
	case K_SERVER:
		if (parse_server(p, v) != 0)
			return fail(err, errlen, line, "server: expected host or host:port");
		return 0;
	}
	return fail(err, errlen, line, "internal error");
}

static const struct key_def *find_key(const char *k, size_t n)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].info.key) == n && strncmp(keys[i].info.key, k, n) == 0)
			return &keys[i];
	return NULL;
}

static bool is_scalar(enum key_kind k)
{
	return k != K_LIST_PATH && k != K_LIST_STR && k != K_ROUTE && k != K_POOL && k != K_DNS;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t sstp_profile_key_count(void)
{
	return NKEYS;
}

const struct sstp_profile_key_info *sstp_profile_key_at(size_t i)
{
	return i < NKEYS ? &keys[i].info : NULL;
}

const struct sstp_profile_key_info *sstp_profile_key_find(const char *key)
{
	const struct key_def *k = key ? find_key(key, strlen(key)) : NULL;
	return k ? &k->info : NULL;
}

int sstp_profile_parse(struct sstp_profile *p, const char *text, size_t len, const char *basedir,
		       char *err, size_t errlen)
{
	return sstp_profile_parse_cb(p, text, len, basedir, NULL, NULL, err, errlen);
}

int sstp_profile_parse_cb(struct sstp_profile *p, const char *text, size_t len,
			  const char *basedir, sstp_profile_key_cb cb, void *ctx, char *err,
			  size_t errlen)
{
	unsigned first_seen[NKEYS] = {0};
	char linebuf[SSTP_PROFILE_MAX_LINE + 1];
	unsigned line = 0, nkeys = 0;
	size_t pos = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!p || (!text && len))
		return fail(err, errlen, 0, "no profile text");
	if (len > SSTP_PROFILE_MAX_FILE)
		return fail(err, errlen, 0, "profile larger than %u bytes", SSTP_PROFILE_MAX_FILE);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3; /* UTF-8 byte order mark */
	while (pos < len) {
		line++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t next = pos + ll + (nl ? 1 : 0);
		if (ll > 0 && text[pos + ll - 1] == '\r')
			ll--;
		if (ll > SSTP_PROFILE_MAX_LINE)
			return fail(err, errlen, line, "line longer than %u bytes", SSTP_PROFILE_MAX_LINE);
		memcpy(linebuf, text + pos, ll);
		linebuf[ll] = '\0';
		pos = next;
		for (size_t i = 0; i < ll; i++) {
			unsigned char ch = (unsigned char)linebuf[i];
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return fail(err, errlen, line, "control character (byte 0x%02x) in line", ch);
		}
		char *s = linebuf;
		while (blank(*s))
			s++;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			return fail(err, errlen, line, "sections are not used in sstp profiles");
		if (++nkeys > SSTP_PROFILE_MAX_KEYS)
			return fail(err, errlen, line, "more than %u settings", SSTP_PROFILE_MAX_KEYS);
		char *eq = strchr(s, '=');
		char *kend = eq ? eq : s + strlen(s);
		while (kend > s && blank(kend[-1]))
			kend--;
		const struct key_def *k = find_key(s, (size_t)(kend - s));
		if (!k) {
			*kend = '\0';
			return fail(err, errlen, line, "unknown key '%.64s'", s);
		}
		char *v;
		if (eq) {
			v = eq + 1;
			while (blank(*v))
				v++;
			char *e = v + strlen(v);
			while (e > v && blank(e[-1]))
				e--;
			*e = '\0';
			if (e - v >= 2 && v[0] == '"' && e[-1] == '"') {
				e[-1] = '\0';
				v++;
			}
		} else if (k->kind == K_BOOL) {
			v = "true";
		} else {
			return fail(err, errlen, line, "'%s' needs a value ('%s = ...')", k->info.key, k->info.key);
		}
		size_t ki = (size_t)(k - keys);
		if (is_scalar(k->kind)) {
			if (first_seen[ki])
				return fail(err, errlen, line, "'%s' given twice (first on line %u)",
					    k->info.key, first_seen[ki]);
			first_seen[ki] = line;
		}
		if (!v[0] && k->kind != K_STR && k->kind != K_NAME)
			return fail(err, errlen, line, "'%s' has an empty value", k->info.key);
		int rc = set_value(p, k, v, basedir, line, err, errlen);
		if (rc)
			return rc;
		if (cb)
			cb(ctx, k->info.key, v, line);
	}
	return 0;
}

/* ---- formatting ---- */

struct sbuf {
	char *b;
	size_t n, cap;
	bool bad;
};

static void sb_printf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	if (s->bad)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(s->b ? s->b + s->n : NULL, s->b ? s->cap - s->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			s->bad = true;
			return;
		}
		if (s->b && (size_t)n < s->cap - s->n) {
			s->n += (size_t)n;
			return;
		}
		size_t cap = s->cap ? s->cap : 1024;
		while (cap < s->n + (size_t)n + 1)
			cap *= 2;
		char *nb = realloc(s->b, cap);
		if (!nb) {
			s->bad = true;
			return;
		}
		s->b = nb;
		s->cap = cap;
	}
}

/* A value the parser reads back unchanged: no control characters, no newline. */
static bool safe_value(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

static void put_str(struct sbuf *s, const char *key, const char *v)
{
	if (!v)
		return;
	if (!safe_value(v) || strlen(key) + strlen(v) + 6 > SSTP_PROFILE_MAX_LINE) {
		s->bad = true;
		return;
	}
	bool quote = v[0] == ' ' || v[0] == '\t' || v[0] == '"' ||
		     (v[0] && (v[strlen(v) - 1] == ' ' || v[strlen(v) - 1] == '\t'));
	sb_printf(s, quote ? "%s = \"%s\"\n" : "%s = %s\n", key, v);
}

int sstp_profile_format(const struct sstp_profile *p, char **out, size_t *outlen)
{
	struct sbuf s = {0};
	char a[SSTP_CIDR_STRLEN];

	sb_printf(&s, "# sstp connection profile: keys are the long options of `sstp connect`.\n"
		      "# Secrets (passwords, PINs, private keys) are never stored here.\n");
	put_str(&s, "name", p->name);
	if (p->server) {
		if (!safe_value(p->server) || strchr(p->server, ' '))
			s.bad = true;
		bool v6 = strchr(p->server, ':') != NULL;
		if (p->port != 443)
			sb_printf(&s, v6 ? "server = [%s]:%u\n" : "server = %s:%u\n", p->server,
				  (unsigned)p->port);
		else /* a host with ':' keeps its brackets, or it would read back as host:port */
			sb_printf(&s, v6 ? "server = [%s]\n" : "server = %s\n", p->server);
	}
	put_str(&s, "sni", p->sni);
	for (size_t i = 0; i < p->ca.n; i++)
		put_str(&s, "ca", p->ca.v[i]);
	put_str(&s, "pin-sha256", p->pin_sha256);
	for (size_t i = 0; i < p->n_routes; i++) {
		if (sstp_cidr_format(&p->routes[i], a, sizeof(a)) != 0)
			s.bad = true;
		else
			sb_printf(&s, "route = %s\n", a);
	}
	for (size_t i = 0; i < p->n_pools; i++) {
		if (sstp_cidr_format(&p->pools[i], a, sizeof(a)) != 0)
			s.bad = true;
		else
			sb_printf(&s, "pool = %s\n", a);
	}
	for (size_t i = 0; i < p->n_dns; i++) {
		if (sstp_ip_format(&p->dns[i], a, sizeof(a)) != 0)
			s.bad = true;
		else
			sb_printf(&s, "dns = %s\n", a);
	}
	for (size_t i = 0; i < p->dns_domains.n; i++)
		put_str(&s, "dns-domain", p->dns_domains.v[i]);
	put_str(&s, "cert", p->cert);
	put_str(&s, "key", p->key);
	put_str(&s, "cert-password-file", p->cert_password_file);
	put_str(&s, "user", p->user);
	put_str(&s, "identity", p->identity);
	put_str(&s, "tls-cert", p->tls_cert);
	put_str(&s, "password-file", p->password_file);
	put_str(&s, "auth", p->auth);
	put_str(&s, "proxy", p->proxy);
	put_str(&s, "proxy-user", p->proxy_user);
	put_str(&s, "proxy-password-file", p->proxy_password_file);
	if (p->mtu)
		sb_printf(&s, "mtu = %u\n", p->mtu);
	if (p->no_routes)
		sb_printf(&s, "no-routes = true\n");
	if (p->no_dns)
		sb_printf(&s, "no-dns = true\n");
	if (p->full_tunnel)
		sb_printf(&s, "full-tunnel = true\n");
	if (p->kill_switch)
		sb_printf(&s, "kill-switch = true\n");
	put_str(&s, "route-conflict", p->route_conflict);
	if (!p->reconnect)
		sb_printf(&s, "reconnect = false\n");
	if (p->no_ipv6)
		sb_printf(&s, "no-ipv6 = true\n");
	put_str(&s, "interface", p->ifname);
	if (p->timeout)
		sb_printf(&s, "timeout = %u\n", p->timeout);
	put_str(&s, "script", p->script);
	put_str(&s, "up", p->up);
	put_str(&s, "down", p->down);
	put_str(&s, "vnet-name", p->vnet_name);
	put_str(&s, "vnet-id", p->vnet_id);
	if (s.bad || s.n > SSTP_PROFILE_MAX_FILE) {
		free(s.b);
		return SSTP_ERR_INTERNAL;
	}
	*out = s.b;
	if (outlen)
		*outlen = s.n;
	return 0;
}
