/* svc.c - Linux side of plat_svc.h: group database look-ups (getgrnam_r, getgrouplist), socket
 * and directory ownership, the sd_notify datagram to $NOTIFY_SOCKET, and fork/exec of a child
 * whose stdout/stderr the helper reads through a socket pair. */
#include "plat_svc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PW_BUF 16384
#define MAX_GROUPS 1024

int plat_group_gid(const char *name, uint32_t *gid)
{
	struct group gr, *res = NULL;
	char *buf = malloc(PW_BUF);
	int r;

	if (!buf)
		return -ENOMEM;
	r = getgrnam_r(name, &gr, buf, PW_BUF, &res);
	if (r == 0 && res)
		*gid = (uint32_t)res->gr_gid;
	free(buf);
	if (r != 0)
		return -r;
	return res ? 0 : -ENOENT;
}

int plat_uid_in_group(uint32_t uid, uint32_t gid)
{
	struct passwd pw, *res = NULL;
	gid_t *groups;
	char *buf;
	int n = MAX_GROUPS, r, found = 0;

	buf = malloc(PW_BUF);
	groups = malloc(sizeof(gid_t) * MAX_GROUPS);
	if (!buf || !groups) {
		free(buf);
		free(groups);
		return -ENOMEM;
	}
	r = getpwuid_r((uid_t)uid, &pw, buf, PW_BUF, &res);
	if (r != 0 || !res) {
		free(buf);
		free(groups);
		return r != 0 ? -r : 0;
	}
	if ((uint32_t)pw.pw_gid == gid) {
		found = 1;
	} else if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0) {
		found = -ERANGE; /* more than MAX_GROUPS groups: refuse rather than guess */
	} else {
		for (int i = 0; i < n; i++)
			if ((uint32_t)groups[i] == gid)
				found = 1;
	}
	free(buf);
	free(groups);
	return found;
}

const char *plat_user_name(uint32_t uid, char *out, size_t len)
{
	struct passwd pw, *res = NULL;
	char *buf = malloc(PW_BUF);

	if (buf && getpwuid_r((uid_t)uid, &pw, buf, PW_BUF, &res) == 0 && res)
		snprintf(out, len, "%s", pw.pw_name);
	else
		snprintf(out, len, "uid %u", (unsigned)uid);
	free(buf);
	return out;
}

int plat_ctl_set_access(const char *path, uint32_t gid, unsigned mode)
{
	if (lchown(path, 0, gid == UINT32_MAX ? (gid_t)-1 : (gid_t)gid) < 0)
		return -errno;
	if (chmod(path, (mode_t)mode) < 0)
		return -errno;
	return 0;
}

int plat_svc_prepare_dir(const char *path, uint32_t gid, unsigned mode)
{
	struct stat st;
	int fd;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	if (fchown(fd, 0, gid == UINT32_MAX ? (gid_t)-1 : (gid_t)gid) < 0 ||
	    fchmod(fd, (mode_t)mode) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

static char kept_notify[sizeof(((struct sockaddr_un *)0)->sun_path)];

void plat_svc_notify_keep(void)
{
	const char *p = getenv("NOTIFY_SOCKET");

	if (p && strlen(p) < sizeof(kept_notify)) {
		memcpy(kept_notify, p, strlen(p) + 1);
		unsetenv("NOTIFY_SOCKET");
	}
}

int plat_svc_notify(const char *state)
{
	const char *path = kept_notify[0] ? kept_notify : getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	size_t n;
	int fd, r = 1;

	if (!path || !path[0])
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path))
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/' ? 1 : 0));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		r = -errno;
	close(fd);
	return r;
}

const char *plat_self_exe(void)
{
	return "/proc/self/exe";
}

static void child_exec(char *const argv[], int in_r, int out_w, int err_pipe)
{
	sigset_t none;
	int null = in_r >= 0 ? in_r : open("/dev/null", O_RDONLY | O_CLOEXEC);
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setpgid(0, 0);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out_w, 1) < 0 || dup2(out_w, 2) < 0)
		goto fail;
	execv(argv[0], argv);
fail:
	e = errno;
	if (write(err_pipe, &e, sizeof(e)) < 0) {
		/* nothing more to do */
	}
	_exit(127);
}

/* A pipe holding input, closed for writing: its read end, or -errno. */
static int input_pipe(const void *input, size_t len)
{
	int p[2];
	ssize_t n;

	if (len > PLAT_SPAWN_INPUT_MAX)
		return -E2BIG;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/* a pipe holds at least 4096 bytes: this never blocks */
	do
		n = len ? write(p[1], input, len) : 0;
	while (n < 0 && errno == EINTR);
	close(p[1]);
	if (n != (ssize_t)len) {
		close(p[0]);
		return -EIO;
	}
	return p[0];
}

int plat_spawn_captured_input(char *const argv[], const void *input, size_t input_len, int *pid,
			      int *out_fd)
{
	int out[2], ep[2], err = 0, in_r = -1;
	ssize_t n;
	pid_t c;

	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	if (input && (in_r = input_pipe(input, input_len)) < 0)
		return in_r;
	/* a socket pair rather than a pipe, so plat_ctl_recv() reads it */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) < 0) {
		err = -errno;
		if (in_r >= 0)
			close(in_r);
		return err;
	}
	if (pipe2(ep, O_CLOEXEC) < 0) {
		err = -errno;
		close(out[0]);
		close(out[1]);
		if (in_r >= 0)
			close(in_r);
		return err;
	}
	c = fork();
	if (c < 0) {
		err = -errno;
		close(out[0]);
		close(out[1]);
		close(ep[0]);
		close(ep[1]);
		if (in_r >= 0)
			close(in_r);
		return err;
	}
	if (c == 0) {
		close(out[0]);
		close(ep[0]);
		child_exec(argv, in_r, out[1], ep[1]);
	}
	setpgid(c, c); /* also in the parent, so the group exists before anyone signals it */
	if (in_r >= 0)
		close(in_r);
	close(out[1]);
	close(ep[1]);
	do
		n = read(ep[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(err)) {
		close(out[0]);
		waitpid(c, NULL, 0);
		return -err;
	}
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	*pid = (int)c;
	*out_fd = out[0];
	return 0;
}

int plat_spawn_captured(char *const argv[], int *pid, int *out_fd)
{
	return plat_spawn_captured_input(argv, NULL, 0, pid, out_fd);
}

int plat_terminate_group(int pid, bool force)
{
	if (pid <= 1)
		return -EINVAL;
	if (kill(-(pid_t)pid, force ? SIGKILL : SIGTERM) < 0) {
		/* not a group leader (yet): signal the process itself */
		if (kill((pid_t)pid, force ? SIGKILL : SIGTERM) < 0)
			return -errno;
	}
	return 0;
}
