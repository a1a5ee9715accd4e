/* proc.c - child processes and detaching on Linux: fork/exec with a clean signal state and an
 * exec-failure pipe, waitpid without blocking, and the background split of `connect -b`. */
#include "plat_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
}

/* The environment of a child: ours, with each NAME=value of extra replacing or adding NAME.
 * Built before fork (the child only calls exec). NULL when out of memory. */
static char **merge_env(char *const extra[])
{
	extern char **environ;
	size_t ne = 0, nx = 0, k = 0;

	while (environ && environ[ne])
		ne++;
	while (extra && extra[nx])
		nx++;
	char **env = calloc(ne + nx + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < ne; i++) {
		size_t n = strcspn(environ[i], "=");
		bool replaced = false;

		for (size_t j = 0; j < nx && !replaced; j++)
			replaced = strncmp(extra[j], environ[i], n) == 0 && extra[j][n] == '=';
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < nx; j++)
		env[k++] = extra[j];
	return env;
}

int plat_spawn_env(char *const argv[], char *const extra[], int *pid)
{
	int p[2], err = 0;
	pid_t c;
	ssize_t n;
	char **env = NULL;

	if (!argv || !argv[0])
		return -EINVAL;
	if (extra && !(env = merge_env(extra)))
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC) < 0) {
		err = -errno;
		free(env);
		return err;
	}
	c = fork();
	if (c < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		free(env);
		return err;
	}
	if (c == 0) {
		close(p[0]);
		child_reset_signals();
		if (env)
			execvpe(argv[0], argv, env);
		else
			execvp(argv[0], argv);
		err = errno;
		if (write(p[1], &err, sizeof(err)) < 0) {
			/* nothing more to do */
		}
		_exit(127);
	}
	free(env);
	close(p[1]);
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(c, NULL, 0);
		return -err;
	}
	*pid = (int)c;
	return 0;
}

int plat_spawn(char *const argv[], int *pid)
{
	return plat_spawn_env(argv, NULL, pid);
}

int plat_wait(int pid, int timeout_ms, int *code)
{
	struct timespec step = {0, 20 * 1000 * 1000};
	long waited = 0;

	for (;;) {
		int r = plat_reap(pid, code);
		if (r != 0)
			return r;
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return 0;
		nanosleep(&step, NULL);
		waited += 20;
	}
}

int plat_fork_call(int (*fn)(void *ctx), void *ctx, int *pid)
{
	pid_t c = fork();

	if (c < 0)
		return -errno;
	if (c == 0) {
		child_reset_signals();
		_exit(fn(ctx) & 0xff);
	}
	*pid = (int)c;
	return 0;
}

int plat_die_with_parent(int parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		return -errno;
	/* a parent that died before the prctl sent nothing: we belong to another process now */
	return (int)getppid() == parent ? 0 : -ESRCH;
}

int plat_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

void *plat_shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void plat_shared_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

int plat_reap(int pid, int *code)
{
	int st;
	pid_t r;

	do
		r = waitpid((pid_t)pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	if (WIFEXITED(st))
		*code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		*code = 128 + WTERMSIG(st);
	else
		*code = 1;
	return 1;
}

int plat_terminate(int pid, bool force)
{
	if (pid <= 0)
		return -EINVAL;
	return kill((pid_t)pid, force ? SIGKILL : SIGTERM) < 0 ? -errno : 0;
}

int plat_detach(int *report_fd, int *child)
{
	int p[2];
	pid_t c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	c = fork();
	if (c < 0) {
		int e = -errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	if (c > 0) {
		close(p[1]);
		*report_fd = p[0];
		*child = (int)c;
		return 1;
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0) {
		/* "/" always exists; nothing depends on the cwd */
	}
	*report_fd = p[1];
	*child = (int)getpid();
	return 0;
}

void plat_detach_close_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

int plat_no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };
	int r = 0;

	if (setrlimit(RLIMIT_CORE, &none) != 0)
		r = -errno;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		r = -errno;
	return r;
}

void plat_lock_secret(void *p, size_t len)
{
	if (p && len)
		(void)mlock(p, len);
}

bool plat_is_root(void)
{
	return geteuid() == 0;
}

int plat_getpid(void)
{
	return (int)getpid();
}

int plat_read_password(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	size_t n = 0;
	int fd, e = 0;

	if (len == 0)
		return -EINVAL;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -ENXIO;
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return -ENXIO;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		close(fd);
		return -EIO;
	}
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = c;
		else
			e = -ENAMETOOLONG;
	}
	buf[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* cosmetic only */
	}
	close(fd);
	if (e) {
		memset(buf, 0, len);
		return e;
	}
	return (int)n;
}
