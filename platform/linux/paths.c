/* paths.c - plat_paths.h on Linux: the FHS places (/run for what dies with the machine,
 * /var/lib for what must survive a reboot, /etc for the administrator's profiles) and the XDG
 * base directory for a user's own. */
#include "plat_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

const char *plat_default_state_dir(void)
{
	return "/run/sstp";
}

const char *plat_default_backup_dir(void)
{
	return "/var/lib/sstp";
}

const char *plat_backup_dir_for(const char *backup_dir, const char *state_dir)
{
	if (backup_dir)
		return backup_dir;
	if (!state_dir || strcmp(state_dir, plat_default_state_dir()) == 0)
		return plat_default_backup_dir();
	return state_dir;
}

const char *plat_default_control_path(void)
{
	return "/run/sstp/control";
}

const char *plat_default_system_dir(void)
{
	return "/etc/sstp";
}

int plat_user_config_dir(char *out, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, len, "%s/sstp", xdg);
	else if (home && home[0] == '/')
		n = snprintf(out, len, "%s/.config/sstp", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool plat_path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}

static const char *kind_of(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ?
	       "a block device" : S_ISSOCK(m) ? "a socket" : S_ISDIR(m) ? "a directory" :
	       "not a regular file";
}

int plat_open_untrusted(const char *path, FILE **out, struct plat_file_owner *owner, char *why,
			size_t whylen)
{
	struct stat before, st;
	int fd, e;

	*out = NULL;
	if (lstat(path, &before) != 0) {
		e = errno;
		snprintf(why, whylen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (S_ISLNK(before.st_mode)) {
		snprintf(why, whylen, "%s is a symbolic link; refused (name the file itself)", path);
		return -ELOOP;
	}
	if (!S_ISREG(before.st_mode)) {
		snprintf(why, whylen, "%s is %s, not a regular file; refused", path,
			 kind_of(before.st_mode));
		return -EINVAL;
	}
	/* O_NONBLOCK: should it have become a FIFO since, the open does not wait for a writer */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		snprintf(why, whylen, e == ELOOP ? "%s is a symbolic link; refused" : "%s: %s", path,
			 strerror(e));
		return -e;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != before.st_dev ||
	    st.st_ino != before.st_ino) {
		close(fd);
		snprintf(why, whylen, "%s changed while it was being opened; refused", path);
		return -EAGAIN;
	}
	/* back to blocking reads: a regular file */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 || !(*out = fdopen(fd, "r"))) {
		e = errno;
		close(fd);
		snprintf(why, whylen, "%s: %s", path, strerror(e));
		return -e;
	}
	owner->uid = (unsigned)st.st_uid;
	owner->mode = (unsigned)(st.st_mode & 07777);
	return 0;
}
