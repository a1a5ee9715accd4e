/* nm_import.c - `nmcli connection import type sstp file vpnclientconfiguration.zip`: the package
 * is read and written out by the same code as `sstp import` (a profile with the server's root
 * certificates under $XDG_DATA_HOME/sstp/nm/<name>/), and that profile becomes an sstp
 * connection; the password stays with the secret agents (password-flags=1). */
#include "nm_editor.h"

#include <stdio.h>
#include <string.h>

#include "nm_sstp.h"
#include "pkg.h"
#include "profile.h"

static gboolean fail(GError **err, const char *what, const char *why)
{
	g_set_error(err, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED, "sstp: %s: %s", what, why);
	return FALSE;
}

static void set_list(NMSettingVpn *s, const char *key, GPtrArray *items)
{
	gchar *v;

	if (!items->len)
		return;
	g_ptr_array_add(items, NULL);
	v = g_strjoinv(" ", (gchar **)items->pdata);
	nm_setting_vpn_add_data_item(s, key, v);
	g_free(v);
}

static void add_cidrs(NMSettingVpn *s, const struct sstp_profile *p)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	char buf[64];

	/* the VNet and the client pool (other clients) go through the tunnel, as sstp does */
	for (size_t i = 0; i < p->n_routes; i++)
		if (sstp_cidr_format(&p->routes[i], buf, sizeof(buf)) == 0)
			g_ptr_array_add(a, g_strdup(buf));
	for (size_t i = 0; i < p->n_pools; i++)
		if (sstp_cidr_format(&p->pools[i], buf, sizeof(buf)) == 0)
			g_ptr_array_add(a, g_strdup(buf));
	set_list(s, NM_SSTP_KEY_ROUTES, a);
	g_ptr_array_free(a, TRUE);
	a = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; i < p->n_dns; i++)
		if (sstp_ip_format(&p->dns[i], buf, sizeof(buf)) == 0)
			g_ptr_array_add(a, g_strdup(buf));
	set_list(s, NM_SSTP_KEY_DNS, a);
	g_ptr_array_free(a, TRUE);
}

static NMConnection *to_connection(const struct sstp_profile *p)
{
	NMConnection *c = nm_simple_connection_new();
	NMSettingVpn *s = NM_SETTING_VPN(nm_setting_vpn_new());
	NMSetting *sc = nm_setting_connection_new();
	gchar *uuid = nm_utils_uuid_generate(), *gw, *ca;
	gboolean tls = p->auth && strstr(p->auth, "eap-tls");

	g_object_set(sc, NM_SETTING_CONNECTION_ID, p->name, NM_SETTING_CONNECTION_UUID, uuid,
		     NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME, NULL);
	g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_SERVICE, NULL);
	gw = p->port && p->port != 443 ? g_strdup_printf("%s:%u", p->server, (unsigned)p->port)
				       : g_strdup(p->server);
	nm_setting_vpn_add_data_item(s, NM_SSTP_KEY_GATEWAY, gw);
	if (p->ca.n) {
		gchar **v = g_new0(gchar *, p->ca.n + 1);

		for (size_t i = 0; i < p->ca.n; i++)
			v[i] = p->ca.v[i];
		ca = g_strjoinv(" ", v);
		g_free(v);
		nm_setting_vpn_add_data_item(s, NM_SSTP_KEY_CA, ca);
		g_free(ca);
	}
	add_cidrs(s, p);
	nm_setting_vpn_add_data_item(s, NM_SSTP_KEY_AUTH, tls ? "eap-tls" : "auto");
	if (!tls)
		nm_setting_vpn_add_data_item(s, NM_SSTP_KEY_PASSWORD "-flags", "1");
	if (p->user)
		nm_setting_vpn_add_data_item(s, NM_SSTP_KEY_USER, p->user);
	nm_connection_add_setting(c, sc);
	nm_connection_add_setting(c, NM_SETTING(s));
	g_free(gw);
	g_free(uuid);
	return c;
}

NMConnection *nm_sstp_import_package(const char *path, GError **err)
{
	struct sstp_package pkg;
	struct sstp_import_opts io;
	struct sstp_profile prof;
	char name[128], file[4096], msg[512] = "";
	gchar *base = g_build_filename(g_get_user_data_dir(), "sstp", "nm", NULL);
	NMConnection *c = NULL;

	memset(&io, 0, sizeof(io));
	io.base_dir = base;
	io.overwrite = TRUE;
	sstp_profile_init(&prof);
	if (sstp_package_read(path, NULL, &pkg, msg, sizeof(msg)) != 0 ||
	    sstp_package_check_sstp(&pkg, msg, sizeof(msg)) != 0 ||
	    sstp_package_import(&pkg, &io, name, sizeof(name), file, sizeof(file), msg,
				sizeof(msg)) != 0 ||
	    sstp_profile_load(&prof, file, NULL, msg, sizeof(msg)) != 0)
		fail(err, path, msg[0] ? msg : "cannot import the package");
	else
		c = to_connection(&prof);
	sstp_profile_free(&prof);
	sstp_package_free(&pkg);
	g_free(base);
	return c;
}
