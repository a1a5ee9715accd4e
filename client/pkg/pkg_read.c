/* pkg_read.c - turn an Azure VPN client package (zip file, memory or URL) into struct
 * sstp_package: Generic/VpnSettings.xml when present, else the Windows installer's cabinet
 * (.pbk phonebook, .cms profile, .cer root, routes.txt, .inf service name) for SSTP-only
 * gateways; and the "does this gateway offer SSTP at all" check. */
#include "pkg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sstp_err.h"
#include "pkg_cab.h"
#include "pkg_ini.h"
#include "pkg_internal.h"
#include "pkg_xml.h"
#include "pkg_zip.h"

#define CER_MAX (64u * 1024u)

/* A root certificate file: DER, or PEM with one or more certificates. */
static int add_cert_file(struct sstp_package *p, const unsigned char *buf, size_t len,
			 const char *what, char *err, size_t errlen)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	if (len >= sizeof(begin) - 1 && memmem(buf, len, begin, sizeof(begin) - 1)) {
		const unsigned char *s = buf, *lim = buf + len;
		int found = 0;
		for (;;) {
			const unsigned char *b = memmem(s, (size_t)(lim - s), begin, sizeof(begin) - 1);
			if (!b)
				break;
			b += sizeof(begin) - 1;
			const unsigned char *e = memmem(b, (size_t)(lim - b), end, sizeof(end) - 1);
			if (!e) {
				snprintf(err, errlen, "package: %s: unterminated PEM certificate", what);
				return SSTP_ERR_PROFILE;
			}
			char *b64 = sstp_pkg_strdup_trim((const char *)b, (size_t)(e - b));
			if (!b64) {
				snprintf(err, errlen, "out of memory");
				return SSTP_ERR_INTERNAL;
			}
			int rc = sstp_pkg_add_root_b64(p, b64, err, errlen);
			free(b64);
			if (rc)
				return rc;
			found++;
			s = e + sizeof(end) - 1;
		}
		return found ? 0 : SSTP_ERR_PROFILE;
	}
	int rc = sstp_pkg_add_root(p, buf, len, err, errlen);
	if (rc == SSTP_ERR_PROFILE)
		snprintf(err, errlen, "package: %s is not an X.509 certificate", what);
	return rc;
}

static const char *base_name(const char *n)
{
	const char *a = strrchr(n, '/'), *b = strrchr(n, '\\');
	const char *s = a > b ? a : b;
	return s ? s + 1 : n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static bool cab_wanted(const char *name)
{
	const char *b = base_name(name);
	return ends_with(b, ".pbk") || ends_with(b, ".cms") || ends_with(b, ".cer") ||
	       ends_with(b, ".inf") || strcasecmp(b, "routes.txt") == 0;
}

static bool is_guid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
					(c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static const struct sstp_cab_file *cab_by_suffix(const struct sstp_cab_files *f, const char *sfx)
{
	for (size_t i = 0; i < f->n; i++)
		if (ends_with(base_name(f->v[i].name), sfx))
			return &f->v[i];
	return NULL;
}

static int ini_value(const struct sstp_cab_file *f, const char *section, const char *key,
		     char *out, size_t outlen)
{
	if (!f)
		return 1;
	return sstp_ini_get((const char *)f->data, f->len, section, key, out, outlen);
}

/* Facts from the installer's cabinet files. */
static int from_cabinet(struct sstp_package *p, struct sstp_cab_files *cf, char *err,
			size_t errlen)
{
	char v[1100];
	for (size_t i = 0; i < cf->n; i++)
		sstp_text_from_utf16le(cf->v[i].data, &cf->v[i].len);
	const struct sstp_cab_file *pbk = cab_by_suffix(cf, ".pbk");
	const struct sstp_cab_file *cms = cab_by_suffix(cf, ".cms");
	const struct sstp_cab_file *inf = cab_by_suffix(cf, ".inf");
	const struct sstp_cab_file *routes = cab_by_suffix(cf, "routes.txt");

	p->source = SSTP_PKG_SRC_INSTALLER;
	if (ini_value(pbk, NULL, "PhoneNumber", v, sizeof(v)) == 0 && v[0]) {
		if (!sstp_pkg_host_valid(v)) {
			snprintf(err, errlen, "installer: the phonebook's PhoneNumber '%.80s' is not a "
				 "host name", v);
			return SSTP_ERR_PROFILE;
		}
		p->gateway = strdup(v);
	} else if (ini_value(cms, NULL, "TunnelAddress", v, sizeof(v)) == 0 && v[0]) {
		if (!sstp_pkg_host_valid(v)) {
			snprintf(err, errlen, "installer: the profile's TunnelAddress '%.80s' is not a "
				 "host name", v);
			return SSTP_ERR_PROFILE;
		}
		p->gateway = strdup(v);
	}
	if (!p->gateway) {
		snprintf(err, errlen, "installer: no gateway host in its phonebook (.pbk PhoneNumber) "
			 "or profile (.cms TunnelAddress)");
		return SSTP_ERR_PROFILE;
	}
	/* protocols: RAS VpnStrategy 5/6 = SSTP only/first, 7 = IKEv2 only, 8 = IKEv2 first */
	unsigned bits = 0;
	if (ini_value(pbk, NULL, "VpnStrategy", v, sizeof(v)) == 0) {
		if (!strcmp(v, "5") || !strcmp(v, "6"))
			bits |= SSTP_PKG_PROTO_SSTP;
		else if (!strcmp(v, "7"))
			bits |= SSTP_PKG_PROTO_IKEV2;
		else if (!strcmp(v, "8"))
			bits |= SSTP_PKG_PROTO_IKEV2 | SSTP_PKG_PROTO_SSTP;
	}
	if ((ini_value(pbk, NULL, "Device", v, sizeof(v)) == 0 && strstr(v, "(SSTP)")) ||
	    (ini_value(pbk, NULL, "PreferredDevice", v, sizeof(v)) == 0 && strstr(v, "(SSTP)")))
		bits |= SSTP_PKG_PROTO_SSTP;
	p->protocols = bits ? bits : SSTP_PKG_PROTO_SSTP;
	if (ini_value(pbk, NULL, "CustomAuthKey", v, sizeof(v)) == 0)
		p->auth = strdup(!strcmp(v, "13") ? "EAPTLS" : !strcmp(v, "26") ? "EAPMSCHAPv2" : v);
	for (size_t i = 0; i < cf->n; i++) {
		if (!ends_with(base_name(cf->v[i].name), ".cer"))
			continue;
		int rc = add_cert_file(p, cf->v[i].data, cf->v[i].len, "installer certificate", err,
				       errlen);
		if (rc)
			return rc;
	}
	if (routes) {
		struct sstp_cidr *r;
		size_t n;
		struct sstp_err e = {0};
		int rc = sstp_routes_txt_parse((const char *)routes->data, routes->len, &r, &n, &e);
		if (rc) {
			snprintf(err, errlen, "%s", e.msg);
			return rc;
		}
		/* Azure lists the VNet address space, then the client address pool last */
		for (size_t i = 0; i < n; i++) {
			bool pool = n >= 2 && i == n - 1;
			if ((pool ? sstp_pkg_add_pool(p, &r[i]) : sstp_pkg_add_route(p, &r[i])) != 0) {
				free(r);
				snprintf(err, errlen, "installer: too many routes");
				return SSTP_ERR_PROFILE;
			}
			if (pool)
				p->pool_inferred = true;
		}
		free(r);
	}
	if (ini_value(inf, "Strings", "ServiceName", v, sizeof(v)) == 0 && v[0]) {
		for (char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		p->vnet_name = strdup(v);
	}
	if (pbk) {
		const char *b = base_name(pbk->name);
		if (is_guid(b, strlen(b) - 4))
			p->vnet_id = strndup(b, 36);
	}
	return 0;
}

static int from_installer(struct sstp_package *p, struct sstp_zip *z, long idx, char *err,
			  size_t errlen)
{
	unsigned char *exe;
	size_t len, off, cablen;
	struct sstp_cab_files cf;
	struct sstp_err e = {0};
	int rc = sstp_zip_read(z, (size_t)idx, 0, &exe, &len, err, errlen);
	if (rc)
		return rc;
	if (sstp_cab_find(exe, len, &off, &cablen) != 0) {
		snprintf(err, errlen, "installer %s: no cabinet inside it", sstp_zip_name(z, (size_t)idx));
		free(exe);
		return SSTP_ERR_PROFILE;
	}
	rc = sstp_cab_extract(exe + off, cablen, cab_wanted, &cf, &e);
	if (rc)
		snprintf(err, errlen, "%s", e.msg);
	else
		rc = from_cabinet(p, &cf, err, errlen);
	sstp_cab_files_free(&cf);
	free(exe);
	return rc;
}

/* What every VpnSettings.xml must give, inside a package or alone. */
static int generic_done(struct sstp_package *p, char *err, size_t errlen)
{
	if (!p->gateway) {
		snprintf(err, errlen, "package: Generic/VpnSettings.xml names no gateway (VpnServer)");
		return SSTP_ERR_PROFILE;
	}
	if (!p->vpn_type && p->protocols == 0)
		p->protocols = SSTP_PKG_PROTO_SSTP; /* no VpnType: the installer path's default */
	return 0;
}

int sstp_package_from_xml(const void *xml, size_t len, struct sstp_package *out, char *err,
			  size_t errlen)
{
	sstp_package_init(out);
	if (len > SSTP_PKG_XML_MAX) {
		snprintf(err, errlen, "VpnSettings.xml: larger than %u bytes", (unsigned)SSTP_PKG_XML_MAX);
		return SSTP_ERR_PROFILE;
	}
	out->source = SSTP_PKG_SRC_GENERIC;
	struct sstp_err e = {0};
	int rc = sstp_pkg_xml_parse(xml, len, out, &e);
	snprintf(err, errlen, "%s", e.msg);
	if (rc == 0)
		rc = generic_done(out, err, errlen);
	if (rc)
		sstp_package_free(out);
	return rc;
}

/* A standalone VpnSettings.xml rather than a zip: '<' first, after a BOM and blanks. */
static bool looks_like_xml(const unsigned char *b, size_t n)
{
	size_t i = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	return i < n && b[i] == '<';
}

static int from_generic(struct sstp_package *p, struct sstp_zip *z, long xml, char *err,
			size_t errlen)
{
	unsigned char *buf;
	size_t len;
	struct sstp_err e = {0};
	int rc = sstp_zip_read(z, (size_t)xml, SSTP_PKG_XML_MAX, &buf, &len, err, errlen);
	if (rc)
		return rc;
	p->source = SSTP_PKG_SRC_GENERIC;
	rc = sstp_pkg_xml_parse((const char *)buf, len, p, &e);
	snprintf(err, errlen, "%s", e.msg);
	free(buf);
	if (rc)
		return rc;
	long cer = sstp_zip_find(z, "Generic/VpnServerRoot.cer");
	if (cer >= 0) {
		rc = sstp_zip_read(z, (size_t)cer, CER_MAX, &buf, &len, err, errlen);
		if (rc)
			return rc;
		rc = add_cert_file(p, buf, len, "Generic/VpnServerRoot.cer", err, errlen);
		free(buf);
		if (rc)
			return rc;
	}
	return generic_done(p, err, errlen);
}

static long find_installer(const struct sstp_zip *z)
{
	long i = sstp_zip_find(z, "WindowsAmd64/VpnClientSetupAmd64.exe");
	if (i < 0)
		i = sstp_zip_find(z, "WindowsX86/VpnClientSetupX86.exe");
	for (size_t k = 0; i < 0 && k < sstp_zip_count(z); k++) {
		const char *n = sstp_zip_name(z, k);
		if (strncasecmp(n, "Windows", 7) == 0 && ends_with(n, ".exe"))
			i = (long)k;
	}
	return i;
}

int sstp_package_from_zip(const void *zip, size_t len, struct sstp_package *out,
			  char *err, size_t errlen)
{
	struct sstp_zip *z;
	sstp_package_init(out);
	int rc = sstp_zip_open_mem(zip, len, NULL, &z, err, errlen);
	if (rc)
		return rc;
	long xml = sstp_zip_find(z, "Generic/VpnSettings.xml");
	long exe = find_installer(z);
	if (xml >= 0) {
		rc = from_generic(out, z, xml, err, errlen);
	} else if (exe >= 0) {
		rc = from_installer(out, z, exe, err, errlen);
	} else {
		bool openvpn = sstp_zip_find(z, "AzureVPN/azurevpnconfig.xml") >= 0;
		for (size_t k = 0; k < sstp_zip_count(z); k++)
			if (ends_with(sstp_zip_name(z, k), ".ovpn"))
				openvpn = true;
		if (openvpn) {
			snprintf(err, errlen, "package: this gateway offers OpenVPN only (the package has "
				 "no Generic/VpnSettings.xml and no Windows installer); sstp can only use "
				 "SSTP, which Azure no longer offers to new gateways: connect with an "
				 "OpenVPN client (the package's .ovpn / Azure VPN Client) or an IKEv2 "
				 "client instead");
		} else {
			snprintf(err, errlen, "package: neither Generic/VpnSettings.xml nor a Windows "
				 "installer found: is this an Azure VPN client package?");
		}
		rc = SSTP_ERR_PROFILE;
	}
	sstp_zip_close(z);
	if (rc)
		sstp_package_free(out);
	return rc;
}

int sstp_package_read(const char *src, const struct sstp_fetch_opts *fopts,
		      struct sstp_package *out, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;
	sstp_package_init(out);
	if (!src || !src[0]) {
		snprintf(err, errlen, "no package given");
		return SSTP_ERR_USAGE;
	}
	if (sstp_pkg_is_url(src)) {
		rc = sstp_pkg_fetch(src, fopts, &buf, &len, err, errlen);
	} else {
		size_t max = fopts && fopts->max_bytes ? fopts->max_bytes : SSTP_FETCH_MAX_BYTES;
		rc = sstp_read_file_capped(src, max, &buf, &len, err, errlen);
	}
	if (rc)
		return rc;
	if (looks_like_xml(buf, len))
		rc = sstp_package_from_xml(buf, len, out, err, errlen);
	else
		rc = sstp_package_from_zip(buf, len, out, err, errlen);
	free(buf);
	return rc;
}

int sstp_package_check_sstp(const struct sstp_package *p, char *err, size_t errlen)
{
	char list[80];
	if (p->protocols & SSTP_PKG_PROTO_SSTP)
		return 0;
	sstp_pkg_proto_text(p->protocols, list, sizeof(list));
	snprintf(err, errlen, "gateway %s offers %s%s%s%s, not SSTP; sstp speaks only SSTP and cannot "
		 "use %s (Azure no longer allows enabling SSTP): connect with an OpenVPN client "
		 "(Azure VPN Client, openvpn) or an IKEv2 client (strongSwan, the system's IKEv2 VPN) "
		 "instead",
		 p->gateway ? p->gateway : "(unknown)", list, p->vpn_type ? " (VpnType '" : "",
		 p->vpn_type ? p->vpn_type : "", p->vpn_type ? "')" : "",
		 p->protocols & (p->protocols - 1) ? "them" : "it");
	return SSTP_ERR_PROFILE;
}
