/* cli_profile.c - `sstp list` and `sstp show`: the profiles of the user and of the system, and
 * every key of one profile with the value in effect, where it came from (file and line, or the
 * default) and the SHA-256 fingerprints of the roots its ca files hold. set/edit/remove are in
 * cli_profile_edit.c. */
#include "cli_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mbedtls/md.h>
#include <mbedtls/x509_crt.h>

#include "cli_exit.h"
#include "exit_codes.h"
#include "plat_proc.h"
#include "status.h"

int sstp_cli_profile_find(const char *name, struct sstp_profile_ref *ref, char *err,
			  size_t errlen)
{
	memset(ref, 0, sizeof(*ref));
	if (!sstp_profile_name_valid(name)) {
		snprintf(err, errlen, "'%.64s' is not a valid profile name (letters, digits, '-', "
			 "'_', '.', '@'; at most %u; no '..')", name, SSTP_PROFILE_NAME_MAX);
		return SSTP_EXIT_PROFILE;
	}
	if (sstp_profile_dirs_default(&ref->dirs, plat_is_root()) != 0) {
		snprintf(err, errlen, "cannot find the profile directories");
		return SSTP_EXIT_ERROR;
	}
	const char *bases[2] = {ref->dirs.user, ref->dirs.system};
	for (int i = 0; i < 2; i++) {
		struct stat st;
		if (!bases[i])
			continue;
		snprintf(ref->dir, sizeof(ref->dir), "%s/%s", bases[i], name);
		snprintf(ref->file, sizeof(ref->file), "%s/%s", ref->dir, SSTP_PROFILE_FILE);
		if (lstat(ref->file, &st) == 0 && S_ISREG(st.st_mode)) {
			ref->system = i == 1;
			ref->writable = i == 0 || plat_is_root();
			return 0;
		}
	}
	snprintf(err, errlen, "no profile named '%s' (sstp list shows them; sstp import makes one)",
		 name);
	sstp_profile_dirs_free(&ref->dirs);
	return SSTP_EXIT_PROFILE;
}

void sstp_cli_profile_ref_free(struct sstp_profile_ref *ref)
{
	sstp_profile_dirs_free(&ref->dirs);
}

/* ---- list ---- */

static void list_one(FILE *out, bool json, bool *first, const char *name, const char *base,
		     bool system)
{
	struct sstp_profile p;
	char path[4200], err[512] = "";

	snprintf(path, sizeof(path), "%s/%s", base, name);
	sstp_profile_init(&p);
	int rc = sstp_cli_exit_code(sstp_profile_load(&p, path, NULL, err, sizeof(err)));
	if (json) {
		fprintf(out, "%s\n    {\"name\": ", *first ? "" : ",");
		sstp_json_string(out, name);
		fprintf(out, ", \"scope\": \"%s\", \"path\": ", system ? "system" : "user");
		sstp_json_string(out, path);
		fputs(", \"server\": ", out);
		if (rc == 0 && p.server)
			sstp_json_string(out, p.server);
		else
			fputs("null", out);
		if (rc == 0)
			fprintf(out, ", \"port\": %u", (unsigned)p.port);
		else
			fputs(", \"port\": null", out);
		fprintf(out, ", \"valid\": %s, \"error\": ",
			rc ? "false" : "true");
		if (rc)
			sstp_json_string(out, err);
		else
			fputs("null", out);
		fputc('}', out);
	} else if (rc == 0) {
		fprintf(out, "%-24s %-7s %s:%u\n", name, system ? "system" : "user", p.server,
			(unsigned)p.port);
	} else {
		fprintf(out, "%-24s %-7s invalid: %s\n", name, system ? "system" : "user", err);
	}
	*first = false;
	sstp_profile_free(&p);
}

int sstp_cmd_list(const struct sstp_cli *cli)
{
	struct sstp_profile_dirs dirs;
	bool first = true;

	if (sstp_profile_dirs_default(&dirs, plat_is_root()) != 0) {
		fprintf(stderr, "sstp list: cannot find the profile directories\n");
		return SSTP_EXIT_ERROR;
	}
	if (cli->json)
		printf("{\n  \"schema\": %d,\n  \"profiles\": [", SSTP_JSON_SCHEMA);
	const char *bases[2] = {dirs.user, dirs.system};
	struct sstp_strlist seen = {0};
	for (int i = 0; i < 2; i++) {
		struct sstp_profile_dirs one = {0};
		struct sstp_strlist names;
		if (!bases[i])
			continue;
		one.system = (char *)bases[i];
		if (sstp_profile_list(&one, &names) != 0)
			continue;
		for (size_t k = 0; k < names.n; k++) {
			bool dup = false;
			for (size_t j = 0; j < seen.n; j++)
				dup = dup || strcmp(seen.v[j], names.v[k]) == 0;
			if (dup)
				continue; /* a user profile hides the system one of that name */
			sstp_strlist_add(&seen, names.v[k]);
			list_one(stdout, cli->json, &first, names.v[k], bases[i], i == 1);
		}
		sstp_strlist_free(&names);
	}
	if (cli->json)
		printf("%s]\n}\n", first ? "" : "\n  ");
	else if (first)
		fprintf(stderr, "no profiles (sstp import makes one)\n");
	sstp_strlist_free(&seen);
	sstp_profile_dirs_free(&dirs);
	return SSTP_EXIT_OK;
}

/* ---- show ---- */

#define SHOW_MAX 600

struct seen_key {
	const char *key; /* from the key table */
	char value[SSTP_PROFILE_MAX_LINE + 1];
	unsigned line;
};

struct show_ctx {
	struct seen_key *v;
	size_t n;
};

static void on_key(void *ctx, const char *key, const char *value, unsigned line)
{
	struct show_ctx *s = ctx;
	const struct sstp_profile_key_info *k = sstp_profile_key_find(key);
	if (!k || s->n >= SHOW_MAX)
		return;
	s->v[s->n].key = k->key;
	snprintf(s->v[s->n].value, sizeof(s->v[s->n].value), "%s", value);
	s->v[s->n].line = line;
	s->n++;
}

/* AB:CD:... as openssl prints it for people; abcd... (as package show --json) for programs. */
static void hex_fp(const unsigned char *d, size_t n, char *out, bool plain)
{
	for (size_t i = 0; i < n; i++) {
		if (plain)
			snprintf(out + 2 * i, 3, "%02x", d[i]);
		else
			snprintf(out + 3 * i, 4, "%02X%s", d[i], i + 1 < n ? ":" : "");
	}
}

/* The roots of one ca file: "sha256 subject" per certificate, or why it cannot be read. */
static void show_roots(FILE *out, bool json, const char *path, bool *first)
{
	mbedtls_x509_crt chain;
	char subject[256], fp[3 * 32 + 1], msg[128] = "";
	unsigned char h[32];

	mbedtls_x509_crt_init(&chain);
	int rc = mbedtls_x509_crt_parse_file(&chain, path);
	if (rc < 0 || !chain.raw.p)
		snprintf(msg, sizeof(msg), "cannot read a certificate (mbedTLS -0x%04x)",
			 (unsigned)-rc);
	for (mbedtls_x509_crt *c = &chain; !msg[0] && c && c->raw.p; c = c->next) {
		mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), c->raw.p, c->raw.len, h);
		hex_fp(h, sizeof(h), fp, json);
		if (mbedtls_x509_dn_gets(subject, sizeof(subject), &c->subject) < 0)
			snprintf(subject, sizeof(subject), "?");
		if (json) {
			fprintf(out, "%s\n    {\"file\": ", *first ? "" : ",");
			sstp_json_string(out, path);
			fprintf(out, ", \"sha256\": \"%s\", \"subject\": ", fp);
			sstp_json_string(out, subject);
			fputs(", \"error\": null}", out);
		} else {
			fprintf(out, "  %s\n    sha256 %s\n    subject %s\n", path, fp, subject);
		}
		*first = false;
	}
	if (msg[0]) {
		if (json) {
			fprintf(out, "%s\n    {\"file\": ", *first ? "" : ",");
			sstp_json_string(out, path);
			fputs(", \"sha256\": null, \"subject\": null, \"error\": ", out);
			sstp_json_string(out, msg);
			fputc('}', out);
		} else {
			fprintf(out, "  %s\n    %s\n", path, msg);
		}
		*first = false;
	}
	mbedtls_x509_crt_free(&chain);
}

static void show_keys(FILE *out, bool json, const struct show_ctx *s, const char *file)
{
	bool first = true;
	for (size_t i = 0; i < sstp_profile_key_count(); i++) {
		const struct sstp_profile_key_info *k = sstp_profile_key_at(i);
		bool any = false;
		if (k->secret)
			continue;
		for (size_t j = 0; j < s->n; j++) {
			if (s->v[j].key != k->key)
				continue;
			any = true;
			if (json) {
				fprintf(out, "%s\n    {\"key\": \"%s\", \"value\": ", first ? "" : ",",
					k->key);
				sstp_json_string(out, s->v[j].value);
				fputs(", \"source\": \"file\", \"file\": ", out);
				sstp_json_string(out, file);
				fprintf(out, ", \"line\": %u}", s->v[j].line);
			} else {
				fprintf(out, "  %-20s %-40s %s:%u\n", k->key, s->v[j].value, file,
					s->v[j].line);
			}
			first = false;
		}
		if (any)
			continue;
		if (json) {
			fprintf(out, "%s\n    {\"key\": \"%s\", \"value\": ", first ? "" : ",", k->key);
			if (k->deflt[0])
				sstp_json_string(out, k->deflt);
			else
				fputs("null", out);
			fputs(", \"source\": \"default\", \"file\": null, \"line\": null}", out);
		} else {
			fprintf(out, "  %-20s %-40s default\n", k->key, k->deflt[0] ? k->deflt : "-");
		}
		first = false;
	}
}

int sstp_cmd_show(const struct sstp_cli *cli)
{
	struct sstp_profile_ref ref;
	struct sstp_profile p;
	struct show_ctx s = {0};
	unsigned char *buf = NULL;
	size_t len;
	char err[5000], msg[512];
	int rc = sstp_cli_profile_find(cli->name, &ref, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "sstp show: %s\n", err);
		return rc;
	}
	sstp_profile_init(&p);
	s.v = calloc(SHOW_MAX, sizeof(*s.v));
	rc = s.v ? sstp_cli_exit_code(sstp_read_file_capped(ref.file, SSTP_PROFILE_MAX_FILE, &buf,
							    &len, err, sizeof(err))) : SSTP_EXIT_ERROR;
	if (rc == 0) {
		rc = sstp_cli_exit_code(sstp_profile_parse_cb(&p, (const char *)buf, len, ref.dir,
							      on_key, &s, msg, sizeof(msg)));
		if (rc)
			snprintf(err, sizeof(err), "%s: %s", ref.file, msg);
	}
	if (rc) {
		fprintf(stderr, "sstp show: %s\n", s.v ? err : "out of memory");
		goto out;
	}
	bool json = cli->json, first = true;
	if (json) {
		printf("{\n  \"schema\": %d,\n  \"name\": ", SSTP_JSON_SCHEMA);
		sstp_json_string(stdout, cli->name);
		printf(",\n  \"scope\": \"%s\",\n  \"file\": ", ref.system ? "system" : "user");
		sstp_json_string(stdout, ref.file);
		fputs(",\n  \"keys\": [", stdout);
	} else {
		printf("profile %s (%s)\nfile    %s\nkeys:\n", cli->name,
		       ref.system ? "system" : "user", ref.file);
	}
	show_keys(stdout, json, &s, ref.file);
	if (json)
		fputs("\n  ],\n  \"roots\": [", stdout);
	else
		printf("roots:%s\n", p.ca.n ? "" : " (none: the system's trusted roots)");
	for (size_t i = 0; i < p.ca.n; i++)
		show_roots(stdout, json, p.ca.v[i], &first);
	if (json)
		printf("%s]\n}\n", first ? "" : "\n  ");
out:
	free(s.v);
	free(buf);
	sstp_profile_free(&p);
	sstp_cli_profile_ref_free(&ref);
	return rc;
}
