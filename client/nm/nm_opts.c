/* nm_opts.c - an sstp connection's vpn.data and vpn.secrets (nm_sstp.h lists the keys) read into
 * the options the session child runs with; every value is checked and a bad one named. */
#include "nm_sstp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp.h"

static gboolean bad(GError **err, const char *key, const char *why)
{
	g_set_error(err, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
		    "sstp: vpn.data %s: %s", key, why);
	return FALSE;
}

static char *dup_item(NMSettingVpn *s, const char *key, gboolean secret)
{
	const char *v = secret ? nm_setting_vpn_get_secret(s, key) : nm_setting_vpn_get_data_item(s, key);

	return v && v[0] ? g_strdup(v) : NULL;
}

static gboolean read_gateway(const char *gw, struct nm_sstp_opts *o, GError **err)
{
	const char *host = gw, *end, *port = NULL;
	char *stop;
	unsigned long p;

	if (!gw || !gw[0])
		return bad(err, NM_SSTP_KEY_GATEWAY, "missing");
	if (gw[0] == '[') {
		host = gw + 1;
		if (!(end = strchr(host, ']')) || (end[1] && end[1] != ':'))
			return bad(err, NM_SSTP_KEY_GATEWAY, "unclosed [ in an IPv6 address");
		if (end[1] == ':')
			port = end + 2;
	} else if ((end = strchr(gw, ':')) && !strchr(end + 1, ':')) {
		port = end + 1;
	} else {
		end = gw + strlen(gw);
	}
	if (end == host || (size_t)(end - host) > 253)
		return bad(err, NM_SSTP_KEY_GATEWAY, "the host name is empty or too long");
	o->server = g_strndup(host, (gsize)(end - host));
	o->port = 443;
	if (port) {
		p = strtoul(port, &stop, 10);
		if (!port[0] || *stop || p == 0 || p > 65535)
			return bad(err, NM_SSTP_KEY_GATEWAY, "the port is not 1-65535");
		o->port = (uint16_t)p;
	}
	return TRUE;
}

static gboolean read_auth(const char *v, struct nm_sstp_opts *o, GError **err)
{
	static const struct { const char *name; unsigned auth; } m[] = {
		{ "auto", 0 },
		{ "mschapv2", PPP_AUTH_MSCHAPV2 },
		{ "pap", PPP_AUTH_PAP },
		{ "eap-mschapv2", PPP_AUTH_EAP_MSCHAPV2 },
		{ "eap-tls", PPP_AUTH_EAP_TLS },
	};

	if (!v || !v[0])
		v = "auto";
	for (size_t i = 0; i < G_N_ELEMENTS(m); i++) {
		if (strcmp(v, m[i].name) == 0) {
			o->auth = m[i].auth;
			return TRUE;
		}
	}
	return bad(err, NM_SSTP_KEY_AUTH, "not one of auto, mschapv2, pap, eap-mschapv2, eap-tls");
}

/* Split a list (space, comma or semicolon separated: nmcli itself splits vpn.data on commas); each item goes to fn, which says whether it fits. */
static gboolean read_list(const char *v, const char *key, GError **err,
			  gboolean (*fn)(struct nm_sstp_opts *o, const char *item),
			  struct nm_sstp_opts *o)
{
	gchar **items;
	gboolean ok = TRUE;

	if (!v)
		return TRUE;
	items = g_strsplit_set(v, ", ;", -1);
	for (gchar **it = items; ok && *it; it++) {
		if (!(*it)[0])
			continue;
		if (!fn(o, *it)) {
			char why[160];

			snprintf(why, sizeof(why), "'%.100s' is not valid here (or too many items)", *it);
			ok = bad(err, key, why);
		}
	}
	g_strfreev(items);
	return ok;
}

static gboolean add_route(struct nm_sstp_opts *o, const char *item)
{
	if (o->n_routes >= NM_SSTP_MAX_ROUTES)
		return FALSE;
	return plat_prefix_parse(item, false, &o->routes[o->n_routes++]) == 0;
}

static gboolean add_dns(struct nm_sstp_opts *o, const char *item)
{
	if (o->n_dns >= NM_SSTP_MAX_DNS)
		return FALSE;
	return plat_ip_parse(item, &o->dns[o->n_dns++]) == 0;
}

static gboolean add_ca(struct nm_sstp_opts *o, const char *item)
{
	if (o->n_ca >= NM_SSTP_MAX_CA || strlen(item) > 4095)
		return FALSE;
	o->ca[o->n_ca++] = g_strdup(item);
	return TRUE;
}

static gboolean add_domain(struct nm_sstp_opts *o, const char *item)
{
	if (o->n_domains >= NM_SSTP_MAX_DOMAINS || strlen(item) > 253)
		return FALSE;
	o->domains[o->n_domains++] = g_strdup(item);
	return TRUE;
}

gboolean nm_sstp_opts_read(NMConnection *conn, struct nm_sstp_opts *o, GError **err)
{
	NMSettingVpn *s = nm_connection_get_setting_vpn(conn);
	const char *uuid = nm_connection_get_uuid(conn), *v;

	memset(o, 0, sizeof(*o));
	if (!s) {
		g_set_error(err, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
			    "sstp: the connection has no vpn setting");
		return FALSE;
	}
	snprintf(o->name, sizeof(o->name), "nm-%.36s", uuid && uuid[0] ? uuid : "sstp");
	if (!read_gateway(nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_GATEWAY), o, err) ||
	    !read_auth(nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_AUTH), o, err))
		return FALSE;
	o->user = dup_item(s, NM_SSTP_KEY_USER, FALSE);
	o->cert = dup_item(s, NM_SSTP_KEY_CERT, FALSE);
	o->key = dup_item(s, NM_SSTP_KEY_KEY, FALSE);
	o->password = dup_item(s, NM_SSTP_KEY_PASSWORD, TRUE);
	o->cert_pass = dup_item(s, NM_SSTP_KEY_CERT_PASS, TRUE);
	v = nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_IPV6);
	o->ipv6 = v && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0);
	if (o->auth == PPP_AUTH_EAP_TLS && !o->cert)
		return bad(err, NM_SSTP_KEY_CERT, "EAP-TLS needs a client certificate");
	if (o->auth != PPP_AUTH_EAP_TLS && o->auth != 0 && (!o->user || !o->password))
		return bad(err, NM_SSTP_KEY_USER, "a password method needs a user and a password");
	return read_list(nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_CA), NM_SSTP_KEY_CA, err,
			 add_ca, o) &&
	       read_list(nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_ROUTES), NM_SSTP_KEY_ROUTES,
			 err, add_route, o) &&
	       read_list(nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_DNS), NM_SSTP_KEY_DNS, err,
			 add_dns, o) &&
	       read_list(nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_DNS_SEARCH),
			 NM_SSTP_KEY_DNS_SEARCH, err, add_domain, o);
}

static void free_secret(char **p)
{
	if (*p) {
		memset(*p, 0, strlen(*p));
		g_free(*p);
		*p = NULL;
	}
}

void nm_sstp_opts_clear(struct nm_sstp_opts *o)
{
	free_secret(&o->password);
	free_secret(&o->cert_pass);
	g_free(o->server);
	for (size_t i = 0; i < o->n_ca; i++)
		g_free(o->ca[i]);
	g_free(o->user);
	g_free(o->cert);
	g_free(o->key);
	for (size_t i = 0; i < o->n_domains; i++)
		g_free(o->domains[i]);
	memset(o, 0, sizeof(*o));
}

static gboolean wants(NMSettingVpn *s, const char *key)
{
	NMSettingSecretFlags f = NM_SETTING_SECRET_FLAG_NONE;
	const char *v = nm_setting_vpn_get_secret(s, key);

	nm_setting_get_secret_flags(NM_SETTING(s), key, &f, NULL);
	return !(f & NM_SETTING_SECRET_FLAG_NOT_REQUIRED) && (!v || !v[0]);
}

const char *nm_sstp_missing_secret(NMSettingVpn *s)
{
	const char *auth = nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_AUTH);

	if (auth && strcmp(auth, "eap-tls") == 0) {
		const char *cf = nm_setting_vpn_get_data_item(s, NM_SSTP_KEY_CERT_PASS "-flags");

		/* a certificate password is asked for only when the profile says it has one */
		return cf && wants(s, NM_SSTP_KEY_CERT_PASS) ? NM_SSTP_KEY_CERT_PASS : NULL;
	}
	return wants(s, NM_SSTP_KEY_PASSWORD) ? NM_SSTP_KEY_PASSWORD : NULL;
}
