/* cli_setup.h - turn the command line of connect/run/check into a session configuration: the
 * profile (by name or path), an Azure package (--package), or a bare SERVER, with the command-line
 * options laid over it; the password (file, stdin or prompt) and the client certificate. */
#ifndef SSTP_CLI_SETUP_H
#define SSTP_CLI_SETUP_H

#include "cli.h"
#include "pkg.h"
#include "profile.h"
#include "session.h"

#define SSTP_SETUP_MAX_CA 72
#define SSTP_SETUP_MAX_ROUTES 320
#define SSTP_SETUP_MAX_DNS 16
#define SSTP_SETUP_MAX_DOMAINS 16

/* Owns everything cfg points to. */
struct sstp_conn_setup {
	struct sstp_session_cfg cfg;
	struct sstp_profile profile;
	struct sstp_package pkg;
	bool have_pkg;
	char host[256];
	char name[72];
	const char *ca_paths[SSTP_SETUP_MAX_CA + 1];
	struct tls_blob blobs[16];
	struct plat_prefix routes[SSTP_SETUP_MAX_ROUTES];
	unsigned route_srcs[SSTP_SETUP_MAX_ROUTES]; /* ROUTE_SRC_* of each */
	struct plat_ip dns[SSTP_SETUP_MAX_DNS];
	const char *domains[SSTP_SETUP_MAX_DOMAINS];
	char *password;                 /* sstp_secret_read */
	char *proxy_password;           /* sstp_secret_read or SSTP_PROXY_PASSWORD; sstp_secret_free */
	struct tls_creds *creds;
	const char *keystore_uri;       /* --cert pkcs11:... (points into cli or profile) */
	char *pin;                      /* its PIN (sstp_secret_read) until the token is opened */
	struct tls_creds *tls_creds;    /* --tls-cert when it is not the same as --cert */
	bool tls_same;                  /* --tls-cert names the --cert credentials */
	const char *backup_dir;         /* --backup-dir, or NULL */
};

/* Fill *su from the command line. Returns 0 or an exit code with a sentence in err. Call
 * sstp_conn_setup_free() in every case. */
int sstp_conn_setup(struct sstp_conn_setup *su, const struct sstp_cli *cli, char *err,
		    size_t errlen);
void sstp_conn_setup_free(struct sstp_conn_setup *su);
/* Open the PKCS#11 token of a keystore URI --cert (the PIN was read by sstp_conn_setup and is
 * wiped here). Call it in the process that runs the session, after any fork (--background):
 * PKCS#11 modules do not survive a fork. 0 (also when there is nothing to open) or an exit code
 * with a sentence in err. */
int sstp_conn_setup_keystore(struct sstp_conn_setup *su, char *err, size_t errlen);

/* Parse --auth: "mschapv2,eap-mschapv2,pap,eap-tls" -> PPP_AUTH_* bits. 0 or -1. */
int sstp_parse_auth(const char *list, unsigned *out);
/* Make a session name from free text: [A-Za-z0-9._-], at most 64, not starting with '.'. */
void sstp_session_name_from(const char *in, char *out, size_t outlen);

#endif
