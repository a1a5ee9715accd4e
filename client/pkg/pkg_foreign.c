/* pkg_foreign.c - `sstp import` from the files people migrate from: a Windows phonebook entry
 * (rasphone.pbk, as "Export" or %APPDATA%\Microsoft\Network\Connections\Pbk writes it, UTF-8 or
 * UTF-16) and a NetworkManager-sstp keyfile (.nmconnection). Both are INI text read through the
 * bounded sstp_ini_get; what they say becomes a profile; passwords in them are never copied. */
#include "pkg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sstp_err.h"
#include "pkg_ini.h"
#include "pkg_internal.h"
#include "plat_paths.h"

#define FOREIGN_MAX_SECTIONS 64u
#define FOREIGN_MAX_ROUTES 256u

static int ffail(char *err, size_t errlen, const char *what, const char *msg, const char *v)
{
	snprintf(err, errlen, "%s: %s%s%.80s%s", what, msg, v ? " '" : "", v ? v : "", v ? "'" : "");
	return SSTP_ERR_PROFILE;
}

/* The names of the [sections] of an INI text, in order (at most max, each < 256 bytes). */
static size_t ini_sections(const char *t, size_t len, char names[][256], size_t max)
{
	size_t n = 0, pos = 0, lines = 0;
	while (pos < len && n < max && lines++ < SSTP_INI_MAX_LINES) {
		const char *nl = memchr(t + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (t + pos)) : len - pos;
		const char *s = t + pos, *e = s + ll;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e - s >= 2 && *s == '[' && e[-1] == ']' && (size_t)(e - s - 2) < 256) {
			memcpy(names[n], s + 1, (size_t)(e - s - 2));
			names[n][e - s - 2] = '\0';
			n++;
		}
		pos += ll + (nl ? 1 : 0);
	}
	return n;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

/* host or host:port (a port only when the host has no other ':'). */
static int set_server(struct sstp_profile *p, const char *v, const char *what, char *err,
		      size_t errlen)
{
	char host[256];
	const char *c = strchr(v, ':');
	unsigned long port = 443;
	size_t hl = c && !strchr(c + 1, ':') ? (size_t)(c - v) : strlen(v);
	if (hl >= sizeof(host))
		return ffail(err, errlen, what, "the gateway is too long", NULL);
	memcpy(host, v, hl);
	host[hl] = '\0';
	if (hl < strlen(v)) {
		char *end;
		port = strtoul(v + hl + 1, &end, 10);
		if (*end || port == 0 || port > 65535 || v[hl + 1] < '0' || v[hl + 1] > '9')
			return ffail(err, errlen, what, "the gateway has a bad port:", v);
	}
	if (!sstp_pkg_host_valid(host))
		return ffail(err, errlen, what, "the gateway is not a host name:", v);
	p->port = (uint16_t)port;
	return set_str(&p->server, host) ? SSTP_ERR_INTERNAL : 0;
}

static int add_dns_list(struct sstp_profile *p, const char *list, const char *what, char *err,
			size_t errlen)
{
	char one[64];
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ";, ");
		if (n && n < sizeof(one)) {
			struct sstp_ip ip;
			memcpy(one, s, n);
			one[n] = '\0';
			if (sstp_ip_parse(one, &ip) != 0)
				return ffail(err, errlen, what, "not a DNS server address:", one);
			bool any = true;
			for (int i = 0; i < 16; i++)
				any = any && ip.addr[i] == 0;
			if (!any && sstp_profile_add_dns(p, &ip) != 0)
				return ffail(err, errlen, what, "too many DNS servers", NULL);
		}
		s += n;
		while (*s == ';' || *s == ',' || *s == ' ')
			s++;
	}
	return 0;
}

static int add_domains(struct sstp_profile *p, const char *list)
{
	char one[256];
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ";, ");
		if (n && n < sizeof(one) && p->dns_domains.n < SSTP_PROFILE_MAX_LIST) {
			memcpy(one, s, n);
			one[n] = '\0';
			if (sstp_strlist_add(&p->dns_domains, one) != 0)
				return -1;
		}
		s += n;
		while (*s == ';' || *s == ',' || *s == ' ')
			s++;
	}
	return 0;
}

/* ---- rasphone.pbk ---- */

static bool pbk_is_sstp(const char *t, size_t len, const char *sec)
{
	char v[256];
	if (sstp_ini_get(t, len, sec, "VpnStrategy", v, sizeof(v)) == 0 &&
	    (!strcmp(v, "5") || !strcmp(v, "6") || !strcmp(v, "8")))
		return true;
	return (sstp_ini_get(t, len, sec, "Device", v, sizeof(v)) == 0 && strstr(v, "(SSTP)")) ||
	       (sstp_ini_get(t, len, sec, "PreferredDevice", v, sizeof(v)) == 0 &&
		strstr(v, "(SSTP)"));
}

int sstp_profile_from_pbk(const char *t, size_t len, const char *entry, struct sstp_profile *p,
			  char *err, size_t errlen)
{
	static char names[FOREIGN_MAX_SECTIONS][256];
	char v[1100];
	const char *sec = NULL;
	size_t n = ini_sections(t, len, names, FOREIGN_MAX_SECTIONS);

	sstp_profile_init(p);
	for (size_t i = 0; i < n && !sec; i++)
		if (entry ? strcasecmp(names[i], entry) == 0 : pbk_is_sstp(t, len, names[i]))
			sec = names[i];
	if (!sec && !entry && n)
		sec = names[0];
	if (!sec)
		return ffail(err, errlen, "phonebook", entry ? "no entry named" : "no entry", entry);
	int rc = sstp_ini_get(t, len, sec, "PhoneNumber", v, sizeof(v));
	if (rc < 0)
		return ffail(err, errlen, "phonebook", "an entry is over a limit or holds a NUL byte",
			     NULL);
	if (rc || !v[0])
		return ffail(err, errlen, "phonebook", "no PhoneNumber (gateway) in entry", sec);
	if ((rc = set_server(p, v, "phonebook PhoneNumber", err, errlen)) != 0)
		return rc;
	char name[SSTP_PROFILE_NAME_MAX + 1];
	if (sstp_profile_name_sanitize(sec, name, sizeof(name)) == 0 && set_str(&p->name, name))
		return SSTP_ERR_INTERNAL;
	if (sstp_ini_get(t, len, sec, "CustomAuthKey", v, sizeof(v)) == 0 &&
	    (!strcmp(v, "13") || !strcmp(v, "26")) &&
	    set_str(&p->auth, !strcmp(v, "13") ? "eap-tls" : "eap-mschapv2"))
		return SSTP_ERR_INTERNAL;
	if (sstp_ini_get(t, len, sec, "IpDnsAddress", v, sizeof(v)) == 0 &&
	    (rc = add_dns_list(p, v, "phonebook IpDnsAddress", err, errlen)) != 0)
		return rc;
	if (sstp_ini_get(t, len, sec, "IpDns2Address", v, sizeof(v)) == 0 &&
	    (rc = add_dns_list(p, v, "phonebook IpDns2Address", err, errlen)) != 0)
		return rc;
	if (sstp_ini_get(t, len, sec, "IpDnsSuffix", v, sizeof(v)) == 0 && add_domains(p, v))
		return SSTP_ERR_INTERNAL;
	/* IpPrioritizeRemote=1: "use default gateway on remote network" */
	if (sstp_ini_get(t, len, sec, "IpPrioritizeRemote", v, sizeof(v)) == 0)
		p->full_tunnel = !strcmp(v, "1");
	if (sstp_ini_get(t, len, sec, "ExcludedProtocols", v, sizeof(v)) == 0 &&
	    (strtoul(v, NULL, 10) & 8u))
		p->no_ipv6 = true; /* RASNP_Ipv6 */
	return 0;
}

/* ---- NetworkManager-sstp keyfile ---- */

static bool nm_yes(const char *t, size_t len, const char *key)
{
	char v[16];
	return sstp_ini_get(t, len, "vpn", key, v, sizeof(v)) == 0 &&
	       (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"));
}

static int nm_routes(const char *t, size_t len, struct sstp_profile *p, char *err, size_t errlen)
{
	char key[16], v[256];
	for (unsigned i = 1; i <= FOREIGN_MAX_ROUTES; i++) {
		snprintf(key, sizeof(key), "route%u", i);
		int rc = sstp_ini_get(t, len, "ipv4", key, v, sizeof(v));
		if (rc == 0) {
			struct sstp_cidr c;
			v[strcspn(v, ",;")] = '\0';
			if (sstp_cidr_parse(v, &c) != 0)
				return ffail(err, errlen, "nmconnection [ipv4]", "not a route prefix:", v);
			if (sstp_profile_add_route(p, &c) != 0)
				return ffail(err, errlen, "nmconnection [ipv4]", "too many routes", NULL);
		} else if (rc < 0) {
			return ffail(err, errlen, "nmconnection [ipv4]", "a route is too long", NULL);
		}
	}
	return 0;
}

int sstp_profile_from_nmconnection(const char *t, size_t len, struct sstp_profile *p, char *err,
				   size_t errlen)
{
	char v[1100];
	int rc;

	sstp_profile_init(p);
	if (sstp_ini_get(t, len, "vpn", "service-type", v, sizeof(v)) != 0 ||
	    !strstr(v, "NetworkManager.sstp"))
		return ffail(err, errlen, "nmconnection", "not a NetworkManager-sstp connection "
			     "([vpn] service-type org.freedesktop.NetworkManager.sstp)", NULL);
	if (sstp_ini_get(t, len, "vpn", "gateway", v, sizeof(v)) != 0 || !v[0])
		return ffail(err, errlen, "nmconnection", "no [vpn] gateway", NULL);
	if ((rc = set_server(p, v, "nmconnection gateway", err, errlen)) != 0)
		return rc;
	char name[SSTP_PROFILE_NAME_MAX + 1];
	if (sstp_ini_get(t, len, "connection", "id", v, sizeof(v)) == 0 &&
	    sstp_profile_name_sanitize(v, name, sizeof(name)) == 0 && set_str(&p->name, name))
		return SSTP_ERR_INTERNAL;
	static const struct {
		const char *nm;
		size_t off;
	} paths[] = {
		{"user", offsetof(struct sstp_profile, user)},
		{"tls-user-cert", offsetof(struct sstp_profile, cert)},
		{"tls-user-key", offsetof(struct sstp_profile, key)},
		{"proxy-user", offsetof(struct sstp_profile, proxy_user)},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (sstp_ini_get(t, len, "vpn", paths[i].nm, v, sizeof(v)) == 0 && v[0] &&
		    set_str((char **)((char *)p + paths[i].off), v))
			return SSTP_ERR_INTERNAL;
	if ((sstp_ini_get(t, len, "vpn", "ca-cert", v, sizeof(v)) == 0 ||
	     sstp_ini_get(t, len, "vpn", "tls-ca-cert", v, sizeof(v)) == 0) && v[0] &&
	    sstp_strlist_add(&p->ca, v))
		return SSTP_ERR_INTERNAL;
	if (sstp_ini_get(t, len, "vpn", "connection-type", v, sizeof(v)) == 0 && !strcmp(v, "tls") &&
	    set_str(&p->auth, "eap-tls"))
		return SSTP_ERR_INTERNAL;
	if (!p->auth && (nm_yes(t, len, "refuse-pap") || nm_yes(t, len, "refuse-eap") ||
			 nm_yes(t, len, "refuse-mschapv2"))) {
		char list[64];
		snprintf(list, sizeof(list), "%s%s%s",
			 nm_yes(t, len, "refuse-mschapv2") ? "" : "mschapv2,",
			 nm_yes(t, len, "refuse-eap") ? "" : "eap-mschapv2,eap-tls,",
			 nm_yes(t, len, "refuse-pap") ? "" : "pap,");
		if (!list[0])
			return ffail(err, errlen, "nmconnection", "every authentication method is "
				     "refused", NULL);
		list[strlen(list) - 1] = '\0';
		if (set_str(&p->auth, list))
			return SSTP_ERR_INTERNAL;
	}
	char port[16];
	if (sstp_ini_get(t, len, "vpn", "proxy-server", v, sizeof(v)) == 0 && v[0]) {
		char url[1200];
		bool has_port = sstp_ini_get(t, len, "vpn", "proxy-port", port, sizeof(port)) == 0 &&
				port[0] && strcmp(port, "0");
		snprintf(url, sizeof(url), "http://%.1000s%s%s", v, has_port ? ":" : "",
			 has_port ? port : "");
		if (strchr(v, '@') || set_str(&p->proxy, url))
			return ffail(err, errlen, "nmconnection", "bad proxy-server", v);
	}
	if (sstp_ini_get(t, len, "vpn", "mtu", v, sizeof(v)) == 0) {
		unsigned long m = strtoul(v, NULL, 10);
		if (m >= SSTP_MTU_MIN && m <= SSTP_MTU_MAX)
			p->mtu = (unsigned)m;
	}
	if ((rc = nm_routes(t, len, p, err, errlen)) != 0)
		return rc;
	if (sstp_ini_get(t, len, "ipv4", "dns", v, sizeof(v)) == 0 &&
	    (rc = add_dns_list(p, v, "nmconnection [ipv4] dns", err, errlen)) != 0)
		return rc;
	if (sstp_ini_get(t, len, "ipv4", "dns-search", v, sizeof(v)) == 0 && add_domains(p, v))
		return SSTP_ERR_INTERNAL;
	/* NetworkManager gives a VPN the default route unless never-default is set */
	p->full_tunnel = !(sstp_ini_get(t, len, "ipv4", "never-default", v, sizeof(v)) == 0 &&
			   !strcasecmp(v, "true"));
	if (sstp_ini_get(t, len, "ipv6", "method", v, sizeof(v)) == 0 &&
	    (!strcmp(v, "ignore") || !strcmp(v, "disabled")))
		p->no_ipv6 = true;
	return 0;
}

/* ---- sstp import FILE.pbk | FILE.nmconnection ---- */

static bool has_suffix(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);
	return n > m && strcasecmp(s + n - m, sfx) == 0;
}

bool sstp_pkg_is_foreign(const char *src)
{
	return src && !sstp_pkg_is_url(src) &&
	       (has_suffix(src, ".pbk") || has_suffix(src, ".nmconnection"));
}

/* The command line's --name, --cert, --key, --user, --dns-domain over what the file said; then the whole
 * profile must read back as valid before it is written. */
static int finish_foreign(struct sstp_profile *p, const struct sstp_import_opts *o, char *err,
			  size_t errlen)
{
	if ((o->name && set_str(&p->name, o->name)) || (o->cert && set_str(&p->cert, o->cert)) ||
	    (o->key && set_str(&p->key, o->key)) || (o->user && set_str(&p->user, o->user)) ||
	    sstp_profile_set_domains(p, o->dns_domains, o->n_dns_domains) != 0)
		return SSTP_ERR_INTERNAL;
	for (size_t i = 0; i < o->n_extra_ca; i++) {
		if (!plat_path_is_absolute(o->extra_ca[i]))
			return ffail(err, errlen, "import --ca", "needs an absolute path, not",
				     o->extra_ca[i]);
		if (sstp_strlist_add(&p->ca, o->extra_ca[i]))
			return SSTP_ERR_INTERNAL;
	}
	if (!p->name && set_str(&p->name, "sstp"))
		return SSTP_ERR_INTERNAL;
	char *text = NULL;
	size_t len = 0;
	if (sstp_profile_format(p, &text, &len) != 0)
		return ffail(err, errlen, "import", "a value cannot be written to a profile", NULL);
	int rc = sstp_profile_validate_text(text, len, NULL, err, errlen);
	free(text);
	return rc;
}

int sstp_pkg_import_foreign(const char *src, const struct sstp_import_opts *o, FILE *out,
			    char *err, size_t errlen)
{
	struct sstp_import_opts none = {0};
	struct sstp_profile p;
	struct sstp_profile_dirs dirs = {0};
	unsigned char *buf;
	size_t len;
	bool pbk = has_suffix(src, ".pbk");

	if (!o)
		o = &none;
	int rc = sstp_read_file_capped(src, SSTP_INI_MAX, &buf, &len, err, errlen);
	if (rc)
		return rc;
	sstp_text_from_utf16le(buf, &len);
	rc = pbk ? sstp_profile_from_pbk((const char *)buf, len, NULL, &p, err, errlen)
		 : sstp_profile_from_nmconnection((const char *)buf, len, &p, err, errlen);
	free(buf);
	if (rc == 0)
		rc = finish_foreign(&p, o, err, errlen);
	const char *base = o->base_dir;
	if (rc == 0 && !base) {
		if (sstp_profile_dirs_default(&dirs, o->as_root) != 0)
			rc = ffail(err, errlen, "import", "no profile directory", NULL);
		base = sstp_profile_dirs_write(&dirs);
	}
	if (rc == 0)
		rc = sstp_profile_save(&p, base, o->overwrite, err, errlen);
	if (rc == 0) {
		fprintf(out, "Imported profile '%s' (%s) from %s\n", p.name, p.dir,
			pbk ? "a Windows phonebook entry" : "a NetworkManager-sstp connection");
		fprintf(out, "  gateway %s:%u, %zu route(s)%s; passwords are not imported\n",
			p.server, (unsigned)p.port, p.n_routes, p.full_tunnel ? ", full tunnel" : "");
		fprintf(out, "Connect with: sstp connect %s\n", p.name);
	}
	sstp_profile_dirs_free(&dirs);
	sstp_profile_free(&p);
	return rc;
}
