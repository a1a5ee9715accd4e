/* ctl.c - unix domain control sockets on Linux: listen/accept with SO_PEERCRED, connect with a
 * timeout, bounded send/receive, and listing the sockets of a state directory. */
#include "plat_ctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_addr(const char *path, struct sockaddr_un *sa)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}

static int make_parent_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash || slash == path)
		return 0;
	n = (size_t)(slash - path);
	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int plat_ctl_listen(const char *path)
{
	struct sockaddr_un sa;
	struct stat stt;
	int fd, r;
	mode_t old;

	if ((r = fill_addr(path, &sa)) < 0)
		return r;
	if ((r = make_parent_dir(path)) < 0)
		return r;
	if (lstat(path, &stt) == 0) {
		int probe;

		if (!S_ISSOCK(stt.st_mode))
			return -EEXIST;
		probe = plat_ctl_connect(path, 200);
		if (probe >= 0) {
			close(probe);
			return -EADDRINUSE;
		}
		unlink(path); /* stale: its process is gone */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 8) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	chmod(path, 0600);
	return fd;
}

int plat_ctl_accept(int listen_fd, struct plat_ctl_peer *peer)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (peer) {
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
			int e = -errno;
			close(fd);
			return e;
		}
		peer->uid = cred.uid;
		peer->gid = cred.gid;
		peer->pid = cred.pid;
	}
	return fd;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

int plat_ctl_connect(const char *path, int timeout_ms)
{
	struct sockaddr_un sa;
	int fd, r, soerr = 0;
	socklen_t sl = sizeof(soerr);

	if ((r = fill_addr(path, &sa)) < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS && errno != EAGAIN) {
			r = -errno;
			close(fd);
			return r;
		}
		if ((r = wait_fd(fd, POLLOUT, timeout_ms)) < 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			close(fd);
			return r < 0 ? r : -(soerr ? soerr : EIO);
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

ssize_t plat_ctl_send(int fd, const void *buf, size_t len, int timeout_ms)
{
	const char *p = buf;
	size_t done = 0;
	int nonblock = (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;

	while (done < len) {
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r;

			if (nonblock)
				return (ssize_t)done;
			if ((r = wait_fd(fd, POLLOUT, timeout_ms)) < 0)
				return r;
			continue;
		}
		return n < 0 ? -errno : -EIO;
	}
	return (ssize_t)done;
}

ssize_t plat_ctl_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	for (;;) {
		ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
		int r;

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (timeout_ms == 0)
			return -EAGAIN;
		if ((r = wait_fd(fd, POLLIN, timeout_ms)) < 0)
			return r == -ETIMEDOUT ? -EAGAIN : r;
		timeout_ms = 0; /* readable now: one more try */
	}
}

void plat_ctl_unlink(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

void plat_ctl_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

uint32_t plat_ctl_my_uid(void)
{
	return (uint32_t)geteuid();
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

size_t plat_ctl_list(const char *dir, char (*names)[72], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while (n < max && (e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l <= 5 || l - 5 >= 72 || strcmp(e->d_name + l - 5, ".sock") != 0 ||
		    e->d_name[0] == '.')
			continue;
		memcpy(names[n], e->d_name, l - 5);
		names[n][l - 5] = '\0';
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}
