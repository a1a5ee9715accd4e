/* cli_setup.c - from argv to struct sstp_session_cfg: profile/package/server, overrides, secrets. */
#include "cli_setup.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_secret.h"
#include "plat_net.h"
#include "sstp_proxy.h"
#include "cli_exit.h"
#include "exit_codes.h"
#include "log.h"
#include "plat_keystore.h"
#include "plat_proc.h"
#include "ppp.h"
#include "route_set.h"
#include "tls_creds.h"
#include "tls_pkcs11.h"

int sstp_parse_auth(const char *list, unsigned *out)
{
	static const struct {
		const char *w;
		unsigned bit;
	} words[] = {
		{ "mschapv2", PPP_AUTH_MSCHAPV2 }, { "ms-chapv2", PPP_AUTH_MSCHAPV2 },
		{ "eap-mschapv2", PPP_AUTH_EAP_MSCHAPV2 }, { "pap", PPP_AUTH_PAP },
		{ "eap-tls", PPP_AUTH_EAP_TLS }, { "eaptls", PPP_AUTH_EAP_TLS },
		{ "peap", PPP_AUTH_PEAP }, { "peap-mschapv2", PPP_AUTH_PEAP },
	};
	const char *p = list;
	unsigned bits = 0;

	if (!list || !*list)
		return -1;
	while (*p) {
		size_t n = strcspn(p, ", "), k;

		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strlen(words[k].w) == n && strncasecmp(words[k].w, p, n) == 0)
				break;
		if (n && k == sizeof(words) / sizeof(words[0]))
			return -1;
		if (n)
			bits |= words[k].bit;
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	if (!bits)
		return -1;
	*out = bits;
	return 0;
}

void sstp_session_name_from(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; in && *in && n + 1 < outlen && n < 64; in++) {
		unsigned char c = (unsigned char)*in;

		out[n++] = (char)(isalnum(c) || c == '.' || c == '_' || c == '-' ? c : '_');
	}
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		snprintf(out, outlen, "sstp");
}

static void to_plat_ip(const struct sstp_ip *in, struct plat_ip *out)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family == SSTP_AF_INET6 ? PLAT_AF_INET6 : PLAT_AF_INET;
	memcpy(out->addr, in->addr, out->family == PLAT_AF_INET ? 4 : 16);
}

static void to_plat_prefix(const struct sstp_cidr *in, struct plat_prefix *out)
{
	to_plat_ip(&in->ip, &out->ip);
	out->len = (uint8_t)in->prefix;
}

static bool profile_exists(const char *name, const struct sstp_profile_dirs *dirs)
{
	struct sstp_strlist names;
	bool found = false;

	memset(&names, 0, sizeof(names));
	if (sstp_profile_list(dirs, &names) < 0)
		return false;
	for (size_t i = 0; i < names.n; i++)
		if (strcmp(names.v[i], name) == 0)
			found = true;
	sstp_strlist_free(&names);
	return found;
}

static int load_source(struct sstp_conn_setup *su, const struct sstp_cli *cli, char *err,
		       size_t errlen)
{
	const struct sstp_connect_opts *c = &cli->conn;
	struct sstp_profile_dirs dirs;
	uint16_t port = 443;
	int r;

	if (c->package) {
		r = sstp_cli_exit_code(sstp_package_read(c->package, NULL, &su->pkg, err, errlen));
		if (r)
			return r;
		su->have_pkg = true;
		if ((r = sstp_cli_exit_code(sstp_package_check_sstp(&su->pkg, err, errlen))) != 0)
			return r;
		if (sstp_package_to_profile(&su->pkg, &su->profile) != 0) {
			snprintf(err, errlen, "cannot use the package %s", c->package);
			return SSTP_EXIT_PROFILE;
		}
		for (size_t i = 0; i < su->pkg.n_roots && i < 16; i++) {
			su->blobs[i].data = su->pkg.roots[i].der;
			su->blobs[i].len = su->pkg.roots[i].der_len;
			su->cfg.n_ca_blobs = i + 1;
		}
		su->cfg.ca_blobs = su->blobs;
		if (!c->target)
			return 0;
		/* a SERVER given with --package replaces the package's gateway */
		if (sstp_parse_server(c->target, su->host, sizeof(su->host), &port) < 0) {
			snprintf(err, errlen, "'%s' is not a server address (host[:port])", c->target);
			return SSTP_EXIT_USAGE;
		}
		free(su->profile.server);
		su->profile.server = strdup(su->host);
		su->profile.port = port;
		return su->profile.server ? 0 : SSTP_EXIT_ERROR;
	}
	memset(&dirs, 0, sizeof(dirs));
	if (sstp_profile_dirs_default(&dirs, plat_is_root()) != 0) {
		snprintf(err, errlen, "cannot find the profile directories");
		return SSTP_EXIT_ERROR;
	}
	if (strchr(c->target, '/') || (sstp_profile_name_valid(c->target) &&
					profile_exists(c->target, &dirs))) {
		r = sstp_cli_exit_code(sstp_profile_load(&su->profile, c->target, &dirs, err,
							 errlen));
		sstp_profile_dirs_free(&dirs);
		return r;
	}
	sstp_profile_dirs_free(&dirs);
	/* A bare word is far more likely a mistyped or missing profile than a single-label host. */
	if (!strpbrk(c->target, ".:[") && strcmp(c->target, "localhost") != 0) {
		snprintf(err, errlen, "no profile named '%s' (sstp import makes one; for a host of that "
			 "name write %s:443)", c->target, c->target);
		return SSTP_EXIT_PROFILE;
	}
	if (sstp_parse_server(c->target, su->host, sizeof(su->host), &port) < 0) {
		snprintf(err, errlen, "'%s' is neither a profile (see 'sstp import') nor a server "
			 "address (host[:port])", c->target);
		return SSTP_EXIT_PROFILE;
	}
	su->profile.server = strdup(su->host);
	su->profile.port = port;
	return su->profile.server ? 0 : SSTP_EXIT_ERROR;
}

static int add_route(struct sstp_conn_setup *su, const struct sstp_cidr *c, unsigned src,
		     char *err, size_t errlen)
{
	if (su->cfg.n_routes >= SSTP_SETUP_MAX_ROUTES) {
		snprintf(err, errlen, "too many routes (at most %d)", SSTP_SETUP_MAX_ROUTES);
		return SSTP_EXIT_PROFILE;
	}
	su->route_srcs[su->cfg.n_routes] = src;
	to_plat_prefix(c, &su->routes[su->cfg.n_routes++]);
	return 0;
}

/* The kill switch (--kill-switch / kill-switch = true) only where it can work; the sentence
 * names where the setting came from. */
static int kill_switch_check(const struct sstp_session_cfg *cfg, bool from_cli, char *err,
			     size_t errlen)
{
	const char *what = from_cli ? "--kill-switch" : "the profile's kill-switch = true";
	const char *why = plat_net_kill_switch_missing();

	if (!why && (!cfg->full_tunnel || cfg->no_routes))
		why = "needs a full tunnel (--full-tunnel or full-tunnel = true): with split routes "
		      "the other traffic is meant to go outside the tunnel";
	if (!why && cfg->proxy)
		why = "cannot be used with a proxy (only the gateway's own address gets through)";
	if (!why && cfg->script)
		why = "cannot be used with --script (the script, not sstp, sets the routes up)";
	if (!why)
		return 0;
	snprintf(err, errlen, "%s %s", what, why);
	return from_cli ? SSTP_EXIT_USAGE : SSTP_EXIT_PROFILE;
}

static int overlay(struct sstp_conn_setup *su, const struct sstp_cli *cli, char *err,
		   size_t errlen)
{
	const struct sstp_connect_opts *c = &cli->conn;
	struct sstp_profile *p = &su->profile;
	struct sstp_session_cfg *cfg = &su->cfg;
	size_t nca = 0;
	int r;

	cfg->server = p->server;
	cfg->port = p->port ? p->port : 443;
	cfg->sni = c->sni ? c->sni : p->sni;
	for (size_t i = 0; i < p->ca.n && nca < SSTP_SETUP_MAX_CA; i++)
		su->ca_paths[nca++] = p->ca.v[i];
	for (size_t i = 0; i < c->n_ca && nca < SSTP_SETUP_MAX_CA; i++)
		su->ca_paths[nca++] = c->ca[i];
	su->ca_paths[nca] = NULL;
	cfg->ca_paths = nca ? su->ca_paths : NULL;
	/* CAs named on the command line replace the system store; a profile's add to it */
	cfg->no_system_ca = c->n_ca > 0;
	cfg->pin_sha256 = c->pin_sha256 ? c->pin_sha256 : p->pin_sha256;
	cfg->insecure = c->insecure;
	cfg->proxy = c->proxy ? c->proxy : p->proxy;
	cfg->proxy_user = c->proxy_user ? c->proxy_user : p->proxy_user;
	cfg->user = c->user ? c->user : p->user;
	cfg->identity = c->identity ? c->identity : p->identity;
	if (c->auth || p->auth) {
		if (sstp_parse_auth(c->auth ? c->auth : p->auth, &cfg->auth) < 0) {
			snprintf(err, errlen, "unknown authentication method in '%s' (use mschapv2, "
				 "eap-mschapv2, pap, eap-tls, peap)", c->auth ? c->auth : p->auth);
			return c->auth ? SSTP_EXIT_USAGE : SSTP_EXIT_PROFILE;
		}
	}
	cfg->no_routes = c->no_routes || (p->no_routes && !c->n_routes && !c->full_tunnel);
	cfg->full_tunnel = c->full_tunnel || p->full_tunnel;
	cfg->routes = su->routes;
	cfg->route_srcs = su->route_srcs;
	/* duplicates and nesting are left to the session's route set (route_set.c) */
	for (size_t i = 0; i < p->n_routes; i++)
		if ((r = add_route(su, &p->routes[i], ROUTE_SRC_PACKAGE, err, errlen)) != 0)
			return r;
	for (size_t i = 0; i < p->n_pools; i++)
		if ((r = add_route(su, &p->pools[i], ROUTE_SRC_POOL, err, errlen)) != 0)
			return r;
	for (size_t i = 0; i < c->n_routes; i++) {
		struct sstp_cidr cidr;

		if (sstp_cidr_parse(c->routes[i], &cidr) < 0) {
			snprintf(err, errlen, "bad route '%s'", c->routes[i]);
			return SSTP_EXIT_USAGE;
		}
		if ((r = add_route(su, &cidr, ROUTE_SRC_OPTION, err, errlen)) != 0)
			return r;
	}
	cfg->route_conflict = route_conflict_parse(c->route_conflict ? c->route_conflict
								   : p->route_conflict);
	if (cfg->route_conflict < 0)
		cfg->route_conflict = ROUTE_CONFLICT_PREFER_TUNNEL;
	cfg->no_dns = c->no_dns || (p->no_dns && !c->n_dns);
	cfg->dns = su->dns;
	for (size_t i = 0; i < c->n_dns && cfg->n_dns < SSTP_SETUP_MAX_DNS; i++) {
		struct sstp_ip ip;

		if (sstp_ip_parse(c->dns[i], &ip) == 0)
			to_plat_ip(&ip, &su->dns[cfg->n_dns++]);
	}
	if (!c->n_dns)
		for (size_t i = 0; i < p->n_dns && cfg->n_dns < SSTP_SETUP_MAX_DNS; i++)
			to_plat_ip(&p->dns[i], &su->dns[cfg->n_dns++]);
	for (size_t i = 0; i < c->n_dns_domains && i < SSTP_SETUP_MAX_DOMAINS; i++)
		su->domains[cfg->n_dns_domains++] = c->dns_domains[i];
	for (size_t i = 0; !c->n_dns_domains && i < p->dns_domains.n && i < SSTP_SETUP_MAX_DOMAINS; i++)
		su->domains[cfg->n_dns_domains++] = p->dns_domains.v[i];
	cfg->dns_domains = su->domains;
	cfg->want_ipv6 = !c->no_ipv6 && !p->no_ipv6;
	cfg->mtu = c->mtu ? c->mtu : p->mtu;
	cfg->ifname = c->ifname ? c->ifname : p->ifname;
	cfg->script = c->script ? c->script : p->script;
	cfg->up_cmd = c->up ? c->up : p->up;
	cfg->down_cmd = c->down ? c->down : p->down;
	cfg->reconnect = c->reconnect >= 0 ? c->reconnect == 1 : (c->background && p->reconnect);
	cfg->wait = c->wait;
	cfg->timeout_ms = (c->timeout_s ? c->timeout_s : p->timeout) * 1000u;
	cfg->state_dir = cli->state_dir;
	su->backup_dir = cli->backup_dir;
	cfg->dump_packets = cli->verbosity >= 2;
	cfg->kill_switch = c->kill_switch || p->kill_switch;
	return cfg->kill_switch ? kill_switch_check(cfg, c->kill_switch, err, errlen) : 0;
}

/* The scheme length of a keystore URI (the profile's rule), else 0. A file of that name wins, so
 * an odd local file name still loads as a file. */
static size_t keystore_scheme(const char *v)
{
	size_t i = sstp_profile_keystore_scheme(v);
	FILE *f;

	if (!i)
		return 0;
	f = fopen(v, "rb");
	if (!f)
		return i;
	fclose(f);
	return 0;
}

/* A keystore URI as --cert: certstore: goes to the platform's key store (plat_keystore.h);
 * pkcs11: reads its PIN now (file, stdin or terminal: never argv, never the URI) and leaves the
 * token to sstp_conn_setup_keystore; other schemes (keychain:) have no key store here yet. */
static int keystore_prepare(struct sstp_conn_setup *su, const struct sstp_cli *cli,
			    const char *cert, const char *key, const char *cpwfile,
			    bool *stdin_used, char *err, size_t errlen)
{
	const struct sstp_connect_opts *c = &cli->conn;
	size_t n = keystore_scheme(cert);

	if (key) {
		snprintf(err, errlen, "%.*s: a keystore URI names the key too; drop --key / key =",
			 (int)n, cert);
		return SSTP_EXIT_PROFILE;
	}
	if (plat_keystore_is_uri(cert)) {
		struct tls_blob *chain = NULL;
		struct tls_signer signer;
		size_t nchain = 0;

		if (plat_keystore_open(cert, &chain, &nchain, &signer, err, errlen) != 0)
			return SSTP_EXIT_PROFILE;
		su->creds = tls_creds_from_signer(chain, nchain, &signer, err, errlen);
		plat_keystore_chain_free(chain, nchain);
		if (!su->creds)
			return SSTP_EXIT_PROFILE;
		su->cfg.creds = su->creds;
		return 0;
	}
	if (n != 6 || strncasecmp(cert, "pkcs11", 6) != 0) {
		snprintf(err, errlen, "%.*s: keystore URIs are not supported on this platform (use a "
			 "PKCS#12 or PEM file, or a pkcs11: URI)", (int)n, cert);
		return SSTP_EXIT_PROFILE;
	}
	if (strstr(cert, "pin-value") || strstr(cert, "pin-source")) {
		snprintf(err, errlen, "a PKCS#11 PIN is a secret: give it with --cert-password-file "
			 "FILE or --password-stdin, never inside the URI");
		return SSTP_EXIT_USAGE;
	}
	if (!tls_pkcs11_available()) {
		(void)tls_pkcs11_load(cert, NULL, NULL, err, errlen); /* says what is missing */
		return SSTP_EXIT_PROFILE;
	}
	su->keystore_uri = cert;
	if (cpwfile) {
		su->pin = sstp_secret_read(cpwfile, false, NULL, err, errlen);
		return su->pin ? 0 : SSTP_EXIT_USAGE;
	}
	if (c->password_stdin && !c->user && !su->profile.user) {
		/* no user password to read: standard input carries the PIN */
		*stdin_used = true;
		su->pin = sstp_secret_read(NULL, true, NULL, err, errlen);
		return su->pin ? 0 : SSTP_EXIT_USAGE;
	}
	/* A terminal asks; without one the token is opened without logging in (tokens that need a
	 * PIN then say so). An empty answer means the same. */
	su->pin = sstp_secret_read(NULL, false, "PIN of the PKCS#11 token: ", err, errlen);
	if (su->pin && !su->pin[0]) {
		sstp_secret_free(su->pin);
		su->pin = NULL;
	}
	err[0] = '\0';
	return 0;
}

int sstp_conn_setup_keystore(struct sstp_conn_setup *su, char *err, size_t errlen)
{
	bool had_pin = su->pin != NULL;

	if (!su->keystore_uri || su->creds)
		return 0;
	su->creds = tls_pkcs11_load(su->keystore_uri, NULL, su->pin, err, errlen);
	sstp_secret_free(su->pin);
	su->pin = NULL;
	if (!su->creds) {
		size_t n = strlen(err);

		if (!had_pin && n < errlen)
			snprintf(err + n, errlen - n, " (give the PIN with --cert-password-file FILE "
				 "or --password-stdin)");
		return SSTP_EXIT_PROFILE;
	}
	su->cfg.creds = su->creds;
	if (su->tls_same)
		su->cfg.tls_creds = su->creds;
	return 0;
}

/* --tls-cert / tls-cert: the outer-TLS client certificate (MikroTik verify-client-certificate,
 * IIS with client certificates required). The same value as --cert shares its credentials (a
 * token is opened once); otherwise a file (PKCS#12 or PEM with its key), a certstore: URI, or a
 * pkcs11: URI, with the password or PIN of --cert-password-file. */
static int load_tls_cert(struct sstp_conn_setup *su, const char *tls_cert, const char *cert,
			 const char *cpwfile, char *err, size_t errlen)
{
	size_t n = keystore_scheme(tls_cert);
	char *cpw = NULL;

	if (cert && strcmp(tls_cert, cert) == 0) {
		su->tls_same = true;
		su->cfg.tls_creds = su->creds; /* NULL until a pkcs11: token is opened */
		return 0;
	}
	if (n && plat_keystore_is_uri(tls_cert)) {
		struct tls_blob *chain = NULL;
		struct tls_signer signer;
		size_t nchain = 0;

		if (plat_keystore_open(tls_cert, &chain, &nchain, &signer, err, errlen) != 0)
			return SSTP_EXIT_PROFILE;
		su->tls_creds = tls_creds_from_signer(chain, nchain, &signer, err, errlen);
		plat_keystore_chain_free(chain, nchain);
	} else if (n && !(n == 6 && strncasecmp(tls_cert, "pkcs11", 6) == 0)) {
		snprintf(err, errlen, "--tls-cert %.*s: keystore URIs are not supported on this "
			 "platform (use a PKCS#12 or PEM file, or a pkcs11: URI)", (int)n, tls_cert);
		return SSTP_EXIT_PROFILE;
	} else {
		if (cpwfile && !(cpw = sstp_secret_read(cpwfile, false, NULL, err, errlen)))
			return SSTP_EXIT_USAGE;
		if (n)
			su->tls_creds = tls_pkcs11_load(tls_cert, NULL, cpw, err, errlen);
		else
			su->tls_creds = tls_creds_load_files(tls_cert, NULL, cpw, err, errlen);
		sstp_secret_free(cpw);
	}
	if (!su->tls_creds) {
		size_t l = strlen(err);

		if (l < errlen)
			snprintf(err + l, errlen - l, " (--tls-cert)");
		return SSTP_EXIT_PROFILE;
	}
	su->cfg.tls_creds = su->tls_creds;
	return 0;
}

/* The proxy password, only for a proxy user (--proxy-user, the profile's proxy-user or the URL's
 * USER@): from --proxy-password-file (or the profile's), else SSTP_PROXY_PASSWORD. */
static int load_proxy_password(struct sstp_conn_setup *su, const struct sstp_cli *cli, char *err,
			       size_t errlen)
{
	const struct sstp_connect_opts *c = &cli->conn;
	const char *file = c->proxy_password_file ? c->proxy_password_file
						  : su->profile.proxy_password_file;
	char *env = getenv("SSTP_PROXY_PASSWORD");
	struct sstp_proxy_url u;
	size_t n;

	if (!su->cfg.proxy) {
		if (!c->proxy_user && !c->proxy_password_file)
			return 0;
		snprintf(err, errlen, "--proxy-user and --proxy-password-file need --proxy URL");
		return SSTP_EXIT_USAGE;
	}
	if (!su->cfg.proxy_user && (sstp_proxy_url_parse(su->cfg.proxy, &u) != SSTP_PROXY_URL_OK ||
				    !u.user[0])) {
		if (!c->proxy_password_file)
			return 0;
		snprintf(err, errlen, "--proxy-password-file needs a proxy user: add --proxy-user NAME "
			 "or give --proxy http://USER@HOST:PORT");
		return SSTP_EXIT_USAGE;
	}
	if (file) {
		su->proxy_password = sstp_secret_read(file, false, NULL, err, errlen);
		if (!su->proxy_password)
			return SSTP_EXIT_USAGE;
	} else if (env && (n = strlen(env)) < SSTP_SECRET_MAX) {
		su->proxy_password = calloc(1, SSTP_SECRET_MAX); /* sstp_secret_free wipes it all */
		if (!su->proxy_password)
			return SSTP_EXIT_ERROR;
		memcpy(su->proxy_password, env, n);
		sstp_log_add_secret(su->proxy_password);
		/* wiped in place (that is what /proc/PID/environ shows) and unset: neither this
		 * process's listing nor the children of `sstp run` keep it */
		memset(env, 0, n);
		unsetenv("SSTP_PROXY_PASSWORD");
	} else {
		snprintf(err, errlen, "the proxy user needs a password: give --proxy-password-file "
			 "FILE or set SSTP_PROXY_PASSWORD");
		return SSTP_EXIT_USAGE;
	}
	su->cfg.proxy_password = su->proxy_password;
	return 0;
}

static int load_secrets(struct sstp_conn_setup *su, const struct sstp_cli *cli, char *err,
			size_t errlen)
{
	const struct sstp_connect_opts *c = &cli->conn;
	struct sstp_profile *p = &su->profile;
	struct sstp_session_cfg *cfg = &su->cfg;
	const char *cert = c->cert ? c->cert : p->cert;
	const char *key = c->cert ? c->key : p->key;
	const char *cpwfile = c->cert_password_file ? c->cert_password_file : p->cert_password_file;
	bool need_pw, stdin_used = false;
	char prompt[320];

	if (cert && keystore_scheme(cert)) {
		int r = keystore_prepare(su, cli, cert, key, cpwfile, &stdin_used, err, errlen);

		if (r)
			return r;
	} else if (key && keystore_scheme(key)) {
		snprintf(err, errlen, "a keystore URI names the certificate and its key together: "
			 "give it as --cert (not --key)");
		return SSTP_EXIT_PROFILE;
	} else if (cert) {
		char *cpw = NULL;

		if (cpwfile) {
			cpw = sstp_secret_read(cpwfile, false, NULL, err, errlen);
			if (!cpw)
				return SSTP_EXIT_USAGE;
		}
		su->creds = tls_creds_load_files(cert, key, cpw, err, errlen);
		sstp_secret_free(cpw);
		if (!su->creds)
			return SSTP_EXIT_PROFILE;
		cfg->creds = su->creds;
	}
	if (c->tls_cert || p->tls_cert) {
		int r = load_tls_cert(su, c->tls_cert ? c->tls_cert : p->tls_cert, cert, cpwfile, err,
				      errlen);

		if (r)
			return r;
	}
	if (cfg->auth)
		need_pw = (cfg->auth & (PPP_AUTH_MSCHAPV2 | PPP_AUTH_EAP_MSCHAPV2 | PPP_AUTH_PAP |
					PPP_AUTH_PEAP)) != 0;
	else
		need_pw = cfg->user && !su->creds && !su->keystore_uri;
	if (c->password_file || (c->password_stdin && !stdin_used))
		need_pw = true;
	if (!need_pw) {
		if (!su->creds && !su->keystore_uri && !cfg->user) {
			snprintf(err, errlen, "no credentials: give --user NAME (with --password-file or "
				 "--password-stdin) or --cert FILE");
			return SSTP_EXIT_USAGE;
		}
		return 0;
	}
	if (!cfg->user && !su->creds && !su->keystore_uri) {
		snprintf(err, errlen, "a password needs a user name: add --user NAME");
		return SSTP_EXIT_USAGE;
	}
	snprintf(prompt, sizeof(prompt), "Password for %s@%s: ", cfg->user ? cfg->user : "",
		 cfg->server ? cfg->server : "");
	/* [helper] a profile's password-file is read when neither option was given */
	su->password = sstp_secret_read(c->password_file ? c->password_file : c->password_stdin ? NULL
					: p->password_file, c->password_stdin, prompt, err, errlen);
	if (!su->password)
		return SSTP_EXIT_USAGE;
	cfg->password = su->password;
	return 0;
}

int sstp_conn_setup(struct sstp_conn_setup *su, const struct sstp_cli *cli, char *err,
		    size_t errlen)
{
	int r;

	memset(su, 0, sizeof(*su));
	sstp_session_cfg_init(&su->cfg);
	sstp_profile_init(&su->profile);
	sstp_package_init(&su->pkg);
	if ((r = load_source(su, cli, err, errlen)) != 0)
		return r;
	if (!su->profile.server || !su->profile.server[0]) {
		snprintf(err, errlen, "the profile names no server");
		return SSTP_EXIT_PROFILE;
	}
	if ((r = overlay(su, cli, err, errlen)) != 0)
		return r;
	sstp_session_name_from(cli->conn.name ? cli->conn.name
			       : su->profile.name ? su->profile.name : su->profile.server,
			       su->name, sizeof(su->name));
	su->cfg.name = su->name;
	if ((r = load_proxy_password(su, cli, err, errlen)) != 0)
		return r;
	return load_secrets(su, cli, err, errlen);
}

void sstp_conn_setup_free(struct sstp_conn_setup *su)
{
	sstp_secret_free(su->password);
	su->password = NULL;
	sstp_secret_free(su->proxy_password);
	su->proxy_password = NULL;
	sstp_secret_free(su->pin);
	su->pin = NULL;
	tls_creds_free(su->creds);
	su->creds = NULL;
	tls_creds_free(su->tls_creds);
	su->tls_creds = NULL;
	sstp_profile_free(&su->profile);
	sstp_package_free(&su->pkg);
}
