/* fuzz_nm_opts.c - libFuzzer target for the NetworkManager plugin's vpn.data reader: the input's
 * lines are KEY=VALUE data items (SECRET:KEY=VALUE for secrets) of an sstp connection; reading
 * it either succeeds within the fixed tables or fails with a message, and clearing wipes all. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nm_sstp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static NMConnection *make(char *text)
{
	NMConnection *c = nm_simple_connection_new();
	NMSetting *sc = nm_setting_connection_new();
	NMSettingVpn *s = NM_SETTING_VPN(nm_setting_vpn_new());
	char *line, *save = NULL, *eq;

	g_object_set(sc, NM_SETTING_CONNECTION_ID, "f", NM_SETTING_CONNECTION_UUID,
		     "0b9d7e3c-7c5e-4d0e-9f55-222222222222", NM_SETTING_CONNECTION_TYPE, "vpn", NULL);
	g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_SERVICE, NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!(eq = strchr(line, '=')) || eq == line || !g_utf8_validate(line, -1, NULL))
			continue;
		*eq = '\0';
		if (strncmp(line, "SECRET:", 7) == 0 && line[7])
			nm_setting_vpn_add_secret(s, line + 7, eq + 1);
		else if (strncmp(line, "SECRET:", 7) != 0)
			nm_setting_vpn_add_data_item(s, line, eq + 1);
	}
	nm_connection_add_setting(c, sc);
	nm_connection_add_setting(c, NM_SETTING(s));
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct nm_sstp_opts o;
	NMConnection *c;
	GError *e = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	c = make(text);
	if (nm_sstp_opts_read(c, &o, &e)) {
		if (!o.server || !o.port || o.n_routes > NM_SSTP_MAX_ROUTES ||
		    o.n_dns > NM_SSTP_MAX_DNS || o.n_ca > NM_SSTP_MAX_CA || o.ca[o.n_ca] ||
		    o.n_domains > NM_SSTP_MAX_DOMAINS || o.domains[o.n_domains])
			abort();
	} else if (!e || !e->message[0]) {
		abort();
	}
	(void)nm_sstp_missing_secret(nm_connection_get_setting_vpn(c));
	g_clear_error(&e);
	nm_sstp_opts_clear(&o);
	g_object_unref(c);
	free(text);
	return 0;
}
