/* helper_user.h - a user's own profile through the helper, and the policy that allows it.
 *
 * The user's CLI reads their profile (~/.config/sstp/NAME/profile.conf), its CA, certificate,
 * key and password files as that user and sends the bytes in the CONNECT request
 * (helper_proto.h: UPROFILE, UCA, UCERT, UKEY, CERT_PASSWORD). The helper never opens a file
 * of the user's: it parses the text, keeps only connection settings (paths, proxies and
 * password files inside it are dropped), checks them against /etc/sstp/policy.conf and writes
 * the profile and the received files into a root-only directory of the state directory
 * (STATE_DIR/user-UID-NAME, 0700), which the session child connects and which is removed when
 * the session ends.
 *
 * policy.conf ("key = value" lines, '#' comments; a missing file means the defaults):
 *   user-profiles = yes|no         users may connect their own profiles (yes)
 *   user-profiles-group = GROUP    ...when they belong to GROUP (sstp); root always may
 *   user-full-tunnel = yes|no      a user's profile may take the whole tunnel, i.e. full-tunnel
 *                                  or a route wider than /8 (no)
 *   allowed-gateway = HOST         repeatable: user profiles may connect only these servers
 *                                  (compared case-insensitively); none listed = any */
#ifndef SSTP_HELPER_USER_H
#define SSTP_HELPER_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helper_proto.h"
#include "profile.h"

#define HELPER_POLICY_FILE "policy.conf"
#define HELPER_POLICY_MAX_GATEWAYS 32

struct helper_policy {
	bool user_profiles;
	char group[64];
	bool full_tunnel;
	char gateways[HELPER_POLICY_MAX_GATEWAYS][256];
	size_t n_gateways;
};

void helper_policy_init(struct helper_policy *pol);
/* Parse policy text. 0, or SSTP_EXIT_PROFILE with "line N: ..." in err. */
int helper_policy_parse(struct helper_policy *pol, const char *text, size_t len, char *err,
			size_t errlen);
/* Whether the (already parsed, sanitized) user profile p may be connected under pol. 0, or
 * SSTP_EXIT_PERMISSION with a sentence in err. */
int helper_policy_check(const struct helper_policy *pol, const struct sstp_profile *p, char *err,
			size_t errlen);
/* Parse the user's profile text into p (initialised by the caller) and drop what the helper
 * never takes from a user: CA/certificate/key/password paths, proxies, its directory. 0 or
 * SSTP_EXIT_PROFILE with err. */
int helper_user_parse(struct sstp_profile *p, const char *name, const uint8_t *text, size_t len,
		      char *err, size_t errlen);

/* Helper side (I/O): load the policy from the system profile directory, check that uid (gid
 * lookups through the group database) may connect own profiles, parse and check req's profile
 * into p, write it and req's files into dir (STATE_DIR/user-UID-NAME). 0 with dir filled, or an
 * exit code with a sentence in msg (nothing left on disk then). */
int helper_user_prepare(const char *state_dir, uint32_t uid, const struct sstp_helper_req *req,
			struct sstp_profile *p, char *dir, size_t dirlen, char *msg,
			size_t msglen);
/* Remove such a directory and what the helper wrote into it. */
void helper_user_remove(const char *dir);

/* CLI side (helper_user_cli.c): what the CLI read for a user's own profile; the request's
 * blobs point into it until helper_user_bufs_free (which wipes the secrets). */
struct helper_user_bufs {
	unsigned char *text, *ca, *cert, *key;
	size_t text_len, ca_len, cert_len, key_len;
	char *cert_password;
	char *password_file; /* the profile's password-file (a path, no secret), or NULL */
};
/* When NAME is a profile of the calling user's own profile directory: read it, its first CA,
 * certificate and key files, and the certificate password (cert_password_file, else the
 * profile's), all as this user, into ub and req (UPROFILE, UCA, UCERT, UKEY, CERT_PASSWORD).
 * 1 when it is a user profile (req filled), 0 when there is none by that name, or -exit code
 * with a sentence in err. */
int helper_user_read(const char *name, const char *cert_password_file,
		     struct sstp_helper_req *req, struct helper_user_bufs *ub, char *err,
		     size_t errlen);
void helper_user_bufs_free(struct helper_user_bufs *ub);

#endif
