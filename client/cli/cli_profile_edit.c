/* cli_profile_edit.c - `sstp set`, `sstp edit` and `sstp remove`: every change is validated as a
 * whole profile before it replaces the file (temp file + rename), so a bad key or value leaves
 * the profile as it was and exits 9 with the key and the line named. */
#include "cli_profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_exit.h"
#include "exit_codes.h"
#include "plat_paths.h"
#include "plat_proc.h"

/* Find NAME and check that this user may change it. */
static int find_writable(const char *verb, const char *name, struct sstp_profile_ref *ref)
{
	char err[600];
	int rc = sstp_cli_profile_find(name, ref, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "sstp %s: %s\n", verb, err);
		return rc;
	}
	if (!ref->writable) {
		fprintf(stderr, "sstp %s: '%s' is a system profile (%s); only root changes it "
			"(sudo sstp %s %s ...)\n", verb, name, ref->file, verb, name);
		sstp_cli_profile_ref_free(ref);
		return SSTP_EXIT_PERMISSION;
	}
	return 0;
}

/* Relative file paths given to `set` are relative to the current directory (as on the command
 * line of connect), not to the profile's: make them absolute. *owned collects what to free. */
static const char *absolutize(const char *a, char **owned)
{
	char cwd[4096], key[64];
	const char *eq = strchr(a, '=');
	size_t kl = eq ? (size_t)(eq - a) : 0;

	*owned = NULL;
	if (!eq || kl >= sizeof(key))
		return a;
	memcpy(key, a, kl);
	key[kl] = '\0';
	const struct sstp_profile_key_info *k = sstp_profile_key_find(key);
	const char *v = eq + 1;
	if (!k || !k->path || !*v || plat_path_is_absolute(v) || sstp_profile_keystore_scheme(v) ||
	    !getcwd(cwd, sizeof(cwd)))
		return a;
	while (v[0] == '.' && v[1] == '/')
		v += 2;
	size_t n = kl + 1 + strlen(cwd) + 1 + strlen(v) + 1;
	*owned = malloc(n);
	if (!*owned)
		return a;
	snprintf(*owned, n, "%s=%s/%s", key, cwd, v);
	return *owned;
}

int sstp_cmd_set(const struct sstp_cli *cli)
{
	struct sstp_profile_ref ref;
	const char *assign[SSTP_CLI_MAX_LIST];
	char *owned[SSTP_CLI_MAX_LIST] = {NULL};
	unsigned char *buf = NULL;
	char *text = NULL, err[5000], msg[600];
	size_t len = 0, tlen = 0;
	int rc = find_writable("set", cli->name, &ref);

	if (rc)
		return rc;
	for (size_t i = 0; i < cli->n_assign; i++)
		assign[i] = absolutize(cli->assign[i], &owned[i]);
	rc = sstp_cli_exit_code(sstp_read_file_capped(ref.file, SSTP_PROFILE_MAX_FILE, &buf, &len,
						      err, sizeof(err)));
	if (rc == 0) {
		rc = sstp_cli_exit_code(sstp_profile_text_set((const char *)buf, len, assign,
							      cli->n_assign, ref.dir, &text, &tlen,
							      msg, sizeof(msg)));
		if (rc)
			snprintf(err, sizeof(err), "profile '%s' not changed: %s", cli->name, msg);
	}
	if (rc == 0)
		rc = sstp_cli_exit_code(sstp_profile_write_file(ref.dir, SSTP_PROFILE_FILE, text, tlen,
								err, sizeof(err)));
	if (rc)
		fprintf(stderr, "sstp set: %s\n", err);
	else if (cli->verbosity >= 0)
		fprintf(stderr, "profile '%s' updated (%s)\n", cli->name, ref.file);
	for (size_t i = 0; i < cli->n_assign; i++)
		free(owned[i]);
	free(text);
	free(buf);
	sstp_cli_profile_ref_free(&ref);
	return rc;
}

/* ---- edit ---- */

static int write_all(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	const unsigned char *p = data;

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd);
}

/* Run $VISUAL, else $EDITOR, else vi on path (through sh, so "code --wait" works). The editor
 * owns the terminal; there is no time limit. Its exit code, or -1 when it could not start. */
static int run_editor(const char *path)
{
	char *argv[] = {"sh", "-c", "exec ${VISUAL:-${EDITOR:-vi}} \"$1\"", "sstp-edit",
			(char *)path, NULL};
	int pid, code = 1;

	if (plat_spawn(argv, &pid) < 0)
		return -1;
	if (plat_wait(pid, -1, &code) != 1)
		return -1;
	return code;
}

/* Ask on the terminal whether to edit again; no terminal means no. */
static bool ask_again(void)
{
	char line[16];

	if (!isatty(0) || !isatty(2))
		return false;
	fputs("Edit again? [Y/n] ", stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] != 'n' && line[0] != 'N';
}

static int edit_loop(const struct sstp_cli *cli, const struct sstp_profile_ref *ref,
		     const char *tmp, const unsigned char *orig, size_t olen)
{
	unsigned char *buf = NULL;
	size_t len;
	char err[600];

	for (;;) {
		int code = run_editor(tmp);
		if (code != 0) {
			fprintf(stderr, "sstp edit: the editor %s; profile '%s' not changed\n",
				code < 0 ? "could not be started" : "failed", cli->name);
			return SSTP_EXIT_ERROR;
		}
		free(buf);
		int rc = sstp_cli_exit_code(sstp_read_file_capped(tmp, SSTP_PROFILE_MAX_FILE, &buf,
								  &len, err, sizeof(err)));
		if (rc == 0 && len == olen && memcmp(buf, orig, len) == 0) {
			fprintf(stderr, "profile '%s' not changed\n", cli->name);
			free(buf);
			return SSTP_EXIT_OK;
		}
		if (rc == 0)
			rc = sstp_cli_exit_code(sstp_profile_validate_text((const char *)buf, len,
									   ref->dir, err,
									   sizeof(err)));
		if (rc == 0) {
			rc = sstp_cli_exit_code(sstp_profile_write_file(ref->dir, SSTP_PROFILE_FILE,
									buf, len, err,
									sizeof(err)));
			if (rc)
				fprintf(stderr, "sstp edit: %s\n", err);
			else if (cli->verbosity >= 0)
				fprintf(stderr, "profile '%s' saved (%s)\n", cli->name, ref->file);
			free(buf);
			return rc;
		}
		fprintf(stderr, "sstp edit: profile '%s' not saved: %s\n", cli->name, err);
		if (!ask_again()) {
			free(buf);
			return SSTP_EXIT_PROFILE;
		}
	}
}

int sstp_cmd_edit(const struct sstp_cli *cli)
{
	struct sstp_profile_ref ref;
	unsigned char *orig = NULL;
	size_t olen = 0;
	char err[600], tmp[4400];
	int rc = find_writable("edit", cli->name, &ref);

	if (rc)
		return rc;
	rc = sstp_cli_exit_code(sstp_read_file_capped(ref.file, SSTP_PROFILE_MAX_FILE, &orig, &olen,
						      err, sizeof(err)));
	if (rc) {
		fprintf(stderr, "sstp edit: %s\n", err);
		goto out;
	}
	/* the copy lives beside the profile (same owner and file system), readable only by us */
	snprintf(tmp, sizeof(tmp), "%s/.edit.%d.%s", ref.dir, plat_getpid(), SSTP_PROFILE_FILE);
	unlink(tmp);
	if (write_all(tmp, orig, olen) != 0) {
		fprintf(stderr, "sstp edit: cannot write %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		rc = SSTP_EXIT_ERROR;
		goto out;
	}
	rc = edit_loop(cli, &ref, tmp, orig, olen);
	unlink(tmp);
out:
	free(orig);
	sstp_cli_profile_ref_free(&ref);
	return rc;
}

/* ---- remove ---- */

int sstp_cmd_remove(const struct sstp_cli *cli)
{
	struct sstp_profile_ref ref;
	int rc = find_writable("remove", cli->name, &ref);

	if (rc)
		return rc;
	/* profile.conf first: once it is gone, the name is no longer a profile */
	if (unlink(ref.file) != 0) {
		fprintf(stderr, "sstp remove: cannot remove %s: %s\n", ref.file, strerror(errno));
		sstp_cli_profile_ref_free(&ref);
		return errno == EACCES || errno == EPERM ? SSTP_EXIT_PERMISSION : SSTP_EXIT_ERROR;
	}
	/* then the files import saved beside it (roots); never anything below a subdirectory */
	DIR *d = opendir(ref.dir);
	struct dirent *e;
	size_t seen = 0;
	while (d && (e = readdir(d)) != NULL && seen++ < 10000) {
		char f[4400];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(f, sizeof(f), "%s/%s", ref.dir, e->d_name);
		if (lstat(f, &st) == 0 && !S_ISDIR(st.st_mode))
			unlink(f);
	}
	if (d)
		closedir(d);
	if (rmdir(ref.dir) != 0)
		fprintf(stderr, "sstp remove: %s kept: %s\n", ref.dir, strerror(errno));
	if (cli->verbosity >= 0)
		fprintf(stderr, "profile '%s' removed (%s)\n", cli->name, ref.dir);
	sstp_cli_profile_ref_free(&ref);
	return SSTP_EXIT_OK;
}
