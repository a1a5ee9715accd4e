/* profile_fs.c - where profiles live and how they reach the disk: the user and system
 * directories, load by name or path, atomic save into <base>/<name>/profile.conf (never through a
 * symlink, never outside the base directory), files saved beside a profile, and the lister. */
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sstp_err.h"
#include "plat_paths.h"

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + 1 + strlen(b) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s", a, b);
	return s;
}

int sstp_profile_dirs_default(struct sstp_profile_dirs *d, bool as_root)
{
	char user[4096];

	memset(d, 0, sizeof(*d));
	const char *sys = getenv("SSTP_SYSTEM_DIR");
	d->system = strdup(plat_path_is_absolute(sys) ? sys : plat_default_system_dir());
	if (!d->system)
		return SSTP_ERR_INTERNAL;
	if (as_root || plat_user_config_dir(user, sizeof(user)) != 0)
		return 0;
	d->user = strdup(user);
	if (!d->user) {
		sstp_profile_dirs_free(d);
		return SSTP_ERR_INTERNAL;
	}
	return 0;
}

void sstp_profile_dirs_free(struct sstp_profile_dirs *d)
{
	if (!d)
		return;
	free(d->user);
	free(d->system);
	d->user = d->system = NULL;
}

const char *sstp_profile_dirs_write(const struct sstp_profile_dirs *d)
{
	return d->user ? d->user : d->system;
}

int sstp_read_file_capped(const char *path, size_t max, unsigned char **buf, size_t *len,
			  char *err, size_t errlen)
{
	*buf = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return errno == ENOENT || errno == EACCES || errno == ENOTDIR ? SSTP_ERR_PROFILE
									    : SSTP_ERR_INTERNAL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s is not a regular file", path);
		return SSTP_ERR_PROFILE;
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
		return SSTP_ERR_PROFILE;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	unsigned char *b = malloc(cap + 1);
	if (!b) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	/* read until EOF, but never more than max: the file may grow under us */
	for (;;) {
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			free(b);
			close(fd);
			return SSTP_ERR_INTERNAL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
			free(b);
			close(fd);
			return SSTP_ERR_PROFILE;
		}
		if (n == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			unsigned char *nb = realloc(b, ncap + 1);
			if (!nb) {
				free(b);
				close(fd);
				snprintf(err, errlen, "out of memory");
				return SSTP_ERR_INTERNAL;
			}
			b = nb;
			cap = ncap;
		}
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int load_file(struct sstp_profile *p, const char *file, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len;
	char msg[400];
	int rc = sstp_read_file_capped(file, SSTP_PROFILE_MAX_FILE, &buf, &len, err, errlen);
	if (rc)
		return rc;
	char *dir = strdup(file);
	if (!dir) {
		free(buf);
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else if (slash)
		slash[1] = '\0';
	else
		dir[0] = '.', dir[1] = '\0';
	rc = sstp_profile_parse(p, (const char *)buf, len, dir, msg, sizeof(msg));
	free(buf);
	if (rc) {
		snprintf(err, errlen, "%s: %s", file, msg);
		free(dir);
		return rc;
	}
	free(p->dir);
	p->dir = dir;
	if (!p->name) {
		/* name from the directory (…/<name>/profile.conf) or the file stem (<name>.conf) */
		const char *base = strrchr(file, '/');
		base = base ? base + 1 : file;
		char cand[SSTP_PROFILE_NAME_MAX + 1] = "";
		if (strcmp(base, SSTP_PROFILE_FILE) == 0) {
			const char *d = strrchr(dir, '/');
			d = d ? d + 1 : dir;
			snprintf(cand, sizeof(cand), "%s", d);
		} else {
			size_t n = strlen(base);
			if (n > 5 && strcmp(base + n - 5, ".conf") == 0 && n - 5 < sizeof(cand))
				snprintf(cand, sizeof(cand), "%.*s", (int)(n - 5), base);
		}
		if (sstp_profile_name_valid(cand))
			p->name = strdup(cand);
	}
	if (!p->server) {
		snprintf(err, errlen, "%s: no 'server' in the profile", file);
		return SSTP_ERR_PROFILE;
	}
	return 0;
}

int sstp_profile_load(struct sstp_profile *p, const char *name_or_path,
		      const struct sstp_profile_dirs *dirs, char *err, size_t errlen)
{
	if (!name_or_path || !name_or_path[0]) {
		snprintf(err, errlen, "no profile name given");
		return SSTP_ERR_PROFILE;
	}
	if (strchr(name_or_path, '/')) {
		if (is_dir(name_or_path)) {
			char *f = join(name_or_path, SSTP_PROFILE_FILE);
			if (!f) {
				snprintf(err, errlen, "out of memory");
				return SSTP_ERR_INTERNAL;
			}
			int rc = load_file(p, f, err, errlen);
			free(f);
			return rc;
		}
		return load_file(p, name_or_path, err, errlen);
	}
	if (!sstp_profile_name_valid(name_or_path)) {
		snprintf(err, errlen, "'%.64s' is not a valid profile name (letters, digits, '-', '_', "
			 "'.', '@'; no '..')", name_or_path);
		return SSTP_ERR_PROFILE;
	}
	const char *bases[2] = {dirs ? dirs->user : NULL, dirs ? dirs->system : NULL};
	char looked[600] = "";
	size_t lo = 0;
	for (int i = 0; i < 2; i++) {
		if (!bases[i])
			continue;
		char *d = join(bases[i], name_or_path);
		char *f = d ? join(d, SSTP_PROFILE_FILE) : NULL;
		free(d);
		if (!f) {
			snprintf(err, errlen, "out of memory");
			return SSTP_ERR_INTERNAL;
		}
		if (is_file(f)) {
			int rc = load_file(p, f, err, errlen);
			free(f);
			return rc;
		}
		int n = snprintf(looked + lo, sizeof(looked) - lo, "%s%s", lo ? ", " : "", f);
		if (n > 0 && (size_t)n < sizeof(looked) - lo)
			lo += (size_t)n;
		free(f);
	}
	snprintf(err, errlen, "no profile named '%s' (looked for %s); create one with `sstp import`",
		 name_or_path, lo ? looked : "nothing: no profile directory known");
	return SSTP_ERR_PROFILE;
}

/* mkdir -p for an absolute or relative path; every existing component must be a directory. */
static int mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return -1;
		if (!is_dir(buf)) {
			errno = ENOTDIR;
			return -1;
		}
		buf[i] = c;
	}
	return 0;
}

int sstp_profile_prepare_dir(const char *base, const char *name, bool overwrite, char *dir,
			     size_t dirlen, char *err, size_t errlen)
{
	if (!sstp_profile_name_valid(name)) {
		snprintf(err, errlen, "'%.64s' is not a valid profile name (letters, digits, '-', '_', "
			 "'.', '@'; no '..')", name ? name : "");
		return SSTP_ERR_PROFILE;
	}
	if (!base || !base[0]) {
		snprintf(err, errlen, "no profile directory: set HOME or XDG_CONFIG_HOME");
		return SSTP_ERR_INTERNAL;
	}
	if (mkdirs(base, 0755) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", base, strerror(errno));
		return SSTP_ERR_INTERNAL;
	}
	int n = snprintf(dir, dirlen, "%s/%s", base, name);
	if (n < 0 || (size_t)n >= dirlen) {
		snprintf(err, errlen, "profile directory path too long");
		return SSTP_ERR_INTERNAL;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return SSTP_ERR_INTERNAL;
	}
	struct stat st;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a directory", dir);
		return SSTP_ERR_PROFILE;
	}
	char f[4200];
	snprintf(f, sizeof(f), "%s/%s", dir, SSTP_PROFILE_FILE);
	if (!overwrite && lstat(f, &st) == 0) {
		snprintf(err, errlen, "profile '%s' already exists (%s); choose another --name or "
			 "remove it first", name, f);
		return SSTP_ERR_PROFILE;
	}
	return 0;
}

int sstp_profile_write_file(const char *dir, const char *fname, const void *data, size_t len,
			    char *err, size_t errlen)
{
	char path[4200], tmp[4300];
	if (!fname[0] || strchr(fname, '/') || strcmp(fname, ".") == 0 || strcmp(fname, "..") == 0) {
		snprintf(err, errlen, "invalid file name");
		return SSTP_ERR_INTERNAL;
	}
	int n = snprintf(path, sizeof(path), "%s/%s", dir, fname);
	int m = snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, fname, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(path) || m < 0 || (size_t)m >= sizeof(tmp)) {
		snprintf(err, errlen, "path too long");
		return SSTP_ERR_INTERNAL;
	}
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return SSTP_ERR_INTERNAL;
	}
	const unsigned char *p = data;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return SSTP_ERR_INTERNAL;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return SSTP_ERR_INTERNAL;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return SSTP_ERR_INTERNAL;
	}
	return 0;
}

int sstp_profile_save(struct sstp_profile *p, const char *base, bool overwrite,
		      char *err, size_t errlen)
{
	char dir[4096];
	char *text = NULL;
	size_t len = 0;
	if (!p->server) {
		snprintf(err, errlen, "the profile has no server");
		return SSTP_ERR_PROFILE;
	}
	int rc = sstp_profile_prepare_dir(base, p->name, overwrite, dir, sizeof(dir), err, errlen);
	if (rc)
		return rc;
	if (sstp_profile_format(p, &text, &len) != 0) {
		snprintf(err, errlen, "profile '%s' holds a value that cannot be written (control "
			 "character or too long)", p->name);
		return SSTP_ERR_PROFILE;
	}
	rc = sstp_profile_write_file(dir, SSTP_PROFILE_FILE, text, len, err, errlen);
	free(text);
	if (rc)
		return rc;
	char *d = strdup(dir);
	if (d) {
		free(p->dir);
		p->dir = d;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sstp_profile_list(const struct sstp_profile_dirs *dirs, struct sstp_strlist *names)
{
	memset(names, 0, sizeof(*names));
	const char *bases[2] = {dirs ? dirs->user : NULL, dirs ? dirs->system : NULL};
	for (int i = 0; i < 2; i++) {
		if (!bases[i])
			continue;
		DIR *d = opendir(bases[i]);
		if (!d)
			continue;
		struct dirent *e;
		size_t seen = 0;
		while ((e = readdir(d)) != NULL && seen++ < 100000) {
			if (!sstp_profile_name_valid(e->d_name) || names->n >= 4096)
				continue;
			char f[4200];
			int n = snprintf(f, sizeof(f), "%s/%s/%s", bases[i], e->d_name,
					 SSTP_PROFILE_FILE);
			if (n < 0 || (size_t)n >= sizeof(f) || !is_file(f))
				continue;
			bool dup = false;
			for (size_t k = 0; k < names->n; k++)
				if (strcmp(names->v[k], e->d_name) == 0)
					dup = true;
			if (!dup && sstp_strlist_add(names, e->d_name) != 0) {
				closedir(d);
				sstp_strlist_free(names);
				return -1;
			}
		}
		closedir(d);
	}
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	return 0;
}
