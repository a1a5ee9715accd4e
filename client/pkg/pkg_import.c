/* pkg_import.c - `sstp import`: turn a package into a profile and write it with the server root
 * certificates (and any extra CA files) beside it, so `sstp connect NAME` needs nothing else.
 * Only paths or keystore URIs of client credentials are recorded, never secrets. */
#include "pkg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/x509_crt.h>

#include "sstp_err.h"
#include "pkg_internal.h"

#define EXTRA_CA_MAX (1024u * 1024u)

int sstp_package_to_profile(const struct sstp_package *pkg, struct sstp_profile *out)
{
	sstp_profile_init(out);
	if (!pkg->gateway || !(out->server = strdup(pkg->gateway)))
		goto oom;
	out->port = 443;
	for (size_t i = 0; i < pkg->n_routes; i++)
		if (sstp_profile_add_route(out, &pkg->routes[i]) != 0)
			goto oom;
	for (size_t i = 0; i < pkg->n_pools; i++)
		if (sstp_profile_add_pool(out, &pkg->pools[i]) != 0)
			goto oom;
	for (size_t i = 0; i < pkg->n_dns; i++)
		if (sstp_profile_add_dns(out, &pkg->dns[i]) != 0)
			goto oom;
	if (pkg->vnet_name && !(out->vnet_name = strdup(pkg->vnet_name)))
		goto oom;
	if (pkg->vnet_id && !(out->vnet_id = strdup(pkg->vnet_id)))
		goto oom;
	if (pkg->auth) {
		const char *a = strcasecmp(pkg->auth, "EAPTLS") == 0		? "eap-tls"
				: strcasecmp(pkg->auth, "EAPMSCHAPv2") == 0 ? "eap-mschapv2"
									    : NULL;
		if (a && !(out->auth = strdup(a)))
			goto oom;
	}
	return 0;
oom:
	sstp_profile_free(out);
	return SSTP_ERR_INTERNAL;
}

/* A client credential: a URI stays as is (a PIN inside it is refused), a path must exist and is
 * stored absolute, because the profile lives elsewhere than the current directory. */
static int credential(const char *what, const char *v, char **dst, char *err, size_t errlen)
{
	if (!v)
		return 0;
	if (sstp_profile_keystore_scheme(v)) {
		if (strcasestr(v, "pin-value") || strcasestr(v, "password")) {
			snprintf(err, errlen, "--%s: the URI carries a PIN or password; secrets are never "
				 "stored in a profile (use pin-source or the keystore's own prompt)", what);
			return SSTP_ERR_USAGE;
		}
		*dst = strdup(v);
	} else {
		char real[PATH_MAX];
		if (!realpath(v, real)) {
			snprintf(err, errlen, "--%s %.200s: %s", what, v, strerror(errno));
			return SSTP_ERR_PROFILE;
		}
		*dst = strdup(real);
	}
	if (!*dst) {
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	return 0;
}

static int default_name(const struct sstp_package *pkg, char *out, size_t outlen)
{
	if (pkg->vnet_name && sstp_profile_name_sanitize(pkg->vnet_name, out, outlen) == 0)
		return 0;
	if (pkg->gateway) {
		char first[128];
		size_t n = strcspn(pkg->gateway, ".");
		snprintf(first, sizeof(first), "%.*s", (int)(n < 127 ? n : 127), pkg->gateway);
		if (sstp_profile_name_sanitize(first, out, outlen) == 0)
			return 0;
	}
	return -1;
}

/* Copy one extra CA file beside the profile as PEM after checking it parses. */
static int copy_extra_ca(const char *dir, const char *src, size_t idx, char *fname, size_t flen,
			 char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len;
	int rc = sstp_read_file_capped(src, EXTRA_CA_MAX, &buf, &len, err, errlen);
	if (rc)
		return rc;
	mbedtls_x509_crt crt;
	mbedtls_x509_crt_init(&crt);
	bool pem = memmem(buf, len, "-----BEGIN CERTIFICATE-----", 27) != NULL;
	/* mbedtls wants the PEM NUL-terminated and its length to include the NUL */
	int prc = mbedtls_x509_crt_parse(&crt, buf, pem ? len + 1 : len);
	mbedtls_x509_crt_free(&crt);
	if (prc != 0) {
		snprintf(err, errlen, "--ca %.200s: not a PEM or DER certificate", src);
		free(buf);
		return SSTP_ERR_PROFILE;
	}
	snprintf(fname, flen, "ca-%zu.pem", idx);
	if (pem) {
		rc = sstp_profile_write_file(dir, fname, buf, len, err, errlen);
	} else {
		size_t plen;
		char *p = sstp_pkg_der_to_pem(buf, len, &plen);
		rc = p ? sstp_profile_write_file(dir, fname, p, plen, err, errlen) : SSTP_ERR_INTERNAL;
		free(p);
	}
	free(buf);
	return rc;
}

int sstp_package_import(const struct sstp_package *pkg, const struct sstp_import_opts *opts,
			char *name_out, size_t name_len, char *path_out, size_t path_len,
			char *err, size_t errlen)
{
	struct sstp_import_opts none = {0};
	struct sstp_profile prof;
	struct sstp_profile_dirs dirs = {0};
	char name[SSTP_PROFILE_NAME_MAX + 1], dir[4096], fname[64];
	int rc;

	if (!opts)
		opts = &none;
	rc = sstp_package_check_sstp(pkg, err, errlen);
	if (rc)
		return rc;
	if (opts->name) {
		if (!sstp_profile_name_valid(opts->name)) {
			snprintf(err, errlen, "--name '%.64s': use 1-%u letters, digits, '-', '_', '.', "
				 "'@' (no '/', no '..')", opts->name, SSTP_PROFILE_NAME_MAX);
			return SSTP_ERR_USAGE;
		}
		snprintf(name, sizeof(name), "%s", opts->name);
	} else if (default_name(pkg, name, sizeof(name)) != 0) {
		snprintf(err, errlen, "cannot derive a profile name from the package; pass --name");
		return SSTP_ERR_USAGE;
	}
	const char *base = opts->base_dir;
	if (!base) {
		if (sstp_profile_dirs_default(&dirs, opts->as_root) != 0) {
			snprintf(err, errlen, "out of memory");
			return SSTP_ERR_INTERNAL;
		}
		base = sstp_profile_dirs_write(&dirs);
	}
	rc = sstp_package_to_profile(pkg, &prof);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		goto out_dirs;
	}
	if ((rc = credential("cert", opts->cert, &prof.cert, err, errlen)) ||
	    (rc = credential("key", opts->key, &prof.key, err, errlen)))
		goto out;
	if ((opts->user && !(prof.user = strdup(opts->user))) ||
	    sstp_profile_set_domains(&prof, opts->dns_domains, opts->n_dns_domains) != 0) {
		rc = SSTP_ERR_INTERNAL;
		goto out;
	}
	if (!(prof.name = strdup(name))) {
		rc = SSTP_ERR_INTERNAL;
		goto out;
	}
	rc = sstp_profile_prepare_dir(base, name, opts->overwrite, dir, sizeof(dir), err, errlen);
	if (rc)
		goto out;
	for (size_t i = 0; i < pkg->n_roots; i++) {
		size_t plen;
		char *pem = sstp_pkg_der_to_pem(pkg->roots[i].der, pkg->roots[i].der_len, &plen);
		if (!pem) {
			rc = SSTP_ERR_INTERNAL;
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		snprintf(fname, sizeof(fname), "server-root-%zu.pem", i + 1);
		rc = sstp_profile_write_file(dir, fname, pem, plen, err, errlen);
		free(pem);
		if (rc || (rc = sstp_strlist_add(&prof.ca, fname) ? SSTP_ERR_INTERNAL : 0))
			goto out;
	}
	for (size_t i = 0; i < opts->n_extra_ca; i++) {
		rc = copy_extra_ca(dir, opts->extra_ca[i], i + 1, fname, sizeof(fname), err, errlen);
		if (rc || (rc = sstp_strlist_add(&prof.ca, fname) ? SSTP_ERR_INTERNAL : 0))
			goto out;
	}
	rc = sstp_profile_save(&prof, base, true, err, errlen);
	if (rc)
		goto out;
	if (name_out && name_len)
		snprintf(name_out, name_len, "%s", name);
	if (path_out && path_len)
		snprintf(path_out, path_len, "%s/%s", dir, SSTP_PROFILE_FILE);
out:
	if (rc == SSTP_ERR_INTERNAL && err && errlen && !err[0])
		snprintf(err, errlen, "out of memory");
	sstp_profile_free(&prof);
out_dirs:
	sstp_profile_dirs_free(&dirs);
	return rc;
}

int sstp_pkg_cmd_import(const char *src, const struct sstp_import_opts *opts, FILE *out,
			char *err, size_t errlen)
{
	struct sstp_package p;
	struct sstp_fetch_opts fo = {0};
	char name[SSTP_PROFILE_NAME_MAX + 1], path[4200];
	fo.progress = stderr;
	if (errlen)
		err[0] = '\0';
	if (sstp_pkg_is_foreign(src))
		return sstp_pkg_import_foreign(src, opts, out, err, errlen);
	int rc = sstp_package_read(src, &fo, &p, err, errlen);
	if (rc)
		return rc;
	rc = sstp_package_import(&p, opts, name, sizeof(name), path, sizeof(path), err, errlen);
	if (rc) {
		sstp_package_free(&p);
		return rc;
	}
	fprintf(out, "Imported profile '%s' (%s)\n", name, path);
	fprintf(out, "  gateway %s, %zu route(s), %zu server root certificate(s)\n", p.gateway,
		p.n_routes, p.n_roots);
	if (p.pool_inferred)
		fprintf(out, "  note: the client address pool was taken from the last line of the "
			"installer's routes.txt\n");
	if (!opts || !opts->cert)
		fprintf(out, "  note: no client certificate recorded; pass --cert to `sstp connect` or "
			"re-import with --cert\n");
	if (opts && opts->n_local) {
		struct sstp_profile prof;
		if (sstp_package_to_profile(&p, &prof) == 0) {
			sstp_pkg_warn_overlaps(&prof, opts->local, opts->n_local, out);
			sstp_profile_free(&prof);
		}
	}
	fprintf(out, "Connect with: sstp connect %s\n", name);
	fflush(out);
	sstp_package_free(&p);
	return 0;
}
