/* helper_user_cli.c - the CLI's half of a user's own profile through the helper: read the
 * profile and its files as the calling user and put their bytes into the CONNECT request (see
 * helper_user.h). The helper never opens a file of the user's. */
#include "helper_user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_secret.h"
#include "cli_exit.h"
#include "exit_codes.h"
#include "plat_paths.h"

/* Largest file sent: the whole request must fit one frame (SSTP_CTL_MAX_PAYLOAD). */
#define USER_FILE_MAX 6144

void helper_user_bufs_free(struct helper_user_bufs *ub)
{
	free(ub->text);
	free(ub->ca);
	free(ub->cert);
	if (ub->key) {
		volatile unsigned char *v = ub->key; /* a private key: wiped */

		for (size_t i = 0; i < ub->key_len; i++)
			v[i] = 0;
	}
	free(ub->key);
	sstp_secret_free(ub->cert_password);
	free(ub->password_file);
	memset(ub, 0, sizeof(*ub));
}

static int read_one(const char *path, unsigned char **buf, size_t *len, struct sstp_helper_blob *b,
		    char *err, size_t errlen)
{
	int r = sstp_cli_exit_code(sstp_read_file_capped(path, USER_FILE_MAX, buf, len, err,
							 errlen));

	if (r)
		return -r;
	b->p = *buf;
	b->len = *len;
	b->set = true;
	return 0;
}

/* Several CA files: their PEM texts one after the other, in one file. */
static int read_cas(const struct sstp_profile *p, struct helper_user_bufs *ub,
		    struct sstp_helper_blob *b, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->ca.n; i++) {
		unsigned char *one = NULL, *grown;
		size_t n = 0;
		int r = sstp_cli_exit_code(sstp_read_file_capped(p->ca.v[i], USER_FILE_MAX, &one,
								 &n, err, errlen));

		if (r)
			return -r;
		if (ub->ca_len + n + 1 > USER_FILE_MAX || !(grown = realloc(ub->ca, ub->ca_len + n + 2))) {
			free(one);
			snprintf(err, errlen, "the CA files of the profile are larger than %d bytes "
				 "together", USER_FILE_MAX);
			return -SSTP_EXIT_PROFILE;
		}
		ub->ca = grown;
		memcpy(ub->ca + ub->ca_len, one, n);
		ub->ca_len += n;
		ub->ca[ub->ca_len++] = '\n';
		ub->ca[ub->ca_len] = '\0';
		free(one);
	}
	b->p = ub->ca;
	b->len = ub->ca_len;
	b->set = true;
	return 0;
}

static int read_files(const struct sstp_profile *p, const char *cpw_file,
		      struct sstp_helper_req *req, struct helper_user_bufs *ub, char *err,
		      size_t errlen)
{
	int r = 0;

	if (p->ca.n == 1 && (r = read_one(p->ca.v[0], &ub->ca, &ub->ca_len, &req->uca, err,
					   errlen)))
		return r;
	if (p->ca.n > 1 && (r = read_cas(p, ub, &req->uca, err, errlen)))
		return r;
	if (p->cert && (r = read_one(p->cert, &ub->cert, &ub->cert_len, &req->ucert, err, errlen)))
		return r;
	if (p->key && (r = read_one(p->key, &ub->key, &ub->key_len, &req->ukey, err, errlen)))
		return r;
	if (!cpw_file)
		cpw_file = p->cert_password_file;
	if (p->cert && cpw_file) {
		ub->cert_password = sstp_secret_read(cpw_file, false, NULL, err, errlen);
		if (!ub->cert_password)
			return -SSTP_EXIT_USAGE;
		if (!sstp_helper_password_ok(ub->cert_password)) {
			snprintf(err, errlen, "the certificate password in %s is too long", cpw_file);
			return -SSTP_EXIT_USAGE;
		}
		req->cert_password.p = (const uint8_t *)ub->cert_password;
		req->cert_password.len = strlen(ub->cert_password);
		req->cert_password.set = req->cert_password.len > 0;
	}
	if (p->password_file && !(ub->password_file = strdup(p->password_file)))
		return -SSTP_EXIT_ERROR;
	return 0;
}

int helper_user_read(const char *name, const char *cert_password_file,
		     struct sstp_helper_req *req, struct helper_user_bufs *ub, char *err,
		     size_t errlen)
{
	struct sstp_profile_dirs d, only_user;
	struct sstp_profile p;
	char path[1024];
	int r;

	memset(ub, 0, sizeof(*ub));
	if (sstp_profile_dirs_default(&d, false) != 0 || !d.user) {
		if (d.user || d.system)
			sstp_profile_dirs_free(&d);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", d.user, name, SSTP_PROFILE_FILE);
	if (sstp_read_file_capped(path, SSTP_HELPER_UPROFILE_MAX, &ub->text, &ub->text_len, err,
				  errlen) != 0) {
		sstp_profile_dirs_free(&d);
		helper_user_bufs_free(ub);
		return 0; /* none of the user's: the administrator's profile of that name */
	}
	only_user.user = d.user;
	only_user.system = d.user;
	sstp_profile_init(&p);
	r = sstp_cli_exit_code(sstp_profile_load(&p, name, &only_user, err, errlen));
	sstp_profile_dirs_free(&d);
	if (r == 0)
		r = -read_files(&p, cert_password_file, req, ub, err, errlen);
	sstp_profile_free(&p);
	if (r != 0) {
		helper_user_bufs_free(ub);
		memset(&req->uca, 0, sizeof(req->uca));
		memset(&req->ucert, 0, sizeof(req->ucert));
		memset(&req->ukey, 0, sizeof(req->ukey));
		memset(&req->cert_password, 0, sizeof(req->cert_password));
		return -r;
	}
	req->uprofile.p = ub->text;
	req->uprofile.len = ub->text_len;
	req->uprofile.set = true;
	return 1;
}
