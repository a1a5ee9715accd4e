/* journal.c - the undo journal file on disk: created with O_EXCL under the state directory,
 * appended one record at a time with fdatasync before the change it announces is made, marked
 * done as changes are undone, removed (with a directory fsync) when nothing is left. */
#include "plat_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int plat_jfile_init(struct plat_jfile *j, const char *state_dir, const char *session)
{
	int n;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (!state_dir || state_dir[0] != '/' || !plat_journal_session_ok(session))
		return -EINVAL;
	n = snprintf(j->dir, sizeof(j->dir), "%s", state_dir);
	if (n < 0 || (size_t)n >= sizeof(j->dir))
		return -ENAMETOOLONG;
	n = snprintf(j->path, sizeof(j->path), "%s/%s.journal", state_dir, session);
	if (n < 0 || (size_t)n >= sizeof(j->path))
		return -ENAMETOOLONG;
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		r = -errno;
	close(fd);
	return r;
}

/* mkdir -p for the state dir, last component 0700. */
static int make_dir(const char *dir)
{
	char tmp[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, dir, n + 1);
	for (size_t i = 1; i < n; i++) {
		if (tmp[i] != '/')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		tmp[i] = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int plat_jfile_create(struct plat_jfile *j)
{
	char buf[256];
	int r, len;

	if (j->fd >= 0)
		return 0;
	r = make_dir(j->dir);
	if (r)
		return r;
	r = plat_proc_self_owner(&j->owner);
	if (r)
		return r;
	len = plat_journal_format_header(&j->owner, buf, sizeof(buf));
	if (len < 0)
		return len;
	j->fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (j->fd < 0)
		return -errno;
	r = write_all(j->fd, buf, (size_t)len);
	if (r == 0 && fdatasync(j->fd) != 0)
		r = -errno;
	if (r == 0)
		r = fsync_dir(j->dir);
	if (r) {
		close(j->fd);
		j->fd = -1;
		unlink(j->path);
		return r;
	}
	j->last_seq = 0;
	return 0;
}

int plat_jfile_open_existing(struct plat_jfile *j, uint32_t last_seq)
{
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (j->fd < 0)
		return -errno;
	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
		int e = -errno;
		close(j->fd);
		j->fd = -1;
		return e;
	}
	j->last_seq = last_seq;
	return 0;
}

static int append_line(struct plat_jfile *j, const char *buf, size_t len)
{
	int r;

	if (j->fd < 0)
		return -EBADF;
	r = write_all(j->fd, buf, len);
	if (r == 0 && fdatasync(j->fd) != 0)
		r = -errno;
	return r;
}

int plat_jfile_add(struct plat_jfile *j, struct plat_jrec *r)
{
	char buf[PLAT_JOURNAL_MAX_LINE];
	int len;

	if (j->last_seq == UINT32_MAX)
		return -EOVERFLOW;
	r->seq = j->last_seq + 1;
	len = plat_journal_format_rec(r, buf, sizeof(buf));
	if (len < 0)
		return len;
	len = append_line(j, buf, (size_t)len);
	if (len == 0)
		j->last_seq = r->seq;
	return len;
}

int plat_jfile_done(struct plat_jfile *j, uint32_t seq)
{
	char buf[32];
	int len = plat_journal_format_done(seq, buf, sizeof(buf));

	return len < 0 ? len : append_line(j, buf, (size_t)len);
}

int plat_jfile_close(struct plat_jfile *j, bool remove)
{
	int r = 0;

	if (remove) {
		if (unlink(j->path) != 0 && errno != ENOENT)
			r = -errno;
		else
			r = fsync_dir(j->dir);
	}
	if (j->fd >= 0) {
		close(j->fd);
		j->fd = -1;
	}
	return r;
}

int plat_jfile_read(const char *path, struct plat_journal *out, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int r = plat_read_file(path, PLAT_JOURNAL_MAX_BYTES, &data, &len);

	if (r) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	r = plat_journal_parse(data, len, out, err, errlen);
	free(data);
	return r;
}
