/* helper_user.c - a user's own profile through the helper (see helper_user.h). */
#include "helper_user.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exit_codes.h"
#include "plat_svc.h"

void helper_policy_init(struct helper_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->user_profiles = true;
	snprintf(pol->group, sizeof(pol->group), "%s", SSTP_HELPER_DEFAULT_GROUP);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int yes_no(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int policy_line(struct helper_policy *pol, char *line, unsigned no, char *err,
		       size_t errlen)
{
	char *eq = strchr(line, '='), *k, *v;

	line = trim(line);
	if (!line[0] || line[0] == '#')
		return 0;
	if (!eq) {
		snprintf(err, errlen, "policy line %u: expected 'key = value'", no);
		return -1;
	}
	*eq = '\0';
	k = trim(line);
	v = trim(eq + 1);
	if (strcmp(k, "user-profiles") == 0 || strcmp(k, "user-full-tunnel") == 0) {
		if (yes_no(v, k[5] == 'p' ? &pol->user_profiles : &pol->full_tunnel) < 0) {
			snprintf(err, errlen, "policy line %u: %s takes yes or no", no, k);
			return -1;
		}
	} else if (strcmp(k, "user-profiles-group") == 0) {
		if (!v[0] || strlen(v) >= sizeof(pol->group)) {
			snprintf(err, errlen, "policy line %u: bad group name", no);
			return -1;
		}
		snprintf(pol->group, sizeof(pol->group), "%s", v);
	} else if (strcmp(k, "allowed-gateway") == 0) {
		if (!v[0] || strlen(v) >= sizeof(pol->gateways[0]) ||
		    pol->n_gateways == HELPER_POLICY_MAX_GATEWAYS) {
			snprintf(err, errlen, "policy line %u: bad gateway or more than %d", no,
				 HELPER_POLICY_MAX_GATEWAYS);
			return -1;
		}
		snprintf(pol->gateways[pol->n_gateways++], sizeof(pol->gateways[0]), "%s", v);
	} else {
		snprintf(err, errlen, "policy line %u: unknown key '%.40s'", no, k);
		return -1;
	}
	return 0;
}

int helper_policy_parse(struct helper_policy *pol, const char *text, size_t len, char *err,
			size_t errlen)
{
	char line[512];
	size_t i = 0;
	unsigned no = 0;

	while (i < len) {
		size_t n = 0;

		no++;
		while (i < len && text[i] != '\n') {
			if (n + 1 >= sizeof(line) || text[i] == '\0') {
				snprintf(err, errlen, "policy line %u: too long or holds a NUL byte", no);
				return SSTP_EXIT_PROFILE;
			}
			line[n++] = text[i++];
		}
		i++; /* the newline */
		line[n] = '\0';
		if (policy_line(pol, line, no, err, errlen) < 0)
			return SSTP_EXIT_PROFILE;
	}
	return 0;
}

int helper_policy_check(const struct helper_policy *pol, const struct sstp_profile *p, char *err,
			size_t errlen)
{
	bool ok = pol->n_gateways == 0;

	if (!pol->user_profiles) {
		snprintf(err, errlen, "permission denied: the administrator's policy does not let "
			 "users connect their own profiles");
		return SSTP_EXIT_PERMISSION;
	}
	for (size_t i = 0; i < pol->n_gateways && p->server; i++)
		if (strcasecmp(pol->gateways[i], p->server) == 0)
			ok = true;
	if (!ok || !p->server) {
		snprintf(err, errlen, "permission denied: the administrator's policy does not allow "
			 "the gateway %s for users' own profiles", p->server ? p->server : "(none)");
		return SSTP_EXIT_PERMISSION;
	}
	if (pol->full_tunnel)
		return 0;
	if (p->full_tunnel) {
		snprintf(err, errlen, "permission denied: the administrator's policy does not let "
			 "users' own profiles take the full tunnel");
		return SSTP_EXIT_PERMISSION;
	}
	for (size_t i = 0; i < p->n_routes; i++) {
		if (p->routes[i].prefix < 8) {
			snprintf(err, errlen, "permission denied: the route /%u is wider than /8, which "
				 "the administrator's policy allows only with the full tunnel",
				 p->routes[i].prefix);
			return SSTP_EXIT_PERMISSION;
		}
	}
	return 0;
}

static void drop(char **s)
{
	free(*s);
	*s = NULL;
}

int helper_user_parse(struct sstp_profile *p, const char *name, const uint8_t *text, size_t len,
		      char *err, size_t errlen)
{
	int r = sstp_profile_parse(p, (const char *)text, len, NULL, err, errlen);

	if (r)
		return r;
	if ((p->cert && sstp_profile_keystore_scheme(p->cert)) ||
	    (p->key && sstp_profile_keystore_scheme(p->key))) {
		snprintf(err, errlen, "profile %s: a keystore URI (PKCS#11 token...) of a user's own "
			 "profile is not supported through the helper yet", name);
		return SSTP_EXIT_PROFILE;
	}
	sstp_strlist_free(&p->ca);
	drop(&p->cert);
	drop(&p->key);
	drop(&p->cert_password_file);
	drop(&p->password_file);
	drop(&p->proxy);
	drop(&p->proxy_user);
	drop(&p->proxy_password_file);
	drop(&p->dir);
	drop(&p->name);
	p->name = strdup(name);
	return p->name ? 0 : SSTP_EXIT_ERROR;
}

/* Files the helper writes into a user profile's directory. */
static const char *const user_files[] = { "profile.conf", "ca.crt", "client.cert", "client.key",
					  "cert-password" };

void helper_user_remove(const char *dir)
{
	char path[512];

	if (!dir || !dir[0])
		return;
	for (size_t i = 0; i < sizeof(user_files) / sizeof(user_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, user_files[i]);
		remove(path);
	}
	remove(dir);
}

static int load_policy(struct helper_policy *pol, char *msg, size_t msglen)
{
	struct sstp_profile_dirs d;
	unsigned char *buf = NULL;
	size_t len = 0;
	char path[512], err[300];
	int r;

	helper_policy_init(pol);
	if (sstp_profile_dirs_default(&d, true) != 0) {
		snprintf(msg, msglen, "cannot find the system profile directory");
		return SSTP_EXIT_ERROR;
	}
	snprintf(path, sizeof(path), "%s/%s", d.system, HELPER_POLICY_FILE);
	sstp_profile_dirs_free(&d);
	r = sstp_read_file_capped(path, 65536, &buf, &len, err, sizeof(err));
	if (r != 0)
		return 0; /* no policy file: the defaults */
	r = helper_policy_parse(pol, (const char *)buf, len, err, sizeof(err));
	free(buf);
	if (r)
		return snprintf(msg, msglen, "%s: %s", path, err) < 0 ? SSTP_EXIT_ERROR : r;
	return 0;
}

static int may_use_own(const struct helper_policy *pol, uint32_t uid, char *msg, size_t msglen)
{
	uint32_t gid;

	if (uid == 0)
		return 0;
	if (plat_group_gid(pol->group, &gid) == 0 && plat_uid_in_group(uid, gid) == 1)
		return 0;
	snprintf(msg, msglen, "permission denied: only members of group '%s' may connect their own "
		 "profiles (the administrator's policy)", pol->group);
	return SSTP_EXIT_PERMISSION;
}

static int write_files(const char *dir, const struct sstp_helper_req *req, struct sstp_profile *p,
		       char *msg, size_t msglen)
{
	const struct sstp_helper_blob *b[] = { &req->uca, &req->ucert, &req->ukey,
					       &req->cert_password };
	char path[512], *text = NULL;
	size_t tlen = 0;
	int r = 0;

	for (size_t i = 0; i < 4 && r == 0; i++) {
		if (!b[i]->set)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, user_files[i + 1]);
		r = sstp_profile_write_file(dir, user_files[i + 1], b[i]->p, b[i]->len, msg, msglen);
		if (r)
			break;
		if (i == 0)
			r = sstp_strlist_add(&p->ca, path) < 0 ? SSTP_EXIT_ERROR : 0;
		else if (!(*(i == 1 ? &p->cert : i == 2 ? &p->key : &p->cert_password_file) =
				   strdup(path)))
			r = SSTP_EXIT_ERROR;
	}
	if (r == 0 && sstp_profile_format(p, &text, &tlen) != 0)
		r = SSTP_EXIT_ERROR;
	if (r == 0)
		r = sstp_profile_write_file(dir, user_files[0], text, tlen, msg, msglen);
	free(text);
	if (r && !msg[0])
		snprintf(msg, msglen, "cannot write the user profile into %s", dir);
	return r;
}

int helper_user_prepare(const char *state_dir, uint32_t uid, const struct sstp_helper_req *req,
			struct sstp_profile *p, char *dir, size_t dirlen, char *msg,
			size_t msglen)
{
	struct helper_policy pol;
	int r, n;

	msg[0] = '\0';
	dir[0] = '\0';
	if ((r = load_policy(&pol, msg, msglen)) != 0 || (r = may_use_own(&pol, uid, msg, msglen)))
		return r;
	if ((r = helper_user_parse(p, req->profile, req->uprofile.p, req->uprofile.len, msg,
				   msglen)) != 0 ||
	    (r = helper_policy_check(&pol, p, msg, msglen)) != 0)
		return r;
	n = snprintf(dir, dirlen, "%s/user-%u-%s", state_dir, (unsigned)uid, req->profile);
	if (n < 0 || (size_t)n >= dirlen) {
		snprintf(msg, msglen, "the state directory's path is too long");
		return SSTP_EXIT_ERROR;
	}
	helper_user_remove(dir); /* what an earlier session may have left */
	/* root's alone: the state directory itself is readable by the helper's group */
	if ((r = plat_svc_prepare_dir(dir, UINT32_MAX, 0700)) < 0) {
		snprintf(msg, msglen, "cannot create %s: %s", dir, strerror(-r));
		return SSTP_EXIT_ERROR;
	}
	r = write_files(dir, req, p, msg, msglen);
	if (r)
		helper_user_remove(dir);
	return r;
}
