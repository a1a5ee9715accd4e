/* nm_auth_dialog.c - nm-sstp-auth-dialog: the secrets dialog NetworkManager's agents run for an
 * sstp connection. It draws nothing: in external-UI mode (what nmcli and GNOME Shell use) it
 * tells the agent which secrets to ask for, as a keyfile on stdout, and the agent prompts (or
 * reads nmcli's passwd-file). Without external-UI mode it hands back the secrets the agent
 * already has and fails when one is missing (there is no GTK dialog).
 * Input on stdin: NetworkManager's DATA_KEY/DATA_VAL/SECRET_KEY/SECRET_VAL lines, then DONE. */
#include <stdio.h>
#include <string.h>

#include <NetworkManager.h>

struct want {
	const char *key;
	const char *label;
};

/* Which secrets this connection uses: the certificate password for EAP-TLS when the profile
 * has one (its flags entry), the password otherwise. */
static struct want wanted(GHashTable *data)
{
	const char *auth = g_hash_table_lookup(data, "auth");

	if (auth && strcmp(auth, "eap-tls") == 0)
		return (struct want){ g_hash_table_lookup(data, "cert-pass-flags") ? "cert-pass" : NULL,
				      "Certificate password" };
	return (struct want){ "password", "Password" };
}

static gboolean should_ask(GHashTable *data, GHashTable *secrets, const char *key, gboolean renew)
{
	NMSettingSecretFlags f = NM_SETTING_SECRET_FLAG_NONE;
	const char *v = g_hash_table_lookup(secrets, key);

	nm_vpn_service_plugin_get_secret_flags(data, key, &f);
	if (f & NM_SETTING_SECRET_FLAG_NOT_REQUIRED)
		return FALSE;
	return renew || !v || !v[0] || (f & NM_SETTING_SECRET_FLAG_NOT_SAVED);
}

static void wait_for_quit(void)
{
	char line[64];

	while (fgets(line, sizeof(line), stdin))
		if (strcmp(line, "QUIT\n") == 0)
			break;
}

int main(int argc, char **argv)
{
	gboolean external = FALSE, renew = FALSE, interact = FALSE;
	const char *name = "sstp";
	GHashTable *data = NULL, *secrets = NULL;
	struct want w;
	const char *v;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--external-ui-mode") == 0)
			external = TRUE;
		else if (strcmp(argv[i], "-r") == 0 || strcmp(argv[i], "--reprompt") == 0)
			renew = TRUE;
		else if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "--allow-interaction") == 0)
			interact = TRUE;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			name = argv[++i];
	}
	if (!nm_vpn_service_plugin_read_vpn_details(0, &data, &secrets)) {
		fprintf(stderr, "nm-sstp-auth-dialog: cannot read the connection from stdin\n");
		return 1;
	}
	w = wanted(data);
	if (external) {
		gboolean ask = w.key && interact && should_ask(data, secrets, w.key, renew);

		printf("[VPN Plugin UI]\nVersion=2\nTitle=Authenticate VPN %s\n"
		       "Description=A password is required to connect to the SSTP VPN %s.\n\n",
		       name, name);
		if (w.key)
			printf("[%s]\nValue=\nLabel=%s\nIsSecret=true\nShouldAsk=%s\n\n", w.key, w.label,
			       ask ? "true" : "false");
	} else {
		v = w.key ? g_hash_table_lookup(secrets, w.key) : NULL;
		if (w.key && (!v || !v[0])) {
			fprintf(stderr, "nm-sstp-auth-dialog: no %s and no dialog to ask for it "
				"(use an agent with external-UI mode: nmcli --ask, GNOME Shell)\n", w.key);
			return 1;
		}
		if (w.key)
			printf("%s\n%s\n", w.key, v);
		printf("\n\n");
	}
	fflush(stdout);
	wait_for_quit();
	g_hash_table_unref(data);
	g_hash_table_unref(secrets);
	return 0;
}
